package doctor

import (
	"bytes"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/diagnose"
	"github.com/lvsgo/ipvsadm/internal/diagnose/diagnosetest"
	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/ipvsadm"
	"github.com/lvsgo/ipvsadm/internal/ipvstest"
	"github.com/lvsgo/ipvsadm/internal/netdb"
	"github.com/lvsgo/ipvsadm/ipvs"
)

var (
	natVIP = netip.MustParseAddr("172.16.1.143")
	rs1    = netip.MustParseAddr("192.168.1.11")
	rs2    = netip.MustParseAddr("192.168.1.12")
	dip    = netip.MustParseAddr("192.168.1.118")
)

func ap(a netip.Addr, p uint16) netip.AddrPort { return netip.AddrPortFrom(a, p) }

// natLab is the NAT lab working, as a fake kernel and system: both real
// servers answered through the director, forwarding on.
func natLab() (*ipvstest.Kernel, *diagnosetest.System) {
	rs := func(a netip.Addr, w int32, st ipvs.Stats) ipvs.Destination {
		return ipvs.Destination{Family: ipvs.AFInet, Address: a, Port: 80, ConnFlags: uint32(ipvs.FwdMasq), Weight: w, Stats: st}
	}
	k := &ipvstest.Kernel{KernelInfo: ipvs.Info{Version: 0x010201, ConnTabSize: 4096}, Table: []ipvstest.Service{{
		Service: ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: natVIP, Port: 80, Scheduler: "rr", Netmask: 0xffffffff},
		Dests: []ipvs.Destination{
			rs(rs1, 1, ipvs.Stats{Conns: 5, InPkts: 30, OutPkts: 25}),
			rs(rs2, 2, ipvs.Stats{Conns: 7, InPkts: 42, OutPkts: 35}),
		},
	}}}
	client := ap(netip.MustParseAddr("172.16.1.10"), 40000)
	return k, &diagnosetest.System{
		ConnList: []diagnose.Conn{
			{Protocol: ipvs.TCP, Client: client, Virtual: ap(natVIP, 80), Dest: ap(rs1, 80), State: "TIME_WAIT"},
			{Protocol: ipvs.TCP, Client: client, Virtual: ap(natVIP, 80), Dest: ap(rs2, 80), State: "TIME_WAIT"},
		},
		RouteTo: map[netip.Addr]diagnose.Route{
			natVIP: {Type: diagnose.RouteLocal, Dev: "lo", Src: natVIP},
			rs1:    {Type: diagnose.RouteUnicast, Dev: "br0", Src: dip},
			rs2:    {Type: diagnose.RouteUnicast, Dev: "br0", Src: dip},
		},
		Sysctls: map[string]string{"net.ipv4.ip_forward": "1", "net.ipv4.conf.br0.forwarding": "1"},
		Neighbour: []diagnose.Neighbour{
			{Addr: rs1, MAC: "02:00:00:00:01:11", Dev: "br0", State: "REACHABLE"},
			{Addr: rs2, MAC: "02:00:00:00:01:12", Dev: "br0", State: "STALE"},
		},
		Modules: map[string]diagnose.ModState{"ip_vs_rr": diagnose.ModLoaded},
	}
}

func run(k ipvs.API, openErr error, sys diagnose.System, args ...string) (int, string, string) {
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
	if slices.Contains(sys.Calls, "probe") {
		t.Errorf("probed without --probe: %v", sys.Calls)
	}
	for _, c := range k.Calls {
		if !strings.HasPrefix(c, "GET_") {
			t.Errorf("doctor asked the kernel for %s", c)
		}
	}

	sys.ConnList[1].State = "SYN_RECV"
	sys.ConnList = append(sys.ConnList, sys.ConnList[1])
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
	sys.Probes = &diagnose.Probes{TCP: map[netip.AddrPort]diagnose.TCPResult{ap(rs1, 80): {Outcome: diagnose.TCPOpen}, ap(rs2, 80): {Outcome: diagnose.TCPRefused}}}
	rc, out, _ := run(k, nil, sys, "--probe")
	if rc != 1 || !strings.Contains(out, "fail  TCP 172.16.1.143:80 -> 192.168.1.12:80  nothing listens on 192.168.1.12:80") {
		t.Errorf("--probe: %d\n%s", rc, out)
	}
	// The neighbour table is read after the probes, which fill it.
	p, n := slices.Index(sys.Calls, "probe"), slices.Index(sys.Calls, "neighbours")
	if p < 0 || n < p {
		t.Errorf("calls %v: neighbours must follow probe", sys.Calls)
	}
	if sys.Plan == nil || len(sys.Plan.TCP) != 2 {
		t.Errorf("plan %+v", sys.Plan)
	}
}

func TestRunErrors(t *testing.T) {
	k, sys := natLab()
	for _, tc := range []struct {
		args    []string
		openErr error
		ipvsMod diagnose.ModState
		rc      int
		stderr  string
	}{
		{[]string{"--bogus"}, nil, diagnose.ModLoaded, 2, "ipvsadm doctor: unknown option \"--bogus\" (see ipvsadm doctor --help)\n"},
		{[]string{"-t", "1.2.3.4:99999"}, nil, diagnose.ModLoaded, 2, "ipvsadm doctor: illegal virtual server address[:port] specified (see ipvsadm doctor --help)\n"},
		{nil, &ipvs.OpenError{Errno: syscall.ENOPROTOOPT, Missing: true, Err: errors.New("x")}, diagnose.ModLoadable, 1,
			"ipvsadm doctor: IPVS is not available: the ip_vs module is not loaded (doctor loads no module; ipvsadm -A would)\n"},
		// No module to load: ipvsadm -A would fail too, so doctor says so.
		{nil, &ipvs.OpenError{Errno: syscall.ENOPROTOOPT, Missing: true, Err: errors.New("x")}, diagnose.ModMissing, 1,
			"ipvsadm doctor: this kernel lacks IPVS: the ip_vs module is neither built in nor loadable\n"},
		{nil, &ipvs.OpenError{Errno: syscall.EPERM, Err: syscall.EPERM}, diagnose.ModLoaded, 1,
			"ipvsadm doctor: must be run as root to read the IPVS table (--real-server need not be)\n"},
		{nil, errors.New("boom"), diagnose.ModLoaded, 1, "ipvsadm doctor: cannot read the IPVS table: boom\n"},
		{[]string{"-t", "172.16.1.143:81"}, nil, diagnose.ModLoaded, 1, "No such service\n"},
	} {
		sys.Modules["ip_vs"] = tc.ipvsMod
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
	sys := &diagnosetest.System{
		DefDev: "eth0", DefGWs: []netip.Addr{dip},
		Sysctls:   map[string]string{"net.ipv4.conf.all.rp_filter": "0"},
		LinkList:  []diagnose.Link{{Name: "lo", Up: true}, {Name: "eth0", Up: true}},
		Listening: []netip.AddrPort{netip.MustParseAddrPort("0.0.0.0:80")},
		RouteTo:   map[netip.Addr]diagnose.Route{dip: {Type: diagnose.RouteUnicast, Dev: "eth0"}},
	}
	// No IPVS needed, and none asked for.
	rc, out, errs := run(nil, errors.New("must not open"), sys, "--real-server", "--director", "192.168.1.118", "172.16.1.143:80")
	if rc != 0 || errs != "" || !strings.Contains(out, "ok    this host        the default route goes via the director 192.168.1.118") {
		t.Errorf("NAT real server: %d\n%s%s", rc, out, errs)
	}
	sys.DefGWs = []netip.Addr{netip.MustParseAddr("192.168.1.1")}
	rc, out, _ = run(nil, nil, sys, "--real-server", "--director", "192.168.1.118", "--json", "172.16.1.143:80")
	if rc != 1 || !strings.HasPrefix(out, `{"mode":"real-server","ok":false,`) ||
		!strings.Contains(out, `"fix":["ip route replace default via 192.168.1.118"]`) {
		t.Errorf("NAT real server, default route elsewhere: %d %s", rc, out)
	}
	// DR: the ARP sysctls are read for all and the default route's interface.
	run(nil, nil, sys, "--real-server", "192.168.2.143")
	for _, k := range []string{"net.ipv4.conf.all.arp_ignore", "net.ipv4.conf.eth0.arp_announce", "net.ipv4.conf.eth0.rp_filter"} {
		if !slices.Contains(sys.Calls, "sysctl "+k) {
			t.Errorf("%s not read: %v", k, sys.Calls)
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

// Without conn_tab_bits under /sys/module, the fixed table's size is the
// one GET_INFO reports (-L's size=); with it, the parameter.
func TestRunConnTable(t *testing.T) {
	k, sys := natLab() // GET_INFO: size 4096, no parameters
	_, out, _ := run(k, nil, sys)
	if !strings.Contains(out, "ok    ") || !strings.Contains(out, "connection entries in a fixed table of 4096 buckets (ip_vs conn_tab_bits=12)") {
		t.Errorf("from GET_INFO:\n%s", out)
	}
	sys.Params = map[string]string{"ip_vs/conn_tab_bits": "10\n"}
	_, out, _ = run(k, nil, sys)
	if !strings.Contains(out, "in a fixed table of 1024 buckets (ip_vs conn_tab_bits=10)") {
		t.Errorf("from the parameter:\n%s", out)
	}
	st := "Conns:\t0\nConn buckets:\t256 (8 bits, lfactor -4)\n" // 7.2's first lines
	sys.Status = &st
	_, out, _ = run(k, nil, sys)
	if !strings.Contains(out, "resizable hash tables (/proc/net/ip_vs_status): 0 connections in 256 buckets") {
		t.Errorf("from ip_vs_status:\n%s", out)
	}
}
