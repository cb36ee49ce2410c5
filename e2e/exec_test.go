//go:build e2e

package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// cmdResult is what one finished command did. status is its exit status,
// or -1 when it could not run or died of a signal (the error then ends
// stderr).
type cmdResult struct {
	stdout, stderr string
	status         int
}

func (r cmdResult) String() string {
	return fmt.Sprintf("status %d\nstdout:\n%sstderr:\n%s", r.status, r.stdout, r.stderr)
}

// execute runs c with stdin and collects its output and status. The
// callers set what differs: argv[0], credentials, a deadline.
func execute(c *exec.Cmd, stdin string) cmdResult {
	c.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	err := c.Run()
	r := cmdResult{}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
		r.status = ee.ExitCode()
	default:
		r.status = -1
		errb.WriteString(err.Error())
	}
	r.stdout, r.stderr = out.String(), errb.String()
	return r
}

// vmNet is a piece of the VM's network that tests share: ip(8) commands run
// once, in order, by the first test that needs them. Every later caller
// fails as the first did.
type vmNet struct {
	once sync.Once
	err  error
	ip   [][]string // arguments of each ip command
}

func (n *vmNet) ensure(t *testing.T) {
	t.Helper()
	n.once.Do(func() {
		for _, args := range n.ip {
			if out, err := exec.Command("/sbin/ip", args...).CombinedOutput(); err != nil {
				n.err = fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, out)
				return
			}
		}
	})
	if n.err != nil {
		t.Fatal(n.err)
	}
}
