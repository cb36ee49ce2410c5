package ipvsadm

import (
	"bufio"
	"io"
	"strconv"

	"github.com/lvsgo/ipvsadm/internal/conntab"
	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/kernelmsg"
	"github.com/lvsgo/ipvsadm/internal/show"
	"github.com/lvsgo/ipvsadm/internal/table"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// exitStatus ends the whole invocation with this status, as ipvsadm's
// exit(3) calls do (fail(), list errors), even in the middle of -R.
type exitStatus int

func (e exitStatus) Error() string { return "exit status " + strconv.Itoa(int(e)) }

// runner carries one invocation's state: the kernel, the output streams and
// the scratch buffers the lists format into.
type runner struct {
	open  func() (ipvs.API, error)
	api   ipvs.API
	info  ipvs.Info
	prog  string
	stdin io.Reader
	out   *bufio.Writer
	errw  io.Writer
	// tty: stdout is a terminal, where C's stdout is line buffered; stdout
	// is then flushed before anything goes to stderr so both interleave as
	// ipvsadm's do. Otherwise stdout is only flushed when full or at exit,
	// as C's fully buffered stdout is.
	tty      bool
	names    show.Namer
	parser   *grammar.Parser
	connPath string

	buf   []byte // one output line
	name  []byte // current service name
	conn  conntab.Fields
	dsort table.DestSorter
	// dests and addDest are reused by every service of a list.
	dests   []ipvs.Destination
	addDest func(*ipvs.Destination) error
}

func (r *runner) write(b []byte) {
	_, _ = r.out.Write(b)
}

// errorf writes one message line to stderr.
func (r *runner) errorLine(msg string) {
	if r.tty {
		_ = r.out.Flush()
	}
	_, _ = io.WriteString(r.errw, msg+"\n")
}

// kernelFail reports a failed IPVS call as ipvsadm does and ends the run
// with status.
func (r *runner) kernelFail(o kernelmsg.Op, err error, status int) error {
	r.errorLine(kernelmsg.Message(o, kernelmsg.Errno(err)))
	return exitStatus(status)
}

// process is ipvsadm's process_options after parsing: it runs req and
// returns what process_options returns (0, or -1 after a kernel error it
// has reported), or an exitStatus error when the run must end now.
func (r *runner) process(req *grammar.Request, readingStdin bool) (int, error) {
	switch req.Cmd {
	case grammar.CmdList:
		return 0, r.list(req)
	case grammar.CmdRestore:
		return r.restore(readingStdin)
	case grammar.CmdSave:
		return 0, r.listAll(req.Format | grammar.FmtRule)
	}
	// Every other command is one change (what -R batches, sent alone).
	o, eo, ok := changeOp(req)
	if !ok {
		return 0, nil
	}
	if err := r.api.Exec(&o); err != nil {
		r.errorLine(kernelmsg.Message(eo, kernelmsg.Errno(err)))
		return -1, nil
	}
	return 0, nil
}

// list runs -L/-l in its variants.
func (r *runner) list(req *grammar.Request) error {
	opts := req.Options
	if (opts&(grammar.OptConnection|grammar.OptTimeout|grammar.OptDaemon) != 0 && opts&(grammar.OptStats|grammar.OptRate|grammar.OptThresholds) != 0) ||
		(opts&(grammar.OptTimeout|grammar.OptDaemon) != 0 && opts&grammar.OptPersistentConn != 0) {
		r.errorLine("options conflicts in the list command")
		return exitStatus(2)
	}
	if req.Format&grammar.FmtJSON != 0 {
		return r.listJSON(req) // json.go
	}
	switch {
	case opts&grammar.OptConnection != 0:
		return r.listConn(req.Format)
	case opts&grammar.OptService != 0:
		return r.listService(req.Service, req.Format)
	case opts&grammar.OptTimeout != 0:
		return r.listTimeout()
	case opts&grammar.OptDaemon != 0:
		return r.listDaemon()
	}
	return r.listAll(req.Format)
}

// runArgs parses one command line (argv[0] included) and runs it: ipvsadm's
// process_options.
func (r *runner) runArgs(argv []string, readingStdin bool) (int, error) {
	req, ex := r.parser.Parse(argv[0], argv[1:])
	return r.runParsed(req, ex, readingStdin)
}

// runParsed runs what Parse made of a command line.
func (r *runner) runParsed(req *grammar.Request, ex *grammar.Exit, readingStdin bool) (int, error) {
	if ex != nil {
		if ex.Stdout != "" {
			_, _ = r.out.WriteString(ex.Stdout)
		}
		if ex.Stderr != "" {
			if r.tty {
				_ = r.out.Flush()
			}
			_, _ = io.WriteString(r.errw, ex.Stderr)
		}
		if ex.Return {
			return -1, nil
		}
		return 0, exitStatus(ex.Status)
	}
	return r.process(req, readingStdin)
}

// changeOp is the kernel change a command makes, for commands that make
// exactly one and print nothing on success, with the op that words its
// errors. -R sends runs of them together (see restore).
func changeOp(req *grammar.Request) (ipvs.Op, kernelmsg.Op, bool) {
	var k ipvs.OpKind
	var o kernelmsg.Op
	switch req.Cmd {
	case grammar.CmdFlush:
		k, o = ipvs.OpFlush, kernelmsg.Flush
	case grammar.CmdAdd:
		k, o = ipvs.OpNewService, kernelmsg.AddService
	case grammar.CmdEdit:
		k, o = ipvs.OpUpdateService, kernelmsg.UpdateService
	case grammar.CmdDel:
		k, o = ipvs.OpDelService, kernelmsg.DelService
	case grammar.CmdZero:
		k, o = ipvs.OpZero, kernelmsg.ZeroService
	case grammar.CmdAddDest:
		k, o = ipvs.OpNewDest, kernelmsg.AddDest
	case grammar.CmdEditDest:
		k, o = ipvs.OpUpdateDest, kernelmsg.UpdateDest
	case grammar.CmdDelDest:
		k, o = ipvs.OpDelDest, kernelmsg.DelDest
	case grammar.CmdTimeout:
		k, o = ipvs.OpSetTimeouts, kernelmsg.SetTimeout
	case grammar.CmdStartDaemon:
		k, o = ipvs.OpNewDaemon, kernelmsg.StartDaemon
	case grammar.CmdStopDaemon:
		k, o = ipvs.OpDelDaemon, kernelmsg.StopDaemon
	default:
		return ipvs.Op{}, 0, false
	}
	return ipvs.Op{Kind: k, Service: req.Service, Dest: req.Dest, Timeouts: req.Timeouts, Daemon: req.Daemon}, o, true
}
