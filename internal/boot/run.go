package boot

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// Env is what a run works against. main.go builds the real one.
type Env struct {
	// Ipvsadm runs one ipvsadm 1.31 command line, args[0] "ipvsadm".
	Ipvsadm func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
	// Check reports the bad lines of a rules text as ipvsadm -R --test
	// does and returns its status (0: every line is good).
	Check func(in io.Reader, errw io.Writer) int
	// Open connects to the kernel's IPVS, for the sync daemons.
	Open func() (ipvs.API, error)
	// HasLink says whether a network interface of that name exists.
	HasLink func(name string) bool
	// Loaded says whether a kernel module is loaded; Unload removes it and
	// the modules that use it.
	Loaded func(module string) bool
	Unload func(module string) error
	// Restarting says whether this stop is the first half of a restart
	// (systemd runs ExecStop then ExecStart for one).
	Restarting func() bool
	// Root prefixes the default paths (tests); "" on a real system.
	Root           string
	Stdout, Stderr io.Writer
}

const prefix = "ipvsadm boot: "

// Run runs `ipvsadm boot ARGS...` and returns the exit status: 0 done, 1
// a bad settings or rules file or a refused change (nothing left
// half-done), 2 a bad command line.
func Run(args []string, env Env) int {
	o, err := ParseArgs(args)
	if o.Help {
		io.WriteString(env.Stdout, Usage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s%v (see ipvsadm boot --help)\n", prefix, err)
		return 2
	}
	if o.Flavor == 0 {
		switch {
		case exists(filepath.Join(env.Root, Debian.ConfigPath())):
			o.Flavor = Debian
		case exists(filepath.Join(env.Root, RHEL.ConfigPath())):
			o.Flavor = RHEL
		default:
			fmt.Fprintf(env.Stderr, "%sneither %s nor %s exists: say --debian or --rhel\n", prefix, Debian.ConfigPath(), RHEL.ConfigPath())
			return 2
		}
	}
	if o.Config == "" {
		o.Config = filepath.Join(env.Root, o.Flavor.ConfigPath())
	}
	if o.Rules == "" {
		o.Rules = filepath.Join(env.Root, o.Flavor.RulesPath())
	}
	text, err := os.ReadFile(o.Config)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(env.Stderr, "%s%v\n", prefix, err)
		return 1
	}
	c, err := Parse(o.Flavor, string(text))
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s%s: %v; nothing done\n", prefix, o.Config, err)
		return 1
	}
	b := &booter{env: env, c: c, rules: o.Rules}
	switch o.Command {
	case "start":
		err = b.start()
	case "stop":
		err = b.stop(c.SaveOnStop || c.Flavor == RHEL && c.SaveOnRestart && env.Restarting != nil && env.Restarting())
	case "restart":
		if c.Flavor == RHEL && c.SaveOnRestart {
			err = b.save()
		}
		if err == nil {
			err = b.stop(false)
		}
		if err == nil {
			err = b.start()
		}
	case "reload":
		if c.Flavor == Debian && !c.Auto {
			fmt.Fprintf(env.Stdout, "AUTO is not true in %s: no rules to reload\n", o.Config)
			break
		}
		err = b.load()
	case "status":
		args := []string{"ipvsadm", "-L", "-n"}
		if c.Flavor == RHEL && !c.StatusNumeric {
			args = args[:2]
		}
		if st := env.Ipvsadm(args, nil, env.Stdout, env.Stderr); st != 0 {
			return st
		}
	case "save":
		err = b.save()
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s%v\n", prefix, err)
		return 1
	}
	return 0
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// booter carries one run's settings.
type booter struct {
	env   Env
	c     Config
	rules string
}

// start loads the rules and starts the sync daemons, or changes nothing.
func (b *booter) start() error {
	env := b.env
	roles := b.c.Daemon.Roles()
	if len(roles) > 0 && !env.HasLink(b.c.Iface) {
		return fmt.Errorf("IFACE=%s: no such interface; nothing done", b.c.Iface)
	}
	loads := b.c.Flavor == RHEL || b.c.Auto
	var undo func()
	if loads {
		if b.c.Flavor == RHEL && !exists(b.rules) {
			// RHEL's script made the rules file from the running table
			// first, so that start then keeps what runs.
			if err := b.save(); err != nil {
				return err
			}
		}
		var err error
		if undo, err = b.loadUndoable(); err != nil {
			return err
		}
	}
	if len(roles) == 0 {
		return nil
	}
	if err := b.startDaemons(roles); err != nil {
		if undo != nil {
			undo()
			return fmt.Errorf("%v; the table is back as it was", err)
		}
		return err
	}
	return nil
}

// load replaces the table with the rules file.
func (b *booter) load() error {
	_, err := b.loadUndoable()
	return err
}

// loadUndoable checks every line of the rules, then replaces the table
// with them; on failure the table is put back, and undo does the same
// after a later failure.
func (b *booter) loadUndoable() (undo func(), err error) {
	env := b.env
	data, err := os.ReadFile(b.rules)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	rules := uncomment(data)
	var bad bytes.Buffer
	if env.Check(bytes.NewReader(rules), &bad) != 0 {
		for _, l := range strings.Split(strings.TrimRight(bad.String(), "\n"), "\n") {
			fmt.Fprintf(env.Stderr, "%s%s: %s\n", prefix, b.rules, l)
		}
		return nil, fmt.Errorf("%s has bad lines; nothing loaded, the table is unchanged", b.rules)
	}
	var before, msg bytes.Buffer
	if st := env.Ipvsadm([]string{"ipvsadm", "-S", "-n"}, nil, &before, &msg); st != 0 {
		return nil, fmt.Errorf("reading the current table: %s", firstLine(msg.String()))
	}
	back := func() {
		env.Ipvsadm([]string{"ipvsadm", "-C"}, nil, io.Discard, env.Stderr)
		env.Ipvsadm([]string{"ipvsadm", "-R"}, bytes.NewReader(before.Bytes()), io.Discard, env.Stderr)
	}
	msg.Reset()
	if st := env.Ipvsadm([]string{"ipvsadm", "-C"}, nil, env.Stdout, &msg); st != 0 {
		return nil, fmt.Errorf("clearing the table: %s", firstLine(msg.String()))
	}
	if st := env.Ipvsadm([]string{"ipvsadm", "-R"}, bytes.NewReader(rules), env.Stdout, &msg); st != 0 {
		back()
		return nil, fmt.Errorf("loading %s: %s; the table is back as it was", b.rules, firstLine(msg.String()))
	}
	fmt.Fprintf(env.Stdout, "loaded %s (%d rules)\n", b.rules, bytes.Count(rules, []byte("\n")))
	return back, nil
}

// uncomment drops the lines starting with #, as ipvsadm-restore does.
func uncomment(data []byte) []byte {
	var out []byte
	for _, l := range bytes.SplitAfter(data, []byte("\n")) {
		if len(l) == 0 || l[0] == '#' {
			continue
		}
		out = append(out, l...)
		if l[len(l)-1] != '\n' {
			out = append(out, '\n')
		}
	}
	return out
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if s == "" {
		return "failed"
	}
	return s
}

// daemons connects to IPVS and lists the sync daemons that run; the
// caller closes api.
func (b *booter) daemons() (api ipvs.API, running []ipvs.Daemon, err error) {
	if api, err = b.env.Open(); err != nil {
		return nil, nil, fmt.Errorf("sync daemon: %v", err)
	}
	if running, err = api.Daemons(); err != nil {
		api.Close()
		return nil, nil, fmt.Errorf("sync daemon: %v", err)
	}
	return api, running, nil
}

// startDaemons makes the configured sync daemons run on IFACE with
// SYNCID: started, or restarted when they run with other settings. If
// one fails, those it started are stopped again.
func (b *booter) startDaemons(roles []string) error {
	api, running, err := b.daemons()
	if err != nil {
		return err
	}
	defer api.Close()
	var started []ipvs.Daemon
	for _, role := range roles {
		state, _ := ipvs.ParseDaemonState(role)
		want := ipvs.Daemon{State: state, McastIfn: b.c.Iface, SyncID: uint32(b.c.SyncID)}
		if d, ok := find(running, state); ok {
			if d.McastIfn == want.McastIfn && d.SyncID == want.SyncID {
				continue
			}
			if err := api.Exec(&ipvs.Op{Kind: ipvs.OpDelDaemon, Daemon: ipvs.Daemon{State: state}}); err != nil {
				return fmt.Errorf("stopping the %s sync daemon on %s: %v", role, d.McastIfn, err)
			}
		}
		if err := api.Exec(&ipvs.Op{Kind: ipvs.OpNewDaemon, Daemon: want}); err != nil {
			for _, d := range started {
				api.Exec(&ipvs.Op{Kind: ipvs.OpDelDaemon, Daemon: ipvs.Daemon{State: d.State}})
			}
			return fmt.Errorf("starting the %s sync daemon on %s (syncid %d): %v", role, b.c.Iface, b.c.SyncID, err)
		}
		started = append(started, want)
		fmt.Fprintf(b.env.Stdout, "started the %s sync daemon on %s, syncid %d\n", role, b.c.Iface, b.c.SyncID)
	}
	return nil
}

func find(ds []ipvs.Daemon, state ipvs.DaemonState) (ipvs.Daemon, bool) {
	for _, d := range ds {
		if d.State.Role() == state {
			return d, true
		}
	}
	return ipvs.Daemon{}, false
}

// stop saves the rules when save is set (or, on Debian, when AUTO is
// true), clears the table, then stops the sync daemons (Debian) or
// unloads the modules (RHEL, IPVS_MODULES_UNLOAD=yes). Nothing of it
// happens when IPVS is not loaded: there is nothing to stop, and saving
// would replace the rules with an empty table.
func (b *booter) stop(save bool) error {
	env := b.env
	if !env.Loaded("ip_vs") {
		fmt.Fprintln(env.Stdout, "IPVS is not loaded: nothing to stop")
		return nil
	}
	var errs []error
	managed := b.c.Flavor == RHEL || b.c.Auto
	if b.c.Flavor == Debian {
		save = b.c.Auto
	}
	saved := true
	if save {
		if err := b.save(); err != nil {
			errs = append(errs, fmt.Errorf("%v; the table is left as it is", err))
			saved = false
		}
	}
	if managed && saved {
		var msg bytes.Buffer
		if st := env.Ipvsadm([]string{"ipvsadm", "-C"}, nil, env.Stdout, &msg); st != 0 {
			errs = append(errs, fmt.Errorf("clearing the table: %s", firstLine(msg.String())))
		}
	}
	if roles := b.c.Daemon.Roles(); len(roles) > 0 {
		if err := b.stopDaemons(roles); err != nil {
			errs = append(errs, err)
		}
	}
	if b.c.Flavor == RHEL && b.c.ModulesUnload && len(errs) == 0 {
		if err := env.Unload("ip_vs"); err != nil {
			errs = append(errs, fmt.Errorf("unloading the IPVS modules: %v", err))
		} else {
			fmt.Fprintln(env.Stdout, "unloaded the IPVS modules")
		}
	}
	return errors.Join(errs...)
}

// stopDaemons stops those of the configured sync daemons that run.
func (b *booter) stopDaemons(roles []string) error {
	api, running, err := b.daemons()
	if err != nil {
		return err
	}
	defer api.Close()
	for _, role := range roles {
		state, _ := ipvs.ParseDaemonState(role)
		if _, ok := find(running, state); !ok {
			continue
		}
		if err := api.Exec(&ipvs.Op{Kind: ipvs.OpDelDaemon, Daemon: ipvs.Daemon{State: state}}); err != nil {
			return fmt.Errorf("stopping the %s sync daemon: %v", role, err)
		}
		fmt.Fprintf(b.env.Stdout, "stopped the %s sync daemon\n", role)
	}
	return nil
}

// save writes the table (ipvsadm -S -n) to the rules file through a new
// file renamed over the old one, so a failed save never clobbers the
// rules; the file keeps its permissions. Debian's rules start with the
// "# ipvsadm.rules" line its script wrote.
func (b *booter) save() error {
	var out, msg bytes.Buffer
	if b.c.Flavor == Debian {
		out.WriteString("# ipvsadm.rules\n")
	}
	if st := b.env.Ipvsadm([]string{"ipvsadm", "-S", "-n"}, nil, &out, &msg); st != 0 {
		return fmt.Errorf("saving the table: %s", firstLine(msg.String()))
	}
	mode := fs.FileMode(0o644)
	if b.c.Flavor == RHEL {
		mode = 0o600
	}
	if fi, err := os.Stat(b.rules); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := writeAtomic(b.rules, out.Bytes(), mode); err != nil {
		return fmt.Errorf("saving the table: %v", err)
	}
	fmt.Fprintf(b.env.Stdout, "saved the table to %s\n", b.rules)
	return nil
}

func writeAtomic(path string, data []byte, mode fs.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err == nil {
		err = f.Chmod(mode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
