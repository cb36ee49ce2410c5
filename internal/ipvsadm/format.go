package ipvsadm

import (
	"strconv"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/rule"
	"github.com/lvsgo/ipvsadm/internal/show"
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
	b = info.Version.Append(b)
	b = append(b, " (size="...)
	b = strconv.AppendInt(b, int64(int32(info.ConnTabSize)), 10)
	return append(b, ")\n"...)
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

// appendServiceLine is the service's own line (newline included); name is
// what appendServiceName gave for it.
func appendServiceLine(b []byte, s *ipvs.Service, name []byte, f grammar.Format) []byte {
	const schedFlags = ipvs.SvcSchedFlag1 | ipvs.SvcSchedFlag2 | ipvs.SvcSchedFlag3
	switch {
	case f&grammar.FmtRule != 0:
		b = append(b, "-A "...)
		b = append(b, name...)
		b = rule.AppendService(b, s, rule.Save)
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
			b = ipvs.AppendSchedFlags(b, s.Scheduler, s.Flags)
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
	if (s.Family == ipvs.AFInet || s.Family == ipvs.AFInet6) && !s.Netmask.IsHost(s.Family) {
		b = append(b, label...)
		b = s.Netmask.Append(b, s.Family)
	}
	return b
}

// appendDestLine is one destination line of service s (newline included);
// svcName is what appendServiceName gave for s, used by rules.
func appendDestLine(b []byte, s *ipvs.Service, svcName []byte, d *ipvs.Destination, f grammar.Format, n show.Namer) []byte {
	af := d.AddrFamily(s)
	if f&grammar.FmtRule != 0 {
		b = append(b, "-a "...)
		b = append(b, svcName...)
		b = append(b, " -r "...)
		b = show.AppendAddrPort(b, af, d.Address, d.Port, s.Protocol, f, n)
		b = rule.AppendDest(b, d, rule.Save)
		return append(b, '\n')
	}

	b = append(b, "  -> "...)
	start := len(b)
	b = show.AppendAddrPort(b, af, d.Address, d.Port, s.Protocol, f, n)
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
