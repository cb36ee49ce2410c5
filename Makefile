# ipvsadm in Go. `make` builds the static binary; `make test` runs the unit
# tests and then the VM suite (Debian kernel under qemu, reference ipvsadm
# beside ours); `make demo` runs the NAT and DR labs in the VM.
GO      ?= go
CACHE   ?= $(CURDIR)/.cache
export CACHE
GOFLAGS_STATIC = CGO_ENABLED=0
BIN     = ipvsadm
# ipvs_exporter: a binary of its own, from the Go module in exporter/, so
# that its libraries never load with ipvsadm (see README, Prometheus).
EXPORTER = ipvs_exporter
# VERSION (git describe) is linked in as main.version: `ipvsadm version`
# prints it.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
# disablethp=1 as the binary's default GODEBUG (the runtime reads it before
# its first heap page; GODEBUG in the environment still overrides it): a
# command that runs for milliseconds gains nothing from transparent huge
# pages, and on kernels with THP "always" (Debian's) each 2 MiB huge page of
# heap costs 2 MiB of resident memory and the time to clear it. Go only
# accepts known settings in //go:debug lines, so it is set at link time.
LDFLAGS = -s -w -X runtime.godebugDefault=disablethp=1 -X main.version=$(VERSION) -X main.commit=$(COMMIT)
E2EBIN  = $(CACHE)/bin/e2e.test

.PHONY: all build test unit vet e2e e2e-system demo lab lab-test bench fuzz fuzz-smoke clean go-deps deps

all: build

go-deps:
	@command -v $(GO) >/dev/null || { echo "make: Go toolchain not found" >&2; exit 1; }
	@$(GO) mod download
	@cd exporter && $(GO) mod download

# The binary is a file made from the Go sources of the program (not its
# tests, nor e2e/, bench/, testdata/, dist/), so that an up-to-date
# ./ipvsadm is not built again: "make && sudo make install" then needs Go
# only on the user's PATH (sudo's secure_path lacks /usr/local/go/bin).
GOSRC := go.mod go.sum $(shell find . \( -path ./.cache -o -path ./build -o -path ./tools -o -path ./exporter \
	-o -path ./e2e -o -path ./bench -o -path ./testdata -o -path ./dist \) -prune -o \
	-name '*.go' ! -name '*_test.go' -print 2>/dev/null)

build: $(BIN) $(EXPORTER)

$(BIN): $(GOSRC)
	@command -v $(GO) >/dev/null || { echo "make: $(BIN) is missing or older than its sources, and the Go toolchain is not found: run make as the user who has Go first" >&2; exit 1; }
	$(GOFLAGS_STATIC) $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

# The exporter is built from its module and the packages of this one.
EXPORTERSRC := $(GOSRC) $(shell find exporter -name '*.go' ! -name '*_test.go' -print 2>/dev/null) exporter/go.mod exporter/go.sum

$(EXPORTER): $(EXPORTERSRC)
	@command -v $(GO) >/dev/null || { echo "make: $(EXPORTER) is missing or older than its sources, and the Go toolchain is not found" >&2; exit 1; }
	cd exporter && $(GOFLAGS_STATIC) $(GO) build -trimpath -ldflags '-s -w -X main.version=$(VERSION)' -o ../$(EXPORTER) .

vet:
	@test -z "$$(gofmt -l . | grep -v '^.cache/')" || { echo "gofmt needed:"; gofmt -l . | grep -v '^.cache/'; exit 1; }
	$(GO) vet ./...
	$(GO) vet -tags e2e ./e2e/...
	$(GO) vet -tags labvm ./e2e/lab
	@# ipvs is a library that builds anywhere (Open fails off Linux)
	for os in darwin freebsd windows; do GOOS=$$os $(GO) vet ./ipvs || exit 1; done
	cd exporter && $(GO) vet ./...
	$(GO) vet -tags system ./e2e/system/

# Host tools the unit tests drive (completion in zsh, the man page through
# groff and man, the packages through dpkg, lintian and rpm, Debian's
# ipvsadm's maintainer scripts through a static busybox, make lab in tmux);
# installed with apt-get when missing, like the VM's tools.
deps:
	@need=""; for t in zsh:zsh man:man-db groff:groff-base dpkg-deb:dpkg lintian:lintian rpm:rpm \
		busybox:busybox-static tmux:tmux; do \
		command -v $${t%%:*} >/dev/null 2>&1 || need="$$need $${t#*:}"; \
	done; \
	if [ -n "$$need" ]; then \
		echo "make: installing$$need" >&2; \
		apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$need >/dev/null; \
	fi
	@# Debian's prometheus, unpacked (not installed): promtool for the
	@# exporter's tests, the server for the VM test.
	@exporter/fetch-prometheus.sh >/dev/null

unit: go-deps deps vet
	$(GO) test -count=1 ./...
	cd exporter && PROMTOOL=$(CACHE)/prometheus/usr/bin/promtool $(GO) test -count=1 ./...

$(E2EBIN): FORCE
	@mkdir -p $(CACHE)/bin
	$(GOFLAGS_STATIC) $(GO) test -tags e2e -c -o $(E2EBIN) ./e2e
	# traffic generator testdata/list/setup.sh uses (e2e TestJSON)
	$(GOFLAGS_STATIC) $(GO) build -o $(CACHE)/bin/udpsend ./testdata/list/udpsend

# The VM suite on each kernel of KERNELS (Debian's 5.10, 6.1 and 6.12, sid's
# 7.2 and experimental's 7.3; `make test KERNELS=6.1` for one): the
# differential suite and the labs on all of them, every other VM test on
# FULL_KERNEL (6.1, or the first of KERNELS when it is not among them).
KERNELS     ?= 5.10 6.1 6.12 7.2 7.3
FULL_KERNEL ?= 6.1
E2E_MATRIX  ?= ^(TestDiff|TestLab)
# VMs at a time (e2e/vm/matrix.sh): each is one host thread.
E2E_JOBS    ?= 2

e2e: build deps $(E2EBIN)
	@full=$(FULL_KERNEL); case " $(KERNELS) " in *" $$full "*) ;; *) full=$(firstword $(KERNELS));; esac; \
	KERNELS='$(KERNELS)' E2E_MATRIX='$(E2E_MATRIX)' E2EFLAGS='$(E2EFLAGS)' e2e/vm/matrix.sh $(E2E_JOBS) $$full \
		$(patsubst $(CURDIR)/%,/host/%,$(E2EBIN)) -test.v -test.count=1

# e2e-system: the system tests (e2e/system, build tag system): real Debian
# systems of SYSTEM_RELEASES, built by e2e/system/mkimage.sh from Debian's
# packages (cached in $(CACHE)/system-RELEASE), booted with systemd under
# qemu, where this package replaces Debian's ipvsadm and the guest reboots.
# They install the .deb of this tree and, for the upgrade, the same built as
# an older version (SYSTEM_OLD_VERSION, in $(CACHE)/deb-old).
SYSTEM_RELEASES    ?= bookworm trixie
SYSTEM_OLD_VERSION  = 0~old1
SYSTEMFLAGS        ?=
export SYSTEM_RELEASES

e2e-system: deb
	$(MAKE) --no-print-directory deb PKGVERSION=$(SYSTEM_OLD_VERSION) PKGDIR=$(CACHE)/deb-old
	arch=$$($(GO) env GOARCH); \
	SYSTEM_DEB=$(abspath $(PKGDIR))/ipvsadm-go_$(PKGVERSION)_$$arch.deb \
	SYSTEM_DEB_OLD=$(CACHE)/deb-old/ipvsadm-go_$(SYSTEM_OLD_VERSION)_$$arch.deb \
		$(GO) test -tags system -count=1 -v -timeout 90m ./e2e/system $(SYSTEMFLAGS)

test: unit fuzz-smoke e2e lab-test e2e-system

# fuzz: each fuzz target for FUZZTIME (a duration, or Nx for N executions);
# the last progress line shows its execution count. fuzz-smoke, part of make
# test, runs each target for a fixed number of executions instead (sized for
# a few seconds each): a count has no wall-clock deadline, so a loaded
# machine only makes it slower, and the Go fuzz coordinator's shutdown race
# at a -fuzztime deadline (golang/go#75804, "context deadline exceeded"
# with no failing input) cannot happen; should it still, it is reported and
# not counted as a failure. A crash or a new failing input fails the run;
# it lands in the package's testdata/fuzz, whose inputs then run in make
# unit like the seed corpora (go test runs both as ordinary tests).
FUZZTIME       ?= 60s
FUZZ_TARGETS = ./internal/grammar:FuzzParse:200000 ./internal/grammar:FuzzRestoreLines:150000 \
	./internal/ipvsadm:FuzzConnList:30000 ./ipvs:FuzzDecodeService:300000 ./ipvs:FuzzDecodeDest:300000 \
	./ipvs:FuzzDecodeOther:300000 ./internal/arpprep:FuzzParse:150000 \
	./internal/apply:FuzzFormatRoundTrip:200000 ./internal/apply:FuzzParseDiff:100000

# run-fuzz: $(1) is the -fuzztime, or empty for each target's own count.
define run-fuzz
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; rest=$${t#*:}; fn=$${rest%%:*}; n=$${rest#*:}; \
		ft="$(1)"; [ -n "$$ft" ] || ft="$${n}x"; \
		out=$$($(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime "$$ft" $$pkg 2>&1); st=$$?; \
		echo "$$pkg $$fn: $$(echo "$$out" | grep '^fuzz: elapsed' | tail -n 1 | sed 's/^fuzz: //')"; \
		if [ $$st -ne 0 ] && echo "$$out" | grep -q 'context deadline exceeded' && \
		   ! echo "$$out" | grep -q -e 'Failing input written' -e '^panic' -e 'fuzzing process hung'; then \
			echo "$$pkg $$fn: the fuzz engine's shutdown timed out (golang/go#75804), no failing input: not a failure"; \
			continue; \
		fi; \
		if [ $$st -ne 0 ]; then echo "$$out"; exit 1; fi; \
	done
endef

fuzz: go-deps
	$(call run-fuzz,$(FUZZTIME))

fuzz-smoke: go-deps
	$(call run-fuzz,)

demo: build
	e2e/vm/run.sh sh e2e/demo.sh

# lab: the VM on this terminal with the NAT and DR labs built and set up,
# our ipvsadm on PATH; `lab` in it says how to break and repair each.
lab: build
	@test -t 0 || { echo "make lab: needs a terminal (make demo runs the labs without one)" >&2; exit 2; }
	VM_INTERACTIVE=1 e2e/vm/run.sh sh e2e/lab/shell.sh $$(stty size)

# lab-test: make lab driven in a real terminal (tmux on this host): the
# prompt, our ipvsadm against the reference's, each lab broken, found by
# doctor and repaired, and exit powering the VM off.
lab-test: build deps
	$(GO) test -tags labvm -count=1 -v ./e2e/lab

# bench: in the VM, time the reference ipvsadm 1.31 against ours on a large
# rule set (BENCH_SERVICES services x 4 reals; a comma list runs each size),
# alternating ref and ours for BENCH_ROUNDS rounds, and check that both leave
# the same kernel state and print the same bytes; then the Go benchmarks of
# the parser, the formatter and the netlink codec.
BENCH_SERVICES ?= 10000
BENCH_ROUNDS   ?= 3
BENCHFLAGS     ?=
BENCHBIN        = $(CACHE)/bin/bench

bench: build
	@mkdir -p $(CACHE)/bin
	$(GOFLAGS_STATIC) $(GO) build -o $(BENCHBIN) ./bench
	e2e/vm/run.sh $(patsubst $(CURDIR)/%,/host/%,$(BENCHBIN)) \
		-services $(BENCH_SERVICES) -rounds $(BENCH_ROUNDS) $(BENCHFLAGS)
	$(GO) test -run '^$$' -bench . -benchmem ./internal/ipvsadm/ ./ipvs/

clean:
	rm -f $(BIN) $(EXPORTER)
	rm -rf $(PKGDIR)
	rm -rf $(CACHE)/bin $(CACHE)/vm $(CACHE)/vm-* $(CACHE)/jobs $(CACHE)/deb-old

FORCE:

# install: the binary, its ipvsadm-save/ipvsadm-restore names, man pages,
# bash and zsh completion, the systemd units (every dist/*.service) and,
# unless there is one already, a commented /etc/ipvsadm.rules; under
# DESTDIR (packaging). The built binary prints its completion scripts
# (COMPGEN), so install needs no Go.
PREFIX      ?= /usr
SBINDIR     ?= $(PREFIX)/sbin
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/vendor-completions
UNITDIR     ?= /lib/systemd/system
SYSCONFDIR  ?= /etc
COMPGEN     ?= $(abspath $(BIN)) completion
UNITS        = $(notdir $(wildcard dist/*.service))
# the exporter's alerting rules (with their tests) and Grafana dashboard
EXPORTERDATA ?= $(PREFIX)/share/ipvs_exporter
MONITORING   = ipvs-alerts.yml ipvs-alerts_test.yml grafana-dashboard.json

.PHONY: install uninstall
install: $(BIN) $(EXPORTER)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(EXPORTERDATA) \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(SYSCONFDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/ipvsadm
	ln -sf ipvsadm $(DESTDIR)$(SBINDIR)/ipvsadm-save
	ln -sf ipvsadm $(DESTDIR)$(SBINDIR)/ipvsadm-restore
	install -m 0644 ipvsadm.8 $(DESTDIR)$(MANDIR)/man8/ipvsadm.8
	install -m 0755 $(EXPORTER) $(DESTDIR)$(SBINDIR)/ipvs_exporter
	install -m 0644 exporter/ipvs_exporter.8 $(DESTDIR)$(MANDIR)/man8/ipvs_exporter.8
	install -m 0644 $(addprefix exporter/monitoring/,$(MONITORING)) $(DESTDIR)$(EXPORTERDATA)/
	for n in ipvsadm-save ipvsadm-restore; do \
		echo '.so man8/ipvsadm.8' > $(DESTDIR)$(MANDIR)/man8/$$n.8 || exit 1; \
	done
	$(COMPGEN) bash > $(DESTDIR)$(BASHCOMPDIR)/ipvsadm.tmp
	mv -f $(DESTDIR)$(BASHCOMPDIR)/ipvsadm.tmp $(DESTDIR)$(BASHCOMPDIR)/ipvsadm
	ln -sf ipvsadm $(DESTDIR)$(BASHCOMPDIR)/ipvsadm-save
	ln -sf ipvsadm $(DESTDIR)$(BASHCOMPDIR)/ipvsadm-restore
	$(COMPGEN) zsh > $(DESTDIR)$(ZSHCOMPDIR)/_ipvsadm.tmp
	mv -f $(DESTDIR)$(ZSHCOMPDIR)/_ipvsadm.tmp $(DESTDIR)$(ZSHCOMPDIR)/_ipvsadm
	for u in $(UNITS); do \
		sed -e 's|/usr/sbin/|$(SBINDIR)/|g' -e 's|/etc/|$(SYSCONFDIR)/|g' \
			dist/$$u > $(DESTDIR)$(UNITDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	test -e $(DESTDIR)$(SYSCONFDIR)/ipvsadm.rules || \
		install -m 0644 dist/ipvsadm.rules $(DESTDIR)$(SYSCONFDIR)/ipvsadm.rules
	chmod 0644 $(DESTDIR)$(BASHCOMPDIR)/ipvsadm $(DESTDIR)$(ZSHCOMPDIR)/_ipvsadm \
		$(DESTDIR)$(MANDIR)/man8/ipvsadm-save.8 $(DESTDIR)$(MANDIR)/man8/ipvsadm-restore.8

# uninstall: what install put there, with the same variables; the rules
# file only if it is still the one install wrote (the administrator's own,
# or one the unit saved a table into, stays). Directories stay.
uninstall:
	@if [ -z "$(DESTDIR)" ] && command -v systemctl >/dev/null 2>&1; then \
		for u in $(UNITS); do \
			if systemctl is-enabled --quiet $$u 2>/dev/null; then \
				echo "make: $$u is enabled: systemctl disable $$u (its unit file is removed now)" >&2; \
			fi; \
		done; \
	fi
	rm -f $(DESTDIR)$(SBINDIR)/ipvsadm $(DESTDIR)$(SBINDIR)/ipvsadm-save \
		$(DESTDIR)$(SBINDIR)/ipvsadm-restore $(DESTDIR)$(SBINDIR)/ipvs_exporter \
		$(DESTDIR)$(MANDIR)/man8/ipvs_exporter.8 $(addprefix $(DESTDIR)$(EXPORTERDATA)/,$(MONITORING))
	rm -f $(DESTDIR)$(MANDIR)/man8/ipvsadm.8 $(DESTDIR)$(MANDIR)/man8/ipvsadm-save.8 \
		$(DESTDIR)$(MANDIR)/man8/ipvsadm-restore.8
	rm -f $(DESTDIR)$(BASHCOMPDIR)/ipvsadm $(DESTDIR)$(BASHCOMPDIR)/ipvsadm-save \
		$(DESTDIR)$(BASHCOMPDIR)/ipvsadm-restore $(DESTDIR)$(ZSHCOMPDIR)/_ipvsadm
	for u in $(UNITS); do rm -f $(DESTDIR)$(UNITDIR)/$$u || exit 1; done
	@if cmp -s dist/ipvsadm.rules $(DESTDIR)$(SYSCONFDIR)/ipvsadm.rules; then \
		echo "rm -f $(DESTDIR)$(SYSCONFDIR)/ipvsadm.rules"; \
		rm -f $(DESTDIR)$(SYSCONFDIR)/ipvsadm.rules; \
	elif [ -e $(DESTDIR)$(SYSCONFDIR)/ipvsadm.rules ]; then \
		echo "make: $(DESTDIR)$(SYSCONFDIR)/ipvsadm.rules is kept: it is not the file install wrote" >&2; \
	fi

# deb, rpm: the ipvsadm-go packages, into PKGDIR, made by nfpm from
# dist/nfpm.yaml. nfpm is a Go tool of the separate module tools/ (its
# dependencies stay out of go.mod); go fetches and builds it on first use.
# The version comes from git describe (dist/pkgversion.sh); PKGVERSION=
# sets it outright, MAINTAINER= the packager (by default the author of
# the last commit).
PKGDIR     ?= build
PKGSTAGE    = $(PKGDIR)/stage
PKGVERSION ?= $(shell dist/pkgversion.sh '$(VERSION)' "$$(git rev-list --count HEAD 2>/dev/null)")
MAINTAINER ?= $(shell git log -1 --format='%an <%ae>' 2>/dev/null)
NFPM        = $(GO) tool -modfile=$(CURDIR)/tools/go.mod nfpm
# file dates in the packages and the changelog's: the last commit's
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
export SOURCE_DATE_EPOCH

.PHONY: deb rpm pkg-stage
pkg-stage: $(BIN) $(EXPORTER)
	@test -n "$(PKGVERSION)" || { echo "make: no package version (see above); set PKGVERSION" >&2; exit 2; }
	@expr 'X$(PKGVERSION)' : 'X[0-9][A-Za-z0-9.+~]*$$' >/dev/null || \
		{ echo "make: PKGVERSION '$(PKGVERSION)' must start with a digit and hold only letters, digits and . + ~" >&2; exit 2; }
	@test -n "$(MAINTAINER)" || { echo "make: no maintainer (no git history); set MAINTAINER='Name <address>'" >&2; exit 2; }
	rm -rf $(PKGSTAGE)
	$(MAKE) --no-print-directory install DESTDIR=$(abspath $(PKGSTAGE)) BIN=$(BIN) EXPORTER=$(EXPORTER) \
		PREFIX=/usr SBINDIR=/usr/sbin MANDIR=/usr/share/man \
		BASHCOMPDIR=/usr/share/bash-completion/completions \
		ZSHCOMPDIR=/usr/share/zsh/vendor-completions \
		UNITDIR=/usr/lib/systemd/system SYSCONFDIR=/etc EXPORTERDATA=/usr/share/ipvs_exporter
	gzip -9n $(PKGSTAGE)/usr/share/man/man8/*.8
	@# Debian wants a changelog (lintian no-changelog): one entry, this build
	mkdir -p $(PKGSTAGE)/usr/share/doc/ipvsadm-go
	{ printf 'ipvsadm-go (%s) unstable; urgency=medium\n\n' '$(PKGVERSION)'; \
	  printf '  * Built from ipvsadm in Go %s.\n\n' '$(VERSION)'; \
	  printf ' -- %s  %s\n' '$(MAINTAINER)' "$$(date -u -R $${SOURCE_DATE_EPOCH:+-d @$$SOURCE_DATE_EPOCH})"; \
	} | gzip -9n > $(PKGSTAGE)/usr/share/doc/ipvsadm-go/changelog.gz

deb rpm: pkg-stage
	PKGSTAGE=$(abspath $(PKGSTAGE)) PKGVERSION='$(PKGVERSION)' MAINTAINER='$(MAINTAINER)' \
	PKGARCH=$$($(GO) env GOARCH) $(NFPM) package -f dist/nfpm.yaml -p $@ -t $(PKGDIR)/
