package main

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// TestSegfault runs segfault in a child (this test binary again) and
// checks that the child died of SIGSEGV rather than exiting with 139.
func TestSegfault(t *testing.T) {
	if os.Getenv("IPVSADM_TEST_SEGFAULT") == "1" {
		_ = unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{}) // no core file
		segfault()
		return
	}
	c := exec.Command(os.Args[0], "-test.run=^TestSegfault$")
	c.Env = append(os.Environ(), "IPVSADM_TEST_SEGFAULT=1")
	out, err := c.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("child: %v, want death by SIGSEGV\n%s", err, out)
	}
	ws := ee.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGSEGV {
		t.Fatalf("child: %v (exit status %d), want death by SIGSEGV\n%s", ws, ws.ExitStatus(), out)
	}
	if len(out) != 0 {
		t.Errorf("child printed %q; the reference prints nothing itself", out)
	}
}
