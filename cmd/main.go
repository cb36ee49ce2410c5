package cmd

import (
	"bufio"
	"errors"
	"io"
	"os"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// openIPVS connects to the kernel; tests replace it with a fake.
var openIPVS = func() (ipvs.API, error) {
	c, err := ipvs.Open()
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Where names and connections come from; tests point them at fixtures.
var (
	newNamer     = func() namer { return newSysNamer() }
	newParser    = NewParser
	connProcPath = "/proc/net/ip_vs_conn"
)

// Main runs one ipvsadm invocation and returns its exit status.
// args[0] is the program name, used in messages as ipvsadm uses argv[0].
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	r := &runner{
		stdin:    stdin,
		out:      bufio.NewWriterSize(stdout, 4096),
		errw:     stderr,
		tty:      isTerminal(stdout),
		names:    newNamer(),
		parser:   newParser(),
		connPath: connProcPath,
	}
	if len(args) > 0 {
		r.prog = args[0]
	}
	status := r.main(args) & 0xff
	// ipvsadm's crash loses what stdio still buffered: all of it on a pipe
	// or file (full buffering, 4096 bytes at a time as here), nothing on a
	// terminal (line buffering; our writes are whole lines).
	if status != StatusSegfault || r.tty {
		_ = r.out.Flush()
	}
	return status
}

// StatusSegfault is the status Main returns where ipvsadm 1.31 dies of
// SIGSEGV ("-b ,", also as a line of -R). The caller is to end the
// process by that signal, so that shells and wait(2) see what they see
// with ipvsadm; 139 is what a shell reports for it.
const StatusSegfault = 128 + 11

func (r *runner) main(args []string) int {
	// ipvsadm talks to the kernel before it looks at its arguments.
	api, err := openIPVS()
	if err == nil {
		r.api = api
		defer api.Close()
		r.info, err = cachedInfo(api)
	}
	if err != nil {
		r.errorLine("Can't initialize ipvs: " + errMessage(opInit, errnoOf(err)) +
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

// cachedInfo is the GET_INFO answer: the one Open already fetched when the
// client keeps it, as libipvs does.
func cachedInfo(api ipvs.API) (ipvs.Info, error) {
	if c, ok := api.(interface{ CachedInfo() ipvs.Info }); ok {
		return c.CachedInfo(), nil
	}
	return api.Info()
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
		"  Kernel compiled with IPVS version "+string(appendVersion(nil, v))+"\n"+
		"  ipvsadm v1.31  requires minimum IPVS version 1.1.4\n\n")
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
