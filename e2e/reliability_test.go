//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Reliability: clear failures (not root, no IPVS), -R --test, concurrent
// writers, and a 10,000-service round trip.

// relExec runs argv with stdin; uid >= 0 runs it as that user.
func relExec(t *testing.T, uid int, stdin string, argv ...string) cmdResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, argv[0], argv[1:]...)
	c.Args[0] = "ipvsadm" // messages name argv[0]; both binaries see the same
	if !strings.HasSuffix(argv[0], "ipvsadm") {
		c.Args[0] = argv[0]
	}
	if uid >= 0 {
		c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid)}}
	}
	o := execute(c, stdin)
	if o.status < 0 {
		t.Fatalf("%s: %s", strings.Join(argv, " "), o.stderr)
	}
	return o
}

// relMust runs argv as root and fails the test unless it succeeds.
func relMust(t *testing.T, stdin string, argv ...string) string {
	t.Helper()
	o := relExec(t, -1, stdin, argv...)
	if o.status != 0 {
		t.Fatalf("%s: %s", strings.Join(argv, " "), o)
	}
	return o.stdout
}

// relClean empties the table now and again when the test is over.
func relClean(t *testing.T) {
	t.Helper()
	relMust(t, "", refBin, "-C")
	t.Cleanup(func() { exec.Command(refBin, "-C").Run() })
}

// TestNonRootMessages: as an ordinary user, existing command lines print
// exactly what the reference prints; our additions say which capability
// is missing.
func TestNonRootMessages(t *testing.T) {
	relClean(t) // loads ip_vs, so the users' failures are about privilege
	const nobody = 65534
	for _, args := range [][]string{
		{"-Ln"}, {}, {"-A", "-t", "10.0.0.1:80"}, {"-Sn"}, {"-R"}, {"-L", "-c"}, {"-C"},
	} {
		ref := relExec(t, nobody, "-A -t 10.0.0.1:80\n", append([]string{refBin}, args...)...)
		ours := relExec(t, nobody, "-A -t 10.0.0.1:80\n", append([]string{oursBin}, args...)...)
		if ref != ours {
			t.Errorf("ipvsadm %s as nobody:\nreference: %s\nours: %s", strings.Join(args, " "), ref, ours)
		}
		if ref.status == 0 {
			t.Errorf("ipvsadm %s as nobody succeeded", strings.Join(args, " "))
		}
	}
	relMust(t, "", "/sbin/ip", "netns", "add", "relnr")
	t.Cleanup(func() { exec.Command("/sbin/ip", "netns", "del", "relnr").Run() })
	for _, tc := range []struct {
		args   []string
		stderr string
		status int
	}{
		{[]string{"apply", "-"}, "ipvsadm apply: must be run as root to change the IPVS table\n", 1},
		{[]string{"apply", "--dry-run", "-"}, "ipvsadm apply: must be run as root to change the IPVS table\n", 1},
		{[]string{"--netns", "relnr", "-Ln"}, "ipvsadm --netns: relnr: permission denied: entering a network namespace needs the CAP_SYS_ADMIN capability (run as root)\n", 2},
	} {
		o := relExec(t, nobody, "-A -t 10.0.0.1:80 -s rr\n", append([]string{oursBin}, tc.args...)...)
		if o.stderr != tc.stderr || o.status != tc.status || o.stdout != "" {
			t.Errorf("ipvsadm %s as nobody: %s\nwant status %d, stderr %q", strings.Join(tc.args, " "), o, tc.status, tc.stderr)
		}
	}
}

// TestNoIPVS: with ip_vs unloaded and modprobe failing (as on a kernel
// without IPVS), ipvsadm's own command lines fail exactly as the
// reference's do, and apply says the kernel lacks IPVS.
func TestNoIPVS(t *testing.T) {
	relClean(t)
	if err := unloadIPVS(); err != nil {
		t.Fatal(err)
	}
	// /sbin/modprobe is a busybox symlink: move it aside (the kernel's
	// own module requests use the same path).
	const aside = "/sbin/modprobe.rel-test"
	if err := os.Rename("/sbin/modprobe", aside); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := os.Rename(aside, "/sbin/modprobe"); err != nil {
			t.Fatal(err)
		}
		exec.Command("/sbin/modprobe", "ip_vs").Run()
	})
	for _, args := range [][]string{{"-Ln"}, {"-A", "-t", "10.0.0.1:80"}, {}} {
		ref := relExec(t, -1, "", append([]string{refBin}, args...)...)
		ours := relExec(t, -1, "", append([]string{oursBin}, args...)...)
		if ref != ours {
			t.Errorf("ipvsadm %s without IPVS:\nreference: %s\nours: %s", strings.Join(args, " "), ref, ours)
		}
		if ref.status == 0 {
			t.Errorf("ipvsadm %s: the reference succeeded, so IPVS was not missing", strings.Join(args, " "))
		}
	}
	o := relExec(t, -1, "-A -t 10.0.0.1:80 -s rr\n", oursBin, "apply", "-")
	want := "ipvsadm apply: this kernel lacks IPVS: the ip_vs module is neither built in nor loadable\n"
	if o.stderr != want || o.status != 1 || o.stdout != "" {
		t.Errorf("apply without IPVS: %s\nwant status 1, stderr %q", o, want)
	}
	// version says why and still succeeds.
	o = relExec(t, -1, "", oursBin, "version")
	if o.status != 0 || o.stderr != "" || !strings.HasSuffix(o.stdout, "\nkernel IPVS: not available (no ip_vs module in this kernel)\n") {
		t.Errorf("version without IPVS: %s", o)
	}
	if loaded, _ := ipvsLoaded(); loaded {
		t.Error("ip_vs got loaded although modprobe fails")
	}
}

// TestRestoreTest: -R --test applies nothing and names every bad line.
func TestRestoreTest(t *testing.T) {
	relClean(t)
	relMust(t, "-A -t 10.9.0.1:80 -s rr\n", refBin, "-R")
	before := relMust(t, "", refBin, "-Sn")
	in := "-A -t 10.9.0.2:80 -s wlc\n" +
		"-a -t 10.9.0.2:80 -r 10.9.0.3:80 -m -g\n" +
		"\n" +
		"-A -t 10.9.0.4\n" +
		"-D -t 10.9.0.1:80\n" +
		"-A -u 10.9.0.5:53 -s\n"
	o := relExec(t, -1, in, oursBin, "-R", "--test")
	want := "ipvsadm -R --test: line 2: multiple 'forwarding-method' options specified\n" +
		"ipvsadm -R --test: line 4: Zero port specified for non-persistent service\n" +
		"ipvsadm -R --test: line 6: -s: missing argument\n"
	if o.stderr != want || o.status != 2 || o.stdout != "" {
		t.Errorf("-R --test: %s\nwant status 2, stderr:\n%s", o, want)
	}
	good := relExec(t, -1, "-A -t 10.9.0.2:80 -s wlc\n-D -t 10.9.0.1:80\n", oursBin, "--test", "-R")
	if good != (cmdResult{}) {
		t.Errorf("-R --test on good input: %s", good)
	}
	if after := relMust(t, "", refBin, "-Sn"); after != before {
		t.Errorf("-R --test changed the table:\n%s\nwas:\n%s", after, before)
	}
	// Without --test, -R behaves as the reference: line by line.
	relClean(t)
	ref := relExec(t, -1, in, refBin, "-R")
	refTab := relMust(t, "", refBin, "-Sn")
	relClean(t)
	ours := relExec(t, -1, in, oursBin, "-R")
	if oursTab := relMust(t, "", refBin, "-Sn"); ours != ref || oursTab != refTab {
		t.Errorf("-R differs from the reference:\nreference: %s\n%s\nours: %s\n%s", ref, refTab, ours, oursTab)
	}
}

// TestConcurrentWriters: 4 processes add and delete disjoint services at
// the same time, 1,000 operations each; the table ends exactly as asked.
func TestConcurrentWriters(t *testing.T) {
	relClean(t)
	const procs, ops = 4, 1000
	var want []string
	inputs := make([]string, procs)
	for p := 0; p < procs; p++ {
		var b strings.Builder
		// 500 adds and 500 deletes: every service added, every other
		// one deleted again later, interleaved.
		for i := 0; i < ops/2; i++ {
			fmt.Fprintf(&b, "-A -t 10.%d.%d.%d:80 -s rr\n", 20+p, i/200, i%200+1)
			if i%2 == 1 {
				fmt.Fprintf(&b, "-D -t 10.%d.%d.%d:80\n", 20+p, (i-1)/200, (i-1)%200+1)
			} else {
				fmt.Fprintf(&b, "-E -t 10.%d.%d.%d:80 -s wrr\n", 20+p, i/200, i%200+1)
			}
		}
		for i := 0; i < ops/2; i++ {
			if i%2 == 0 {
				continue
			}
			want = append(want, fmt.Sprintf("-A -t 10.%d.%d.%d:80 -s rr", 20+p, i/200, i%200+1))
		}
		inputs[p] = b.String()
	}
	var wg sync.WaitGroup
	outs := make([]cmdResult, procs)
	for p := 0; p < procs; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			outs[p] = relExec(t, -1, inputs[p], oursBin, "-R")
		}(p)
	}
	wg.Wait()
	for p, o := range outs {
		if o != (cmdResult{}) {
			t.Errorf("writer %d: %s", p, o)
		}
	}
	sameLineSet(t, "table after concurrent writers", relMust(t, "", refBin, "-Sn"), want)
}

// sameLineSet compares the lines of out with want, in any order, and names
// the first difference.
func sameLineSet(t *testing.T, what, out string, want []string) {
	t.Helper()
	got := strings.Split(strings.TrimSpace(out), "\n")
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s: %d lines, want %d", what, len(got), len(want))
		for i := 0; i < len(got) && i < len(want); i++ {
			if got[i] != want[i] {
				t.Errorf("first difference: %q, want %q", got[i], want[i])
				break
			}
		}
	}
}

// TestLargeRoundTrip: 10,000 services with a real server each, restored by
// ours; -Sn lists exactly them (and as the reference lists them), and apply
// of that listing finds nothing to change. A fresh namespace keeps the
// deleted destinations of other tests out of the way.
func TestLargeRoundTrip(t *testing.T) {
	const n = 10000
	relMust(t, "", "/sbin/ip", "netns", "add", "relbig")
	t.Cleanup(func() { exec.Command("/sbin/ip", "netns", "del", "relbig").Run() })
	relMust(t, "", "/sbin/ip", "-n", "relbig", "link", "set", "lo", "up")
	var b strings.Builder
	var lines []string
	for i := 0; i < n; i++ {
		vip := fmt.Sprintf("10.%d.%d.%d", 100+i/60000, i/250%240, i%250+1)
		s := fmt.Sprintf("-A -t %s:80 -s rr", vip)
		d := fmt.Sprintf("-a -t %s:80 -r 192.0.2.%d:80 -g -w %d", vip, i%200+1, i%7+1)
		b.WriteString(s + "\n" + d + "\n")
		lines = append(lines, s, d)
	}
	start := time.Now()
	if o := relExec(t, -1, b.String(), oursBin, "--netns", "relbig", "-R"); o != (cmdResult{}) {
		t.Fatalf("restore: %s", o)
	}
	t.Logf("restore of %d lines: %v", len(lines), time.Since(start).Round(time.Millisecond))
	ours := relMust(t, "", oursBin, "--netns", "relbig", "-Sn")
	ref := relMust(t, "", "/sbin/ip", "netns", "exec", "relbig", refBin, "-Sn")
	if ours != ref {
		t.Errorf("-Sn differs from the reference's (%d vs %d bytes)", len(ours), len(ref))
	}
	sameLineSet(t, "-Sn after restore", ours, lines)
	if o := relExec(t, -1, ours, oursBin, "--netns", "relbig", "apply", "--dry-run", "-"); o != (cmdResult{}) {
		t.Errorf("apply --dry-run of the table's own -Sn: %s", o)
	}
}
