package diagnose

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/realserver"
	"github.com/lvsgo/ipvsadm/internal/sysctl"
)

func setting(dev, param, v string) realserver.Setting {
	k, _ := sysctl.IPv4Conf(dev, param)
	return realserver.Setting{Key: k, Value: v}
}

// drRS is rs2 of the DR lab after arp-prep, with httpd on all addresses.
func drRS() *RSSnapshot {
	return &RSSnapshot{
		ARP: realserver.View{
			Sysctls: []realserver.Setting{setting("all", "arp_ignore", "1"), setting("all", "arp_announce", "2"),
				setting("eth0", "arp_ignore", "1"), setting("eth0", "arp_announce", "2")},
			Addrs: []realserver.Addr{{Prefix: netip.MustParsePrefix("192.168.2.12/24"), Dev: "eth0"},
				{Prefix: netip.MustParsePrefix("192.168.2.143/32"), Dev: "lo"}},
		},
		DefaultDev:      "eth0",
		DefaultGateways: []netip.Addr{netip.MustParseAddr("192.168.2.1")},
		Sysctls:         map[string]string{"net.ipv4.conf.all.rp_filter": "0", "net.ipv4.conf.eth0.rp_filter": "1"},
		Links:           []Link{{Name: "lo", Up: true}, {Name: "eth0", Kind: "veth", Up: true}},
		Listeners:       []netip.AddrPort{netip.MustParseAddrPort("[::]:80"), netip.MustParseAddrPort("127.0.0.1:25")},
		Modules:         map[string]ModState{},
	}
}

func targets(ss ...string) []Target {
	var ts []Target
	for _, s := range ss {
		t, err := ParseTarget(s)
		if err != nil {
			panic(err)
		}
		ts = append(ts, t)
	}
	return ts
}

func TestRealServerHealthy(t *testing.T) {
	fs := RealServer(drRS(), Setup{Targets: targets("192.168.2.143:80")})
	for _, f := range fs {
		if f.Status != OK {
			t.Errorf("%+v, want ok", f)
		}
	}
	for _, c := range []string{"arp-sysctl", "vip-on-lo", "listen"} {
		if len(only(fs, c, "")) == 0 {
			t.Errorf("no %s finding: %+v", c, fs)
		}
	}
}

func TestARPSysctls(t *testing.T) {
	o := Setup{Targets: targets("192.168.2.143")}
	s := drRS()
	// The kernel takes the larger of all and eth0: all=1 is enough.
	s.ARP.Sysctls[2].Value = "0"
	got := only(RealServer(s, o), "arp-sysctl", "")
	if len(got) != 2 || got[0].Status != OK || got[0].Message != "arp_ignore = 1 (all 1, eth0 0)" {
		t.Errorf("all=1 eth0=0: %+v", got)
	}
	s.ARP.Sysctls[0].Value = "0"
	got = only(RealServer(s, o), "arp-sysctl", "")
	if got[0].Status != Fail || got[0].Message != "arp_ignore = 0 (all 0, eth0 0), want 1: this host answers ARP for the VIP on any interface" ||
		!slices.Equal(got[0].Fix, []string{"ipvsadm arp-prep 192.168.2.143"}) || got[1].Status != OK {
		t.Errorf("arp_ignore 0: %+v", got)
	}
	s.ARP.Sysctls[2].Value = "2" // stricter still: fine
	if got = only(RealServer(s, o), "arp-sysctl", ""); got[0].Status != OK {
		t.Errorf("arp_ignore 2: %+v", got)
	}
	s.ARP.Sysctls[1].Value, s.ARP.Sysctls[3].Value = "1", "0"
	if got = only(RealServer(s, o), "arp-sysctl", ""); got[1].Status != Fail || got[1].Message[:22] != "arp_announce = 1 (all " {
		t.Errorf("arp_announce 1: %+v", got)
	}

	// No default route: all alone, and a warning that says so.
	s = drRS()
	s.DefaultDev = ""
	got = only(RealServer(s, o), "arp-sysctl", "")
	if len(got) != 3 || got[0].Status != Warn || got[1].Message != "arp_ignore = 1 (all 1)" {
		t.Errorf("no default route: %+v", got)
	}

	// IPv6 has no ARP.
	if got := only(RealServer(drRS(), Setup{Targets: targets("2001:db8::1")}), "arp-sysctl", ""); len(got) != 0 {
		t.Errorf("IPv6 VIP: %+v", got)
	}
}

func TestVIPsOnLo(t *testing.T) {
	o := Setup{Targets: targets("192.168.2.143:80", "192.168.2.143:443")}
	s := drRS()
	got := only(RealServer(s, o), "vip-on-lo", "")
	if len(got) != 1 || got[0].Status != OK || got[0].Message != "on lo as 192.168.2.143/32 dev lo" {
		t.Errorf("on lo: %+v", got)
	}
	s.ARP.Addrs = s.ARP.Addrs[:1]
	want(t, RealServer(s, o), "vip-on-lo", "", Fail, "192.168.2.143 is not on lo", "", "ipvsadm arp-prep 192.168.2.143")

	// The VIP on eth0: this host answers ARP for it, sysctls or not.
	s.ARP.Addrs = append(s.ARP.Addrs, realserver.Addr{Prefix: netip.MustParsePrefix("192.168.2.143/24"), Dev: "eth0"},
		realserver.Addr{Prefix: netip.MustParsePrefix("192.168.2.143/32"), Dev: "lo"})
	got = only(RealServer(s, o), "vip-on-lo", "")
	if len(got) != 2 || got[0].Status != OK || got[1].Status != Fail ||
		!slices.Equal(got[1].Fix, []string{"ip addr del 192.168.2.143/24 dev eth0"}) {
		t.Errorf("on eth0 too: %+v", got)
	}

	s.ARP.Addrs = []realserver.Addr{{Prefix: netip.MustParsePrefix("192.168.2.143/24"), Dev: "lo"}}
	got = only(RealServer(s, o), "vip-on-lo", "")
	if len(got) != 2 || got[0].Status != Fail || got[1].Status != Warn {
		t.Errorf("on lo as /24: %+v", got)
	}
}

func TestDefaultRoute(t *testing.T) {
	dip := netip.MustParseAddr("192.168.1.118")
	o := Setup{Director: dip, Targets: targets("172.16.1.143:80")}
	s := drRS()
	s.DefaultGateways = []netip.Addr{dip}
	fs := RealServer(s, o)
	want(t, fs, "default-route", "", OK, "via the director 192.168.1.118 (dev eth0)", "", "")
	// A NAT real server is not prepared for DR: no ARP or VIP findings.
	if n := len(only(fs, "arp-sysctl", "")) + len(only(fs, "vip-on-lo", "")); n != 0 {
		t.Errorf("NAT real server with %d DR findings: %+v", n, fs)
	}

	s.DefaultGateways = []netip.Addr{netip.MustParseAddr("192.168.1.1")}
	want(t, RealServer(s, o), "default-route", "", Fail, "goes via 192.168.1.1 (dev eth0), not the director 192.168.1.118", "",
		"ip route replace default via 192.168.1.118")

	s.DefaultDev, s.DefaultGateways = "", nil
	want(t, RealServer(s, o), "default-route", "", Fail, "no IPv4 default route", "", "ip route replace default via 192.168.1.118")
}

func TestListeners(t *testing.T) {
	s := drRS()
	for _, tc := range []struct {
		listen []string
		target string
		nat    bool
		st     Status
		msg    string
	}{
		{[]string{"0.0.0.0:80"}, "192.168.2.143:80", false, OK, "listening: 0.0.0.0:80"},
		{[]string{"192.168.2.143:80"}, "192.168.2.143:80", false, OK, "listening: 192.168.2.143:80"},
		{[]string{"[::]:80"}, "192.168.2.143:80", false, OK, "listening: [::]:80"},
		{[]string{"0.0.0.0:80"}, "[2001:db8::1]:80", false, Fail, "listens only on 0.0.0.0:80, not on the VIP"},
		{[]string{"192.168.2.12:80"}, "192.168.2.143:80", false, Fail, "listens only on 192.168.2.12:80, not on the VIP"},
		{[]string{"0.0.0.0:22"}, "192.168.2.143:80", false, Fail, "nothing listens on TCP port 80"},
		{nil, "192.168.2.143:80", false, Fail, "nothing listens on TCP port 80"},
		// NAT: the director sends to the server's own address.
		{[]string{"192.168.1.12:80"}, "172.16.1.143:80", true, OK, "listening: 192.168.1.12:80"},
		{[]string{"127.0.0.1:80"}, "172.16.1.143:80", true, Fail, "listens only on 127.0.0.1:80"},
		{[]string{"0.0.0.0:22", "192.168.2.143:80", "127.0.0.1:25"}, "192.168.2.143", false, OK, "TCP ports listening on the VIP or all addresses: 22, 80"},
		{[]string{"127.0.0.1:25"}, "192.168.2.143", false, Warn, "no TCP socket listens on the VIP or all addresses"},
	} {
		s.Listeners = nil
		for _, l := range tc.listen {
			s.Listeners = append(s.Listeners, netip.MustParseAddrPort(l))
		}
		got := checkListeners(s, targets(tc.target), tc.nat)
		if len(got) != 1 || got[0].Status != tc.st || !strings.Contains(got[0].Message, tc.msg) || got[0].Service != tc.target {
			t.Errorf("listening %v, target %s: %+v, want %v %q", tc.listen, tc.target, got, tc.st, tc.msg)
		}
	}
}

func TestTunnelAndRPFilter(t *testing.T) {
	o := Setup{Tunnel: "ipip", Targets: targets("192.168.2.143:80")}
	s := drRS()
	want(t, RealServer(s, o), "tunnel", "", Fail, "ipip: no tunl0 device (module ipip not loaded)", "", "modprobe ipip")

	s.Links = append(s.Links, Link{Name: "tunl0", Kind: "ipip"})
	want(t, RealServer(s, o), "tunnel", "", Fail, "tunl0 is down", "", "ip link set tunl0 up")

	s.Links[2].Up = true
	s.Sysctls["net.ipv4.conf.tunl0.rp_filter"] = "0"
	fs := RealServer(s, o)
	want(t, fs, "tunnel", "", OK, "ipip: tunl0 is up", "", "")
	want(t, fs, "rp-filter", "", OK, "rp_filter on tunl0 = 0 (all 0, tunl0 0)", "", "")

	// all=1 makes tunl0 strict whatever tunl0 says.
	s.Sysctls["net.ipv4.conf.all.rp_filter"] = "1"
	want(t, RealServer(s, o), "rp-filter", "", Fail, "strict reverse-path filter on tunl0 (all 1, tunl0 0)", "",
		"sysctl -w net.ipv4.conf.tunl0.rp_filter=2")

	// Without --tunnel, tunl0's presence is enough to check it.
	want(t, RealServer(s, Setup{Targets: o.Targets}), "rp-filter", "", Fail, "on tunl0", "", "")

	// GUE needs fou as well.
	s.Sysctls["net.ipv4.conf.all.rp_filter"] = "0"
	o.Tunnel = "gue"
	got := only(RealServer(s, o), "tunnel", "")
	if len(got) != 2 || got[0].Status != Fail || got[0].Fix[0] != "modprobe fou" || got[1].Status != OK {
		t.Errorf("gue without fou: %+v", got)
	}
	s.Modules["fou"] = ModLoaded
	if got := only(RealServer(s, o), "tunnel", ""); len(got) != 1 || got[0].Status != OK {
		t.Errorf("gue with fou: %+v", got)
	}

	// DR: a strict filter on an interface other than the default route's.
	s = drRS()
	s.Links = append(s.Links, Link{Name: "eth1", Up: true})
	s.Sysctls["net.ipv4.conf.eth1.rp_filter"] = "1"
	want(t, RealServer(s, Setup{Targets: o.Targets}), "rp-filter", "", Warn,
		"strict reverse-path filter on eth1 (all 0, eth1 1)", "", "sysctl -w net.ipv4.conf.eth1.rp_filter=2")
	s.Sysctls["net.ipv4.conf.eth1.rp_filter"] = "2"
	if got := only(RealServer(s, Setup{Targets: o.Targets}), "rp-filter", ""); len(got) != 0 {
		t.Errorf("loose filter: %+v", got)
	}
}

func TestTargetString(t *testing.T) {
	for _, s := range []string{"192.168.2.143", "192.168.2.143:80", "[2001:db8::1]:80", "2001:db8::1"} {
		if got := targets(s)[0].String(); got != s {
			t.Errorf("%s reads back as %s", s, got)
		}
	}
}
