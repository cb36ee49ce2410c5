//go:build e2e

package e2e

// ipvsadm top against the real kernel, with real traffic through the NAT
// lab at wrr 1:2: batch and JSON frames, and the full-screen view driven in
// a real terminal (tmux) as a person would.

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// topWithTraffic runs `ipvsadm top ARGS` on the director while the client
// keeps sending requests through the VIP, until top has printed its frames
// and exited.
func topWithTraffic(t *testing.T, args ...string) cmdResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, ipCmd, append([]string{"netns", "exec", "lab-dir", oursBin, "top"}, args...)...)
	c.WaitDelay = time.Second
	done := make(chan cmdResult, 1)
	go func() { done <- execute(c, "") }()
	for n := 0; ; n++ {
		select {
		case r := <-done:
			t.Logf("%d requests while top ran", n)
			return r
		default:
			httpGet(t, natVIP)
		}
	}
}

type topJSONDest struct {
	Address     string   `json:"address"`
	Forward     string   `json:"forward"`
	Weight      int      `json:"weight"`
	NewConns    uint64   `json:"new_conns"`
	ConnShare   *float64 `json:"conn_share"`
	WeightShare *float64 `json:"weight_share"`
	Rate        struct {
		CPS float64 `json:"cps"`
	} `json:"rate"`
}

type topJSONFrame struct {
	Time     string  `json:"time"`
	Interval float64 `json:"interval"`
	Version  string  `json:"version"`
	Services []struct {
		Address      string        `json:"address"`
		Port         int           `json:"port"`
		Scheduler    string        `json:"scheduler"`
		NewConns     uint64        `json:"new_conns"`
		Destinations []topJSONDest `json:"destinations"`
	} `json:"services"`
}

// wrrShare checks a real server's share of k connections scheduled by wrr
// 1:2: any k consecutive picks of its period of 3 give the weight-1 server
// floor(k/3) or ceil(k/3) of them, so its share is within 2/(3k) of 1/3
// (rounded as printed: slack more).
func wrrShare(t *testing.T, what string, share, want float64, k float64, slack float64) {
	t.Helper()
	if tol := 2/(3*k) + slack; math.Abs(share-want) > tol {
		t.Errorf("%s: share %.4f of %v connections, want %.4f ± %.4f", what, share, k, want, tol)
	}
}

// TestTopBatchNAT: with real traffic at wrr 1:2, batch frames show the two
// real servers' shares of new connections near 1/3 and 2/3, next to their
// shares of the weights.
func TestTopBatchNAT(t *testing.T) {
	svc := natService(t, "wrr")

	t.Run("json", func(t *testing.T) {
		// 8 s: enough requests in each frame on a loaded machine too.
		r := topWithTraffic(t, "--batch", "2", "--interval", "8", "--json", "-n", "-t", svc)
		if r.status != 0 || r.stderr != "" {
			t.Fatalf("top --json: %v", r)
		}
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		if len(lines) != 2 {
			t.Fatalf("%d JSON lines, want 2:\n%s", len(lines), r.stdout)
		}
		var elapsed float64 // since the first snapshot
		for i, l := range lines {
			var f topJSONFrame
			if err := json.Unmarshal([]byte(l), &f); err != nil {
				t.Fatalf("frame %d: %v\n%s", i, err, l)
			}
			if len(f.Services) != 1 || f.Services[0].Address != natVIP || f.Services[0].Scheduler != "wrr" || len(f.Services[0].Destinations) != 2 {
				t.Fatalf("frame %d: %s", i, l)
			}
			// Each frame's read waits for its deadline (start + n x 8 s), so
			// frame n ends no sooner than that, however late a read was;
			// the rates are over the time actually between two reads.
			elapsed += f.Interval
			if elapsed < float64(8*(i+1))-0.002 || f.Interval <= 0 || f.Interval > 8+30 || f.Version == "" {
				t.Errorf("frame %d: interval %v (%v since the start), version %q", i, f.Interval, elapsed, f.Version)
			}
			s := f.Services[0]
			k := float64(s.NewConns)
			if k < 6 {
				t.Fatalf("frame %d: %v new connections in %vs, too few to measure shares:\n%s", i, k, f.Interval, l)
			}
			var sum uint64
			for _, d := range s.Destinations {
				if d.ConnShare == nil || d.WeightShare == nil || d.Forward != "Masq" {
					t.Fatalf("frame %d: %+v", i, d)
				}
				want := map[int]float64{1: 1.0 / 3, 2: 2.0 / 3}[d.Weight]
				wrrShare(t, d.Address, *d.ConnShare, want, k, 0.0005)
				if math.Abs(*d.WeightShare-want) > 0.0005 {
					t.Errorf("frame %d %s: weight share %v, want %.3f", i, d.Address, *d.WeightShare, want)
				}
				if got := d.Rate.CPS * f.Interval; math.Abs(got-float64(d.NewConns)) > 0.01*float64(d.NewConns)+0.01 {
					t.Errorf("frame %d %s: %v/s over %vs is not its %d new connections", i, d.Address, d.Rate.CPS, f.Interval, d.NewConns)
				}
				sum += d.NewConns
			}
			if sum != s.NewConns {
				t.Errorf("frame %d: real servers' new connections %d, service's %d", i, sum, s.NewConns)
			}
			t.Logf("frame %d: %d connections in %.2fs: %s %.3f, %s %.3f", i, s.NewConns, f.Interval,
				s.Destinations[0].Address, *s.Destinations[0].ConnShare, s.Destinations[1].Address, *s.Destinations[1].ConnShare)
		}
	})

	t.Run("text", func(t *testing.T) {
		// Not a terminal: batch mode without being asked.
		r := topWithTraffic(t, "--batch", "1", "--interval", "8", "-n")
		if r.status != 0 || r.stderr != "" {
			t.Fatalf("top: %v", r)
		}
		t.Logf("frame:\n%s", r.stdout)
		over := regexp.MustCompile(`; rates over ([0-9.]+)s\n`).FindStringSubmatch(r.stdout)
		svcLine := regexp.MustCompile(`(?m)^TCP  172\.16\.1\.143:80 +wrr +([0-9.]+) +100%`).FindStringSubmatch(r.stdout)
		if over == nil || svcLine == nil || !strings.HasPrefix(r.stdout, "ipvsadm top - ") || !strings.HasSuffix(r.stdout, "\n\n") {
			t.Fatalf("frame not as expected")
		}
		secs, _ := strconv.ParseFloat(over[1], 64)
		cps, _ := strconv.ParseFloat(svcLine[1], 64)
		k := (cps - 0.05) * secs // the rate is printed to at most one decimal
		if cps >= 10 {
			k = (cps - 0.5) * secs
		}
		if k < 6 {
			t.Fatalf("%v connections/s over %vs: too few to measure shares", cps, secs)
		}
		for _, rs := range []struct {
			addr string
			want float64
		}{{"192.168.1.11:80", 1.0 / 3}, {"192.168.1.12:80", 2.0 / 3}} {
			m := regexp.MustCompile(`(?m)^  -> ` + regexp.QuoteMeta(rs.addr) + ` +Masq +\d+ +[0-9.]+ +([0-9.]+)% +([0-9.]+)%`).FindStringSubmatch(r.stdout)
			if m == nil {
				t.Fatalf("no line for %s", rs.addr)
			}
			conn, _ := strconv.ParseFloat(m[1], 64)
			wgt, _ := strconv.ParseFloat(m[2], 64)
			wrrShare(t, rs.addr, conn/100, rs.want, k, 0.0005)
			if math.Abs(wgt/100-rs.want) > 0.0005 {
				t.Errorf("%s: weight share %v%%", rs.addr, wgt)
			}
		}
	})

	t.Run("errors", func(t *testing.T) {
		// An unknown service: -L's message and status.
		ours := inNS("lab-dir", "", oursBin, "top", "--batch", "1", "-t", "172.16.1.143:81")
		ref := inNS("lab-dir", "", refBin, "-L", "-t", "172.16.1.143:81")
		if ours.status != ref.status || ours.stderr != ref.stderr || ours.stdout != "" {
			t.Errorf("unknown service: top %v\n-L (1.31) %v", ours, ref)
		}
		// Not root: one line, status 1 (the root namespace's table, whose
		// IPVS the lab loaded).
		if r := relExec(t, 65534, "", oursBin, "top", "--batch", "1"); r.status != 1 || r.stdout != "" ||
			r.stderr != "ipvsadm top: must be run as root to read the IPVS table\n" {
			t.Errorf("top as nobody: %v", r)
		}
		for _, args := range [][]string{{"--interval", "0"}, {"--sort", "cpu"}, {"--batch", "-1"}} {
			r := inNS("lab-dir", "", append([]string{oursBin, "top"}, args...)...)
			if r.status != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "ipvsadm top: ") {
				t.Errorf("top %q: %v", args, r)
			}
		}
	})
}

// TestTopTerminal drives the full-screen view in a real terminal (tmux)
// against the real table while traffic flows: the frame, the sort key,
// the filter, names, resizes, and each way out putting the terminal back.
func TestTopTerminal(t *testing.T) {
	natService(t, "wrr")
	director(t, "lab-dir", "-A", "-t", natVIP+":8080", "-s", "rr")
	director(t, "lab-dir", "-a", "-t", natVIP+":8080", "-r", "192.168.1.11:80", "-m")
	// top runs in a shell that notes the terminal's modes before and
	// after it, then waits for a line typed at its prompt.
	top := func() *tmuxSession {
		return startTmux(t, 80, 24, nil, "sh", "-c", `a=$(stty -g); `+ipCmd+` netns exec lab-dir `+oursBin+` top -n --interval 1
st=$?; b=$(stty -g); echo "top exited $st"; [ "$a" = "$b" ] && echo "terminal restored"; echo "type a line:"
read -r x; echo "got $x"`)
	}
	restored := func(s *tmuxSession, how string, status int) {
		t.Helper()
		// The prompt comes last: once it shows, so does all the shell
		// printed before it.
		scr := s.WaitFor(tmuxWait, "type a line:")
		if !strings.Contains(scr, "top exited "+strconv.Itoa(status)+"\n") || !strings.Contains(scr, "terminal restored") ||
			strings.Contains(scr, "ipvsadm top - ") || s.AltScreen() || s.Format("#{cursor_flag}") != "1" {
			t.Errorf("%s: want exit status %d and the terminal as before (alternate screen %v, cursor %s):\n%s",
				how, status, s.AltScreen(), s.Format("#{cursor_flag}"), scr)
		}
		s.Type("typed")
		s.WaitFor(tmuxWait, "\ntyped\n") // echoed at once: canonical mode and echo are back
		s.Keys("Enter")
		if st := s.Exited(tmuxWait); st != 0 {
			t.Errorf("%s: the shell after top: exit status %d", how, st)
		}
	}

	s := top()
	s.WaitFor(tmuxWait, "Measuring: rates from the next refresh on")
	if !s.AltScreen() {
		t.Error("the view is not on the alternate screen")
	}
	requests(t, natVIP, 6)
	wants := []string{"; rates over ", "sort: cps", "Prot LocalAddress:Port Method   Wgt Conn/s Conn%  Wgt% InB/s OutB/s Active InAct",
		"TCP  172.16.1.143:80   wrr", "  -> 192.168.1.11:80   Masq       1", "  -> 192.168.1.12:80   Masq       2",
		"TCP  172.16.1.143:8080 rr", "q quit  s sort"}
	frame := func(scr string) bool {
		for _, want := range wants {
			if !strings.Contains(scr, want) {
				return false
			}
		}
		lines := strings.Split(strings.TrimSuffix(scr, "\n"), "\n")
		return len(lines) == 24 && strings.HasPrefix(lines[23], "q quit")
	}
	if scr, ok := s.WaitUntil(tmuxWait, frame); !ok {
		t.Errorf("no frame of 24 lines ending in the key line and holding %q:\n%s", wants, scr)
	}

	s.Keys("s")
	s.WaitFor(tmuxWait, "sort: inpps")
	s.Keys("S", "S")
	s.WaitFor(tmuxWait, "sort: name")

	s.Keys("/")
	s.Type("8080")
	s.WaitFor(tmuxWait, "Filter services: 8080_")
	s.Keys("Enter")
	if scr, ok := s.WaitUntil(tmuxWait, func(scr string) bool {
		return strings.Contains(scr, `filter "8080": 1 service`) && strings.Contains(scr, "TCP  172.16.1.143:8080") &&
			!strings.Contains(scr, "172.16.1.143:80 ") && !strings.Contains(scr, "Filter services")
	}); !ok {
		t.Errorf("filter 8080: want only the 8080 service and no filter prompt:\n%s", scr)
	}
	s.Keys("/", "BSpace", "BSpace", "BSpace", "BSpace", "Enter")
	s.WaitFor(tmuxWait, "2 services, 3 real servers")

	s.Resize(60, 20)
	if scr, ok := s.WaitUntil(tmuxWait, func(scr string) bool {
		return strings.Contains(scr, "Terminal too small (60x20)") && strings.Count(strings.TrimSpace(scr), "\n") == 0
	}); !ok {
		t.Errorf("too small: more than one line:\n%s", scr)
	}
	s.Resize(132, 43)
	s.WaitFor(tmuxWait, "InPkt/s  OutPkt/s")

	s.Keys("q")
	restored(s, "q", 0)

	s = top()
	s.WaitFor(tmuxWait, "ipvsadm top - ")
	s.Keys("/", "x", "C-c")
	restored(s, "Ctrl-C", 0)

	s = top()
	s.WaitFor(tmuxWait, "ipvsadm top - ")
	pid := descendant(t, s.Format("#{pane_pid}"), "ipvsadm")
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	restored(s, "SIGTERM", 128+int(syscall.SIGTERM))
}

// descendant is the pid of the process named comm among pid's descendants
// (top runs under the pane's shells; ip netns exec execs it).
func descendant(t *testing.T, pid, comm string) int {
	t.Helper()
	todo := []string{pid}
	for len(todo) > 0 {
		p := todo[0]
		todo = todo[1:]
		if name, err := os.ReadFile("/proc/" + p + "/comm"); err == nil && strings.TrimSpace(string(name)) == comm {
			n, _ := strconv.Atoi(p)
			return n
		}
		kids, _ := os.ReadFile("/proc/" + p + "/task/" + p + "/children")
		todo = append(todo, strings.Fields(string(kids))...)
	}
	t.Fatalf("no %s under process %s", comm, pid)
	return 0
}
