package arpprep

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	v4 := netip.MustParseAddr("10.0.0.1")
	v6 := netip.MustParseAddr("2001:db8::1")
	for _, tc := range []struct {
		args []string
		want Options
		err  string // substring of the error; "" for none
	}{
		{args: []string{"10.0.0.1"}, want: Options{VIPs: []netip.Addr{v4}}},
		{args: []string{"10.0.0.1", "2001:db8::1", "10.0.0.1"}, want: Options{VIPs: []netip.Addr{v4, v6}}},
		{args: []string{"--dev", "eth0", "10.0.0.1"}, want: Options{Dev: "eth0", VIPs: []netip.Addr{v4}}},
		{args: []string{"--dev=eth0.100", "10.0.0.1"}, want: Options{Dev: "eth0.100", VIPs: []netip.Addr{v4}}},
		{args: []string{"--all-interfaces", "10.0.0.1"}, want: Options{AllInterfaces: true, VIPs: []netip.Addr{v4}}},
		{args: []string{"--remove", "10.0.0.1"}, want: Options{Mode: ModeRemove, VIPs: []netip.Addr{v4}}},
		{args: []string{"--remove", "--dry-run", "10.0.0.1"}, want: Options{Mode: ModeRemove, DryRun: true, VIPs: []netip.Addr{v4}}},
		{args: []string{"10.0.0.1", "--check", "--json"}, want: Options{Mode: ModeCheck, JSON: true, VIPs: []netip.Addr{v4}}},
		{args: []string{"--dry-run", "--", "10.0.0.1"}, want: Options{DryRun: true, VIPs: []netip.Addr{v4}}},
		{args: []string{"--help"}, want: Options{Help: true}},
		{args: []string{"--persist", "10.0.0.1"}, want: Options{Persist: true, VIPs: []netip.Addr{v4}}},
		{args: []string{"--remove", "--persist", "--dry-run", "10.0.0.1"}, want: Options{Mode: ModeRemove, Persist: true, DryRun: true, VIPs: []netip.Addr{v4}}},
		{args: []string{"--boot"}, want: Options{Mode: ModeBoot, Boot: true}},
		{args: []string{"--dry-run", "--boot"}, want: Options{Mode: ModeBoot, Boot: true, DryRun: true}},

		{args: nil, err: "no VIP given"},
		{args: []string{"--persist"}, err: "no VIP given"},
		{args: []string{"--check", "--persist", "10.0.0.1"}, err: "drop --persist"},
		{args: []string{"--persist=yes", "10.0.0.1"}, err: "takes no value"},
		{args: []string{"--boot", "10.0.0.1"}, err: "--boot takes no VIP"},
		{args: []string{"--boot", "--persist"}, err: "--boot and --persist do not go together"},
		{args: []string{"--boot", "--remove"}, err: "--boot and --remove do not go together"},
		{args: []string{"--check", "--boot"}, err: "--boot and --check do not go together"},
		{args: []string{"--boot", "--dev", "eth0"}, err: "--boot and --dev do not go together"},
		{args: []string{"--boot", "--all-interfaces"}, err: "--boot and --all-interfaces do not go together"},
		{args: []string{"--boot", "--json"}, err: "--boot and --json do not go together"},
		{args: []string{"--dev"}, err: "option --dev needs IFACE"},
		{args: []string{"--dev", "", "10.0.0.1"}, err: "empty interface name"},
		{args: []string{"--dev", "../../etc", "10.0.0.1"}, err: "invalid interface name"},
		{args: []string{"--dev", "..", "10.0.0.1"}, err: "invalid interface name"},
		{args: []string{"--dev", "a/b", "10.0.0.1"}, err: "invalid interface name"},
		{args: []string{"--dev", "0123456789abcdef", "10.0.0.1"}, err: "longer than 15 bytes"},
		{args: []string{"--dev", "eth0", "--dev", "eth1", "10.0.0.1"}, err: "twice"},
		{args: []string{"--dev", "eth0", "--all-interfaces", "10.0.0.1"}, err: "do not go together"},
		{args: []string{"--remove", "--check", "10.0.0.1"}, err: "do not go together"},
		{args: []string{"--check", "--remove", "10.0.0.1"}, err: "do not go together"},
		{args: []string{"--check", "--dry-run", "10.0.0.1"}, err: "drop --dry-run"},
		{args: []string{"--json", "10.0.0.1"}, err: "--json goes with --check"},
		{args: []string{"--remove=1", "10.0.0.1"}, err: "takes no value"},
		{args: []string{"--frobnicate", "10.0.0.1"}, err: `unknown option "--frobnicate"`},
		{args: []string{"-t", "10.0.0.1"}, err: `unknown option "-t"`},
		{args: []string{"10.0.0.1/32"}, err: "give the address alone"},
		{args: []string{"eth0"}, err: "not an IP address"},
		{args: []string{"0.0.0.0"}, err: "unspecified"},
		{args: []string{"::"}, err: "unspecified"},
		{args: []string{"127.0.0.5"}, err: "loopback"},
		{args: []string{"::1"}, err: "loopback"},
		{args: []string{"224.0.0.1"}, err: "multicast"},
		{args: []string{"ff02::1"}, err: "multicast"},
		{args: []string{"255.255.255.255"}, err: "broadcast"},
		{args: []string{"169.254.1.1"}, err: "link-local"},
		{args: []string{"fe80::1"}, err: "link-local"},
		{args: []string{"fe80::1%eth0"}, err: "zone"},
		{args: []string{"::ffff:10.0.0.1"}, err: "IPv4-mapped"},
	} {
		got, err := Parse(tc.args)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Parse(%q) error = %v, want %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q) error = %v", tc.args, err)
			continue
		}
		if got.Mode != tc.want.Mode || got.DryRun != tc.want.DryRun || got.JSON != tc.want.JSON ||
			got.Persist != tc.want.Persist || got.Boot != tc.want.Boot ||
			got.Dev != tc.want.Dev || got.AllInterfaces != tc.want.AllInterfaces ||
			got.Help != tc.want.Help || !slices.Equal(got.VIPs, tc.want.VIPs) {
			t.Errorf("Parse(%q) = %+v, want %+v", tc.args, got, tc.want)
		}
	}
}
