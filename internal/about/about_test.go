package about

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/cli"
	"github.com/lvsgo/ipvsadm/ipvs"
)

func build(version string, settings ...string) *debug.BuildInfo {
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/lvsgo/ipvsadm", Version: version}}
	for i := 0; i+1 < len(settings); i += 2 {
		bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
	}
	return bi
}

const rev = "fa9c94f0a1b2c3d4e5f60718293a4b5c6d7e8f90"

func TestDescribe(t *testing.T) {
	plat := []string{"GOOS", "linux", "GOARCH", "amd64"}
	vcs := append([]string{"vcs", "git", "vcs.revision", rev, "vcs.modified", "false"}, plat...)
	dirty := append([]string{"vcs.revision", rev, "vcs.modified", "true"}, plat...)
	for _, tc := range []struct {
		name   string
		linked string
		commit string
		bi     *debug.BuildInfo
		want   Info
	}{
		{"make build", "v0.2.0-3-gfa9c94f", "", build("(devel)", vcs...),
			Info{Version: "v0.2.0-3-gfa9c94f", Commit: rev, Go: "go1.26.8", Platform: "linux/amd64"}},
		{"make, dirty tree", "fa9c94f-dirty", "", build("(devel)", dirty...),
			Info{Version: "fa9c94f-dirty", Commit: rev, Modified: true, Go: "go1.26.8", Platform: "linux/amd64"}},
		// git describe failed: the Makefile links "unknown".
		{"make without git", "unknown", "", build("(devel)", plat...),
			Info{Version: "devel", Go: "go1.26.8", Platform: "linux/amd64"}},
		{"go install module@version", "", "", build("v0.2.0", plat...),
			Info{Version: "v0.2.0", Go: "go1.26.8", Platform: "linux/amd64"}},
		{"go build in a work tree", "", "", build("v0.0.0-20261129161500-fa9c94f0a1b2+dirty", dirty...),
			Info{Version: "v0.0.0-20261129161500-fa9c94f0a1b2+dirty", Commit: rev, Modified: true, Go: "go1.26.8", Platform: "linux/amd64"}},
		{"make, -buildvcs=false", "fa9c94f-dirty", "c0ffee", build("(devel)", plat...),
			Info{Version: "fa9c94f-dirty", Commit: "c0ffee", Modified: true, Go: "go1.26.8", Platform: "linux/amd64"}},
		{"make, both commits", "v0.2.0", "c0ffee", build("(devel)", vcs...),
			Info{Version: "v0.2.0", Commit: rev, Go: "go1.26.8", Platform: "linux/amd64"}},
		{"go build -buildvcs=false", "", "", build("(devel)"),
			Info{Version: "devel", Go: "go1.26.8", Platform: "unknown"}},
		{"no build information", "", "", nil, Info{Version: "devel", Go: "unknown", Platform: "unknown"}},
	} {
		if got := Describe(tc.linked, tc.commit, tc.bi); got != tc.want {
			t.Errorf("%s: Describe = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestKernelOf(t *testing.T) {
	missingNonRoot := &ipvs.OpenError{Errno: syscall.EPERM, Missing: true, Err: os.ErrNotExist}
	missingRoot := &ipvs.OpenError{Errno: syscall.ENOPROTOOPT, Missing: true, Err: os.ErrNotExist}
	refused := &ipvs.OpenError{Errno: syscall.EPERM, Err: syscall.EPERM}
	for _, tc := range []struct {
		err  error
		root bool
		want string
	}{
		{nil, false, "1.2.1 (connection table size 4096)"},
		{missingRoot, true, "not available (no ip_vs module in this kernel)"},
		{missingNonRoot, false, "not available (ip_vs not loaded, and loading it needs root)"},
		{refused, false, "not available (needs root)"},
		{refused, true, "not available (permission denied)"},
		{&ipvs.OpenError{Errno: syscall.EINVAL, Err: syscall.EINVAL}, true, "not available (invalid argument)"},
		{errors.New("odd"), true, "not available (odd)"},
	} {
		k := KernelOf(ipvs.Info{Version: 0x010201, ConnTabSize: 4096}, tc.err, tc.root)
		if got := k.String(); got != tc.want {
			t.Errorf("KernelOf(%v, root %v) = %q, want %q", tc.err, tc.root, got, tc.want)
		}
	}
}

var sample = Info{Version: "v0.2.0", Commit: rev, Modified: true, Go: "go1.26.8", Platform: "linux/amd64",
	Kernel: Kernel{Available: true, Version: 0x010201, ConnTabSize: 4096}}

func TestText(t *testing.T) {
	want := "ipvsadm in Go v0.2.0, a drop-in for ipvsadm 1.31\n" +
		"commit:      " + rev + " (modified)\n" +
		"go:          go1.26.8 linux/amd64\n" +
		"kernel IPVS: 1.2.1 (connection table size 4096)\n"
	if got := sample.Text(); got != want {
		t.Errorf("Text:\n%s\nwant:\n%s", got, want)
	}
	bare := Info{Version: "devel", Go: "unknown", Platform: "unknown", Kernel: Kernel{Reason: "needs root"}}
	want = "ipvsadm in Go devel, a drop-in for ipvsadm 1.31\n" +
		"commit:      not recorded\n" +
		"go:          unknown unknown\n" +
		"kernel IPVS: not available (needs root)\n"
	if got := bare.Text(); got != want {
		t.Errorf("Text:\n%s\nwant:\n%s", got, want)
	}
}

func TestJSON(t *testing.T) {
	for _, tc := range []struct {
		in   Info
		want string
	}{
		{Info{Version: "v0.2.0", Commit: rev, Go: "go1.26.8", Platform: "linux/amd64", Kernel: Kernel{Reason: "needs root"}},
			`{"version":"v0.2.0","compatible":"1.31","commit":"` + rev + `","modified":false,"go":"go1.26.8",` +
				`"platform":"linux/amd64","kernel_ipvs":{"available":false,"reason":"needs root"}}` + "\n"},
		{sample, `{"version":"v0.2.0","compatible":"1.31","commit":"` + rev + `","modified":true,"go":"go1.26.8",` +
			`"platform":"linux/amd64","kernel_ipvs":{"available":true,"version":"1.2.1","conn_table_size":4096}}` + "\n"},
		{Info{Version: "devel", Go: "unknown", Platform: "unknown", Kernel: Kernel{Reason: "needs root"}},
			`{"version":"devel","compatible":"1.31","go":"unknown",` +
				`"platform":"unknown","kernel_ipvs":{"available":false,"reason":"needs root"}}` + "\n"},
	} {
		got := tc.in.JSON()
		if got != tc.want {
			t.Errorf("JSON:\n%s\nwant:\n%s", got, tc.want)
		}
		if strings.Count(got, "\n") != 1 || !json.Valid([]byte(got)) {
			t.Errorf("JSON is not one line of valid JSON: %q", got)
		}
	}
}

// run calls f (Help or Version) with env's streams set to buffers.
func run(f func([]string, Env) int, args []string, env Env) (status int, stdout, stderr string) {
	var out, errb bytes.Buffer
	env.Stdout, env.Stderr = &out, &errb
	status = f(args, env)
	return status, out.String(), errb.String()
}

func TestVersion(t *testing.T) {
	asked := 0
	env := Env{Linked: "v0.2.0", Build: build("(devel)", "vcs.revision", rev, "GOOS", "linux", "GOARCH", "amd64"),
		Kernel: func() (ipvs.Info, error) {
			asked++
			return ipvs.Info{}, &ipvs.OpenError{Errno: syscall.EPERM, Err: syscall.EPERM}
		}}
	st, out, errs := run(Version, nil, env)
	want := "ipvsadm in Go v0.2.0, a drop-in for ipvsadm 1.31\ncommit:      " + rev +
		"\ngo:          go1.26.8 linux/amd64\nkernel IPVS: not available (needs root)\n"
	if st != 0 || out != want || errs != "" || asked != 1 {
		t.Errorf("version = %d, %q, %q (kernel asked %d times); want 0, %q", st, out, errs, asked, want)
	}
	st, out, errs = run(Version, []string{"--json"}, env)
	if st != 0 || !strings.HasPrefix(out, `{"version":"v0.2.0",`) || !strings.HasSuffix(out, `"reason":"needs root"}}`+"\n") || errs != "" {
		t.Errorf("version --json = %d, %q, %q", st, out, errs)
	}
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"-x"}, `ipvsadm version: unknown option "-x" (see ipvsadm help version)` + "\n"},
		{[]string{"--json=1"}, `ipvsadm version: option --json takes no value (see ipvsadm help version)` + "\n"},
		{[]string{"--json", "extra"}, `ipvsadm version: unexpected argument "extra" (see ipvsadm help version)` + "\n"},
		{[]string{"--json", "--json"}, "ipvsadm version: option --json given twice (see ipvsadm help version)\n"},
	} {
		asked = 0
		st, out, errs := run(Version, tc.args, env)
		if st != 2 || out != "" || errs != tc.err || asked != 0 {
			t.Errorf("version %q = %d, %q, %q (kernel asked %d times); want 2, nothing, %q, not asked", tc.args, st, out, errs, asked, tc.err)
		}
	}
}

// commands are a registry as the program gives help one: two
// subcommands of other packages, then help and version.
var commands = []cli.Command{
	{Word: "apply", Row: "ipvsadm apply FILE|-", Help: "make the table equal to a -S file", Usage: "Usage: ipvsadm apply FILE|-\n"},
	{Word: "completion", Row: "ipvsadm completion bash|zsh", Help: "print a shell completion script", Usage: "Usage: ipvsadm completion bash|zsh\n"},
	HelpCommand,
	VersionCommand,
}

func TestHelp(t *testing.T) {
	env := Env{Commands: commands}
	st, out, errs := run(Help, nil, env)
	if st != 0 || out != HelpText(commands) || errs != "" {
		t.Errorf("help = %d, %q, %q", st, out, errs)
	}
	for _, tc := range []struct {
		args     []string
		status   int
		out, err string
	}{
		{args: []string{"apply"}, out: "Usage: ipvsadm apply FILE|-\n"},
		{args: []string{"completion"}, out: "Usage: ipvsadm completion bash|zsh\n"},
		{args: []string{"help"}, out: helpUsage},
		{args: []string{"version"}, out: versionUsage},
		{args: []string{"--netns"}, out: "ipvsadm --netns NAME ...\n    run in the network namespace /run/netns/NAME; see man ipvsadm.\n"},
		{args: []string{"json"}, out: "ipvsadm -L --json\n    list views as one line of JSON; see man ipvsadm.\n"},
		{args: []string{"netns"}, out: "ipvsadm --netns NAME ...\n    run in the network namespace /run/netns/NAME; see man ipvsadm.\n"},
		{args: []string{"ipvsadm-save"}, out: "ipvsadm-save [-n]\n    called so, acts as 1.31's ipvsadm-save script; see man ipvsadm.\n"},
		{args: []string{"-L"}, status: 2, err: `ipvsadm help: no addition called "-L" (see ipvsadm help)` + "\n"},
		{args: []string{"nosuch"}, status: 2, err: `ipvsadm help: no addition called "nosuch" (see ipvsadm help)` + "\n"},
		{args: []string{"arp-prep"}, status: 2, err: `ipvsadm help: no addition called "arp-prep" (see ipvsadm help)` + "\n"},
		{args: []string{"apply", "version"}, status: 2, err: "ipvsadm help: one word at most (see ipvsadm help)\n"},
	} {
		st, out, errs := run(Help, tc.args, env)
		if st != tc.status || out != tc.out || errs != tc.err {
			t.Errorf("help %q = %d, %q, %q; want %d, %q, %q", tc.args, st, out, errs, tc.status, tc.out, tc.err)
		}
	}
}

// The overview fits 80 columns and has a row for every subcommand it is
// given, in their order, then every other addition.
func TestHelpText(t *testing.T) {
	text := HelpText(commands)
	for i, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if len(l) > 80 {
			t.Errorf("help line %d is %d columns: %q", i+1, len(l), l)
		}
	}
	at := 0
	for _, a := range rows(commands) {
		i := strings.Index(text, "\n  "+a.Usage+"  ")
		if i < at {
			t.Errorf("help has no row for %s after the previous one", a.Usage)
		}
		at = i
		if !strings.Contains(a.Usage, a.Word) || a.Help == "" {
			t.Errorf("addition %q: its usage %q does not name it, or it has no help", a.Word, a.Usage)
		}
	}
}
