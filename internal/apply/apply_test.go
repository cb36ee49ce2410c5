package apply

import (
	"fmt"
	"net/netip"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/ipvstest"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// numeric resolves nothing: tests use numeric addresses only.
type numeric struct{}

func (numeric) Host4(string) (netip.Addr, bool)    { return netip.Addr{}, false }
func (numeric) Port(string, string) (uint16, bool) { return 0, false }
func parser() *grammar.Parser                      { return &grammar.Parser{Resolver: numeric{}} }
func mustParse(t *testing.T, s string) Table {
	t.Helper()
	tb, errs := Parse(strings.NewReader(s), parser())
	if len(errs) > 0 {
		t.Fatalf("parse %q: %v", s, errs)
	}
	return tb
}

func formatAll(ops []ipvs.Op) string {
	var b strings.Builder
	for _, op := range ops {
		b.WriteString(Format(op) + "\n")
	}
	return b.String()
}

func TestParseErrors(t *testing.T) {
	in := "# a comment\n" +
		"-A -t 10.0.0.1:80 -s rr\n" +
		"\n" +
		"-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m\n" +
		"-a -t 10.0.0.1:80 -r 10.0.0.2:80 -g\n" + // 5: twice
		"-A -t 10.0.0.1:80 -s wlc\n" + // 6: twice
		"-a -u 10.0.0.1:53 -r 10.0.0.2\n" + // 7: no -A
		"-C\n" + // 8
		"-A -t 10.0.0.9:80 -s rr -m\n" + // 9: ipvsadm refuses
		"bogus\n" // 10
	_, errs := Parse(strings.NewReader(in), parser())
	want := []LineError{
		{5, "real server 10.0.0.2:80 of -t 10.0.0.1:80 is defined twice"},
		{6, "service -t 10.0.0.1:80 is defined twice"},
		{7, "real server for -u 10.0.0.1:53, which no earlier -A line defines"},
		{8, "only -A and -a lines (the -S format) can be applied"},
		{9, "Illegal 'forward' option with the 'add-service' command"},
		{10, "not a valid ipvsadm command line"},
	}
	if len(errs) != len(want) {
		t.Fatalf("errors %v, want %v", errs, want)
	}
	for i := range want {
		if errs[i].Line != want[i].Line || !strings.HasPrefix(errs[i].Msg, strings.SplitN(want[i].Msg, "'", 2)[0]) {
			t.Errorf("error %d: %v, want %v", i, errs[i], want[i])
		}
	}
}

func TestDiff(t *testing.T) {
	for _, tc := range []struct{ name, cur, want, ops string }{
		{"equal", "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1\n",
			"-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1\n", ""},
		{"from empty", "",
			"-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1\n-A -f 7 -s sh -b sh-port\n",
			"-A -t 10.0.0.1:80 -s rr\n-A -f 7 -s sh -b sh-port\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1\n"},
		{"to empty", "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1\n-A -u 10.0.0.1:53 -s wlc\n", "",
			"-D -t 10.0.0.1:80\n-D -u 10.0.0.1:53\n"},
		{"edit service and dests",
			"-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1\n-a -t 10.0.0.1:80 -r 10.0.0.3:80 -m -w 1\n-a -t 10.0.0.1:80 -r 10.0.0.4:80 -m -w 1\n",
			"-A -t 10.0.0.1:80 -s wlc -p 300 -M 255.255.255.0\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1\n-a -t 10.0.0.1:80 -r 10.0.0.3:80 -m -w 5\n-a -t 10.0.0.1:80 -r 10.0.0.5:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum\n",
			"-E -t 10.0.0.1:80 -s wlc -p 300 -M 255.255.255.0\n" +
				"-e -t 10.0.0.1:80 -r 10.0.0.3:80 -m -w 5\n" +
				"-a -t 10.0.0.1:80 -r 10.0.0.5:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum\n" +
				"-d -t 10.0.0.1:80 -r 10.0.0.4:80\n"},
		{"replace service keeps the other", "-A -t 10.0.0.1:80 -s rr\n-A -t 10.0.0.1:81 -s rr\n",
			"-A -t 10.0.0.1:81 -s rr\n-A -u [2001:db8::1]:80 -s rr -o\n-a -u [2001:db8::1]:80 -r [2001:db8::2]:80 -g -w 0\n",
			"-A -u [2001:db8::1]:80 -s rr -o\n-a -u [2001:db8::1]:80 -r [2001:db8::2]:80 -g -w 0\n-D -t 10.0.0.1:80\n"},
		{"non-persistent timeout ignored, forwarding change",
			"-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -g\n",
			"-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m\n",
			"-e -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1\n"},
		{"thresholds kept unless given",
			"-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -x 100 -y 5\n-a -t 10.0.0.1:80 -r 10.0.0.3:80 -m -x 100 -y 5\n",
			"-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m\n-a -t 10.0.0.1:80 -r 10.0.0.3:80 -m -x 0\n",
			"-e -t 10.0.0.1:80 -r 10.0.0.3:80 -m -w 1 -y 5\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := formatAll(Diff(mustParse(t, tc.cur), mustParse(t, tc.want)))
			if got != tc.ops {
				t.Errorf("Diff:\n%s\nwant:\n%s", got, tc.ops)
			}
		})
	}
}

// kernelWith is the shared fake kernel holding the rules of text.
func kernelWith(t *testing.T, text string) *ipvstest.Kernel {
	t.Helper()
	k := &ipvstest.Kernel{}
	for _, e := range mustParse(t, text) {
		s := ipvstest.Service{Service: e.Service}
		for _, d := range e.Dests {
			s.Dests = append(s.Dests, d.Destination)
		}
		k.Table = append(k.Table, s)
	}
	return k
}

// read is the kernel's table as Read sees it.
func read(t *testing.T, k *ipvstest.Kernel) Table {
	t.Helper()
	tb, err := Read(k)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

const before = "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1\n" +
	"-A -t 10.0.0.1:81 -s rr\n-a -t 10.0.0.1:81 -r 10.0.0.2:81 -m -w 1\n"
const after = "-A -t 10.0.0.1:80 -s wlc\n-a -t 10.0.0.1:80 -r 10.0.0.3:80 -m -w 2\n" +
	"-A -t 10.0.0.1:82 -s rr\n-a -t 10.0.0.1:82 -r 10.0.0.2:82 -m -w 1\n"

func TestExec(t *testing.T) {
	f := kernelWith(t, before)
	cur := read(t, f)
	res := Exec(f, cur, Diff(cur, mustParse(t, after)))
	if len(res.Failed) != 0 {
		t.Fatalf("failed: %v", res.Failed)
	}
	if f.Batches == 0 {
		t.Error("the changes did not go through Batch")
	}
	if d := Diff(read(t, f), mustParse(t, after)); len(d) != 0 {
		t.Errorf("after Exec, still differs by:\n%s", formatAll(d))
	}
	// Nothing left to do the second time.
	now, _ := Read(f)
	if d := Diff(now, mustParse(t, after)); len(d) != 0 {
		t.Errorf("second diff not empty:\n%s", formatAll(d))
	}
}

func TestExecRollsBack(t *testing.T) {
	// The second new destination fails: everything added or edited is
	// undone and nothing is deleted.
	f := kernelWith(t, before)
	f.Fail = map[string]*ipvstest.Failure{"NEW_DEST": {Errno: syscall.EINVAL, After: 1}}
	orig := read(t, kernelWith(t, before))
	cur := read(t, f)
	res := Exec(f, cur, Diff(cur, mustParse(t, after)))
	if len(res.Failed) != 1 || res.Failed[0].Op.Kind != ipvs.OpNewDest || !res.RolledBack {
		t.Fatalf("result %+v", res)
	}
	if msg := res.Failed[0].Message(); msg != "-a -t 10.0.0.1:82 -r 10.0.0.2:82 -m -w 1: kernel refused NEW_DEST: invalid argument" {
		t.Errorf("message %q", msg)
	}
	if got := read(t, f); !reflect.DeepEqual(got, orig) {
		t.Errorf("table after rollback:\n%v\nwant\n%v", got, orig)
	}
}

func TestExecDeleteFails(t *testing.T) {
	f := kernelWith(t, before)
	f.Fail = map[string]*ipvstest.Failure{"DEL_SERVICE": {Errno: syscall.EINVAL}}
	cur := read(t, f)
	res := Exec(f, cur, Diff(cur, mustParse(t, after)))
	if len(res.Failed) != 1 || res.Failed[0].Op.Kind != ipvs.OpDelService {
		t.Fatalf("result %+v", res)
	}
	// Everything else is applied; the service that could not go is still there.
	left := formatAll(Diff(read(t, f), mustParse(t, after)))
	if left != "-D -t 10.0.0.1:81\n" {
		t.Errorf("left over:\n%s", left)
	}
}

// FuzzFormatRoundTrip: a service or real server line that ipvsadm accepts,
// formatted by Format, parses back to the same thing, so dry-run output
// can be fed to ipvsadm -R.
func FuzzFormatRoundTrip(f *testing.F) {
	for _, s := range []string{
		"-A -t 10.0.0.1:80 -s rr", "-A -u [2001:db8::1]:53 -s sh -b sh-port,sh-fallback -p 60 -M 64",
		"-A -f 7 -6 -s mh -b mh-port -o", "-A -t 10.0.0.1:0 -p 300 -M 255.255.0.0 --pe sip",
		"-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -m -w 3 -x 10 -y 2",
		"-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gre --tun-remcsum",
		"-a -f 7 -r 10.0.0.2 -g -w 0", "-A --sctp-service 10.0.0.1:9 -s lc",
	} {
		f.Add(s)
	}
	p := parser()
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		req, ex := p.Parse("ipvsadm", args)
		if ex != nil || (req.Cmd != grammar.CmdAdd && req.Cmd != grammar.CmdAddDest) {
			return
		}
		op := ipvs.Op{Kind: ipvs.OpNewService, Service: req.Service}
		if req.Cmd == grammar.CmdAddDest {
			op = ipvs.Op{Kind: ipvs.OpNewDest, Service: req.Service, Dest: req.Dest}
		}
		out := Format(op)
		req2, ex2 := p.Parse("ipvsadm", strings.Fields(out))
		if ex2 != nil {
			t.Fatalf("%q -> %q: %s", line, out, ex2.Stderr)
		}
		if keyOf(&req.Service) != keyOf(&req2.Service) {
			t.Fatalf("%q -> %q: service key differs", line, out)
		}
		if req.Cmd == grammar.CmdAdd && !sameService(&req.Service, &req2.Service) {
			t.Fatalf("%q -> %q: service %+v became %+v", line, out, req.Service, req2.Service)
		}
		if req.Cmd == grammar.CmdAddDest && (dkeyOf(&req.Dest) != dkeyOf(&req2.Dest) || !sameDest(&req.Dest, &req2.Dest)) {
			t.Fatalf("%q -> %q: dest %+v became %+v", line, out, req.Dest, req2.Dest)
		}
	})
}

// FuzzParseDiff: any input either is refused line by line or gives a table
// that, applied to an empty kernel (the fake), leaves nothing to change,
// and that differs from itself in nothing.
func FuzzParseDiff(f *testing.F) {
	f.Add([]byte(before))
	f.Add([]byte(after))
	f.Add([]byte("# c\n-A -f 7 -6 -s mh -b mh-port\n-a -f 7 -6 -r [2001:db8::2] -g -w 0 -x 3\n-A -u 10.0.0.1:53 -o -s rr\n"))
	f.Add([]byte("-A -t 10.0.0.1:80\n-A -t 10.0.0.1:80\n-a -t 10.0.0.2:80 -r 10.0.0.3\n-C\n\x00\r\n"))
	p := parser()
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, errs := Parse(strings.NewReader(string(data)), p)
		if len(errs) > 0 {
			for _, e := range errs {
				if e.Line < 1 || e.Msg == "" || strings.Contains(e.Msg, "\n") {
					t.Fatalf("bad error %+v", e)
				}
			}
			return
		}
		if d := Diff(tb, tb); len(d) != 0 {
			t.Fatalf("table differs from itself:\n%s", formatAll(d))
		}
		fk := &ipvstest.Kernel{}
		res := Exec(fk, nil, Diff(nil, tb))
		if len(res.Failed) != 0 {
			t.Fatalf("applying to an empty table failed: %v", res.Failed[0].Message())
		}
		now, _ := Read(fk)
		if d := Diff(now, tb); len(d) != 0 {
			t.Fatalf("after applying, still:\n%s", formatAll(d))
		}
	})
}

// A real server given twice is refused whether its service has few real
// servers (scanned) or many (looked up in a map).
func TestParseDuplicateDests(t *testing.T) {
	for _, n := range []int{3, 16, 17, 40} {
		var b strings.Builder
		b.WriteString("-A -t 10.0.0.1:80 -s rr\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "-a -t 10.0.0.1:80 -r 10.0.1.%d:80 -m\n", i+1)
		}
		fmt.Fprintf(&b, "-a -t 10.0.0.1:80 -r 10.0.1.%d:80 -m -w 2\n", n)
		tb, errs := Parse(strings.NewReader(b.String()), parser())
		if len(errs) != 1 || errs[0].Line != n+2 || !strings.Contains(errs[0].Msg, "defined twice") {
			t.Errorf("%d real servers, the last again: errors %v", n, errs)
		}
		if len(tb) != 1 || len(tb[0].Dests) != n {
			t.Errorf("%d real servers: table %d services, %d real servers", n, len(tb), len(tb[0].Dests))
		}
	}
}

// Services with many real servers (matched through a map in Diff) reach
// the wanted table as services with few do.
func TestDiffManyDests(t *testing.T) {
	rules := func(from, to, w int) string {
		var b strings.Builder
		b.WriteString("-A -t 10.0.0.1:80 -s rr\n")
		for i := from; i < to; i++ {
			fmt.Fprintf(&b, "-a -t 10.0.0.1:80 -r 10.0.1.%d:80 -m -w %d\n", i+1, w+i%2)
		}
		return b.String()
	}
	cur, want := rules(0, 30, 1), rules(5, 40, 2)
	k := kernelWith(t, cur)
	c := read(t, k)
	ops := Diff(c, mustParse(t, want))
	// 10 new, 25 edited (weights), 5 removed.
	if len(ops) != 40 {
		t.Errorf("%d changes, want 40:\n%s", len(ops), formatAll(ops))
	}
	if res := Exec(k, c, ops); len(res.Failed) != 0 {
		t.Fatal(res.Failed[0].Message())
	}
	if d := Diff(read(t, k), mustParse(t, want)); len(d) != 0 {
		t.Errorf("still differs:\n%s", formatAll(d))
	}
}

// IPVS that cannot be opened: one line, status 1 as doctor and top (2 is
// for bad usage and input), and nothing applied.
func TestRunCannotOpen(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&ipvs.OpenError{Errno: syscall.EPERM, Err: syscall.EPERM}, "ipvsadm apply: must be run as root to change the IPVS table\n"},
		{&ipvs.OpenError{Errno: syscall.ENOPROTOOPT, Missing: true, Err: syscall.ENOPROTOOPT}, "ipvsadm apply: this kernel lacks IPVS: the ip_vs module is neither built in nor loadable\n"},
	} {
		var out, errw strings.Builder
		st := Run([]string{"-"}, Env{Open: func() (ipvs.API, error) { return nil, tc.err }, Parser: parser(),
			Stdin: strings.NewReader("-A -t 10.0.0.1:80 -s rr\n"), Stdout: &out, Stderr: &errw})
		if st != 1 || errw.String() != tc.want || out.Len() != 0 {
			t.Errorf("%v: status %d, stdout %q, stderr %q, want %q", tc.err, st, out.String(), errw.String(), tc.want)
		}
	}
	// A bad line is still bad usage, whether or not IPVS opens.
	var out, errw strings.Builder
	st := Run([]string{"-"}, Env{Open: func() (ipvs.API, error) { return nil, syscall.EPERM }, Parser: parser(),
		Stdin: strings.NewReader("-A -t 10.0.0.1\n"), Stdout: &out, Stderr: &errw})
	if st != 2 {
		t.Errorf("bad line without IPVS: status %d, stderr %q", st, errw.String())
	}
}
