package ipvsadm

import (
	"bufio"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/kernelmsg"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// restoreBatch is how many parsed changes -R holds before sending them.
const restoreBatch = 512

// restore runs -R: every line of stdin is a command line of its own. A
// kernel error or a late parse error is reported and the next line runs;
// the status is the last line's result. Errors that make ipvsadm exit (most
// parse errors, a failing list) end the whole restore there.
//
// Lines that make one change each are parsed ahead and sent to the kernel
// together; their errors are then reported in line order, before anything
// a later line prints, so the output is the same as line by line.
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
	var ops []ipvs.Op
	var opsOf []kernelmsg.Op
	req := &grammar.Request{} // each line's, reused: changeOp copies what it keeps
	send := func() {
		if len(ops) == 0 {
			return
		}
		for i, err := range r.api.Batch(ops) {
			if err != nil {
				r.errorLine(kernelmsg.Message(opsOf[i], kernelmsg.Errno(err)))
				result = -1
			} else {
				result = 0
			}
		}
		ops, opsOf = ops[:0], opsOf[:0]
	}
	for {
		argv, ok := grammar.ReadRestoreLine(in, r.prog)
		if !ok {
			send()
			return result, nil
		}
		pm.Add(1)
		if len(argv) <= 1 {
			continue
		}
		ex := r.parser.ParseArgvTo(req, argv)
		if ex == nil {
			if o, eo, ok := changeOp(req); ok {
				ops, opsOf = append(ops, o), append(opsOf, eo)
				if len(ops) == restoreBatch {
					send()
				}
				continue
			}
		}
		send()
		res, err := r.runParsed(req, ex, true)
		if err != nil {
			return res, err
		}
		result = res
	}
}
