//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// ipvsadm-save and ipvsadm-restore: our binary invoked under those names
// against Debian's own two scripts (taken from the cached ipvsadm .deb at
// run time and run by busybox sh with the reference ipvsadm on their PATH),
// compared on stdout, stderr, exit status and the table afterwards.

func ecoExec(argv []string, stdin string) cmdResult {
	return execute(exec.Command(argv[0], argv[1:]...), stdin)
}

// ecoNet gives the VM the addresses the destinations below need.
var ecoNet = vmNet{ip: [][]string{
	{"link", "add", "ecot0", "type", "dummy"},
	{"link", "set", "ecot0", "up"},
	{"addr", "add", "198.51.100.1/24", "dev", "ecot0"},
}}

var pathLine = regexp.MustCompile(`(?m)^PATH=.*$`)

// ecoRefScripts extracts ipvsadm-save and ipvsadm-restore from the
// reference .deb into a directory, pointing their PATH at a directory whose
// ipvsadm is the reference binary. It returns that script directory.
func ecoRefScripts(t *testing.T) string {
	t.Helper()
	debs, _ := filepath.Glob(envOr("IPVSADM_DEB", "/host/.cache/debs/ipvsadm_*.deb"))
	if len(debs) != 1 {
		t.Fatalf("want one reference ipvsadm .deb, found %q (run e2e/vm/fetch.sh)", debs)
	}
	tmp := t.TempDir()
	x, bin, scripts := filepath.Join(tmp, "x"), filepath.Join(tmp, "bin"), filepath.Join(tmp, "scripts")
	if out, err := exec.Command("dpkg-deb", "-x", debs[0], x).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb -x %s: %v: %s", debs[0], err, out)
	}
	for _, d := range []string{bin, scripts} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(refBin, filepath.Join(bin, "ipvsadm")); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"ipvsadm-save", "ipvsadm-restore"} {
		b, err := os.ReadFile(filepath.Join(x, "sbin", n))
		if err != nil {
			t.Fatal(err)
		}
		if !pathLine.Match(b) {
			t.Fatalf("%s: no PATH= line to point at the reference ipvsadm", n)
		}
		b = pathLine.ReplaceAll(b, []byte("PATH="+bin+":/bin:/sbin:/usr/bin:/usr/sbin"))
		if err := os.WriteFile(filepath.Join(scripts, n), b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return scripts
}

// ecoOurNames returns a directory where ipvsadm-save and ipvsadm-restore
// are symlinks to our binary, as make install lays them out.
func ecoOurNames(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range []string{"ipvsadm-save", "ipvsadm-restore"} {
		if err := os.Symlink(oursBin, filepath.Join(dir, n)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// ecoReset empties the table and loads rules into it with the reference.
func ecoReset(t *testing.T, rules string) {
	t.Helper()
	if r := ecoExec([]string{refBin, "-C"}, ""); r.status != 0 {
		t.Fatalf("ipvsadm -C: %+v", r)
	}
	if rules == "" {
		return
	}
	if r := ecoExec([]string{refBin, "-R"}, rules); r.status != 0 || r.stderr != "" {
		t.Fatalf("ipvsadm -R setting up %q: %+v", rules, r)
	}
}

func ecoState(t *testing.T) string {
	t.Helper()
	r := ecoExec([]string{refBin, "-Sn"}, "")
	if r.status != 0 {
		t.Fatalf("ipvsadm -Sn: %+v", r)
	}
	return r.stdout
}

const ecoRules = `-A -t 198.51.100.100:80 -s rr
-a -t 198.51.100.100:80 -r 198.51.100.11:80 -g -w 2
-a -t 198.51.100.100:80 -r 198.51.100.12:8080 -m -w 1
-A -u 198.51.100.100:53 -s wlc -p 600
-a -u 198.51.100.100:53 -r 198.51.100.13:53 -m -w 1
-A -f 7 -s sh -b sh-port
`

func TestEcoSaveRestore(t *testing.T) {
	ecoNet.ensure(t)
	refDir, ourDir := ecoRefScripts(t), ecoOurNames(t)
	defer ecoReset(t, "")

	type tc struct {
		name  string
		prog  string // ipvsadm-save or ipvsadm-restore
		args  []string
		stdin string
	}
	cases := []tc{
		{name: "save", prog: "ipvsadm-save"},
		{name: "save -n", prog: "ipvsadm-save", args: []string{"-n"}},
		{name: "save ignores words", prog: "ipvsadm-save", args: []string{"foo", "-n", "bar"}},
		{name: "save -x", prog: "ipvsadm-save", args: []string{"-x"}},
		{name: "save -n --numeric", prog: "ipvsadm-save", args: []string{"-n", "--numeric"}},
		{name: "save -", prog: "ipvsadm-save", args: []string{"-"}},
		{name: "restore", prog: "ipvsadm-restore", stdin: "# saved by hand\n" +
			"-A -t 198.51.100.200:8080 -s lc\n#-A -t 198.51.100.201:1\n" +
			"-a -t 198.51.100.200:8080 -r 198.51.100.14:8080 -m -w 3\n\n\n"},
		{name: "restore empty", prog: "ipvsadm-restore"},
		{name: "restore only comments", prog: "ipvsadm-restore", stdin: "# nothing\n#\n"},
		{name: "restore ignores args", prog: "ipvsadm-restore", args: []string{"--help", "-n"},
			stdin: "-A -u 198.51.100.200:53\n"},
		{name: "restore no final newline", prog: "ipvsadm-restore", stdin: "-A -u 198.51.100.200:53"},
		{name: "restore kernel error", prog: "ipvsadm-restore",
			stdin: "-A -t 198.51.100.200:80\n-A -t 198.51.100.200:80\n"},
		{name: "restore kernel error then ok", prog: "ipvsadm-restore",
			stdin: "-A -t 198.51.100.200:80\n-A -t 198.51.100.200:80\n-A -t 198.51.100.201:80\n"},
		{name: "restore bad value", prog: "ipvsadm-restore",
			stdin: "-A -t 198.51.100.200:80\n-a -t 198.51.100.200:80 -r 198.51.100.15 -w x\n-A -t 198.51.100.202:80\n"},
		{name: "restore unknown option", prog: "ipvsadm-restore", stdin: "--bogus\n-A -t 198.51.100.203:80\n"},
		{name: "restore own save", prog: "ipvsadm-restore", stdin: ecoRules},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ecoReset(t, ecoRules)
			want := ecoExec(append([]string{"sh", filepath.Join(refDir, c.prog)}, c.args...), c.stdin)
			wantState := ecoState(t)
			ecoReset(t, ecoRules)
			got := ecoExec(append([]string{filepath.Join(ourDir, c.prog)}, c.args...), c.stdin)
			gotState := ecoState(t)
			if got != want {
				t.Errorf("%s %q <<< %q\n got: status %d stdout %q stderr %q\nwant: status %d stdout %q stderr %q",
					c.prog, c.args, c.stdin, got.status, got.stdout, got.stderr, want.status, want.stdout, want.stderr)
			}
			if gotState != wantState {
				t.Errorf("table after %s %q:\n got:\n%s\nwant:\n%s", c.prog, c.args, gotState, wantState)
			}
			// The comparison is only worth something if the reference did
			// something: saves print the table, restores change it.
			switch {
			case c.prog == "ipvsadm-save" && want.status == 0 && !strings.Contains(want.stdout, "-A -t"):
				t.Errorf("reference save printed no services: %q", want.stdout)
			case c.name == "restore" && !strings.Contains(wantState, "198.51.100.200:8080"):
				t.Errorf("reference restore did not load the rules:\n%s", wantState)
			}
		})
	}
}

// Saving with our ipvsadm-save and restoring with our ipvsadm-restore
// gives back the same table.
func TestEcoRoundTrip(t *testing.T) {
	ecoNet.ensure(t)
	ourDir := ecoOurNames(t)
	defer ecoReset(t, "")
	ecoReset(t, ecoRules)
	before := ecoState(t)
	saved := ecoExec([]string{filepath.Join(ourDir, "ipvsadm-save"), "-n"}, "")
	if saved.status != 0 || saved.stderr != "" {
		t.Fatalf("ipvsadm-save -n: %+v", saved)
	}
	ecoReset(t, "-A -t 198.51.100.250:80\n")
	r := ecoExec([]string{filepath.Join(ourDir, "ipvsadm-restore")}, "# saved\n"+saved.stdout)
	if r.status != 0 || r.stdout != "" || r.stderr != "" {
		t.Fatalf("ipvsadm-restore: %+v", r)
	}
	if after := ecoState(t); after != before {
		t.Errorf("after save and restore:\n%s\nwant:\n%s", after, before)
	}
}
