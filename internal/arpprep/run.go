package arpprep

import (
	"fmt"
	"io"
	"slices"
)

// Env is what one run works against: the kernel, the saved state, whether
// the caller may change things, and where output goes.
type Env struct {
	Sys            System
	Store          Store
	Root           bool
	Stdout, Stderr io.Writer
}

const prefix = "ipvsadm arp-prep: "

// Run runs `ipvsadm arp-prep ARGS...` in env and returns the exit status.
func Run(args []string, env Env) int {
	o, err := Parse(args)
	if o.Help {
		io.WriteString(env.Stdout, Usage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s%v (see ipvsadm arp-prep --help)\n", prefix, err)
		return 2
	}
	if o.Mode != ModeCheck && !o.DryRun && !env.Root {
		fmt.Fprintf(env.Stderr, "%smust be run as root to change sysctls and addresses (--check and --dry-run need not)\n", prefix)
		return 1
	}
	if err := run(o, env); err != nil {
		if err == errCheckFailed {
			return 1
		}
		fmt.Fprintf(env.Stderr, "%s%v\n", prefix, err)
		return 1
	}
	return 0
}

type checkFailed struct{}

func (checkFailed) Error() string { return "check failed" }

var errCheckFailed error = checkFailed{}

// devices resolves which interfaces' ARP sysctls are managed: "all" and
// --dev, the default route's interface, or every non-loopback interface.
func devices(o Options, sys System) ([]string, error) {
	switch {
	case o.AllInterfaces:
		links, err := sys.Links()
		if err != nil {
			return nil, err
		}
		return append([]string{"all"}, links...), nil
	case o.Dev != "":
		if !sys.LinkExists(o.Dev) {
			return nil, fmt.Errorf("no such interface %q", o.Dev)
		}
		return []string{"all", o.Dev}, nil
	default:
		d, err := sys.DefaultRouteDev()
		if err != nil {
			return nil, err
		}
		return []string{"all", d}, nil
	}
}

// view reads the current value of every key in sets and every address.
func view(sys System, sets ...[]Setting) (View, error) {
	var v View
	for _, set := range sets {
		for _, s := range set {
			if _, ok := v.Sysctl(s.Key); ok {
				continue
			}
			val, ok, err := sys.ReadSysctl(s.Key)
			if err != nil {
				return v, err
			}
			if ok {
				v.Sysctls = append(v.Sysctls, Setting{s.Key, val})
			}
		}
	}
	addrs, err := sys.Addrs()
	if err != nil {
		return v, err
	}
	v.Addrs = addrs
	return v, nil
}

func run(o Options, env Env) error {
	var wanted []Setting
	// IPv6 has no ARP: with only IPv6 VIPs no sysctl is wanted, and no
	// interface needs resolving, except to restore on --remove.
	if o.HasIPv4() && o.Mode != ModeRemove {
		devs, err := devices(o, env.Sys)
		if err != nil {
			return err
		}
		if wanted, err = Wanted(devs); err != nil {
			return err
		}
	}
	switch o.Mode {
	case ModeCheck:
		v, err := view(env.Sys, wanted)
		if err != nil {
			return err
		}
		items := Check(o.VIPs, wanted, v)
		if o.JSON {
			if err := WriteCheckJSON(env.Stdout, items); err != nil {
				return err
			}
		} else {
			io.WriteString(env.Stdout, FormatCheck(items))
		}
		if !AllOK(items) {
			return errCheckFailed
		}
		return nil
	case ModePrepare:
		st, err := env.Store.Load()
		if err != nil {
			return err
		}
		v, err := view(env.Sys, wanted)
		if err != nil {
			return err
		}
		acts, next, warns, err := PlanPrepare(o.VIPs, wanted, v, st)
		if err != nil {
			return err
		}
		if o.DryRun {
			io.WriteString(env.Stdout, FormatCommands(acts))
			return nil
		}
		for _, w := range warns {
			fmt.Fprintf(env.Stderr, "%swarning: %s\n", prefix, w)
		}
		// Save the prior values before changing anything, so an interrupted
		// run can still be undone.
		if !slices.Equal(stateKey(next), stateKey(st)) {
			if err := env.Store.Save(next); err != nil {
				return err
			}
		}
		if err := apply(env.Sys, acts); err != nil {
			if serr := env.Store.Save(st); serr != nil {
				fmt.Fprintf(env.Stderr, "%s%v\n", prefix, serr)
			}
			return err
		}
		return nil
	default: // ModeRemove
		st, err := env.Store.Load()
		if err != nil {
			return err
		}
		v, err := view(env.Sys, st.Saved)
		if err != nil {
			return err
		}
		var fallback []Setting
		if NeedFallback(o.VIPs, v, st) {
			devs, err := devices(o, env.Sys)
			if err != nil {
				return err
			}
			if fallback, err = Wanted(devs); err != nil {
				return err
			}
			if v, err = view(env.Sys, st.Saved, fallback); err != nil {
				return err
			}
		}
		acts, next, err := PlanRemove(o.VIPs, v, st, fallback)
		if err != nil {
			return err
		}
		if o.DryRun {
			io.WriteString(env.Stdout, FormatCommands(acts))
			return nil
		}
		if err := apply(env.Sys, acts); err != nil {
			return err
		}
		if !slices.Equal(stateKey(next), stateKey(st)) {
			return env.Store.Save(next)
		}
		return nil
	}
}

// stateKey flattens a State for comparison, so an unchanged State is not
// rewritten.
func stateKey(st State) []string {
	var out []string
	for _, s := range st.Saved {
		out = append(out, s.Key.String()+"="+s.Value)
	}
	out = append(out, "|")
	for _, a := range st.VIPs {
		out = append(out, a.String())
	}
	return out
}

// apply carries out acts in order; if one fails, it undoes the ones done,
// newest first, so nothing is left half-applied.
func apply(sys System, acts []Action) error {
	for i, a := range acts {
		if err := do(sys, a); err != nil {
			for j := i - 1; j >= 0; j-- {
				_ = do(sys, acts[j].Undo())
			}
			return err
		}
	}
	return nil
}

func do(sys System, a Action) error {
	switch a.Kind {
	case SetSysctl:
		return sys.WriteSysctl(a.Key, a.To)
	case AddAddr:
		return sys.AddAddr(a.Addr, a.Dev)
	default:
		return sys.DelAddr(a.Addr, a.Dev)
	}
}
