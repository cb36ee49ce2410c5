#!/bin/sh
# run.sh CMD [ARG...]: boot the test VM (Debian kernel KERNEL, default 6.1, under
# TCG) with the repository shared at /host, run CMD there (cwd /host), and exit
# with its status. VM_INTERACTIVE=1: the console is this terminal (make lab).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${CACHE:-$ROOT/.cache}
KERNEL=${KERNEL:-6.1}
export CACHE KERNEL
"$HERE/fetch.sh"
"$HERE/mkinitrd.sh"
log=$(mktemp)
# The job goes through the share as a script: the kernel command line cannot carry quoting.
mkdir -p "$CACHE/jobs"
job=$(mktemp -p "$CACHE/jobs" job.XXXXXX)
trap 'rm -f "$log" "$job"' EXIT
{
	echo 'set -e'
	for a in "$@"; do
		printf "'%s' " "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")"
	done
	echo
} > "$job"
# One host thread runs both vCPUs (thread=single): with a thread each
# (MTTCG), a 6.12 guest under load died of "Oops: int3" in code the kernel
# was live-patching (a static key flipping in get_random_u32 while another
# vCPU ran it), a race of QEMU 7.2's cross-vCPU code modification that real
# CPUs do not have. Serialised vCPUs cannot race; the suite takes ~12% longer.
if [ "${VM_INTERACTIVE:-}" = 1 ]; then
	# make lab: the console is this terminal, unfiltered, with qemu's
	# monitor multiplexed on it (Ctrl-A x ends the VM; Ctrl-C goes to it).
	qemu-system-x86_64 -accel "${VM_ACCEL:-tcg,thread=single}" -m "${VM_MEM:-2048}" -smp "${VM_CPUS:-2}" \
		-kernel "$CACHE/vm-$KERNEL/vmlinuz" -initrd "$CACHE/vm-$KERNEL/initrd.gz" \
		-append "console=ttyS0 quiet loglevel=3 panic=-1 -- sh /host/${job#"$ROOT/"}" \
		-virtfs local,path="$ROOT",mount_tag=host,security_model=none,id=host \
		-nographic -no-reboot -nodefaults -serial mon:stdio
	exit 0
fi
qemu-system-x86_64 -accel "${VM_ACCEL:-tcg,thread=single}" -m "${VM_MEM:-2048}" -smp "${VM_CPUS:-2}" \
	-kernel "$CACHE/vm-$KERNEL/vmlinuz" -initrd "$CACHE/vm-$KERNEL/initrd.gz" \
	-append "console=ttyS0 quiet loglevel=3 panic=-1 -- sh /host/${job#"$ROOT/"}" \
	-virtfs local,path="$ROOT",mount_tag=host,security_model=none,id=host \
	-nographic -no-reboot -nodefaults -serial stdio -monitor none \
	2>&1 | sed -u -e 's/\r//g' -e 's/\x1b[[?0-9;]*[a-zA-Z]//g' \
	| tee "$log" | grep --line-buffered -v -e '^VMEXIT=' -e '^SeaBIOS' -e '^Booting from ROM' -e 'reboot: Power down'
rc=$(sed -n 's/^VMEXIT=\([0-9]*\)$/\1/p' "$log" | tail -n 1)
[ -n "$rc" ] || { echo "run.sh: VM ended without an exit status" >&2; exit 125; }
exit "$rc"
