package apply

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/ipvsaccess"
	"github.com/lvsgo/ipvsadm/internal/kmod"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// Usage is printed for --help and after a usage error.
const Usage = `Usage: ipvsadm apply [--dry-run] FILE|-
Make the IPVS table equal to FILE ("-": standard input), written in the
format of ipvsadm -S (-A and -a lines). Only the differences are applied:
no flush, and services in both tables never go away. If any line is bad,
nothing is applied; if the kernel refuses an addition or edit, those made
are undone and nothing is deleted. A real server line without -x/-y keeps
its current thresholds (-S never prints them).
  --dry-run   print the changes as ipvsadm command lines, apply nothing
`

const prefix = "ipvsadm apply: "

// Env is what a run works against; the program builds it from the system.
type Env struct {
	Open   func() (ipvs.API, error) // connects to IPVS
	Parser *grammar.Parser          // reads the file's lines
	// Go, if set, runs f beside the caller, in the caller's network
	// namespace (the parser may ask DNS); the file is then parsed while
	// the kernel's table is read. Nil: one after the other.
	Go             func(f func())
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// Run runs `ipvsadm apply ARGS...` and returns the exit status: 0 done,
// 2 bad usage or input (nothing applied), 1 IPVS unusable (nothing
// applied) or the kernel refused a change (the messages say what was
// rolled back).
func Run(args []string, env Env) int {
	stdin, stdout, stderr := env.Stdin, env.Stdout, env.Stderr
	fail := func(status int, format string, a ...any) int {
		fmt.Fprintf(stderr, prefix+format+"\n", a...)
		return status
	}
	o, err := parseArgs(args)
	if o.help {
		io.WriteString(stdout, Usage)
		return 0
	}
	if err != nil {
		return Command.Fail(stderr, err)
	}
	file, dry := o.file, o.dryRun
	in, name := stdin, "<stdin>"
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return fail(2, "%v", err)
		}
		defer f.Close()
		in, name = f, file
	}

	// The file is parsed while the kernel's table is read: apply needs
	// both, and reading changes nothing. Bad lines are still reported
	// first, and then nothing is applied.
	type parsed struct {
		want Table
		errs []LineError
	}
	got := make(chan parsed, 1)
	parse := func() {
		want, errs := Parse(in, env.Parser)
		got <- parsed{want, errs}
	}
	if env.Go != nil {
		env.Go(parse)
	} else {
		parse()
	}
	api, openErr := env.Open()
	var cur Table
	var readErr error
	if openErr == nil {
		defer api.Close()
		cur, readErr = Read(api)
	}
	pf := <-got
	want := pf.want
	if len(pf.errs) > 0 {
		for _, e := range pf.errs {
			fmt.Fprintf(stderr, "%s%s:%d: %s\n", prefix, name, e.Line, e.Msg)
		}
		return fail(2, "%d bad line(s); nothing applied", len(pf.errs))
	}
	if openErr != nil {
		return fail(ipvsaccess.Status, "%s", ipvsaccess.Explain(openErr, "apply", ipvsaccess.Change, kmod.Unknown).Msg)
	}
	if readErr != nil {
		return fail(1, "reading the current table: %s; nothing applied", kernelMessage(readErr))
	}
	ops := Diff(cur, want)
	if dry {
		for _, op := range ops {
			io.WriteString(stdout, Format(op)+"\n")
		}
		return 0
	}
	pa := withProgress(api, stderr, len(ops)) // progress.go: only on a terminal
	res := Exec(pa.api(), cur, ops)
	pa.done()
	if len(res.Failed) == 0 {
		return 0
	}
	for _, f := range res.Failed {
		fmt.Fprintf(stderr, "%s%s\n", prefix, f.Message())
	}
	switch {
	case !isDelete(&res.Failed[0].Op) && res.RolledBack:
		return fail(1, "rolled back: the table is as it was before")
	case !isDelete(&res.Failed[0].Op):
		for _, f := range res.Rollback {
			fmt.Fprintf(stderr, "%srollback: %s\n", prefix, f.Message())
		}
		return fail(1, "rollback failed too: the table is partly changed (nothing was deleted)")
	}
	return fail(1, "all additions and edits applied; the rules whose deletion failed are still there")
}

func kernelMessage(err error) string {
	var e *ipvs.Error
	if errors.As(err, &e) {
		return "kernel refused " + e.Op + ": " + e.Errno.Error()
	}
	return err.Error()
}
