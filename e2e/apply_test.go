//go:build e2e

package e2e

import (
	"fmt"
	"net/netip"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// `ipvsadm apply FILE` against the kernel: the table ends as the file says
// (as the reference lists it after -C and -R of that file), only the
// difference is sent, bad files change nothing, and services present before
// and after never disappear in between.

const applyStart = `-A -t 192.0.2.10:80 -s rr
-a -t 192.0.2.10:80 -r 192.0.2.21:80 -m -w 1
-a -t 192.0.2.10:80 -r 192.0.2.22:80 -m -w 1
-a -t 192.0.2.10:80 -r 192.0.2.23:80 -g -w 1
-A -t 192.0.2.10:81 -s wlc
-a -t 192.0.2.10:81 -r 192.0.2.21:81 -m -w 1
-A -f 5 -s sh -p 300 -b sh-port
-a -f 5 -r 192.0.2.24:0 -g -w 2
`

const applyTarget = `# the new table
-A -t 192.0.2.10:80 -s wlc -p 600 -M 255.255.255.0
-a -t 192.0.2.10:80 -r 192.0.2.21:80 -m -w 1
-a -t 192.0.2.10:80 -r 192.0.2.22:80 -m -w 7 -x 100 -y 10
-a -t 192.0.2.10:80 -r 192.0.2.25:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum

-A -f 5 -s sh -p 300 -b sh-port
-a -f 5 -r 192.0.2.24:0 -g -w 2
-A -u [2001:db8:1::10]:53 -s rr -o
-a -u [2001:db8:1::10]:53 -r [2001:db8:1::21]:53 -m -w 3
`

// What apply --dry-run must print to go from applyStart to applyTarget.
const applyChanges = `-E -t 192.0.2.10:80 -s wlc -p 600 -M 255.255.255.0
-A -u [2001:db8:1::10]:53 -s rr -o
-e -t 192.0.2.10:80 -r 192.0.2.22:80 -m -w 7 -x 100 -y 10
-a -t 192.0.2.10:80 -r 192.0.2.25:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum
-a -u [2001:db8:1::10]:53 -r [2001:db8:1::21]:53 -m -w 3
-d -t 192.0.2.10:80 -r 192.0.2.23:80
-D -t 192.0.2.10:81
`

// refTable is what the reference lists after loading rules into an empty
// table: the -Sn and threshold views.
func refTable(t *testing.T, rules string) string {
	t.Helper()
	relClean(t)
	relMust(t, rules, refBin, "-R")
	return relSnapshot(t)
}

func relSnapshot(t *testing.T) string {
	return relMust(t, "", refBin, "-Sn") + relMust(t, "", refBin, "-Ln", "--thresholds") +
		relMust(t, "", refBin, "-Ln", "--tun-info")
}

func TestApply(t *testing.T) {
	ipvsNet.ensure(t)
	want := refTable(t, strings.ReplaceAll(applyTarget, "# the new table\n", ""))
	start := refTable(t, applyStart)

	// A dry run prints the change set and changes nothing.
	if o := relExec(t, -1, applyTarget, oursBin, "apply", "--dry-run", "-"); o != (cmdResult{stdout: applyChanges}) {
		t.Errorf("apply --dry-run: %s\nwant stdout:\n%s", o, applyChanges)
	}
	if got := relSnapshot(t); got != start {
		t.Errorf("--dry-run changed the table:\n%s", got)
	}

	// Applying from a file makes the table the file's.
	f := t.TempDir() + "/rules"
	if err := os.WriteFile(f, []byte(applyTarget), 0o644); err != nil {
		t.Fatal(err)
	}
	if o := relExec(t, -1, "", oursBin, "apply", f); o != (cmdResult{}) {
		t.Fatalf("apply: %s", o)
	}
	if got := relSnapshot(t); got != want {
		t.Errorf("after apply:\n%s\nwant (reference after -C, -R):\n%s", got, want)
	}
	// Nothing left to change; -Sn fed back changes nothing either (it has
	// no thresholds, and apply keeps thresholds a line does not give).
	if o := relExec(t, -1, applyTarget, oursBin, "apply", "--dry-run", "-"); o != (cmdResult{}) {
		t.Errorf("second dry run: %s", o)
	}
	sn := relMust(t, "", refBin, "-Sn")
	if o := relExec(t, -1, sn, oursBin, "apply", "-"); o != (cmdResult{}) {
		t.Errorf("apply of -Sn: %s", o)
	}
	if got := relSnapshot(t); got != want {
		t.Errorf("after applying -Sn:\n%s", got)
	}

	// Back to the start: apply works in both directions. The start's
	// lines give no thresholds, so those set above stay...
	if o := relExec(t, -1, applyStart, oursBin, "apply", "-"); o != (cmdResult{}) {
		t.Fatalf("apply back: %s", o)
	}
	startSn := start[:strings.Index(start, "IP Virtual Server")]
	if got := relSnapshot(t); !strings.HasPrefix(got, startSn) ||
		!strings.Contains(got, "  -> 192.0.2.22:80                100        10         0          0") {
		t.Errorf("after applying the start table again (thresholds kept):\n%s", got)
	}
	// ... until a line gives them.
	zero := strings.Replace(applyStart, "192.0.2.22:80 -m -w 1", "192.0.2.22:80 -m -w 1 -x 0 -y 0", 1)
	if o := relExec(t, -1, zero, oursBin, "apply", "-"); o != (cmdResult{}) {
		t.Fatalf("apply back: %s", o)
	}
	if got := relSnapshot(t); got != start {
		t.Errorf("after applying the start table with -x 0 -y 0:\n%s\nwant:\n%s", got, start)
	}
}

func TestApplyRefusesBadFiles(t *testing.T) {
	ipvsNet.ensure(t)
	start := refTable(t, applyStart)
	for _, tc := range []struct {
		name, in, stderr string
		status           int
	}{
		{"parse errors", "-A -t 192.0.2.10:80 -s rr\n-a -t 192.0.2.10:80 -r 192.0.2.21 -m -g\n-A -t 192.0.2.11\n-C\n-a -t 192.0.2.12:80 -r 192.0.2.21\n",
			"ipvsadm apply: <stdin>:2: multiple 'forwarding-method' options specified\n" +
				"ipvsadm apply: <stdin>:3: Zero port specified for non-persistent service\n" +
				"ipvsadm apply: <stdin>:4: only -A and -a lines (the -S format) can be applied\n" +
				"ipvsadm apply: <stdin>:5: real server for -t 192.0.2.12:80, which no earlier -A line defines\n" +
				"ipvsadm apply: 4 bad line(s); nothing applied\n", 2},
		// The kernel refuses the unknown scheduler after the other
		// additions went in: they are rolled back, nothing is deleted.
		{"kernel refuses", "-A -t 192.0.2.10:80 -s rr\n-a -t 192.0.2.10:80 -r 192.0.2.26:80 -m -w 1\n-A -t 192.0.2.10:82 -s nosuch\n",
			"ipvsadm apply: -A -t 192.0.2.10:82 -s nosuch: kernel refused NEW_SERVICE: no such file or directory\n" +
				"ipvsadm apply: rolled back: the table is as it was before\n", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := relExec(t, -1, tc.in, oursBin, "apply", "-")
			if o.stderr != tc.stderr || o.status != tc.status || o.stdout != "" {
				t.Errorf("apply: %s\nwant status %d, stderr:\n%s", o, tc.status, tc.stderr)
			}
			if got := relSnapshot(t); got != start {
				t.Errorf("table changed:\n%s\nwant:\n%s", got, start)
			}
		})
	}
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"apply"}, "ipvsadm apply: no file given; use - for standard input (see ipvsadm apply --help)\n"},
		{[]string{"apply", "--force", "x"}, "ipvsadm apply: unknown option \"--force\" (see ipvsadm apply --help)\n"},
		{[]string{"apply", "/nonexistent/rules"}, "ipvsadm apply: open /nonexistent/rules: no such file or directory\n"},
	} {
		if o := relExec(t, -1, "", append([]string{oursBin}, tc.args...)...); o != (cmdResult{stderr: tc.stderr, status: 2}) {
			t.Errorf("%v: %s\nwant status 2, stderr %q", tc.args, o, tc.stderr)
		}
	}
}

// TestApplyNoWindow: while apply rewrites a table of 300 services (edits
// all, deletes 100, adds 100), a watcher never misses
// one of the 200 services in both tables. The same watcher does see
// services missing during -C followed by -R, the window apply removes.
func TestApplyNoWindow(t *testing.T) {
	ipvsNet.ensure(t)
	svc := func(i int) string { return fmt.Sprintf("-t 192.0.2.%d:%d", 100+i/100, 1000+i%100) }
	var before, after strings.Builder
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&before, "-A %s -s rr\n-a %s -r 192.0.2.30:%d -m -w 1\n", svc(i), svc(i), 1000+i%100)
	}
	for i := 100; i < 400; i++ {
		fmt.Fprintf(&after, "-A %s -s wlc\n-a %s -r 192.0.2.31:%d -m -w 2\n", svc(i), svc(i), 1000+i%100)
	}
	var kept []netip.AddrPort
	for i := 100; i < 300; i++ {
		kept = append(kept, netip.AddrPortFrom(netip.AddrFrom4([4]byte{192, 0, 2, byte(100 + i/100)}), uint16(1000+i%100)))
	}
	c, err := ipvs.Open(ipvs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// watch looks the kept services up one after another (GET_SERVICE of
	// one key: a dump can skip entries while the table changes under it)
	// until stop, and counts lookups that find nothing.
	watch := func(stop *atomic.Bool) (lookups, misses int) {
		for i := 0; !stop.Load(); i++ {
			k := kept[i%len(kept)]
			_, err := c.Service(ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: k.Addr(), Port: k.Port()})
			lookups++
			if err != nil {
				misses++
			}
		}
		return
	}
	run := func(cmds ...[]string) (lookups, misses int) {
		var stop atomic.Bool
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); lookups, misses = watch(&stop) }()
		time.Sleep(50 * time.Millisecond)
		for _, argv := range cmds {
			in := ""
			if argv[len(argv)-1] == "-" || argv[len(argv)-1] == "-R" {
				in = after.String()
			}
			if o := relExec(t, -1, in, argv...); o != (cmdResult{}) {
				t.Errorf("%v: %s", argv, o)
			}
		}
		stop.Store(true)
		wg.Wait()
		return
	}

	want := refTable(t, after.String())
	refTable(t, before.String())
	l, m := run([]string{oursBin, "apply", "-"})
	t.Logf("apply: %d lookups of kept services, %d found nothing", l, m)
	if m != 0 || l == 0 {
		t.Errorf("during apply, %d of %d lookups missed a service present before and after", m, l)
	}
	if got := relSnapshot(t); got != want {
		t.Errorf("after apply the table is not the file's")
	}

	refTable(t, before.String())
	l, m = run([]string{refBin, "-C"}, []string{refBin, "-R"})
	t.Logf("control, -C then -R: %d lookups of kept services, %d found nothing", l, m)
	if m == 0 {
		t.Errorf("control: the watcher never saw the -C/-R window (%d lookups); it cannot tell either", l)
	}
}
