#!/bin/sh
# gen.sh: run the reference ipvsadm over testdata/parse/cases.txt and record
# what it did in testdata/parse/golden.txt. Needs the VM (it changes the IPVS
# table); from the repository root:
#
#	e2e/vm/run.sh sh testdata/parse/gen.sh
#
# cases.txt, one item per line:
#	ARGS            a case: shell words after the program name
#	!k ARGS         a case the grammar accepts but the kernel refuses
#	!h ARGS         a case where the reference never returns (popt loops)
#	@setup ARGS     add a command run (on the flushed table) before each case
#	@setup          forget the setup commands
#	@stdin TEXT     stdin of the next case, printf %b escapes
#	@prog PATH      run the next case as PATH (argv[0]), a link to the reference
#	@env VAR=VALUE  environment of the next case
#	@noargs         a case without arguments
#	# ...           comment
#
# golden.txt holds, per case, length-prefixed blocks (see parse_golden_test.go):
# the case line, program, environment, setup, stdin, argv, exit status, stdout,
# stderr and, after a success, the table state (-Sn, --thresholds, --timeout,
# --daemon).
set -u
D=testdata/parse
REF=${REF:-/ref/ipvsadm}
# OUT: where the goldens go; REF=/host/ipvsadm OUT=/tmp/x compares ours.
OUT=${OUT:-$D/golden.txt}
# Setup, clean-up and the state snapshot always use the reference.
TOOL=/ref/ipvsadm
[ "${IPVSADM_E2E:-}" = 1 ] || { echo "gen.sh: run it in the VM: e2e/vm/run.sh sh $D/gen.sh" >&2; exit 2; }

cp "$D/hosts" /etc/hosts
cp "$D/services" /etc/services
modprobe ip_vs
/sbin/ip link add dummy0 type dummy
/sbin/ip addr add 10.0.0.254/8 dev dummy0
/sbin/ip -6 addr add fd00::fe/64 dev dummy0 nodad
/sbin/ip link set dummy0 up
/sbin/ip link add eth0 type dummy
/sbin/ip link set eth0 up multicast on

mkdir -p /tmp/gen/bin /tmp/gen/cwd
ln -sf "$REF" /tmp/gen/bin/ipvsadm
PATH=/tmp/gen/bin:$PATH
export PATH

# block NAME FILE: a length-prefixed block.
block() {
	printf '%s %s\n' "$1" "$(wc -c < "$2" | tr -d ' ')"
	cat "$2"
	printf '\n'
}

clean() {
	$TOOL -C
	$TOOL --stop-daemon master
	$TOOL --stop-daemon backup
	$TOOL --set 900 120 300
} > /dev/null 2>&1

out=$OUT.tmp
: > "$out"
setup=""
stdin="" prog=ipvsadm envs="" noargs=0
n=0
T=/tmp/gen
while IFS= read -r line || [ -n "$line" ]; do
	case $line in
	'' | '#'*) continue ;;
	'@setup') setup=""; continue ;;
	'@setup '*) setup="$setup${line#@setup }
"; continue ;;
	'@stdin '*) stdin=${line#@stdin }; continue ;;
	'@prog '*) prog=${line#@prog }; (cd $T/cwd && mkdir -p "$(dirname "$prog")" && ln -sf "$REF" "$prog"); continue ;;
	'@env '*) envs="$envs ${line#@env }"; continue ;;
	'@noargs') noargs=1 ;;
	esac
	n=$((n + 1))
	clean
	printf '%s' "$setup" > $T/setup
	while IFS= read -r s; do
		[ -n "$s" ] || continue
		eval "$TOOL $s" > $T/sout 2>&1 || { echo "gen.sh: case $n: setup '$s' failed:"; cat $T/sout; }
	done < $T/setup
	printf '%b' "$stdin" > $T/in
	args=${line#!k }
	args=${args#!h }
	if [ $noargs = 1 ]; then set --; else eval "set -- $args"; fi
	: > $T/argv
	for a in "$@"; do printf '%s\n' "$a" >> $T/argv; done
	# shellcheck disable=SC2086
	# From a scratch directory: @prog may name a relative path.
	(cd $T/cwd && exec env $envs timeout 10 "$prog" "$@") < $T/in > $T/out 2> $T/err
	rc=$?
	: > $T/state
	if [ $rc = 0 ]; then
		{ $TOOL -Sn; $TOOL -Ln --thresholds; $TOOL -Ln --timeout; $TOOL -Ln --daemon; } > $T/state 2>&1
	fi
	printf '%s' "$line" > $T/line
	printf '%s' "$prog" > $T/prog
	printf '%s' "${envs# }" > $T/env
	{
		echo "=== $n"
		block line $T/line
		block prog $T/prog
		block env $T/env
		block setup $T/setup
		block stdin $T/in
		printf 'argc %d\n' $#
		block argv $T/argv
		echo "status $rc"
		block stdout $T/out
		block stderr $T/err
		block state $T/state
	} >> "$out"
	stdin="" prog=ipvsadm envs="" noargs=0
done < $D/cases.txt
clean
mv "$out" "$OUT"
echo "gen.sh: $n cases"
