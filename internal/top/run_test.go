package top

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/ipvsadm"
	"github.com/lvsgo/ipvsadm/internal/ipvstest"
	"github.com/lvsgo/ipvsadm/internal/kmod"
	"github.com/lvsgo/ipvsadm/internal/netdb"
	"github.com/lvsgo/ipvsadm/internal/screen"
	"github.com/lvsgo/ipvsadm/ipvs"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		args string
		want Options
		err  string
	}{
		{"", Options{Interval: 2 * time.Second}, ""},
		{"-n --interval 0.5 --sort name --batch 3 --json", Options{Numeric: true, Interval: 500 * time.Millisecond, Sort: SortName, Batch: 3, JSON: true}, ""},
		{"--interval=10 --sort=inactive --batch=1", Options{Interval: 10 * time.Second, Sort: SortInactive, Batch: 1}, ""},
		{"--numeric -t 172.16.1.143:80", Options{Numeric: true, Interval: 2 * time.Second, ServiceArgs: []string{"-t", "172.16.1.143:80"}}, ""},
		{"-f 7 -6", Options{Interval: 2 * time.Second, ServiceArgs: []string{"-f", "7", "-6"}}, ""},
		{"-u10.0.0.1:53", Options{Interval: 2 * time.Second, ServiceArgs: []string{"-u10.0.0.1:53"}}, ""},
		{"--help --sort nope", Options{Interval: 2 * time.Second, Help: true}, ""},
		{"--interval 0", Options{}, `invalid interval "0": seconds from 0.1 to 86400`},
		{"--interval 0.05", Options{}, `invalid interval "0.05": seconds from 0.1 to 86400`},
		{"--interval -1", Options{}, `invalid interval "-1": seconds from 0.1 to 86400`},
		{"--interval 2s", Options{}, `invalid interval "2s": seconds from 0.1 to 86400`},
		{"--interval NaN", Options{}, `invalid interval "NaN": seconds from 0.1 to 86400`},
		{"--interval 86401", Options{}, `invalid interval "86401": seconds from 0.1 to 86400`},
		{"--interval", Options{}, "option --interval needs SECONDS"},
		{"--interval 1 --interval 2", Options{}, "option --interval given twice"},
		{"--sort cpu", Options{}, `invalid sort key "cpu": cps, inpps, outpps, inbps, outbps, active, inactive, name`},
		{"--sort CPS", Options{}, `invalid sort key "CPS": cps, inpps, outpps, inbps, outbps, active, inactive, name`},
		{"--batch 0", Options{}, `invalid frame count "0": a whole number from 1`},
		{"--batch x", Options{}, `invalid frame count "x": a whole number from 1`},
		{"--json=yes", Options{}, "option --json takes no value"},
		{"-x", Options{}, `unknown option "-x"`},
		{"-L", Options{}, `unknown option "-L"`},
		{"www", Options{}, `unexpected argument "www": give a service as -t|-u|--sctp-service VIP:port or -f mark`},
		{"-t", Options{}, "option -t needs a value"},
	} {
		got, err := Parse(strings.Fields(tc.args))
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("Parse(%q): error %v, want %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tc.args, got, err, tc.want)
		}
	}
}

// fakeKernel is the fixture director as the fake kernel's table.
func fakeKernel() *ipvstest.Kernel {
	snap := snapshot(director, t0, 0)
	k := &ipvstest.Kernel{KernelInfo: snap.Info}
	for _, s := range snap.Services {
		k.Table = append(k.Table, ipvstest.Service{Service: s.Service, Dests: s.Dests})
	}
	return k
}

// fakeClock is the time a batch run sees; each sleep moves the fixture's
// counters once more.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
	k   *ipvstest.Kernel
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) Sleep(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	for i := range c.k.Table {
		s := &c.k.Table[i]
		var sum [5]uint64
		for j := range s.Dests {
			d := &s.Dests[j]
			moved := director[i].dests[j].moved
			st := plus([5]uint64{d.Stats.Conns, d.Stats.InPkts, d.Stats.OutPkts, d.Stats.InBytes, d.Stats.OutBytes}, moved)
			d.Stats = stats(st)
			sum = plus(sum, st)
		}
		s.Service.Stats = stats(sum)
	}
}

func testEnv(k *ipvstest.Kernel, c *fakeClock, out, errw *bytes.Buffer) Env {
	return Env{
		Open:    func() (ipvs.API, error) { return k, nil },
		Parser:  &grammar.Parser{Resolver: netdb.Empty()},
		Names:   names{},
		Now:     c.Now,
		Sleep:   c.Sleep,
		Signals: func(chan<- os.Signal) func() { return func() {} },
		Stdout:  out,
		Stderr:  errw,
	}
}

func TestRunBatch(t *testing.T) {
	k := fakeKernel()
	c := &fakeClock{now: t0, k: k}
	var out, errw bytes.Buffer
	if st := Run([]string{"--batch", "2", "-n", "--sort", "name"}, testEnv(k, c, &out, &errw)); st != 0 || errw.Len() != 0 {
		t.Fatalf("status %d, stderr %q", st, errw.String())
	}
	frames := strings.Split(strings.TrimSuffix(out.String(), "\n\n"), "\n\n")
	if len(frames) != 2 {
		t.Fatalf("%d frames:\n%s", len(frames), out.String())
	}
	for i, f := range frames {
		// Each frame has rates (none is "measuring"), its own time, 2 s on.
		if want := "ipvsadm top - " + t0.Add(time.Duration(i+1)*2*time.Second).Format("2006-01-02 15:04:05"); !strings.HasPrefix(f, want) {
			t.Errorf("frame %d starts %q, want %q", i, strings.SplitN(f, "\n", 2)[0], want)
		}
		if !strings.Contains(f, "rates over 2.00s") || strings.Contains(f, "Measuring") {
			t.Errorf("frame %d:\n%s", i, f)
		}
		// Every row: no footer, no scrolling in batch mode.
		if rows := strings.Count(f, "\n") + 1; rows != 4+30 {
			t.Errorf("frame %d has %d lines, want %d", i, rows, 4+30)
		}
	}
	golden(t, "batch.txt", frames[0]+"\n\n")
	if strings.Contains(out.String(), "www.lab") {
		t.Error("-n printed a name")
	}
}

func TestRunJSON(t *testing.T) {
	k := fakeKernel()
	c := &fakeClock{now: t0, k: k}
	var out, errw bytes.Buffer
	if st := Run([]string{"--batch", "3", "--json", "-t", "172.16.1.143:80"}, testEnv(k, c, &out, &errw)); st != 0 {
		t.Fatalf("status %d, stderr %q", st, errw.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d JSON lines", len(lines))
	}
	var f map[string]any
	if err := json.Unmarshal([]byte(lines[2]), &f); err != nil {
		t.Fatal(err)
	}
	if f["time"] != "2026-11-29T19:30:06.000Z" || f["interval"] != 2.0 || f["version"] != "1.2.1" {
		t.Errorf("frame head: %v %v %v", f["time"], f["interval"], f["version"])
	}
	svcs := f["services"].([]any)
	if len(svcs) != 1 {
		t.Fatalf("%d services, want the one asked for", len(svcs))
	}
	s := svcs[0].(map[string]any)
	if s["host"] != "www.lab" || s["port_name"] != "http" || s["scheduler"] != "wrr" {
		t.Errorf("service %v", s)
	}
	ds := s["destinations"].([]any)
	rs2, rs1 := ds[0].(map[string]any), ds[1].(map[string]any) // sorted by cps
	if rs1["host"] != "rs1" || rs1["conn_share"] != 0.333 || rs1["weight_share"] != 0.333 || rs2["conn_share"] != 0.667 ||
		rs1["rate"].(map[string]any)["cps"] != 10.0 || rs1["new_conns"] != 20.0 {
		t.Errorf("real servers %v", ds)
	}

	// The names -L --json gives the same things.
	var list map[string]any
	listJSON(t, k, &list)
	ls := list["services"].([]any)[0].(map[string]any)
	for key := range ls {
		if _, ok := s[key]; !ok {
			t.Errorf("-L --json has service field %q, top has not", key)
		}
	}
	ld := ls["destinations"].([]any)[0].(map[string]any)
	for key := range ld {
		if _, ok := rs1[key]; !ok {
			t.Errorf("-L --json has real server field %q, top has not", key)
		}
	}
	if a, b := keys(ld["rate"]), keys(rs1["rate"]); !slices.Equal(a, b) {
		t.Errorf("rate fields: -L %v, top %v", a, b)
	}
	if a, b := keys(ld["stats"]), keys(rs1["stats"]); !slices.Equal(a, b) {
		t.Errorf("stats fields: -L %v, top %v", a, b)
	}
}

func keys(m any) []string {
	var out []string
	for k := range m.(map[string]any) {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// listJSON is `ipvsadm -L --json -t 172.16.1.143:80` on k.
func listJSON(t *testing.T, k *ipvstest.Kernel, doc *map[string]any) {
	t.Helper()
	var out, errw bytes.Buffer
	st := ipvsadm.Run([]string{"ipvsadm", "-L", "--json", "-t", "172.16.1.143:80"}, ipvsadm.Env{
		Open: func() (ipvs.API, error) { return k, nil }, Parser: &grammar.Parser{Resolver: netdb.Empty()},
		Names: names{}, Stdout: &out, Stderr: &errw,
	})
	if st != 0 {
		t.Fatalf("-L --json: %d %s", st, errw.String())
	}
	if err := json.Unmarshal(out.Bytes(), doc); err != nil {
		t.Fatal(err)
	}
}

// An unknown service: what -L says, with its status.
func TestRunUnknownService(t *testing.T) {
	k := fakeKernel()
	c := &fakeClock{now: t0, k: k}
	var out, errw bytes.Buffer
	st := Run([]string{"-t", "10.9.9.9:80", "--batch", "1"}, testEnv(k, c, &out, &errw))

	var lout, lerr bytes.Buffer
	lst := ipvsadm.Run([]string{"ipvsadm", "-L", "-t", "10.9.9.9:80"}, ipvsadm.Env{
		Open: func() (ipvs.API, error) { return k, nil }, Parser: &grammar.Parser{Resolver: netdb.Empty()},
		Stdout: &lout, Stderr: &lerr,
	})
	if st != lst || errw.String() != lerr.String() || out.Len() != 0 || lerr.Len() == 0 {
		t.Errorf("top: %d %q; -L: %d %q", st, errw.String(), lst, lerr.String())
	}
	// Bad usage: exit 2, one line, nothing read.
	for _, args := range [][]string{{"--sort", "x"}, {"--interval", "0"}, {"-t", "1.2.3.4:99999"}} {
		errw.Reset()
		n := len(k.Calls)
		if st := Run(args, testEnv(k, c, &out, &errw)); st != 2 || strings.Count(errw.String(), "\n") != 1 ||
			!strings.HasPrefix(errw.String(), "ipvsadm top: ") || len(k.Calls) != n {
			t.Errorf("%q: status %d, stderr %q", args, st, errw.String())
		}
	}
}

// The full-screen view on a fake terminal: keys change the frame, a
// resize redraws it, q ends it and puts the terminal back.
func TestLiveKeys(t *testing.T) {
	k := fakeKernel()
	term := &fakeTerminal{w: 80, h: 24, keys: make(chan screen.Key), resized: make(chan struct{})}
	var out, errw bytes.Buffer
	env := testEnv(k, &fakeClock{now: t0, k: k}, &out, &errw)
	env.Terminal = true
	env.Now = time.Now
	env.OpenTerminal = func() (screen.Terminal, error) { return term, nil }
	done := make(chan int)
	go func() { done <- Run([]string{"-n", "--interval", "3600"}, env) }()

	// waitFor polls until the screen is as ok wants it.
	waitFor := func(ok func(string) bool, what string) string {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			s := term.text()
			if ok(s) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("screen never showed %s:\n%s", what, s)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	wait := func(what string) string {
		t.Helper()
		return waitFor(func(s string) bool { return strings.Contains(s, what) }, what)
	}
	press := func(keys ...screen.Key) {
		for _, k := range keys {
			term.keys <- k
		}
	}
	runes := func(s string) []screen.Key {
		var ks []screen.Key
		for _, r := range s {
			ks = append(ks, screen.Key{Code: screen.Rune, Rune: r})
		}
		return ks
	}
	wait("Measuring")
	if s := wait("rows 1-19 of 30"); !strings.Contains(s, "TCP  172.16.1.143:80 ") {
		t.Errorf("first screen:\n%s", s)
	}
	press(screen.Key{Code: screen.PgDn})
	wait("rows 12-30 of 30")
	press(screen.Key{Code: screen.Up})
	wait("rows 11-29 of 30")
	press(screen.Key{Code: screen.Home})
	wait("rows 1-19 of 30")
	term.resize(132, 43)
	wait("OutPkt/s")
	press(runes("s")...)
	wait("sort: inpps")
	press(runes("p")...)
	wait("PAUSED")
	press(runes("/udp")...)
	waitFor(func(s string) bool {
		return strings.Contains(s, `filter "udp": 1 service`) && strings.Contains(s, "UDP  172.16.1.53:53") &&
			!strings.Contains(s, "172.16.1.143") && strings.Contains(s, "Filter services: udp_")
	}, "only the UDP service, and the filter being typed")
	press(screen.Key{Code: screen.Escape})
	waitFor(func(s string) bool {
		return strings.Contains(s, "TCP  172.16.1.143:80") && !strings.Contains(s, `filter "`) && strings.Contains(s, "PAUSED")
	}, "every service again after Esc, still paused")
	press(append(runes("/8085"), screen.Key{Code: screen.Enter})...)
	waitFor(func(s string) bool {
		return strings.Contains(s, `filter "8085": 1 service`) && !strings.Contains(s, "Filter services:")
	}, "the filter kept after Enter")
	press(runes("n")...)
	wait("TCP  www.lab:8085")
	term.resize(40, 10)
	wait("Terminal too small (40x10)")
	press(runes("q")...)
	select {
	case st := <-done:
		if st != 0 || !term.isClosed() {
			t.Errorf("status %d after q (closed %v), stderr %q", st, term.isClosed(), errw.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("q did not end the view")
	}
	// Ctrl-C too, while typing a filter.
	term = &fakeTerminal{w: 80, h: 24, keys: make(chan screen.Key), resized: make(chan struct{})}
	go func() { done <- Run([]string{"-n"}, env) }()
	wait("Measuring")
	press(runes("/ab")...)
	press(screen.Key{Code: screen.CtrlC})
	if st := <-done; st != 0 || !term.isClosed() {
		t.Errorf("Ctrl-C: status %d, closed %v", st, term.isClosed())
	}
}

// fakeTerminal keeps what was last drawn.
type fakeTerminal struct {
	mu      sync.Mutex
	w, h    int
	shown   string
	closed  bool
	keys    chan screen.Key
	resized chan struct{}
}

func (f *fakeTerminal) Size() (int, int) { f.mu.Lock(); defer f.mu.Unlock(); return f.w, f.h }

func (f *fakeTerminal) Draw(lines []string, _ []screen.Style) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(lines) != f.h {
		panic("not one line per row")
	}
	f.shown = strings.Join(lines, "\n")
	return nil
}

func (f *fakeTerminal) Redraw()                  {}
func (f *fakeTerminal) Keys() <-chan screen.Key  { return f.keys }
func (f *fakeTerminal) Resized() <-chan struct{} { return f.resized }
func (f *fakeTerminal) Close() error             { f.mu.Lock(); defer f.mu.Unlock(); f.closed = true; return nil }
func (f *fakeTerminal) text() string             { f.mu.Lock(); defer f.mu.Unlock(); return f.shown }
func (f *fakeTerminal) isClosed() bool           { f.mu.Lock(); defer f.mu.Unlock(); return f.closed }

func (f *fakeTerminal) resize(w, h int) {
	f.mu.Lock()
	f.w, f.h = w, h
	f.mu.Unlock()
	f.resized <- struct{}{}
}

// IPVS that cannot be opened: one line and status 1, naming ipvsadm -A
// only when the kernel has a module for it to load.
func TestRunNoIPVS(t *testing.T) {
	missing := &ipvs.OpenError{Errno: syscall.ENOPROTOOPT, Missing: true, Err: syscall.ENOPROTOOPT}
	for _, tc := range []struct {
		mod  kmod.State
		want string
	}{
		{kmod.Loadable, "ipvsadm top: IPVS is not available: the ip_vs module is not loaded (top loads no module; ipvsadm -A would)\n"},
		{kmod.Missing, "ipvsadm top: this kernel lacks IPVS: the ip_vs module is neither built in nor loadable\n"},
	} {
		k := fakeKernel()
		c := &fakeClock{now: t0, k: k}
		var out, errw bytes.Buffer
		env := testEnv(k, c, &out, &errw)
		env.Open = func() (ipvs.API, error) { return nil, missing }
		env.Module = func(name string) kmod.State {
			if name != "ip_vs" {
				t.Errorf("asked for module %q", name)
			}
			return tc.mod
		}
		if st := Run([]string{"--batch", "1"}, env); st != 1 || errw.String() != tc.want || out.Len() != 0 {
			t.Errorf("%v: status %d, stdout %q, stderr %q, want %q", tc.mod, st, out.String(), errw.String(), tc.want)
		}
	}
}
