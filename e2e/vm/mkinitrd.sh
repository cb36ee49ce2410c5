#!/bin/sh
# mkinitrd.sh: build the VM's kernel + initramfs from the cached Debian packages
# (fetch.sh) for the kernel KERNEL (default 6.1).
# Output: $CACHE/vm-$KERNEL/vmlinuz and initrd.gz. Rebuilt only when inputs change.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${CACHE:-$(pwd)/.cache}
KERNEL=${KERNEL:-6.1}
FINAL=$CACHE/vm-$KERNEL
mkdir -p "$CACHE"
# Several VMs may start at once: one builder at a time, and the result is
# swapped in whole so a running qemu never sees a half-written initrd.
exec 9>"$CACHE/vm.lock"
flock 9
stamp=$( (cat "$CACHE/kernel-$KERNEL/kernel.name"; ls "$CACHE/debs" "$CACHE/debs-trixie" "$CACHE/kernel-$KERNEL"
	cat "$HERE/init" "$0") | md5sum | cut -d' ' -f1)
if [ -f "$FINAL/stamp" ] && [ "$(cat "$FINAL/stamp")" = "$stamp" ] && [ -f "$FINAL/initrd.gz" ]; then
	exit 0
fi
echo "mkinitrd: building initramfs" >&2
OUT=$CACHE/vm-$KERNEL.build
rm -rf "$OUT" && mkdir -p "$OUT/x" "$OUT/root"
for d in "$CACHE"/debs/*.deb "$CACHE/kernel-$KERNEL"/*.deb; do dpkg -x "$d" "$OUT/x"; done
# Newer kernels (trixie's) keep their modules under /usr/lib/modules.
if [ ! -d "$OUT/x/lib/modules" ] && [ -d "$OUT/x/usr/lib/modules" ]; then
	mkdir -p "$OUT/x/lib"
	mv "$OUT/x/usr/lib/modules" "$OUT/x/lib/modules"
fi
KV=$(ls "$OUT/x/lib/modules")
# 7.x's linux-binary package keeps the kernel beside its modules.
if [ -f "$OUT/x/boot/vmlinuz-$KV" ]; then
	cp "$OUT/x/boot/vmlinuz-$KV" "$OUT/vmlinuz"
else
	cp "$OUT/x/lib/modules/$KV/vmlinuz" "$OUT/vmlinuz"
fi
depmod -b "$OUT/x" "$KV"

R=$OUT/root
mkdir -p "$R/bin" "$R/sbin" "$R/usr/bin" "$R/usr/sbin" "$R/etc" "$R/proc" "$R/sys" "$R/dev" \
	"$R/tmp" "$R/run" "$R/root" "$R/host" "$R/ref" "$R/lib/x86_64-linux-gnu" "$R/lib64" "$R/var/run"
cp /bin/busybox "$R/bin/busybox"
for a in $(/bin/busybox --list); do
	[ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"
done

# Kernel modules: the closure of what the tests need, then depmod. Compressed
# modules (trixie's and sid's are .ko.xz) go in decompressed: busybox
# modprobe loads plain .ko files only. A module the kernel lacks (ip_vs_twos
# before 6.12) is left out.
mods="ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr ip_vs_dh ip_vs_sh
ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf ip_vs_mh ip_vs_twos ip_vs_ftp ip_vs_pe_sip veth bridge dummy
9p 9pnet_virtio virtio_pci crc32c_generic nf_conntrack ipip ip6_tunnel fou fou6 ip_gre"
for m in $mods; do
	modprobe -d "$OUT/x" -S "$KV" --show-depends "$m" 2>/dev/null | awk '$1=="insmod"{print $2}'
done | sort -u | while read -r f; do
	rel=${f#"$OUT/x/"}
	mkdir -p "$R/$(dirname "$rel")"
	case $f in
	*.ko.xz) xz -dc "$f" > "$R/${rel%.xz}" ;;
	*.ko.zst) zstd -q -dc "$f" > "$R/${rel%.zst}" ;;
	*) cp "$f" "$R/$rel" ;;
	esac
done
cp "$OUT/x/lib/modules/$KV/modules.order" "$OUT/x/lib/modules/$KV/modules.builtin"* "$R/lib/modules/$KV/"
depmod -b "$R" "$KV"

# Reference ipvsadm 1.31 and its libraries; iproute2 from the host (same Debian release).
cp "$OUT/x/sbin/ipvsadm" "$R/ref/ipvsadm"
for d in "$OUT/x/lib/x86_64-linux-gnu" "$OUT/x/usr/lib/x86_64-linux-gnu"; do
	[ -d "$d" ] && cp -a "$d/"* "$R/lib/x86_64-linux-gnu/"
done
cp "$(command -v ip)" "$R/sbin/ip"
# The second reference: trixie's ipvsadm with trixie's own libc and
# libraries under /ref-trixie/lib, run through trixie's dynamic loader
# (/ref-trixie/lib/ld-linux-x86-64.so.2 --library-path /ref-trixie/lib
# --argv0 NAME /ref-trixie/bin/ipvsadm ...); /ref-trixie/ipvsadm does that.
T=$OUT/trixie
mkdir -p "$T" "$R/ref-trixie/bin" "$R/ref-trixie/lib"
for d in "$CACHE"/debs-trixie/*.deb; do dpkg -x "$d" "$T"; done
cp "$T/usr/sbin/ipvsadm" "$R/ref-trixie/bin/ipvsadm" 2>/dev/null || cp "$T/sbin/ipvsadm" "$R/ref-trixie/bin/ipvsadm"
for d in "$T/lib/x86_64-linux-gnu" "$T/usr/lib/x86_64-linux-gnu"; do
	[ -d "$d" ] && cp -a "$d/"*.so* "$R/ref-trixie/lib/"
done
for l in "$T/lib64/ld-linux-x86-64.so.2" "$T/usr/lib64/ld-linux-x86-64.so.2"; do
	[ -e "$l" ] && cp -L "$l" "$R/ref-trixie/lib/ld-linux-x86-64.so.2" && break
done
[ -e "$R/ref-trixie/lib/ld-linux-x86-64.so.2" ] || { echo "mkinitrd: no ld-linux in trixie's libc6" >&2; exit 1; }
printf '#!/bin/sh\nexec /ref-trixie/lib/ld-linux-x86-64.so.2 --library-path /ref-trixie/lib --argv0 ipvsadm /ref-trixie/bin/ipvsadm "$@"\n' > "$R/ref-trixie/ipvsadm"
chmod +x "$R/ref-trixie/ipvsadm"
rm -rf "$T"
# tmux (Debian's, with its libraries above) for tests that drive full-screen
# programs; the terminfo entries of ncurses-base; and glibc's C.UTF-8 locale
# from the host whose libc the VM runs: tmux refuses to start without a
# UTF-8 LC_CTYPE, and glibc has none built in.
cp "$OUT/x/usr/bin/tmux" "$R/usr/bin/tmux"
cp -a "$OUT/x/lib/terminfo" "$R/lib/terminfo"
if [ -d /usr/lib/locale/C.utf8 ]; then
	mkdir -p "$R/usr/lib/locale"
	cp -a /usr/lib/locale/C.utf8 "$R/usr/lib/locale/"
else
	echo "mkinitrd: no /usr/lib/locale/C.utf8 on this machine: tmux will not start in the VM" >&2
fi
for b in "$R/ref/ipvsadm" "$R/sbin/ip" "$R/usr/bin/tmux"; do
	LD_LIBRARY_PATH="$R/lib/x86_64-linux-gnu" ldd "$b" | awk '/=> \//{print $3} /^\t\/lib64/{print $1}'
done | sort -u | while read -r l; do
	case $l in "$R"/*) continue ;; esac
	case $l in
	/lib64/*) cp -L "$l" "$R/lib64/" ;;
	*) cp -L "$l" "$R/lib/x86_64-linux-gnu/" ;;
	esac
done
[ -f /etc/services ] && cp /etc/services "$R/etc/services"
[ -f /etc/protocols ] && cp /etc/protocols "$R/etc/protocols"
cp "$HERE/init" "$R/init"
chmod +x "$R/init"
(cd "$R" && find . | cpio -o -H newc --quiet) | gzip -1 > "$OUT/initrd.gz"
rm -rf "$OUT/x" "$OUT/root"
echo "$stamp" > "$OUT/stamp"
rm -rf "$FINAL.old"
[ -d "$FINAL" ] && mv "$FINAL" "$FINAL.old"
mv "$OUT" "$FINAL"
rm -rf "$FINAL.old"
