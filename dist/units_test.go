package dist

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/arpprep"
)

// installLike rewrites a unit's paths as make install does, to sbin and
// etc.
func installLike(unit, sbin, etc string) string {
	return strings.NewReplacer("/usr/sbin/", sbin+"/", "/etc/", etc+"/").Replace(unit)
}

// sbinPath matches the programs a unit runs from sbin.
var sbinPath = regexp.MustCompile(`/usr/sbin/[A-Za-z0-9_.-]+`)

// Every unit in dist/ passes systemd-analyze verify, with its paths
// rewritten into a temporary directory (systemd wants the programs of
// Exec lines to exist) where stand-ins of the programs are executable.
func TestUnitsVerify(t *testing.T) {
	// make install's units, and each package's own ipvsadm.service
	var units []string
	for _, g := range []string{"*.service", "deb/*.service", "rpm/*.service"} {
		m, _ := filepath.Glob(g)
		units = append(units, m...)
	}
	if len(units) < 4 {
		t.Fatal("no dist/*.service")
	}
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed (apt-get install systemd): units not verified")
	}
	for _, u := range units {
		t.Run(u, func(t *testing.T) {
			b, err := os.ReadFile(u)
			if err != nil {
				t.Fatal(err)
			}
			d := t.TempDir()
			sbin, etc := filepath.Join(d, "sbin"), filepath.Join(d, "etc")
			for _, dir := range []string{sbin, etc, filepath.Join(d, "unit")} {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			for _, p := range sbinPath.FindAllString(string(b), -1) {
				stub := filepath.Join(sbin, filepath.Base(p))
				if err := os.WriteFile(stub, []byte("#!/bin/sh\n"), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(d, "unit", filepath.Base(u))
			if err := os.WriteFile(path, []byte(installLike(string(b), sbin, etc)), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(sa, "verify", "--man=no", path).CombinedOutput()
			if err != nil || len(out) > 0 {
				t.Errorf("systemd-analyze verify %s: %v\n%s", u, err, out)
			}
		})
	}
}

// unitLines returns the key=value lines of a unit, comments dropped.
func unitLines(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// ipvsadm-arp-prep.service is what arp-prep --persist enables: its name,
// its condition and its command are the ones the code uses, and it runs
// early enough: before any network is configured, after sysctl.d.
func TestArpPrepUnit(t *testing.T) {
	lines := unitLines(t, arpprep.Unit)
	for _, want := range []string{
		"DefaultDependencies=no",
		"After=systemd-sysctl.service local-fs.target",
		"Before=network-pre.target sysinit.target shutdown.target",
		"Wants=network-pre.target",
		"Conflicts=shutdown.target",
		"ConditionFileNotEmpty=" + arpprep.DefaultConfPath,
		"Type=oneshot",
		"RemainAfterExit=yes",
		"ExecStart=/usr/sbin/ipvsadm arp-prep --boot",
		"WantedBy=sysinit.target",
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("%s lacks %s", arpprep.Unit, want)
		}
	}
	// The command line is one arp-prep accepts, and it means --boot.
	for _, l := range lines {
		if cmd, ok := strings.CutPrefix(l, "ExecStart="); ok {
			f := strings.Fields(cmd)
			o, err := arpprep.Parse(f[2:])
			if f[1] != "arp-prep" || err != nil || o.Mode != arpprep.ModeBoot {
				t.Errorf("ExecStart %q: %+v, %v", cmd, o, err)
			}
		}
	}
}
