package kmod

import "testing"

func TestStateOf(t *testing.T) {
	const builtin = "kernel/net/netfilter/ipvs/ip_vs.ko\nkernel/net/netfilter/ipvs/ip_vs_rr.ko\n"
	const dep = "kernel/net/netfilter/ipvs/ip_vs_wlc.ko.xz: kernel/net/netfilter/ipvs/ip_vs.ko.xz\n" +
		"kernel/net/ipv4/ip_gre.ko.zst: kernel/net/ipv4/gre.ko.zst\n"
	for _, tc := range []struct {
		name          string
		inSys, refcnt bool
		builtin, dep  string
		want          State
	}{
		{"ip_vs_wlc", true, true, builtin, dep, Loaded},
		{"ip_vs_rr", true, false, "", "", Builtin},
		{"ip_vs_rr", false, false, builtin, dep, Builtin},
		{"ip_vs_wlc", false, false, builtin, dep, Loadable},
		{"ip_gre", false, false, builtin, dep, Loadable},
		{"ip_vs_mh", false, false, builtin, dep, Missing},
		{"ip_vs", false, false, "", dep, Missing}, // modules.dep names it only as a dependency
		{"ip_vs_mh", false, false, "", "", Unknown},
	} {
		if got := StateOf(tc.name, tc.inSys, tc.refcnt, tc.builtin, tc.dep); got != tc.want {
			t.Errorf("StateOf(%s, %v, %v) = %v, want %v", tc.name, tc.inSys, tc.refcnt, got, tc.want)
		}
	}
}
