package ipvsadm

import (
	"bufio"
	"errors"
	"io"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/kernelmsg"
	"github.com/lvsgo/ipvsadm/internal/show"
	"github.com/lvsgo/ipvsadm/internal/term"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// Env is everything one run uses from the world. The program builds it
// from the system (main.go); tests build it from fakes and fixtures.
type Env struct {
	// Open connects to the kernel's IPVS.
	Open func() (ipvs.API, error)
	// Parser reads command lines; it holds the forward resolver and
	// popt's POSIX mode.
	Parser *grammar.Parser
	// Names does the reverse lookups of lists printed without -n.
	Names show.Namer
	// ConnPath is the connection table -L -c reads (/proc/net/ip_vs_conn).
	ConnPath string

	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// Run runs one ipvsadm invocation and returns its exit status. args[0] is
// the program name, used in messages as ipvsadm uses argv[0].
func Run(args []string, env Env) int {
	tty := term.Is(env.Stdout)
	r := &runner{
		open:     env.Open,
		stdin:    env.Stdin,
		out:      bufio.NewWriterSize(env.Stdout, 4096),
		errw:     env.Stderr,
		tty:      tty,
		names:    env.Names,
		parser:   env.Parser,
		connPath: env.ConnPath,
	}
	if len(args) > 0 {
		r.prog = args[0]
	}
	status := r.main(args) & 0xff
	// ipvsadm's crash loses what stdio still buffered: all of it on a pipe
	// or file (full buffering, 4096 bytes at a time as here), nothing on a
	// terminal (line buffering; our writes are whole lines).
	if status != grammar.StatusSegfault || r.tty {
		_ = r.out.Flush()
	}
	return status
}

func (r *runner) main(args []string) int {
	// ipvsadm talks to the kernel before it looks at its arguments.
	api, err := r.open()
	if err == nil {
		r.api = api
		defer api.Close()
		r.info = api.Info()
	}
	if err != nil {
		r.errorLine("Can't initialize ipvs: " + kernelmsg.Message(kernelmsg.Init, kernelmsg.Errno(err)) +
			"\nAre you sure that IP Virtual Server is built in the kernel or as module?")
		return 2
	}
	r.checkVersion()

	if len(args) <= 1 {
		return exitCode(0, r.listAll(0))
	}
	return exitCode(r.runArgs(args, false))
}

// exitCode is the process status for what process_options returned or an
// exit it asked for.
func exitCode(result int, err error) int {
	var e exitStatus
	if errors.As(err, &e) {
		return int(e)
	}
	return result
}

// checkVersion warns when the kernel's IPVS is older than ipvsadm 1.31
// supports (1.1.4).
func (r *runner) checkVersion() {
	v := r.info.Version
	if v >= 0x010104 {
		return
	}
	if r.tty {
		_ = r.out.Flush()
	}
	_, _ = io.WriteString(r.errw, "Warning: IPVS version mismatch: \n"+
		"  Kernel compiled with IPVS version "+v.String()+"\n"+
		"  ipvsadm v1.31  requires minimum IPVS version 1.1.4\n\n")
}
