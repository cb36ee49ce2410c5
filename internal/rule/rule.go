package rule

import (
	"net/netip"
	"strconv"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// Style is how AppendDest writes what -S leaves out or spells its own way.
type Style uint8

const (
	// Save is ipvsadm 1.31's -S: no thresholds, --tun-type ipip written
	// out, the checksum and the method as the kernel reports them.
	Save Style = iota
	// Full is a line that parses back to the same real server: thresholds
	// included, ipip (the default) implied, a checksum ipvsadm has no word
	// for as --tun-nocsum, a method it has no switch for as -g.
	Full
)

// AppendService appends a service's settings after its key:
// " -s SCHED[ -p TIMEOUT[ -M MASK]][ --pe PE][ -o][ -b FLAGS]". Save writes
// -b for any scheduler flag, as ipvsadm does even when the scheduler has
// no name for it (an empty -b); Full only when it has.
func AppendService(b []byte, s *ipvs.Service, st Style) []byte {
	b = append(b, " -s "...)
	b = append(b, s.Scheduler...)
	if s.Flags&ipvs.SvcPersistent != 0 {
		b = append(b, " -p "...)
		b = strconv.AppendUint(b, uint64(s.Timeout), 10)
		// A mask only for the families it means something for.
		if (s.Family == ipvs.AFInet || s.Family == ipvs.AFInet6) && !s.Netmask.IsHost(s.Family) {
			b = append(b, " -M "...)
			b = s.Netmask.Append(b, s.Family)
		}
	}
	if s.PEName != "" {
		b = append(b, " --pe "...)
		b = append(b, s.PEName...)
	}
	if s.Flags&ipvs.SvcOnePacket != 0 {
		b = append(b, " -o"...)
	}
	switch {
	case st == Save && s.Flags&(ipvs.SvcSchedFlag1|ipvs.SvcSchedFlag2|ipvs.SvcSchedFlag3) != 0:
		b = append(b, " -b "...)
		b = ipvs.AppendSchedFlags(b, s.Scheduler, s.Flags)
	case st == Full:
		if f := ipvs.AppendSchedFlags(nil, s.Scheduler, s.Flags); len(f) > 0 {
			b = append(b, " -b "...)
			b = append(b, f...)
		}
	}
	return b
}

// AppendDest appends a real server's settings after its "-r ADDR":
// " -g|-m|-i -w WEIGHT", then (Full) " -x UPPER -y LOWER" when set, then
// the tunnel's type, port and checksum.
func AppendDest(b []byte, d *ipvs.Destination, st Style) []byte {
	m := d.FwdMethod()
	b = append(b, ' ')
	if st == Full && m != ipvs.FwdMasq && m != ipvs.FwdTunnel {
		b = append(b, "-g"...)
	} else {
		b = append(b, m.Option()...)
	}
	b = append(b, " -w "...)
	b = strconv.AppendInt(b, int64(d.Weight), 10)
	if st == Full && d.UpperThreshold != 0 {
		b = append(b, " -x "...)
		b = strconv.AppendUint(b, uint64(d.UpperThreshold), 10)
	}
	if st == Full && d.LowerThreshold != 0 {
		b = append(b, " -y "...)
		b = strconv.AppendUint(b, uint64(d.LowerThreshold), 10)
	}
	if m != ipvs.FwdTunnel {
		return b
	}
	csum := d.TunFlags
	if st == Full && !csum.Known() {
		csum = ipvs.TunFlagNoCsum
	}
	switch d.TunType {
	case ipvs.TunGUE:
		b = append(b, " --tun-type "...)
		b = append(b, d.TunType.String()...)
		b = append(b, " --tun-port "...)
		b = strconv.AppendUint(b, uint64(d.TunPort), 10)
		b = append(b, ' ')
		b = append(b, csum.Option()...)
	case ipvs.TunGRE:
		b = append(b, " --tun-type "...)
		b = append(b, d.TunType.String()...)
		b = append(b, ' ')
		b = append(b, csum.Option()...)
	case ipvs.TunIPIP:
		if st == Save {
			b = append(b, " --tun-type "...)
			b = append(b, d.TunType.String()...)
		}
	}
	return b
}

// AppendKey appends the numeric options that name a service:
// "-t 10.0.0.1:80", "-u [2001:db8::1]:53", "--sctp-service ...",
// "-f 7", "-f 7 -6".
func AppendKey(b []byte, s *ipvs.Service) []byte {
	if s.FWMark != 0 {
		b = append(b, "-f "...)
		b = strconv.AppendUint(b, uint64(s.FWMark), 10)
		if s.Family == ipvs.AFInet6 {
			b = append(b, " -6"...)
		}
		return b
	}
	b = AppendProtocol(b, s.Protocol, Full)
	return AppendAddrPort(b, s.Address, s.Port)
}

// AppendProtocol appends the option, and the space after it, that names a
// service of protocol p: "-t ", "-u ", "--sctp-service ". ipvsadm's -S
// (Save) writes "--xxx-service " for any other; Full "--protocol-N ".
func AppendProtocol(b []byte, p ipvs.Protocol, st Style) []byte {
	switch {
	case p == ipvs.TCP:
		return append(b, "-t "...)
	case p == ipvs.UDP:
		return append(b, "-u "...)
	case p == ipvs.SCTP:
		return append(b, "--sctp-service "...)
	case st == Save:
		return append(b, "--xxx-service "...)
	}
	b = append(b, "--protocol-"...)
	b = strconv.AppendInt(b, int64(p), 10)
	return append(b, ' ')
}

// AppendDestAddr appends "-r" 's argument for real server d of s: as
// AppendAddrPort, except that an IPv4 server of a service with a port has
// its port 0 written out (without it, it would take the service's).
func AppendDestAddr(b []byte, s *ipvs.Service, d *ipvs.Destination) []byte {
	if a := d.Address.Unmap(); d.Port == 0 && s.Port != 0 && !a.Is6() {
		return append(append(b, a.String()...), ":0"...)
	}
	return AppendAddrPort(b, d.Address, d.Port)
}

// AppendAddrPort appends ADDR:PORT, [ADDR6]:PORT, or an IPv4 address alone
// for port 0.
func AppendAddrPort(b []byte, a netip.Addr, port uint16) []byte {
	a = a.Unmap()
	if a.Is6() {
		// ipvsadm takes brackets only with a port after them, even :0.
		b = append(b, '[')
		b = append(b, a.String()...)
		b = append(b, ']')
	} else {
		b = append(b, a.String()...)
		if port == 0 {
			return b
		}
	}
	b = append(b, ':')
	return strconv.AppendUint(b, uint64(port), 10)
}
