#!/bin/sh
# compare.sh: run every view of gen.sh's "cases" with the reference and with
# our binary against the same live table and report differences.
#
#   CGO_ENABLED=0 go build -o .cache/bin/ipvsadm-list .
#   e2e/vm/run.sh sh testdata/list/compare.sh
#
# Counters and expiry times move, so a differing view is retried a few
# times before it counts as a difference.
set -u
D=${D:-/host/testdata/list}
OURS=${OURS:-/host/.cache/bin/ipvsadm-list}
REF=${REF:-/ref/ipvsadm}
. "$D/setup.sh" >/dev/null 2>&1
$REF --set 1000 100 200
T=/tmp/cmp
mkdir -p $T
bad=0
n=0
tab=$(printf '\t')

# one NAME ARGS: compare one view, retrying while counters move. Expiry
# times of connections tick between the two runs, so they are masked.
one() {
	name=$1
	args=$2
	try=0
	while :; do
		try=$((try + 1))
		# shellcheck disable=SC2086
		$REF $args >$T/ref.out 2>$T/ref.err
		echo "rc=$?" >>$T/ref.err
		# shellcheck disable=SC2086
		$OURS $args >$T/ours.out 2>$T/ours.err
		echo "rc=$?" >>$T/ours.err
		for f in ref ours; do
			sed 's/^\([A-Z]*  *\)[0-9][0-9]*:[0-9][0-9] /\1XX:XX /' $T/$f.out >$T/$f.cmp
		done
		cmp -s $T/ref.cmp $T/ours.cmp && cmp -s $T/ref.err $T/ours.err && break
		if [ $try -ge 5 ]; then
			echo "DIFF $name: ipvsadm $args"
			diff $T/ref.out $T/ours.out | head -20
			diff $T/ref.err $T/ours.err | head -5
			bad=$((bad + 1))
			break
		fi
	done
	n=$((n + 1))
}

grep -v '^daemon' "$D/cases" >$T/cases
while IFS="$tab" read -r name rc args; do
	one "$name" "$args"
done <$T/cases

# Sync daemons: the kernel refuses them next to a real server of the other
# family, as in gen.sh.
$REF -d -t 10.0.0.100:80 -r 2001:db8::9
$REF --start-daemon master --mcast-interface sync0 --syncid 7 --sync-maxlen 1400 \
	--mcast-group 239.1.2.3 --mcast-port 9000 --mcast-ttl 3
$REF --start-daemon backup --mcast-interface sync0 --syncid 8
grep '^daemon' "$D/cases" >$T/cases
while IFS="$tab" read -r name rc args; do
	one "$name" "$args"
done <$T/cases
echo "compare: $n views, $bad differ"
[ $bad -eq 0 ]
