package apply

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// Format is op as an ipvsadm command line without the program name, in the
// numeric -S style: "-A -t 10.0.0.1:80 -s wlc", "-d -t ... -r ...". The
// line parses back to the same service and destination.
func Format(op ipvs.Op) string {
	var b strings.Builder
	s, d := &op.Service, &op.Dest
	switch op.Kind {
	case ipvs.OpNewService:
		b.WriteString("-A ")
	case ipvs.OpUpdateService:
		b.WriteString("-E ")
	case ipvs.OpDelService:
		b.WriteString("-D ")
	case ipvs.OpNewDest:
		b.WriteString("-a ")
	case ipvs.OpUpdateDest:
		b.WriteString("-e ")
	case ipvs.OpDelDest:
		b.WriteString("-d ")
	default:
		return "# unsupported change"
	}
	b.WriteString(serviceName(s))
	switch op.Kind {
	case ipvs.OpNewService, ipvs.OpUpdateService:
		b.WriteString(" -s ")
		b.WriteString(s.Scheduler)
		if s.Flags&ipvs.SvcPersistent != 0 {
			b.WriteString(" -p ")
			b.WriteString(strconv.FormatUint(uint64(s.Timeout), 10))
			if m, ok := netmask(s); ok {
				b.WriteString(" -M ")
				b.WriteString(m)
			}
		}
		if s.PEName != "" {
			b.WriteString(" --pe ")
			b.WriteString(s.PEName)
		}
		if s.Flags&ipvs.SvcOnePacket != 0 {
			b.WriteString(" -o")
		}
		if f := schedFlags(s); f != "" {
			b.WriteString(" -b ")
			b.WriteString(f)
		}
	case ipvs.OpNewDest, ipvs.OpUpdateDest, ipvs.OpDelDest:
		b.WriteString(" -r ")
		if d.Port == 0 && s.Port != 0 && !d.Address.Unmap().Is6() {
			// A server without a port takes the service's: its port 0
			// must be written out.
			b.WriteString(d.Address.Unmap().String() + ":0")
		} else {
			b.WriteString(addrPort(d.Address, d.Port))
		}
		if op.Kind == ipvs.OpDelDest {
			break
		}
		if m := fwd(d); m == ipvs.FwdMasq || m == ipvs.FwdTunnel {
			b.WriteString(" " + m.Option())
		} else {
			b.WriteString(" -g")
		}
		b.WriteString(" -w ")
		b.WriteString(strconv.FormatInt(int64(d.Weight), 10))
		if d.UpperThreshold != 0 {
			b.WriteString(" -x ")
			b.WriteString(strconv.FormatUint(uint64(d.UpperThreshold), 10))
		}
		if d.LowerThreshold != 0 {
			b.WriteString(" -y ")
			b.WriteString(strconv.FormatUint(uint64(d.LowerThreshold), 10))
		}
		if fwd(d) == ipvs.FwdTunnel {
			switch d.TunType {
			case ipvs.TunGUE:
				b.WriteString(" --tun-type " + d.TunType.String() + " --tun-port ")
				b.WriteString(strconv.FormatUint(uint64(d.TunPort), 10))
				b.WriteString(tunCsum(d.TunFlags))
			case ipvs.TunGRE:
				b.WriteString(" --tun-type " + d.TunType.String())
				b.WriteString(tunCsum(d.TunFlags))
			}
		}
	}
	return b.String()
}

// tunCsum is the checksum option; a mode the kernel reports that is none
// of the three is written as --tun-nocsum.
func tunCsum(f ipvs.TunnelChecksum) string {
	if !f.Known() {
		f = ipvs.TunFlagNoCsum
	}
	return " " + f.Option()
}

// serviceName is the service's key as a rule gives it.
func serviceName(s *ipvs.Service) string {
	if s.FWMark != 0 {
		n := "-f " + strconv.FormatUint(uint64(s.FWMark), 10)
		if s.Family == ipvs.AFInet6 {
			n += " -6"
		}
		return n
	}
	var opt string
	switch s.Protocol {
	case ipvs.TCP:
		opt = "-t "
	case ipvs.UDP:
		opt = "-u "
	case ipvs.SCTP:
		opt = "--sctp-service "
	default:
		opt = "--protocol-" + strconv.Itoa(int(s.Protocol)) + " "
	}
	return opt + addrPort(s.Address, s.Port)
}

// addrPort is ADDR:PORT, [ADDR6]:PORT, or the address alone for port 0.
func addrPort(a netip.Addr, port uint16) string {
	a = a.Unmap()
	h := a.String()
	if a.Is6() {
		// ipvsadm takes brackets only with a port after them, even :0.
		h = "[" + h + "]"
	} else if port == 0 {
		return h
	}
	return h + ":" + strconv.FormatUint(uint64(port), 10)
}

// netmask is -M's argument, or false for a single host.
func netmask(s *ipvs.Service) (string, bool) {
	if s.Netmask.IsHost(s.Family) {
		return "", false
	}
	return s.Netmask.Format(s.Family), true
}

// schedFlags is -b's argument for the service's scheduler flags.
func schedFlags(s *ipvs.Service) string {
	return string(ipvs.AppendSchedFlags(nil, s.Scheduler, s.Flags))
}
