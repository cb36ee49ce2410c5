package ipvsadm

import (
	"errors"
	"strings"
	"syscall"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/ipvstest"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// run is ipvsadm over the fake kernel fx.
func run(t *testing.T, fx *ipvstest.Kernel, stdin string, args ...string) (api *ipvstest.Kernel, rc int, stdout, stderr string) {
	t.Helper()
	rc, stdout, stderr = call(envFor(fx, fakeNamer{}, "/nonexistent/ip_vs_conn", nil), stdin, append([]string{"ipvsadm"}, args...)...)
	return fx, rc, stdout, stderr
}

// The expectations below are what /ref/ipvsadm printed for the same input
// in the VM (see the report of the run/format work).
func TestRestore(t *testing.T) {
	tests := []struct {
		name, in   string
		rc         int
		stderr     string
		added      int // services in the table afterwards
		stdoutPart string
	}{
		// A popt error past the first option ends only its line.
		{"late popt error", "-A -t 1.1.1.1:1 --bogus\n-A -t 1.1.1.2:1\n", 0, "--bogus: unknown option\n", 1, ""},
		// A kernel error is reported; the status is the last line's.
		{"kernel error then ok", "-A -t 1.1.1.2:1\n-A -t 1.1.1.2:1\n-A -t 1.1.1.3:1 -s\n-A -t 1.1.1.4:1\n", 0,
			"Service already exists\n-s: missing argument\n", 2, ""},
		{"last line fails", "-A -t 1.1.1.7:1 -s\n", 255, "-s: missing argument\n", 0, ""},
		{"kernel error last", "-A -t 1.1.1.2:1\n-A -t 1.1.1.2:1\n", 255, "Service already exists\n", 1, ""},
		// A bad first option exits at once: later lines do not run.
		{"comment is an option", "-A -t 1.1.1.4:1\n# comment\n-A -t 1.1.1.6:1\n", 255,
			"Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n", 1, ""},
		{"restore in restore", "-A -t 1.1.1.1:1\n-R\n-A -t 1.1.1.3:1\n", 255,
			"Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n", 1, ""},
		{"blank lines and ipvsadm words", "\n  \nipvsadm -A -t 1.1.1.1:1\n-L -n\n", 0, "", 1,
			"TCP  1.1.1.1:1 wlc\n"},
		{"empty", "", 0, "", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := emptyTable()
			_, rc, out, errs := run(t, fx, tt.in, "-R")
			if rc != tt.rc || errs != tt.stderr {
				t.Errorf("rc %d stderr %q, want %d %q", rc, errs, tt.rc, tt.stderr)
			}
			if len(fx.Table) != tt.added {
				t.Errorf("%d services in the table, want %d", len(fx.Table), tt.added)
			}
			if !strings.Contains(out, tt.stdoutPart) {
				t.Errorf("stdout %q lacks %q", out, tt.stdoutPart)
			}
		})
	}
}

// "-b ," is where ipvsadm dies of SIGSEGV; what it had written to a pipe
// or file still sat in stdio's buffer and is lost (seen in the VM:
// a -R with -L before such a line prints nothing), and later lines never
// run.
func TestSegfaultStatus(t *testing.T) {
	_, rc, out, errs := run(t, emptyTable(), "", "-A", "-t", "1.1.1.1:1", "-s", "sh", "-b", ",")
	if rc != grammar.StatusSegfault || out != "" || errs != "" {
		t.Errorf("-b ,: rc %d stdout %q stderr %q, want %d and nothing printed", rc, out, errs, grammar.StatusSegfault)
	}
	fx := emptyTable()
	_, rc, out, errs = run(t, fx, "-A -t 1.1.1.1:1\n-L -n\n-A -t 1.1.1.2:1 -s sh -b ,\n-A -t 1.1.1.3:1\n", "-R")
	if rc != grammar.StatusSegfault || out != "" || errs != "" || len(fx.Table) != 1 {
		t.Errorf("-R: rc %d stdout %q stderr %q, %d services; want %d, nothing printed, 1 service",
			rc, out, errs, len(fx.Table), grammar.StatusSegfault)
	}
}

// A kernel IPVS older than 1.1.4 gets ipvsadm's warning (its text is
// ipvsadm.c's fprintf in main, with IPVSADM_VERSION_NO "v1.31"), and the
// list header shows the same version. The VM kernel is 1.2.1, so the diff
// suite never reaches it.
func TestOldKernelWarning(t *testing.T) {
	fx := emptyTable()
	fx.KernelInfo.Version = 0x010103
	_, rc, out, errs := run(t, fx, "", "-Ln")
	const warn = "Warning: IPVS version mismatch: \n  Kernel compiled with IPVS version 1.1.3\n" +
		"  ipvsadm v1.31  requires minimum IPVS version 1.1.4\n\n"
	if rc != 0 || errs != warn || !strings.HasPrefix(out, "IP Virtual Server version 1.1.3 (size=4096)\n") {
		t.Errorf("rc %d stderr %q stdout %q", rc, errs, out)
	}
}

func TestKernelErrors(t *testing.T) {
	tests := []struct {
		args   []string
		call   string
		errno  syscall.Errno
		rc     int
		stderr string
	}{
		{[]string{"-D", "-t", "1.2.3.4:80"}, "DEL_SERVICE", syscall.ESRCH, 255, "No such service\n"},
		{[]string{"-d", "-t", "1.2.3.4:80", "-r", "2.2.2.2"}, "DEL_DEST", syscall.ESRCH, 255, "Service not defined\n"},
		{[]string{"-a", "-t", "1.2.3.4:80", "-r", "2.2.2.2"}, "NEW_DEST", syscall.EEXIST, 255, "Destination already exists\n"},
		{[]string{"-e", "-t", "1.2.3.4:80", "-r", "2.2.2.2"}, "SET_DEST", syscall.ENOENT, 255, "No such destination\n"},
		{[]string{"-Z", "-t", "1.2.3.4:80"}, "ZERO", syscall.ESRCH, 255, "No such service\n"},
		{[]string{"-C"}, "FLUSH", syscall.EPERM, 255, "Permission denied (you must be root)\n"},
		{[]string{"--stop-daemon", "master"}, "DEL_DAEMON", syscall.ESRCH, 255, "No daemon is running\n"},
		{[]string{"--set", "1", "2", "3"}, "SET_CONFIG", syscall.EINVAL, 255,
			"Invalid operation.  Possibly wrong module version, address not unicast, ...\n"},
		// Lists end with status 1; --timeout and --daemon say nothing.
		{[]string{"-Ln"}, "GET_SERVICE", syscall.ENOMEM, 1, "Memory allocation problem\n"},
		{[]string{"-L", "--timeout"}, "GET_CONFIG", syscall.EINVAL, 1, ""},
		{[]string{"-L", "--daemon"}, "GET_DAEMON", syscall.EINVAL, 1, ""},
		{[]string{"-Z"}, "ZERO", syscall.EPERM, 255, "Permission denied (you must be root)\n"},
	}
	for _, tt := range tests {
		fx := emptyTable()
		fx.Fail = map[string]*ipvstest.Failure{tt.call: {Errno: tt.errno}}
		rc, _, stderr := call(envFor(fx, nil, "", nil), "", append([]string{"ipvsadm"}, tt.args...)...)
		if rc != tt.rc || stderr != tt.stderr {
			t.Errorf("ipvsadm %v: rc %d stderr %q, want %d %q", tt.args, rc, stderr, tt.rc, tt.stderr)
		}
		if len(fx.Calls) == 0 || fx.Calls[len(fx.Calls)-1] != tt.call {
			t.Errorf("ipvsadm %v: calls %v, want %s last", tt.args, fx.Calls, tt.call)
		}
	}
}

func TestMainOpenFailure(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{&ipvs.OpenError{Errno: syscall.ENOPROTOOPT, Missing: true, Err: errors.New("x")}, "Protocol not available"},
		{&ipvs.OpenError{Errno: syscall.EPERM, Err: errors.New("x")}, "Permission denied (you must be root)"},
	} {
		env := envFor(nil, nil, "", nil)
		env.Open = func() (ipvs.API, error) { return nil, tt.err }
		// ipvsadm opens IPVS before it even looks at -h.
		rc, out, stderr := call(env, "", "ipvsadm", "-h")
		want := "Can't initialize ipvs: " + tt.want + "\nAre you sure that IP Virtual Server is built in the kernel or as module?\n"
		if rc != 2 || out != "" || stderr != want {
			t.Errorf("rc %d stdout %q stderr %q, want 2 and %q", rc, out, stderr, want)
		}
	}
}

func TestListOneService(t *testing.T) {
	fx := emptyTable()
	fx.Table = []ipvstest.Service{{Service: ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.UDP,
		Address: mustAddr("10.0.0.1"), Port: 53, Scheduler: "rr", Netmask: 0xffffffff},
		Dests: []ipvs.Destination{
			{Address: mustAddr("10.0.0.3"), Port: 53, ConnFlags: uint32(ipvs.FwdMasq), Weight: 1},
			{Address: mustAddr("10.0.0.2"), Port: 53, ConnFlags: uint32(ipvs.FwdMasq), Weight: 2},
		}}}
	_, rc, out, errs := run(t, fx, "", "-L", "-n", "-u", "10.0.0.1:53")
	want := "Prot LocalAddress:Port Scheduler Flags\n" +
		"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
		"UDP  10.0.0.1:53 rr\n" +
		"  -> 10.0.0.2:53                  Masq    2      0          0         \n" +
		"  -> 10.0.0.3:53                  Masq    1      0          0         \n"
	if rc != 0 || out != want || errs != "" {
		t.Errorf("rc %d stderr %q stdout\n%s\nwant\n%s", rc, errs, out, want)
	}
	_, rc, out, errs = run(t, fx, "", "-L", "-n", "-t", "10.0.0.1:53")
	if rc != 1 || out != "" || errs != "No such service\n" {
		t.Errorf("missing service: rc %d stdout %q stderr %q", rc, out, errs)
	}
}
