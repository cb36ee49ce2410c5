package doctor

import (
	"fmt"
	"io"

	"github.com/lvsgo/ipvsadm/internal/diagnose"
	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/ipvsaccess"
	"github.com/lvsgo/ipvsadm/internal/kernelmsg"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// Env is what one run works with; the program builds it from the system.
type Env struct {
	// Open connects to IPVS without loading any module.
	Open func() (ipvs.API, error)
	Sys  diagnose.System
	// Parser reads a service as -L does (names resolved as there).
	Parser         *grammar.Parser
	Stdout, Stderr io.Writer
}

const prefix = "ipvsadm doctor: "

// Run runs `ipvsadm doctor ARGS...` and returns the exit status.
func Run(args []string, env Env) int {
	o, err := Parse(args)
	if o.Help {
		io.WriteString(env.Stdout, Usage)
		return 0
	}
	if err != nil {
		return usageError(env, err)
	}
	if o.RealServer {
		snap, fs := diagnose.GatherRealServer(env.Sys, o.Setup())
		return finish(env, o, ModeRealServer, append(fs, diagnose.RealServer(snap, o.Setup())...))
	}
	var k *ipvs.Service
	if len(o.ServiceArgs) > 0 {
		svc, err := env.Parser.ServiceKey(o.ServiceArgs)
		if err != nil {
			return usageError(env, err)
		}
		k = &svc
	}
	api, err := env.Open()
	if err != nil {
		f := ipvsaccess.Explain(err, "doctor", ipvsaccess.Read, env.Sys.Module("ip_vs"))
		if f.NotRoot {
			f.Msg += " (--real-server need not be)"
		}
		fmt.Fprintf(env.Stderr, "%s%s\n", prefix, f.Msg)
		return ipvsaccess.Status
	}
	defer api.Close()
	svcs, err := diagnose.ReadServices(api, k)
	if err != nil {
		// As -L -t VIP:port words it: "No such service", status 1.
		fmt.Fprintln(env.Stderr, kernelmsg.GetServiceMessage(err))
		return 1
	}
	snap, fs := diagnose.GatherDirector(api, env.Sys, svcs, o.Probe)
	return finish(env, o, ModeDirector, append(fs, diagnose.Director(snap)...))
}

func usageError(env Env, err error) int {
	fmt.Fprintf(env.Stderr, "%s%v (see ipvsadm doctor --help)\n", prefix, err)
	return 2
}

// finish prints the findings and returns the status they make.
func finish(env Env, o Options, m Mode, fs []diagnose.Finding) int {
	if o.JSON {
		io.WriteString(env.Stdout, FormatJSON(fs, m))
	} else {
		io.WriteString(env.Stdout, FormatText(fs, m))
	}
	if diagnose.Failed(fs) {
		return 1
	}
	return 0
}
