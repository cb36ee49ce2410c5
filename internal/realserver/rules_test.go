package realserver

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/sysctl"
)

func key(dev, param string) sysctl.Key {
	k, err := sysctl.IPv4Conf(dev, param)
	if err != nil {
		panic(err)
	}
	return k
}

func TestWanted(t *testing.T) {
	got, err := Wanted([]string{"all", "eth0"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Setting{
		{Key: key("all", "arp_ignore"), Value: "1"}, {Key: key("all", "arp_announce"), Value: "2"},
		{Key: key("eth0", "arp_ignore"), Value: "1"}, {Key: key("eth0", "arp_announce"), Value: "2"},
	}
	if !slices.EqualFunc(got, want, func(a, b Setting) bool { return a.Key.Equal(b.Key) && a.Value == b.Value }) {
		t.Errorf("Wanted = %v, want %v", got, want)
	}
	if _, err := Wanted([]string{"all", "bad/name"}); err == nil {
		t.Error("Wanted accepted an interface name with a slash")
	}
}

func TestHostPrefix(t *testing.T) {
	for in, want := range map[string]string{"10.0.0.1": "10.0.0.1/32", "2001:db8::1": "2001:db8::1/128"} {
		if got := HostPrefix(netip.MustParseAddr(in)).String(); got != want {
			t.Errorf("HostPrefix(%s) = %s, want %s", in, got, want)
		}
	}
}

func addr(p, dev string) Addr { return Addr{Prefix: netip.MustParsePrefix(p), Dev: dev} }

func TestOnLoAndMisplaced(t *testing.T) {
	v := View{Addrs: []Addr{
		addr("127.0.0.1/8", "lo"), addr("10.0.0.1/32", "lo"),
		addr("10.0.0.2/24", "eth0"), addr("10.0.0.3/8", "lo"), addr("10.0.0.3/32", "lo"),
		addr("2001:db8::1/128", "lo"), addr("2001:db8::2/64", "lo"),
	}}
	for _, tc := range []struct {
		vip       string
		onLo      bool
		misplaced []Addr
	}{
		{"10.0.0.1", true, nil},
		{"10.0.0.2", false, []Addr{addr("10.0.0.2/24", "eth0")}},
		{"10.0.0.3", true, []Addr{addr("10.0.0.3/8", "lo")}}, // the prefix makes the whole /8 local
		{"10.0.0.9", false, nil},
		{"2001:db8::1", true, nil},
		{"2001:db8::2", false, []Addr{addr("2001:db8::2/64", "lo")}},
	} {
		vip := netip.MustParseAddr(tc.vip)
		if got := v.OnLo(vip); got != tc.onLo {
			t.Errorf("OnLo(%s) = %v, want %v", vip, got, tc.onLo)
		}
		if got := Misplaced(vip, v); !slices.Equal(got, tc.misplaced) {
			t.Errorf("Misplaced(%s) = %v, want %v", vip, got, tc.misplaced)
		}
	}
}

func TestCheck(t *testing.T) {
	wanted, _ := Wanted([]string{"all", "eth0"})
	v := View{
		Sysctls: []Setting{
			{Key: key("all", "arp_ignore"), Value: "1"}, {Key: key("all", "arp_announce"), Value: "2"},
			{Key: key("eth0", "arp_ignore"), Value: "2"}, // eth0's arp_announce is missing
		},
		Addrs: []Addr{addr("10.0.0.1/32", "lo"), addr("10.0.0.2/24", "eth0")},
	}
	got := Check([]netip.Addr{netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")}, wanted, v)
	want := []Item{
		{Kind: "sysctl", Name: "net.ipv4.conf.all.arp_ignore", Have: "1", Want: "1", OK: true},
		{Kind: "sysctl", Name: "net.ipv4.conf.all.arp_announce", Have: "2", Want: "2", OK: true},
		{Kind: "sysctl", Name: "net.ipv4.conf.eth0.arp_ignore", Have: "2", Want: "1", Problem: "wrong value"},
		{Kind: "sysctl", Name: "net.ipv4.conf.eth0.arp_announce", Want: "2", Problem: "no such parameter"},
		{Kind: "address", Name: "10.0.0.1", Have: "10.0.0.1/32 dev lo", Want: "10.0.0.1/32 dev lo", OK: true},
		{Kind: "address", Name: "10.0.0.2", Want: "10.0.0.2/32 dev lo", Problem: "not on lo"},
		{Kind: "address", Name: "10.0.0.2", Have: "10.0.0.2/24 dev eth0", Want: "10.0.0.2/32 dev lo", Problem: "on an interface other than lo"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Check =\n%+v\nwant\n%+v", got, want)
	}
	// A VIP on lo with a shorter prefix.
	v.Addrs = []Addr{addr("10.0.0.1/24", "lo")}
	got = Check([]netip.Addr{netip.MustParseAddr("10.0.0.1")}, nil, v)
	want = []Item{
		{Kind: "address", Name: "10.0.0.1", Want: "10.0.0.1/32 dev lo", Problem: "not on lo"},
		{Kind: "address", Name: "10.0.0.1", Have: "10.0.0.1/24 dev lo", Want: "10.0.0.1/32 dev lo", Problem: "prefix /24, want /32"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Check =\n%+v\nwant\n%+v", got, want)
	}
}
