package arpprep

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"

	"github.com/lvsgo/ipvsadm/internal/realserver"
)

// Env is what one run works against: the kernel, the saved state, the
// configuration file --persist records VIPs in, systemctl, whether the
// caller may change things, and where output goes.
type Env struct {
	Sys            System
	Store          Store
	Conf           ConfFile
	Systemctl      Systemctl // nil: no systemd
	OtherNetns     bool      // not PID 1's network namespace, which the unit prepares at boot
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
	if err == nil {
		// A bad --dev is a bad argument whoever runs it. --remove needs the
		// interface only to restore defaults, and may outlive it.
		err = checkDev(o, env.Sys)
	}
	var ae *argError
	if err != nil {
		if !errors.As(err, &ae) {
			err = fmt.Errorf("%v (see ipvsadm arp-prep --help)", err)
		}
		fmt.Fprintf(env.Stderr, "%s%v\n", prefix, err)
		return 2
	}
	if o.Mode != ModeCheck && !o.DryRun && !env.Root {
		fmt.Fprintf(env.Stderr, "%smust be run as root to change sysctls and addresses (--check and --dry-run need not)\n", prefix)
		return 1
	}
	switch err = run(o, env); {
	case err == nil:
		return 0
	case err == errCheckFailed:
		return 1
	}
	fmt.Fprintf(env.Stderr, "%s%v\n", prefix, err)
	if errors.As(err, &ae) {
		return 2
	}
	return 1
}

type checkFailed struct{}

func (checkFailed) Error() string { return "check failed" }

var errCheckFailed error = checkFailed{}

// argError is a bad argument found only by looking at the system: exit
// status 2 like a usage error, with a hint of its own.
type argError struct{ msg, hint string }

func (e *argError) Error() string { return e.msg + " (" + e.hint + ")" }

func noSuchDev(dev string) error {
	return &argError{fmt.Sprintf("--dev %s: no such interface", dev), "see ip link"}
}

func checkDev(o Options, sys System) error {
	if o.Dev != "" && o.Mode != ModeRemove && o.HasIPv4() && !sys.LinkExists(o.Dev) {
		return noSuchDev(o.Dev)
	}
	return nil
}

// chooseIface resolves the interface choice of the command line: --dev,
// --all-interfaces, or the default route's interface.
func chooseIface(o Options, sys System) (Iface, error) {
	switch {
	case o.AllInterfaces:
		return Iface{All: true}, nil
	case o.Dev != "":
		if !sys.LinkExists(o.Dev) {
			return Iface{}, noSuchDev(o.Dev)
		}
		return Iface{Dev: o.Dev}, nil
	}
	d, err := sys.DefaultRouteDev()
	if errors.Is(err, ErrNoDefaultRoute) {
		// The command line lacks what this host cannot supply.
		return Iface{}, &argError{"no IPv4 default route to take the interface from", "name it with --dev IFACE, or use --all-interfaces"}
	}
	return Iface{Dev: d}, err
}

// devices lists the interfaces whose ARP sysctls ifaces need: "all" first,
// then each named one that exists and, for All, every non-loopback one.
// Named ones that do not exist are returned apart.
func devices(ifaces []Iface, sys System) (devs, missing []string, err error) {
	devs = []string{"all"}
	add := func(d string) {
		if !slices.Contains(devs, d) {
			devs = append(devs, d)
		}
	}
	for _, f := range ifaces {
		switch {
		case f.All:
			links, err := sys.Links()
			if err != nil {
				return nil, nil, err
			}
			for _, l := range links {
				add(l)
			}
		case f.Dev == "":
		case sys.LinkExists(f.Dev):
			add(f.Dev)
		case !slices.Contains(missing, f.Dev):
			missing = append(missing, f.Dev)
		}
	}
	return devs, missing, nil
}

// wantedFor is the sysctls the command line's VIPs need: none when no VIP
// is IPv4 (IPv6 has no ARP), and then no interface needs resolving.
func wantedFor(o Options, sys System) ([]realserver.Setting, Iface, error) {
	if !o.HasIPv4() {
		return nil, Iface{}, nil
	}
	iface, err := chooseIface(o, sys)
	if err != nil {
		return nil, iface, err
	}
	devs, _, err := devices([]Iface{iface}, sys)
	if err != nil {
		return nil, iface, err
	}
	wanted, err := realserver.Wanted(devs)
	return wanted, iface, err
}

// view reads the current value of every key in sets, every address, and
// the state of lo.
func view(sys System, sets ...[]realserver.Setting) (realserver.View, error) {
	var v realserver.View
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
				v.Sysctls = append(v.Sysctls, realserver.Setting{Key: s.Key, Value: val})
			}
		}
	}
	addrs, err := sys.Addrs()
	if err != nil {
		return v, err
	}
	v.Addrs = addrs
	up, err := sys.LinkIsUp(realserver.Loopback)
	if err != nil {
		return v, err
	}
	v.LoDown = !up
	return v, nil
}

func run(o Options, env Env) error {
	switch o.Mode {
	case ModeCheck:
		return runCheck(o, env)
	case ModePrepare:
		wanted, iface, err := wantedFor(o, env.Sys)
		if err != nil {
			return err
		}
		var p *persistPlan
		if o.Persist {
			if p, err = planPersist(env, func(es []Entry) []Entry { return Record(es, o.VIPs, iface) }); err != nil {
				return err
			}
			if env.OtherNetns {
				fmt.Fprintf(env.Stderr, "%swarning: this is not the network namespace of PID 1, yet at boot %s prepares the recorded VIPs in that one\n",
					prefix, Unit)
			}
		}
		return prepare(o.VIPs, wanted, o.DryRun, p, env)
	case ModeRemove:
		return runRemove(o, env)
	}
	return runBoot(o, env)
}

func runCheck(o Options, env Env) error {
	wanted, _, err := wantedFor(o, env.Sys)
	if err != nil {
		return err
	}
	v, err := view(env.Sys, wanted)
	if err != nil {
		return err
	}
	c, err := env.Conf.Load()
	if err != nil {
		return err
	}
	u, err := queryUnit(env.Systemctl)
	if err != nil {
		return err
	}
	items := append(realserver.Check(o.VIPs, wanted, v), CheckPersist(o.VIPs, c.Entries, u)...)
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
}

// prepare brings vips to the wanted state, and carries out p (--persist)
// in the same transaction when it is not nil.
func prepare(vips []netip.Addr, wanted []realserver.Setting, dryRun bool, p *persistPlan, env Env) error {
	st, err := env.Store.Load()
	if err != nil {
		return err
	}
	v, err := view(env.Sys, wanted)
	if err != nil {
		return err
	}
	acts, next, warns, err := PlanPrepare(vips, wanted, v, st)
	if err != nil {
		return err
	}
	if dryRun {
		io.WriteString(env.Stdout, FormatCommands(acts, p.lines(env)...))
		return nil
	}
	for _, w := range warns {
		fmt.Fprintf(env.Stderr, "%swarning: %s\n", prefix, w)
	}
	// The unit first: when it cannot be enabled (not installed), nothing
	// else has changed. Then the prior values, saved before anything
	// changes so that an interrupted run can still be undone.
	steps := []step{p.unitStep(env), saveStep(env.Store, st, next), actsStep(env.Sys, acts), p.confStep(env)}
	if err := transact(steps); err != nil {
		return err
	}
	p.notice(env)
	return nil
}

func runRemove(o Options, env Env) error {
	var p *persistPlan
	if o.Persist {
		var err error
		if p, err = planPersist(env, func(es []Entry) []Entry { return Forget(es, o.VIPs) }); err != nil {
			return err
		}
	}
	st, err := env.Store.Load()
	if err != nil {
		return err
	}
	v, err := view(env.Sys, st.Saved)
	if err != nil {
		return err
	}
	var fallback []realserver.Setting
	if NeedFallback(o.VIPs, v, st) {
		iface, err := chooseIface(o, env.Sys)
		if err != nil {
			return err
		}
		devs, _, err := devices([]Iface{iface}, env.Sys)
		if err != nil {
			return err
		}
		if fallback, err = realserver.Wanted(devs); err != nil {
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
		io.WriteString(env.Stdout, FormatCommands(acts, p.lines(env)...))
		return nil
	}
	if !o.Persist {
		warnRecorded(o.VIPs, env)
	}
	steps := []step{p.unitStep(env), actsStep(env.Sys, acts), saveStep(env.Store, st, next), p.confStep(env)}
	return transact(steps)
}

// warnRecorded warns that --remove without --persist leaves recorded VIPs
// to come back at boot.
func warnRecorded(vips []netip.Addr, env Env) {
	c, err := env.Conf.Load()
	if err != nil {
		fmt.Fprintf(env.Stderr, "%swarning: %v\n", prefix, err)
		return
	}
	for _, e := range c.Entries {
		if slices.Contains(vips, e.VIP) {
			fmt.Fprintf(env.Stderr, "%swarning: VIP %s is still recorded in %s and comes back at boot; --remove --persist forgets it\n",
				prefix, e.VIP, env.Conf.Path)
		}
	}
}

// runBoot prepares the VIPs of the configuration file, each with its
// recorded interfaces. An interface that does not exist (yet: udev may
// still be naming it, a network manager may create it later) is skipped
// with a warning, not an error: the kernel uses the larger of all's and
// the interface's arp_ignore and arp_announce, so "all" alone already keeps
// the host from answering ARP for the VIPs, and leaving them unprepared
// would be worse. "default" is set too, so that an interface created later
// starts with the values; --remove puts it back like the others.
func runBoot(o Options, env Env) error {
	c, err := env.Conf.Load()
	if err != nil {
		return err
	}
	if len(c.Entries) == 0 {
		if o.DryRun {
			io.WriteString(env.Stdout, FormatCommands(nil))
		}
		return nil
	}
	var vips []netip.Addr
	var ifaces []Iface
	for _, e := range c.Entries {
		vips = append(vips, e.VIP)
		if e.VIP.Is4() {
			ifaces = append(ifaces, e.Iface)
		}
	}
	var wanted []realserver.Setting
	if len(ifaces) > 0 {
		devs, missing, err := devices(ifaces, env.Sys)
		if err != nil {
			return err
		}
		for _, d := range missing {
			fmt.Fprintf(env.Stderr, "%swarning: interface %s (in %s) does not exist; all covers it, and default gives it the values if it is created later\n",
				prefix, d, env.Conf.Path)
		}
		if len(missing) > 0 {
			devs = slices.Insert(devs, 1, "default")
		}
		if wanted, err = realserver.Wanted(devs); err != nil {
			return err
		}
	}
	return prepare(vips, wanted, o.DryRun, nil, env)
}

// step is one change of a run and how to take it back; a zero step does
// nothing.
type step struct {
	do, undo func() error
}

// transact does steps in order; when one fails, it undoes those done,
// newest first, so that nothing is left half-applied.
func transact(steps []step) error {
	for i, s := range steps {
		if s.do == nil {
			continue
		}
		err := s.do()
		if err == nil {
			continue
		}
		for j := i - 1; j >= 0; j-- {
			if steps[j].undo == nil {
				continue
			}
			if uerr := steps[j].undo(); uerr != nil {
				// One line: the first failure to undo is the one to fix.
				return fmt.Errorf("%v; undoing the earlier changes failed too: %v", err, uerr)
			}
		}
		return err
	}
	return nil
}

// saveStep saves next in place of st (if it differs).
func saveStep(store Store, st, next State) step {
	if slices.Equal(stateKey(next), stateKey(st)) {
		return step{}
	}
	return step{
		do:   func() error { return store.Save(next) },
		undo: func() error { return store.Save(st) },
	}
}

// actsStep carries out acts; apply already undoes its own partial work.
func actsStep(sys System, acts []Action) step {
	if len(acts) == 0 {
		return step{}
	}
	return step{
		do: func() error { return apply(sys, acts) },
		undo: func() error {
			var first error
			for j := len(acts) - 1; j >= 0; j-- {
				if err := do(sys, acts[j].Undo()); err != nil && first == nil {
					first = err
				}
			}
			return first
		},
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
	case DelAddr:
		return sys.DelAddr(a.Addr, a.Dev)
	default:
		return sys.SetLinkUp(a.Dev, a.Kind == LinkUp)
	}
}
