//go:build e2e

package e2e

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// These tests drive our netlink client against the VM's kernel. What the
// client writes is checked by listing it with the reference ipvsadm, and
// what the reference writes is read back with the client; a state built
// both ways must list identically.

func refOut(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(refBin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", refBin, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// refState is the table as the reference lists it, in every view that shows
// a different part of it.
func refState(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, v := range [][]string{{"-Sn"}, {"-Ln"}, {"-Ln", "--thresholds"}, {"-Ln", "--persistent-conn"}, {"-Ln", "--tun-info"}} {
		b.WriteString(refOut(t, v...))
	}
	return b.String()
}

// ipvsNet gives the VM an interface of its own with the addresses the
// destinations below need (masquerading wants a route; sync daemons an
// interface).
var ipvsNet = vmNet{ip: [][]string{
	{"link", "add", "ipvst0", "type", "dummy"},
	{"link", "set", "ipvst0", "multicast", "on", "up"},
	{"addr", "add", "192.0.2.1/24", "dev", "ipvst0"},
	{"-6", "addr", "add", "2001:db8:1::1/64", "dev", "ipvst0", "nodad"},
}}

func openIPVS(t *testing.T) *ipvs.Client {
	t.Helper()
	ipvsNet.ensure(t)
	c, err := ipvs.Open(ipvs.Config{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		c.Flush()
		for _, d := range []ipvs.DaemonState{ipvs.StateMaster, ipvs.StateBackup} {
			c.DelDaemon(ipvs.Daemon{State: d})
		}
		c.Close()
	})
	if err := c.Flush(); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	return c
}

func ipvsContains(t *testing.T, out string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(out, l) {
			t.Errorf("missing %q in:\n%s", l, out)
		}
	}
}

func wantErrno(t *testing.T, what string, err error, op string, errno syscall.Errno) {
	t.Helper()
	var ie *ipvs.Error
	if !errors.As(err, &ie) || ie.Errno != errno || ie.Op != op {
		t.Errorf("%s = %v, want %s %v", what, err, op, errno)
	}
}

func TestIpvsCore(t *testing.T) {
	c := openIPVS(t)
	in := c.Info()
	ipvsContains(t, refOut(t, "-Ln"), fmt.Sprintf("IP Virtual Server version %d.%d.%d (size=%d)",
		in.Version>>16, in.Version>>8&0xff, in.Version&0xff, in.ConnTabSize))
	vip := ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: netip.MustParseAddr("10.0.0.1"),
		Port: 80, Scheduler: "rr", Netmask: 0xffffffff}
	if err := c.NewService(vip); err != nil {
		t.Fatalf("NewService: %v", err)
	}
	wantErrno(t, "second NewService", c.NewService(vip), "NEW_SERVICE", syscall.EEXIST)
	d := ipvs.Destination{Address: netip.MustParseAddr("192.168.1.2"), Port: 8080, ConnFlags: uint32(ipvs.FwdTunnel), Weight: 3}
	if err := c.NewDestination(vip, d); err != nil {
		t.Fatalf("NewDestination: %v", err)
	}
	wantErrno(t, "second NewDestination", c.NewDestination(vip, d), "NEW_DEST", syscall.EEXIST)
	ipvsContains(t, refOut(t, "-Sn"), "-A -t 10.0.0.1:80 -s rr", "-a -t 10.0.0.1:80 -r 192.168.1.2:8080 -i -w 3")

	refOut(t, "-A", "-u", "10.0.0.2:53", "-s", "wlc")
	svcs, err := c.Services()
	if err != nil || len(svcs) != 2 {
		t.Fatalf("Services = %+v, %v", svcs, err)
	}
	got, err := c.Service(ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.UDP, Address: netip.MustParseAddr("10.0.0.2"), Port: 53})
	if err != nil || got.Scheduler != "wlc" || got.Port != 53 || got.Protocol != ipvs.UDP {
		t.Errorf("Service(udp 10.0.0.2:53) = %+v, %v", got, err)
	}
	_, err = c.Service(ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.UDP, Address: netip.MustParseAddr("10.0.0.3"), Port: 53})
	wantErrno(t, "Service(missing)", err, "GET_SERVICE", syscall.ESRCH)
	dests, err := c.Destinations(vip)
	if err != nil || len(dests) != 1 || dests[0].Address != d.Address || dests[0].Port != 8080 ||
		dests[0].Weight != 3 || dests[0].FwdMethod() != ipvs.FwdTunnel || dests[0].Family != ipvs.AFInet {
		t.Fatalf("Destinations = %+v, %v", dests, err)
	}
	if err := c.DelDestination(vip, d); err != nil {
		t.Fatal(err)
	}
	wantErrno(t, "DelDestination(missing)", c.DelDestination(vip, d), "DEL_DEST", syscall.ENOENT)
	if err := c.DelService(vip); err != nil {
		t.Fatal(err)
	}
	wantErrno(t, "DelService(missing)", c.DelService(vip), "DEL_SERVICE", syscall.ESRCH)
	wantErrno(t, "NewDestination(no service)", c.NewDestination(vip, d), "NEW_DEST", syscall.ESRCH)
	out := refOut(t, "-Sn")
	if strings.Contains(out, "10.0.0.1") || !strings.Contains(out, "-A -u 10.0.0.2:53 -s wlc") {
		t.Errorf("after deletes:\n%s", out)
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	if out := refOut(t, "-Sn"); out != "" {
		t.Errorf("after Flush: %q", out)
	}
}

// An ipvsCase is one service built twice: with reference commands and with
// the struct values those commands mean.
type ipvsCase struct {
	name  string
	ref   [][]string
	svc   ipvs.Service
	dests []ipvs.Destination
}

var (
	a = netip.MustParseAddr
	// ipvsCases cover schedulers with flags, persistence with a netmask,
	// IPv6 with a persistence engine, fwmark services, one-packet
	// scheduling, every forwarding method, thresholds, tunnel types, ports
	// and checksum flags, and mixed-family tunnel destinations.
	ipvsCases = []ipvsCase{
		{"tcp-persistent-sh",
			[][]string{
				{"-A", "-t", "10.0.0.1:80", "-s", "sh", "-b", "sh-fallback,sh-port", "-p", "600", "-M", "255.255.255.0"},
				{"-a", "-t", "10.0.0.1:80", "-r", "192.0.2.2:8080", "-m", "-w", "0"},
				{"-a", "-t", "10.0.0.1:80", "-r", "192.0.2.3", "-g", "-w", "5", "-x", "100", "-y", "10"},
				{"-a", "-t", "10.0.0.1:80", "-r", "192.0.2.4", "-i", "--tun-type", "gue", "--tun-port", "6080", "--tun-csum"},
			},
			ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: a("10.0.0.1"), Port: 80, Scheduler: "sh",
				Flags: ipvs.SvcPersistent | ipvs.SvcSchedFlag1 | ipvs.SvcSchedFlag2, Timeout: 600, Netmask: 0xffffff00},
			[]ipvs.Destination{
				{Family: ipvs.AFInet, Address: a("192.0.2.2"), Port: 8080, ConnFlags: uint32(ipvs.FwdMasq), Weight: 0},
				{Family: ipvs.AFInet, Address: a("192.0.2.3"), Port: 80, ConnFlags: uint32(ipvs.FwdDirect), Weight: 5, UpperThreshold: 100, LowerThreshold: 10},
				{Family: ipvs.AFInet, Address: a("192.0.2.4"), Port: 80, ConnFlags: uint32(ipvs.FwdTunnel), Weight: 1,
					TunType: ipvs.TunGUE, TunPort: 6080, TunFlags: ipvs.TunFlagCsum},
			}},
		{"udp6-sip",
			[][]string{
				{"-A", "-u", "[2001:db8::1]:5060", "-s", "rr", "-p", "300", "-M", "64", "--pe", "sip"},
				{"-a", "-u", "[2001:db8::1]:5060", "-r", "[2001:db8:1::10]:5060", "-g", "-w", "2"},
				{"-a", "-u", "[2001:db8::1]:5060", "-r", "[2001:db8:1::11]:5070", "-m", "-w", "4", "-x", "7"},
			},
			ipvs.Service{Family: ipvs.AFInet6, Protocol: ipvs.UDP, Address: a("2001:db8::1"), Port: 5060, Scheduler: "rr",
				Flags: ipvs.SvcPersistent, Timeout: 300, Netmask: 64, PEName: "sip"},
			[]ipvs.Destination{
				{Family: ipvs.AFInet6, Address: a("2001:db8:1::10"), Port: 5060, ConnFlags: uint32(ipvs.FwdDirect), Weight: 2},
				{Family: ipvs.AFInet6, Address: a("2001:db8:1::11"), Port: 5070, ConnFlags: uint32(ipvs.FwdMasq), Weight: 4, UpperThreshold: 7},
			}},
		{"fwmark-mixed-tunnels",
			[][]string{
				{"-A", "-f", "5", "-s", "wrr"},
				{"-a", "-f", "5", "-r", "2001:db8:1::20", "-i", "-w", "3", "--tun-type", "gre", "--tun-nocsum"},
				{"-a", "-f", "5", "-r", "192.0.2.5", "-i", "--tun-type", "ipip"},
				{"-a", "-f", "5", "-r", "192.0.2.6", "-i", "--tun-type", "gue", "--tun-port", "5555", "--tun-remcsum"},
			},
			ipvs.Service{Family: ipvs.AFInet, FWMark: 5, Scheduler: "wrr", Netmask: 0xffffffff},
			[]ipvs.Destination{
				{Family: ipvs.AFInet6, Address: a("2001:db8:1::20"), ConnFlags: uint32(ipvs.FwdTunnel), Weight: 3, TunType: ipvs.TunGRE},
				{Family: ipvs.AFInet, Address: a("192.0.2.5"), ConnFlags: uint32(ipvs.FwdTunnel), Weight: 1, TunType: ipvs.TunIPIP},
				{Family: ipvs.AFInet, Address: a("192.0.2.6"), ConnFlags: uint32(ipvs.FwdTunnel), Weight: 1, TunType: ipvs.TunGUE,
					TunPort: 5555, TunFlags: ipvs.TunFlagRemCsum},
			}},
		{"udp-ops",
			[][]string{{"-A", "-u", "10.0.0.2:53", "-s", "lc", "-o"}},
			ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.UDP, Address: a("10.0.0.2"), Port: 53, Scheduler: "lc",
				Flags: ipvs.SvcOnePacket, Netmask: 0xffffffff}, nil},
		{"fwmark6-persistent",
			[][]string{{"-A", "-f", "6", "-6", "-s", "mh", "-b", "mh-port", "-p", "60", "-M", "48"}},
			ipvs.Service{Family: ipvs.AFInet6, FWMark: 6, Scheduler: "mh", Flags: ipvs.SvcPersistent | ipvs.SvcSchedFlag2,
				Timeout: 60, Netmask: 48}, nil},
		{"sctp",
			[][]string{{"-A", "--sctp-service", "10.0.0.3:3868", "-s", "sed"},
				{"-a", "--sctp-service", "10.0.0.3:3868", "-r", "192.0.2.9:3868", "-m"}},
			ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.SCTP, Address: a("10.0.0.3"), Port: 3868, Scheduler: "sed", Netmask: 0xffffffff},
			[]ipvs.Destination{{Family: ipvs.AFInet, Address: a("192.0.2.9"), Port: 3868, ConnFlags: uint32(ipvs.FwdMasq), Weight: 1}}},
	}
)

// normal drops what the kernel adds or counts.
func normalSvc(s ipvs.Service) ipvs.Service {
	s.Flags &^= ipvs.SvcHashed
	s.Stats = ipvs.Stats{}
	return s
}

func normalDests(ds []ipvs.Destination) []ipvs.Destination {
	out := make([]ipvs.Destination, len(ds))
	for i, d := range ds {
		d.Stats = ipvs.Stats{}
		d.ActiveConns, d.InactConns, d.PersistConns = 0, 0, 0
		out[i] = d
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address.Less(out[j].Address) })
	return out
}

func TestIpvsServicesBothWays(t *testing.T) {
	c := openIPVS(t)
	for _, tc := range ipvsCases {
		t.Run(tc.name, func(t *testing.T) {
			// Reference writes, we read.
			if err := c.Flush(); err != nil {
				t.Fatal(err)
			}
			for _, args := range tc.ref {
				refOut(t, args...)
			}
			want := refState(t)
			svcs, err := c.Services()
			if err != nil || len(svcs) != 1 {
				t.Fatalf("Services = %+v, %v", svcs, err)
			}
			if got := normalSvc(svcs[0]); got != tc.svc {
				t.Errorf("Services()[0]\n got %+v\nwant %+v", got, tc.svc)
			}
			one, err := c.Service(tc.svc)
			if err != nil || normalSvc(one) != tc.svc {
				t.Errorf("Service(key) = %+v, %v", one, err)
			}
			ds, err := c.Destinations(tc.svc)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := normalDests(ds), normalDests(tc.dests); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("Destinations\n got %+v\nwant %+v", got, want)
			}

			// We write, reference reads: the same listing in every view.
			if err := c.Flush(); err != nil {
				t.Fatal(err)
			}
			if err := c.NewService(tc.svc); err != nil {
				t.Fatalf("NewService: %v", err)
			}
			for _, d := range tc.dests {
				if err := c.NewDestination(tc.svc, d); err != nil {
					t.Fatalf("NewDestination(%v): %v", d.Address, err)
				}
			}
			if got := refState(t); got != want {
				t.Errorf("reference lists our state differently\n--- ours\n%s\n--- reference\n%s", got, want)
			}
		})
	}
}

func TestIpvsEdit(t *testing.T) {
	c := openIPVS(t)
	tc := ipvsCases[0]
	for _, args := range tc.ref {
		refOut(t, args...)
	}
	// Edit with the reference, remember the listing, undo with the
	// reference, redo with our client.
	edits := [][]string{
		{"-E", "-t", "10.0.0.1:80", "-s", "wlc", "-p", "900", "-M", "255.255.0.0"},
		{"-e", "-t", "10.0.0.1:80", "-r", "192.0.2.3", "-g", "-w", "9", "-x", "50", "-y", "5"},
		{"-e", "-t", "10.0.0.1:80", "-r", "192.0.2.4", "-i", "-w", "2", "--tun-type", "gre", "--tun-csum"},
	}
	for _, e := range edits {
		refOut(t, e...)
	}
	want := refState(t)
	c.Flush()
	for _, args := range tc.ref {
		refOut(t, args...)
	}
	svc := tc.svc
	svc.Scheduler, svc.Flags, svc.Timeout, svc.Netmask = "wlc", ipvs.SvcPersistent, 900, 0xffff0000
	if err := c.UpdateService(svc); err != nil {
		t.Fatal(err)
	}
	d1 := tc.dests[1]
	d1.Weight, d1.UpperThreshold, d1.LowerThreshold = 9, 50, 5
	d2 := tc.dests[2]
	d2.Weight, d2.TunType, d2.TunPort, d2.TunFlags = 2, ipvs.TunGRE, 0, ipvs.TunFlagCsum
	for _, d := range []ipvs.Destination{d1, d2} {
		if err := c.UpdateDestination(svc, d); err != nil {
			t.Fatal(err)
		}
	}
	if got := refState(t); got != want {
		t.Errorf("after our edits\n--- ours\n%s\n--- reference\n%s", got, want)
	}
	missing := ipvs.Destination{Address: a("192.0.2.99"), Port: 80, Weight: 1}
	wantErrno(t, "UpdateDestination(missing)", c.UpdateDestination(svc, missing), "SET_DEST", syscall.ENOENT)
	other := svc
	other.Port = 81
	wantErrno(t, "UpdateService(missing)", c.UpdateService(other), "SET_SERVICE", syscall.ESRCH)
	bad := svc
	bad.Scheduler = "nosuch"
	wantErrno(t, "UpdateService(bad scheduler)", c.UpdateService(bad), "SET_SERVICE", syscall.ENOENT)
}

func TestIpvsTimeouts(t *testing.T) {
	c := openIPVS(t)
	old, err := c.Timeouts()
	if err != nil {
		t.Fatal(err)
	}
	defer c.SetTimeouts(old)
	ipvsContains(t, refOut(t, "-L", "--timeout"), fmt.Sprintf("Timeout (tcp tcpfin udp): %d %d %d", old.TCP, old.TCPFin, old.UDP))
	refOut(t, "--set", "901", "121", "301")
	if got, err := c.Timeouts(); err != nil || got != (ipvs.Timeouts{TCP: 901, TCPFin: 121, UDP: 301}) {
		t.Errorf("Timeouts after ref --set = %+v, %v", got, err)
	}
	// Zero leaves a value alone, as with ipvsadm --set 0 0 N.
	if err := c.SetTimeouts(ipvs.Timeouts{UDP: 77}); err != nil {
		t.Fatal(err)
	}
	ipvsContains(t, refOut(t, "-L", "--timeout"), "Timeout (tcp tcpfin udp): 901 121 77")
}

func TestIpvsDaemons(t *testing.T) {
	c := openIPVS(t)
	if ds, err := c.Daemons(); err != nil || len(ds) != 0 {
		t.Fatalf("Daemons on a fresh table = %+v, %v", ds, err)
	}
	start := [][]string{
		{"--start-daemon", "master", "--mcast-interface", "ipvst0", "--syncid", "3", "--sync-maxlen", "1400",
			"--mcast-group", "224.0.0.100", "--mcast-port", "8850", "--mcast-ttl", "2"},
		{"--start-daemon", "backup", "--mcast-interface", "ipvst0", "--syncid", "4", "--mcast-group", "ff02::1:3"},
	}
	for _, s := range start {
		refOut(t, s...)
	}
	want := refOut(t, "-L", "--daemon")
	ds, err := c.Daemons()
	if err != nil {
		t.Fatal(err)
	}
	master := ipvs.Daemon{State: ipvs.StateMaster, McastIfn: "ipvst0", SyncID: 3, SyncMaxLen: 1400,
		McastGroup: a("224.0.0.100"), McastPort: 8850, McastTTL: 2}
	// The kernel reports the defaults it filled in for what was not given.
	backup := ipvs.Daemon{State: ipvs.StateBackup, McastIfn: "ipvst0", SyncID: 4}
	if len(ds) != 2 || ds[0] != master {
		t.Fatalf("Daemons = %+v", ds)
	}
	backup.SyncMaxLen, backup.McastPort, backup.McastTTL = ds[1].SyncMaxLen, ds[1].McastPort, ds[1].McastTTL
	backup.McastGroup = a("ff02::1:3")
	if ds[1] != backup {
		t.Errorf("backup daemon = %+v, want %+v", ds[1], backup)
	}
	ipvsContains(t, want, fmt.Sprintf("backup sync daemon (mcast=ipvst0, syncid=4, maxlen=%d, group=ff02::1:3, port=%d, ttl=%d)",
		ds[1].SyncMaxLen, ds[1].McastPort, ds[1].McastTTL))

	for _, d := range []ipvs.Daemon{master, {State: ipvs.StateBackup, McastIfn: "ipvst0", SyncID: 4}} {
		if err := c.DelDaemon(d); err != nil {
			t.Fatalf("DelDaemon(%d): %v", d.State, err)
		}
	}
	wantErrno(t, "DelDaemon(stopped)", c.DelDaemon(master), "DEL_DAEMON", syscall.ESRCH)
	if out := refOut(t, "-L", "--daemon"); out != "" {
		t.Fatalf("daemons left after DelDaemon: %q", out)
	}
	if err := c.NewDaemon(master); err != nil {
		t.Fatal(err)
	}
	wantErrno(t, "NewDaemon(running)", c.NewDaemon(master), "NEW_DAEMON", syscall.EEXIST)
	if err := c.NewDaemon(ipvs.Daemon{State: ipvs.StateBackup, McastIfn: "ipvst0", SyncID: 4, McastGroup: a("ff02::1:3")}); err != nil {
		t.Fatal(err)
	}
	if got := refOut(t, "-L", "--daemon"); got != want {
		t.Errorf("our daemons list as\n%s\nreference's as\n%s", got, want)
	}
}

// TestIpvsZero makes traffic so counters move, then zeroes one service and
// then all of them.
func TestIpvsZero(t *testing.T) {
	c := openIPVS(t)
	svcA := ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: a("10.0.0.1"), Port: 80, Scheduler: "rr", Netmask: 0xffffffff}
	svcB := svcA
	svcB.Port = 81
	for _, s := range []ipvs.Service{svcA, svcB} {
		if err := c.NewService(s); err != nil {
			t.Fatal(err)
		}
		if err := c.NewDestination(s, ipvs.Destination{Address: a("192.0.2.7"), Port: 80, Weight: 1}); err != nil {
			t.Fatal(err)
		}
	}
	// counts is each service's connection counter, and whether each
	// service's one real server counts as many.
	counts := func() (m map[uint16]uint64, same bool, why string) {
		t.Helper()
		m, same = map[uint16]uint64{}, true
		svcs, err := c.Services()
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range svcs {
			m[s.Port] = s.Stats.Conns
			ds, err := c.Destinations(s)
			if err != nil || len(ds) != 1 || ds[0].Stats.Conns != s.Stats.Conns {
				same, why = false, fmt.Sprintf("dest stats of :%d = %+v, %v (service has %d conns)", s.Port, ds, err, s.Stats.Conns)
			}
		}
		return m, same, why
	}
	conns := func() map[uint16]uint64 {
		t.Helper()
		m, same, why := counts()
		if !same {
			t.Error(why)
		}
		return m
	}
	poke := func() {
		// Locally generated packets to a VIP are scheduled too; nobody
		// answers, which is fine for counting connections.
		for _, p := range []string{"80", "81"} {
			cmd := exec.Command("nc", "-w", "1", "10.0.0.1", p)
			cmd.Stdin = strings.NewReader("")
			cmd.Start()
			time.AfterFunc(1500*time.Millisecond, func() { cmd.Process.Kill() })
			defer cmd.Wait()
		}
	}
	// A route so that the SYNs leave at all; only for this test.
	route := []string{"route", "add", "10.0.0.0/24", "dev", "ipvst0"}
	if out, err := exec.Command("/sbin/ip", route...).CombinedOutput(); err != nil {
		t.Fatalf("ip %v: %v %s", route, err, out)
	}
	defer exec.Command("/sbin/ip", "route", "del", "10.0.0.0/24", "dev", "ipvst0").Run()
	poke()
	// Counters reach the dump through the rate estimator, every 2 seconds,
	// and on 6.2+ its kthread spreads the estimators over the period's
	// ticks: a service and its real server may get their counts at
	// different ticks. So wait until both services count and agree with
	// their real servers.
	before, same, why := counts()
	for deadline := time.Now().Add(20 * time.Second); (before[80] == 0 || before[81] == 0 || !same) && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		before, same, why = counts()
	}
	if before[80] == 0 || before[81] == 0 || !same {
		t.Fatalf("no connections counted, or services and real servers disagree: %v %s", before, why)
	}
	// The reference sees the same counters.
	refConns := func() map[string]string {
		m := map[string]string{}
		for _, l := range strings.Split(refOut(t, "-Ln", "--stats"), "\n") {
			if f := strings.Fields(l); len(f) > 2 && f[0] == "TCP" {
				m[f[1]] = f[2]
			}
		}
		return m
	}
	if rc := refConns(); rc["10.0.0.1:80"] != fmt.Sprint(before[80]) || rc["10.0.0.1:81"] != fmt.Sprint(before[81]) {
		t.Errorf("reference counts %v, we count %v", rc, before)
	}
	if err := c.Zero(&svcA); err != nil {
		t.Fatal(err)
	}
	if got := conns(); got[80] != 0 || got[81] != before[81] {
		t.Errorf("after Zero(:80): %v (before %v)", got, before)
	}
	if rc := refConns(); rc["10.0.0.1:80"] != "0" || rc["10.0.0.1:81"] != fmt.Sprint(before[81]) {
		t.Errorf("after Zero(:80) the reference counts %v", rc)
	}
	if err := c.Zero(nil); err != nil {
		t.Fatal(err)
	}
	if got := conns(); got[80] != 0 || got[81] != 0 {
		t.Errorf("after Zero(nil): %v", got)
	}
	other := svcA
	other.Port = 99
	wantErrno(t, "Zero(missing)", c.Zero(&other), "ZERO", syscall.ESRCH)
}

// TestIpvsBatch runs the same mixed list of changes, with failures among
// them, once through Batch and once op by op, and wants the same answers
// and the same table.
func TestIpvsBatch(t *testing.T) {
	c := openIPVS(t)
	var ops []ipvs.Op
	svc := func(i int) ipvs.Service {
		return ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}),
			Port: 80, Scheduler: "wlc", Netmask: 0xffffffff}
	}
	const n = 1500
	for i := 0; i < n; i++ {
		ops = append(ops, ipvs.Op{Kind: ipvs.OpNewService, Service: svc(i)})
		ops = append(ops, ipvs.Op{Kind: ipvs.OpNewDest, Service: svc(i),
			Dest: ipvs.Destination{Address: a("192.0.2.10"), Port: 80, ConnFlags: uint32(ipvs.FwdDirect), Weight: int32(i % 7)}})
		switch i % 10 {
		case 3:
			ops = append(ops, ipvs.Op{Kind: ipvs.OpNewService, Service: svc(i)}) // EEXIST
		case 5:
			ops = append(ops, ipvs.Op{Kind: ipvs.OpDelService, Service: svc(i + n)}) // ESRCH
		case 7:
			ops = append(ops, ipvs.Op{Kind: ipvs.OpDelService, Service: svc(i)})
		case 9:
			ops = append(ops, ipvs.Op{Kind: ipvs.OpUpdateDest, Service: svc(i),
				Dest: ipvs.Destination{Address: a("192.0.2.10"), Port: 80, ConnFlags: uint32(ipvs.FwdTunnel), Weight: 100}})
		}
	}
	ops = append(ops, ipvs.Op{Kind: ipvs.OpSetTimeouts, Timeouts: ipvs.Timeouts{TCP: 1000}}, ipvs.Op{Kind: ipvs.OpKind(200)})

	start := time.Now()
	berrs := c.Batch(ops)
	tb := time.Since(start)
	batched := refOut(t, "-Sn")

	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	var serrs []error
	for i := range ops {
		serrs = append(serrs, c.Exec(&ops[i]))
	}
	ts := time.Since(start)
	t.Logf("%d ops: Batch %v, one by one %v", len(ops), tb, ts)
	if single := refOut(t, "-Sn"); single != batched {
		t.Errorf("tables differ: batched %d bytes, single %d bytes", len(batched), len(single))
	}
	var fails int
	for i := range ops {
		if fmt.Sprint(berrs[i]) != fmt.Sprint(serrs[i]) {
			t.Fatalf("op %d (%+v): Batch says %v, Exec says %v", i, ops[i].Kind, berrs[i], serrs[i])
		}
		if berrs[i] != nil {
			fails++
		}
	}
	if want := 2*n/10 + 1; fails != want { // EEXIST, ESRCH, unknown kind
		t.Errorf("%d failures, want %d", fails, want)
	}
	wantErrno(t, "duplicate in batch", berrs[2*3+0+2], "NEW_SERVICE", syscall.EEXIST)
}

// TestIpvsOpenWithoutModule unloads IPVS and checks that Open loads it
// with modprobe, and that when modprobe cannot help, Open reports the errno
// the reference reports.
func TestIpvsOpenWithoutModule(t *testing.T) {
	ipvsNet.ensure(t)
	unload := func() {
		t.Helper()
		if c, err := ipvs.Open(ipvs.Config{}); err == nil {
			c.Flush()
			c.DelDaemon(ipvs.Daemon{State: ipvs.StateMaster})
			c.DelDaemon(ipvs.Daemon{State: ipvs.StateBackup})
			c.Close()
		}
		b, _ := os.ReadFile("/proc/modules")
		var mods []string
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) > 0 && strings.HasPrefix(f[0], "ip_vs_") {
				mods = append(mods, f[0])
			}
		}
		for _, m := range append(mods, "ip_vs") {
			if out, err := exec.Command("rmmod", m).CombinedOutput(); err != nil {
				t.Fatalf("rmmod %s: %v %s", m, err, out)
			}
		}
	}
	unload()
	c, err := ipvs.Open(ipvs.Config{})
	if err != nil {
		t.Fatalf("Open after rmmod: %v", err)
	}
	c.Close()

	unload()
	// Without modprobe the module cannot come back, as on a kernel
	// without IPVS. (/sbin/modprobe is a busybox symlink: move it aside.)
	const aside = "/sbin/modprobe.ipvs-test"
	if err := os.Rename("/sbin/modprobe", aside); err != nil {
		t.Fatal(err)
	}
	restored := false
	restore := func() {
		if restored {
			return
		}
		restored = true
		if err := os.Rename(aside, "/sbin/modprobe"); err != nil {
			t.Fatal(err)
		}
		// Leave IPVS loaded for the tests that follow.
		c, err := ipvs.Open(ipvs.Config{})
		if err != nil {
			t.Fatalf("Open after restoring modprobe: %v", err)
		}
		c.Close()
	}
	defer restore()
	_, err = ipvs.Open(ipvs.Config{})
	var oe *ipvs.OpenError
	if !errors.As(err, &oe) || !errors.Is(err, ipvs.ErrNotAvailable) || !oe.Missing {
		t.Fatalf("Open with no module = %v", err)
	}
	out, _ := exec.Command(refBin, "-Ln").CombinedOutput()
	want := "Can't initialize ipvs: " + oe.Errno.Error()
	if !strings.HasPrefix(strings.ToLower(string(out)), strings.ToLower(want)) {
		t.Errorf("reference says %q; our errno is %d (%v)", out, oe.Errno, oe.Errno)
	}
	t.Logf("reference: %q, our errno %d", out, int(oe.Errno))
	restore()
}

// TestIpvsScale builds a large table with Batch, lists it, and compares the
// cost of batched and single requests where the kernel does little work.
func TestIpvsScale(t *testing.T) {
	c := openIPVS(t)
	const n = 10000
	ops := make([]ipvs.Op, n)
	for i := range ops {
		ops[i] = ipvs.Op{Kind: ipvs.OpNewService, Service: ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.UDP,
			Address: netip.AddrFrom4([4]byte{10, 2, byte(i >> 8), byte(i)}), Port: 53, Scheduler: "rr", Netmask: 0xffffffff}}
	}
	start := time.Now()
	for i, err := range c.Batch(ops) {
		if err != nil {
			t.Fatalf("op %d: %v", i, err)
		}
	}
	t.Logf("Batch: %d services in %v", n, time.Since(start))
	start = time.Now()
	count := 0
	if err := c.EachService(func(*ipvs.Service) error { count++; return nil }); err != nil || count != n {
		t.Fatalf("EachService: %d services, %v", count, err)
	}
	t.Logf("EachService: %d services in %v", count, time.Since(start))
	start = time.Now()
	out := refOut(t, "-Sn")
	t.Logf("reference -Sn: %v", time.Since(start))
	if got := strings.Count(out, "\n"); got != n {
		t.Errorf("reference lists %d services", got)
	}

	// Deleting what is not there: the kernel only looks up and answers.
	for i := range ops {
		ops[i].Kind = ipvs.OpDelService
		ops[i].Service.Port = 54
	}
	start = time.Now()
	for _, err := range c.Batch(ops) {
		wantErrno(t, "batched delete of a missing service", err, "DEL_SERVICE", syscall.ESRCH)
	}
	tb := time.Since(start)
	start = time.Now()
	for i := range ops {
		c.Exec(&ops[i])
	}
	t.Logf("%d failing deletes: Batch %v, one by one %v", n, tb, time.Since(start))
}

// TestIpvsNetns checks that Open with Config.NetNS works on the named namespace only.
func TestIpvsNetns(t *testing.T) {
	c := openIPVS(t) // IPVS loaded, root namespace table empty
	if out, err := exec.Command("/sbin/ip", "netns", "add", "ipvstest").CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v %s", err, out)
	}
	defer exec.Command("/sbin/ip", "netns", "del", "ipvstest").Run()
	f, err := os.Open("/run/netns/ipvstest")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	nc, err := ipvs.Open(ipvs.Config{NetNS: int(f.Fd())})
	if err != nil {
		t.Fatalf("Open(NetNS): %v", err)
	}
	defer nc.Close()
	svc := ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: a("10.9.0.1"), Port: 443, Scheduler: "rr", Netmask: 0xffffffff}
	if err := nc.NewService(svc); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("/sbin/ip", "netns", "exec", "ipvstest", refBin, "-Sn").CombinedOutput()
	if err != nil || string(out) != "-A -t 10.9.0.1:443 -s rr\n" {
		t.Errorf("in the namespace the reference lists %q (%v)", out, err)
	}
	if svcs, err := c.Services(); err != nil || len(svcs) != 0 {
		t.Errorf("root namespace has %+v, %v", svcs, err)
	}
	if out := refOut(t, "-Sn"); out != "" {
		t.Errorf("root namespace lists %q", out)
	}
}
