package diagnose

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/ipvs"
)

var (
	natVIP = netip.MustParseAddr("172.16.1.143")
	rs1    = netip.MustParseAddr("192.168.1.11")
	rs2    = netip.MustParseAddr("192.168.1.12")
	dip    = netip.MustParseAddr("192.168.1.118")
	drVIP  = netip.MustParseAddr("192.168.2.143")
	drRS1  = netip.MustParseAddr("192.168.2.11")
	drRS2  = netip.MustParseAddr("192.168.2.12")
	drDIP  = netip.MustParseAddr("192.168.2.118")
)

func ap(a netip.Addr, p uint16) netip.AddrPort { return netip.AddrPortFrom(a, p) }

func dest(a netip.Addr, port uint16, m ipvs.ForwardMethod, w int32) ipvs.Destination {
	return ipvs.Destination{Family: ipvs.AFInet, Address: a, Port: port, ConnFlags: uint32(m), Weight: w}
}

func tcpService(vip netip.Addr, port uint16, ds ...ipvs.Destination) Service {
	return Service{Service: ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: vip, Port: port,
		Scheduler: "rr", Netmask: 0xffffffff}, Dests: ds}
}

// natSnap is the NAT lab working: both real servers answered through
// the director, forwarding on.
func natSnap() *Snapshot {
	d1, d2 := dest(rs1, 80, ipvs.FwdMasq, 1), dest(rs2, 80, ipvs.FwdMasq, 2)
	d1.Stats = ipvs.Stats{Conns: 5, InPkts: 30, OutPkts: 25}
	d2.Stats = ipvs.Stats{Conns: 7, InPkts: 42, OutPkts: 35}
	client := ap(netip.MustParseAddr("172.16.1.10"), 40000)
	return &Snapshot{
		Services: []Service{tcpService(natVIP, 80, d1, d2)},
		Conns: []Conn{
			{Protocol: ipvs.TCP, Client: client, Virtual: ap(natVIP, 80), Dest: ap(rs1, 80), State: "TIME_WAIT"},
			{Protocol: ipvs.TCP, Client: client, Virtual: ap(natVIP, 80), Dest: ap(rs2, 80), State: "TIME_WAIT"},
		},
		Routes: map[netip.Addr]Route{
			natVIP: {Type: RouteLocal, Dev: "lo", Src: natVIP},
			rs1:    {Type: RouteUnicast, Dev: "br0", Src: dip},
			rs2:    {Type: RouteUnicast, Dev: "br0", Src: dip},
		},
		Sysctls: map[string]string{"net.ipv4.ip_forward": "1", "net.ipv4.conf.br0.forwarding": "1"},
		Neighbours: []Neighbour{
			{Addr: rs1, MAC: "02:00:00:00:01:11", Dev: "br0", State: "REACHABLE"},
			{Addr: rs2, MAC: "02:00:00:00:01:12", Dev: "br0", State: "STALE"},
		},
		Modules: map[string]ModState{"ip_vs_rr": ModLoaded},
	}
}

// drSnap is the DR lab working.
func drSnap() *Snapshot {
	client := ap(netip.MustParseAddr("192.168.2.50"), 40000)
	return &Snapshot{
		Services: []Service{tcpService(drVIP, 80, dest(drRS1, 80, ipvs.FwdDirect, 1), dest(drRS2, 80, ipvs.FwdDirect, 1))},
		Conns: []Conn{
			{Protocol: ipvs.TCP, Client: client, Virtual: ap(drVIP, 80), Dest: ap(drRS1, 80), State: "FIN_WAIT"},
			{Protocol: ipvs.TCP, Client: client, Virtual: ap(drVIP, 80), Dest: ap(drRS2, 80), State: "ESTABLISHED"},
		},
		Routes: map[netip.Addr]Route{
			drVIP: {Type: RouteLocal, Dev: "lo", Src: drVIP},
			drRS1: {Type: RouteUnicast, Dev: "eth0", Src: drDIP},
			drRS2: {Type: RouteUnicast, Dev: "eth0", Src: drDIP},
		},
		Sysctls: map[string]string{},
		Neighbours: []Neighbour{
			{Addr: drRS1, MAC: "02:00:00:00:02:11", Dev: "eth0", State: "REACHABLE"},
			{Addr: drRS2, MAC: "02:00:00:00:02:12", Dev: "eth0", State: "REACHABLE"},
		},
		Modules: map[string]ModState{"ip_vs_rr": ModLoaded},
	}
}

// only returns the findings of check about server ("" for any).
func only(fs []Finding, check, server string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Check == check && (server == "" || f.Server == server) {
			out = append(out, f)
		}
	}
	return out
}

// want checks that fs has exactly one finding of check about server,
// with status st, a message containing msg, the fix on fixOn and a fix
// containing fix (when not "").
func want(t *testing.T, fs []Finding, check, server string, st Status, msg, fixOn, fix string) Finding {
	t.Helper()
	got := only(fs, check, server)
	if len(got) != 1 {
		t.Fatalf("%d %s findings for %q, want 1: %+v\nall: %+v", len(got), check, server, got, fs)
	}
	f := got[0]
	if f.Status != st || !strings.Contains(f.Message, msg) || f.FixOn != fixOn ||
		fix != "" && !slices.ContainsFunc(f.Fix, func(c string) bool { return strings.Contains(c, fix) }) {
		t.Errorf("%s finding = %+v\nwant status %v, message with %q, fix on %q, fix with %q", check, f, st, msg, fixOn, fix)
	}
	return f
}

func TestDirectorHealthyLabs(t *testing.T) {
	for name, s := range map[string]*Snapshot{"nat": natSnap(), "dr": drSnap()} {
		fs := Director(s)
		if Failed(fs) {
			t.Errorf("%s: healthy lab fails: %+v", name, fs)
		}
		for _, f := range fs {
			if f.Status != OK {
				t.Errorf("%s: %+v, want ok", name, f)
			}
		}
		if len(fs) < 6 {
			t.Errorf("%s: only %d findings: %+v", name, len(fs), fs)
		}
	}
}

func TestForwarding(t *testing.T) {
	s := natSnap()
	want(t, Director(s), "forwarding", "", OK, "ipv4 forwarding is on", "", "")

	s.Sysctls["net.ipv4.ip_forward"] = "0"
	// Replies are lost too, but the forwarding finding is the cause: no
	// reply finding blames the real servers.
	s.Conns[1].State = "SYN_RECV"
	fs := Director(s)
	want(t, fs, "forwarding", "", Fail, "net.ipv4.ip_forward = 0", "", "sysctl -w net.ipv4.ip_forward=1")
	if r := only(fs, "nat-replies", ""); len(r) != 0 {
		t.Errorf("reply findings with forwarding off: %+v", r)
	}

	s = natSnap()
	s.Sysctls["net.ipv4.conf.br0.forwarding"] = "0"
	fs = Director(s)
	if got := only(fs, "forwarding", ""); len(got) != 2 || got[1].Status != Fail ||
		!slices.Equal(got[1].Fix, []string{"sysctl -w net.ipv4.conf.br0.forwarding=1"}) {
		t.Errorf("per-device forwarding off: %+v", got)
	}

	// DR needs no forwarding: no finding at all.
	s = drSnap()
	s.Sysctls["net.ipv4.ip_forward"] = "0"
	if got := only(Director(s), "forwarding", ""); len(got) != 0 {
		t.Errorf("DR forwarding findings: %+v", got)
	}

	// An IPv6 NAT server: the ipv6 switch.
	s = natSnap()
	v6 := netip.MustParseAddr("2001:db8::11")
	s.Services = []Service{{Service: ipvs.Service{Family: ipvs.AFInet6, Protocol: ipvs.TCP,
		Address: netip.MustParseAddr("2001:db8::1"), Port: 80, Scheduler: "rr"},
		Dests: []ipvs.Destination{{Family: ipvs.AFInet6, Address: v6, Port: 80, ConnFlags: uint32(ipvs.FwdMasq), Weight: 1}}}}
	s.Routes[v6] = Route{Type: RouteUnicast, Dev: "eth1"}
	s.Sysctls["net.ipv6.conf.all.forwarding"] = "0"
	want(t, Director(s), "forwarding", "", Fail, "ipv6 forwarding is off", "", "sysctl -w net.ipv6.conf.all.forwarding=1")
}

func TestNATReplies(t *testing.T) {
	s := natSnap()
	want(t, Director(s), "nat-replies", "192.168.1.12:80", OK, "replies come back: 1 of 1", "", "")

	// rs2 answers clients directly: the director's entries stay in SYN_RECV.
	s.Conns[1].State = "SYN_RECV"
	s.Conns = append(s.Conns, Conn{Protocol: ipvs.TCP, Virtual: ap(natVIP, 80), Dest: ap(rs2, 80), State: "SYN_RECV"})
	fs := Director(s)
	f := want(t, fs, "nat-replies", "192.168.1.12:80", Fail, "replies bypass the director: 2 connections, all in SYN_RECV",
		"192.168.1.12", "")
	if !slices.Equal(f.Fix, []string{"ip route replace default via 192.168.1.118"}) {
		t.Errorf("fix = %q", f.Fix)
	}
	want(t, fs, "nat-replies", "192.168.1.11:80", OK, "replies come back", "", "")

	// One entry alone may be a handshake under way: only a warning.
	s.Conns = s.Conns[:2]
	want(t, Director(s), "nat-replies", "192.168.1.12:80", Warn, "all in SYN_RECV", "192.168.1.12", "")

	// One that completed clears it: replies do come back.
	s.Conns = append(s.Conns, Conn{Protocol: ipvs.TCP, Virtual: ap(natVIP, 80), Dest: ap(rs2, 80), State: "CLOSE"})
	want(t, Director(s), "nat-replies", "192.168.1.12:80", OK, "1 of 2 connections past SYN_RECV", "", "")

	// Broke after it worked: the completed entry (TIME_WAIT, last packet
	// 30 s ago) is older than the ones in SYN_RECV (2 s, 4 s), and the
	// server sends the director nothing now.
	s = natSnap()
	s.Conns = []Conn{
		{Protocol: ipvs.TCP, Virtual: ap(natVIP, 80), Dest: ap(rs2, 80), State: "TIME_WAIT", Expires: 90},
		{Protocol: ipvs.TCP, Virtual: ap(natVIP, 80), Dest: ap(rs2, 80), State: "SYN_RECV", Expires: 58},
		{Protocol: ipvs.TCP, Virtual: ap(natVIP, 80), Dest: ap(rs2, 80), State: "SYN_RECV", Expires: 56},
	}
	want(t, Director(s), "nat-replies", "192.168.1.12:80", Fail, "2 connections in SYN_RECV, none completed since", "192.168.1.12", "")
	// The same entries while packets come from the server (its SYN-ACKs
	// retransmitted through the director after a repair re-arm them):
	// it works.
	s.Services[0].Dests[1].Stats.OutPPS = 3
	want(t, Director(s), "nat-replies", "192.168.1.12:80", OK, "replies come back: 1 of 3", "", "")

	// Entries of another service to the same server do not count.
	s = natSnap()
	s.Conns = []Conn{{Protocol: ipvs.TCP, Virtual: ap(natVIP, 8080), Dest: ap(rs2, 80), State: "SYN_RECV"},
		{Protocol: ipvs.UDP, Virtual: ap(natVIP, 80), Dest: ap(rs2, 80), State: "UDP"}}
	s.Services[0].Dests[1].Stats = ipvs.Stats{}
	want(t, Director(s), "nat-replies", "192.168.1.12:80", OK, "no connections yet", "", "")

	// Expired entries, counters still tell: connections in, nothing out.
	s.Services[0].Dests[1].Stats = ipvs.Stats{Conns: 14, InPkts: 40}
	want(t, Director(s), "nat-replies", "192.168.1.12:80", Fail, "replies bypass the director: 14 conns, 40 in, 0 out packets",
		"192.168.1.12", "ip route replace default via 192.168.1.118")

	// Reached through a router: no single command can fix it.
	s.Routes[rs2] = Route{Type: RouteUnicast, Dev: "eth1", Gateway: netip.MustParseAddr("10.0.0.1"), Src: netip.MustParseAddr("10.0.0.2")}
	f = want(t, Director(s), "nat-replies", "192.168.1.12:80", Fail, "reached via 10.0.0.1", "192.168.1.12", "back through this director (10.0.0.2)")
	if strings.Contains(strings.Join(f.Fix, " "), "ip route replace") {
		t.Errorf("fix through a router = %q", f.Fix)
	}
}

func TestHandshakes(t *testing.T) {
	s := drSnap()
	want(t, Director(s), "handshakes", "192.168.2.12:80", OK, "handshakes complete: 1 of 1", "", "")

	// rs2 without the VIP on lo drops the packets: clients retry, the
	// director sees nothing but SYNs.
	s.Conns[1].State = "SYN_RECV"
	s.Conns = append(s.Conns, Conn{Protocol: ipvs.TCP, Virtual: ap(drVIP, 80), Dest: ap(drRS2, 80), State: "SYN_RECV"})
	f := want(t, Director(s), "handshakes", "192.168.2.12:80", Fail, "2 connections, all in SYN_RECV", "192.168.2.12", "")
	if !slices.Equal(f.Fix, []string{"ipvsadm arp-prep 192.168.2.143", "ipvsadm doctor --real-server 192.168.2.143:80"}) {
		t.Errorf("fix = %q", f.Fix)
	}
	want(t, Director(s), "handshakes", "192.168.2.11:80", OK, "complete", "", "")

	// A tunnelled server: the check names its tunnel type.
	s.Services[0].Dests[1].ConnFlags = uint32(ipvs.FwdTunnel)
	s.Services[0].Dests[1].TunType = ipvs.TunGUE
	want(t, Director(s), "handshakes", "192.168.2.12:80", Fail, "all in SYN_RECV", "192.168.2.12", "--real-server --tunnel gue 192.168.2.143:80")

	s = drSnap()
	s.Conns = nil
	want(t, Director(s), "handshakes", "192.168.2.11:80", OK, "no TCP connections yet", "", "")
}

func TestVIPLocal(t *testing.T) {
	s := drSnap()
	want(t, Director(s), "vip-local", "", OK, "192.168.2.143 is a local address", "", "")

	s.Routes[drVIP] = Route{Type: RouteUnicast, Dev: "eth0", Src: drDIP}
	want(t, Director(s), "vip-local", "", Fail, "not a local address of this director (routed out of eth0)", "",
		"ip addr add 192.168.2.143/32 dev eth0")

	s.Routes[drVIP] = Route{Type: RouteNone, Err: "network is unreachable"}
	want(t, Director(s), "vip-local", "", Fail, "unroutable (network is unreachable)", "", "ip addr add 192.168.2.143/32 dev IFACE")

	// A fwmark service has no VIP of its own.
	s = drSnap()
	s.Services[0].FWMark = 7
	if got := only(Director(s), "vip-local", ""); len(got) != 0 {
		t.Errorf("fwmark service: %+v", got)
	}
}

func TestWeights(t *testing.T) {
	s := natSnap()
	want(t, Director(s), "weights", "", OK, "2 of 2 real servers", "", "")

	s.Services[0].Dests[0].Weight = 0
	want(t, Director(s), "weights", "", OK, "1 of 2 real servers", "", "")

	s.Services[0].Dests[1].Weight = 0
	s.Services[0].Dests[1].UpperThreshold = 100
	f := want(t, Director(s), "weights", "", Fail, "every real server has weight 0", "", "")
	// -e resets what it is not given: method and thresholds are kept.
	if !slices.Equal(f.Fix, []string{
		"ipvsadm -e -t 172.16.1.143:80 -r 192.168.1.11:80 -m -w 1",
		"ipvsadm -e -t 172.16.1.143:80 -r 192.168.1.12:80 -m -w 1 -x 100"}) {
		t.Errorf("fix = %q", f.Fix)
	}

	s.Services[0].Dests = nil
	want(t, Director(s), "weights", "", Fail, "no real servers", "", "ipvsadm -a -t 172.16.1.143:80 -r RIP")
}

func TestThresholds(t *testing.T) {
	s := natSnap()
	if got := only(Director(s), "thresholds", ""); len(got) != 0 {
		t.Errorf("no thresholds set: %+v", got)
	}
	d := s.Services[0].Dests
	d[0].UpperThreshold, d[0].ActiveConns, d[0].InactConns = 10, 4, 6
	d[1].UpperThreshold, d[1].ActiveConns = 50, 3
	want(t, Director(s), "thresholds", "192.168.1.11:80", Warn, "10 connections, -x 10", "", "")

	d[1].ActiveConns = 50
	f := want(t, Director(s), "thresholds", "", Fail, "192.168.1.11:80 10/10, 192.168.1.12:80 50/50", "", "")
	if !slices.Equal(f.Fix, []string{"ipvsadm -e -t 172.16.1.143:80 -r 192.168.1.11:80 -m -w 1",
		"ipvsadm -e -t 172.16.1.143:80 -r 192.168.1.12:80 -m -w 2"}) {
		t.Errorf("fix = %q", f.Fix)
	}

	// A full server of weight 0 takes nothing anyway: the other decides.
	d[1].ActiveConns, d[0].Weight = 3, 0
	want(t, Director(s), "thresholds", "", OK, "no real server is at its upper threshold", "", "")
}

func TestSyncDaemons(t *testing.T) {
	s := natSnap()
	s.Daemons = []ipvs.Daemon{{State: ipvs.StateBackup, McastIfn: "eth1", SyncID: 3}}
	want(t, Director(s), "sync-daemon", "", Warn, "backup sync daemon runs here (mcast-interface eth1, syncid 3)", "", "")
	s.Daemons = []ipvs.Daemon{{State: ipvs.StateMaster, McastIfn: "eth1", SyncID: 3}}
	want(t, Director(s), "sync-daemon", "", OK, "master sync daemon on eth1", "", "")
}

func TestScheduler(t *testing.T) {
	s := natSnap()
	want(t, Director(s), "scheduler", "", OK, "scheduler rr: module ip_vs_rr loaded", "", "")
	s.Modules["ip_vs_rr"] = ModMissing
	want(t, Director(s), "scheduler", "", Fail, "no module ip_vs_rr", "", "ipvsadm -E -t 172.16.1.143:80 -s wlc")
	s.Modules["ip_vs_rr"] = ModUnknown
	if got := only(Director(s), "scheduler", ""); len(got) != 0 {
		t.Errorf("unknown module state: %+v", got)
	}
	s.Services[0].PEName = "sip"
	s.Modules["ip_vs_pe_sip"] = ModMissing
	want(t, Director(s), "scheduler", "", Fail, "persistence engine sip: no module ip_vs_pe_sip", "", "")
}

func TestRoutes(t *testing.T) {
	s := drSnap()
	want(t, Director(s), "dr-segment", "192.168.2.12:80", OK, "directly connected segment of eth0", "", "")

	// DR rewrites only the MAC: a server behind a router is out of reach.
	s.Routes[drRS2] = Route{Type: RouteUnicast, Dev: "eth1", Gateway: netip.MustParseAddr("10.0.0.1"), Src: drDIP}
	want(t, Director(s), "dr-segment", "192.168.2.12:80", Fail, "reached via the gateway 10.0.0.1 (dev eth1)", "",
		"ipvsadm -e -t 192.168.2.143:80 -r 192.168.2.12:80 -i -w 1")

	s.Routes[drRS2] = Route{Type: RouteNone, Err: "network is unreachable"}
	want(t, Director(s), "route", "192.168.2.12:80", Fail, "no route to 192.168.2.12 (network is unreachable)", "", "ip route add 192.168.2.12/32")

	s = natSnap()
	s.Routes[rs2] = Route{Type: RouteUnicast, Dev: "eth1", Gateway: netip.MustParseAddr("10.0.0.1"), Src: netip.MustParseAddr("10.0.0.2")}
	want(t, Director(s), "route", "192.168.1.12:80", OK, "reached via 10.0.0.1 dev eth1", "", "")
}

func TestNeighbour(t *testing.T) {
	s := natSnap()
	s.Neighbours[1].State, s.Neighbours[1].MAC = NeighFailed, ""
	s.Conns[1].State = "SYN_RECV"
	fs := Director(s)
	want(t, fs, "neighbour", "192.168.1.12:80", Fail, "192.168.1.12 does not answer ARP on br0 (neighbour FAILED)", "192.168.1.12", "")
	// The unreachable server is the cause; the reply check says nothing.
	if got := only(fs, "nat-replies", "192.168.1.12:80"); len(got) != 0 {
		t.Errorf("reply finding for an unreachable server: %+v", got)
	}
}

func TestARPProbe(t *testing.T) {
	const dirMAC, rs1MAC = "02:00:00:00:02:18", "02:00:00:00:02:11"
	s := drSnap()
	s.Probes = &Probes{ARP: map[ARPKey]ARPResult{{drVIP, "eth0"}: {OwnMAC: dirMAC}}}
	want(t, Director(s), "arp-owner", "", OK, "no other host answers ARP for 192.168.2.143 on eth0", "", "")

	// rs1 holds the VIP without arp-prep: it answers, and the neighbour
	// table names it.
	s.Probes.ARP[ARPKey{drVIP, "eth0"}] = ARPResult{OwnMAC: dirMAC, Replies: []string{dirMAC, rs1MAC}}
	want(t, Director(s), "arp-owner", "192.168.2.11:80", Fail,
		"192.168.2.11 (02:00:00:00:02:11) answers ARP for the VIP 192.168.2.143 on eth0", "192.168.2.11", "ipvsadm arp-prep 192.168.2.143")

	// A MAC the table does not know is named as such.
	s.Probes.ARP[ARPKey{drVIP, "eth0"}] = ARPResult{OwnMAC: dirMAC, Replies: []string{"02:aa:bb:cc:dd:ee"}}
	want(t, Director(s), "arp-owner", "", Fail, "02:aa:bb:cc:dd:ee answers ARP", "the host with MAC 02:aa:bb:cc:dd:ee", "")

	// Two services on the VIP: said once.
	s.Services = append(s.Services, tcpService(drVIP, 443, dest(drRS1, 443, ipvs.FwdDirect, 1)))
	if got := only(Director(s), "arp-owner", ""); len(got) != 1 {
		t.Errorf("%d ARP findings for one VIP: %+v", len(got), got)
	}

	s.Probes.ARP[ARPKey{drVIP, "eth0"}] = ARPResult{Err: "operation not permitted"}
	want(t, Director(s), "arp-owner", "", Warn, "ARP probe for 192.168.2.143 on eth0 failed: operation not permitted", "", "")

	// Without --probe, no ARP finding.
	s.Probes = nil
	if got := only(Director(s), "arp-owner", ""); len(got) != 0 {
		t.Errorf("without probes: %+v", got)
	}
}

func TestTCPProbe(t *testing.T) {
	s := natSnap()
	s.Probes = &Probes{TCP: map[netip.AddrPort]TCPResult{
		ap(rs1, 80): {Outcome: TCPOpen},
		ap(rs2, 80): {Outcome: TCPRefused},
	}}
	fs := Director(s)
	want(t, fs, "listen", "192.168.1.11:80", OK, "accepts TCP connections", "", "")
	want(t, fs, "listen", "192.168.1.12:80", Fail, "nothing listens on 192.168.1.12:80", "192.168.1.12", "start the service on TCP port 80")

	for o, msg := range map[TCPOutcome]string{TCPTimeout: "no answer", TCPError: "TCP connect failed: no route to host"} {
		s.Probes.TCP[ap(rs2, 80)] = TCPResult{Outcome: o, Err: "no route to host"}
		want(t, Director(s), "listen", "192.168.1.12:80", Fail, msg, "192.168.1.12", "")
	}
	s.Probes.TCP[ap(rs2, 80)] = TCPResult{Outcome: TCPSkipped}
	want(t, Director(s), "listen", "192.168.1.12:80", Warn, "not probed", "", "")
}

func TestNoServices(t *testing.T) {
	fs := Director(&Snapshot{})
	want(t, fs, "services", "", Warn, "no virtual services", "", "")
	if Failed(fs) {
		t.Errorf("an empty table fails: %+v", fs)
	}
}

func TestPlanProbes(t *testing.T) {
	s := drSnap()
	s.Services = append(s.Services,
		tcpService(drVIP, 443, dest(drRS1, 443, ipvs.FwdDirect, 1)),
		Service{Service: ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.UDP, Address: drVIP, Port: 53},
			Dests: []ipvs.Destination{dest(drRS1, 53, ipvs.FwdDirect, 1)}},
		Service{Service: ipvs.Service{Family: ipvs.AFInet, FWMark: 7},
			Dests: []ipvs.Destination{dest(drRS2, 0, ipvs.FwdDirect, 1), dest(drRS2, 8080, ipvs.FwdMasq, 1)}})
	p := PlanProbes(s)
	if w := []netip.AddrPort{ap(drRS1, 80), ap(drRS2, 80), ap(drRS1, 443), ap(drRS2, 8080)}; !slices.Equal(p.TCP, w) {
		t.Errorf("TCP probes %v, want %v (no UDP, no port 0)", p.TCP, w)
	}
	if w := []ARPProbe{{ARPKey{drVIP, "eth0"}, drDIP}}; !slices.Equal(p.ARP, w) {
		t.Errorf("ARP probes %v, want %v", p.ARP, w)
	}
	if p.Timeout <= 0 || p.Budget < p.Timeout {
		t.Errorf("limits %v, %v", p.Timeout, p.Budget)
	}
	// NAT services get no ARP probe.
	if p := PlanProbes(natSnap()); len(p.ARP) != 0 || len(p.TCP) != 2 {
		t.Errorf("NAT plan %+v", p)
	}
}
