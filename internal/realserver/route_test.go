package realserver

import (
	"errors"
	"net"
	"net/netip"
	"runtime"
	"slices"
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// inNewNetns moves the test's goroutine, on a thread of its own, into a
// fresh network namespace. The thread is never unlocked, so it ends with
// the test and no other goroutine ever runs in that namespace.
func inNewNetns(t *testing.T) {
	t.Helper()
	runtime.LockOSThread()
	if err := unix.Unshare(unix.CLONE_NEWNET); errors.Is(err, unix.EPERM) {
		t.Skip("no new network namespace: ", err)
	} else if err != nil {
		t.Fatal(err)
	}
}

func TestDefaultRoute(t *testing.T) {
	inNewNetns(t)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	check := func(name, wantDev string, wantGws []string) {
		t.Helper()
		dev, gws, err := DefaultRoute()
		var got []string
		for _, g := range gws {
			got = append(got, g.String())
		}
		if err != nil || dev != wantDev || !slices.Equal(got, wantGws) {
			t.Errorf("%s: DefaultRoute() = %q %v %v, want %q %v", name, dev, got, err, wantDev, wantGws)
		}
	}
	check("no routes", "", nil)

	must("veth", netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "v0"}, PeerName: "v1"}))
	idx := map[string]int{}
	for name, addr := range map[string]string{"v0": "10.0.0.2/24", "v1": "10.0.1.2/24"} {
		l, err := netlink.LinkByName(name)
		must(name, err)
		must(name+" up", netlink.LinkSetUp(l))
		a, err := netlink.ParseAddr(addr)
		must(addr, err)
		must(name+" addr", netlink.AddrAdd(l, a))
		idx[name] = l.Attrs().Index
	}
	gw := func(s string) net.IP { return netip.MustParseAddr(s).AsSlice() }
	def := &net.IPNet{IP: net.IPv4zero.To4(), Mask: net.CIDRMask(0, 32)}

	// A blackhole default leaves by no interface: not the one, however low its metric.
	must("blackhole", netlink.RouteAdd(&netlink.Route{Dst: def, Type: unix.RTN_BLACKHOLE, Priority: 5}))
	check("blackhole only", "", nil)
	must("default v0", netlink.RouteAdd(&netlink.Route{Dst: def, Gw: gw("10.0.0.1"), LinkIndex: idx["v0"], Priority: 20}))
	check("one default", "v0", []string{"10.0.0.1"})
	must("default v1", netlink.RouteAdd(&netlink.Route{Dst: def, Gw: gw("10.0.1.1"), LinkIndex: idx["v1"], Priority: 10}))
	check("the lower metric", "v1", []string{"10.0.1.1"})
	must("multipath", netlink.RouteAdd(&netlink.Route{Dst: def, Priority: 1, MultiPath: []*netlink.NexthopInfo{
		{LinkIndex: idx["v0"], Gw: gw("10.0.0.9")}, {LinkIndex: idx["v1"], Gw: gw("10.0.1.9")}}}))
	check("multipath", "v0", []string{"10.0.0.9", "10.0.1.9"})
	// Not the main table's default: a 10/8 route, another table's default.
	must("10/8", netlink.RouteAdd(&netlink.Route{Dst: &net.IPNet{IP: net.IPv4(10, 0, 0, 0).To4(), Mask: net.CIDRMask(8, 32)},
		Gw: gw("10.0.1.7"), LinkIndex: idx["v1"], Priority: 0}))
	must("table 100", netlink.RouteAdd(&netlink.Route{Dst: def, Gw: gw("10.0.1.8"), LinkIndex: idx["v1"], Table: 100}))
	check("others", "v0", []string{"10.0.0.9", "10.0.1.9"})
}
