//go:build e2e

package e2e

// The tutorial's NAT and DR labs, end to end with real traffic: topology from
// e2e/lab/lab.sh (network namespaces in the VM), the director driven by
// LAB_IPVSADM (ours by default; /ref/ipvsadm to check the lab itself), real
// servers prepared by our arp-prep, requests from a client namespace.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var labIpvsadm = envOr("LAB_IPVSADM", oursBin)

const (
	ipCmd      = "/sbin/ip"
	labTimeout = 30 * time.Second
	natVIP     = "172.16.1.143"
	drVIP      = "192.168.2.143"
)

// labScript finds e2e/lab/lab.sh from the repository root (how run.sh
// starts the test binary) or from the package directory (go test).
func labScript(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"e2e/lab/lab.sh", "lab/lab.sh"} {
		if _, err := os.Stat(p); err == nil {
			abs, _ := filepath.Abs(p)
			return abs
		}
	}
	t.Fatal("e2e/lab/lab.sh not found")
	return ""
}

// labUp builds one lab (nat, dr, sync) and tears it down when the test ends.
func labUp(t *testing.T, kind string) {
	t.Helper()
	script := labScript(t)
	down := func() {
		ctx, cancel := context.WithTimeout(context.Background(), labTimeout)
		defer cancel()
		c := exec.CommandContext(ctx, "sh", script, "down")
		c.WaitDelay = time.Second
		if out, err := c.CombinedOutput(); err != nil {
			t.Logf("lab down: %v\n%s", err, out)
		}
	}
	down() // leftovers of an earlier failed run
	t.Cleanup(down)
	ctx, cancel := context.WithTimeout(context.Background(), labTimeout)
	defer cancel()
	c := exec.CommandContext(ctx, "sh", script, kind+"-up")
	// A server the script left behind must not keep us waiting on its pipe.
	c.WaitDelay = time.Second
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("lab %s-up: %v\n%s", kind, err, out)
	}
}

// inNS runs argv in network namespace ns (bounded by labTimeout).
func inNS(ns string, stdin string, argv ...string) cmdResult {
	ctx, cancel := context.WithTimeout(context.Background(), labTimeout)
	defer cancel()
	c := exec.CommandContext(ctx, ipCmd, append([]string{"netns", "exec", ns}, argv...)...)
	c.WaitDelay = time.Second
	return execute(c, stdin)
}

// mustNS is inNS that fails the test unless argv succeeds.
func mustNS(t *testing.T, ns string, argv ...string) string {
	t.Helper()
	r := inNS(ns, "", argv...)
	if r.status != 0 {
		t.Fatalf("[%s] %s: exit %d\n%s%s", ns, strings.Join(argv, " "), r.status, r.stdout, r.stderr)
	}
	return r.stdout
}

// director runs the director's ipvsadm in namespace ns.
func director(t *testing.T, ns string, args ...string) string {
	t.Helper()
	return mustNS(t, ns, append([]string{labIpvsadm}, args...)...)
}

// httpGet fetches http://vip/ from the client namespace and returns the
// body: the name of the real server that answered.
func httpGet(t *testing.T, vip string) string {
	t.Helper()
	r := inNS("lab-client", "GET / HTTP/1.0\r\n\r\n", "timeout", "10", "busybox", "nc", vip, "80")
	head, body, ok := strings.Cut(strings.ReplaceAll(r.stdout, "\r\n", "\n"), "\n\n")
	if r.status != 0 || !ok || !strings.HasPrefix(head, "HTTP/1.") || !strings.Contains(strings.SplitN(head, "\n", 2)[0], " 200 ") {
		t.Fatalf("GET http://%s/: exit %d\n%s%s", vip, r.status, r.stdout, r.stderr)
	}
	return strings.TrimSpace(body)
}

func requests(t *testing.T, vip string, n int) []string {
	t.Helper()
	var got []string
	for i := 0; i < n; i++ {
		got = append(got, httpGet(t, vip))
	}
	return got
}

func count(names []string, name string) int {
	n := 0
	for _, s := range names {
		if s == name {
			n++
		}
	}
	return n
}

// statsLine is one row of `-L -n --stats`.
type statsLine struct {
	addr                  string
	conns, inPkts, outPkt uint64
}

// parseStats reads the service and destination rows of `ipvsadm -L -n --stats`.
func parseStats(t *testing.T, out string) map[string]statsLine {
	t.Helper()
	rows := map[string]statsLine{}
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		var addr string
		var nums []string
		switch {
		case len(f) == 7 && (f[0] == "TCP" || f[0] == "UDP"):
			addr, nums = f[1], f[2:]
		case len(f) == 7 && f[0] == "->":
			addr, nums = f[1], f[2:]
		default:
			continue
		}
		var v [3]uint64
		for i := range v {
			n, err := strconv.ParseUint(nums[i], 10, 64)
			if err != nil {
				t.Fatalf("stats row %q: %v", l, err)
			}
			v[i] = n
		}
		if f[0] != "->" {
			addr = "svc " + addr
		}
		rows[addr] = statsLine{addr, v[0], v[1], v[2]}
	}
	return rows
}

// waitStats polls `-L -n --stats` in ns until every row in want has its
// conns exactly, and packets in (out) when want's inPkts (outPkt) is 1, none
// when 0. The kernel folds its per-CPU counters into what it reports every
// two seconds, hence the polling.
func waitStats(t *testing.T, ns string, want []statsLine) string {
	t.Helper()
	var out string
	eventually(t, 10*time.Second, func() string {
		out = director(t, ns, "-L", "-n", "--stats")
		rows := parseStats(t, out)
		for _, w := range want {
			r, ok := rows[w.addr]
			if !ok || r.conns != w.conns || (r.inPkts > 0) != (w.inPkts > 0) || (r.outPkt > 0) != (w.outPkt > 0) {
				return fmt.Sprintf("stats for %s: %+v (found %v), want %d conns, packets in %v, out %v\n%s",
					w.addr, r, ok, w.conns, w.inPkts > 0, w.outPkt > 0, out)
			}
		}
		return ""
	})
	return out
}

// sameAsRef checks that the reference prints what out (the lab ipvsadm's
// output of args in ns) says, when the lab runs ours. Expiry timers in
// connection listings tick between the two runs, so those are blanked.
func sameAsRef(t *testing.T, ns, out string, args ...string) {
	t.Helper()
	if labIpvsadm == refBin {
		return
	}
	ref := mustNS(t, ns, append([]string{refBin}, args...)...)
	if a, b := expiryRE.ReplaceAllString(out, "$1 --:--"), expiryRE.ReplaceAllString(ref, "$1 --:--"); a != b {
		t.Errorf("[%s] ipvsadm %s: ours printed\n%s\nthe reference prints\n%s", ns, strings.Join(args, " "), a, b)
	}
}

var expiryRE = regexp.MustCompile(`(?m)^(TCP|UDP|SCTP) +\d\d:\d\d`)

// conn is one row of `-L -c -n`.
type conn struct {
	proto, state, src, vip, dst string
}

func parseConns(out string) []conn {
	var cs []conn
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) == 6 && (f[0] == "TCP" || f[0] == "UDP") {
			cs = append(cs, conn{f[0], f[2], f[3], f[4], f[5]})
		}
	}
	return cs
}

func countConns(cs []conn, vip, dst string) int {
	n := 0
	for _, c := range cs {
		if c.vip == vip && c.dst == dst {
			n++
		}
	}
	return n
}

// natService builds the NAT lab with the tutorial's service: VIP:80 by
// sched over rs1 and rs2 (masquerading, weights 1 and 2).
func natService(t *testing.T, sched string) (svc string) {
	t.Helper()
	labUp(t, "nat")
	svc = natVIP + ":80"
	director(t, "lab-dir", "-A", "-t", svc, "-s", sched)
	director(t, "lab-dir", "-a", "-t", svc, "-r", "192.168.1.11:80", "-m", "-w", "1")
	director(t, "lab-dir", "-a", "-t", svc, "-r", "192.168.1.12:80", "-m", "-w", "2")
	return svc
}

func TestLabNAT(t *testing.T) {
	svc := natService(t, "rr")
	d := func(args ...string) string { t.Helper(); return director(t, "lab-dir", args...) }

	// rr ignores weights and walks the destination list, where the kernel
	// puts the newest destination first: rs2, rs1, rs2, ...
	got := requests(t, natVIP, 6)
	if want := []string{"rs2", "rs1", "rs2", "rs1", "rs2", "rs1"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("rr sequence %q, want %q", got, want)
	}

	// wrr with weights 1 and 2: each round of 3 goes 1:2.
	d("-E", "-t", svc, "-s", "wrr")
	got = requests(t, natVIP, 6)
	if count(got, "rs1") != 2 || count(got, "rs2") != 4 {
		t.Fatalf("wrr split %q, want rs1:rs2 = 2:4", got)
	}

	// Counters: 12 connections, 3+2 to rs1, 3+4 to rs2, packets both ways
	// (NAT: replies come back through the director).
	out := waitStats(t, "lab-dir", []statsLine{
		{"svc " + svc, 12, 1, 1}, {"192.168.1.11:80", 5, 1, 1}, {"192.168.1.12:80", 7, 1, 1}})
	t.Logf("-L -n --stats:\n%s", out)
	sameAsRef(t, "lab-dir", out, "-L", "-n", "--stats")

	out = d("-L", "-c", "-n")
	t.Logf("-L -c -n:\n%s", out)
	sameAsRef(t, "lab-dir", out, "-L", "-c", "-n")
	cs := parseConns(out)
	if n1, n2 := countConns(cs, svc, "192.168.1.11:80"), countConns(cs, svc, "192.168.1.12:80"); n1 != 5 || n2 != 7 {
		t.Errorf("connection entries: %d to rs1, %d to rs2; want 5 and 7", n1, n2)
	}
	for _, c := range cs {
		if !strings.HasPrefix(c.src, "172.16.1.10:") {
			t.Errorf("connection from %s, want the client 172.16.1.10", c.src)
		}
	}
}

// linkMAC is the MAC address of dev in namespace ns.
func linkMAC(t *testing.T, ns, dev string) string {
	t.Helper()
	f := strings.Fields(mustNS(t, ns, ipCmd, "-o", "link", "show", "dev", dev))
	for i := range f {
		if f[i] == "link/ether" && i+1 < len(f) {
			return f[i+1]
		}
	}
	t.Fatalf("no MAC for %s in %s", dev, ns)
	return ""
}

var arpReplyRE = regexp.MustCompile(`reply from [0-9.]+ \[([0-9a-f:]+)\]`)

// arpResponders asks, from the client, who has the DR VIP (two probes, the
// first broadcast) and returns the distinct MACs that answered.
func arpResponders(t *testing.T) []string {
	t.Helper()
	r := inNS("lab-client", "", "busybox", "arping", "-c", "2", "-w", "2", "-I", "eth0", drVIP)
	var macs []string
	for _, m := range arpReplyRE.FindAllStringSubmatch(r.stdout, -1) {
		if !slices.Contains(macs, m[1]) {
			macs = append(macs, m[1])
		}
	}
	if len(macs) == 0 {
		t.Fatalf("arping %s: no reply (exit %d)\n%s%s", drVIP, r.status, r.stdout, r.stderr)
	}
	return macs
}

func TestLabDR(t *testing.T) {
	labUp(t, "dr")
	dirMAC := linkMAC(t, "lab-dir", "eth0")
	rs1MAC := linkMAC(t, "lab-rs1", "eth0")

	// Control: the VIP on a real server's lo without the ARP sysctls, and
	// that server answers ARP for it too. This is what arp-prep prevents,
	// and it shows the ARP assertions below can tell.
	mustNS(t, "lab-rs1", ipCmd, "addr", "add", drVIP+"/32", "dev", "lo")
	if got := arpResponders(t); !slices.Contains(got, rs1MAC) {
		t.Fatalf("control: VIP on rs1's lo without arp-prep, ARP answered by %q, want rs1 %s among them", got, rs1MAC)
	}
	mustNS(t, "lab-rs1", ipCmd, "addr", "del", drVIP+"/32", "dev", "lo")

	// Real servers: VIP on lo, no ARP for it. eth0 is found by the default route.
	for _, rs := range []string{"lab-rs1", "lab-rs2"} {
		mustNS(t, rs, oursBin, "arp-prep", drVIP)
		mustNS(t, rs, oursBin, "arp-prep", "--check", drVIP)
	}
	if got := arpResponders(t); len(got) != 1 || got[0] != dirMAC {
		t.Errorf("after arp-prep, ARP for the VIP answered by %q, want the director %s alone", got, dirMAC)
	}
	mustNS(t, "lab-client", ipCmd, "neigh", "flush", "dev", "eth0")

	d := func(args ...string) string { t.Helper(); return director(t, "lab-dir", args...) }
	svc := drVIP + ":80"
	d("-A", "-t", svc, "-s", "rr")
	d("-a", "-t", svc, "-r", "192.168.2.11:80", "-g", "-w", "1")
	d("-a", "-t", svc, "-r", "192.168.2.12:80", "-g", "-w", "1")

	got := requests(t, drVIP, 4)
	if want := []string{"rs2", "rs1", "rs2", "rs1"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("rr sequence %q, want %q", got, want)
	}
	// DR: only the client's packets pass the director; replies go direct.
	out := waitStats(t, "lab-dir", []statsLine{
		{"svc " + svc, 4, 1, 0}, {"192.168.2.11:80", 2, 1, 0}, {"192.168.2.12:80", 2, 1, 0}})
	t.Logf("-L -n --stats:\n%s", out)
	sameAsRef(t, "lab-dir", out, "-L", "-n", "--stats")
	cs := parseConns(d("-L", "-c", "-n"))
	if n1, n2 := countConns(cs, svc, "192.168.2.11:80"), countConns(cs, svc, "192.168.2.12:80"); n1 != 2 || n2 != 2 {
		t.Errorf("connection entries: %d to rs1, %d to rs2; want 2 and 2", n1, n2)
	}

	// Only the director answered ARP for the VIP.
	neigh := mustNS(t, "lab-client", ipCmd, "neigh", "show", drVIP, "dev", "eth0")
	t.Logf("client: %sdirector eth0: %s", neigh, dirMAC)
	if f := strings.Fields(neigh); len(f) < 3 || f[1] != "lladdr" || f[2] != dirMAC {
		t.Errorf("client's neighbour entry for %s is %q, want lladdr %s (the director)", drVIP, neigh, dirMAC)
	}
	for _, rs := range []string{"lab-rs1", "lab-rs2"} {
		if m := linkMAC(t, rs, "eth0"); strings.Contains(neigh, m) {
			t.Errorf("client resolved the VIP to %s's MAC %s", rs, m)
		}
	}
}

// eventually polls f every 200ms until it returns "" or the deadline passes,
// and then fails with f's last complaint.
func eventually(t *testing.T, d time.Duration, f func() string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		msg := f()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
