package arpprep

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/realserver"
	"github.com/lvsgo/ipvsadm/internal/sysctl"
)

func TestActionCommandAndUndo(t *testing.T) {
	k, _ := sysctl.IPv4Conf("eth0.7", sysctl.ARPIgnore)
	p4 := netip.MustParsePrefix("10.0.0.1/32")
	p6 := netip.MustParsePrefix("2001:db8::1/128")
	for _, tc := range []struct {
		a        Action
		cmd, und string
	}{
		{Action{Kind: SetSysctl, Key: k, From: "0", To: "1"},
			"sysctl -w net.ipv4.conf.eth0/7.arp_ignore=1", "sysctl -w net.ipv4.conf.eth0/7.arp_ignore=0"},
		{Action{Kind: AddAddr, Addr: p4, Dev: "lo"}, "ip addr add 10.0.0.1/32 dev lo", "ip addr del 10.0.0.1/32 dev lo"},
		{Action{Kind: DelAddr, Addr: p6, Dev: "lo"}, "ip addr del 2001:db8::1/128 dev lo", "ip addr add 2001:db8::1/128 dev lo"},
	} {
		if got := tc.a.Command(); got != tc.cmd {
			t.Errorf("Command() = %q, want %q", got, tc.cmd)
		}
		if got := tc.a.Undo().Command(); got != tc.und {
			t.Errorf("Undo().Command() = %q, want %q", got, tc.und)
		}
	}
}

func TestFormatCheck(t *testing.T) {
	for _, tc := range []struct {
		it   realserver.Item
		want string
	}{
		{realserver.Item{Kind: "sysctl", Name: "net.ipv4.conf.all.arp_ignore", Have: "1", Want: "1", OK: true},
			"ok     sysctl  net.ipv4.conf.all.arp_ignore = 1\n"},
		{realserver.Item{Kind: "sysctl", Name: "net.ipv4.conf.all.arp_ignore", Have: "0", Want: "1", Problem: "wrong value"},
			"wrong  sysctl  net.ipv4.conf.all.arp_ignore = 0 (want 1)\n"},
		{realserver.Item{Kind: "sysctl", Name: "net.ipv4.conf.eth9.arp_ignore", Want: "1", Problem: "no such parameter"},
			"wrong  sysctl  net.ipv4.conf.eth9.arp_ignore: no such parameter (want 1)\n"},
		{realserver.Item{Kind: "address", Name: "10.0.0.1", Have: "10.0.0.1/32 dev lo", Want: "10.0.0.1/32 dev lo", OK: true},
			"ok     address 10.0.0.1/32 dev lo\n"},
		{realserver.Item{Kind: "address", Name: "10.0.0.1", Want: "10.0.0.1/32 dev lo", Problem: "not on lo"},
			"wrong  address 10.0.0.1: not on lo (want 10.0.0.1/32 dev lo)\n"},
		{realserver.Item{Kind: "address", Name: "10.0.0.1", Have: "10.0.0.1/24 dev eth0", Want: "10.0.0.1/32 dev lo", Problem: "on an interface other than lo"},
			"wrong  address 10.0.0.1/24 dev eth0: on an interface other than lo (want only 10.0.0.1/32 dev lo)\n"},
		{realserver.Item{Kind: "persist", Name: "10.0.0.1", Have: "recorded, unit enabled", Want: "recorded, unit enabled", OK: true},
			"ok     persist 10.0.0.1: recorded, unit enabled\n"},
		{realserver.Item{Kind: "persist", Name: "2001:db8::1", Have: "not recorded", Want: "recorded, unit enabled", Warning: true, Problem: "lost at reboot; --persist records it"},
			"warn   persist 2001:db8::1: not recorded (lost at reboot; --persist records it)\n"},
	} {
		if got := FormatCheck([]realserver.Item{tc.it}); got != tc.want {
			t.Errorf("FormatCheck(%+v) = %q, want %q", tc.it, got, tc.want)
		}
	}
	if got := FormatCommands(nil); got != "# nothing to change\n" {
		t.Errorf("FormatCommands(nil) = %q", got)
	}
}

func TestPersistLines(t *testing.T) {
	es := []Entry{{netip.MustParseAddr("10.0.0.1"), Iface{Dev: "eth0"}}, {netip.MustParseAddr("10.0.0.2"), Iface{All: true}}}
	for _, tc := range []struct {
		changed bool
		entries []Entry
		verb    string
		want    string
	}{
		{false, es, "", ""},
		{false, es, "enable", "systemctl enable ipvsadm-arp-prep.service"},
		{true, es, "", "# write /c with:|#   10.0.0.1 dev eth0|#   10.0.0.2 all-interfaces"},
		{true, nil, "disable", "rm /c|systemctl disable ipvsadm-arp-prep.service"},
	} {
		if got := strings.Join(PersistLines("/c", tc.changed, tc.entries, tc.verb), "|"); got != tc.want {
			t.Errorf("PersistLines(%v, %v, %q) = %q, want %q", tc.changed, tc.entries, tc.verb, got, tc.want)
		}
	}
}

func TestAllOK(t *testing.T) {
	ok := realserver.Item{OK: true}
	warn := realserver.Item{Warning: true}
	wrong := realserver.Item{Problem: "wrong value"}
	for _, tc := range []struct {
		items []realserver.Item
		want  bool
	}{
		{nil, true},
		{[]realserver.Item{ok, warn}, true},
		{[]realserver.Item{ok, wrong, warn}, false},
	} {
		if got := AllOK(tc.items); got != tc.want {
			t.Errorf("AllOK(%+v) = %v, want %v", tc.items, got, tc.want)
		}
	}
}
