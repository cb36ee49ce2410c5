package ipvsadm

import (
	"bufio"
	"io"
	"strconv"

	"github.com/lvsgo/ipvsadm/internal/grammar"
)

// This file adds `-R --test` (not an ipvsadm 1.31 option): check a whole
// restore input without touching the kernel. It and ReadRestoreLine are
// additions only; the -R path itself is unchanged.

// CheckRestore reads a whole -R input from in and parses every line as
// -R would (with p, prog as each line's argv[0]), applying nothing. Each
// bad line is reported on errw as "ipvsadm -R --test: line N: MESSAGE",
// an addition's prefix whatever the program was called as. The status is 0
// when every line is good, else the status ipvsadm would have exited with
// at the first bad line.
func CheckRestore(prog string, p *grammar.Parser, in io.Reader, errw io.Writer) int {
	r := bufio.NewReader(in)
	status := 0
	for n := 1; ; n++ {
		argv, ok := grammar.ReadRestoreLine(r, prog)
		if !ok {
			return status
		}
		if len(argv) <= 1 {
			continue
		}
		msg, st, bad := grammar.LineProblem(p, argv)
		if !bad {
			continue
		}
		_, _ = io.WriteString(errw, "ipvsadm -R --test: line "+strconv.Itoa(n)+": "+msg+"\n")
		if status == 0 {
			status = st
		}
	}
}
