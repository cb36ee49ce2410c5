package diagnose

import (
	"fmt"
	"math/bits"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lvsgo/ipvsadm/internal/realserver"
	"github.com/lvsgo/ipvsadm/internal/sysctl"
	"github.com/lvsgo/ipvsadm/internal/table"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// System reads what the checks need from the host; Kernel is the real
// one. Every read is read-only. Calls come from one goroutine, the
// caller's: under --netns only the main thread is in the namespace.
type System interface {
	Conns() ([]Conn, error)           // /proc/net/ip_vs_conn
	Routes(dsts []netip.Addr) []Route // ip route get DST, for each DST
	Neighbours() ([]Neighbour, error) // ip neigh
	Sysctl(k sysctl.Key) (string, bool, error)
	Module(name string) ModState
	Links() ([]Link, error)
	Addrs() ([]realserver.Addr, error)
	// DefaultRoute is the IPv4 default route's interface and gateways;
	// "" when there is none.
	DefaultRoute() (string, []netip.Addr, error)
	Listeners() ([]netip.AddrPort, error) // TCP, state LISTEN
	// IPVSStatus is /proc/net/ip_vs_status (7.x); ok false without it.
	IPVSStatus() (text string, ok bool, err error)
	// ModuleParam is /sys/module/MODULE/parameters/PARAM; ok false
	// without it.
	ModuleParam(module, param string) (value string, ok bool, err error)
	Probe(p ProbePlan) *Probes
}

// ProbePlan is what --probe sends.
type ProbePlan struct {
	TCP     []netip.AddrPort
	ARP     []ARPProbe
	Timeout time.Duration // each probe's
	Budget  time.Duration // all of them together
}

// ARPProbe is one ARP request: who has VIP, asked out of Dev from Src.
type ARPProbe struct {
	ARPKey
	Src netip.Addr
}

// Probe limits: a probe that has no answer in a second is not getting
// one; the whole lot stays under five.
const (
	probeTimeout = time.Second
	probeBudget  = 5 * time.Second
)

// readProblem is a finding about something doctor could not read.
func readProblem(what string, err error) Finding {
	return Finding{Status: Warn, Check: "read", Message: fmt.Sprintf("cannot read %s: %v", what, err)}
}

// ReadServices reads the table (or the one service key names) with
// every real server. An error is the kernel's, for the caller to word as
// -L does.
func ReadServices(api ipvs.API, k *ipvs.Service) ([]Service, error) {
	out, err := table.Read(api, k)
	if err != nil {
		return nil, err
	}
	SortServices(out)
	return out, nil
}

// GatherDirector reads the rest of a director's snapshot for svcs: the
// daemons, routes, settings, modules and connections, then the probes
// (when probe), then the neighbour table, so that it has what the
// probes resolved. What cannot be read becomes a warning.
func GatherDirector(api ipvs.API, sys System, svcs []Service, probe bool) (*Snapshot, []Finding) {
	var probs []Finding
	s := &Snapshot{Services: svcs, Routes: map[netip.Addr]Route{}, Sysctls: map[string]string{},
		Modules: map[string]ModState{}}
	var err error
	if s.Daemons, err = api.Daemons(); err != nil {
		probs = append(probs, readProblem("the sync daemons", err))
	}
	readSysctl := func(k sysctl.Key) {
		if _, done := s.Sysctls[k.String()]; done {
			return
		}
		v, ok, err := sys.Sysctl(k)
		switch {
		case err != nil:
			probs = append(probs, readProblem(k.String(), err))
		case ok:
			s.Sysctls[k.String()] = v
		}
	}
	s.routes(sys, svcs)
	for _, svc := range svcs {
		for _, m := range []string{"ip_vs_" + svc.Scheduler, "ip_vs_pe_" + svc.PEName} {
			if _, done := s.Modules[m]; !done && m != "ip_vs_" && m != "ip_vs_pe_" {
				s.Modules[m] = sys.Module(m)
			}
		}
		for _, d := range svc.Dests {
			r := s.Routes[d.Address]
			if d.FwdMethod() != ipvs.FwdMasq {
				continue
			}
			ver := "ipv4"
			if d.AddrFamily(&svc.Service) == ipvs.AFInet6 {
				ver = "ipv6"
				readSysctl(sysctl.Key{"net", "ipv6", "conf", "all", "forwarding"})
			} else {
				readSysctl(sysctl.Key{"net", "ipv4", "ip_forward"})
			}
			if r.Dev != "" {
				readSysctl(sysctl.Key{"net", ver, "conf", r.Dev, "forwarding"})
			}
		}
	}
	if len(svcs) > 0 {
		if s.Timeouts, err = api.Timeouts(); err != nil {
			probs = append(probs, readProblem("the timeouts", err))
		}
		if s.Conns, err = sys.Conns(); err != nil {
			probs = append(probs, readProblem("the connection table", err))
		}
		s.ConnTable, probs = gatherConnTable(sys, s, readSysctl, probs)
		if s.ConnTable == nil {
			// No conn_tab_bits under /sys/module (ip_vs built in, or
			// a kernel that does not show it): the size GET_INFO
			// reports, -L's size=, is the fixed table's.
			if in := api.Info(); in.ConnTabSize > 1 && in.ConnTabSize&(in.ConnTabSize-1) == 0 {
				s.ConnTable = &ConnTable{TabBits: bits.Len32(in.ConnTabSize) - 1}
			}
		}
	}
	if probe {
		s.Probes = sys.Probe(PlanProbes(s))
	}
	if s.Neighbours, err = sys.Neighbours(); err != nil {
		probs = append(probs, readProblem("the neighbour table", err))
	}
	return s, probs
}

// gatherConnTable reads the connection table's state: ip_vs_status and
// the lfactor sysctls on 7.x, ip_vs's conn_tab_bits before.
func gatherConnTable(sys System, s *Snapshot, readSysctl func(sysctl.Key), probs []Finding) (*ConnTable, []Finding) {
	text, ok, err := sys.IPVSStatus()
	if err != nil {
		return nil, append(probs, readProblem("/proc/net/ip_vs_status", err))
	}
	if ok {
		readSysctl(sysctl.Key{"net", "ipv4", "vs", "conn_lfactor"})
		readSysctl(sysctl.Key{"net", "ipv4", "vs", "svc_lfactor"})
		return &ConnTable{Status: ParseIPVSStatus(text)}, probs
	}
	v, ok, err := sys.ModuleParam("ip_vs", "conn_tab_bits")
	if err != nil {
		return nil, append(probs, readProblem("ip_vs's conn_tab_bits", err))
	}
	if !ok {
		return nil, probs
	}
	b, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || b <= 0 || b > 30 {
		return nil, append(probs, readProblem("ip_vs's conn_tab_bits", fmt.Errorf("%q is not a table size", v)))
	}
	return &ConnTable{TabBits: b}, probs
}

// routes asks for the route to each VIP (of an address service) and real
// server of svcs, each address once, all in one call.
func (s *Snapshot) routes(sys System, svcs []Service) {
	n := 0
	for _, svc := range svcs {
		n += 1 + len(svc.Dests)
	}
	if len(s.Routes) == 0 {
		s.Routes = make(map[netip.Addr]Route, n)
	}
	addrs := make([]netip.Addr, 0, n)
	add := func(a netip.Addr) {
		if _, ok := s.Routes[a]; !ok {
			s.Routes[a] = Route{}
			addrs = append(addrs, a)
		}
	}
	for _, svc := range svcs {
		if svc.FWMark == 0 {
			add(svc.Address)
		}
		for _, d := range svc.Dests {
			add(d.Address)
		}
	}
	for i, r := range sys.Routes(addrs) {
		s.Routes[addrs[i]] = r
	}
}

// PlanProbes says what --probe sends for s: a TCP connect to each real
// server of a TCP service (fwmark services' too, best effort, unless the
// port is 0), and an ARP request for each IPv4 VIP of a DR service out
// of each interface toward its real servers, from this director's
// address there.
func PlanProbes(s *Snapshot) ProbePlan {
	p := ProbePlan{Timeout: probeTimeout, Budget: probeBudget}
	arp := map[ARPKey]bool{}
	for _, svc := range s.Services {
		for _, d := range svc.Dests {
			ap := netip.AddrPortFrom(d.Address, d.Port)
			tcp := svc.Protocol == ipvs.TCP || svc.FWMark != 0
			if tcp && d.Port != 0 && !slices.Contains(p.TCP, ap) {
				p.TCP = append(p.TCP, ap)
			}
			r := s.Routes[d.Address]
			if d.FwdMethod() != ipvs.FwdDirect || svc.FWMark != 0 || !svc.Address.Is4() ||
				r.Type != RouteUnicast || r.Gateway.IsValid() || !r.Src.Is4() {
				continue
			}
			k := ARPKey{svc.Address, r.Dev}
			if !arp[k] {
				arp[k] = true
				p.ARP = append(p.ARP, ARPProbe{k, r.Src})
			}
		}
	}
	return p
}

// GatherRealServer reads a real server's snapshot for o.
func GatherRealServer(sys System, o Setup) (*RSSnapshot, []Finding) {
	var probs []Finding
	s := &RSSnapshot{Sysctls: map[string]string{}, Modules: map[string]ModState{}}
	var err error
	if s.DefaultDev, s.DefaultGateways, err = sys.DefaultRoute(); err != nil {
		probs = append(probs, readProblem("the default route", err))
	}
	if s.Links, err = sys.Links(); err != nil {
		probs = append(probs, readProblem("the interfaces", err))
	}
	if s.ARP.Addrs, err = sys.Addrs(); err != nil {
		probs = append(probs, readProblem("the addresses", err))
	}
	devs := []string{"all"}
	if s.DefaultDev != "" {
		devs = append(devs, s.DefaultDev)
	}
	if wanted, err := realserver.Wanted(devs); err == nil {
		for _, w := range wanted {
			v, ok, err := sys.Sysctl(w.Key)
			if err != nil {
				probs = append(probs, readProblem(w.Key.String(), err))
			} else if ok {
				s.ARP.Sysctls = append(s.ARP.Sysctls, realserver.Setting{Key: w.Key, Value: v})
			}
		}
	}
	for _, dev := range append([]string{"all"}, linkNames(s.Links)...) {
		k, err := sysctl.IPv4Conf(dev, "rp_filter")
		if err != nil {
			continue
		}
		if v, ok, err := sys.Sysctl(k); err == nil && ok {
			s.Sysctls[k.String()] = v
		}
	}
	if s.Listeners, err = sys.Listeners(); err != nil {
		probs = append(probs, readProblem("the listening sockets", err))
	}
	if o.Director.IsValid() {
		s.ToDirector = sys.Routes([]netip.Addr{o.Director})[0]
	}
	if o.Tunnel == "gue" {
		s.Modules["fou"] = sys.Module("fou")
	}
	return s, probs
}

func linkNames(ls []Link) []string {
	var n []string
	for _, l := range ls {
		n = append(n, l.Name)
	}
	return n
}

// CheckDirector runs the director checks on svcs, a table read with
// table.Read (sorted here, in place), as `ipvsadm doctor` does: the
// probes only when probe. What could not be read is a "read" warning.
func CheckDirector(api ipvs.API, sys System, svcs []Service, probe bool) []Finding {
	SortServices(svcs)
	snap, fs := GatherDirector(api, sys, svcs, probe)
	return append(fs, Director(snap)...)
}
