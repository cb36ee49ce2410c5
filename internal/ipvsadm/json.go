package ipvsadm

import (
	"bufio"
	"encoding/json"
	"net/netip"
	"os"

	"github.com/lvsgo/ipvsadm/internal/conntab"
	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/jsonschema"
	"github.com/lvsgo/ipvsadm/internal/table"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// --json is an addition: every list view (-L with its variants, -c,
// --timeout, --daemon, -L -t VIP) prints one JSON document instead of the
// table. Numbers are exact; addresses and ports are separate fields; names
// (host, port_name) are present only without -n and only when they resolve.
// The view options that pick table columns (--stats, --rate, --thresholds,
// --persistent-conn, --tun-info, --exact) do not change the document: every
// field is always there. The schema is documented in docs/json.md.

// listJSON runs a list view with --json. Nothing reaches stdout unless the
// whole document could be built; errors are those of the table views.
func (r *runner) listJSON(req *grammar.Request) error {
	f := req.Format
	opts := req.Options
	var doc any
	var err error
	switch {
	case opts&grammar.OptConnection != 0:
		doc, err = r.jsonConns(f)
	case opts&grammar.OptTimeout != 0:
		t, e := r.api.Timeouts()
		if e != nil {
			return exitStatus(1)
		}
		var d jsonschema.TimeoutsDoc
		d.Timeouts.TCP, d.Timeouts.TCPFin, d.Timeouts.UDP = t.TCP, t.TCPFin, t.UDP
		doc = d
	case opts&grammar.OptDaemon != 0:
		ds, e := r.api.Daemons()
		if e != nil {
			return exitStatus(1)
		}
		doc = buildJSONDaemons(ds)
	default:
		doc, err = r.jsonServices(req)
	}
	if err != nil {
		return err
	}
	return r.writeJSON(doc)
}

func (r *runner) writeJSON(doc any) error {
	enc := json.NewEncoder(r.out)
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

func (r *runner) jsonServices(req *grammar.Request) (*jsonschema.Table, error) {
	f := req.Format
	var svcs []ipvs.Service
	if req.Options&grammar.OptService != 0 {
		svc, err := r.api.Service(req.Service)
		if err != nil {
			return nil, r.kernelFail(opGetService, err, 1)
		}
		svcs = []ipvs.Service{svc}
	} else {
		var err error
		if svcs, err = ipvs.Services(r.api); err != nil {
			return nil, r.kernelFail(opGetServices, err, 1)
		}
		if f&grammar.FmtNoSort == 0 {
			table.SortServices(svcs)
		}
	}
	t := &jsonschema.Table{Version: r.info.Version.String(), ConnTableSize: r.info.ConnTabSize,
		Services: make([]jsonschema.Service, 0, len(svcs))}
	for i := range svcs {
		dests, err := ipvs.Destinations(r.api, svcs[i])
		if err != nil {
			return nil, r.kernelFail(opGetDests, err, 1)
		}
		if f&grammar.FmtNoSort == 0 {
			table.SortDests(&svcs[i], dests)
		}
		t.Services = append(t.Services, buildJSONService(&svcs[i], dests, f, r.names))
	}
	return t, nil
}

// buildJSONService is the pure part: one service and its (sorted) real
// servers as the document shows them.
func buildJSONService(s *ipvs.Service, dests []ipvs.Destination, f grammar.Format, n Namer) jsonschema.Service {
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
		Stats:        statsOf(&s.Stats),
		Rate:         rateOf(&s.Stats),
		Destinations: make([]jsonschema.Dest, 0, len(dests)),
	}
	if s.FWMark == 0 {
		j.Protocol = s.Protocol.String()
		j.Address = string(appendNtop(nil, s.Family, s.Address))
		port := int(s.Port)
		j.Port = &port
		j.Host, j.PortName = jsonNames(s.Family, s.Address, s.Port, s.Protocol, f, n)
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
		j.Destinations = append(j.Destinations, buildJSONDest(s, &dests[i], f, n))
	}
	return j
}

func buildJSONDest(s *ipvs.Service, d *ipvs.Destination, f grammar.Format, n Namer) jsonschema.Dest {
	af := d.AddrFamily(s)
	j := jsonschema.Dest{
		Family:          af.String(),
		Address:         string(appendNtop(nil, af, d.Address)),
		Port:            int(d.Port),
		Forward:         d.FwdMethod().String(),
		Weight:          d.Weight,
		UpperThreshold:  d.UpperThreshold,
		LowerThreshold:  d.LowerThreshold,
		ActiveConns:     d.ActiveConns,
		InactiveConns:   d.InactConns,
		PersistentConns: d.PersistConns,
		Stats:           statsOf(&d.Stats),
		Rate:            rateOf(&d.Stats),
	}
	j.Host, j.PortName = jsonNames(af, d.Address, d.Port, s.Protocol, f, n)
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

// jsonNames are the host and port names a table would show instead of
// the numbers; none with -n or when they do not resolve.
func jsonNames(af ipvs.Family, a netip.Addr, port uint16, proto ipvs.Protocol, f grammar.Format, n Namer) (host, portName string) {
	if f&grammar.FmtNumeric != 0 || n == nil {
		return "", ""
	}
	if h, ok := n.Host(unionAddr(af, a)); ok {
		host = h
	}
	if port != 0 {
		if p, ok := n.Service(port, proto); ok {
			portName = p
		}
	}
	return host, portName
}

func statsOf(s *ipvs.Stats) jsonschema.Stats {
	return jsonschema.Stats{Conns: s.Conns, InPackets: s.InPkts, OutPackets: s.OutPkts, InBytes: s.InBytes, OutBytes: s.OutBytes}
}

func rateOf(s *ipvs.Stats) jsonschema.Rate {
	return jsonschema.Rate{CPS: s.CPS, InPPS: s.InPPS, OutPPS: s.OutPPS, InBPS: s.InBPS, OutBPS: s.OutBPS}
}

func buildJSONDaemons(ds []ipvs.Daemon) jsonschema.Daemons {
	out := jsonschema.Daemons{Daemons: []jsonschema.Daemon{}}
	if len(ds) > 2 {
		ds = ds[:2]
	}
	for _, d := range ds {
		j := jsonschema.Daemon{McastInterface: d.McastIfn, SyncID: d.SyncID, SyncMaxLen: d.SyncMaxLen,
			McastPort: d.McastPort, McastTTL: d.McastTTL}
		if j.State = d.State.String(); j.State == "" {
			continue
		}
		if d.McastGroup.IsValid() {
			j.McastGroup = d.McastGroup.String()
		}
		out.Daemons = append(out.Daemons, j)
	}
	return out
}

func (r *runner) jsonConns(f grammar.Format) (*jsonschema.Conns, error) {
	fh, err := os.Open(r.connPath)
	if err != nil {
		r.errorLine("cannot open file " + r.connPath)
		return nil, exitStatus(1)
	}
	defer fh.Close()
	return r.buildJSONConns(bufio.NewReaderSize(fh, 64<<10), f)
}

// buildJSONConns reads /proc/net/ip_vs_conn as -c does.
func (r *runner) buildJSONConns(in *bufio.Reader, f grammar.Format) (*jsonschema.Conns, error) {
	lr := conntab.NewReader(in)
	if _, ok := lr.Next(); !ok {
		r.errorLine("unexpected input from " + r.connPath)
		return nil, exitStatus(1)
	}
	out := &jsonschema.Conns{Connections: []jsonschema.Conn{}}
	var c conntab.Fields
	for {
		line, ok := lr.Next()
		if !ok {
			return out, nil
		}
		n := conntab.Scan(line, &c)
		if n == -1 {
			return nil, exitStatus(1)
		}
		out.Connections = append(out.Connections, buildJSONConn(&c, n, f, r.names))
	}
}

func buildJSONConn(c *conntab.Fields, n int, f grammar.Format, names Namer) jsonschema.Conn {
	proto := conntab.Protocol(c.Protocol)
	af, caddr := conntab.Addr(c.Client)
	var vaddr netip.Addr
	if af == ipvs.AFInet6 {
		vaddr, _ = netip.ParseAddr(c.Virtual)
	} else {
		_, vaddr = conntab.Addr(c.Virtual)
	}
	daf, daddr := conntab.Addr(c.Dest)
	ep := func(af ipvs.Family, a netip.Addr, port uint16) jsonschema.Endpoint {
		e := jsonschema.Endpoint{Family: af.String(), Port: int(port)}
		if a.IsValid() {
			e.Address = string(appendNtop(nil, af, a))
		}
		e.Host, e.PortName = jsonNames(af, a, port, proto, f, names)
		return e
	}
	j := jsonschema.Conn{
		Protocol:    c.Protocol,
		Client:      ep(af, caddr, c.CPort),
		Virtual:     ep(af, vaddr, c.VPort),
		Destination: ep(daf, daddr, c.DPort),
		State:       c.State,
		Expires:     c.Expires,
	}
	if n == 11 {
		j.PE, j.PEData = c.PEName, c.PEData
	}
	return j
}
