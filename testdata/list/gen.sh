#!/bin/sh
# gen.sh: record the REFERENCE ipvsadm's list views as golden files.
#
#   CGO_ENABLED=0 go build -o .cache/bin/capture ./testdata/list/capture
#   CGO_ENABLED=0 go build -o .cache/bin/udpsend ./testdata/list/udpsend
#   e2e/vm/run.sh sh testdata/list/gen.sh
#
# In the VM it builds a rich table with /ref/ipvsadm (setup.sh), then writes
# testdata/list/:
#   fixture.json   the kernel state as our client decodes it (input)
#   daemons.json   its sync daemons, started after the rest was recorded
#   NAME.conn      /proc/net/ip_vs_conn as the -L -c view NAME read it
#   hosts services the name databases the reference resolved with (input)
#   cases          one view a line: NAME<TAB>STATUS<TAB>ARGS
#   NAME.out/.err  the reference's stdout and stderr for it (expected)
# The state is captured before and after the views and the views redone
# until both captures agree, so that rates and expiry times match.
set -u
D=${D:-/host/testdata/list}
CAP=${CAP:-/host/.cache/bin/capture}
REF=${REF:-/ref/ipvsadm}
. "$D/setup.sh"

# State that only lists show: timeouts (sync daemons come last: the kernel
# refuses them while a service has a real server of the other family).
$REF --set 1000 100 200

T=/tmp/gen
mkdir -p "$T"
rm -f "$T"/*.out "$T"/*.err "$T"/*.conn

# view NAME ARGS...: run the reference, keep its output under NAME.
view() {
	n=$1
	shift
	"$REF" "$@" >"$T/$n.out" 2>"$T/$n.err"
	rc=$?
	printf '%s\t%s\t%s\n' "$n" "$rc" "$*" >>"$T/cases"
}

table_views() {
	view noargs
	view L -L
	view l -l
	view Ln -Ln
	view Ln_exact -Ln --exact
	view L_stats -L --stats
	view Ln_stats -Ln --stats
	view Ln_stats_exact -Ln --stats --exact
	view Ln_rate -Ln --rate
	view Ln_rate_exact -Ln --rate --exact
	view L_rate -L --rate
	view Ln_thresholds -Ln --thresholds
	view L_thresholds -L --thresholds
	view Ln_persistent -Ln --persistent-conn
	view L_persistent -L --persistent-conn
	view Ln_tun -Ln --tun-info
	view L_tun -L --tun-info
	view Ln_nosort -Ln --nosort
	view L_nosort_stats -L --nosort --stats
	view Ln_sort -Ln --sort
	view S -S
	view Sn -Sn
	view Sn_nosort -Sn --nosort
	view save -S -n --exact
	view Lt -L -t 10.0.0.100:80
	view Ltn_stats -Ln -t 10.0.0.100:80 --stats --exact
	view Lt_tun -L -t vip.example:http --tun-info
	view Lu_rate -Ln -u 10.0.0.100:53 --rate
	view Lf -Ln -f 1
	view Lf_big -Ln -f 3000000000
	view Lf6 -L -f 2 -6
	view Lt6 -Ln -t [2001:db8::100]:80 --thresholds
	view Lsctp -Ln --sctp-service 10.0.0.104:3868
	view Lt_persistent -L -t 10.0.0.101:443 --persistent-conn
	view Lt_missing -Ln -t 10.9.9.9:1
	view Lf_missing -L -f 99
	view timeout -L --timeout
	view timeout_n -Ln --timeout
}

# conn_view NAME ARGS...: a connection view, with the /proc file it read
# (NAME.conn) taken right before and after it until both agree: expiry
# times tick every second.
conn_view() {
	j=0
	while :; do
		j=$((j + 1))
		cat /proc/net/ip_vs_conn >"$T/conn_a"
		view "$@"
		cat /proc/net/ip_vs_conn >"$T/conn_b"
		cmp -s "$T/conn_a" "$T/conn_b" && break
		sed -i '$d' "$T/cases"
		[ $j -lt 30 ] || { echo "gen: connections never stable" >&2; exit 1; }
	done
	cp "$T/conn_a" "$T/$1.conn"
}

i=0
while :; do
	i=$((i + 1))
	rm -f "$T/cases"
	CAPTURE_DEBUG=1 timeout 60 "$CAP" >"$T/a.json" || exit 1
	table_views
	timeout 60 "$CAP" >"$T/b.json" || exit 1
	cmp -s "$T/a.json" "$T/b.json" && break
	[ $i -lt 20 ] || { echo "gen: table never stable" >&2; exit 1; }
done
cp "$T/cases" "$T/cases.table"
rm -f "$T/cases"
conn_view Lc -Lc
conn_view Lcn -Lcn
conn_view Lcn_pc -L -c -n --persistent-conn
conn_view Lc_pc -L -c --persistent-conn
cp "$T/cases" "$T/cases_conn"

# Sync daemons, recorded on their own (daemons.json).
$REF -d -t 10.0.0.100:80 -r 2001:db8::9
$REF --start-daemon master --mcast-interface sync0 --syncid 7 --sync-maxlen 1400 \
	--mcast-group 239.1.2.3 --mcast-port 9000 --mcast-ttl 3
$REF --start-daemon backup --mcast-interface sync0 --syncid 8
rm -f "$T/cases"
view daemon -L --daemon
view daemon_n -Ln --daemon
CAPTURE_ONLY=daemons timeout 60 "$CAP" >"$D/daemons.json" || exit 1
rm -f "$D"/*.out "$D"/*.err "$D"/*.conn "$D/ip_vs_conn"
cat "$T/cases.table" "$T/cases_conn" "$T/cases" >"$D/cases"
cp "$T/a.json" "$D/fixture.json"
for f in "$T"/*.conn; do cp "$f" "$D/"; done
cp /etc/hosts "$D/hosts"
cp /etc/services "$D/services"
for f in "$T"/*.out; do cp "$f" "$D/"; done
for f in "$T"/*.err; do [ -s "$f" ] && cp "$f" "$D/"; done
echo "gen: $(wc -l <"$D/cases") views recorded"
