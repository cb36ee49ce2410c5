package diagnosetest

import (
	"net/netip"

	"github.com/lvsgo/ipvsadm/internal/diagnose"
	"github.com/lvsgo/ipvsadm/internal/realserver"
	"github.com/lvsgo/ipvsadm/internal/sysctl"
)

// System is a diagnose.System with fixed answers. A route it was not
// given is unreachable; a setting, module or parameter it was not given
// is absent.
type System struct {
	ConnList  []diagnose.Conn
	RouteTo   map[netip.Addr]diagnose.Route
	Neighbour []diagnose.Neighbour
	Sysctls   map[string]string // "net.ipv4.ip_forward": "1"
	Modules   map[string]diagnose.ModState
	LinkList  []diagnose.Link
	AddrList  []realserver.Addr
	DefDev    string
	DefGWs    []netip.Addr
	Listening []netip.AddrPort
	Probes    *diagnose.Probes  // what Probe returns
	Status    *string           // /proc/net/ip_vs_status; nil: none
	Params    map[string]string // "module/param"

	Calls []string            // what was asked, in order ("route 192.0.2.1", "probe", ...)
	Plan  *diagnose.ProbePlan // the last Probe's plan
}

var _ diagnose.System = (*System)(nil)

func (f *System) call(s string) { f.Calls = append(f.Calls, s) }

func (f *System) Conns() ([]diagnose.Conn, error) { f.call("conns"); return f.ConnList, nil }

func (f *System) Routes(as []netip.Addr) []diagnose.Route {
	out := make([]diagnose.Route, len(as))
	for i, a := range as {
		f.call("route " + a.String())
		r, ok := f.RouteTo[a]
		if !ok {
			r = diagnose.Route{Type: diagnose.RouteNone, Err: "network is unreachable"}
		}
		out[i] = r
	}
	return out
}

func (f *System) Neighbours() ([]diagnose.Neighbour, error) {
	f.call("neighbours")
	return f.Neighbour, nil
}

func (f *System) Sysctl(k sysctl.Key) (string, bool, error) {
	f.call("sysctl " + k.String())
	v, ok := f.Sysctls[k.String()]
	return v, ok, nil
}

func (f *System) Module(n string) diagnose.ModState { f.call("module " + n); return f.Modules[n] }

func (f *System) Links() ([]diagnose.Link, error)   { return f.LinkList, nil }
func (f *System) Addrs() ([]realserver.Addr, error) { return f.AddrList, nil }

func (f *System) DefaultRoute() (string, []netip.Addr, error) { return f.DefDev, f.DefGWs, nil }

func (f *System) Listeners() ([]netip.AddrPort, error) { return f.Listening, nil }

func (f *System) IPVSStatus() (string, bool, error) {
	f.call("ip_vs_status")
	if f.Status == nil {
		return "", false, nil
	}
	return *f.Status, true, nil
}

func (f *System) ModuleParam(m, p string) (string, bool, error) {
	f.call("param " + m + "/" + p)
	v, ok := f.Params[m+"/"+p]
	return v, ok, nil
}

func (f *System) Probe(p diagnose.ProbePlan) *diagnose.Probes {
	f.call("probe")
	f.Plan = &p
	return f.Probes
}
