#!/bin/sh
# setup.sh: build the rich IPVS table the list goldens are made from, with
# the REFERENCE ipvsadm, and push some traffic through it. Runs in the VM
# (sourced by gen.sh). Every kind of service and destination ipvsadm can
# print is here: IPv4/IPv6/fwmark (incl. one past 2^31)/UDP/SCTP, sched
# flags, persistence with masks, pe sip, one-packet, thresholds, weights,
# tunnels of every type, mixed-family tunnel, local node, names that get cut.
REF=${REF:-/ref/ipvsadm}
IP=/sbin/ip

for m in ip_vs ip_vs_rr ip_vs_wrr ip_vs_sh ip_vs_mh ip_vs_lc ip_vs_pe_sip; do modprobe $m; done

# Addresses: VIPs and real servers on a dummy eth0, a real server in a netns.
$IP link add eth0 type dummy
$IP link set eth0 up
$IP addr add 10.0.0.1/24 dev eth0
# Big datagrams leave unfragmented (and are dropped by the dummy device).
$IP link set eth0 mtu 65535
$IP addr add 192.168.5.1/24 dev eth0
$IP addr add 2001:db8::1/64 dev eth0 nodad
# The sync daemons get an interface of their own (with eth0's many
# addresses the kernel refuses them).
$IP link add sync0 type dummy
$IP link set sync0 up
$IP addr add 10.77.0.1/24 dev sync0
$IP netns add rs
$IP link add veth0 type veth peer name veth1
$IP link set veth1 netns rs
$IP addr add 10.9.0.1/24 dev veth0
$IP link set veth0 up
$IP -n rs addr add 10.9.0.2/24 dev veth1
$IP -n rs link set veth1 up
$IP -n rs link set lo up
$IP -n rs route add default via 10.9.0.1
sysctl -qw net.ipv4.vs.conntrack=1 2>/dev/null || true

# Names for the non-numeric views (hosts: files only in the VM).
cat >> /etc/hosts <<'H'
10.0.0.2	rs2.example
10.0.0.3	rs3.example rs3
10.0.0.100	vip.example
10.0.0.5	a-very-long-real-server-name.example.com
10.0.0.101	a-very-long-virtual-service-name.example.org
2001:db8::2	rs6.example
10.9.0.2	backend.lab
H

set -e
A() { $REF "$@"; }
A -A -t 10.0.0.100:80 -s wlc
A -a -t 10.0.0.100:80 -r 10.0.0.2:80 -m -w 3
A -a -t 10.0.0.100:80 -r 10.0.0.3:8080 -m -w 0 -x 100 -y 10
A -a -t 10.0.0.100:80 -r 10.0.0.5:80 -g
A -a -t 10.0.0.100:80 -r 192.168.5.6 -i
A -a -t 10.0.0.100:80 -r 192.168.5.7 -i --tun-type gue --tun-port 6080 --tun-csum
A -a -t 10.0.0.100:80 -r 192.168.5.8 -i --tun-type gre --tun-csum
A -a -t 10.0.0.100:80 -r 192.168.5.9 -i --tun-type gue --tun-port 65535 --tun-remcsum
A -a -t 10.0.0.100:80 -r 192.168.5.10 -i --tun-type gre --tun-nocsum
A -a -t 10.0.0.100:80 -r 2001:db8::9 -i -w 7
A -a -t 10.0.0.100:80 -r 10.0.0.1:80 -g
A -A -u 10.0.0.100:53 -s rr -o
A -a -u 10.0.0.100:53 -r 10.0.0.3:5353 -m -w 2
A -a -u 10.0.0.100:53 -r 10.0.0.2:53 -m
A -A -t 10.0.0.101:443 -s sh -b sh-fallback,sh-port -p 600 -M 255.255.255.0
A -a -t 10.0.0.101:443 -r 10.0.0.2 -g -x 5000
A -A -t 10.0.0.102:0 -s lc -p
A -a -t 10.0.0.102:0 -r 10.0.0.3 -g
A -A -u 10.0.0.103:5060 -s rr -p 120 --pe sip
A -a -u 10.0.0.103:5060 -r 10.9.0.2 -m
A -A --sctp-service 10.0.0.104:3868 -s mh -b mh-port
A -a --sctp-service 10.0.0.104:3868 -r 10.0.0.4:3868 -m
A -A -t 10.0.0.105:21 -s wrr -b flag-1,flag-3
A -A -f 1 -s rr
A -a -f 1 -r 10.0.0.2:0 -m
A -a -f 1 -r 10.0.0.3:0 -g -w 5
A -A -f 2 -6 -s rr -p 30 -M 64
A -a -f 2 -6 -r 2001:db8::2 -g
A -A -f 3000000000 -s rr
A -A -f 7 -s wlc -p 3600 -M 255.255.0.0
A -A -t [2001:db8::100]:80 -s wlc -p 300 -M 96
A -a -t [2001:db8::100]:80 -r [2001:db8::2]:8080 -m -w 10
A -a -t [2001:db8::100]:80 -r [2001:db8::3]:80 -g
A -a -t [2001:db8::100]:80 -r [2001:db8::10:0:0:1]:80 -m
A -A -u [2001:db8::100]:53 -s rr
A -A -t 200.0.0.1:80 -s rr
A -A -t 1.0.0.1:80 -s rr
A -A -t 100.0.0.1:80 -s rr
A -a -t 100.0.0.1:80 -r 200.0.0.9:80 -g
A -a -t 100.0.0.1:80 -r 1.0.0.9:80 -g
A -a -t 100.0.0.1:80 -r 100.0.0.9:80 -g
A -a -f 1 -r 10.0.0.3:443 -g
A -A -t 10.0.0.110:80 -s rr
A -a -t 10.0.0.110:80 -r 10.9.0.2:80 -m
A -A -u 10.0.0.120:9 -s rr
A -a -u 10.0.0.120:9 -r 10.0.0.9:9 -m
A -A -u 10.0.0.121:9 -s rr
A -a -u 10.0.0.121:9 -r 10.0.0.9:9 -m
A -A -t 10.0.0.111:8080 -s rr -p 900
A -a -t 10.0.0.111:8080 -r 10.9.0.2:80 -m
set +e

# Traffic: a real server in the netns, local clients to the VIPs.
mkdir -p /tmp/www
dd if=/dev/zero of=/tmp/www/big bs=1M count=${BIG_MB:-4} 2>/dev/null
echo hello > /tmp/www/small
$IP netns exec rs httpd -p 80 -h /tmp/www
sleep 0.3
wget -q -O /dev/null http://10.0.0.110/big
for i in 1 2 3; do wget -q -O /dev/null http://10.0.0.110/small; done
wget -q -O /dev/null http://10.0.0.111:8080/small
UDPSEND=${UDPSEND:-/host/.cache/bin/udpsend}
printf 'INVITE sip:bob@example.com SIP/2.0\r\nCall-ID: a84b4c76e66710@pc33.example.com\r\nCSeq: 1 INVITE\r\n\r\n' |
	$UDPSEND 10.0.0.103:5060
echo query | $UDPSEND 10.0.0.100:53
echo query | $UDPSEND 10.0.0.100:53
# Counters that ipvsadm abbreviates: past 10^8 (K) and 10^9 (M) bytes.
$UDPSEND -n 1700 -size 65000 10.0.0.120:9
$UDPSEND -n 17000 -size 65000 10.0.0.121:9
# An IPv6 connection that stays half open (SYN_RECV): nothing answers.
timeout 2 nc 2001:db8::100 80 </dev/null >/dev/null 2>&1
true
