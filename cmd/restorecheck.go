package cmd

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// This file adds `-R --test` (not an ipvsadm 1.31 option): check a whole
// restore input without touching the kernel. It and ReadRestoreLine are
// additions only; the -R path itself is unchanged.

// ReadRestoreLine is the -R line reader (see readRestoreLine) for other
// packages that read the same input format, such as apply.
func ReadRestoreLine(r *bufio.Reader, prog string) (argv []string, ok bool) {
	return readRestoreLine(r, prog)
}

// LineProblem is why one line of a restore input would not run cleanly,
// as one line of text, and the status ipvsadm would exit with there.
func LineProblem(p *Parser, argv []string) (msg string, status int, bad bool) {
	req, ex := p.Parse(argv[0], argv[1:])
	switch {
	case ex == nil && req.Cmd == CmdRestore:
		return "-R inside -R is refused", 255, true
	case ex == nil:
		return "", 0, false
	case ex.Status == 0:
		return "prints help or version and ends the restore there", 2, true
	}
	msg = strings.ReplaceAll(strings.TrimRight(ex.Stderr, "\n"), "\n", "; ")
	switch {
	case ex.Stderr == "":
		msg = "ipvsadm 1.31 crashes on this line"
	case ex.Stderr == TryHelp(argv[0]).Stderr:
		msg = "not a valid ipvsadm command line"
	}
	return msg, ex.Status, true
}

// CheckRestore reads a whole -R input from in and parses every line as
// -R would, applying nothing. Each bad line is reported on errw as
// "PROG: line N: MESSAGE". The status is 0 when every line is good, else
// the status ipvsadm would have exited with at the first bad line.
func CheckRestore(prog string, in io.Reader, errw io.Writer) int {
	p := NewParser()
	r := bufio.NewReader(in)
	status := 0
	for n := 1; ; n++ {
		argv, ok := readRestoreLine(r, prog)
		if !ok {
			return status
		}
		if len(argv) <= 1 {
			continue
		}
		msg, st, bad := LineProblem(p, argv)
		if !bad {
			continue
		}
		_, _ = io.WriteString(errw, prog+": line "+strconv.Itoa(n)+": "+msg+"\n")
		if status == 0 {
			status = st
		}
	}
}
