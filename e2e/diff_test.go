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
	"github.com/lvsgo/ipvsadm/internal/upstream"
)

// TestDiff runs every case of testdata/diff on a freshly reset kernel table
// with each reference ipvsadm (bookworm's and trixie's) and with ours, and
// demands that ours' transcript equal each reference's: each command's
// stdout, stderr and exit status, and the kernel state afterwards as the
// (bookworm) reference lists it. The only lines allowed to differ are the
// known differences of package upstream, where ours follows upstream: a
// reference's line in an old form is rewritten to upstream's before the
// comparison, and a run of the whole suite wants each such rewrite to have
// been needed at least once for each reference that lacks the fix.

var (
	caseFilter = flag.String("case", os.Getenv("DIFF_CASE"),
		"run only the diff cases whose name matches this regexp (also $DIFF_CASE)")
	diffShow = flag.Bool("diff.show", false,
		"log the reference transcript of every diff case")
	diffOut = flag.String("diff.out", "",
		"write ref and ours transcripts of every diff case to this directory")
	diffRefs = flag.String("diff.refs", "bookworm,trixie",
		"the references ours is compared with, a comma list of bookworm and trixie")
)

// binary is one ipvsadm the suite runs: a Debian release's (ref set) or ours.
type binary struct {
	name string
	ref  upstream.Reference // "" for ours
	path string
	// loader: path is run by this dynamic loader with its libraries
	// (trixie's ipvsadm on trixie's libc under /ref-trixie).
	loader, libs string
}

var (
	bookwormRef = binary{name: "bookworm", ref: upstream.Bookworm, path: refBin}
	trixieRef   = binary{name: "trixie", ref: upstream.Trixie, path: envOr("IPVSADM_REF_TRIXIE", "/ref-trixie/bin/ipvsadm"),
		loader: "/ref-trixie/lib/ld-linux-x86-64.so.2", libs: "/ref-trixie/lib"}
	oursBinary = binary{name: "ours", path: oursBin}
)

// command runs b as argv0 (through its loader, which sets argv[0]).
func (b binary) command(ctx context.Context, argv0 string, args []string) *exec.Cmd {
	if b.loader == "" {
		cmd := exec.CommandContext(ctx, b.path)
		cmd.Args = append([]string{argv0}, args...)
		return cmd
	}
	cmd := exec.CommandContext(ctx, b.loader)
	cmd.Args = append([]string{b.loader, "--library-path", b.libs, "--argv0", argv0, b.path}, args...)
	return cmd
}

func selectRefs(list string) ([]binary, error) {
	var refs []binary
	for _, n := range strings.Split(list, ",") {
		switch n {
		case "bookworm":
			refs = append(refs, bookwormRef)
		case "trixie":
			refs = append(refs, trixieRef)
		default:
			return nil, fmt.Errorf("-diff.refs: unknown reference %q (bookworm, trixie)", n)
		}
	}
	for _, r := range refs {
		if _, err := os.Stat(r.path); err != nil {
			return nil, err
		}
	}
	return refs, nil
}

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
	refs, err := selectRefs(*diffRefs)
	if err != nil {
		t.Fatal(err)
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
	// seen[ref][fix]: how often each known difference was rewritten.
	seen := map[upstream.Reference]map[string]int{}
	for _, r := range refs {
		seen[r.ref] = map[string]int{}
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			got, err := h.runSide(c, oursBinary, nil)
			if err != nil {
				differ = append(differ, c.Name)
				t.Fatalf("%s:%d: our side: %v", c.File, c.Line, err)
			}
			if *diffOut != "" {
				_ = os.WriteFile(filepath.Join(*diffOut, c.Name+".ours"), []byte(got), 0o644)
			}
			ok := true
			for _, r := range refs {
				want, err := h.runSide(c, r, seen[r.ref])
				if err != nil {
					differ = append(differ, c.Name)
					t.Fatalf("%s:%d: %s reference side: %v", c.File, c.Line, r.name, err)
				}
				if *diffShow {
					t.Logf("%s:%d %s reference transcript:\n%s", c.File, c.Line, r.name, want)
				}
				if *diffOut != "" {
					_ = os.WriteFile(filepath.Join(*diffOut, c.Name+"."+r.name), []byte(want), 0o644)
				}
				if d := diffcase.Diff(want, got, 3); d != "" {
					ok = false
					t.Errorf("%s:%d: transcripts differ (-%s reference +ours):\n%s", c.File, c.Line, r.name, d)
				}
			}
			if !ok {
				differ = append(differ, c.Name)
				return
			}
			same++
		})
	}
	var names []string
	for _, r := range refs {
		names = append(names, r.name)
	}
	fmt.Printf("identical: %d/%d (ours %s vs the %s references, %.1fs)\n", same, len(cases), oursBin,
		strings.Join(names, " and "), time.Since(start).Seconds())
	for _, r := range refs {
		var known []string
		for _, f := range upstream.Fixes {
			if f.Lacks(r.ref) {
				known = append(known, fmt.Sprintf("%q %d lines", f.Name, seen[r.ref][f.Name]))
			}
		}
		if r.ref == upstream.Trixie {
			known = append(known, fmt.Sprintf("%q %d lines", libcMapped, seen[r.ref][libcMapped]))
		}
		fmt.Printf("known differences from %s: %s\n", r.name, strings.Join(known, ", "))
	}
	if len(differ) > 0 {
		t.Errorf("%d differing cases: %s", len(differ), strings.Join(differ, " "))
	}
	// Each known difference must show in the whole suite: one that no
	// case needs any more is no longer known to be one.
	if *caseFilter == "" {
		for _, r := range refs {
			for _, f := range upstream.Fixes {
				if f.Lacks(r.ref) && seen[r.ref][f.Name] == 0 {
					t.Errorf("known difference %q from %s: no case showed it", f.Name, r.name)
				}
			}
			if r.ref == upstream.Trixie && seen[r.ref][libcMapped] == 0 {
				t.Errorf("known difference %q: no case showed it", libcMapped)
			}
		}
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
	return runBinary(binary{path: bin}, argv0, args, stdin)
}

func runBinary(b binary, argv0 string, args []string, stdin *string) result {
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := b.command(ctx, argv0, args)
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
// transcript. A reference's output lines in a form upstream has fixed since
// are rewritten as upstream prints them, counted in seen.
func (h *harness) runSide(c *diffcase.Case, bin binary, seen map[string]int) (string, error) {
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
			r := runBinary(bin, c.Argv0, s.Args, stdin)
			prev = r.stdout
			fmt.Fprintf(&tr, "$ %s %s\n", c.Argv0, diffcase.QuoteArgs(s.Args))
			if bin.ref != "" {
				r.stdout = upstream.Apply(bin.ref, r.stdout, seen)
				r.stderr = upstream.Apply(bin.ref, r.stderr, seen)
			}
			if bin.ref == upstream.Trixie {
				r.stdout = mappedNames(r.stdout, seen)
			}
			if unsortedList(s.Args) {
				r.stdout = h.sameOrder(r.stdout, c.Argv0, s.Args, stdin)
			}
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

// libcMapped is the one difference of the trixie reference's environment,
// not of ipvsadm: trixie's glibc (2.41) names a v4-mapped IPv6 address
// (::ffff:10.0.0.1) by the IPv4 address's /etc/hosts entry, where
// bookworm's glibc (2.36) and ours give no name and -L prints the address.
const libcMapped = "trixie's libc names v4-mapped addresses"

// mappedNames rewrites, in a trixie reference's listing, "[NAME]" for a
// name that /etc/hosts gives only an IPv4 address into "[::ffff:ADDR]",
// counting the lines in seen.
func mappedNames(s string, seen map[string]int) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		n := bracketName.ReplaceAllStringFunc(l, func(m string) string {
			if a, ok := v4OnlyHosts()[m[1:len(m)-1]]; ok {
				return "[::ffff:" + a + "]"
			}
			return m
		})
		if n != l {
			lines[i] = n
			if seen != nil {
				seen[libcMapped]++
			}
		}
	}
	return strings.Join(lines, "")
}

var bracketName = regexp.MustCompile(`\[[A-Za-z][A-Za-z0-9.-]*\]`)

// v4OnlyHosts is hostsEntries' names that have an IPv4 address and no
// IPv6 one, with that address.
var v4OnlyHosts = sync.OnceValue(func() map[string]string {
	v4, v6 := map[string]string{}, map[string]bool{}
	for _, l := range strings.Split(hostsEntries, "\n") {
		f := strings.Fields(l)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		for _, n := range f[1:] {
			if strings.Contains(f[0], ":") {
				v6[n] = true
			} else if _, ok := v4[n]; !ok {
				v4[n] = f[0]
			}
		}
	}
	for n := range v6 {
		delete(v4, n)
	}
	return v4
})

// unsortedList reports whether args list the table (-L, -l, -S and their
// long names, alone or in a cluster) in the kernel's order (--nosort).
func unsortedList(args []string) bool {
	nosort, list := false, false
	for _, a := range args {
		switch {
		case a == "--":
			return false
		case a == "--nosort":
			nosort = true
		case a == "--list" || a == "--save":
			list = true
		case shortCluster.MatchString(a) && strings.ContainsAny(a, "LlS"):
			list = true
		}
	}
	return nosort && list
}

var shortCluster = regexp.MustCompile(`^-[A-Za-z]+$`)

// sameOrder replaces a --nosort listing by its lines in sorted order and a
// line saying whether it came in the same order as the bookworm
// reference's listing of the same table state, taken right after. The
// kernel's order is its hash table's, and 7.x rebuilds its service table
// with a new hash key after a flush: two fills of the same table (the
// sides of a case) list in different orders whatever the binary. So the
// order is compared on one table state and the lines across sides.
func (h *harness) sameOrder(out, argv0 string, args []string, stdin *string) string {
	w := runBinary(bookwormRef, argv0, args, stdin)
	witness := upstream.Apply(upstream.Bookworm, w.stdout, nil)
	lines := strings.SplitAfter(out, "\n")
	sort.Strings(lines)
	verdict := "nosort: the order of the bookworm reference's listing of this table\n"
	if witness != out {
		verdict = "nosort: NOT the order of the bookworm reference's listing of this table:\n" + witness +
			"nosort: this side's:\n" + out
	}
	return verdict + "nosort: its lines in sorted order:\n" + strings.Join(lines, "")
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
