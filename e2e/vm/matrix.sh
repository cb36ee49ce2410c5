#!/bin/bash
# matrix.sh JOBS FULL TESTBIN [TESTFLAG...]: the VM suite on each kernel of
# KERNELS (a space list), JOBS VMs at a time: every VM test on FULL, the
# tests matching E2E_MATRIX on the others. Each VM is one host thread
# (run.sh's thread=single), so on two cores two kernels at a time take
# about half the time one after the other does. A kernel's output is
# printed whole when it ends (the longest, FULL, starts first); the status
# is 1 if any kernel failed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
jobs=$1 full=$2 bin=$3
shift 3
# E2EFLAGS: more test flags, split at blanks only (make e2e
# E2EFLAGS='-test.run=^(TestA|TestB)$$' needs no shell quoting).
read -ra extra <<< "${E2EFLAGS:-}"
set -- "$@" "${extra[@]}"
CACHE=${CACHE:?}
logs=$CACHE/e2e-logs
rm -rf "$logs" && mkdir -p "$logs"
order=$full
for k in $KERNELS; do [ "$k" = "$full" ] || order="$order $k"; done
# Downloads and initramfs first, one kernel at a time (they share .cache/debs).
for k in $order; do
	KERNEL=$k "$HERE/fetch.sh" && KERNEL=$k "$HERE/mkinitrd.sh" || { echo "e2e: cannot prepare kernel $k" >&2; exit 1; }
done
one() {
	local k=$1 sel=() what="every VM test" t0=$SECONDS
	shift
	if [ "$k" != "$full" ]; then sel=("-test.run=$E2E_MATRIX"); what="the differential suite and the labs"; fi
	echo "e2e: kernel $k: $what: started"
	KERNEL=$k "$HERE/run.sh" "$bin" "$@" "${sel[@]}" > "$logs/$k.log" 2>&1
	local rc=$?
	{
		echo "=== e2e: kernel $k: $what"
		cat "$logs/$k.log"
		if [ $rc -eq 0 ]; then echo "e2e: kernel $k: PASS in $((SECONDS - t0)) s"; else echo "e2e: FAILED on kernel $k (status $rc, $((SECONDS - t0)) s)"; fi
	} > "$logs/$k.out"
	echo $rc > "$logs/$k.rc"
}
running=0
for k in $order; do
	if [ $running -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	one "$k" "$@" &
	running=$((running + 1))
done
wait
status=0
for k in $order; do
	cat "$logs/$k.out"
	[ "$(cat "$logs/$k.rc" 2>/dev/null)" = 0 ] || status=1
done
for k in $order; do
	if [ "$(cat "$logs/$k.rc" 2>/dev/null)" = 0 ]; then echo "e2e: kernel $k: PASS"; else echo "e2e: kernel $k: FAILED" >&2; fi
done
exit $status
