package show

import (
	"net/netip"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/jsonschema"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// Service is s and its (sorted) real servers as `-L --json` shows them.
func Service(s *ipvs.Service, dests []ipvs.Destination, f grammar.Format, n Namer) jsonschema.Service {
	const schedFlags = ipvs.SvcSchedFlag1 | ipvs.SvcSchedFlag2 | ipvs.SvcSchedFlag3
	j := jsonschema.Service{
		Family:       s.Family.String(),
		FWMark:       s.FWMark,
		Scheduler:    s.Scheduler,
		SchedFlags:   []string{},
		Flags:        s.Flags,
		Persistent:   s.Flags&ipvs.SvcPersistent != 0,
		OnePacket:    s.Flags&ipvs.SvcOnePacket != 0,
		PE:           s.PEName,
		Stats:        Stats(&s.Stats),
		Rate:         Rate(&s.Stats),
		Destinations: make([]jsonschema.Dest, 0, len(dests)),
	}
	if s.FWMark == 0 {
		j.Protocol = s.Protocol.String()
		j.Address = string(AppendNtop(nil, s.Family, s.Address))
		port := int(s.Port)
		j.Port = &port
		j.Host, j.PortName = Names(s.Family, s.Address, s.Port, s.Protocol, f, n)
	}
	if s.Flags&schedFlags != 0 {
		j.SchedFlags = append(j.SchedFlags, ipvs.SchedFlagNames(s.Scheduler, s.Flags)...)
	}
	if j.Persistent {
		j.Timeout = s.Timeout
	}
	switch s.Family {
	case ipvs.AFInet:
		j.Netmask = s.Netmask.Format(s.Family)
		j.PrefixLength = s.Netmask.Ones(s.Family)
	case ipvs.AFInet6:
		j.PrefixLength = s.Netmask.Ones(s.Family)
	}
	for i := range dests {
		j.Destinations = append(j.Destinations, Dest(s, &dests[i], f, n))
	}
	return j
}

// Dest is d, a real server of s, as `-L --json` shows it.
func Dest(s *ipvs.Service, d *ipvs.Destination, f grammar.Format, n Namer) jsonschema.Dest {
	af := d.AddrFamily(s)
	j := jsonschema.Dest{
		Family:          af.String(),
		Address:         string(AppendNtop(nil, af, d.Address)),
		Port:            int(d.Port),
		Forward:         d.FwdMethod().String(),
		Weight:          d.Weight,
		UpperThreshold:  d.UpperThreshold,
		LowerThreshold:  d.LowerThreshold,
		ActiveConns:     d.ActiveConns,
		InactiveConns:   d.InactConns,
		PersistentConns: d.PersistConns,
		Stats:           Stats(&d.Stats),
		Rate:            Rate(&d.Stats),
	}
	j.Host, j.PortName = Names(af, d.Address, d.Port, s.Protocol, f, n)
	if d.FwdMethod() == ipvs.FwdTunnel {
		t := &jsonschema.Tunnel{}
		t.Type = d.TunType.String()
		if d.TunType == ipvs.TunGUE {
			t.Port = d.TunPort
		}
		if d.TunType != ipvs.TunIPIP {
			t.Csum = d.TunFlags.String()
		}
		j.Tunnel = t
	}
	return j
}

// Names are the host and port names a table would show instead of
// the numbers; none with -n or when they do not resolve.
func Names(af ipvs.Family, a netip.Addr, port uint16, proto ipvs.Protocol, f grammar.Format, n Namer) (host, portName string) {
	if f&grammar.FmtNumeric != 0 || n == nil {
		return "", ""
	}
	if h, ok := n.Host(hostAddr(af, a)); ok {
		host = h
	}
	if port != 0 {
		if p, ok := n.Service(port, proto); ok {
			portName = p
		}
	}
	return host, portName
}

// Stats is a counter set as `--json` shows it.
func Stats(s *ipvs.Stats) jsonschema.Stats {
	return jsonschema.Stats{Conns: s.Conns, InPackets: s.InPkts, OutPackets: s.OutPkts, InBytes: s.InBytes, OutBytes: s.OutBytes}
}

// Rate is the kernel's rate estimates as `--json` shows them.
func Rate(s *ipvs.Stats) jsonschema.Rate {
	return jsonschema.Rate{CPS: s.CPS, InPPS: s.InPPS, OutPPS: s.OutPPS, InBPS: s.InBPS, OutBPS: s.OutBPS}
}
