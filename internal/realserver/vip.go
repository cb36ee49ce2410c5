package realserver

import (
	"fmt"
	"net/netip"
	"strings"
)

// ParseVIP accepts one unicast IPv4 or IPv6 address, without prefix or zone.
func ParseVIP(s string) (netip.Addr, error) {
	if strings.Contains(s, "/") {
		return netip.Addr{}, fmt.Errorf("invalid VIP %q: give the address alone; arp-prep adds it as a host address", s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("invalid VIP %q: not an IP address", s)
	}
	why := ""
	switch {
	case a.Zone() != "":
		why = "has a zone"
	case a.Is4In6():
		why = "IPv4-mapped; give the IPv4 address"
	case a.IsUnspecified():
		why = "unspecified address"
	case a.IsLoopback():
		why = "loopback address"
	case a.IsMulticast():
		why = "multicast address"
	case a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		why = "broadcast address"
	case a.IsLinkLocalUnicast():
		why = "link-local address"
	}
	if why != "" {
		return netip.Addr{}, fmt.Errorf("invalid VIP %q: %s, not a unicast service address", s, why)
	}
	return a, nil
}
