package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
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
