package realserver

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/vishvananda/netlink"
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
