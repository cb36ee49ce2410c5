package realserver

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Addrs is every address of every interface of this network namespace
// (the calling thread's).
func Addrs() ([]Addr, error) {
	links, err := netlink.LinkList()
	if err != nil {
		return nil, fmt.Errorf("listing interfaces: %v", err)
	}
	names := map[int]string{}
	for _, l := range links {
		names[l.Attrs().Index] = l.Attrs().Name
	}
	var list []netlink.Addr
	for try := 0; ; try++ {
		list, err = netlink.AddrList(nil, netlink.FAMILY_ALL)
		if !errors.Is(err, netlink.ErrDumpInterrupted) || try == 3 {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("listing addresses: %v", err)
	}
	var out []Addr
	for _, a := range list {
		ip, ok := netip.AddrFromSlice(a.IP)
		if !ok || a.IPNet == nil {
			continue
		}
		ones, _ := a.Mask.Size()
		out = append(out, Addr{Prefix: netip.PrefixFrom(ip.Unmap(), ones), Dev: names[a.LinkIndex]})
	}
	return out, nil
}

// DefaultRoute is the IPv4 default route of the main table with the lowest
// metric among those that leave by an interface (a blackhole or
// unreachable default has none): its interface (a multipath route's first
// hop's) and its gateways, every hop's; dev is "" when there is none.
// arp-prep takes the interface its sysctls are for from it, doctor checks
// the real server's way back through it.
func DefaultRoute() (dev string, gateways []netip.Addr, err error) {
	routes, err := netlink.RouteListFiltered(netlink.FAMILY_V4,
		&netlink.Route{Table: unix.RT_TABLE_MAIN}, netlink.RT_FILTER_TABLE)
	if err != nil {
		return "", nil, fmt.Errorf("listing routes: %v", err)
	}
	var best *netlink.Route
	idx := 0
	for i, r := range routes {
		if r.Dst != nil {
			if ones, _ := r.Dst.Mask.Size(); ones != 0 {
				continue
			}
		}
		link := r.LinkIndex
		if link == 0 && len(r.MultiPath) > 0 {
			link = r.MultiPath[0].LinkIndex
		}
		if link == 0 {
			continue
		}
		if best == nil || r.Priority < best.Priority {
			best, idx = &routes[i], link
		}
	}
	if best == nil {
		return "", nil, nil
	}
	if a, ok := netip.AddrFromSlice(best.Gw); ok {
		gateways = append(gateways, a.Unmap())
	}
	for _, h := range best.MultiPath {
		if a, ok := netip.AddrFromSlice(h.Gw); ok {
			gateways = append(gateways, a.Unmap())
		}
	}
	l, err := netlink.LinkByIndex(idx)
	if err != nil {
		return "", nil, fmt.Errorf("default route interface: %v", err)
	}
	return l.Attrs().Name, gateways, nil
}
