package progname

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

const saveHelp = "ipvsadm-save: Script to save the IPVS table to stdout.\n" +
	"   With the -n option, prints out the table in numeric format.\n"

func TestModeOf(t *testing.T) {
	for argv0, want := range map[string]Mode{
		"ipvsadm":                Ipvsadm,
		"/sbin/ipvsadm":          Ipvsadm,
		"./ipvsadm":              Ipvsadm,
		"ipvsadm-save":           Save,
		"/usr/sbin/ipvsadm-save": Save,
		"ipvsadm-restore":        Restore,
		"../ipvsadm-restore":     Restore,
		"ipvsadm-saver":          Ipvsadm,
		"xipvsadm-save":          Ipvsadm,
		"":                       Ipvsadm,
	} {
		if got := ModeOf(argv0); got != want {
			t.Errorf("ModeOf(%q) = %v, want %v", argv0, got, want)
		}
	}
}

func TestRewrite(t *testing.T) {
	save := func(a ...string) Plan {
		return Plan{Steps: []Step{{Args: append([]string{"ipvsadm", "-S"}, a...), KeepStatus: true}}}
	}
	restore := Plan{Steps: []Step{
		{Args: []string{"ipvsadm", "-C"}},
		{Args: []string{"ipvsadm", "-R"}, Stdin: true, KeepStatus: true},
	}}
	help := Plan{Status: 1, Stderr: saveHelp}
	for _, tc := range []struct {
		args []string
		want Plan
	}{
		{[]string{"ipvsadm", "-Ln"}, Plan{Steps: []Step{{Args: []string{"ipvsadm", "-Ln"}, Stdin: true, KeepStatus: true}}}},
		{[]string{"/sbin/ipvsadm", "-R"}, Plan{Steps: []Step{{Args: []string{"/sbin/ipvsadm", "-R"}, Stdin: true, KeepStatus: true}}}},
		{[]string{"ipvsadm-save"}, save()},
		{[]string{"/sbin/ipvsadm-save", "-n"}, save("-n")},
		{[]string{"ipvsadm-save", "-n", "-n"}, save("-n")},
		// Words without a dash are ignored, as the script's case ignores them.
		{[]string{"ipvsadm-save", "foo", "-n", "bar"}, save("-n")},
		{[]string{"ipvsadm-save", "-h"}, help},
		{[]string{"ipvsadm-save", "--numeric"}, help},
		{[]string{"ipvsadm-save", "-nL"}, help},
		{[]string{"ipvsadm-save", "-"}, help},
		{[]string{"ipvsadm-save", "-n", "-x"}, help},
		{[]string{"/usr/sbin/ipvsadm-save", "--help"}, help},
		{[]string{"ipvsadm-restore"}, restore},
		// The restore script takes no arguments and looks at none.
		{[]string{"ipvsadm-restore", "--help", "-n"}, restore},
	} {
		if got := Rewrite(tc.args); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Rewrite(%q) = %+v, want %+v", tc.args, got, tc.want)
		}
	}
}

func TestFilterComments(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "\n"},
		{"\n\n", "\n"},
		{"# only a comment\n", "\n"},
		{"-A -t 10.0.0.1:80 -s rr\n", "-A -t 10.0.0.1:80 -s rr\n"},
		{"-A -t 10.0.0.1:80 -s rr", "-A -t 10.0.0.1:80 -s rr\n"},
		{"# saved\n-A -t 10.0.0.1:80 -s rr\n#-a -t 10.0.0.1:80 -r 10.0.0.2\n-a -t 10.0.0.1:80 -r 10.0.0.3:80 -m -w 1\n\n\n",
			"-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.3:80 -m -w 1\n"},
		// Only a # in the first column starts a comment; blank lines
		// in the middle stay.
		{" # not a comment\n\n-C\n#", " # not a comment\n\n-C\n"},
	} {
		got, err := FilterComments(strings.NewReader(tc.in))
		if err != nil || string(got) != tc.want {
			t.Errorf("FilterComments(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// call records one invocation of the fake main.
type call struct {
	args  []string
	stdin string
}

type fake struct {
	calls  []call
	status map[string]int // by args[1]
}

func (f *fake) main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	b, _ := io.ReadAll(stdin)
	f.calls = append(f.calls, call{args, string(b)})
	io.WriteString(stdout, "out "+strings.Join(args, " ")+"\n")
	io.WriteString(stderr, "err "+strings.Join(args, " ")+"\n")
	return f.status[args[1]]
}

func TestRun(t *testing.T) {
	for _, tc := range []struct {
		name           string
		args           []string
		stdin          string
		status         map[string]int
		calls          []call
		want           int
		stdout, stderr string
	}{
		{name: "ipvsadm passes through", args: []string{"/sbin/ipvsadm", "-R"}, stdin: "#x\n-C\n",
			status: map[string]int{"-R": 3},
			calls:  []call{{[]string{"/sbin/ipvsadm", "-R"}, "#x\n-C\n"}}, want: 3,
			stdout: "out /sbin/ipvsadm -R\n", stderr: "err /sbin/ipvsadm -R\n"},
		{name: "save", args: []string{"ipvsadm-save", "-n"}, stdin: "ignored",
			status: map[string]int{"-S": 2},
			calls:  []call{{[]string{"ipvsadm", "-S", "-n"}, ""}}, want: 2,
			stdout: "out ipvsadm -S -n\n", stderr: "err ipvsadm -S -n\n"},
		{name: "save help", args: []string{"/sbin/ipvsadm-save", "-x"}, want: 1, stderr: saveHelp},
		{name: "restore", args: []string{"ipvsadm-restore"}, stdin: "# c\n-A -t 1.2.3.4:80\n\n",
			calls: []call{{[]string{"ipvsadm", "-C"}, ""}, {[]string{"ipvsadm", "-R"}, "-A -t 1.2.3.4:80\n"}},
			want:  0, stdout: "out ipvsadm -C\nout ipvsadm -R\n", stderr: "err ipvsadm -C\nerr ipvsadm -R\n"},
		// -C failing does not stop the restore; -R's status is the result.
		{name: "restore after failed clear", args: []string{"ipvsadm-restore"}, stdin: "-A -t 1.2.3.4:80\n",
			status: map[string]int{"-C": 2, "-R": 0},
			calls:  []call{{[]string{"ipvsadm", "-C"}, ""}, {[]string{"ipvsadm", "-R"}, "-A -t 1.2.3.4:80\n"}},
			want:   0, stdout: "out ipvsadm -C\nout ipvsadm -R\n", stderr: "err ipvsadm -C\nerr ipvsadm -R\n"},
		{name: "restore fails", args: []string{"ipvsadm-restore"}, stdin: "bad\n",
			status: map[string]int{"-R": 2},
			calls:  []call{{[]string{"ipvsadm", "-C"}, ""}, {[]string{"ipvsadm", "-R"}, "bad\n"}},
			want:   2, stdout: "out ipvsadm -C\nout ipvsadm -R\n", stderr: "err ipvsadm -C\nerr ipvsadm -R\n"},
	} {
		f := &fake{status: tc.status}
		var out, errb bytes.Buffer
		got := Run(tc.args, strings.NewReader(tc.stdin), &out, &errb, f.main)
		if got != tc.want || !reflect.DeepEqual(f.calls, tc.calls) || out.String() != tc.stdout || errb.String() != tc.stderr {
			t.Errorf("%s: Run = %d, calls %q, stdout %q, stderr %q; want %d, %q, %q, %q",
				tc.name, got, f.calls, out.String(), errb.String(), tc.want, tc.calls, tc.stdout, tc.stderr)
		}
	}
}

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errors.New("read failed") }

// An unreadable stdin stops restore before it clears the table.
func TestRunRestoreUnreadable(t *testing.T) {
	f := &fake{}
	var out, errb bytes.Buffer
	got := Run([]string{"ipvsadm-restore"}, failReader{}, &out, &errb, f.main)
	if got != 1 || len(f.calls) != 0 || errb.String() != "ipvsadm-restore: read failed\n" {
		t.Errorf("Run = %d, calls %q, stderr %q", got, f.calls, errb.String())
	}
}

// Save must not read stdin: run from a terminal it would block.
func TestRunSaveLeavesStdin(t *testing.T) {
	f := &fake{}
	Run([]string{"ipvsadm-save"}, failReader{}, io.Discard, io.Discard, f.main)
	if len(f.calls) != 1 {
		t.Fatalf("calls %q", f.calls)
	}
}
