#!/bin/sh
# demo.sh: the tutorial's labs, run in the test VM by `make demo`, printed the
# way a reader types and sees them. Topology: e2e/lab/lab.sh. The director's
# ipvsadm is LAB_IPVSADM (default: ours, /host/ipvsadm); arp-prep is always
# ours, and so are doctor and top. Any failing step ends the demo with a non-zero status; at the end it
# sums up what it showed, each line a claim its steps checked.
set -eu
IPVSADM=${LAB_IPVSADM:-/host/ipvsadm}
OURS=${IPVSADM_OURS:-/host/ipvsadm}
LAB=e2e/lab/lab.sh
trap 'sh $LAB down' EXIT

say() { printf '\n## %s\n' "$*"; }

# proved CLAIM: a line of the summary, said once the steps before it passed.
PROVED=/tmp/demo-proved
: > "$PROVED"
proved() { echo "  - $*" >> "$PROVED"; }

# (Lines must not start with "c": the VM console filter eats it.)

# on NS HOST CMD...: print "[HOST]# CMD" (ipvsadm by its plain name) and run
# CMD in namespace NS.
on() {
	ns=$1 host=$2
	shift 2
	show=$*
	case $1 in
	"$IPVSADM" | "$OURS") show="ipvsadm ${show#* }" ;;
	esac
	echo "[$host]# $show"
	/sbin/ip netns exec "$ns" "$@"
}

ipvsadm_on() { ns=$1 host=$2; shift 2; on "$ns" "$host" "$IPVSADM" "$@"; }
prep_on() { ns=$1 host=$2; shift 2; on "$ns" "$host" "$OURS" arp-prep "$@"; }

# get VIP N: N requests from the client, one line per answer.
get() {
	echo "[client]\$ for i in \$(seq $2); do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc $1 80 | tail -n 1; done"
	for i in $(seq "$2"); do
		a=$(printf 'GET / HTTP/1.0\r\n\r\n' | /sbin/ip netns exec lab-client timeout 10 busybox nc "$1" 80 | tail -n 1)
		[ -n "$a" ] || { echo "demo: request $i to $1 got no answer" >&2; exit 1; }
		echo "$a"
		GOT="$GOT $a"
	done
}
GOT=""

# split: the answers of the gets since the last split, as "rs1=N rs2=M";
# alternates: whether no two answers in a row came from one server.
split() {
	n1=0 n2=0 prev="" alt=yes
	for a in $GOT; do
		case $a in rs1) n1=$((n1 + 1)) ;; rs2) n2=$((n2 + 1)) ;; esac
		[ "$a" != "$prev" ] || alt=no
		prev=$a
	done
	GOT=""
	SPLIT="rs1=$n1 rs2=$n2" ALTERNATES=$alt
}

# Counters reach `--stats` when the kernel folds its per-CPU counters (every 2 s).
settle() { sleep 2.5; }

echo
echo "ipvsadm demo: director ipvsadm is $IPVSADM, arp-prep is $OURS"
"$IPVSADM" --version 2>/dev/null || true

say "NAT lab"
cat <<'T'
  client 172.16.1.10 ── director: VIP 172.16.1.143 (outside), DIP 192.168.1.118 (bridge)
                          ├── rs1 192.168.1.11  (default route via the DIP)
                          └── rs2 192.168.1.12
The director forwards (ip_forward=1) and masquerades: replies come back through it.
T
sh $LAB nat-up
ipvsadm_on lab-dir director -A -t 172.16.1.143:80 -s rr
ipvsadm_on lab-dir director -a -t 172.16.1.143:80 -r 192.168.1.11:80 -m -w 1
ipvsadm_on lab-dir director -a -t 172.16.1.143:80 -r 192.168.1.12:80 -m -w 2
ipvsadm_on lab-dir director -L -n
say "ipvsadm doctor: every check of the NAT lab passes (it has had no traffic yet)"
on lab-dir director "$OURS" doctor
say "break it as labs break: rs2 loses its default route, so its replies bypass the director"
on lab-rs2 rs2 /sbin/ip route del default
# get_some VIP N: as get, but a request may go unanswered (2 s each).
get_some() {
	for i in $(seq "$2"); do
		a=$( (printf 'GET / HTTP/1.0\r\n\r\n' | /sbin/ip netns exec lab-client timeout 2 busybox nc "$1" 80 | tail -n 1) 2>/dev/null || true)
		echo "${a:-(no answer)}"
	done
}
echo "[client]\$ (6 requests; rs2's hang)"
get_some 172.16.1.143 6
/sbin/ip netns exec lab-dir "$OURS" doctor -t 172.16.1.143:80 > /tmp/demo-doctor.out && st=0 || st=$?
echo "[director]# ipvsadm doctor -t 172.16.1.143:80"
cat /tmp/demo-doctor.out
echo "(exit status $st)"
grep -q '^fail .*192.168.1.12:80 .*replies bypass the director' /tmp/demo-doctor.out && [ "$st" = 1 ] ||
	{ echo "demo: doctor did not find the broken route" >&2; exit 1; }
say "repair with doctor's fix"
on lab-rs2 rs2 /sbin/ip route replace default via 192.168.1.118
get 172.16.1.143 3
proved "doctor: a NAT real server that routes its replies around the director fails, with the fix on that server"
say "rr ignores the weights: the requests alternate"
GOT=""
get 172.16.1.143 6
split
[ "$SPLIT $ALTERNATES" = "rs1=3 rs2=3 yes" ] || { echo "demo: rr gave $SPLIT, alternating: $ALTERNATES" >&2; exit 1; }
say "wrr: weights 1 and 2 split the requests 1:2"
ipvsadm_on lab-dir director -E -t 172.16.1.143:80 -s wrr
get 172.16.1.143 6
split
[ "$SPLIT" = "rs1=2 rs2=4" ] || { echo "demo: wrr 1:2 gave $SPLIT of 6" >&2; exit 1; }
settle
ipvsadm_on lab-dir director -L -n --stats
ipvsadm_on lab-dir director -L -c -n
proved "NAT: rr alternates (3 and 3 of 6), wrr at weights 1:2 splits 2 and 4 of 6, every reply back through the director"
say "ipvsadm top: each real server's share of the new connections next to its share of the weights"
echo "[director]# ipvsadm top -n --batch 1 --interval 3      (on a terminal: ipvsadm top -n, q quits)"
/sbin/ip netns exec lab-dir "$OURS" top -n --batch 1 --interval 3 > /tmp/demo-top.out &
top=$!
echo "(meanwhile the client sends 30 requests)"
get 172.16.1.143 30 > /dev/null
wait $top
cat /tmp/demo-top.out
proved "top: each real server's share of the new connections, next to its share of the weights"
sh $LAB down

say "DR lab"
cat <<'T'
  one segment: client 192.168.2.50, director 192.168.2.118 + VIP 192.168.2.143 (alias),
               rs1 192.168.2.11, rs2 192.168.2.12 (default route via 192.168.2.1)
The real servers hold the VIP on lo and must never answer ARP for it:
that is what `ipvsadm arp-prep` sets up. Replies go straight to the client.
T
sh $LAB dr-up
prep_on lab-rs1 rs1 --dry-run 192.168.2.143
prep_on lab-rs1 rs1 192.168.2.143
prep_on lab-rs1 rs1 --check 192.168.2.143
prep_on lab-rs2 rs2 192.168.2.143
prep_on lab-rs2 rs2 --check --json 192.168.2.143
on lab-rs2 rs2 /sbin/ip addr show dev lo
ipvsadm_on lab-dir director -A -t 192.168.2.143:80 -s rr
ipvsadm_on lab-dir director -a -t 192.168.2.143:80 -r 192.168.2.11:80 -g
ipvsadm_on lab-dir director -a -t 192.168.2.143:80 -r 192.168.2.12:80 -g
ipvsadm_on lab-dir director -L -n
get 192.168.2.143 4
say "who answered ARP for the VIP? the director alone"
on lab-client client busybox arping -c 2 -w 2 -I eth0 192.168.2.143
on lab-client client /sbin/ip neigh show 192.168.2.143
on lab-dir director /sbin/ip -br link show dev eth0
vipmac=$(/sbin/ip netns exec lab-client /sbin/ip neigh show 192.168.2.143 | awk '{print $5}')
dirmac=$(/sbin/ip netns exec lab-dir /sbin/ip -br link show dev eth0 | awk '{print $3}')
if [ "$vipmac" = "$dirmac" ]; then
	echo "=> the client reaches the VIP at the director's MAC $dirmac"
else
	echo "=> WRONG: the client resolved the VIP to $vipmac, the director is $dirmac"
	exit 1
fi
proved "DR: arp-prep keeps the real servers silent on ARP for the VIP; the director alone answers"
say "ipvsadm doctor --probe: the director asks who answers ARP for the VIP and connects to each real server"
on lab-dir director "$OURS" doctor --probe
proved "doctor --probe: the DR lab passes every check, ARP and TCP probes included"
settle
say "DR: only the client's packets pass the director (OutPkts stay 0)"
ipvsadm_on lab-dir director -L -n --stats
say "undo on a real server"
prep_on lab-rs1 rs1 --remove 192.168.2.143
echo "[rs1]# ipvsadm arp-prep --check 192.168.2.143   (now fails)"
/sbin/ip netns exec lab-rs1 "$OURS" arp-prep --check 192.168.2.143 && exit 1 || echo "(exit status $?)"
proved "arp-prep --remove undoes it, and --check then fails"
sh $LAB down

say "Connection sync: master and backup directors"
sh $LAB sync-up
ipvsadm_on lab-dir director -A -t 172.16.1.143:80 -s rr
ipvsadm_on lab-dir director -a -t 172.16.1.143:80 -r 192.168.1.11:80 -m
ipvsadm_on lab-dir director -a -t 172.16.1.143:80 -r 192.168.1.12:80 -m
ipvsadm_on lab-dir director --start-daemon master --mcast-interface sync0 --syncid 7
ipvsadm_on lab-dir2 director2 --start-daemon backup --mcast-interface sync0 --syncid 7
ipvsadm_on lab-dir2 director2 -L --daemon
get 172.16.1.143 2
sleep 3
ipvsadm_on lab-dir2 director2 -L -c -n
n=0
until /sbin/ip netns exec lab-dir2 "$OURS" -L -c -n | grep -q '192\.168\.1\.1[12]:80'; do
	n=$((n + 1))
	[ $n -lt 50 ] || { echo "demo: the backup director has no synced connection" >&2; exit 1; }
	sleep 0.2
done
proved "sync daemon: the backup director holds the master's connections"
echo
echo "demo done with $IPVSADM on the directors. Shown and checked (the demo stops at the first step that fails):"
cat "$PROVED"
