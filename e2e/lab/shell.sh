#!/bin/sh
# shell.sh [ROWS COLS]: the job of `make lab` in the test VM. It builds the
# tutorial's two labs side by side (NAT as nat-*, DR as dr-*, from lab.sh),
# sets them up with our ipvsadm as a reader of the tutorial would, and
# leaves an interactive shell on the VM's console where `ipvsadm` is ours,
# `ip` is iproute2's and `lab` breaks and repairs each lab. The terminal's
# size comes from the host (a serial console has none of its own). Leaving
# the shell powers the VM off.
set -eu
LAB=/host/e2e/lab/lab.sh
mkdir -p /lab/bin
ln -sf /host/ipvsadm /lab/bin/ipvsadm
ln -sf /sbin/ip /lab/bin/ip
export PATH=/lab/bin:$PATH
# ip netns exec looks programs up on PATH: this ipvsadm, this ip.
on() { ns=$1; shift; /sbin/ip netns exec "$ns" "$@"; }

echo "lab: building the NAT lab (nat-*) and the DR lab (dr-*)"
LAB_NS=nat- LAB_RUN=/tmp/lab-nat sh $LAB nat-up
LAB_NS=dr- LAB_RUN=/tmp/lab-dr sh $LAB dr-up
on nat-dir ipvsadm -A -t 172.16.1.143:80 -s wrr
on nat-dir ipvsadm -a -t 172.16.1.143:80 -r 192.168.1.11:80 -m -w 1
on nat-dir ipvsadm -a -t 172.16.1.143:80 -r 192.168.1.12:80 -m -w 2
for rs in dr-rs1 dr-rs2; do on $rs ipvsadm arp-prep 192.168.2.143 >/dev/null; done
on dr-dir ipvsadm -A -t 192.168.2.143:80 -s rr
on dr-dir ipvsadm -a -t 192.168.2.143:80 -r 192.168.2.11:80 -g
on dr-dir ipvsadm -a -t 192.168.2.143:80 -r 192.168.2.12:80 -g

cat > /lab/rc <<'RC'
# The lab shell's functions (ENV of busybox sh). busybox runs its own
# applets before PATH, so ip is named by its path here.
ip() { /sbin/ip "$@"; }
on() { ns=$1; shift; /sbin/ip netns exec "$ns" "$@"; }
# get nat|dr [N]: N requests (default 6) from that lab's client to its VIP.
get() {
	case $1 in nat) c=nat-client vip=172.16.1.143 ;; dr) c=dr-client vip=192.168.2.143 ;;
	*) echo "get nat|dr [N]" >&2; return 2 ;; esac
	for i in $(seq "${2:-6}"); do
		a=$(printf 'GET / HTTP/1.0\r\n\r\n' | on $c timeout 2 busybox nc $vip 80 2>/dev/null | tail -n 1)
		echo "${a:-(no answer)}"
	done
}
# say CMD...: print a command, then run it.
say() { echo "+ $*"; "$@"; }
lab() {
	case "$1 $2" in
	"break nat")
		echo "rs2 loses its default route: its replies no longer go back through the director"
		say on nat-rs2 ip route del default
		echo "now: get nat; on nat-dir ipvsadm doctor" ;;
	"repair nat")
		say on nat-rs2 ip route add default via 192.168.1.118 ;;
	"break dr")
		echo "rs1 answers ARP for the VIP again, as a real server arp-prep never touched"
		for k in all.arp_ignore eth0.arp_ignore all.arp_announce eth0.arp_announce; do
			say on dr-rs1 sysctl -qw net.ipv4.conf.$k=0
		done
		echo "now: on dr-dir ipvsadm doctor --probe; on dr-rs1 ipvsadm arp-prep --check 192.168.2.143" ;;
	"repair dr")
		say on dr-rs1 ipvsadm arp-prep 192.168.2.143 ;;
	*)
		cat /lab/help ;;
	esac
}
PS1='lab# '
RC
cat > /lab/help <<'HELP'
The tutorial's labs, with this ipvsadm (ipvsadm is ours, ip is iproute2's):

  NAT  nat-client 172.16.1.10 -> nat-dir VIP 172.16.1.143:80, wrr
       -> nat-rs1 192.168.1.11 (weight 1), nat-rs2 192.168.1.12 (weight 2), -m
  DR   dr-client 192.168.2.50 -> dr-dir 192.168.2.118 + VIP 192.168.2.143:80, rr
       -> dr-rs1 192.168.2.11, dr-rs2 192.168.2.12, -g (VIP on lo, arp-prep)

  on HOST CMD...         run CMD on a host:  on nat-dir ipvsadm -Ln --stats
  get nat|dr [N]         N requests from that lab's client (default 6)
  on nat-dir ipvsadm top top on the NAT director (q quits); get nat 50 in between
  on nat-dir ipvsadm doctor         on dr-dir ipvsadm doctor --probe
  lab break nat|dr       break a lab the way labs break; doctor says how
  lab repair nat|dr      put it right
  lab                    this text;  exit (or Ctrl-D) powers the VM off
HELP
# The console's size is the host terminal's; wrap long lines again (the
# firmware turned that off on the serial line).
printf '\033[?7h'
if [ $# -ge 2 ]; then stty rows "$1" cols "$2" 2>/dev/null || true; fi
export TERM=${LAB_TERM:-xterm-256color}
cat /lab/help
# A shell of its own session with the console (ttyS0, which cttyhack
# finds) as its controlling terminal: Ctrl-C then reaches what it runs, and
# top gets a terminal. The VM powers off when it ends.
ENV=/lab/rc setsid cttyhack sh -i || true
