//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lvsgo/ipvsadm/e2e/diffcase"
)

// TestDiff runs every case of testdata/diff twice on a freshly reset kernel
// table, once with the reference ipvsadm and once with ours, and demands
// identical transcripts: each command's stdout, stderr and exit status, and
// the kernel state afterwards as the reference lists it.

var (
	caseFilter = flag.String("case", os.Getenv("DIFF_CASE"),
		"run only the diff cases whose name matches this regexp (also $DIFF_CASE)")
	diffShow = flag.Bool("diff.show", false,
		"log the reference transcript of every diff case")
	diffOut = flag.String("diff.out", "",
		"write ref and ours transcripts of every diff case to this directory")
)

const cmdTimeout = 10 * time.Second

func TestDiff(t *testing.T) {
	dir, err := findCases()
	if err != nil {
		t.Fatal(err)
	}
	cases, err := diffcase.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if *caseFilter != "" {
		re, err := regexp.Compile(*caseFilter)
		if err != nil {
			t.Fatalf("-case: %v", err)
		}
		var keep []*diffcase.Case
		for _, c := range cases {
			if re.MatchString(c.Name) {
				keep = append(keep, c)
			}
		}
		cases = keep
	}
	if len(cases) == 0 {
		t.Fatal("no diff cases selected")
	}
	if err := diffEnv(); err != nil {
		t.Fatal(err)
	}
	h, err := newHarness()
	if err != nil {
		t.Fatal(err)
	}
	if *diffOut != "" {
		if err := os.MkdirAll(*diffOut, 0o755); err != nil {
			t.Fatal(err)
		}
	}

	start := time.Now()
	var differ []string
	same := 0
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			want, err := h.runSide(c, refBin)
			if err != nil {
				differ = append(differ, c.Name)
				t.Fatalf("%s:%d: reference side: %v", c.File, c.Line, err)
			}
			got, err := h.runSide(c, oursBin)
			if err != nil {
				differ = append(differ, c.Name)
				t.Fatalf("%s:%d: our side: %v", c.File, c.Line, err)
			}
			if *diffShow {
				t.Logf("%s:%d reference transcript:\n%s", c.File, c.Line, want)
			}
			if *diffOut != "" {
				_ = os.WriteFile(filepath.Join(*diffOut, c.Name+".ref"), []byte(want), 0o644)
				_ = os.WriteFile(filepath.Join(*diffOut, c.Name+".ours"), []byte(got), 0o644)
			}
			if d := diffcase.Diff(want, got, 3); d != "" {
				differ = append(differ, c.Name)
				t.Errorf("%s:%d: transcripts differ (-ref +ours):\n%s", c.File, c.Line, d)
				return
			}
			same++
		})
	}
	fmt.Printf("identical: %d/%d (%s vs %s, %.1fs)\n", same, len(cases), refBin, oursBin,
		time.Since(start).Seconds())
	if len(differ) > 0 {
		t.Errorf("%d differing cases: %s", len(differ), strings.Join(differ, " "))
	}
}

// findCases locates testdata/diff from the working directory: /host in the
// VM (the repository root), the package directory under go test.
func findCases() (string, error) {
	if d := os.Getenv("DIFF_CASES_DIR"); d != "" {
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "testdata", "diff")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p, nil
		}
		if d == filepath.Dir(d) {
			return "", fmt.Errorf("testdata/diff not found above %s", wd)
		}
	}
}

// The VM starts with lo only. The cases need: eth0 (the default sync daemon
// interface, multicast-capable), addresses and default routes so that any
// unicast real server is accepted for masquerading, and names in /etc/hosts
// (both binaries resolve through the same files).
var diffEnvOnce struct {
	sync.Once
	err error
}

const hostsMarker = "# ipvsadm diff cases"

var hostsEntries = hostsMarker + `
10.0.0.1	web.example.com web
10.0.0.2	www2.example.com
10.0.0.3	a-very-long-host-name-that-gets-truncated.example.com longname
10.0.0.4	dual.example.com
2001:db8::4	dual.example.com
2001:db8::5	v6only.example.com
192.168.1.11	rs1.example.com rs1
192.168.1.12	rs2.example.com rs2
192.168.1.13	a-long-real-server-name-cut-short.example.com
2001:db8::10	web6.example.com
2001:db8::11	rs6a.example.com
`

func diffEnv() error {
	diffEnvOnce.Do(func() {
		ip := "/sbin/ip"
		if _, err := os.Stat("/sys/class/net/eth0"); err != nil {
			for _, args := range [][]string{
				{"link", "add", "eth0", "type", "dummy"},
				{"link", "set", "eth0", "multicast", "on", "up"},
				{"addr", "add", "192.168.1.254/24", "dev", "eth0"},
				{"addr", "add", "10.255.255.254/8", "dev", "eth0"},
				{"-6", "addr", "add", "2001:db8::fffe/64", "dev", "eth0", "nodad"},
				{"route", "add", "default", "dev", "eth0"},
				{"-6", "route", "add", "default", "dev", "eth0"},
			} {
				if out, err := exec.Command(ip, args...).CombinedOutput(); err != nil {
					diffEnvOnce.err = fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, out)
					return
				}
			}
		}
		hosts, err := os.ReadFile("/etc/hosts")
		if err != nil {
			diffEnvOnce.err = err
			return
		}
		if !bytes.Contains(hosts, []byte(hostsMarker)) {
			f, err := os.OpenFile("/etc/hosts", os.O_APPEND|os.O_WRONLY, 0)
			if err == nil {
				_, err = f.WriteString(hostsEntries)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
			diffEnvOnce.err = err
		}
	})
	return diffEnvOnce.err
}

// result is what one invocation did.
type result struct {
	stdout, stderr string
	exit           string // "0", "255", or how it died
}

func run(bin, argv0 string, args []string, stdin *string) result {
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Args = append([]string{argv0}, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if stdin != nil {
		cmd.Stdin = strings.NewReader(*stdin)
	}
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String(), exit: "0"}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		r.exit = "killed after " + cmdTimeout.String()
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
		r.exit = fmt.Sprint(ee.ExitCode())
	default:
		r.exit = err.Error()
	}
	return r
}

// harness holds what every case resets to.
type harness struct {
	defTimeout string   // "Timeout (tcp tcpfin udp): ..." line as the kernel booted
	defSet     []string // --set arguments restoring it
	// What the last snapshot saw; known is false until one was taken
	// (or when a side ended in error).
	known                   bool
	lastDaemon, lastTimeout string
	// dirty: the last side sent traffic. Its connection entries survive a
	// flush (only unloading ip_vs drops them), so the next side reloads.
	dirty bool
}

var timeoutRE = regexp.MustCompile(`^Timeout \(tcp tcpfin udp\): (\d+) (\d+) (\d+)\n$`)

func newHarness() (*harness, error) {
	r := run(refBin, "ipvsadm", []string{"-L", "--timeout"}, nil)
	m := timeoutRE.FindStringSubmatch(r.stdout)
	if r.exit != "0" || m == nil {
		return nil, fmt.Errorf("reading default timeouts: exit %s: %q %q", r.exit, r.stdout, r.stderr)
	}
	return &harness{defTimeout: r.stdout, defSet: []string{"--set", m[1], m[2], m[3]}}, nil
}

// ref runs the reference for bookkeeping and insists that it works.
func ref(args ...string) (result, error) {
	r := run(refBin, "ipvsadm", args, nil)
	if r.exit != "0" {
		return r, fmt.Errorf("%s %s: exit %s: %s%s", refBin, strings.Join(args, " "), r.exit, r.stdout, r.stderr)
	}
	return r, nil
}

// reset brings the kernel back to a clean table: no services, no sync
// daemons, default timeouts. Daemons and timeouts are only touched when the
// last snapshot (or, at first, a query) says they differ: every exec costs
// tens of milliseconds under TCG.
func (h *harness) reset() error {
	if _, err := ref("-C"); err != nil {
		return err
	}
	if !h.known {
		d, err := ref("-L", "--daemon")
		if err != nil {
			return err
		}
		tm, err := ref("-L", "--timeout")
		if err != nil {
			return err
		}
		h.lastDaemon, h.lastTimeout = d.stdout, tm.stdout
	}
	for _, state := range []string{"master", "backup"} {
		if strings.Contains(h.lastDaemon, state+" sync daemon") {
			if _, err := ref("--stop-daemon", state); err != nil {
				return err
			}
		}
	}
	if h.lastTimeout != h.defTimeout {
		if _, err := ref(h.defSet...); err != nil {
			return err
		}
	}
	return nil
}

// runSide resets the kernel, plays the case with bin and returns the
// transcript.
func (h *harness) runSide(c *diffcase.Case, bin string) (string, error) {
	if h.dirty {
		if err := h.reset(); err != nil {
			return "", fmt.Errorf("reset: %v", err)
		}
		if err := unloadIPVS(); err != nil {
			return "", fmt.Errorf("dropping connections: %v", err)
		}
		h.dirty, h.known = false, false
	}
	h.dirty = c.Traffic()
	if err := h.reset(); err != nil {
		h.known = false
		return "", fmt.Errorf("reset: %v", err)
	}
	h.known = false
	var tr strings.Builder
	var prev string // stdout of the last Run step
	for _, s := range c.Steps {
		switch s.Kind {
		case diffcase.Run:
			stdin := s.Stdin
			if s.StdinPrev {
				stdin = &prev
			}
			r := run(bin, c.Argv0, s.Args, stdin)
			prev = r.stdout
			fmt.Fprintf(&tr, "$ %s %s\n", c.Argv0, diffcase.QuoteArgs(s.Args))
			r.stdout = sortConnRuns(connExpiry.ReplaceAllString(r.stdout, "${1}MM:SS "))
			writeResult(&tr, r)
		case diffcase.SetupRef:
			r := run(refBin, "ipvsadm", s.Args, s.Stdin)
			if r.exit != "0" {
				return "", fmt.Errorf("line %d: setup ipvsadm %s: exit %s: %s", s.Line,
					diffcase.QuoteArgs(s.Args), r.exit, r.stderr)
			}
		case diffcase.SetupExec:
			r := run(s.Args[0], s.Args[0], s.Args[1:], s.Stdin)
			if r.exit != "0" {
				return "", fmt.Errorf("line %d: setup exec %s: exit %s: %s%s", s.Line,
					diffcase.QuoteArgs(s.Args), r.exit, r.stdout, r.stderr)
			}
		case diffcase.Unload:
			if err := unloadIPVS(); err != nil {
				return "", fmt.Errorf("line %d: %v", s.Line, err)
			}
		case diffcase.UDP:
			if err := sendUDP(s.Args[0], s.Args[1], s.Args[2]); err != nil {
				return "", fmt.Errorf("line %d: %v", s.Line, err)
			}
		}
	}
	tr.WriteString("=== kernel state afterwards\n")
	loaded, err := ipvsLoaded()
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&tr, "ip_vs module loaded: %v\n", loaded)
	var okT, okD bool
	for _, args := range [][]string{
		{"-Sn"},
		{"-Ln", "--thresholds"},
		{"-L", "--timeout"},
		{"-L", "--daemon"},
	} {
		fmt.Fprintf(&tr, "# ref %s\n", strings.Join(args, " "))
		r := run(refBin, "ipvsadm", args, nil)
		writeResult(&tr, r)
		switch args[len(args)-1] {
		case "--timeout":
			h.lastTimeout, okT = r.stdout, r.exit == "0"
		case "--daemon":
			h.lastDaemon, okD = r.stdout, r.exit == "0"
		}
	}
	h.known = okT && okD
	return tr.String(), nil
}

// sortConnRuns sorts each run of masked connection lines: /proc/net/ip_vs_conn
// lists the kernel's hash chains, and a template and its connection can come
// in either order between the two sides' runs. The lines themselves must
// still match one for one.
func sortConnRuns(s string) string {
	lines := strings.SplitAfter(s, "\n")
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && connMasked.MatchString(lines[j]) {
			j++
		}
		if j > i {
			sort.Strings(lines[i:j])
			i = j
		} else {
			i++
		}
	}
	return strings.Join(lines, "")
}

var connMasked = regexp.MustCompile(`^(?:TCP|UDP|SCTP|IP) +MM:SS .*\n$`)

// connExpiry matches the expiry column of a connection listing (-c), the
// one thing that depends on timing: the two sides run seconds apart.
var connExpiry = regexp.MustCompile(`(?m)^((?:TCP|UDP|SCTP|IP) +)\d\d:\d\d `)

// sendUDP sends one datagram from a fixed local port, so that the
// connection entry it creates lists the same on both sides.
func sendUDP(srcPort, dst, payload string) error {
	payload, err := strconv.Unquote(`"` + payload + `"`)
	if err != nil {
		return fmt.Errorf("payload: %v", err)
	}
	raddr, err := net.ResolveUDPAddr("udp", dst)
	if err != nil {
		return err
	}
	lport, err := strconv.Atoi(srcPort)
	if err != nil {
		return err
	}
	conn, err := net.DialUDP("udp", &net.UDPAddr{Port: lport}, raddr)
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.Write([]byte(payload))
	return err
}

// writeResult renders one invocation. Lines ending in blanks get a '$' so a
// trailing-space difference is visible in a diff; a missing final newline is
// spelled out.
func writeResult(tr *strings.Builder, r result) {
	fmt.Fprintf(tr, "exit %s\n", r.exit)
	for _, s := range []struct{ tag, text string }{{"out", r.stdout}, {"err", r.stderr}} {
		if s.text == "" {
			continue
		}
		text := s.text
		nonl := !strings.HasSuffix(text, "\n")
		text = strings.TrimSuffix(text, "\n")
		for _, l := range strings.Split(text, "\n") {
			if strings.HasSuffix(l, " ") || strings.HasSuffix(l, "\t") {
				l += "$"
			}
			fmt.Fprintf(tr, "%s| %s\n", s.tag, l)
		}
		if nonl {
			fmt.Fprintf(tr, "%s| \\ no newline at end\n", s.tag)
		}
	}
}

// ipvsModules lists the loaded modules named ip_vs*.
func ipvsModules() ([]string, error) {
	b, err := os.ReadFile("/proc/modules")
	if err != nil {
		return nil, err
	}
	var mods []string
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) > 0 && strings.HasPrefix(f[0], "ip_vs") {
			mods = append(mods, f[0])
		}
	}
	sort.Strings(mods)
	return mods, nil
}

func ipvsLoaded() (bool, error) {
	mods, err := ipvsModules()
	for _, m := range mods {
		if m == "ip_vs" {
			return true, err
		}
	}
	return false, err
}

// unloadIPVS removes ip_vs and its schedulers/helpers so that the next
// command has to load it. The table must be empty and daemons stopped.
func unloadIPVS() error {
	mods, err := ipvsModules()
	if err != nil {
		return err
	}
	var order []string
	for _, m := range mods {
		if m != "ip_vs" {
			order = append(order, m)
		}
	}
	if len(order) < len(mods) {
		order = append(order, "ip_vs")
	}
	for _, m := range order {
		if out, err := exec.Command("rmmod", m).CombinedOutput(); err != nil {
			return fmt.Errorf("rmmod %s: %v: %s", m, err, out)
		}
	}
	if loaded, err := ipvsLoaded(); err != nil || loaded {
		return fmt.Errorf("ip_vs still loaded after rmmod (%v)", err)
	}
	return nil
}
