package diagnose

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"

	"github.com/lvsgo/ipvsadm/internal/rule"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// ServiceName is a service as -L -n prints it: "TCP 192.0.2.1:80",
// "UDP [2001:db8::1]:53", "FWM 7" ("FWM 7 IPv6" for an IPv6 mark).
func ServiceName(s ipvs.Service) string {
	if s.FWMark != 0 {
		n := "FWM " + strconv.FormatUint(uint64(s.FWMark), 10)
		if s.Family == ipvs.AFInet6 {
			n += " IPv6"
		}
		return n
	}
	return s.Protocol.String() + " " + netip.AddrPortFrom(s.Address, s.Port).String()
}

// DestName is a real server as -L -n prints it: "192.0.2.11:80".
func DestName(d ipvs.Destination) string {
	return netip.AddrPortFrom(d.Address, d.Port).String()
}

// serviceOption is the ipvsadm option that names s: "-t 192.0.2.1:80",
// "-f 7 -6".
func serviceOption(s ipvs.Service) string { return string(rule.AppendKey(nil, &s)) }

// editCommand is the `ipvsadm -e` line that sets d of s to weight and
// thresholds while keeping the rest of it: -e resets what it is not
// given (the method to -g, tunnel options, thresholds), so all of it is
// spelled out (rule.Full).
func editCommand(s ipvs.Service, d ipvs.Destination, weight int32, upper, lower uint32) string {
	d.Weight, d.UpperThreshold, d.LowerThreshold = weight, upper, lower
	b := append([]byte("ipvsadm -e "), rule.AppendKey(nil, &s)...)
	b = append(b, " -r "...)
	b = rule.AppendDestAddr(b, &s, &d)
	return string(rule.AppendDest(b, &d, rule.Full))
}

// SortServices puts services in a fixed order (the kernel's is its hash
// order): address services by family, protocol, address and port, then
// fwmark services by mark; each service's real servers by address and
// port.
func SortServices(svcs []Service) {
	slices.SortFunc(svcs, func(a, b Service) int {
		return cmp.Or(
			cmp.Compare(a.FWMark, b.FWMark),
			cmp.Compare(a.Family, b.Family),
			cmp.Compare(a.Protocol, b.Protocol),
			a.Address.Compare(b.Address),
			cmp.Compare(a.Port, b.Port))
	})
	for _, s := range svcs {
		slices.SortFunc(s.Dests, func(a, b ipvs.Destination) int {
			return cmp.Or(a.Address.Compare(b.Address), cmp.Compare(a.Port, b.Port))
		})
	}
}
