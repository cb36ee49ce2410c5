package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

const work = "/tmp/bench"

type config struct {
	ref, ours   string
	exporter    string
	scales      []int
	reals       int
	rounds      int
	invocations int
	hosts       int
	conns       int
	verbose     bool
	skip        map[string]bool
}

func main() {
	var c config
	var scales string
	flag.StringVar(&c.ref, "ref", "/ref/ipvsadm", "reference ipvsadm 1.31")
	flag.StringVar(&c.ours, "ours", "/host/ipvsadm", "our ipvsadm")
	flag.StringVar(&c.exporter, "exporter", "/host/ipvs_exporter", "our ipvs_exporter (the front-end rows)")
	flag.StringVar(&scales, "services", "10000", "services in the rule set; a comma list runs each size in turn")
	flag.IntVar(&c.reals, "reals", 4, "real servers per service")
	flag.IntVar(&c.rounds, "rounds", 3, "rounds of ref, ours")
	flag.IntVar(&c.invocations, "invocations", 200, "separate -A invocations timed together")
	flag.IntVar(&c.hosts, "hosts", 400, "addresses of the rule set named in /etc/hosts, spread evenly (-L resolves every address)")
	flag.BoolVar(&c.verbose, "v", false, "print every run")
	printRules := flag.Bool("print-rules", false, "print the rule set for the first -services size and exit")
	flag.IntVar(&c.conns, "conns", 100000, "connections in the table -L -c lists")
	skip := flag.String("skip", "", "tests to leave out, comma-separated: list, save, names, rss, invocations, errors, apply, conns, connnames, front")
	flag.Parse()
	for _, s := range strings.Split(scales, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 4 || n > maxServices(c.reals) {
			fatalf("bad -services %q (4..%d)", s, maxServices(c.reals))
		}
		c.scales = append(c.scales, n)
	}
	c.skip = map[string]bool{}
	for _, t := range strings.Split(*skip, ",") {
		switch t = strings.TrimSpace(t); t {
		case "":
		case "list", "save", "names", "rss", "invocations", "errors", "apply", "conns", "connnames", "front":
			c.skip[t] = true
		default:
			fatalf("bad -skip %q", t)
		}
	}
	if *printRules {
		os.Stdout.Write(genRules(c.scales[0], c.reals))
		return
	}
	if c.rounds < 1 || c.reals < 1 || c.invocations < 1 || c.invocations > 2*perOctet || c.conns < 1 || c.conns > 250*64512 {
		fatalf("bad -rounds, -reals or -invocations")
	}
	// The bench makes network namespaces and rewrites /etc/hosts: only where
	// the VM's init says it is the throw-away test machine.
	if os.Getenv("IPVSADM_E2E") != "1" {
		fatalf("refusing to run outside the test VM (IPVSADM_E2E=1); use `make bench`")
	}
	// The VM console may glue the first line to the firmware's last.
	fmt.Println()
	ref, ours, err := setup(c)
	if err != nil {
		fatalf("setup: %v", err)
	}
	var all []*table
	ok := true
	for _, n := range c.scales {
		t, err := bench(c, n, ref, ours)
		if err != nil {
			fatalf("%d services: %v", n, err)
		}
		t.print(os.Stdout)
		ok = ok && t.ok
		all = append(all, t)
	}
	if len(all) > 1 {
		printGrowth(os.Stdout, all)
	}
	if !ok {
		fmt.Println("bench: FAIL: ours differs from the reference (see above)")
		os.Exit(1)
	}
	fmt.Println("bench: ok: identical kernel state and output")
}

func fatalf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", a...)
	os.Exit(2)
}

// setup loads the IPVS modules the rule set uses (so no run pays for it)
// and copies both binaries to tmpfs.
func setup(c config) (ref, ours impl, err error) {
	for _, m := range []string{"ip_vs", "ip_vs_wlc", "ip_vs_rr", "ip_vs_sh", "ip_vs_lc", "ip_vs_wrr", "ip_vs_nq"} {
		if out, err := exec.Command("/sbin/modprobe", m).CombinedOutput(); err != nil {
			return ref, ours, fmt.Errorf("modprobe %s: %v %s", m, err, out)
		}
	}
	ref = impl{name: "ref", path: filepath.Join(work, "ref", "ipvsadm")}
	ours = impl{name: "ours", path: filepath.Join(work, "ours", "ipvsadm")}
	for _, p := range [][2]string{{c.ref, ref.path}, {c.ours, ours.path}} {
		if err := copyFile(p[0], p[1]); err != nil {
			return ref, ours, err
		}
	}
	return ref, ours, os.MkdirAll(filepath.Join(work, "out"), 0o755)
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o755)
}

// sample is one timed measurement.
type sample struct {
	wall, user, sys time.Duration
	rss             int64 // KiB
}

// row is one line of the table: samples of both binaries over the rounds.
type row struct {
	name      string
	goal      float64
	rss       bool // compare peak RSS instead of time
	ref, ours []sample
	same      bool
	note      string // first difference, if any
	base      string // what the reference column holds, if not the reference's own run
}

type table struct {
	services, reals, lines, hosts int
	rounds, invocations           int
	rows                          []*row
	checks                        []check
	ok                            bool
}

type check struct {
	name string
	ok   bool
	note string
}

func (t *table) check(name string, ok bool, note string) {
	t.checks = append(t.checks, check{name, ok, note})
	if !ok {
		t.ok = false
	}
}

// bench runs the suite at one size.
func bench(c config, n int, ref, ours impl) (*table, error) {
	rules := filepath.Join(work, "rules")
	body := genRules(n, c.reals)
	if err := os.WriteFile(rules, body, 0o644); err != nil {
		return nil, err
	}
	hosts := genHosts(n, c.reals, c.hosts)
	if err := os.WriteFile("/etc/hosts", hosts, 0o644); err != nil {
		return nil, err
	}
	t := &table{services: n, reals: c.reals, lines: strings.Count(string(body), "\n"),
		hosts: strings.Count(string(hosts), "\n"), rounds: c.rounds, invocations: c.invocations, ok: true}
	s := &suite{c: c, t: t, ref: ref, ours: ours, dir: filepath.Join(work, "out"), connWant: map[string][]byte{}}
	if !c.skip["errors"] {
		if err := s.errorCheck(); err != nil {
			return nil, err
		}
	}
	for _, r := range []*row{
		{name: "restore -R", goal: 0.33},
		{name: "list -Ln", goal: 0.5},
		{name: "save -Sn", goal: 0.5},
		{name: "list -L (names)", goal: 0.2},
		{name: fmt.Sprintf("%d x -A", c.invocations), goal: 1.0},
		{name: "peak RSS -Ln", goal: 1.5, rss: true},
	} {
		r.same = true
		t.rows = append(t.rows, r)
	}
	for round := 0; round < c.rounds; round++ {
		for _, im := range []impl{ref, ours} {
			if err := s.round(round, im, t.rows); err != nil {
				return nil, err
			}
		}
	}
	if !c.skip["apply"] {
		if _, _, _, err := scaleFiles(n, c.reals); err != nil {
			return nil, err
		}
		rows := []*row{
			{name: "apply, same file", goal: 1.2, base: "ours -Sn"},
			{name: "apply, 1% changed", goal: 0.1, base: "ref -C then -R"},
			{name: "-R into non-empty", goal: 0.33},
		}
		for _, r := range rows {
			r.same = true
			t.rows = append(t.rows, r)
		}
		for round := 0; round < c.rounds; round++ {
			for _, im := range []impl{ref, ours} {
				if err := s.scaleRound(round, im, rows); err != nil {
					return nil, err
				}
			}
		}
	}
	if !c.skip["front"] {
		rows := frontRows()
		for _, r := range rows {
			r.same = true
			t.rows = append(t.rows, r)
		}
		for round := 0; round < c.rounds; round++ {
			if err := s.frontRound(rows); err != nil {
				return nil, err
			}
		}
	}
	if !c.skip["conns"] && n == c.scales[0] {
		rows := []*row{
			{name: fmt.Sprintf("-L -c -n (%dk)", c.conns/1000), goal: 0.5},
			{name: fmt.Sprintf("-L -c (%dk, names)", c.conns/1000), goal: 0.5},
		}
		for _, r := range rows {
			r.same = true
			t.rows = append(t.rows, r)
		}
		if err := s.connBench(c.conns, rows); err != nil {
			return nil, err
		}
	}
	return t, s.done()
}

type suite struct {
	c         config
	t         *table
	ref, ours impl
	dir       string
	want      map[string]result // the reference's first output of each command
	connWant  map[string][]byte // the same for -L -c, as a set
	ns        *netns            // where the runs happen now
	nsCount   int
}

// exec runs one command and checks its output against the reference's
// first run of the same command (key).
func (s *suite) exec(im impl, key string, args []string, stdin string, r *row) (result, error) {
	res, err := run(im, s.ns, s.dir, args, stdin, false, strings.HasSuffix(key, "(rss)"))
	if err != nil {
		return res, fmt.Errorf("%s %s: %v", im.name, key, err)
	}
	if s.c.verbose {
		fmt.Printf("  %-4s %-22s %8.3fs user %6.3fs sys %6.3fs hwm %6d KiB status %d\n",
			im.name, key, res.wall.Seconds(), res.user.Seconds(), res.sys.Seconds(), res.hwm, res.status)
	}
	if s.want == nil {
		s.want = map[string]result{}
	}
	want, seen := s.want[key]
	if !seen {
		if im.name != "ref" {
			return res, fmt.Errorf("%s ran before the reference", key)
		}
		s.want[key] = res
		return res, nil
	}
	if ok, note := sameOutput(want, res); !ok && r != nil && r.same {
		r.same, r.note = false, im.name+": "+note
		s.t.ok = false
	}
	return res, nil
}

// snapshot is the kernel's table as the reference prints it.
func (s *suite) snapshot() ([]byte, error) {
	res, err := run(s.ref, s.ns, s.dir, []string{"-Sn"}, "", false, false)
	if err != nil || res.status != 0 {
		return nil, fmt.Errorf("snapshot: %v status %d %s", err, res.status, res.stderr)
	}
	return res.stdout, nil
}

// fresh gives the next runs a network namespace of their own.
func (s *suite) fresh() error {
	if err := s.done(); err != nil {
		return err
	}
	s.nsCount++
	ns, err := newNetns("bench" + itoa(s.nsCount))
	s.ns = ns
	return err
}

// done removes the current namespace, if any.
func (s *suite) done() error {
	if s.ns == nil {
		return nil
	}
	err := s.ns.remove()
	s.ns = nil
	return err
}

// round times every command once under im. The first round also checks
// the kernel state im leaves behind, read with the reference.
func (s *suite) round(round int, im impl, rows []*row) error {
	add := func(r *row, res result) {
		sm := sample{wall: res.wall, user: res.user, sys: res.sys, rss: res.hwm}
		if im.name == "ref" {
			r.ref = append(r.ref, sm)
		} else {
			r.ours = append(r.ours, sm)
		}
	}
	if err := s.fresh(); err != nil {
		return err
	}
	res, err := s.exec(im, "restore", []string{"-R"}, filepath.Join(work, "rules"), rows[0])
	if err != nil {
		return err
	}
	add(rows[0], res)
	if round == 0 {
		if err := s.stateCheck(im, "state after -R"); err != nil {
			return err
		}
	}
	for i, args := range [][]string{{"-Ln"}, {"-Sn"}, {"-L"}} {
		if s.c.skip[[]string{"list", "save", "names"}[i]] {
			continue
		}
		res, err := s.exec(im, strings.Join(args, " "), args, "", rows[1+i])
		if err != nil {
			return err
		}
		add(rows[1+i], res)
	}
	// Peak RSS in a run of its own: following it costs time the timed runs
	// should not share.
	if !s.c.skip["rss"] {
		res, err = s.exec(im, "-Ln (rss)", []string{"-Ln"}, "", rows[5])
		if err != nil {
			return err
		}
		add(rows[5], res)
	}
	if s.c.skip["invocations"] {
		return nil
	}
	var sum result
	for i := 0; i < s.c.invocations; i++ {
		args := []string{"-A", "-t", extraAddr(i).String() + ":9000", "-s", "rr"}
		res, err := s.exec(im, "add "+strconv.Itoa(i), args, "", rows[4])
		if err != nil {
			return err
		}
		sum.wall += res.wall
		sum.user += res.user
		sum.sys += res.sys
	}
	add(rows[4], sum)
	if round == 0 {
		return s.stateCheck(im, "state after -A")
	}
	return nil
}

// stateCheck compares the kernel table with what the reference left.
func (s *suite) stateCheck(im impl, name string) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	key := "snapshot " + name
	if im.name == "ref" {
		s.want[key] = result{stdout: snap}
		return nil
	}
	ok, note := sameBytes(s.want[key].stdout, snap)
	s.t.check(name, ok, note)
	return nil
}

// errorCheck restores a short rule set full of failing lines with each
// binary and compares what they print, their exit status and the state
// left behind; once with stdout and stderr apart, once into one file, so
// that their interleaving is compared too.
func (s *suite) errorCheck() error {
	in := filepath.Join(work, "rules-errors")
	if err := os.WriteFile(in, genErrorRules(min(s.t.services, 200), s.c.reals), 0o644); err != nil {
		return err
	}
	var got [2][3][]byte
	var status [2]int
	for i, im := range []impl{s.ref, s.ours} {
		for j, merged := range []bool{false, true} {
			if err := s.fresh(); err != nil {
				return err
			}
			res, err := run(im, s.ns, s.dir, []string{"-R"}, in, merged, false)
			if err != nil {
				return err
			}
			if merged {
				got[i][2] = res.stdout
			} else {
				got[i][0], got[i][1], status[i] = res.stdout, res.stderr, res.status
			}
			if j == 0 {
				snap, err := s.snapshot()
				if err != nil {
					return err
				}
				got[i][1] = append(got[i][1], "\n--- state\n"...)
				got[i][1] = append(got[i][1], snap...)
			}
		}
	}
	ok, note := sameBytes(got[0][0], got[1][0])
	s.t.check("-R with failing lines: stdout", ok, note)
	ok, note = sameBytes(got[0][1], got[1][1])
	s.t.check("-R with failing lines: stderr, state", ok, note)
	ok, note = sameBytes(got[0][2], got[1][2])
	s.t.check("-R with failing lines: stdout+stderr in one file", ok, note)
	s.t.check("-R with failing lines: exit status", status[0] == status[1],
		"ref "+itoa(status[0])+", ours "+itoa(status[1]))
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func medianOf(ss []sample, f func(sample) float64) float64 {
	xs := make([]float64, len(ss))
	for i, s := range ss {
		xs[i] = f(s)
	}
	return median(xs)
}

func wallOf(s sample) float64 { return s.wall.Seconds() }
func userOf(s sample) float64 { return s.user.Seconds() }
func sysOf(s sample) float64  { return s.sys.Seconds() }
func rssOf(s sample) float64  { return float64(s.rss) / 1024 }

// ratio is ours/reference of the row's medians.
func (r *row) ratio() float64 {
	f := wallOf
	if r.rss {
		f = rssOf
	}
	return medianOf(r.ours, f) / medianOf(r.ref, f)
}

func (r *row) cell(ss []sample) string {
	if r.rss {
		return fmt.Sprintf("%7.1f MiB", medianOf(ss, rssOf))
	}
	return fmt.Sprintf("%7.2fs (u %5.2f s %5.2f)", medianOf(ss, wallOf), medianOf(ss, userOf), medianOf(ss, sysOf))
}

func (t *table) print(w io.Writer) {
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	fmt.Fprintf(w, "\nipvsadm bench: %d services x %d reals = %d rule lines, %d /etc/hosts lines, "+
		"%d rounds (ref, ours alternating), medians; kernel %s, %d CPUs\n",
		t.services, t.reals, t.lines, t.hosts, t.rounds, strings.TrimSpace(string(kernel)), runtime.NumCPU())
	fmt.Fprintf(w, "%-20s %-28s %-28s %6s %6s %-5s %s\n", "test", "reference", "ours", "ratio", "goal", "", "output")
	for _, r := range t.rows {
		if len(r.ref) == 0 || len(r.ours) == 0 {
			fmt.Fprintf(w, "%-20s skipped\n", r.name)
			continue
		}
		met := "met"
		if r.ratio() > r.goal {
			met = "MISS"
		}
		same := "identical"
		if !r.same {
			same = "DIFFERS: " + r.note
		}
		if r.base != "" {
			same += " (reference column: " + r.base + ")"
		}
		fmt.Fprintf(w, "%-20s %-28s %-28s %6.2f %6.2f %-5s %s\n", r.name, r.cell(r.ref), r.cell(r.ours),
			r.ratio(), r.goal, met, same)
	}
	for _, c := range t.checks {
		res := "identical"
		if !c.ok {
			res = "DIFFERS: " + c.note
		}
		fmt.Fprintf(w, "  check: %-46s %s\n", c.name, res)
	}
}

// printGrowth shows how each binary's time grows with the table.
func printGrowth(w io.Writer, ts []*table) {
	fmt.Fprintf(w, "\ngrowth: median seconds (ours / reference), per size\n%-18s", "test")
	for _, t := range ts {
		fmt.Fprintf(w, " %22s", strconv.Itoa(t.services)+" svc")
	}
	fmt.Fprintln(w)
	for i, r := range ts[0].rows {
		fmt.Fprintf(w, "%-18s", r.name)
		for _, t := range ts {
			if i >= len(t.rows) || t.rows[i].name != r.name {
				fmt.Fprintf(w, " %22s", "-")
				continue
			}
			rr := t.rows[i]
			f := wallOf
			if rr.rss {
				f = rssOf
			}
			fmt.Fprintf(w, " %10.2f / %9.2f", medianOf(rr.ours, f), medianOf(rr.ref, f))
		}
		fmt.Fprintln(w)
	}
}
