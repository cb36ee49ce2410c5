#!/bin/sh
# fetch.sh: install host tools and cache the Debian packages the VM is built from.
# Idempotent; everything lands in $CACHE (default .cache/, gitignored).
set -eu
CACHE=${CACHE:-$(pwd)/.cache}
need=""
for t in qemu-system-x86_64:qemu-system-x86 cpio:cpio depmod:kmod ip:iproute2; do
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
if [ ! -f kernel.name ]; then
	apt-cache policy linux-image-amd64 >/dev/null 2>&1 || apt-get update -q >/dev/null
	k=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
	[ -n "$k" ] || { apt-get update -q >/dev/null; k=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/{print $2; exit}'); }
	[ -n "$k" ] || { echo "fetch: cannot resolve linux-image-amd64" >&2; exit 1; }
	echo "$k" > kernel.name.tmp
	mv kernel.name.tmp kernel.name
fi
k=$(cat kernel.name)
for p in "$k" ipvsadm libnl-3-200 libnl-genl-3-200 libpopt0; do
	ls ./"${p}"_*.deb >/dev/null 2>&1 && continue
	echo "fetch: downloading $p" >&2
	apt-get download -q "$p" >/dev/null 2>&1 || { apt-get update -q >/dev/null; apt-get download -q "$p" >/dev/null; }
done
