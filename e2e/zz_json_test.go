//go:build e2e

// This file is named to run last: TestJSON's SIP traffic leaves connections
// that hold ip_vs_pe_sip for minutes, and earlier tests (TestNoIPVS, the diff
// suite's module cases) unload ip_vs.

package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/lvsgo/ipvsadm/internal/jsontable"
	"github.com/lvsgo/ipvsadm/internal/upstream"
)

// TestJSON builds testdata/list's rich table with the reference (every
// kind of service, destination, tunnel, persistence, traffic, connections,
// sync daemons), then for each list view wants every value the reference's
// table shows to be in our --json document for the same state.
func TestJSON(t *testing.T) {
	setup := exec.Command("sh", "/host/testdata/list/setup.sh")
	setup.Env = append(os.Environ(), "REF="+refBin, "BIG_MB=1")
	if out, err := setup.CombinedOutput(); err != nil {
		t.Fatalf("setup.sh: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		exec.Command(refBin, "--stop-daemon", "master").Run()
		exec.Command(refBin, "--stop-daemon", "backup").Run()
		exec.Command(refBin, "-C").Run()
	})
	if out, err := exec.Command(refBin, "--set", "1000", "100", "200").CombinedOutput(); err != nil {
		t.Fatalf("--set: %v %s", err, out)
	}
	views := []struct {
		ref     string // the reference's table view
		view    jsontable.View
		numeric bool
	}{
		{"-Ln --exact", jsontable.List, true},
		{"-L", jsontable.List, false},
		{"-Ln --nosort", jsontable.List, true},
		{"-Ln --stats --exact", jsontable.StatsView, true},
		{"-L --stats --exact", jsontable.StatsView, false},
		{"-Ln --rate --exact", jsontable.RateView, true},
		{"-Ln --thresholds", jsontable.Thresholds, true},
		{"-Ln --persistent-conn", jsontable.PersistConn, true},
		{"-Ln --tun-info", jsontable.TunInfo, true},
		{"-L -t 10.0.0.100:80 --tun-info", jsontable.TunInfo, false},
		{"-Ln -t 10.0.0.110:80 --stats --exact", jsontable.StatsView, true},
		{"-Ln -u 10.0.0.103:5060", jsontable.List, true},
		{"-Ln -f 3000000000", jsontable.List, true},
		{"-L -f 2 -6", jsontable.List, false},
		{"-Ln -t [2001:db8::100]:80 --persistent-conn", jsontable.PersistConn, true},
		{"-L --timeout", jsontable.Timeout, true},
		{"-c -n", jsontable.ConnView, true},
		{"-L -c", jsontable.ConnView, false},
		{"-L -c -n --persistent-conn", jsontable.ConnPE, true},
	}
	compare := func(t *testing.T, refArgs string, view jsontable.View, numeric bool) {
		args := strings.Fields(refArgs)
		if args[0] == "-c" {
			args = append([]string{"-L"}, args...)
		}
		// Rates and expiry times move between two runs: retry a few
		// times, and leave the expiry column out of -c views.
		var diff string
		for try := 0; try < 5; try++ {
			// The reference is bookworm's: ours prints what upstream
			// fixed since (package upstream), unsigned fwmarks here.
			want := upstream.Apply(upstream.Bookworm, runBin(t, refBin, args...), nil)
			got := runBin(t, oursBin, append(args, "--json")...)
			doc, err := jsontable.Decode([]byte(got))
			if err != nil {
				t.Fatalf("ours %s --json: %v\n%s", refArgs, err, got)
			}
			w, g := jsontable.TableWords(want), jsontable.Words(doc, view, numeric)
			if view == jsontable.ConnView || view == jsontable.ConnPE {
				maskExpiry(w)
				maskExpiry(g)
			}
			if diff = jsontable.Diff(w, g); diff == "" {
				return
			}
			time.Sleep(500 * time.Millisecond)
		}
		t.Errorf("ours %s --json vs the reference's table:\n%s", refArgs, diff)
	}
	for _, v := range views {
		t.Run(v.ref, func(t *testing.T) { compare(t, v.ref, v.view, v.numeric) })
	}
	if got := runBin(t, oursBin, "-Ln", "--json"); !strings.Contains(got, `"in_bytes":1105476000`) {
		t.Errorf("the 10^9-byte counter is not exact in -Ln --json")
	}

	// Sync daemons (the kernel wants no mixed-family server then).
	for _, c := range [][]string{
		{"-d", "-t", "10.0.0.100:80", "-r", "2001:db8::9"},
		{"--start-daemon", "master", "--mcast-interface", "sync0", "--syncid", "7", "--sync-maxlen", "1400",
			"--mcast-group", "239.1.2.3", "--mcast-port", "9000", "--mcast-ttl", "3"},
		{"--start-daemon", "backup", "--mcast-interface", "sync0", "--syncid", "8"},
	} {
		if out, err := exec.Command(refBin, c...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v %s", c, err, out)
		}
	}
	t.Run("-L --daemon", func(t *testing.T) { compare(t, "-L --daemon", jsontable.DaemonView, true) })

	// Other commands refuse --json: one line, status 2, table unchanged.
	before := runBin(t, refBin, "-Sn")
	for _, c := range []string{"-A -t 10.7.7.7:80 --json", "-C --json", "-Sn --json", "-Z --json"} {
		cmd := exec.Command(oursBin, strings.Fields(c)...)
		var so, se strings.Builder
		cmd.Stdout, cmd.Stderr = &so, &se
		err := cmd.Run()
		ee, _ := err.(*exec.ExitError)
		if ee == nil || ee.ExitCode() != 2 || so.Len() != 0 || strings.Count(se.String(), "\n") != 1 {
			t.Errorf("ours %s: %v, stdout %q, stderr %q", c, err, so.String(), se.String())
		}
	}
	if after := runBin(t, refBin, "-Sn"); after != before {
		t.Errorf("a refused --json changed the table")
	}
}

func maskExpiry(lines [][]string) {
	for _, l := range lines {
		if len(l) > 1 {
			l[1] = "mm:ss"
		}
	}
}

func runBin(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var se strings.Builder
	cmd.Stderr = &se
	out, err := cmd.Output()
	if err != nil || se.Len() != 0 {
		t.Fatalf("%s %s: %v, stderr %q", bin, strings.Join(args, " "), err, se.String())
	}
	return string(out)
}
