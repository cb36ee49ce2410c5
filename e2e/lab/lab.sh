#!/bin/sh
# lab.sh nat-up|dr-up|sync-up|ap-up|down: build or tear down the tutorial's LVS
# labs out of network namespaces, inside the test VM. Only the topology lives
# here (namespaces, veths, bridges, addresses, routes, HTTP servers); the
# ipvsadm and arp-prep commands are run by the caller (e2e/demo.sh, the e2e
# tests), because they are what a reader of the tutorial types.
#
# NAT:  lab-client (172.16.1.10) ── lab-dir: VIP 172.16.1.143 outside,
#       DIP 192.168.1.118 on br0 ── lab-rs1 192.168.1.11, lab-rs2 192.168.1.12
#       (default route via the DIP).
# DR:   one segment, bridge br0 in lab-sw: lab-dir 192.168.2.118 + VIP
#       192.168.2.143 alias, lab-rs1 .11, lab-rs2 .12, lab-client .50.
# sync: the NAT lab plus lab-dir2, joined to lab-dir by a link sync0
#       (10.9.0.1 and 10.9.0.2) that carries the sync daemon's multicast.
# ap:   lab-ap, one real server alone (dummy eth0, default route) for the
#       arp-prep tests.
set -eu
IP=/sbin/ip
RUN=${LAB_RUN:-/tmp/lab}
P=${LAB_NS:-lab-}
NSS="${P}client ${P}dir ${P}dir2 ${P}rs1 ${P}rs2 ${P}sw ${P}ap"

ns() { "$IP" netns exec "$@"; }

newns() {
	"$IP" netns add "$1"
	ns "$1" "$IP" link set lo up
}

# veth NS1 IF1 NS2 IF2: a cable between two namespaces.
# Made under scratch names and renamed inside the namespaces, so a device of
# the same name in the root namespace (the diff suite's dummy eth0) is no clash.
vethn=0
veth() {
	vethn=$((vethn + 1))
	a=labv${vethn}a b=labv${vethn}b
	"$IP" link add "$a" type veth peer name "$b"
	"$IP" link set "$a" netns "$1"
	"$IP" link set "$b" netns "$3"
	ns "$1" "$IP" link set "$a" name "$2"
	ns "$3" "$IP" link set "$b" name "$4"
	ns "$1" "$IP" link set "$2" up
	ns "$3" "$IP" link set "$4" up
}

# httpd NS NAME: serve "NAME" on port 80 from NS, pid kept for down.
httpd() {
	mkdir -p "$RUN/www-$2"
	echo "$2" > "$RUN/www-$2/index.html"
	# A plain command, not the ns function: no subshell stays behind, so $!
	# is httpd itself. Its own stdio: callers that capture our output must
	# not wait for it.
	"$IP" netns exec "$1" busybox httpd -f -p 80 -h "$RUN/www-$2" </dev/null >/dev/null 2>&1 &
	echo $! > "$RUN/httpd-$2.pid"
}

# wait_http NS IP: until IP:80 accepts connections from NS (bounded).
wait_http() {
	local i=0
	while ! ns "$1" busybox nc -w 1 "$2" 80 </dev/null >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 50 ] || { echo "lab: no HTTP server at $2" >&2; exit 1; }
		sleep 0.1
	done
}

nat_up() {
	modprobe veth; modprobe bridge
	for n in ${P}client ${P}dir ${P}rs1 ${P}rs2; do newns $n; done
	veth ${P}client eth0 ${P}dir eth0
	ns ${P}client "$IP" addr add 172.16.1.10/24 dev eth0
	ns ${P}dir "$IP" addr add 172.16.1.143/24 dev eth0
	ns ${P}dir "$IP" link add br0 type bridge
	ns ${P}dir "$IP" link set br0 up
	ns ${P}dir "$IP" addr add 192.168.1.118/24 dev br0
	ns ${P}dir sysctl -qw net.ipv4.ip_forward=1
	for i in 1 2; do
		veth ${P}rs$i eth0 ${P}dir rs$i
		ns ${P}dir "$IP" link set rs$i master br0
		ns ${P}rs$i "$IP" addr add 192.168.1.1$i/24 dev eth0
		ns ${P}rs$i "$IP" route add default via 192.168.1.118
		httpd ${P}rs$i rs$i
	done
	for i in 1 2; do wait_http ${P}dir 192.168.1.1$i; done
}

dr_up() {
	modprobe veth; modprobe bridge
	for n in ${P}sw ${P}client ${P}dir ${P}rs1 ${P}rs2; do newns $n; done
	ns ${P}sw "$IP" link add br0 type bridge
	ns ${P}sw "$IP" link set br0 up
	for n in client dir rs1 rs2; do
		veth ${P}$n eth0 ${P}sw $n
		ns ${P}sw "$IP" link set $n master br0
	done
	ns ${P}client "$IP" addr add 192.168.2.50/24 dev eth0
	ns ${P}dir "$IP" addr add 192.168.2.118/24 dev eth0
	ns ${P}dir "$IP" addr add 192.168.2.143/24 dev eth0 label eth0:0
	for i in 1 2; do
		ns ${P}rs$i "$IP" addr add 192.168.2.1$i/24 dev eth0
		# A gateway that is not the director, as in the tutorial: replies go
		# straight to the client; arp-prep finds eth0 by this route.
		ns ${P}rs$i "$IP" route add default via 192.168.2.1
		httpd ${P}rs$i rs$i
	done
	for i in 1 2; do wait_http ${P}dir 192.168.2.1$i; done
}

sync_up() {
	nat_up
	newns ${P}dir2
	veth ${P}dir sync0 ${P}dir2 sync0
	ns ${P}dir "$IP" addr add 10.9.0.1/24 dev sync0
	ns ${P}dir2 "$IP" addr add 10.9.0.2/24 dev sync0
}

# A lone real server for the arp-prep tests: eth0 with a default route.
ap_up() {
	modprobe dummy
	newns ${P}ap
	ns ${P}ap "$IP" link add eth0 type dummy
	ns ${P}ap "$IP" link set eth0 up
	ns ${P}ap "$IP" addr add 10.20.0.2/24 dev eth0
	ns ${P}ap "$IP" route add default via 10.20.0.1
}

down() {
	for f in "$RUN"/httpd-*.pid; do
		[ -e "$f" ] || continue
		kill "$(cat "$f")" 2>/dev/null || true
		rm -f "$f"
	done
	for n in $NSS; do
		# Stop anything else still running there (sync daemons are kernel
		# threads and go with the namespace).
		for p in $("$IP" netns pids "$n" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
		"$IP" netns del "$n" 2>/dev/null || true
	done
	rm -rf "$RUN"
}

mkdir -p "$RUN"
case "${1:-}" in
nat-up) nat_up ;;
dr-up) dr_up ;;
sync-up) sync_up ;;
ap-up) ap_up ;;
down) down ;;
*) echo "usage: lab.sh nat-up|dr-up|sync-up|ap-up|down" >&2; exit 2 ;;
esac
