package boot

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/ipvsadm"
	"github.com/lvsgo/ipvsadm/internal/ipvstest"
	"github.com/lvsgo/ipvsadm/internal/netdb"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// machine is a director for boot to work on: the shared fake kernel behind
// the real ipvsadm front end, a root directory for the settings and rules
// files, interfaces, and a record of every ipvsadm command line.
type machine struct {
	t        *testing.T
	k        *ipvstest.Kernel
	root     string
	links    []string
	loaded   bool
	unloaded int
	restart  bool
	lines    [][]string
}

func newMachine(t *testing.T) *machine {
	m := &machine{t: t, k: &ipvstest.Kernel{}, root: t.TempDir(), links: []string{"lo", "eth0", "eth1"}, loaded: true}
	for _, d := range []string{"etc/default", "etc/sysconfig"} {
		if err := os.MkdirAll(filepath.Join(m.root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func (m *machine) write(rel, text string) {
	m.t.Helper()
	if err := os.WriteFile(filepath.Join(m.root, rel), []byte(text), 0o644); err != nil {
		m.t.Fatal(err)
	}
}

func (m *machine) read(rel string) string {
	m.t.Helper()
	b, err := os.ReadFile(filepath.Join(m.root, rel))
	if err != nil {
		m.t.Fatal(err)
	}
	return string(b)
}

func (m *machine) env(stdout, stderr io.Writer) Env {
	parser := &grammar.Parser{}
	open := func() (ipvs.API, error) { return m.k, nil }
	return Env{
		Ipvsadm: func(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
			m.lines = append(m.lines, slices.Clone(args))
			if stdin == nil {
				stdin = strings.NewReader("")
			}
			return ipvsadm.Run(args, ipvsadm.Env{Open: open, Parser: parser, Names: netdb.Empty(),
				Stdin: stdin, Stdout: stdout, Stderr: stderr})
		},
		Check: func(in io.Reader, errw io.Writer) int {
			return ipvsadm.CheckRestore("ipvsadm", parser, in, errw)
		},
		Open:       open,
		HasLink:    func(name string) bool { return slices.Contains(m.links, name) },
		Loaded:     func(string) bool { return m.loaded },
		Unload:     func(string) error { m.unloaded++; m.loaded = false; return nil },
		Restarting: func() bool { return m.restart },
		Root:       m.root,
		Stdout:     stdout,
		Stderr:     stderr,
	}
}

// boot runs `ipvsadm boot ARGS`.
func (m *machine) boot(args ...string) (status int, stdout, stderr string) {
	var out, errb bytes.Buffer
	status = Run(args, m.env(&out, &errb))
	return status, out.String(), errb.String()
}

// table is the kernel's table as ipvsadm -S -n prints it.
func (m *machine) table() string {
	m.t.Helper()
	var out, errb bytes.Buffer
	if st := m.env(nil, nil).Ipvsadm([]string{"ipvsadm", "-S", "-n"}, nil, &out, &errb); st != 0 {
		m.t.Fatalf("-S -n: %d %s", st, errb.String())
	}
	return out.String()
}

// set makes the kernel's table the given -S lines.
func (m *machine) set(lines string) {
	m.t.Helper()
	var errb bytes.Buffer
	env := m.env(nil, nil)
	env.Ipvsadm([]string{"ipvsadm", "-C"}, nil, io.Discard, &errb)
	if st := env.Ipvsadm([]string{"ipvsadm", "-R"}, strings.NewReader(lines), io.Discard, &errb); st != 0 {
		m.t.Fatalf("-R: %s", errb.String())
	}
}

const (
	rulesA = "-A -t 192.0.2.10:80 -s rr\n-a -t 192.0.2.10:80 -r 10.0.0.11:80 -m -w 1\n"
	rulesB = "-A -u 192.0.2.20:53 -s wlc\n"
)

func TestDebianStartStop(t *testing.T) {
	m := newMachine(t)
	m.write("etc/default/ipvsadm", "AUTO=\"true\"\nDAEMON=\"master\"\nIFACE=\"eth1\"\nSYNCID=\"5\"\n")
	m.write("etc/ipvsadm.rules", "# ipvsadm.rules\n"+rulesA)
	m.set(rulesB)

	st, out, errs := m.boot("--debian", "start")
	if st != 0 || errs != "" {
		t.Fatalf("start: %d %q", st, errs)
	}
	if got := m.table(); got != rulesA {
		t.Errorf("table after start:\n%s\nwant the rules file's:\n%s", got, rulesA)
	}
	if want := []ipvs.Daemon{{State: ipvs.StateMaster, McastIfn: "eth1", SyncID: 5}}; !slices.Equal(m.k.Syncd, want) {
		t.Errorf("daemons %+v, want %+v", m.k.Syncd, want)
	}
	if !strings.Contains(out, "started the master sync daemon on eth1, syncid 5") {
		t.Errorf("start said %q", out)
	}

	// A second start changes nothing and fails nothing.
	if st, _, errs := m.boot("--debian", "start"); st != 0 || len(m.k.Syncd) != 1 {
		t.Fatalf("second start: %d %q %+v", st, errs, m.k.Syncd)
	}

	m.set(rulesA + rulesB) // the table changed while running
	st, _, errs = m.boot("--debian", "stop")
	if st != 0 || errs != "" {
		t.Fatalf("stop: %d %q", st, errs)
	}
	if got, want := m.read("etc/ipvsadm.rules"), "# ipvsadm.rules\n"+rulesA+rulesB; got != want {
		t.Errorf("saved rules:\n%s\nwant:\n%s", got, want)
	}
	if got := m.table(); got != "" {
		t.Errorf("table after stop: %q", got)
	}
	if len(m.k.Syncd) != 0 {
		t.Errorf("daemons after stop: %+v", m.k.Syncd)
	}
}

func TestDebianAutoFalse(t *testing.T) {
	m := newMachine(t)
	m.write("etc/default/ipvsadm", "AUTO=\"false\"\nDAEMON=\"backup\"\nIFACE=\"eth0\"\n")
	m.write("etc/ipvsadm.rules", rulesA)
	m.set(rulesB)
	if st, _, errs := m.boot("start"); st != 0 { // flavour found from the files
		t.Fatalf("start: %d %q", st, errs)
	}
	if got := m.table(); got != rulesB {
		t.Errorf("AUTO=false loaded rules: table %q", got)
	}
	if want := []ipvs.Daemon{{State: ipvs.StateBackup, McastIfn: "eth0"}}; !slices.Equal(m.k.Syncd, want) {
		t.Errorf("daemons %+v, want %+v", m.k.Syncd, want)
	}
	if st, _, errs := m.boot("stop"); st != 0 {
		t.Fatalf("stop: %d %q", st, errs)
	}
	if got := m.table(); got != rulesB {
		t.Errorf("AUTO=false: stop touched the table: %q", got)
	}
	if got := m.read("etc/ipvsadm.rules"); got != rulesA {
		t.Errorf("AUTO=false: stop saved the rules: %q", got)
	}
	if len(m.k.Syncd) != 0 {
		t.Errorf("daemons after stop: %+v", m.k.Syncd)
	}
}

func TestDebianBoth(t *testing.T) {
	m := newMachine(t)
	m.write("etc/default/ipvsadm", "DAEMON=both\nIFACE=eth1\nSYNCID=9\n")
	if st, _, errs := m.boot("--debian", "start"); st != 0 {
		t.Fatalf("start: %d %q", st, errs)
	}
	want := []ipvs.Daemon{{State: ipvs.StateMaster, McastIfn: "eth1", SyncID: 9}, {State: ipvs.StateBackup, McastIfn: "eth1", SyncID: 9}}
	if !slices.Equal(m.k.Syncd, want) {
		t.Errorf("daemons %+v, want %+v", m.k.Syncd, want)
	}
	// Changed settings: start moves the running daemons to them.
	m.write("etc/default/ipvsadm", "DAEMON=both\nIFACE=eth0\nSYNCID=9\n")
	if st, _, errs := m.boot("--debian", "start"); st != 0 {
		t.Fatalf("start: %d %q", st, errs)
	}
	for _, d := range m.k.Syncd {
		if d.McastIfn != "eth0" {
			t.Errorf("daemon left on %s: %+v", d.McastIfn, m.k.Syncd)
		}
	}
}

// Every refusal leaves the table and the daemons exactly as they were.
func TestNothingHalfDone(t *testing.T) {
	tests := []struct {
		name, settings, rules string
		fail                  string // kernel command made to fail
		status                int
		stderr                string
	}{
		{"bad setting", "AUTO=true\nDAEMON=primary\n", rulesA, "", 1,
			`ipvsadm boot: ` + "ROOT" + `/etc/default/ipvsadm: line 2: DAEMON="primary": must be none, master, backup or both; nothing done`},
		{"bad rules line", "AUTO=true\n", rulesA + "-A -t 192.0.2.30:80 -s nosuch\n-x\n", "", 1, "/etc/ipvsadm.rules has bad lines; nothing loaded, the table is unchanged"},
		{"no such interface", "AUTO=true\nDAEMON=master\nIFACE=eth7\n", rulesA, "", 1, "ipvsadm boot: IFACE=eth7: no such interface; nothing done"},
		{"kernel refuses a rule", "AUTO=true\n", rulesA, "NEW_DEST", 1, "; the table is back as it was"},
		{"kernel refuses the daemon", "AUTO=true\nDAEMON=master\nIFACE=eth0\n", rulesA, "NEW_DAEMON", 1,
			"starting the master sync daemon on eth0 (syncid 0): "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMachine(t)
			m.write("etc/default/ipvsadm", tt.settings)
			m.write("etc/ipvsadm.rules", tt.rules)
			m.set(rulesB)
			if tt.fail != "" {
				m.k.Fail = map[string]*ipvstest.Failure{tt.fail: {Errno: syscall.EINVAL}}
			}
			st, _, errs := m.boot("--debian", "start")
			m.k.Fail = nil
			if st != tt.status || !strings.Contains(errs, strings.ReplaceAll(tt.stderr, "ROOT", m.root)) {
				t.Errorf("status %d, stderr %q; want %d and %q", st, errs, tt.status, tt.stderr)
			}
			if got := m.table(); got != rulesB {
				t.Errorf("table changed to %q", got)
			}
			if len(m.k.Syncd) != 0 {
				t.Errorf("daemons left running: %+v", m.k.Syncd)
			}
		})
	}
}

func TestRHEL(t *testing.T) {
	tests := []struct {
		name, settings string
		cmd            string
		restarting     bool
		saved          bool // the rules file holds the running table
		unloaded       bool
	}{
		{"stop, defaults", "", "stop", false, false, true},
		{"stop, save on stop", "IPVS_SAVE_ON_STOP=yes\n", "stop", false, true, true},
		{"stop, keep modules", "IPVS_MODULES_UNLOAD=no\n", "stop", false, false, false},
		{"stop of a restart, save on restart", "IPVS_SAVE_ON_RESTART=yes\n", "stop", true, true, true},
		{"stop of a restart, no save on restart", "IPVS_SAVE_ON_STOP=no\n", "stop", true, false, true},
		{"plain stop, save on restart", "IPVS_SAVE_ON_RESTART=yes\n", "stop", false, false, true},
		{"restart, save on restart", "IPVS_SAVE_ON_RESTART=yes\n", "restart", false, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMachine(t)
			m.write("etc/sysconfig/ipvsadm-config", tt.settings)
			m.write("etc/sysconfig/ipvsadm", rulesA)
			if st, _, errs := m.boot("--rhel", "start"); st != 0 {
				t.Fatalf("start: %d %q", st, errs)
			}
			if got := m.table(); got != rulesA {
				t.Fatalf("table after start %q", got)
			}
			m.set(rulesA + rulesB)
			m.restart = tt.restarting
			st, _, errs := m.boot("--rhel", tt.cmd)
			if st != 0 {
				t.Fatalf("%s: %d %q", tt.cmd, st, errs)
			}
			want := rulesA
			if tt.saved {
				want = rulesA + rulesB
			}
			if got := m.read("etc/sysconfig/ipvsadm"); got != want {
				t.Errorf("rules file %q, want %q", got, want)
			}
			if (m.unloaded > 0) != tt.unloaded {
				t.Errorf("modules unloaded %d times, want %v", m.unloaded, tt.unloaded)
			}
			if tt.cmd == "restart" {
				if got := m.table(); got != want {
					t.Errorf("table after restart %q, want %q", got, want)
				}
			} else if got := m.table(); got != "" && tt.unloaded {
				t.Errorf("table after stop %q", got)
			}
		})
	}
}

// The table is never saved over the rules when IPVS is not loaded: its
// empty table would replace them.
func TestStopWithoutIPVS(t *testing.T) {
	for _, f := range []string{"--debian", "--rhel"} {
		m := newMachine(t)
		m.write("etc/default/ipvsadm", "AUTO=true\n")
		m.write("etc/sysconfig/ipvsadm-config", "IPVS_SAVE_ON_STOP=yes\n")
		m.write("etc/ipvsadm.rules", rulesA)
		m.write("etc/sysconfig/ipvsadm", rulesA)
		m.loaded = false
		st, out, errs := m.boot(f, "stop")
		if st != 0 || errs != "" || !strings.Contains(out, "IPVS is not loaded") {
			t.Errorf("%s stop: %d %q %q", f, st, out, errs)
		}
		if len(m.lines) != 0 {
			t.Errorf("%s stop ran ipvsadm %q", f, m.lines)
		}
		if m.read("etc/ipvsadm.rules") != rulesA || m.read("etc/sysconfig/ipvsadm") != rulesA {
			t.Errorf("%s stop rewrote the rules", f)
		}
	}
}

func TestRHELStartWithoutRules(t *testing.T) {
	m := newMachine(t)
	m.write("etc/sysconfig/ipvsadm-config", "")
	m.set(rulesB)
	if st, _, errs := m.boot("--rhel", "start"); st != 0 {
		t.Fatalf("start: %d %q", st, errs)
	}
	// As RHEL's script: the running table became the rules file, mode 0600.
	if got := m.read("etc/sysconfig/ipvsadm"); got != rulesB {
		t.Errorf("rules file %q", got)
	}
	if fi, err := os.Stat(filepath.Join(m.root, "etc/sysconfig/ipvsadm")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("rules file mode: %v %v", fi.Mode(), err)
	}
	if got := m.table(); got != rulesB {
		t.Errorf("table %q", got)
	}
}

func TestStatusNumeric(t *testing.T) {
	for _, tt := range []struct {
		settings string
		want     []string
	}{
		{"", []string{"ipvsadm", "-L", "-n"}},
		{"IPVS_STATUS_NUMERIC=no\n", []string{"ipvsadm", "-L"}},
	} {
		m := newMachine(t)
		m.write("etc/sysconfig/ipvsadm-config", tt.settings)
		m.set(rulesA)
		m.lines = nil
		st, out, _ := m.boot("--rhel", "status")
		if st != 0 || len(m.lines) != 1 || !slices.Equal(m.lines[0], tt.want) {
			t.Errorf("%q: status %d ran %q, want %q", tt.settings, st, m.lines, tt.want)
		}
		if !strings.Contains(out, "TCP  192.0.2.10:80 rr") {
			t.Errorf("status printed %q", out)
		}
	}
}

func TestUsage(t *testing.T) {
	m := newMachine(t)
	for _, tt := range []struct {
		args   []string
		status int
		stderr string
	}{
		{[]string{"--help"}, 0, ""},
		{[]string{"begin"}, 2, "ipvsadm boot: unknown command \"begin\" (one of start, stop, restart, reload, status, save) (see ipvsadm boot --help)\n"},
		{[]string{"start"}, 2, "ipvsadm boot: neither /etc/default/ipvsadm nor /etc/sysconfig/ipvsadm-config exists: say --debian or --rhel\n"},
	} {
		st, out, errs := m.boot(tt.args...)
		if st != tt.status || errs != tt.stderr {
			t.Errorf("%q: %d %q, want %d %q", tt.args, st, errs, tt.status, tt.stderr)
		}
		if tt.status == 0 && out != Usage {
			t.Errorf("%q printed %q", tt.args, out)
		}
	}
}
