# ipvsadm in Go. `make` builds the static binary; `make test` runs the unit
# tests and then the VM suite (Debian kernel under qemu, reference ipvsadm
# beside ours); `make demo` runs the NAT and DR labs in the VM.
GO      ?= go
CACHE   ?= $(CURDIR)/.cache
export CACHE
GOFLAGS_STATIC = CGO_ENABLED=0
BIN     = ipvsadm
E2EBIN  = $(CACHE)/bin/e2e.test

.PHONY: all build test unit vet e2e demo bench fuzz clean go-deps

all: build

go-deps:
	@command -v $(GO) >/dev/null || { echo "make: Go toolchain not found" >&2; exit 1; }
	@$(GO) mod download

build: go-deps
	$(GOFLAGS_STATIC) $(GO) build -trimpath -ldflags '-s -w' -o $(BIN) .

vet:
	@test -z "$$(gofmt -l . | grep -v '^.cache/')" || { echo "gofmt needed:"; gofmt -l . | grep -v '^.cache/'; exit 1; }
	$(GO) vet ./...

unit: go-deps vet
	$(GO) test -count=1 ./...

$(E2EBIN): FORCE
	@mkdir -p $(CACHE)/bin
	$(GOFLAGS_STATIC) $(GO) test -c -o $(E2EBIN) ./e2e

e2e: build $(E2EBIN)
	e2e/vm/run.sh $(patsubst $(CURDIR)/%,/host/%,$(E2EBIN)) -test.v -test.count=1 $(E2EFLAGS)

test: unit e2e

demo: build
	e2e/vm/run.sh sh e2e/demo.sh

clean:
	rm -f $(BIN)
	rm -rf $(CACHE)/bin $(CACHE)/vm $(CACHE)/jobs

FORCE:
