#!/bin/sh
# fetch.sh: install host tools and cache the Debian packages the VM is built from:
# ipvsadm 1.31 and its libraries from the machine's own release (bookworm), tmux and
# its libraries with ncurses-base's terminfo entries (e2e tests drive full-screen
# programs in a tmux terminal), trixie's ipvsadm 1.31 with trixie's libc and
# libraries (the second reference), and the kernel KERNEL (5.10 from bullseye,
# 6.1 from bookworm, 6.12 from trixie, 7.2 from sid, 7.3 from experimental;
# default 6.1).
# Idempotent; everything lands in $CACHE (default .cache/, gitignored):
# $CACHE/debs (userland), $CACHE/debs-trixie (the trixie reference) and
# $CACHE/kernel-$KERNEL (the kernel's packages).
set -eu
CACHE=${CACHE:-$(pwd)/.cache}
KERNEL=${KERNEL:-6.1}
case $KERNEL in
5.10) suite=bullseye ;;
6.1) suite= ;; # the machine's own sources
6.12) suite=trixie ;;
# sid and experimental through one configuration: the version asked for
# picks the suite (experimental's packages are never a default candidate).
7.2 | 7.3) suite=sid ;;
*)
	echo "fetch: no kernel $KERNEL here (5.10, 6.1, 6.12, 7.2 or 7.3)" >&2
	exit 2
	;;
esac
need=""
for t in qemu-system-x86_64:qemu-system-x86 cpio:cpio depmod:kmod ip:iproute2 xz:xz-utils; do
	command -v "${t%%:*}" >/dev/null 2>&1 || need="$need ${t#*:}"
done
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx nsenter || need="$need busybox-static"
if [ -n "$need" ]; then
	echo "fetch: installing$need" >&2
	apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need >/dev/null
fi

mkdir -p "$CACHE/debs"
cd "$CACHE/debs"
for p in ipvsadm libnl-3-200 libnl-genl-3-200 libpopt0 \
	tmux libevent-core-2.1-7 libutempter0 libtinfo6 ncurses-base; do
	ls ./"${p}"_*.deb >/dev/null 2>&1 && continue
	echo "fetch: downloading $p" >&2
	apt-get download -q "$p" >/dev/null 2>&1 || { apt-get update -q >/dev/null; apt-get download -q "$p" >/dev/null; }
done
# A cache from before the kernel matrix kept the 6.1 kernel here.
rm -f ./linux-image-*.deb kernel.name

# Another release's packages come through an apt configuration of its own
# (sources, lists and cache in $CACHE/apt-SUITE), leaving the machine's
# untouched; aptconf SUITE sets "$@" to its options.
aptconf() {
	A=$CACHE/apt-$1
	mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
	case $1 in
	sid) repos="debian sid;debian experimental" ;;
	*) repos="debian $1;debian-security $1-security" ;;
	esac
	echo "$repos" | tr ';' '\n' | while read -r repo; do
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/${repo%% *} ${repo#* } main"
	done > "$A/sources.list"
	set -- -o Dir::Etc::SourceList="$A/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$A/lists" -o Dir::Cache="$A/cache"
	[ -n "$(ls "$A/lists" | grep -v partial)" ] || apt-get "$@" update -q >/dev/null
	APTOPTS=$(printf "'%s' " "$@")
}
# get PKG...: download each package not in the current directory yet.
get() {
	for p in "$@"; do
		ls ./"${p%%=*}"_*.deb >/dev/null 2>&1 && continue
		echo "fetch: downloading $p" >&2
		eval "apt-get $APTOPTS download -q '$p'" >/dev/null 2>&1 ||
			{ eval "apt-get $APTOPTS update -q" >/dev/null; eval "apt-get $APTOPTS download -q '$p'" >/dev/null; }
	done
}

# The second reference: trixie's ipvsadm (1:1.31-5) with trixie's libc and
# libraries, run in the VM through trixie's own dynamic loader.
mkdir -p "$CACHE/debs-trixie"
cd "$CACHE/debs-trixie"
aptconf trixie
get ipvsadm libnl-3-200 libnl-genl-3-200 libpopt0 libc6 libgcc-s1

# The kernel. From 7.x on, Debian splits linux-image-VER into
# linux-binary-VER (the kernel, /usr/lib/modules/VER/vmlinuz),
# linux-modules-VER and linux-base-VER (modules.order, modules.builtin);
# kernel.name lists the packages to fetch.
K=$CACHE/kernel-$KERNEL
mkdir -p "$K"
cd "$K"
APTOPTS=
[ -z "$suite" ] || aptconf "$suite"
if [ ! -f kernel.name ]; then
	# The newest linux-image-amd64 of this kernel series (sid may
	# carry one series and experimental the next).
	resolve() {
		v=$(eval "apt-cache $APTOPTS madison linux-image-amd64" 2>/dev/null |
			awk -v k="$KERNEL" '{v=$3; if (index(v, k ".") == 1 || index(v, k "~") == 1) print v}' |
			sort -V | tail -n 1)
		[ -n "$v" ] || return 0
		img=$(eval "apt-cache $APTOPTS depends 'linux-image-amd64=$v'" 2>/dev/null |
			awk '/Depends: linux-image-/{print $2; exit}')
		[ -n "$img" ] || return 0
		iv=$(eval "apt-cache $APTOPTS show '$img=$v'" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)
		[ -n "$iv" ] || iv=$v
		split=$(eval "apt-cache $APTOPTS depends '$img=$iv'" 2>/dev/null |
			awk '/Depends: linux-binary-/{b=1} /Depends: linux-(binary|modules|base)-/{p=p " " $2}
				END{if (b) print p}')
		if [ -n "$split" ]; then
			for p in $split; do echo "$p=$iv"; done
		else
			echo "$img=$iv"
		fi
	}
	k=$(resolve)
	[ -n "$k" ] || { eval "apt-get $APTOPTS update -q" >/dev/null; k=$(resolve); }
	[ -n "$k" ] || { echo "fetch: cannot resolve linux-image-amd64 for kernel $KERNEL" >&2; exit 1; }
	echo "$k" > kernel.name.tmp
	mv kernel.name.tmp kernel.name
fi
# shellcheck disable=SC2046
get $(cat kernel.name)
