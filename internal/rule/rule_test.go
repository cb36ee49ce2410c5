package rule

import (
	"net/netip"
	"testing"

	"github.com/lvsgo/ipvsadm/ipvs"
)

func TestAppendService(t *testing.T) {
	v4 := ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Scheduler: "wlc", Netmask: ipvs.HostMask4}
	with := func(f func(*ipvs.Service)) ipvs.Service { s := v4; f(&s); return s }
	for _, tc := range []struct {
		name       string
		s          ipvs.Service
		save, full string
	}{
		{"plain", v4, " -s wlc", " -s wlc"},
		{"persistent", with(func(s *ipvs.Service) { s.Flags, s.Timeout = ipvs.SvcPersistent, 300 }),
			" -s wlc -p 300", " -s wlc -p 300"},
		{"mask", with(func(s *ipvs.Service) { s.Flags, s.Timeout, s.Netmask = ipvs.SvcPersistent, 60, 0xffffff00 }),
			" -s wlc -p 60 -M 255.255.255.0", " -s wlc -p 60 -M 255.255.255.0"},
		{"mask without -p", with(func(s *ipvs.Service) { s.Netmask = 0xffffff00 }), " -s wlc", " -s wlc"},
		{"IPv6 mask", ipvs.Service{Family: ipvs.AFInet6, Scheduler: "rr", Flags: ipvs.SvcPersistent, Timeout: 10, Netmask: 64},
			" -s rr -p 10 -M 64", " -s rr -p 10 -M 64"},
		{"pe and one-packet", with(func(s *ipvs.Service) {
			s.Flags, s.Timeout, s.PEName = ipvs.SvcPersistent|ipvs.SvcOnePacket, 300, "sip"
		}), " -s wlc -p 300 --pe sip -o", " -s wlc -p 300 --pe sip -o"},
		{"sched flags", with(func(s *ipvs.Service) { s.Scheduler, s.Flags = "sh", ipvs.SvcSchedFlag1|ipvs.SvcSchedFlag2 }),
			" -s sh -b sh-fallback,sh-port", " -s sh -b sh-fallback,sh-port"},
		// ipvsadm writes -b with nothing after it when the scheduler has
		// no name for the flag (sh has none for flag 3); a line to parse back leaves it out.
		{"nameless sched flag", with(func(s *ipvs.Service) { s.Scheduler, s.Flags = "sh", ipvs.SvcSchedFlag3 }),
			" -s sh -b ", " -s sh"},
	} {
		if got := string(AppendService(nil, &tc.s, Save)); got != tc.save {
			t.Errorf("%s: Save = %q, want %q", tc.name, got, tc.save)
		}
		if got := string(AppendService([]byte("x"), &tc.s, Full)); got != "x"+tc.full {
			t.Errorf("%s: Full = %q, want %q", tc.name, got, "x"+tc.full)
		}
	}
}

func TestAppendDest(t *testing.T) {
	d := func(m ipvs.ForwardMethod, f func(*ipvs.Destination)) ipvs.Destination {
		x := ipvs.Destination{ConnFlags: uint32(m), Weight: 1}
		if f != nil {
			f(&x)
		}
		return x
	}
	for _, tc := range []struct {
		name       string
		d          ipvs.Destination
		save, full string
	}{
		{"route", d(ipvs.FwdDirect, nil), " -g -w 1", " -g -w 1"},
		{"local is saved as -g", d(ipvs.FwdLocal, nil), " -g -w 1", " -g -w 1"},
		{"masq weight 0", d(ipvs.FwdMasq, func(x *ipvs.Destination) { x.Weight = 0 }), " -m -w 0", " -m -w 0"},
		{"bypass", d(ipvs.FwdBypass, nil), " (null) -w 1", " -g -w 1"},
		{"thresholds", d(ipvs.FwdMasq, func(x *ipvs.Destination) { x.UpperThreshold, x.LowerThreshold = 100, 10 }),
			" -m -w 1", " -m -w 1 -x 100 -y 10"},
		{"lower only", d(ipvs.FwdMasq, func(x *ipvs.Destination) { x.LowerThreshold = 5 }), " -m -w 1", " -m -w 1 -y 5"},
		{"ipip", d(ipvs.FwdTunnel, nil), " -i -w 1 --tun-type ipip", " -i -w 1"},
		{"gue", d(ipvs.FwdTunnel, func(x *ipvs.Destination) {
			x.TunType, x.TunPort, x.TunFlags = ipvs.TunGUE, 6080, ipvs.TunFlagCsum
		}), " -i -w 1 --tun-type gue --tun-port 6080 --tun-csum", " -i -w 1 --tun-type gue --tun-port 6080 --tun-csum"},
		{"gre nocsum", d(ipvs.FwdTunnel, func(x *ipvs.Destination) { x.TunType = ipvs.TunGRE }),
			" -i -w 1 --tun-type gre --tun-nocsum", " -i -w 1 --tun-type gre --tun-nocsum"},
		{"gre unknown csum", d(ipvs.FwdTunnel, func(x *ipvs.Destination) { x.TunType, x.TunFlags = ipvs.TunGRE, 3 }),
			" -i -w 1 --tun-type gre ", " -i -w 1 --tun-type gre --tun-nocsum"},
		{"thresholds before tunnel", d(ipvs.FwdTunnel, func(x *ipvs.Destination) {
			x.TunType, x.TunPort, x.TunFlags, x.UpperThreshold = ipvs.TunGUE, 1, ipvs.TunFlagRemCsum, 7
		}), " -i -w 1 --tun-type gue --tun-port 1 --tun-remcsum", " -i -w 1 -x 7 --tun-type gue --tun-port 1 --tun-remcsum"},
		{"unknown tunnel type", d(ipvs.FwdTunnel, func(x *ipvs.Destination) { x.TunType = 9 }), " -i -w 1", " -i -w 1"},
		{"tunnel fields of a non-tunnel", d(ipvs.FwdMasq, func(x *ipvs.Destination) { x.TunType = ipvs.TunGUE }), " -m -w 1", " -m -w 1"},
	} {
		if got := string(AppendDest(nil, &tc.d, Save)); got != tc.save {
			t.Errorf("%s: Save = %q, want %q", tc.name, got, tc.save)
		}
		if got := string(AppendDest(nil, &tc.d, Full)); got != tc.full {
			t.Errorf("%s: Full = %q, want %q", tc.name, got, tc.full)
		}
	}
}

func TestKeysAndAddresses(t *testing.T) {
	a4, a6 := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("2001:db8::1")
	mapped := netip.MustParseAddr("::ffff:10.0.0.1")
	for _, tc := range []struct {
		s    ipvs.Service
		want string
	}{
		{ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: a4, Port: 80}, "-t 10.0.0.1:80"},
		{ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: a4}, "-t 10.0.0.1"},
		{ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.UDP, Address: mapped, Port: 53}, "-u 10.0.0.1:53"},
		{ipvs.Service{Family: ipvs.AFInet6, Protocol: ipvs.UDP, Address: a6, Port: 53}, "-u [2001:db8::1]:53"},
		{ipvs.Service{Family: ipvs.AFInet6, Protocol: ipvs.TCP, Address: a6}, "-t [2001:db8::1]:0"},
		{ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.SCTP, Address: a4, Port: 9}, "--sctp-service 10.0.0.1:9"},
		{ipvs.Service{Family: ipvs.AFInet, Protocol: 99, Address: a4, Port: 9}, "--protocol-99 10.0.0.1:9"},
		{ipvs.Service{Family: ipvs.AFInet, FWMark: 7}, "-f 7"},
		{ipvs.Service{Family: ipvs.AFInet6, FWMark: 4294967295}, "-f 4294967295 -6"},
	} {
		if got := string(AppendKey(nil, &tc.s)); got != tc.want {
			t.Errorf("AppendKey(%+v) = %q, want %q", tc.s, got, tc.want)
		}
	}
	for _, tc := range []struct {
		p          ipvs.Protocol
		save, full string
	}{
		{ipvs.TCP, "-t ", "-t "}, {ipvs.UDP, "-u ", "-u "}, {ipvs.SCTP, "--sctp-service ", "--sctp-service "},
		{99, "--xxx-service ", "--protocol-99 "}, // ipvsadm's -S has no word for it
	} {
		if got := string(AppendProtocol(nil, tc.p, Save)); got != tc.save {
			t.Errorf("AppendProtocol(%d, Save) = %q, want %q", tc.p, got, tc.save)
		}
		if got := string(AppendProtocol(nil, tc.p, Full)); got != tc.full {
			t.Errorf("AppendProtocol(%d, Full) = %q, want %q", tc.p, got, tc.full)
		}
	}
	for _, tc := range []struct {
		svcPort uint16
		d       ipvs.Destination
		want    string
	}{
		{80, ipvs.Destination{Address: a4, Port: 8080}, "10.0.0.2:8080"},
		{80, ipvs.Destination{Address: a4}, "10.0.0.2:0"}, // port 0 kept: without it the service's
		{0, ipvs.Destination{Address: a4}, "10.0.0.2"},
		{80, ipvs.Destination{Address: a6}, "[2001:db8::2]:0"},
		{80, ipvs.Destination{Address: mapped, Port: 1}, "10.0.0.2:1"},
	} {
		// Distinct addresses for the real servers, same families.
		switch tc.d.Address {
		case a4, mapped:
			tc.d.Address = netip.MustParseAddr(map[bool]string{true: "::ffff:10.0.0.2", false: "10.0.0.2"}[tc.d.Address == mapped])
		case a6:
			tc.d.Address = netip.MustParseAddr("2001:db8::2")
		}
		s := ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: a4, Port: tc.svcPort}
		if got := string(AppendDestAddr(nil, &s, &tc.d)); got != tc.want {
			t.Errorf("AppendDestAddr(port %d, %+v) = %q, want %q", tc.svcPort, tc.d, got, tc.want)
		}
	}
}
