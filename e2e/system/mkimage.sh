#!/bin/sh
# mkimage.sh RELEASE: build the disk image of a real Debian system (bookworm
# or trixie) that the system tests boot with systemd: a minbase rootfs made
# by mmdebstrap from Debian's packages, with the release's kernel, systemd,
# Debian's own ipvsadm (as a fresh install leaves it), keepalived's
# dependencies, and the .debs of ipvsadm and keepalived in /root/debs so that
# apt installs them offline. The ext4 image is made without mounting
# (mkfs.ext4 -d); the kernel and initrd are copied beside it for qemu -kernel.
# Cached in $CACHE/system-RELEASE, rebuilt only when this script or the
# release changes (the key file holds the hash of both).
#
# In the guest, e2e-agent.service runs at each boot, once the boot is done
# (systemctl is-system-running --wait): it mounts the host's job directory
# (9p, tag "job") at /job, runs /job/stepN.sh of boot N (output in /job/outN,
# exit status in /job/rcN, systemd-analyze time in /job/timeN), then reboots
# when /job/step(N+1).sh exists and powers off when it does not.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${CACHE:-$ROOT/.cache}
rel=${1:-}
case $rel in
bookworm | trixie) ;;
*)
	echo "mkimage: no release '$rel' here (bookworm or trixie)" >&2
	exit 2
	;;
esac
PKGS="systemd systemd-sysv udev linux-image-amd64 kmod iproute2 procps iputils-arping ipvsadm keepalived"
D=$CACHE/system-$rel
# The tests of one run ask for the same image at once: one builds it, the
# others wait here and then find it ready (the lock is released at exit).
mkdir -p "$CACHE"
exec 9>"$D.lock"
flock 9
key=$({
	cat "$0"
	echo "$rel $PKGS"
} | sha256sum | cut -c1-16)
if [ -f "$D/key" ] && [ "$(cat "$D/key")" = "$key" ]; then
	exit 0
fi

need=""
for t in mmdebstrap:mmdebstrap mkfs.ext4:e2fsprogs qemu-img:qemu-utils qemu-system-x86_64:qemu-system-x86; do
	command -v "${t%%:*}" >/dev/null 2>&1 || need="$need ${t#*:}"
done
if [ -n "$need" ]; then
	echo "mkimage: installing$need" >&2
	apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need >/dev/null
fi

echo "mkimage: building the $rel system image in $D (a few minutes)" >&2
T=$D.tmp
rm -rf "$T"
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT
# keepalived is installed for its dependencies, then purged: the test
# installs it from /root/debs beside ipvsadm-go.
# A mirror that fails once (a dropped connection, a sync in progress) gets
# two more tries, each from an empty directory.
try=1
until mmdebstrap --quiet --variant=minbase --include="$(echo $PKGS | tr ' ' ,)" \
	--customize-hook='mkdir -p "$1/root/debs" && cp "$1"/var/cache/apt/archives/ipvsadm_*.deb "$1"/var/cache/apt/archives/keepalived_*.deb "$1/root/debs/"' \
	--customize-hook='chroot "$1" dpkg --purge keepalived' \
	"$rel" "$T/root" "http://deb.debian.org/debian" >&2; do
	[ $try -lt 3 ] || exit 1
	try=$((try + 1))
	echo "mkimage: mmdebstrap failed, try $try of 3" >&2
	rm -rf "$T"
	mkdir -p "$T"
done
R=$T/root

echo "/dev/vda / ext4 rw,errors=remount-ro 0 1" > "$R/etc/fstab"
echo "e2e-$rel" > "$R/etc/hostname"
# Not a first boot: systemd-firstboot would wait for answers on the console.
echo 5e2e0000000000000000000000000000 > "$R/etc/machine-id"
# eth0 (qemu's user network, restricted to the guest) with a fixed address:
# the interface Debian's IFACE="eth0" names for the sync daemon.
mkdir -p "$R/etc/systemd/network"
printf '[Match]\nName=eth0\n\n[Network]\nAddress=10.0.2.15/24\nLinkLocalAddressing=no\n' \
	> "$R/etc/systemd/network/eth0.network"
ln -sf /lib/systemd/system/systemd-networkd.service \
	"$R/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
mkdir -p "$R/etc/systemd/system/network-online.target.wants"
ln -sf /lib/systemd/system/systemd-networkd-wait-online.service \
	"$R/etc/systemd/system/network-online.target.wants/systemd-networkd-wait-online.service"

cat > "$R/usr/local/sbin/e2e-agent" <<'AGENT'
#!/bin/sh
# e2e-agent: run this boot's step of the host's job (see mkimage.sh).
modprobe 9pnet_virtio
mkdir -p /job
mountpoint -q /job || mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 job /job || exit 1
# Until the boot is done (running, or degraded: a unit failed, which the
# step reports). A loaded host slows the guest's systemd past its 25 s bus
# timeout: a longer one, and a timed-out wait is waited again.
export SYSTEMD_BUS_TIMEOUT=600
until s=$(systemctl is-system-running --wait 2>/dev/null); [ "$s" = running ] || [ "$s" = degraded ]; do
	[ -n "$s" ] || s=none
	echo "e2e-agent: system is $s, waiting" >&2
done
n=$(($(cat /job/boots 2>/dev/null || echo 0) + 1))
echo "$n" > /job/boots
systemd-analyze time > "/job/time$n" 2>&1
if [ -f "/job/step$n.sh" ]; then
	(cd /job && sh -e "/job/step$n.sh") > "/job/out$n" 2>&1
	echo $? > "/job/rc$n"
fi
sync
if [ -f "/job/step$((n + 1)).sh" ]; then
	systemctl reboot
else
	systemctl poweroff
fi
AGENT
chmod 0755 "$R/usr/local/sbin/e2e-agent"
cat > "$R/etc/systemd/system/e2e-agent.service" <<'UNIT'
[Unit]
Description=e2e job of the host (mkimage.sh)
After=local-fs.target

[Service]
# simple: started at once, so that the agent can wait for the end of the boot
Type=simple
ExecStart=/usr/local/sbin/e2e-agent
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/e2e-agent.service "$R/etc/systemd/system/multi-user.target.wants/e2e-agent.service"

cp "$R"/boot/vmlinuz-* "$T/vmlinuz"
cp "$R"/boot/initrd.img-* "$T/initrd.img"
size=$(($(du -sm "$R" | cut -f1) + 1024))
mkfs.ext4 -q -F -L root -d "$R" "$T/disk.img" "${size}M"
rm -rf "$R"
echo "$key" > "$T/key"
rm -rf "$D"
mv "$T" "$D"
trap - EXIT
echo "mkimage: $rel image ready ($(du -sh "$D/disk.img" | cut -f1))" >&2
