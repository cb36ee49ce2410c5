package ipvsadm

import (
	"errors"
	"net/netip"
	"strconv"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/kernelmsg"
	"github.com/lvsgo/ipvsadm/internal/show"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// listAll prints the whole table (-L, -S, or no arguments at all).
func (r *runner) listAll(f grammar.Format) error {
	if f&grammar.FmtRule == 0 {
		r.buf = appendHeader(r.buf[:0], r.info)
		r.write(r.buf)
	}
	svcs, err := r.services(f&(grammar.FmtStats|grammar.FmtRate) != 0)
	if err != nil {
		return r.kernelFail(kernelmsg.GetServices, err, 1)
	}
	order := serviceOrder(svcs, f&grammar.FmtNoSort == 0)
	r.buf = appendTitle(r.buf[:0], f)
	r.write(r.buf)
	var s ipvs.Service
	for _, i := range order {
		if err := r.printService(svcs.at(int(i), &s), f); err != nil {
			return err
		}
	}
	return nil
}

// serviceTable is a dumped service table, kept compactly: in fixed-size
// chunks (a table of any size is collected without the copies and garbage
// of a growing slice), names as indexes into a short list, and without the
// counters unless the list prints them. For a large table the services
// are most of what a list holds.
type serviceTable struct {
	chunks [][]svcRec
	stats  [][]ipvs.Stats // only with keepStats
	names  []string       // schedulers and persistence engines
	n      int

	keepStats bool
}

// svcRec is an ipvs.Service without its Stats.
type svcRec struct {
	addr      [16]byte
	family    ipvs.Family
	protocol  ipvs.Protocol
	port      uint16
	addrKind  uint8 // 0: none, 4, 6
	sched, pe uint8 // indexes into names
	fwmark    uint32
	flags     uint32
	timeout   uint32
	netmask   ipvs.Netmask
}

const svcChunk = 256

// name is the index of s in t.names. A table has a handful of distinct
// names; there is room for 256.
func (t *serviceTable) name(s string) (uint8, bool) {
	for i, n := range t.names {
		if n == s {
			return uint8(i), true
		}
	}
	if len(t.names) == 256 {
		return 0, false
	}
	t.names = append(t.names, s)
	return uint8(len(t.names) - 1), true
}

var errTooManyNames = errors.New("more than 256 scheduler and persistence engine names")

func (t *serviceTable) add(s *ipvs.Service) error {
	sched, ok1 := t.name(s.Scheduler)
	pe, ok2 := t.name(s.PEName)
	if !ok1 || !ok2 {
		return errTooManyNames
	}
	r := svcRec{family: s.Family, protocol: s.Protocol, port: s.Port, sched: sched, pe: pe,
		fwmark: s.FWMark, flags: s.Flags, timeout: s.Timeout, netmask: s.Netmask}
	switch {
	case s.Address.Is4():
		r.addrKind, r.addr = 4, s.Address.As16()
	case s.Address.IsValid() && s.Address.Zone() == "":
		r.addrKind, r.addr = 6, s.Address.As16()
	case s.Address.IsValid():
		return errors.New("zoned service address") // the kernel has no zones
	}
	if t.n%svcChunk == 0 {
		t.chunks = append(t.chunks, make([]svcRec, 0, svcChunk))
		if t.keepStats {
			t.stats = append(t.stats, make([]ipvs.Stats, 0, svcChunk))
		}
	}
	c := &t.chunks[len(t.chunks)-1]
	*c = append(*c, r)
	if t.keepStats {
		st := &t.stats[len(t.stats)-1]
		*st = append(*st, s.Stats)
	}
	t.n++
	return nil
}

// at fills s with the i-th service (Stats zero unless kept).
func (t *serviceTable) at(i int, s *ipvs.Service) *ipvs.Service {
	r := &t.chunks[i/svcChunk][i%svcChunk]
	*s = ipvs.Service{Family: r.family, Protocol: r.protocol, Port: r.port, FWMark: r.fwmark,
		Scheduler: t.names[r.sched], Flags: r.flags, Timeout: r.timeout, Netmask: r.netmask, PEName: t.names[r.pe]}
	switch r.addrKind {
	case 4:
		s.Address = netip.AddrFrom16(r.addr).Unmap()
	case 6:
		s.Address = netip.AddrFrom16(r.addr)
	}
	if t.keepStats {
		s.Stats = t.stats[i/svcChunk][i%svcChunk]
	}
	return s
}

// services reads the whole service table, in the kernel's order.
func (r *runner) services(keepStats bool) (*serviceTable, error) {
	t := &serviceTable{keepStats: keepStats}
	return t, r.api.EachService(t.add)
}

// listService prints one service (-L -t/-u/-f/--sctp-service).
func (r *runner) listService(key ipvs.Service, f grammar.Format) error {
	svc, err := r.api.Service(key)
	if err != nil {
		return r.kernelFail(kernelmsg.GetService, err, 1)
	}
	r.buf = appendTitle(r.buf[:0], f)
	r.write(r.buf)
	return r.printService(&svc, f)
}

// printService prints a service line and its destinations. Like ipvsadm it
// asks for the destinations before printing anything of the service.
func (r *runner) printService(s *ipvs.Service, f grammar.Format) error {
	dests, err := r.destinations(s)
	if err != nil {
		return r.kernelFail(kernelmsg.GetDests, err, 1)
	}
	r.name = show.AppendServiceName(r.name[:0], s, f, r.names)
	r.buf = appendServiceLine(r.buf[:0], s, r.name, f)
	r.write(r.buf)
	if f&grammar.FmtNoSort == 0 {
		r.dsort.Sort(s, dests)
	}
	for i := range dests {
		r.buf = appendDestLine(r.buf[:0], s, r.name, &dests[i], f, r.names)
		r.write(r.buf)
	}
	return nil
}

// listTimeout prints --timeout. ipvsadm exits 1 without a word when the
// kernel will not say.
func (r *runner) listTimeout() error {
	t, err := r.api.Timeouts()
	if err != nil {
		return exitStatus(1)
	}
	r.buf = appendTimeouts(r.buf[:0], t)
	r.write(r.buf)
	return nil
}

func appendTimeouts(b []byte, t ipvs.Timeouts) []byte {
	b = append(b, "Timeout (tcp tcpfin udp): "...)
	b = strconv.AppendInt(b, int64(int32(t.TCP)), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(int32(t.TCPFin)), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(int32(t.UDP)), 10)
	return append(b, '\n')
}

// listDaemon prints --daemon: at most the first two daemons the kernel
// reports (master, backup).
func (r *runner) listDaemon() error {
	ds, err := r.api.Daemons()
	if err != nil {
		return exitStatus(1)
	}
	if len(ds) > 2 {
		ds = ds[:2]
	}
	for i := range ds {
		r.buf = appendDaemon(r.buf[:0], &ds[i])
		r.write(r.buf)
	}
	return nil
}

func appendDaemon(b []byte, d *ipvs.Daemon) []byte {
	if d.State.Role() == ipvs.StateNone {
		return b
	}
	b = append(b, d.State.String()...)
	b = append(b, " sync daemon (mcast="...)
	b = append(b, d.McastIfn...)
	b = append(b, ", syncid="...)
	b = strconv.AppendInt(b, int64(int32(d.SyncID)), 10)
	if d.SyncMaxLen != 0 {
		b = append(b, ", maxlen="...)
		b = strconv.AppendUint(b, uint64(d.SyncMaxLen), 10)
	}
	if d.McastGroup.IsValid() {
		b = append(b, ", group="...)
		if d.McastGroup.Is4() {
			b = d.McastGroup.AppendTo(b)
		} else {
			b = show.AppendNtop6(b, d.McastGroup.As16())
		}
	}
	if d.McastPort != 0 {
		b = append(b, ", port="...)
		b = strconv.AppendUint(b, uint64(d.McastPort), 10)
	}
	if d.McastTTL != 0 {
		b = append(b, ", ttl="...)
		b = strconv.AppendUint(b, uint64(d.McastTTL), 10)
	}
	return append(b, ")\n"...)
}

// destinations reads s's destinations into a slice reused from service to
// service: a list of many services allocates nothing per destination.
func (r *runner) destinations(s *ipvs.Service) ([]ipvs.Destination, error) {
	if r.addDest == nil {
		r.addDest = func(d *ipvs.Destination) error {
			r.dests = append(r.dests, *d)
			return nil
		}
	}
	r.dests = r.dests[:0]
	err := r.api.EachDestination(*s, r.addDest)
	return r.dests, err
}
