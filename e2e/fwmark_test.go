//go:build e2e

package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDiffFwmarkRoundTrip: a fwmark of 2^31 and above survives our -S | -R
// (ours writes it unsigned, as upstream does), where the references'
// "-f -1294967296" is refused by their own -R. Named TestDiff* to run with
// the differential suite on every kernel.
func TestDiffFwmarkRoundTrip(t *testing.T) {
	if err := diffEnv(); err != nil {
		t.Fatal(err)
	}
	sh := func(bin, stdin string, args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	must := func(bin, stdin string, args ...string) string {
		t.Helper()
		out, err := sh(bin, stdin, args...)
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, out)
		}
		return out
	}
	t.Cleanup(func() { exec.Command(refBin, "-C").Run() })
	must(refBin, "", "-C")
	must(oursBin, "", "-A", "-f", "3000000000", "-s", "rr")
	must(oursBin, "", "-a", "-f", "3000000000", "-r", "192.168.1.11", "-g")
	saved := must(oursBin, "", "-Sn")
	want := "-A -f 3000000000 -s rr\n-a -f 3000000000 -r 192.168.1.11:0 -g -w 1\n"
	if saved != want {
		t.Fatalf("ours -Sn:\n%s\nwant:\n%s", saved, want)
	}
	if l := must(oursBin, "", "-Ln"); !strings.Contains(l, "\nFWM  3000000000 rr\n") {
		t.Errorf("ours -Ln:\n%s", l)
	}
	refSaved := must(refBin, "", "-Sn")
	must(refBin, "", "-C")
	if out, err := sh(refBin, refSaved, "-R"); err == nil {
		t.Errorf("the reference restored its own %q (the known bug is gone?): %s", refSaved, out)
	}
	must(refBin, "", "-C")
	must(oursBin, saved, "-R")
	if got := must(oursBin, "", "-Sn"); got != saved {
		t.Errorf("after ours -R of ours -Sn: %q, want %q", got, saved)
	}
	if got := must(refBin, "", "-Sn"); got != refSaved {
		t.Errorf("the kernel's table after the round trip, as the reference saves it: %q, want %q", got, refSaved)
	}
}
