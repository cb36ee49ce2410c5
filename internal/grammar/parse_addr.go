package grammar

import (
	"net/netip"
	"strings"

	"github.com/lvsgo/ipvsadm/internal/cnum"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// Resolver is the forward name service ipvsadm's parser uses
// (netdb.System is the machine's).
type Resolver interface {
	// Host4 is gethostbyname(3): the first IPv4 address of name.
	Host4(name string) (netip.Addr, bool)
	// Port is getservbyname(3): the port of service name for proto
	// ("tcp", "udp" or "sctp"). Names match case-sensitively.
	Port(name, proto string) (uint16, bool)
}

// svcAddr is what parse_service reads: address, maybe a port.
type svcAddr struct {
	family  ipvs.Family
	addr    netip.Addr
	port    uint16
	hasPort bool
}

// parseService reads "host[:port]" or "[ipv6]:port" as ipvsadm does. Its
// quirks are kept: a bare IPv6 address takes no port, brackets need a port
// after them, and brackets around anything but IPv6 lose the port.
func parseService(s string, proto ipvs.Protocol, res Resolver) (svcAddr, bool) {
	var a svcAddr
	if strIsDigit(s) {
		return a, false
	}
	host, port, hasPort := s, "", false
	if s[0] == '[' {
		inner, after, ok := strings.Cut(s[1:], "]")
		if !ok || !strings.HasPrefix(after, ":") {
			return a, false
		}
		host, port, hasPort = inner, after[1:], true
	}
	if ip, ok := inetPton6(host); ok {
		a.family, a.addr = ipvs.AFInet6, ip
	} else {
		hasPort = false
		if i := strings.LastIndexByte(host, ':'); i >= 0 {
			host, port, hasPort = host[:i], host[i+1:], true
		}
		ip, ok := inetAton(host)
		if !ok {
			ip, ok = res.Host4(host)
		}
		if !ok {
			return a, false
		}
		a.family, a.addr = ipvs.AFInet, ip
	}
	if hasPort {
		a.hasPort = true
		if n, ok := stringToNumber(port, 0, 65535); ok {
			a.port = uint16(n)
		} else if p, ok := lookupPort(port, proto, res); ok {
			a.port = p
		} else {
			return a, false
		}
	}
	return a, true
}

func lookupPort(name string, proto ipvs.Protocol, res Resolver) (uint16, bool) {
	switch proto {
	case ipvs.TCP:
		return res.Port(name, "tcp")
	case ipvs.UDP:
		return res.Port(name, "udp")
	case ipvs.SCTP:
		return res.Port(name, "sctp")
	}
	return 0, false
}

// strIsDigit is true for strings of decimal digits only, "" included.
func strIsDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func cIsSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// cStrtol is strtol(s, &end, 10): leading white space and a sign are
// allowed; n is how many bytes were used (0: no number), overflow is
// ERANGE for a 64-bit long.
func cStrtol(s string) (v int64, n int, overflow bool) {
	i := 0
	for i < len(s) && cIsSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var u uint64
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		d := uint64(s[i] - '0')
		if u > (1<<64-1-d)/10 {
			overflow = true
			u = 1<<64 - 1
		} else if !overflow {
			u = u*10 + d
		}
		i++
	}
	if i == start {
		return 0, 0, false
	}
	switch {
	case neg && u > 1<<63:
		return -1 << 63, i, true
	case !neg && u > 1<<63-1:
		return 1<<63 - 1, i, true
	case neg:
		return -int64(u), i, overflow
	}
	return int64(u), i, overflow
}

// stringToNumber is ipvsadm's string_to_number: the whole string must be
// a decimal number within [min, max].
func stringToNumber(s string, min, max int64) (int64, bool) {
	v, n, overflow := cStrtol(s)
	if n == 0 || n != len(s) || overflow || v < min || v > max {
		return 0, false
	}
	return v, true
}

// cAtoi is glibc's atoi: (int)strtol(s, NULL, 10).
func cAtoi(s string) int32 {
	v, _, _ := cStrtol(s)
	return int32(v)
}

// cStrtoul0 is strtoul(s, &end, 0) on a string that starts with a digit.
func cStrtoul0(s string) (v uint64, n int, overflow bool) {
	base, i := uint64(10), 0
	if s[0] == '0' {
		base, i = 8, 1
		if len(s) > 2 && (s[1] == 'x' || s[1] == 'X') && cnum.Digit(s[2]) >= 0 {
			base, i = 16, 2
		}
	}
	return cnum.Digits(s, i, base)
}

// inetAton is glibc's inet_aton: one to four parts in C notation (0x hex,
// leading 0 octal), the last part filling the remaining bytes, and anything
// after white space ignored.
func inetAton(s string) (netip.Addr, bool) {
	var parts []uint64
	i := 0
	for {
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return netip.Addr{}, false
		}
		v, n, overflow := cStrtoul0(s[i:])
		if overflow || v > 0xffffffff {
			return netip.Addr{}, false
		}
		i += n
		if i < len(s) && s[i] == '.' {
			if len(parts) > 2 || v > 0xff {
				return netip.Addr{}, false
			}
			parts = append(parts, v)
			i++
			continue
		}
		if i < len(s) && !cIsSpace(s[i]) {
			return netip.Addr{}, false
		}
		if v > uint64(0xffffffff)>>(8*len(parts)) {
			return netip.Addr{}, false
		}
		var w uint32
		for k, p := range parts {
			w |= uint32(p) << (24 - 8*k)
		}
		w |= uint32(v)
		return netip.AddrFrom4([4]byte{byte(w >> 24), byte(w >> 16), byte(w >> 8), byte(w)}), true
	}
}

// inetPton4 is inet_pton(AF_INET): exactly four decimal parts, no leading
// zeros.
func inetPton4(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, false
	}
	return a, true
}

// inetPton6 is inet_pton(AF_INET6): no zone.
func inetPton6(s string) (netip.Addr, bool) {
	if strings.ContainsAny(s, "%") {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() {
		return netip.Addr{}, false
	}
	return a, true
}

// noNames is the Resolver of a zero Parser: no name resolves.
type noNames struct{}

func (noNames) Host4(string) (netip.Addr, bool)    { return netip.Addr{}, false }
func (noNames) Port(string, string) (uint16, bool) { return 0, false }
