package ipvsadm

import (
	"net/netip"
	"strconv"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// This file holds the pure formatters of ipvsadm's list views: each takes
// the data and appends exactly the bytes ipvsadm prints for it (printf
// widths, truncations and trailing spaces included). They append to a
// caller's buffer so that a list allocates nothing per entry.

const na = "n/a"

// appendHeader is list_all's first line, from GET_INFO.
func appendHeader(b []byte, info ipvs.Info) []byte {
	b = append(b, "IP Virtual Server version "...)
	b = appendVersion(b, info.Version)
	b = append(b, " (size="...)
	b = strconv.AppendInt(b, int64(int32(info.ConnTabSize)), 10)
	return append(b, ")\n"...)
}

// appendVersion is an IPVS version (GET_INFO's 0x00XXYYZZ) as X.Y.Z.
func appendVersion(b []byte, v uint32) []byte {
	b = strconv.AppendUint(b, uint64(v>>16&0xff), 10)
	b = append(b, '.')
	b = strconv.AppendUint(b, uint64(v>>8&0xff), 10)
	b = append(b, '.')
	return strconv.AppendUint(b, uint64(v&0xff), 10)
}

// appendTitle is the column heading of a service list (none for -S).
func appendTitle(b []byte, f grammar.Format) []byte {
	const dests = "  -> RemoteAddress:Port\n"
	switch {
	case f&grammar.FmtStats != 0:
		b = padRight(b, "Prot LocalAddress:Port", 33)
		for _, c := range [...]string{"Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"} {
			b = append(b, ' ')
			b = padLeft(b, c, 8)
		}
		return append(append(b, '\n'), dests...)
	case f&grammar.FmtRate != 0:
		b = padRight(b, "Prot LocalAddress:Port", 33)
		for _, c := range [...]string{"CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"} {
			b = append(b, ' ')
			b = padLeft(b, c, 8)
		}
		return append(append(b, '\n'), dests...)
	case f&grammar.FmtThresholds != 0:
		b = padRight(b, "Prot LocalAddress:Port", 33)
		for _, c := range [...]string{"Uthreshold", "Lthreshold", "ActiveConn", "InActConn"} {
			b = append(b, ' ')
			b = padRight(b, c, 10)
		}
		return append(append(b, '\n'), dests...)
	case f&grammar.FmtPersistentConn != 0:
		b = padRight(b, "Prot LocalAddress:Port", 33)
		b = append(b, ' ')
		b = padRight(b, "Weight", 9)
		b = append(b, ' ')
		b = padRight(b, "PersistConn", 11)
		b = append(b, ' ')
		b = padRight(b, "ActiveConn", 10)
		b = append(b, ' ')
		b = padRight(b, "InActConn", 10)
		return append(append(b, '\n'), dests...)
	case f&grammar.FmtTunInfo != 0:
		return append(b, "Prot LocalAddress:Port Scheduler Flags\n"+
			"  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n"...)
	case f&grammar.FmtRule == 0:
		return append(b, "Prot LocalAddress:Port Scheduler Flags\n"+
			"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"...)
	}
	return b
}

// appendServiceName is the service's key as the list shows it: "TCP  vip:port"
// or "FWM  mark" in tables, "-t vip:port" or "-f mark" in rules.
func appendServiceName(b []byte, s *ipvs.Service, f grammar.Format, n Namer) []byte {
	if s.FWMark != 0 {
		if f&grammar.FmtRule != 0 {
			b = append(b, "-f "...)
		} else {
			b = append(b, "FWM  "...)
		}
		// Unsigned, as upstream prints it: ipvsadm 1.31 printed marks of
		// 2^31 and above negative, and -R refuses such a -S line.
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
		switch s.Protocol {
		case ipvs.TCP:
			b = append(b, "-t "...)
		case ipvs.UDP:
			b = append(b, "-u "...)
		case ipvs.SCTP:
			b = append(b, "--sctp-service "...)
		default:
			b = append(b, "--xxx-service "...)
		}
		return appendAddrPort(b, s.Family, s.Address, s.Port, s.Protocol, f, n)
	}
	b = padRight(b, s.Protocol.String(), 4)
	b = append(b, ' ')
	b = appendAddrPort(b, s.Family, s.Address, s.Port, s.Protocol, f, n)
	// Tables cut IPv4 service names to 33 bytes.
	if s.Family != ipvs.AFInet6 && len(b)-start > 33 {
		b = b[:start+33]
	}
	return b
}

// appendServiceLine is the service's own line (newline included); name is
// what appendServiceName gave for it.
func appendServiceLine(b []byte, s *ipvs.Service, name []byte, f grammar.Format) []byte {
	const schedFlags = ipvs.SvcSchedFlag1 | ipvs.SvcSchedFlag2 | ipvs.SvcSchedFlag3
	switch {
	case f&grammar.FmtRule != 0:
		b = append(b, "-A "...)
		b = append(b, name...)
		b = append(b, " -s "...)
		b = append(b, s.Scheduler...)
		if s.Flags&ipvs.SvcPersistent != 0 {
			b = append(b, " -p "...)
			b = strconv.AppendUint(b, uint64(s.Timeout), 10)
			b = appendMask(b, s, " -M ")
		}
		if s.PEName != "" {
			b = append(b, " --pe "...)
			b = append(b, s.PEName...)
		}
		if s.Flags&ipvs.SvcOnePacket != 0 {
			b = append(b, " -o"...)
		}
		if s.Flags&schedFlags != 0 {
			b = append(b, " -b "...)
			b = appendSchedFlags(b, s)
		}
	case f&grammar.FmtStats != 0:
		b = padRightBytes(b, name, 33)
		b = appendCounters(b, &s.Stats, f)
	case f&grammar.FmtRate != 0:
		b = padRightBytes(b, name, 33)
		b = appendLargenum(b, s.Stats.CPS, f)
		b = appendLargenum(b, s.Stats.InPPS, f)
		b = appendLargenum(b, s.Stats.OutPPS, f)
		b = appendLargenum(b, s.Stats.InBPS, f)
		b = appendLargenum(b, s.Stats.OutBPS, f)
	default:
		b = append(b, name...)
		b = append(b, ' ')
		b = append(b, s.Scheduler...)
		if s.Flags&schedFlags != 0 {
			b = append(b, " ("...)
			b = appendSchedFlags(b, s)
			b = append(b, ')')
		}
		if s.Flags&ipvs.SvcPersistent != 0 {
			b = append(b, " persistent "...)
			b = strconv.AppendUint(b, uint64(s.Timeout), 10)
			b = appendMask(b, s, " mask ")
			if s.PEName != "" {
				b = append(b, " pe "...)
				b = append(b, s.PEName...)
			}
		}
		if s.Flags&ipvs.SvcOnePacket != 0 {
			b = append(b, " ops"...)
		}
	}
	return append(b, '\n')
}

// appendMask adds the persistence granularity when it is not a single host.
func appendMask(b []byte, s *ipvs.Service, label string) []byte {
	switch s.Family {
	case ipvs.AFInet:
		if s.Netmask != 0xffffffff {
			b = append(b, label...)
			m := s.Netmask
			b = netip.AddrFrom4([4]byte{byte(m >> 24), byte(m >> 16), byte(m >> 8), byte(m)}).AppendTo(b)
		}
	case ipvs.AFInet6:
		if s.Netmask != 128 {
			b = append(b, label...)
			b = strconv.AppendInt(b, int64(int32(s.Netmask)), 10)
		}
	}
	return b
}

// appendSchedFlags names the scheduler flags set on s, comma separated.
func appendSchedFlags(b []byte, s *ipvs.Service) []byte {
	var names [3]string
	switch s.Scheduler {
	case "sh":
		names = [3]string{"sh-fallback", "sh-port", ""}
	case "mh":
		names = [3]string{"mh-fallback", "mh-port", ""}
	default:
		names = [3]string{"flag-1", "flag-2", "flag-3"}
	}
	first := true
	for i, bit := range [3]uint32{ipvs.SvcSchedFlag1, ipvs.SvcSchedFlag2, ipvs.SvcSchedFlag3} {
		if s.Flags&bit == 0 || names[i] == "" {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		b = append(b, names[i]...)
		first = false
	}
	return b
}

// destFamily is the destination's address family: its own when the kernel
// reports one, else the service's.
func destFamily(s *ipvs.Service, d *ipvs.Destination) ipvs.Family {
	if d.Family != 0 {
		return d.Family
	}
	return s.Family
}

// appendDestLine is one destination line of service s (newline included);
// svcName is what appendServiceName gave for s, used by rules.
func appendDestLine(b []byte, s *ipvs.Service, svcName []byte, d *ipvs.Destination, f grammar.Format, n Namer) []byte {
	af := destFamily(s, d)
	if f&grammar.FmtRule != 0 {
		b = append(b, "-a "...)
		b = append(b, svcName...)
		b = append(b, " -r "...)
		b = appendAddrPort(b, af, d.Address, d.Port, s.Protocol, f, n)
		b = append(b, ' ')
		b = append(b, d.FwdMethod().Option()...)
		b = append(b, " -w "...)
		b = strconv.AppendInt(b, int64(d.Weight), 10)
		if d.FwdMethod() == ipvs.FwdTunnel {
			switch d.TunType {
			case ipvs.TunGRE:
				b = append(b, " --tun-type "...)
				b = append(b, d.TunType.String()...)
				b = append(b, ' ')
				b = append(b, d.TunFlags.Option()...)
			case ipvs.TunGUE:
				b = append(b, " --tun-type "...)
				b = append(b, d.TunType.String()...)
				b = append(b, " --tun-port "...)
				b = strconv.AppendUint(b, uint64(d.TunPort), 10)
				b = append(b, ' ')
				b = append(b, d.TunFlags.Option()...)
			case ipvs.TunIPIP:
				b = append(b, " --tun-type "...)
				b = append(b, d.TunType.String()...)
			}
		}
		return append(b, '\n')
	}

	b = append(b, "  -> "...)
	start := len(b)
	b = appendAddrPort(b, af, d.Address, d.Port, s.Protocol, f, n)
	// Tables cut IPv4 real server names to 28 bytes.
	if af != ipvs.AFInet6 && len(b)-start > 28 {
		b = b[:start+28]
	}
	b = pad(b, start, 28)

	// ipvsadm reads destination counters with its 32-bit parser.
	st := d.Stats.DestView()
	switch {
	case f&grammar.FmtStats != 0:
		b = appendCounters(b, &st, f)
	case f&grammar.FmtRate != 0:
		b = append(b, ' ')
		b = padUint(b, st.CPS, 8)
		b = append(b, ' ')
		b = padUint(b, st.InPPS, 8)
		b = append(b, ' ')
		b = padUint(b, st.OutPPS, 8)
		b = appendLargenum(b, st.InBPS, f)
		b = appendLargenum(b, st.OutBPS, f)
	case f&grammar.FmtThresholds != 0:
		b = appendCols(b, 10, uint64(d.UpperThreshold), uint64(d.LowerThreshold),
			uint64(d.ActiveConns), uint64(d.InactConns))
	case f&grammar.FmtPersistentConn != 0:
		b = append(b, ' ')
		b = padRightUint(b, uint64(uint32(d.Weight)), 9)
		b = append(b, ' ')
		b = padRightUint(b, uint64(d.PersistConns), 11)
		b = appendCols(b, 10, uint64(d.ActiveConns), uint64(d.InactConns))
	case f&grammar.FmtTunInfo != 0:
		b = append(b, ' ')
		b = padRight(b, d.FwdMethod().String(), 7)
		b = append(b, ' ')
		mark := len(b)
		b = appendTunInfo(b, d)
		if len(b) == mark {
			b = append(b, na...)
		}
		b = pad(b, mark, 13)
		b = append(b, ' ')
		b = padRightInt(b, int64(d.Weight), 6)
		b = appendCols(b, 10, uint64(d.ActiveConns), uint64(d.InactConns))
	default:
		b = append(b, ' ')
		b = padRight(b, d.FwdMethod().String(), 7)
		b = append(b, ' ')
		b = padRightInt(b, int64(d.Weight), 6)
		b = appendCols(b, 10, uint64(d.ActiveConns), uint64(d.InactConns))
	}
	return append(b, '\n')
}

// appendCols appends " %-<w>u" for each value.
func appendCols(b []byte, w int, vs ...uint64) []byte {
	for _, v := range vs {
		b = append(b, ' ')
		b = padRightUint(b, v, w)
	}
	return b
}

// appendTunInfo is the TunnelInfo column of a tunnel destination, nothing
// for others (the caller prints n/a). ipvsadm builds it in 16 bytes.
func appendTunInfo(b []byte, d *ipvs.Destination) []byte {
	if d.FwdMethod() != ipvs.FwdTunnel {
		return b
	}
	start := len(b)
	switch d.TunType {
	case ipvs.TunIPIP:
		b = append(b, d.TunType.String()...)
	case ipvs.TunGUE:
		b = append(b, d.TunType.String()...)
		b = append(b, ':')
		b = strconv.AppendUint(b, uint64(d.TunPort), 10)
		b = append(b, ':')
		b = append(b, d.TunFlags.Short()...)
	case ipvs.TunGRE:
		b = append(b, d.TunType.String()...)
		b = append(b, ':')
		b = append(b, d.TunFlags.Short()...)
	default:
		return b
	}
	if len(b)-start > 15 {
		b = b[:start+15]
	}
	return b
}

// appendCounters is the five --stats columns of a service or real server.
func appendCounters(b []byte, st *ipvs.Stats, f grammar.Format) []byte {
	b = appendLargenum(b, st.Conns, f)
	b = appendLargenum(b, st.InPkts, f)
	b = appendLargenum(b, st.OutPkts, f)
	b = appendLargenum(b, st.InBytes, f)
	return appendLargenum(b, st.OutBytes, f)
}

// appendLargenum is a counter column: 9 wide, abbreviated to K/M/G/T
// past 8 digits, or in full with --exact.
func appendLargenum(b []byte, v uint64, f grammar.Format) []byte {
	if f&grammar.FmtExact != 0 {
		n := digits(v)
		w := n + 1
		if n <= 8 {
			w = 9
		}
		return padUint(b, v, w)
	}
	switch {
	case v < 100000000:
		return padUint(b, v, 9)
	case v < 1000000000:
		return append(padUint(b, v/1000, 8), 'K')
	case v < 100000000000:
		return append(padUint(b, v/1000000, 8), 'M')
	case v < 100000000000000:
		return append(padUint(b, v/1000000000, 8), 'G')
	}
	return append(padUint(b, v/1000000000000, 8), 'T')
}

// appendAddrPort is ipvsadm's "addr:port" (IPv6 in brackets), numeric with
// -n, else host and service names where they resolve. ipvsadm formats it
// into 60 bytes, so it never exceeds 59.
func appendAddrPort(b []byte, af ipvs.Family, a netip.Addr, port uint16, proto ipvs.Protocol, f grammar.Format, n Namer) []byte {
	start := len(b)
	if af != ipvs.AFInet {
		b = append(b, '[')
	}
	resolved := false
	if f&grammar.FmtNumeric == 0 && n != nil && (af == ipvs.AFInet || af == ipvs.AFInet6) {
		if name, ok := n.Host(unionAddr(af, a)); ok {
			b = append(b, name...)
			resolved = true
		}
	}
	if !resolved {
		b = appendNtop(b, af, a)
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

// unionBytes lays a out as the kernel's union nf_inet_addr: an IPv4
// address in the first four bytes, the rest zero.
func unionBytes(a netip.Addr) [16]byte {
	var u [16]byte
	switch {
	case a.Is4():
		v := a.As4()
		copy(u[:], v[:])
	case a.Is6():
		u = a.As16()
	}
	return u
}

// unionAddr is a read as an address of family af.
func unionAddr(af ipvs.Family, a netip.Addr) netip.Addr {
	u := unionBytes(a)
	if af == ipvs.AFInet6 {
		return netip.AddrFrom16(u)
	}
	return netip.AddrFrom4([4]byte(u[:4]))
}

// appendNtop is inet_ntop(3) of a as family af, glibc's text exactly
// (which differs from Go's for some IPv4-compatible IPv6 addresses).
func appendNtop(b []byte, af ipvs.Family, a netip.Addr) []byte {
	u := unionBytes(a)
	switch af {
	case ipvs.AFInet:
		return netip.AddrFrom4([4]byte(u[:4])).AppendTo(b)
	case ipvs.AFInet6:
		return appendNtop6(b, u)
	}
	return append(b, "(null)"...)
}

func appendNtop6(b []byte, u [16]byte) []byte {
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

// printf helpers, on byte slices.

func digits(v uint64) int {
	n := 1
	for v >= 10 {
		v /= 10
		n++
	}
	return n
}

func spaces(b []byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, ' ')
	}
	return b
}

// pad pads what was appended since start with spaces to width w ("%-ws").
func pad(b []byte, start, w int) []byte {
	return spaces(b, w-(len(b)-start))
}

func padRight(b []byte, s string, w int) []byte {
	return spaces(append(b, s...), w-len(s))
}

func padRightBytes(b []byte, s []byte, w int) []byte {
	return spaces(append(b, s...), w-len(s))
}

func padLeft(b []byte, s string, w int) []byte {
	return append(spaces(b, w-len(s)), s...)
}

// padUint is "%<w>llu".
func padUint(b []byte, v uint64, w int) []byte {
	return strconv.AppendUint(spaces(b, w-digits(v)), v, 10)
}

// padRightUint is "%-<w>u".
func padRightUint(b []byte, v uint64, w int) []byte {
	start := len(b)
	return pad(strconv.AppendUint(b, v, 10), start, w)
}

// padRightInt is "%-<w>d".
func padRightInt(b []byte, v int64, w int) []byte {
	start := len(b)
	return pad(strconv.AppendInt(b, v, 10), start, w)
}
