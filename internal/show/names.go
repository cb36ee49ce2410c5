package show

import (
	"net/netip"
	"strconv"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/rule"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// Namer turns addresses and ports into names for lists printed without
// -n, as ipvsadm does with gethostbyaddr(3) and getservbyport(3)
// (netdb.System, netdb.Files).
type Namer interface {
	// Host is the name of addr, or false when it has none.
	Host(addr netip.Addr) (string, bool)
	// Service is the services(5) name of port for proto, or false.
	Service(port uint16, proto ipvs.Protocol) (string, bool)
}

// AppendServiceName is the service's key as the list shows it: "TCP  vip:port"
// or "FWM  mark" in tables, "-t vip:port" or "-f mark" in rules.
func AppendServiceName(b []byte, s *ipvs.Service, f grammar.Format, n Namer) []byte {
	if s.FWMark != 0 {
		if f&grammar.FmtRule != 0 {
			b = append(b, "-f "...)
		} else {
			b = append(b, "FWM  "...)
		}
		// Unsigned, as the kernel and the command line take it:
		// ipvsadm 1.31 printed marks of 2^31 and above negative, and -R
		// refuses such a -S line.
		b = strconv.AppendUint(b, uint64(s.FWMark), 10)
		if s.Family == ipvs.AFInet6 {
			if f&grammar.FmtRule != 0 {
				b = append(b, " -6"...)
			} else {
				b = append(b, " IPv6"...)
			}
		}
		return b
	}
	start := len(b)
	if f&grammar.FmtRule != 0 {
		b = rule.AppendProtocol(b, s.Protocol, rule.Save)
		return AppendAddrPort(b, s.Family, s.Address, s.Port, s.Protocol, f, n)
	}
	b = padRight(b, s.Protocol.String(), 4)
	b = append(b, ' ')
	b = AppendAddrPort(b, s.Family, s.Address, s.Port, s.Protocol, f, n)
	// Tables cut IPv4 service names to 33 bytes.
	if s.Family != ipvs.AFInet6 && len(b)-start > 33 {
		b = b[:start+33]
	}
	return b
}

// AppendAddrPort is ipvsadm's "addr:port" (IPv6 in brackets), numeric with
// -n, else host and service names where they resolve. ipvsadm formats it
// into 60 bytes, so it never exceeds 59.
func AppendAddrPort(b []byte, af ipvs.Family, a netip.Addr, port uint16, proto ipvs.Protocol, f grammar.Format, n Namer) []byte {
	start := len(b)
	if af != ipvs.AFInet {
		b = append(b, '[')
	}
	resolved := false
	if f&grammar.FmtNumeric == 0 && n != nil && (af == ipvs.AFInet || af == ipvs.AFInet6) {
		if name, ok := n.Host(hostAddr(af, a)); ok {
			b = append(b, name...)
			resolved = true
		}
	}
	if !resolved {
		b = AppendNtop(b, af, a)
	}
	if af != ipvs.AFInet {
		b = append(b, ']')
	}
	b = append(b, ':')
	named := false
	if f&grammar.FmtNumeric == 0 && n != nil {
		if name, ok := n.Service(port, proto); ok {
			b = append(b, name...)
			named = true
		}
	}
	if !named {
		b = strconv.AppendUint(b, uint64(port), 10)
	}
	if len(b)-start > 59 {
		b = b[:start+59]
	}
	return b
}

// hostAddr is a read as an address of family af.
func hostAddr(af ipvs.Family, a netip.Addr) netip.Addr {
	u := ipvs.InetUnion(a)
	if af == ipvs.AFInet6 {
		return netip.AddrFrom16(u)
	}
	return netip.AddrFrom4([4]byte(u[:4]))
}

// AppendNtop is inet_ntop(3) of a as family af, glibc's text exactly
// (which differs from Go's for some IPv4-compatible IPv6 addresses).
func AppendNtop(b []byte, af ipvs.Family, a netip.Addr) []byte {
	u := ipvs.InetUnion(a)
	switch af {
	case ipvs.AFInet:
		return netip.AddrFrom4([4]byte(u[:4])).AppendTo(b)
	case ipvs.AFInet6:
		return AppendNtop6(b, u)
	}
	return append(b, "(null)"...)
}

func AppendNtop6(b []byte, u [16]byte) []byte {
	var w [8]uint16
	for i := range w {
		w[i] = uint16(u[2*i])<<8 | uint16(u[2*i+1])
	}
	// The longest run of two or more zero words becomes "::" (the first
	// of equally long runs).
	best, bestLen, cur, curLen := -1, 0, -1, 0
	for i := 0; i < 8; i++ {
		if w[i] == 0 {
			if cur == -1 {
				cur, curLen = i, 1
			} else {
				curLen++
			}
			continue
		}
		if cur != -1 {
			if best == -1 || curLen > bestLen {
				best, bestLen = cur, curLen
			}
			cur = -1
		}
	}
	if cur != -1 && (best == -1 || curLen > bestLen) {
		best, bestLen = cur, curLen
	}
	if best != -1 && bestLen < 2 {
		best = -1
	}
	for i := 0; i < 8; i++ {
		if best != -1 && i >= best && i < best+bestLen {
			if i == best {
				b = append(b, ':')
			}
			continue
		}
		if i != 0 {
			b = append(b, ':')
		}
		// An IPv4-compatible or -mapped address ends in dotted quad.
		if i == 6 && best == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff)) {
			b = netip.AddrFrom4([4]byte(u[12:16])).AppendTo(b)
			return b
		}
		b = strconv.AppendUint(b, uint64(w[i]), 16)
	}
	if best != -1 && best+bestLen == 8 {
		b = append(b, ':')
	}
	return b
}

// Numeric is the format of -n, or of names.
func Numeric(numeric bool) grammar.Format {
	if numeric {
		return grammar.FmtNumeric
	}
	return 0
}

func padRight(b []byte, s string, w int) []byte {
	b = append(b, s...)
	for n := w - len(s); n > 0; n-- {
		b = append(b, ' ')
	}
	return b
}

// AppendDestName is d's "addr:port", a real server of s, as the table's
// "->" lines show it.
func AppendDestName(b []byte, s *ipvs.Service, d *ipvs.Destination, f grammar.Format, n Namer) []byte {
	return AppendAddrPort(b, d.AddrFamily(s), d.Address, d.Port, s.Protocol, f, n)
}
