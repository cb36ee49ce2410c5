package cmd

import (
	"bufio"
)

// restore runs -R: every line of stdin is a command line of its own. A
// kernel error or a late parse error is reported and the next line runs;
// the status is the last line's result. Errors that make ipvsadm exit (most
// parse errors, a failing list) end the whole restore there.
func (r *runner) restore(readingStdin bool) (int, error) {
	if readingStdin {
		// -R inside -R: ipvsadm refuses rather than loop.
		r.errorLine("Try `" + r.prog + " -h' or '" + r.prog + " --help' for more information.")
		return 0, exitStatus(255)
	}
	in := bufio.NewReader(r.stdin)
	pm := r.restoreProgress() // progress.go: only on a terminal
	defer pm.done()
	result := 0
	for {
		argv, ok := readRestoreLine(in, r.prog)
		if !ok {
			return result, nil
		}
		pm.Add(1)
		if len(argv) <= 1 {
			continue
		}
		res, err := r.runArgs(argv, true)
		if err != nil {
			return res, err
		}
		result = res
	}
}
