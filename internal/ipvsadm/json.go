package ipvsadm

import (
	"bufio"
	"encoding/json"
	"net/netip"
	"os"

	"github.com/lvsgo/ipvsadm/internal/conntab"
	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/jsonschema"
	"github.com/lvsgo/ipvsadm/internal/kernelmsg"
	"github.com/lvsgo/ipvsadm/internal/show"
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
			return nil, r.kernelFail(kernelmsg.GetService, err, 1)
		}
		svcs = []ipvs.Service{svc}
	} else {
		var err error
		if svcs, err = ipvs.Services(r.api); err != nil {
			return nil, r.kernelFail(kernelmsg.GetServices, err, 1)
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
			return nil, r.kernelFail(kernelmsg.GetDests, err, 1)
		}
		if f&grammar.FmtNoSort == 0 {
			table.SortDests(&svcs[i], dests)
		}
		t.Services = append(t.Services, show.Service(&svcs[i], dests, f, r.names))
	}
	return t, nil
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

func buildJSONConn(c *conntab.Fields, n int, f grammar.Format, names show.Namer) jsonschema.Conn {
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
			e.Address = string(show.AppendNtop(nil, af, a))
		}
		e.Host, e.PortName = show.Names(af, a, port, proto, f, names)
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
