#!/bin/sh
# fetch.sh: install host tools and cache the Debian packages the VM is built from:
# ipvsadm 1.31 and its libraries from the machine's own release (bookworm), tmux and
# its libraries with ncurses-base's terminfo entries (e2e tests drive full-screen
# programs in a tmux terminal), and the kernel KERNEL (5.10 from bullseye, 6.1 from bookworm, 6.12 from trixie; default 6.1).
# Idempotent; everything lands in $CACHE (default .cache/, gitignored):
# $CACHE/debs (userland) and $CACHE/kernel-$KERNEL (the kernel package).
set -eu
CACHE=${CACHE:-$(pwd)/.cache}
KERNEL=${KERNEL:-6.1}
case $KERNEL in
5.10) suite=bullseye ;;
6.1) suite= ;; # the machine's own sources
6.12) suite=trixie ;;
*)
	echo "fetch: no kernel $KERNEL here (5.10, 6.1 or 6.12)" >&2
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

# The kernel: another release's comes through an apt configuration of its own
# (sources, lists and cache in $CACHE/apt-SUITE), leaving the machine's untouched.
K=$CACHE/kernel-$KERNEL
mkdir -p "$K"
cd "$K"
set --
if [ -n "$suite" ]; then
	A=$CACHE/apt-$suite
	mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
	for repo in "debian $suite" "debian-security $suite-security"; do
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/${repo%% *} ${repo#* } main"
	done > "$A/sources.list"
	set -- -o Dir::Etc::SourceList="$A/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$A/lists" -o Dir::Cache="$A/cache"
	[ -n "$(ls "$A/lists" | grep -v partial)" ] || apt-get "$@" update -q >/dev/null
fi
if [ ! -f kernel.name ]; then
	resolve() { apt-cache "$@" depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}'; }
	k=$(resolve "$@")
	[ -n "$k" ] || { apt-get "$@" update -q >/dev/null; k=$(resolve "$@"); }
	[ -n "$k" ] || { echo "fetch: cannot resolve linux-image-amd64 for kernel $KERNEL" >&2; exit 1; }
	echo "$k" > kernel.name.tmp
	mv kernel.name.tmp kernel.name
fi
k=$(cat kernel.name)
if ! ls ./"${k}"_*.deb >/dev/null 2>&1; then
	echo "fetch: downloading $k" >&2
	apt-get "$@" download -q "$k" >/dev/null 2>&1 || { apt-get "$@" update -q >/dev/null; apt-get "$@" download -q "$k" >/dev/null; }
fi
