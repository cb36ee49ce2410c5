package top

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/ipvsaccess"
	"github.com/lvsgo/ipvsadm/internal/kernelmsg"
	"github.com/lvsgo/ipvsadm/internal/kmod"
	"github.com/lvsgo/ipvsadm/internal/screen"
	"github.com/lvsgo/ipvsadm/internal/show"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// Env is what one run works with; the program builds it from the system.
type Env struct {
	// Open connects to IPVS without loading any module: top changes
	// nothing.
	Open func() (ipvs.API, error)
	// Module says whether the kernel has a module (ip_vs), for the
	// message when IPVS cannot be opened; nil: not known.
	Module func(name string) kmod.State
	// Parser reads a service as -L does.
	Parser *grammar.Parser
	// Names turns addresses and ports into names, unless -n.
	Names show.Namer
	// Terminal is whether stdout is a terminal: the full-screen view,
	// else batch mode.
	Terminal bool
	// OpenTerminal takes the terminal over for the full-screen view
	// (screen.Open on the standard streams).
	OpenTerminal func() (screen.Terminal, error)
	// Signals delivers the signals that end the full-screen view
	// (signal.Notify), and stop undoes it.
	Signals func(c chan<- os.Signal) (stop func())
	// Now and Sleep are the clock.
	Now   func() time.Time
	Sleep func(time.Duration)

	Stdout, Stderr io.Writer
}

const prefix = "ipvsadm top: "

// Run runs `ipvsadm top ARGS...` and returns the exit status.
func Run(args []string, env Env) int {
	o, err := Parse(args)
	if o.Help {
		io.WriteString(env.Stdout, Usage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s%v (see ipvsadm top --help)\n", prefix, err)
		return 2
	}
	var key *ipvs.Service
	if len(o.ServiceArgs) > 0 {
		svc, err := env.Parser.ServiceKey(o.ServiceArgs)
		if err != nil {
			fmt.Fprintf(env.Stderr, "%s%v (see ipvsadm top --help)\n", prefix, err)
			return 2
		}
		key = &svc
	}
	api, err := env.Open()
	if err != nil {
		mod := kmod.Unknown
		if env.Module != nil {
			mod = env.Module("ip_vs")
		}
		fmt.Fprintf(env.Stderr, "%s%s\n", prefix, ipvsaccess.Explain(err, "top", ipvsaccess.Read, mod).Msg)
		return ipvsaccess.Status
	}
	defer api.Close()
	m := &monitor{api: api, key: key, now: env.Now}
	first, err := m.take()
	if err != nil {
		// An unknown service: as -L -t VIP:port words it, status 1.
		fmt.Fprintln(env.Stderr, kernelmsg.GetServiceMessage(err))
		return 1
	}
	v := &View{Interval: o.Interval, Sort: o.Sort, Numeric: o.Numeric, Names: env.Names}
	if o.Batch > 0 || o.JSON || !env.Terminal {
		return batch(env, o, v, m, first)
	}
	return live(env, v, m, first)
}

// monitor reads the table again and again.
type monitor struct {
	api ipvs.API
	key *ipvs.Service
	now func() time.Time
}

func (m *monitor) take() (Snapshot, error) { return Take(m.api, m.key, m.now()) }

// batch prints frames (o.Batch of them, or until killed), each with the
// rates since the one before: the first comes one interval after start.
func batch(env Env, o Options, v *View, m *monitor, prev Snapshot) int {
	next := prev.Time
	for n := 0; o.Batch == 0 || n < o.Batch; n++ {
		next = next.Add(o.Interval)
		if d := next.Sub(env.Now()); d > 0 {
			env.Sleep(d)
		}
		cur, err := m.take()
		if err != nil {
			fmt.Fprintln(env.Stderr, kernelmsg.GetServiceMessage(err))
			return 1
		}
		t := Compute(&prev, &cur)
		var out []byte
		if o.JSON {
			out = JSON(t, v)
		} else {
			out = []byte(Text(t, v))
		}
		if _, err := env.Stdout.Write(out); err != nil {
			return 1
		}
		prev = cur
	}
	return 0
}
