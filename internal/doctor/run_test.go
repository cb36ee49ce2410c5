package doctor

import (
	"bytes"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/ipvsadm"
	"github.com/lvsgo/ipvsadm/internal/ipvstest"
	"github.com/lvsgo/ipvsadm/internal/netdb"
	"github.com/lvsgo/ipvsadm/internal/realserver"
	"github.com/lvsgo/ipvsadm/internal/sysctl"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// fakeSystem answers from fixed values and records what was asked.
type fakeSystem struct {
	conns      []Conn
	routes     map[netip.Addr]Route
	neighbours []Neighbour
	sysctls    map[string]string
	modules    map[string]ModState
	links      []Link
	addrs      []realserver.Addr
	defDev     string
	defGWs     []netip.Addr
	listeners  []netip.AddrPort
	probes     *Probes
	status     *string           // /proc/net/ip_vs_status; nil: none
	params     map[string]string // "module/param"

	calls []string
	plan  *ProbePlan
}

func (f *fakeSystem) call(s string) { f.calls = append(f.calls, s) }

func (f *fakeSystem) Conns() ([]Conn, error) { f.call("conns"); return f.conns, nil }
func (f *fakeSystem) Routes(as []netip.Addr) []Route {
	out := make([]Route, len(as))
	for i, a := range as {
		f.call("route " + a.String())
		r, ok := f.routes[a]
		if !ok {
			r = Route{Type: RouteNone, Err: "network is unreachable"}
		}
		out[i] = r
	}
	return out
}
func (f *fakeSystem) Neighbours() ([]Neighbour, error) {
	f.call("neighbours")
	return f.neighbours, nil
}
func (f *fakeSystem) Sysctl(k sysctl.Key) (string, bool, error) {
	f.call("sysctl " + k.String())
	v, ok := f.sysctls[k.String()]
	return v, ok, nil
}
func (f *fakeSystem) Module(n string) ModState { f.call("module " + n); return f.modules[n] }
func (f *fakeSystem) Links() ([]Link, error)   { return f.links, nil }
func (f *fakeSystem) Addrs() ([]realserver.Addr, error) {
	return f.addrs, nil
}
func (f *fakeSystem) DefaultRoute() (string, []netip.Addr, error) { return f.defDev, f.defGWs, nil }
func (f *fakeSystem) Listeners() ([]netip.AddrPort, error)        { return f.listeners, nil }
func (f *fakeSystem) IPVSStatus() (string, bool, error) {
	f.call("ip_vs_status")
	if f.status == nil {
		return "", false, nil
	}
	return *f.status, true, nil
}
func (f *fakeSystem) ModuleParam(m, p string) (string, bool, error) {
	f.call("param " + m + "/" + p)
	v, ok := f.params[m+"/"+p]
	return v, ok, nil
}
func (f *fakeSystem) Probe(p ProbePlan) *Probes {
	f.call("probe")
	f.plan = &p
	return f.probes
}

// natLab is the NAT lab as a fake kernel and system, working.
func natLab() (*ipvstest.Kernel, *fakeSystem) {
	s := natSnap()
	k := &ipvstest.Kernel{KernelInfo: ipvs.Info{Version: 0x010201, ConnTabSize: 4096}}
	for _, svc := range s.Services {
		k.Table = append(k.Table, ipvstest.Service{Service: svc.Service, Dests: svc.Dests})
	}
	return k, &fakeSystem{conns: s.Conns, routes: s.Routes, neighbours: s.Neighbours, sysctls: s.Sysctls, modules: s.Modules}
}

func run(k ipvs.API, openErr error, sys System, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	env := Env{
		Open: func() (ipvs.API, error) {
			if openErr != nil {
				return nil, openErr
			}
			return k, nil
		},
		Sys: sys, Parser: &grammar.Parser{}, Stdout: &out, Stderr: &errb,
	}
	rc := Run(args, env)
	return rc, out.String(), errb.String()
}

func TestRunDirector(t *testing.T) {
	k, sys := natLab()
	rc, out, errs := run(k, nil, sys)
	if rc != 0 || errs != "" || !strings.HasSuffix(out, "0 warn, 0 fail\n") {
		t.Errorf("healthy: %d\n%s%s", rc, out, errs)
	}
	// Neither probes nor anything else without --probe; the table is
	// read without changing it.
	if slices.Contains(sys.calls, "probe") {
		t.Errorf("probed without --probe: %v", sys.calls)
	}
	for _, c := range k.Calls {
		if !strings.HasPrefix(c, "GET_") {
			t.Errorf("doctor asked the kernel for %s", c)
		}
	}

	sys.conns[1].State = "SYN_RECV"
	sys.conns = append(sys.conns, sys.conns[1])
	rc, out, _ = run(k, nil, sys, "-t", "172.16.1.143:80")
	if rc != 1 || !strings.Contains(out, "fail  TCP 172.16.1.143:80 -> 192.168.1.12:80  replies bypass the director: 2 connections, all in SYN_RECV") ||
		!strings.Contains(out, "      fix: on 192.168.1.12: ip route replace default via 192.168.1.118\n") {
		t.Errorf("rs2 bypassing: %d\n%s", rc, out)
	}

	rc, out, _ = run(k, nil, sys, "--json")
	if rc != 1 || strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, `{"mode":"director","ok":false,`) {
		t.Errorf("--json: %d %s", rc, out)
	}
}

func TestRunProbeOrder(t *testing.T) {
	k, sys := natLab()
	sys.probes = &Probes{TCP: map[netip.AddrPort]TCPResult{ap(rs1, 80): {Outcome: TCPOpen}, ap(rs2, 80): {Outcome: TCPRefused}}}
	rc, out, _ := run(k, nil, sys, "--probe")
	if rc != 1 || !strings.Contains(out, "fail  TCP 172.16.1.143:80 -> 192.168.1.12:80  nothing listens on 192.168.1.12:80") {
		t.Errorf("--probe: %d\n%s", rc, out)
	}
	// The neighbour table is read after the probes, which fill it.
	p, n := slices.Index(sys.calls, "probe"), slices.Index(sys.calls, "neighbours")
	if p < 0 || n < p {
		t.Errorf("calls %v: neighbours must follow probe", sys.calls)
	}
	if sys.plan == nil || len(sys.plan.TCP) != 2 {
		t.Errorf("plan %+v", sys.plan)
	}
}

func TestRunErrors(t *testing.T) {
	k, sys := natLab()
	for _, tc := range []struct {
		args    []string
		openErr error
		ipvsMod ModState
		rc      int
		stderr  string
	}{
		{[]string{"--bogus"}, nil, ModLoaded, 2, "ipvsadm doctor: unknown option \"--bogus\" (see ipvsadm doctor --help)\n"},
		{[]string{"-t", "1.2.3.4:99999"}, nil, ModLoaded, 2, "ipvsadm doctor: illegal virtual server address[:port] specified (see ipvsadm doctor --help)\n"},
		{nil, &ipvs.OpenError{Errno: syscall.ENOPROTOOPT, Missing: true, Err: errors.New("x")}, ModLoadable, 1,
			"ipvsadm doctor: IPVS is not available: the ip_vs module is not loaded (doctor loads no module; ipvsadm -A would)\n"},
		// No module to load: ipvsadm -A would fail too, so doctor says so.
		{nil, &ipvs.OpenError{Errno: syscall.ENOPROTOOPT, Missing: true, Err: errors.New("x")}, ModMissing, 1,
			"ipvsadm doctor: this kernel lacks IPVS: the ip_vs module is neither built in nor loadable\n"},
		{nil, &ipvs.OpenError{Errno: syscall.EPERM, Err: syscall.EPERM}, ModLoaded, 1,
			"ipvsadm doctor: must be run as root to read the IPVS table (--real-server need not be)\n"},
		{nil, errors.New("boom"), ModLoaded, 1, "ipvsadm doctor: cannot read the IPVS table: boom\n"},
		{[]string{"-t", "172.16.1.143:81"}, nil, ModLoaded, 1, "No such service\n"},
	} {
		sys.modules["ip_vs"] = tc.ipvsMod
		rc, out, errs := run(k, tc.openErr, sys, tc.args...)
		if rc != tc.rc || errs != tc.stderr || out != "" {
			t.Errorf("%q: %d %q %q, want %d %q", tc.args, rc, out, errs, tc.rc, tc.stderr)
		}
	}
	rc, out, _ := run(k, nil, sys, "--help")
	if rc != 0 || out != Usage {
		t.Errorf("--help: %d %q", rc, out)
	}
}

// A missing service gets what -L gives it: the same line, the same status.
func TestRunMissingServiceAsList(t *testing.T) {
	k, sys := natLab()
	for _, svc := range [][]string{{"-t", "172.16.1.143:81"}, {"-u", "172.16.1.143:80"}, {"-f", "9"}} {
		rc, _, errs := run(k, nil, sys, svc...)
		var lout, lerr bytes.Buffer
		lrc := ipvsadm.Run(append([]string{"ipvsadm", "-L", "-n"}, svc...), ipvsadm.Env{
			Open: func() (ipvs.API, error) { return k, nil }, Parser: &grammar.Parser{}, Names: netdb.Empty(),
			Stdout: &lout, Stderr: &lerr})
		if rc != lrc || errs != lerr.String() {
			t.Errorf("%q: doctor %d %q, -L %d %q", svc, rc, errs, lrc, lerr.String())
		}
	}
}

func TestRunRealServer(t *testing.T) {
	sys := &fakeSystem{
		defDev: "eth0", defGWs: []netip.Addr{dip},
		sysctls:   map[string]string{"net.ipv4.conf.all.rp_filter": "0"},
		links:     []Link{{Name: "lo", Up: true}, {Name: "eth0", Up: true}},
		listeners: []netip.AddrPort{netip.MustParseAddrPort("0.0.0.0:80")},
		routes:    map[netip.Addr]Route{dip: {Type: RouteUnicast, Dev: "eth0"}},
	}
	// No IPVS needed, and none asked for.
	rc, out, errs := run(nil, errors.New("must not open"), sys, "--real-server", "--director", "192.168.1.118", "172.16.1.143:80")
	if rc != 0 || errs != "" || !strings.Contains(out, "ok    this host        the default route goes via the director 192.168.1.118") {
		t.Errorf("NAT real server: %d\n%s%s", rc, out, errs)
	}
	sys.defGWs = []netip.Addr{netip.MustParseAddr("192.168.1.1")}
	rc, out, _ = run(nil, nil, sys, "--real-server", "--director", "192.168.1.118", "--json", "172.16.1.143:80")
	if rc != 1 || !strings.HasPrefix(out, `{"mode":"real-server","ok":false,`) ||
		!strings.Contains(out, `"fix":["ip route replace default via 192.168.1.118"]`) {
		t.Errorf("NAT real server, default route elsewhere: %d %s", rc, out)
	}
	// DR: the ARP sysctls are read for all and the default route's interface.
	run(nil, nil, sys, "--real-server", "192.168.2.143")
	for _, k := range []string{"net.ipv4.conf.all.arp_ignore", "net.ipv4.conf.eth0.arp_announce", "net.ipv4.conf.eth0.rp_filter"} {
		if !slices.Contains(sys.calls, "sysctl "+k) {
			t.Errorf("%s not read: %v", k, sys.calls)
		}
	}
}

// A service deleted between the dump and the query of its real servers
// is skipped; asked for by name, it is missing, as -L says.
func TestRunServiceVanishes(t *testing.T) {
	k, sys := natLab()
	k.Fail = map[string]*ipvstest.Failure{"GET_DEST": {Errno: syscall.ESRCH}}
	rc, out, errs := run(k, nil, sys)
	if rc != 0 || errs != "" || !strings.Contains(out, "the IPVS table has no virtual services") {
		t.Errorf("vanished: %d %q %q", rc, out, errs)
	}
	k.Fail = map[string]*ipvstest.Failure{"GET_DEST": {Errno: syscall.ESRCH}}
	if rc, out, errs := run(k, nil, sys, "-t", "172.16.1.143:80"); rc != 1 || out != "" || errs != "No such service\n" {
		t.Errorf("vanished, by name: %d %q %q", rc, out, errs)
	}
}
