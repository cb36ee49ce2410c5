package completion

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// complete sources the bash script, sets COMP_WORDS/COMP_CWORD to words
// (the last one being completed), calls the completion function the
// script registered for words[0], and returns COMPREPLY, sorted.
func complete(t *testing.T, script string, words ...string) []string {
	t.Helper()
	var q []string
	for _, w := range words {
		q = append(q, "'"+strings.ReplaceAll(w, "'", `'\''`)+"'")
	}
	// Like bash, look the compspec up by the command's base name.
	prog := `source "$1" || exit 9
COMP_WORDS=(` + strings.Join(q, " ") + `)
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
fn=$(complete -p "${COMP_WORDS[0]##*/}" | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
[ -n "$fn" ] || exit 8
"$fn" || exit 7
printf '%s\n' "${COMPREPLY[@]}"
`
	cmd := exec.Command("bash", "--norc", "--noprofile", "-c", prog, "bash", script)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("completing %q: %v, stderr: %s", words, err, stderr.String())
	}
	got := strings.Fields(string(out))
	sort.Strings(got)
	return got
}

func writeScript(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ipvsadm")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBashSyntax(t *testing.T) {
	out, err := exec.Command("bash", "-n", writeScript(t, Bash(commands))).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
}

func sorted(s ...string) []string {
	s = append([]string(nil), s...)
	sort.Strings(s)
	return s
}

func TestBashCompletes(t *testing.T) {
	script := writeScript(t, Bash(commands))
	schedulers := sorted(Schedulers...)
	for _, tc := range []struct {
		words []string
		want  []string
	}{
		{[]string{"ipvsadm", "--sch"}, []string{"--sched-flags", "--scheduler"}},
		{[]string{"ipvsadm", "--schedu"}, []string{"--scheduler"}},
		{[]string{"ipvsadm", "--tun-"}, sorted("--tun-info", "--tun-type", "--tun-port", "--tun-nocsum", "--tun-csum", "--tun-remcsum")},
		{[]string{"ipvsadm", "--add-s"}, sorted("--add-service", "--add-server")},
		{[]string{"ipvsadm", "--js"}, []string{"--json"}},
		{[]string{"ipvsadm", "-A", "-t", "10.0.0.1:80", "-s", ""}, schedulers},
		{[]string{"ipvsadm", "-A", "-t", "10.0.0.1:80", "--scheduler", "wl"}, []string{"wlc"}},
		{[]string{"ipvsadm", "-A", "-t", "10.0.0.1:80", "-s", "lb"}, []string{"lblc", "lblcr"}},
		// --opt=value, split by COMP_WORDBREAKS or not.
		{[]string{"ipvsadm", "-A", "--scheduler=s"}, sorted("--scheduler=sh", "--scheduler=sed")},
		{[]string{"ipvsadm", "-A", "--scheduler", "=", "s"}, sorted("sh", "sed")},
		{[]string{"ipvsadm", "-A", "--scheduler", "="}, schedulers},
		{[]string{"ipvsadm", "-A", "--pe", ""}, []string{"sip"}},
		{[]string{"ipvsadm", "-a", "--tun-type", ""}, sorted(TunnelTypes...)},
		{[]string{"ipvsadm", "--start-daemon", ""}, []string{"backup", "master"}},
		{[]string{"ipvsadm", "--stop-daemon", "m"}, []string{"master"}},
		{[]string{"ipvsadm", "-A", "-b", "sh-"}, []string{"sh-fallback", "sh-port"}},
		{[]string{"ipvsadm", "-A", "-b", "sh-port,mh-f"}, []string{"sh-port,mh-fallback"}},
		// -p's timeout is optional: options may follow it.
		{[]string{"ipvsadm", "-A", "-p", "--sc"}, sorted("--scheduler", "--sched-flags", "--sctp-service")},
		{[]string{"ipvsadm", "-A", "-p", ""}, nil},
		{[]string{"ipvsadm", "-a", "-w", ""}, nil},
		{[]string{"ipvsadm", ""}, []string{"apply", "arp-prep", "boot", "completion", "doctor", "help", "top", "version"}},
		{[]string{"ipvsadm", "help", ""}, []string{"apply", "arp-prep", "boot", "completion", "doctor", "help", "top", "version"}},
		{[]string{"ipvsadm", "help", "c"}, []string{"completion"}},
		{[]string{"ipvsadm", "help", "apply", ""}, nil},
		{[]string{"ipvsadm", "version", "-"}, []string{"--json"}},
		{[]string{"ipvsadm", "--netns", "blue", "v"}, []string{"version"}},
		{[]string{"ipvsadm", "ar"}, []string{"arp-prep"}},
		{[]string{"ipvsadm", "--netns", "blue", "a"}, []string{"apply", "arp-prep"}},
		{[]string{"ipvsadm", "-L", ""}, nil},
		{[]string{"ipvsadm", "arp-prep", "--"}, sorted("--dev", "--remove", "--persist", "--boot", "--check", "--dry-run", "--all-interfaces", "--json", "--help")},
		{[]string{"ipvsadm", "arp-prep", "--dev", "l"}, []string{"lo"}},
		{[]string{"ipvsadm", "--netns", "blue", "arp-prep", "--c"}, []string{"--check"}},
		{[]string{"ipvsadm", "apply", "--d"}, []string{"--dry-run"}},
		{[]string{"ipvsadm", "completion", ""}, []string{"bash", "zsh"}},
		{[]string{"ipvsadm", "doctor", "--pr"}, []string{"--probe"}},
		{[]string{"ipvsadm", "doctor", "--tunnel", "g"}, []string{"gre", "gue"}},
		{[]string{"ipvsadm", "doctor", "--tunnel="}, sorted("--tunnel=ipip", "--tunnel=gue", "--tunnel=gre")},
		// --real-server is doctor's flag, not ipvsadm's -r: options follow.
		{[]string{"ipvsadm", "doctor", "--real-server", "--d"}, []string{"--director"}},
		{[]string{"ipvsadm", "doctor", "-f", ""}, nil},
		{[]string{"ipvsadm", "top", "--sort", "in"}, []string{"inactive", "inbps", "inpps"}},
		{[]string{"ipvsadm", "top", "--sort="}, sorted("--sort=cps", "--sort=inpps", "--sort=outpps", "--sort=inbps", "--sort=outbps", "--sort=active", "--sort=inactive", "--sort=name")},
		{[]string{"ipvsadm", "top", "--b"}, []string{"--batch"}},
		{[]string{"ipvsadm", "top", "--interval", "5", "--j"}, []string{"--json"}},
		{[]string{"ipvsadm", "boot", "st"}, []string{"start", "status", "stop"}},
		{[]string{"ipvsadm", "boot", "--r"}, sorted("--rhel", "--rules")},
		{[]string{"ipvsadm", "completion", "z"}, []string{"zsh"}},
		{[]string{"ipvsadm", "completion", "zsh", ""}, nil},
		{[]string{"ipvsadm-save", "-"}, []string{"-n"}},
		{[]string{"/sbin/ipvsadm-save", ""}, []string{"-n"}},
		{[]string{"ipvsadm-restore", "-"}, nil},
	} {
		got := complete(t, script, tc.words...)
		if !reflect.DeepEqual(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
			t.Errorf("complete %q = %q, want %q", tc.words, got, tc.want)
		}
	}
}

func TestBashCompletesFiles(t *testing.T) {
	script := writeScript(t, Bash(commands))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "lvs.rules"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	got := complete(t, script, "ipvsadm", "apply", filepath.Join(dir, "lvs"))
	want := []string{filepath.Join(dir, "lvs.rules")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("apply file = %q, want %q", got, want)
	}
	got = complete(t, script, "ipvsadm", "apply", "-")
	if !contains(got, "-") {
		t.Errorf("apply - = %q, want it to offer - (standard input)", got)
	}
}

// Every option of the table is offered for "-" and for "--" and its
// first letters.
func TestBashOffersEveryOption(t *testing.T) {
	script := writeScript(t, Bash(commands))
	all := complete(t, script, "ipvsadm", "-")
	for _, o := range Options {
		for _, f := range o.Forms() {
			if !contains(all, f) {
				t.Errorf("%s not offered for -", f)
			}
		}
	}
	for _, s := range subcommands(commands) {
		all := complete(t, script, "ipvsadm", s.Name, "-")
		for _, o := range s.Options {
			for _, f := range o.Forms() {
				if !contains(all, f) {
					t.Errorf("%s %s not offered for -", s.Name, f)
				}
			}
		}
	}
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

func TestZshSyntax(t *testing.T) {
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		t.Skip("zsh not installed (apt-get install zsh); structure is checked by TestZshStructure")
	}
	out, err := exec.Command(zsh, "-n", writeScript(t, Zsh(commands))).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
}

// The zsh script names every option, value and subcommand of the table.
func TestZshStructure(t *testing.T) {
	z := Zsh(commands)
	if !strings.HasPrefix(z, "#compdef ipvsadm ipvsadm-save ipvsadm-restore\n") {
		t.Errorf("zsh script does not start with the #compdef line")
	}
	for _, o := range Options {
		for _, f := range o.Forms() {
			if !strings.Contains(z, f) {
				t.Errorf("zsh script lacks %s", f)
			}
		}
	}
	for _, s := range subcommands(commands) {
		start := strings.Index(z, "\n    "+s.Name+")\n")
		if start < 0 {
			t.Errorf("zsh script has no case for %s", s.Name)
			continue
		}
		section := z[start:]
		section = section[:strings.Index(section, "return ;;")]
		for _, o := range s.Options {
			for _, f := range o.Forms() {
				if !strings.Contains(section, f) {
					t.Errorf("zsh script lacks %s %s", s.Name, f)
				}
			}
		}
	}
	for _, list := range [][]string{Schedulers, PersistenceEngines, TunnelTypes, DaemonStates} {
		if !strings.Contains(z, "("+strings.Join(list, " ")+")") {
			t.Errorf("zsh script lacks the value list %v", list)
		}
	}
	if !strings.Contains(z, "_sequence compadd - "+strings.Join(SchedFlagNames, " ")) {
		t.Errorf("zsh script lacks the sched flags")
	}
}

func TestMain_(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		status     int
		out, err   string
		outPrefix  string
		errNonzero bool
	}{
		{args: []string{"bash"}, out: Bash(commands)},
		{args: []string{"zsh"}, out: Zsh(commands)},
		{args: []string{"fish"}, status: 2, err: "ipvsadm completion: unknown shell \"fish\"; want bash or zsh (see ipvsadm completion --help)\n"},
		{args: nil, status: 2, err: "ipvsadm completion: no shell given; want bash or zsh (see ipvsadm completion --help)\n"},
		{args: []string{"bash", "zsh"}, status: 2, err: "ipvsadm completion: one shell only (see ipvsadm completion --help)\n"},
		{args: []string{"--help"}, out: Usage},
		{args: []string{"-h"}, out: Usage},
		{args: []string{"bash", "--fish"}, status: 2, err: "ipvsadm completion: unknown option \"--fish\" (see ipvsadm completion --help)\n"},
	} {
		var out, errb bytes.Buffer
		st := Main(tc.args, commands, &out, &errb)
		if st != tc.status || out.String() != tc.out || errb.String() != tc.err {
			t.Errorf("Main(%q) = %d, stdout %.40q, stderr %q; want %d, %.40q, %q",
				tc.args, st, out.String(), errb.String(), tc.status, tc.out, tc.err)
		}
	}
}

// The table itself: forms are unique, and every valued option says what
// its value is called.
func TestTable(t *testing.T) {
	seen := map[string]bool{}
	for _, o := range Options {
		if o.Value != None && o.Arg == "" {
			t.Errorf("--%s takes a value but has no Arg name", o.Long)
		}
		if o.Help == "" {
			t.Errorf("--%s has no help", o.Long)
		}
		if o.Short != 0 {
			f := "-" + string(o.Short)
			if seen[f] {
				t.Errorf("%s twice", f)
			}
			seen[f] = true
		}
	}
	if len(Schedulers) != 13 {
		t.Errorf("%d schedulers, want the kernel's 13", len(Schedulers))
	}
}
