//go:build e2e

package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ipvsadm boot: the package units' commands, run as the units run them
// (their Exec lines, our binary in place of /usr/sbin/ipvsadm), against
// the distributions' settings files in /etc; the table and the sync
// daemons afterwards are read with the reference ipvsadm.

// unitExec is the command line of the unit's Exec key (ExecStart, ...).
func unitExec(t *testing.T, unit, key string) []string {
	t.Helper()
	var path string
	for _, p := range []string{"dist/" + unit, "../dist/" + unit} {
		if _, err := os.Stat(p); err == nil {
			path = p
			break
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("unit %s: %v", unit, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), key+"="); ok {
			argv := strings.Fields(v)
			if argv[0] != "/usr/sbin/ipvsadm" {
				t.Fatalf("%s: %s runs %s", unit, key, argv[0])
			}
			argv[0] = oursBin
			return argv
		}
	}
	t.Fatalf("%s: no %s line", unit, key)
	return nil
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// bootReset empties the table, stops the sync daemons and removes the
// settings and rules files of both flavours.
func bootReset(t *testing.T) {
	t.Helper()
	refOut(t, "-C")
	for _, s := range []string{"master", "backup"} {
		exec.Command(refBin, "--stop-daemon", s).Run()
	}
	for _, p := range []string{"/etc/default/ipvsadm", "/etc/ipvsadm.rules", "/etc/sysconfig/ipvsadm-config", "/etc/sysconfig/ipvsadm"} {
		os.Remove(p)
	}
}

// refLoad makes the table the rules, with the reference.
func refLoad(t *testing.T, rules string) {
	t.Helper()
	refOut(t, "-C")
	if r := execute(exec.Command(refBin, "-R"), rules); r.status != 0 {
		t.Fatalf("reference -R: %s", r)
	}
}

// canonical is rules as the reference saves them once loaded.
func canonical(t *testing.T, rules string) string {
	t.Helper()
	refLoad(t, rules)
	s := refOut(t, "-Sn")
	refOut(t, "-C")
	return s
}

// refDaemons is what the reference lists for the sync daemons that its own
// --start-daemon lines start, as Debian's init script ran them.
func refDaemons(t *testing.T, roles []string, iface, syncid string) string {
	t.Helper()
	for _, r := range roles {
		refOut(t, "--start-daemon", r, "--mcast-interface", iface, "--syncid", syncid)
	}
	s := refOut(t, "-L", "--daemon")
	for _, r := range roles {
		refOut(t, "--stop-daemon", r)
	}
	return s
}

const (
	bootRulesA = "-A -t 192.0.2.10:80 -s rr\n-a -t 192.0.2.10:80 -r 192.0.2.11:80 -m -w 1\n-a -t 192.0.2.10:80 -r 192.0.2.12:80 -m -w 2\n"
	bootRulesB = "-A -u 192.0.2.20:53 -s wlc\n"
	bootRulesC = "-A -f 7 -s sh\n"
)

func TestBootDebian(t *testing.T) {
	ipvsNet.ensure(t)
	bootReset(t)
	defer bootReset(t)
	start := unitExec(t, "deb/ipvsadm.service", "ExecStart")
	stop := unitExec(t, "deb/ipvsadm.service", "ExecStop")
	canonA, canonB := canonical(t, bootRulesA), canonical(t, bootRulesB)
	canonAC := canonical(t, bootRulesA+bootRulesC)

	for _, tt := range []struct {
		name, auto, daemon string
		roles              []string
	}{
		{"AUTO=false DAEMON=none", "false", "none", nil},
		{"AUTO=true DAEMON=none", "true", "none", nil},
		{"AUTO=true DAEMON=master", "true", "master", []string{"master"}},
		{"AUTO=false DAEMON=backup", "false", "backup", []string{"backup"}},
		{"AUTO=true DAEMON=both", "true", "both", []string{"master", "backup"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bootReset(t)
			wantDaemons := ""
			if len(tt.roles) > 0 {
				wantDaemons = refDaemons(t, tt.roles, "ipvst0", "7")
			}
			writeFile(t, "/etc/default/ipvsadm", "AUTO=\""+tt.auto+"\"\nDAEMON=\""+tt.daemon+"\"\nIFACE=\"ipvst0\"\nSYNCID=\"7\"\n")
			writeFile(t, "/etc/ipvsadm.rules", "# ipvsadm.rules\n"+bootRulesA)
			refLoad(t, bootRulesB) // what ran before the service started

			if r := execute(exec.Command(start[0], start[1:]...), ""); r.status != 0 || r.stderr != "" {
				t.Fatalf("%q: %s", start, r)
			}
			wantTable := canonB
			if tt.auto == "true" {
				wantTable = canonA
			}
			if got := refOut(t, "-Sn"); got != wantTable {
				t.Errorf("table after start:\n%s\nwant:\n%s", got, wantTable)
			}
			if got := refOut(t, "-L", "--daemon"); got != wantDaemons {
				t.Errorf("daemons after start %q, want %q", got, wantDaemons)
			}

			refOut(t, "-A", "-f", "7", "-s", "sh") // changed while running
			before := refOut(t, "-Sn")
			if r := execute(exec.Command(stop[0], stop[1:]...), ""); r.status != 0 || r.stderr != "" {
				t.Fatalf("%q: %s", stop, r)
			}
			if got := refOut(t, "-L", "--daemon"); got != "" {
				t.Errorf("daemons after stop %q", got)
			}
			rules := readFile(t, "/etc/ipvsadm.rules")
			if tt.auto == "true" {
				if before != canonAC || rules != "# ipvsadm.rules\n"+before {
					t.Errorf("rules saved at stop:\n%s\nwant:\n# ipvsadm.rules\n%s", rules, before)
				}
				if got := refOut(t, "-Sn"); got != "" {
					t.Errorf("table after stop %q", got)
				}
			} else {
				if rules != "# ipvsadm.rules\n"+bootRulesA {
					t.Errorf("AUTO=false: stop rewrote the rules:\n%s", rules)
				}
				if got := refOut(t, "-Sn"); got != before {
					t.Errorf("AUTO=false: stop changed the table to\n%s", got)
				}
			}
		})
	}

	// Refusals change nothing: a bad setting, a bad rules line, a rule the
	// kernel refuses, a missing interface.
	for _, tt := range []struct{ name, settings, rules, stderr string }{
		{"bad AUTO", "AUTO=\"yes\"\n", bootRulesA, `/etc/default/ipvsadm: line 1: AUTO="yes": must be true or false; nothing done`},
		{"bad rules line", "AUTO=true\n", bootRulesA + "-A -t 192.0.2.30:80 --bogus\n", "has bad lines; nothing loaded, the table is unchanged"},
		// a line the kernel refuses halfway through: the table is put back
		{"kernel refuses a rule", "AUTO=true\n", bootRulesA + "-A -t 192.0.2.30:80 -s nosuch\n", "loading /etc/ipvsadm.rules: Scheduler or persistence engine not found; the table is back as it was"},
		{"no such interface", "AUTO=true\nDAEMON=master\nIFACE=nosuch0\n", bootRulesA, "IFACE=nosuch0: no such interface; nothing done"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bootReset(t)
			writeFile(t, "/etc/default/ipvsadm", tt.settings)
			writeFile(t, "/etc/ipvsadm.rules", tt.rules)
			refLoad(t, bootRulesB)
			r := execute(exec.Command(start[0], start[1:]...), "")
			if r.status != 1 || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("%q: %s; want status 1 and %q", start, r, tt.stderr)
			}
			if got := refOut(t, "-Sn"); got != canonB {
				t.Errorf("table changed to\n%s", got)
			}
			if got := refOut(t, "-L", "--daemon"); got != "" {
				t.Errorf("daemons started: %q", got)
			}
		})
	}
}

func TestBootRHEL(t *testing.T) {
	bootReset(t)
	defer bootReset(t)
	start := unitExec(t, "rpm/ipvsadm.service", "ExecStart")
	stop := unitExec(t, "rpm/ipvsadm.service", "ExecStop")
	canonA := canonical(t, bootRulesA)

	for _, tt := range []struct {
		name, settings string
		cmd            []string // after start: the unit's stop, or a boot command line
		saved          bool
		unloaded       bool
	}{
		{"defaults", "", stop, false, true},
		{"IPVS_SAVE_ON_STOP=yes IPVS_MODULES_UNLOAD=no", "IPVS_SAVE_ON_STOP=\"yes\"\nIPVS_MODULES_UNLOAD=\"no\"\n", stop, true, false},
		{"IPVS_SAVE_ON_RESTART=yes, stop", "IPVS_SAVE_ON_RESTART=\"yes\"\n", stop, false, true},
		{"IPVS_SAVE_ON_RESTART=yes, restart", "IPVS_SAVE_ON_RESTART=\"yes\"\nIPVS_MODULES_UNLOAD=\"no\"\n",
			[]string{oursBin, "boot", "--rhel", "restart"}, true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bootReset(t)
			writeFile(t, "/etc/sysconfig/ipvsadm-config", tt.settings)
			writeFile(t, "/etc/sysconfig/ipvsadm", bootRulesA)
			refLoad(t, bootRulesB)
			if r := execute(exec.Command(start[0], start[1:]...), ""); r.status != 0 || r.stderr != "" {
				t.Fatalf("%q: %s", start, r)
			}
			if got := refOut(t, "-Sn"); got != canonA {
				t.Errorf("table after start:\n%s\nwant:\n%s", got, canonA)
			}
			refOut(t, "-A", "-f", "7", "-s", "sh")
			before := refOut(t, "-Sn")
			if r := execute(exec.Command(tt.cmd[0], tt.cmd[1:]...), ""); r.status != 0 || r.stderr != "" {
				t.Fatalf("%q: %s", tt.cmd, r)
			}
			want := bootRulesA
			if tt.saved {
				want = before
			}
			if got := readFile(t, "/etc/sysconfig/ipvsadm"); got != want {
				t.Errorf("rules file:\n%s\nwant:\n%s", got, want)
			}
			loaded, err := ipvsLoaded()
			if err != nil {
				t.Fatal(err)
			}
			if loaded == tt.unloaded {
				t.Errorf("ip_vs loaded: %v, want %v", loaded, !tt.unloaded)
			}
			if tt.cmd[len(tt.cmd)-1] == "restart" {
				if got := refOut(t, "-Sn"); got != before {
					t.Errorf("table after restart:\n%s\nwant:\n%s", got, before)
				}
			} else if loaded {
				if got := refOut(t, "-Sn"); got != "" {
					t.Errorf("table after stop %q", got)
				}
			}
		})
	}

	// IPVS_STATUS_NUMERIC: status lists as the reference's -L -n, or -L.
	for _, tt := range []struct {
		value string
		ref   []string
	}{{"yes", []string{"-L", "-n"}}, {"no", []string{"-L"}}} {
		bootReset(t)
		writeFile(t, "/etc/sysconfig/ipvsadm-config", "IPVS_STATUS_NUMERIC=\""+tt.value+"\"\n")
		refLoad(t, bootRulesA)
		want := refOut(t, tt.ref...)
		r := execute(exec.Command(oursBin, "boot", "--rhel", "status"), "")
		if r.status != 0 || r.stdout != want {
			t.Errorf("IPVS_STATUS_NUMERIC=%s: status printed %s\nwant:\n%s", tt.value, r, want)
		}
	}
}
