package ipvsadm

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/show"
	"github.com/lvsgo/ipvsadm/internal/table"
	"github.com/lvsgo/ipvsadm/ipvs"
)

func TestAppendLargenum(t *testing.T) {
	tests := []struct {
		v     uint64
		exact bool
		want  string
	}{
		{0, false, "        0"},
		{99999999, false, " 99999999"},
		{100000000, false, "  100000K"},
		{999999999, false, "  999999K"},
		{1000000000, false, "    1000M"},
		{99999999999, false, "   99999M"},
		{100000000000, false, "     100G"},
		{99999999999999, false, "   99999G"},
		{100000000000000, false, "     100T"},
		{18446744073709551615, false, "18446744T"},
		{0, true, "        0"},
		{12345678, true, " 12345678"},
		{123456789, true, " 123456789"},
		{18446744073709551615, true, " 18446744073709551615"},
	}
	for _, tt := range tests {
		f := grammar.Format(0)
		if tt.exact {
			f = grammar.FmtExact
		}
		if got := string(appendLargenum(nil, tt.v, f)); got != tt.want {
			t.Errorf("largenum(%d, exact=%v) = %q, want %q", tt.v, tt.exact, got, tt.want)
		}
	}
}

func TestAppendNtop6(t *testing.T) {
	// glibc's inet_ntop: longest zero run of two or more, first of equals,
	// dotted quad for IPv4-compatible and -mapped addresses.
	tests := []struct{ in, want string }{
		{"::", "::"},
		{"::1", "::1"},
		{"2001:db8::1", "2001:db8::1"},
		{"2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"},
		{"2001:0:0:1:0:0:1:1", "2001::1:0:0:1:1"},
		{"2001:db8:1:1:1:1:0:1", "2001:db8:1:1:1:1:0:1"},
		{"::ffff:10.0.0.1", "::ffff:10.0.0.1"},
		{"::10.0.0.1", "::10.0.0.1"},
		{"::2:3", "::0.2.0.3"},
		{"1::", "1::"},
		{"fe80::abcd:0:0:1", "fe80::abcd:0:0:1"},
	}
	for _, tt := range tests {
		if got := string(show.AppendNtop6(nil, netip.MustParseAddr(tt.in).As16())); got != tt.want {
			t.Errorf("ntop6(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestServiceAndDestLines(t *testing.T) {
	v4 := ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: mustAddr("10.0.0.1"), Port: 80,
		Scheduler: "wlc", Netmask: 0xffffffff}
	pers := v4
	pers.Flags = ipvs.SvcPersistent | ipvs.SvcOnePacket | ipvs.SvcSchedFlag1 | ipvs.SvcSchedFlag2
	pers.Scheduler, pers.Timeout, pers.Netmask, pers.PEName = "sh", 300, 0xffffff00, "sip"
	v6 := ipvs.Service{Family: ipvs.AFInet6, Protocol: ipvs.UDP, Address: mustAddr("2001:db8::1"), Port: 53,
		Scheduler: "rr", Flags: ipvs.SvcPersistent, Timeout: 10, Netmask: 64}
	fwm := ipvs.Service{Family: ipvs.AFInet6, FWMark: 0x80000001, Scheduler: "mh", Flags: ipvs.SvcSchedFlag3}
	tests := []struct {
		s    ipvs.Service
		f    grammar.Format
		want string
	}{
		{v4, grammar.FmtNumeric, "TCP  10.0.0.1:80 wlc\n"},
		{v4, grammar.FmtNumeric | grammar.FmtRule, "-A -t 10.0.0.1:80 -s wlc\n"},
		{pers, grammar.FmtNumeric, "TCP  10.0.0.1:80 sh (sh-fallback,sh-port) persistent 300 mask 255.255.255.0 pe sip ops\n"},
		{pers, grammar.FmtNumeric | grammar.FmtRule, "-A -t 10.0.0.1:80 -s sh -p 300 -M 255.255.255.0 --pe sip -o -b sh-fallback,sh-port\n"},
		{v6, grammar.FmtNumeric, "UDP  [2001:db8::1]:53 rr persistent 10 mask 64\n"},
		{v6, grammar.FmtNumeric | grammar.FmtRule, "-A -u [2001:db8::1]:53 -s rr -p 10 -M 64\n"},
		// mh has no third flag: "-b " is left with nothing after it.
		{fwm, grammar.FmtNumeric | grammar.FmtRule, "-A -f 2147483649 -6 -s mh -b \n"},
		{fwm, grammar.FmtNumeric, "FWM  2147483649 IPv6 mh ()\n"},
		{fwm, grammar.FmtNumeric | grammar.FmtStats, "FWM  2147483649 IPv6                     0        0        0        0        0\n"},
	}
	for _, tt := range tests {
		name := show.AppendServiceName(nil, &tt.s, tt.f, nil)
		if got := string(appendServiceLine(nil, &tt.s, name, tt.f)); got != tt.want {
			t.Errorf("service line (format %#x)\n got %q\nwant %q", tt.f, got, tt.want)
		}
	}

	d := ipvs.Destination{Address: mustAddr("192.168.1.2"), Port: 8080, ConnFlags: uint32(ipvs.FwdMasq), Weight: 3,
		ActiveConns: 1, InactConns: 22, PersistConns: 4, UpperThreshold: 100, LowerThreshold: 5,
		Stats: ipvs.Stats{Conns: 1<<32 + 5, InBytes: 1<<32 + 5, CPS: 7}}
	tun := ipvs.Destination{Family: ipvs.AFInet6, Address: mustAddr("2001:db8::2"), Port: 80,
		ConnFlags: uint32(ipvs.FwdTunnel), Weight: 1, TunType: ipvs.TunGUE, TunPort: 6080, TunFlags: ipvs.TunFlagRemCsum}
	bypass := ipvs.Destination{Address: mustAddr("10.1.1.1"), Port: 80, ConnFlags: uint32(ipvs.FwdBypass)}
	dtests := []struct {
		d    ipvs.Destination
		f    grammar.Format
		want string
	}{
		{d, grammar.FmtNumeric, "  -> 192.168.1.2:8080             Masq    3      1          22        \n"},
		{d, grammar.FmtNumeric | grammar.FmtRule, "-a -t 10.0.0.1:80 -r 192.168.1.2:8080 -m -w 3\n"},
		// Destination counters other than bytes keep their low 32 bits.
		{d, grammar.FmtNumeric | grammar.FmtStats, "  -> 192.168.1.2:8080                    5        0        0    4294M        0\n"},
		{d, grammar.FmtNumeric | grammar.FmtStats | grammar.FmtExact, "  -> 192.168.1.2:8080                    5        0        0 4294967301        0\n"},
		{d, grammar.FmtNumeric | grammar.FmtRate, "  -> 192.168.1.2:8080                    7        0        0        0        0\n"},
		{d, grammar.FmtNumeric | grammar.FmtThresholds, "  -> 192.168.1.2:8080             100        5          1          22        \n"},
		{d, grammar.FmtNumeric | grammar.FmtPersistentConn, "  -> 192.168.1.2:8080             3         4           1          22        \n"},
		{d, grammar.FmtNumeric | grammar.FmtTunInfo, "  -> 192.168.1.2:8080             Masq    n/a           3      1          22        \n"},
		{tun, grammar.FmtNumeric | grammar.FmtTunInfo, "  -> [2001:db8::2]:80             Tunnel  gue:6080:r+c  1      0          0         \n"},
		{tun, grammar.FmtNumeric | grammar.FmtRule, "-a -t 10.0.0.1:80 -r [2001:db8::2]:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-remcsum\n"},
		{bypass, grammar.FmtNumeric, "  -> 10.1.1.1:80                  (null)  0      0          0         \n"},
	}
	name := show.AppendServiceName(nil, &v4, grammar.FmtNumeric|grammar.FmtRule, nil)
	for _, tt := range dtests {
		if got := string(appendDestLine(nil, &v4, name, &tt.d, tt.f, nil)); got != tt.want {
			t.Errorf("dest line (format %#x)\n got %q\nwant %q", tt.f, got, tt.want)
		}
	}
}

// fakeNamer answers from fixed maps.
type fakeNamer struct {
	hosts map[netip.Addr]string
	svcs  map[uint16]string
}

func (n fakeNamer) Host(a netip.Addr) (string, bool) { s, ok := n.hosts[a]; return s, ok }
func (n fakeNamer) Service(p uint16, proto ipvs.Protocol) (string, bool) {
	s, ok := n.svcs[p]
	return s, ok && proto == ipvs.TCP
}

func TestNamesAndTruncation(t *testing.T) {
	long := strings.Repeat("x", 70)
	n := fakeNamer{
		hosts: map[netip.Addr]string{mustAddr("10.0.0.1"): "a-long-virtual-service-name.example", mustAddr("10.0.0.2"): long},
		svcs:  map[uint16]string{80: "http"},
	}
	s := ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: mustAddr("10.0.0.1"), Port: 80, Scheduler: "rr"}
	// Table names of IPv4 services stop at 33 bytes, real servers at 28,
	// and any address:port at 59.
	if got, want := string(show.AppendServiceName(nil, &s, 0, n)), "TCP  a-long-virtual-service-name."; got != want {
		t.Errorf("service name %q, want %q", got, want)
	}
	if got, want := string(show.AppendServiceName(nil, &s, grammar.FmtRule, n)), "-t a-long-virtual-service-name.example:http"; got != want {
		t.Errorf("rule service name %q, want %q", got, want)
	}
	d := ipvs.Destination{Address: mustAddr("10.0.0.2"), Port: 80, ConnFlags: uint32(ipvs.FwdDirect), Weight: 1}
	if got, want := string(appendDestLine(nil, &s, nil, &d, 0, n)), "  -> "+long[:28]+" Route   1      0          0         \n"; got != want {
		t.Errorf("dest line %q, want %q", got, want)
	}
	if got, want := string(show.AppendAddrPort(nil, ipvs.AFInet, d.Address, 80, ipvs.TCP, 0, n)), long[:59]; got != want {
		t.Errorf("addrport %q, want %q", got, want)
	}
	u := s
	u.Protocol = ipvs.UDP
	if got, want := string(show.AppendAddrPort(nil, ipvs.AFInet, mustAddr("10.9.9.9"), 80, ipvs.UDP, 0, n)), "10.9.9.9:80"; got != want {
		t.Errorf("addrport %q, want %q", got, want)
	}
}

func TestSortQuirks(t *testing.T) {
	svc := func(a string) ipvs.Service {
		return ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: mustAddr(a), Port: 80}
	}
	// ipvsadm subtracts addresses as unsigned and reads the difference as
	// an int, so 100.0.0.1 < 200.0.0.1 < 1.0.0.1 < 100.0.0.1 (a cycle);
	// the order then follows glibc's merge sort: [100] merged with the
	// sorted [200, 1] (200 "<" 1), and 100 "<" 200.
	s := []ipvs.Service{svc("100.0.0.1"), svc("200.0.0.1"), svc("1.0.0.1")}
	table.SortServices(s)
	got := []string{s[0].Address.String(), s[1].Address.String(), s[2].Address.String()}
	if want := "100.0.0.1 200.0.0.1 1.0.0.1"; strings.Join(got, " ") != want {
		t.Errorf("order %v, want %s", got, want)
	}
	// Marks past 2^31 sort first; fwmark services after the others.
	s = []ipvs.Service{{Family: ipvs.AFInet, FWMark: 1}, svc("10.0.0.1"), {Family: ipvs.AFInet, FWMark: 3000000000},
		{Family: ipvs.AFInet6, Protocol: ipvs.TCP, Address: mustAddr("::1"), Port: 80}, {Family: ipvs.AFInet, Protocol: ipvs.UDP, Address: mustAddr("10.0.0.1"), Port: 53}}
	table.SortServices(s)
	var names []string
	for i := range s {
		names = append(names, string(show.AppendServiceName(nil, &s[i], grammar.FmtNumeric, nil)))
	}
	if got, want := strings.Join(names, "|"), "FWM  3000000000|TCP  10.0.0.1:80|UDP  10.0.0.1:53|TCP  [::1]:80|FWM  1"; got != want {
		t.Errorf("order %s, want %s", got, want)
	}
}
