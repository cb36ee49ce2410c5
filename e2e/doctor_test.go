//go:build e2e

package e2e

// `ipvsadm doctor` on the tutorial's labs, each broken by exactly one
// mistake in turn, with real traffic where the evidence is traffic: doctor
// must exit 1 with fails that all name the right host and fix; its own
// fix commands (or the obvious repair where it can only say what to do)
// then make the lab whole, and doctor exits 0 on it, with traffic flowing
// again. One lab serves several mistakes, repaired between them, to keep
// the VM time modest.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// finding is one finding of doctor --json.
type finding struct {
	Status  string   `json:"status"`
	Check   string   `json:"check"`
	Service string   `json:"service"`
	Server  string   `json:"server"`
	Message string   `json:"message"`
	FixOn   string   `json:"fix_on"`
	Fix     []string `json:"fix"`
}

type doctorReport struct {
	Mode     string    `json:"mode"`
	OK       bool      `json:"ok"`
	Findings []finding `json:"findings"`
}

// doctor runs `ipvsadm doctor ARGS --json` in ns and returns its status
// and report; the text form goes to the log.
func doctor(t *testing.T, ns string, args ...string) (int, doctorReport) {
	t.Helper()
	text := inNS(ns, "", append([]string{oursBin, "doctor"}, args...)...)
	t.Logf("[%s] ipvsadm doctor %s: exit %d\n%s%s", ns, strings.Join(args, " "), text.status, text.stdout, text.stderr)
	r := inNS(ns, "", append([]string{oursBin, "doctor", "--json"}, args...)...)
	var rep doctorReport
	if strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("doctor --json printed %q, want one line", r.stdout)
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("doctor --json: %v\n%s%s", err, r.stdout, r.stderr)
	}
	// The two runs are a moment apart: each is judged on its own.
	if rep.OK != (r.status == 0) || r.status != 0 && r.status != 1 || text.status != 0 && text.status != 1 {
		t.Fatalf("doctor: text exit %d, --json exit %d with ok=%v", text.status, r.status, rep.OK)
	}
	return r.status, rep
}

func fails(rep doctorReport) []finding {
	var out []finding
	for _, f := range rep.Findings {
		if f.Status == "fail" {
			out = append(out, f)
		}
	}
	return out
}

// mustFail checks that doctor exits 1 and that every fail is check about
// host (fix_on; "" for the director itself) with a fix containing fix.
func mustFail(t *testing.T, ns string, args []string, check, host, fix string) []finding {
	t.Helper()
	rc, rep := doctor(t, ns, args...)
	fs := fails(rep)
	if rc != 1 || len(fs) == 0 {
		t.Fatalf("doctor %q: exit %d with %d fails, want 1 and a %s fail", args, rc, len(fs), check)
	}
	for _, f := range fs {
		if f.Check != check || f.FixOn != host ||
			!slices.ContainsFunc(f.Fix, func(c string) bool { return strings.Contains(c, fix) }) {
			t.Errorf("fail %+v\nwant check %s, fix on %q, a fix with %q", f, check, host, fix)
		}
	}
	return fs
}

func mustPass(t *testing.T, ns string, args ...string) {
	t.Helper()
	if rc, rep := doctor(t, ns, args...); rc != 0 {
		t.Fatalf("doctor %q on the repaired lab: exit %d, fails %+v", args, rc, fails(rep))
	}
}

// applyFixes runs the fix commands of fs on the hosts they name (hosts
// maps an address to its namespace; "" is the director), ours for
// "ipvsadm". Fixes that are not commands (start the service ...) are
// left to the caller.
func applyFixes(t *testing.T, fs []finding, hosts map[string]string) {
	t.Helper()
	for _, f := range fs {
		ns, ok := hosts[f.FixOn]
		if !ok {
			t.Fatalf("fix on %q: no such host in the lab", f.FixOn)
		}
		for _, c := range f.Fix {
			argv := strings.Fields(c)
			switch argv[0] {
			case "ipvsadm":
				argv[0] = oursBin
			case "ip":
				argv[0] = ipCmd
			case "sysctl":
			default:
				continue
			}
			mustNS(t, ns, argv...)
		}
	}
}

// attempts opens n connections to vip:80 from the client at once and
// lets those that get no answer give up after two seconds. Round robin
// over two servers gives each n/2 of them; a broken one needs two to
// fail (one alone only warns), so n = 6 leaves a margin.
func attempts(vip string, n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			inNS("lab-client", "GET / HTTP/1.0\r\n\r\n", "timeout", "2", "busybox", "nc", vip, "80")
		}()
	}
	wg.Wait()
}

// waitPort waits (bounded) until addr:80 accepts connections from the
// director, or refuses them.
func waitPort(t *testing.T, addr string, open bool) {
	t.Helper()
	eventually(t, 5*time.Second, func() string {
		r := inNS("lab-dir", "", "busybox", "nc", "-w", "1", addr, "80")
		if (r.status == 0) != open {
			return fmt.Sprintf("%s:80 accepting: %v, want %v", addr, r.status == 0, open)
		}
		return ""
	})
}

// labRun is where lab.sh keeps its servers' pid files and documents.
func labRun() string { return envOr("LAB_RUN", "/tmp/lab") }

func TestDoctorNAT(t *testing.T) {
	svc := natService(t, "rr")
	d := func(args ...string) string { t.Helper(); return director(t, "lab-dir", args...) }
	hosts := map[string]string{"": "lab-dir", "192.168.1.11": "lab-rs1", "192.168.1.12": "lab-rs2"}
	lab := t
	mustPass(t, "lab-dir")
	mustPass(t, "lab-dir", "--probe")

	// A missing service gets what -L gives it: the reference's words and
	// status.
	for _, svc := range [][]string{{"-t", "10.99.0.1:80"}, {"-f", "99"}} {
		doc := inNS("lab-dir", "", append([]string{oursBin, "doctor"}, svc...)...)
		ref := inNS("lab-dir", "", append([]string{refBin, "-L", "-n"}, svc...)...)
		if doc.status != ref.status || doc.stderr != ref.stderr || doc.stdout != "" {
			t.Errorf("doctor %q: exit %d %q %q; ipvsadm -L: exit %d %q", svc, doc.status, doc.stdout, doc.stderr, ref.status, ref.stderr)
		}
	}

	// First the mistake judged by traffic, while no connection to rs2 has
	// completed yet: its entries are then all in SYN_RECV.
	t.Run("rs2-default-route", func(t *testing.T) {
		// rs2 sends its replies to a router that is not the director.
		mustNS(t, "lab-rs2", ipCmd, "route", "replace", "default", "via", "192.168.1.1")
		rsArgs := []string{"--real-server", "--director", "192.168.1.118", natVIP + ":80"}
		mustFail(t, "lab-rs2", rsArgs, "default-route", "", "ip route replace default via 192.168.1.118")
		attempts(natVIP, 6)
		fs := mustFail(t, "lab-dir", []string{"-t", svc}, "nat-replies", "192.168.1.12", "ip route replace default via 192.168.1.118")
		for _, f := range fs {
			if f.Server != "192.168.1.12:80" || !strings.Contains(f.Message, "replies bypass the director") {
				t.Errorf("fail %+v, want rs2's replies bypassing the director", f)
			}
		}
		applyFixes(t, fs, hosts)
		mustPass(t, "lab-rs2", rsArgs...)
		requests(t, natVIP, 4)
		mustPass(t, "lab-dir", "-t", svc)
	})

	t.Run("nothing-listening", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(labRun(), "httpd-rs2.pid"))
		if err != nil {
			t.Fatal(err)
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		waitPort(t, "192.168.1.12", false)
		mustFail(t, "lab-dir", []string{"--probe"}, "listen", "192.168.1.12", "start the service on TCP port 80")
		// The repair doctor can only name: the server again, as lab.sh
		// starts it (lab.sh down stops whatever runs in the namespace).
		c := exec.Command(ipCmd, "netns", "exec", "lab-rs2", "busybox", "httpd", "-f", "-p", "80", "-h", filepath.Join(labRun(), "www-rs2"))
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		lab.Cleanup(func() { c.Process.Kill(); c.Wait() })
		waitPort(t, "192.168.1.12", true)
		mustPass(t, "lab-dir", "--probe")
	})

	t.Run("weights", func(t *testing.T) {
		d("-e", "-t", svc, "-r", "192.168.1.11:80", "-m", "-w", "0")
		d("-e", "-t", svc, "-r", "192.168.1.12:80", "-m", "-w", "0")
		fs := mustFail(t, "lab-dir", nil, "weights", "", "ipvsadm -e -t "+svc+" -r 192.168.1.12:80 -m -w 1")
		applyFixes(t, fs, hosts)
		mustPass(t, "lab-dir")
		requests(t, natVIP, 2)
	})

	t.Run("ip_forward", func(t *testing.T) {
		mustNS(t, "lab-dir", "sysctl", "-qw", "net.ipv4.ip_forward=0")
		// The replies die here: the director's entries stay in SYN_RECV,
		// but doctor blames forwarding, not the real servers. Last: the
		// servers' SYN-ACKs, retransmitted once forwarding is back, keep
		// those entries in SYN_RECV for a while (doctor tells them from
		// a broken server by the packets the servers send it).
		attempts(natVIP, 6)
		fs := mustFail(t, "lab-dir", nil, "forwarding", "", "sysctl -w net.ipv4.ip_forward=1")
		applyFixes(t, fs, hosts)
		requests(t, natVIP, 4)
		mustPass(t, "lab-dir")
	})
}

func TestDoctorDR(t *testing.T) {
	labUp(t, "dr")
	d := func(args ...string) string { t.Helper(); return director(t, "lab-dir", args...) }
	svc := drVIP + ":80"
	d("-A", "-t", svc, "-s", "rr")
	d("-a", "-t", svc, "-r", "192.168.2.11:80", "-g")
	d("-a", "-t", svc, "-r", "192.168.2.12:80", "-g")
	hosts := map[string]string{"": "lab-dir", "192.168.2.11": "lab-rs1", "192.168.2.12": "lab-rs2"}
	for _, rs := range []string{"lab-rs1", "lab-rs2"} {
		mustNS(t, rs, oursBin, "arp-prep", drVIP)
	}
	mustPass(t, "lab-dir", "--probe")

	t.Run("rs2-without-vip", func(t *testing.T) {
		mustNS(t, "lab-rs2", ipCmd, "addr", "del", drVIP+"/32", "dev", "lo")
		attempts(drVIP, 6)
		fs := mustFail(t, "lab-dir", nil, "handshakes", "192.168.2.12", "ipvsadm arp-prep "+drVIP)
		// The director's second fix is the real server's own check: it
		// fails there now, names the VIP missing from lo, and passes after.
		rsArgs := []string{"--real-server", svc}
		mustFail(t, "lab-rs2", rsArgs, "vip-on-lo", "", "ipvsadm arp-prep "+drVIP)
		applyFixes(t, fs, hosts)
		mustPass(t, "lab-rs2", rsArgs...)
		requests(t, drVIP, 4)
		mustPass(t, "lab-dir")
	})

	t.Run("rs1-answers-arp", func(t *testing.T) {
		// rs1 holds the VIP on lo without arp-prep's settings: it answers
		// ARP for it.
		mustNS(t, "lab-rs1", "sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=0", "net.ipv4.conf.eth0.arp_ignore=0")
		fs := mustFail(t, "lab-dir", []string{"--probe"}, "arp-owner", "192.168.2.11", "ipvsadm arp-prep "+drVIP)
		rs1MAC := linkMAC(t, "lab-rs1", "eth0")
		for _, f := range fs {
			if f.Server != "192.168.2.11:80" || !strings.Contains(f.Message, "192.168.2.11 ("+rs1MAC+") answers ARP") {
				t.Errorf("fail %+v, want rs1 (%s) named", f, rs1MAC)
			}
		}
		applyFixes(t, fs, hosts)
		mustPass(t, "lab-dir", "--probe")
		requests(t, drVIP, 2)
	})

	t.Run("vip-not-local", func(t *testing.T) {
		mustNS(t, "lab-dir", ipCmd, "addr", "del", drVIP+"/24", "dev", "eth0")
		fs := mustFail(t, "lab-dir", nil, "vip-local", "", "ip addr add "+drVIP+"/32 dev eth0")
		applyFixes(t, fs, hosts)
		mustPass(t, "lab-dir", "--probe")
		requests(t, drVIP, 2)
	})
}
