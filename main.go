// Command ipvsadm administers the Linux IP Virtual Server table. It is a
// drop-in replacement for ipvsadm 1.31, plus extra subcommands (arp-prep,
// apply, boot, completion, doctor, help, top, version), and acts as
// ipvsadm-save or ipvsadm-restore when called by those names.
//
// This file is where the program meets the system: it builds each
// front end's Env from the real kernel, resolver, files and standard
// streams, and nothing below it reaches for them on its own.
package main

import (
	"io"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/lvsgo/ipvsadm/internal/about"
	"github.com/lvsgo/ipvsadm/internal/apply"
	"github.com/lvsgo/ipvsadm/internal/arpprep"
	"github.com/lvsgo/ipvsadm/internal/boot"
	"github.com/lvsgo/ipvsadm/internal/cli"
	"github.com/lvsgo/ipvsadm/internal/completion"
	"github.com/lvsgo/ipvsadm/internal/diagnose"
	"github.com/lvsgo/ipvsadm/internal/doctor"
	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/ipvsadm"
	"github.com/lvsgo/ipvsadm/internal/kmod"
	"github.com/lvsgo/ipvsadm/internal/netdb"
	"github.com/lvsgo/ipvsadm/internal/progname"
	"github.com/lvsgo/ipvsadm/internal/screen"
	"github.com/lvsgo/ipvsadm/internal/term"
	"github.com/lvsgo/ipvsadm/internal/top"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// version and commit are this ipvsadm's; the Makefile links them in
// (-X main.version=..., from git describe, and -X main.commit=...).
var version, commit string

func main() {
	status := run(os.Args, stdio{os.Stdin, os.Stdout, os.Stderr})
	if status == grammar.StatusSegfault {
		segfault()
	}
	os.Exit(status)
}

// stdio is the program's standard streams; tests give their own.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

func run(args []string, s stdio) int {
	if len(args) > 1 && progname.ModeOf(args[0]) == progname.Ipvsadm {
		// --netns NAME first: every command then runs in that namespace.
		var status int
		var ok bool
		if args, status, ok = withNetns(args, s.err); !ok {
			return status
		}
	}
	if len(args) > 1 && progname.ModeOf(args[0]) == progname.Ipvsadm {
		if sub := subcommand(args, s); sub != nil {
			return sub(args[2:])
		}
		// -R --test: check a restore input, apply nothing.
		if len(args) == 3 && (args[1] == "-R" && args[2] == "--test" || args[1] == "--test" && args[2] == "-R") {
			return ipvsadm.CheckRestore(args[0], systemParser(), s.in, s.err)
		}
	}
	return progname.Run(args, s.in, s.out, s.err, runIpvsadm)
}

// command is one entry of the registry: a subcommand's descriptor and
// how it runs here. ifRefused: the word is ours only where ipvsadm 1.31
// refuses the line, for it acts on a few that start with it ("help -h"
// prints its help, "version -v" its version: popt finds options
// anywhere); those stay its.
type command struct {
	cli.Command
	run       func(args []string) int
	ifRefused bool
}

// commands is the registry: every subcommand, described once by its
// package, in the order help lists them, with the function that runs it
// on the Env built here. Dispatch, help, --help and completion all read
// it.
func commands(prog string, s stdio) []command {
	return []command{
		{Command: arpprep.Command, run: func(a []string) int { return arpprep.Run(a, arpprepEnv(s)) }},
		{Command: apply.Command, run: func(a []string) int {
			applyGC()
			return apply.Run(a, apply.Env{Open: openIPVS, Parser: systemParser(), Go: goHere,
				Stdin: s.in, Stdout: s.out, Stderr: s.err})
		}},
		{Command: completion.Command, run: func(a []string) int {
			return completion.Main(a, descriptors(prog, s), s.out, s.err)
		}},
		{Command: boot.Command, run: func(a []string) int { return boot.Run(a, bootEnv(s)) }},
		{Command: doctor.Command, run: func(a []string) int { return doctor.Run(a, doctorEnv(s)) }},
		{Command: top.Command, run: func(a []string) int { return top.Run(a, topEnv(s)) }},
		{Command: about.HelpCommand, ifRefused: true, run: func(a []string) int { return about.Help(a, aboutEnv(prog, s)) }},
		{Command: about.VersionCommand, ifRefused: true, run: func(a []string) int { return about.Version(a, aboutEnv(prog, s)) }},
	}
}

// descriptors are the registry's descriptors, for help and completion.
func descriptors(prog string, s stdio) []cli.Command {
	var d []cli.Command
	for _, c := range commands(prog, s) {
		d = append(d, c.Command)
	}
	return d
}

// subcommand returns the addition that args (args[0] the program) call
// for, or nil when they are an ipvsadm 1.31 command line. Subcommands are
// words ipvsadm 1.31 rejects as a first argument, so dispatching on them
// leaves the ipvsadm grammar itself untouched.
func subcommand(args []string, s stdio) func(args []string) int {
	for _, c := range commands(args[0], s) {
		if c.Word != args[1] || c.ifRefused && !refusedBy131(args) {
			continue
		}
		return c.run
	}
	return nil
}

// refusedBy131 reports whether ipvsadm 1.31 answers args with an error
// and does nothing else. It resolves no names: whether 1.31 refuses a
// line that starts with a word never depends on them.
func refusedBy131(args []string) bool {
	p := grammar.Parser{Posix: grammar.PosixEnv(os.LookupEnv)}
	_, ex := p.Parse(args[0], args[1:])
	return ex != nil && ex.Status != 0 && ex.Status != grammar.StatusSegfault
}

// aboutEnv is help and version on this binary and this kernel, help
// listing the registry's subcommands.
func aboutEnv(prog string, s stdio) about.Env {
	bi, _ := debug.ReadBuildInfo()
	return about.Env{
		Linked:       version,
		LinkedCommit: commit,
		Build:        bi,
		Kernel:       kernelInfo,
		Root:         os.Geteuid() == 0,
		Commands:     descriptors(prog, s),
		Stdout:       s.out,
		Stderr:       s.err,
	}
}

// kernelInfo is the kernel's IPVS GET_INFO, connecting as -v does
// (modprobe if need be) but with modprobe's messages discarded: version
// reports the failure in its own words.
func kernelInfo() (ipvs.Info, error) {
	c, err := ipvs.Open(ipvs.Config{})
	if err != nil {
		return ipvs.Info{}, err
	}
	defer c.Close()
	return c.Info(), nil
}

// runIpvsadm is one ipvsadm 1.31 command line against the system.
func runIpvsadm(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return ipvsadm.Run(args, ipvsadm.Env{
		Open:     openIPVS,
		Parser:   systemParser(),
		Names:    netdb.NewSystem(),
		ConnPath: "/proc/net/ip_vs_conn",
		Stdin:    stdin,
		Stdout:   stdout,
		Stderr:   stderr,
	})
}

// applyGC trades memory for time in apply, which holds two copies of a
// table (the file's and the kernel's) and makes garbage as it parses: at
// 10,000 services in the VM the default collector took 15% of its time.
// GOGC=400 under a 256 MiB soft limit; GOGC or GOMEMLIMIT set in the
// environment win.
func applyGC() {
	if _, ok := os.LookupEnv("GOGC"); !ok {
		debug.SetGCPercent(400)
	}
	if _, ok := os.LookupEnv("GOMEMLIMIT"); !ok {
		debug.SetMemoryLimit(256 << 20)
	}
}

// openIPVS connects as ipvsadm does: modprobe, if it has to run, shares
// our standard streams.
func openIPVS() (ipvs.API, error) {
	c, err := ipvs.Open(ipvs.Config{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// arpPrepConf is the file arp-prep --persist writes and --boot reads. It
// must be the path in the installed ipvsadm-arp-prep.service's condition:
// a build for another SYSCONFDIR sets it with
// -ldflags '-X main.arpPrepConf=$(SYSCONFDIR)/ipvsadm/arp-prep.conf'.
var arpPrepConf = arpprep.DefaultConfPath

// arpprepEnv is arp-prep on this network namespace's sysctls and
// addresses, with its state file, the configuration file of --persist and
// the host's systemctl.
func arpprepEnv(s stdio) arpprep.Env {
	return arpprep.Env{Sys: arpprep.Kernel{}, Store: arpprep.FileStore{Path: arpprep.StatePath()},
		Conf: arpprep.ConfFile{Path: arpPrepConf}, Systemctl: arpprep.ExecSystemctl, OtherNetns: otherNetns(),
		Root: os.Geteuid() == 0, Stdout: s.out, Stderr: s.err}
}

// openNoModprobe connects to IPVS for the additions that change nothing,
// loading a module included (doctor, top).
func openNoModprobe() (ipvs.API, error) {
	c, err := ipvs.Open(ipvs.Config{NoModprobe: true})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// doctorEnv is doctor on this host: IPVS opened without modprobe (doctor
// changes nothing, loading a module included) and the Kernel System.
func doctorEnv(s stdio) doctor.Env {
	return doctor.Env{
		Open:   openNoModprobe,
		Sys:    &diagnose.Kernel{},
		Parser: systemParser(),
		Stdout: s.out,
		Stderr: s.err,
	}
}

// topEnv is top on this host's table, terminal and clock: IPVS opened
// without modprobe, as doctor does.
func topEnv(s stdio) top.Env {
	return top.Env{
		Open:     openNoModprobe,
		Module:   func(name string) kmod.State { return new(kmod.Lists).State("/sys/module", name) },
		Parser:   systemParser(),
		Names:    netdb.NewSystem(),
		Terminal: term.Is(s.out),
		OpenTerminal: func() (screen.Terminal, error) {
			return screen.Open(os.Stdin, os.Stdout)
		},
		Signals: func(c chan<- os.Signal) func() {
			signal.Notify(c, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
			return func() { signal.Stop(c) }
		},
		Now:    time.Now,
		Sleep:  time.Sleep,
		Stdout: s.out,
		Stderr: s.err,
	}
}

// systemParser reads command lines with the machine's name service and
// the POSIX mode popt takes from the environment.
func systemParser() *grammar.Parser {
	return &grammar.Parser{Resolver: netdb.NewSystem(), Posix: grammar.PosixEnv(os.LookupEnv)}
}

// bootEnv is `ipvsadm boot` on this machine: ipvsadm command lines run in
// this process, the interfaces and modules of the system, and systemd's
// job queue to tell a restart from a stop.
func bootEnv(s stdio) boot.Env {
	mods := kmod.System()
	return boot.Env{
		Ipvsadm: runIpvsadm,
		Check: func(in io.Reader, errw io.Writer) int {
			return ipvsadm.CheckRestore("ipvsadm", systemParser(), in, errw)
		},
		Open: openIPVS,
		HasLink: func(name string) bool {
			_, err := net.InterfaceByName(name)
			return err == nil
		},
		Loaded:     mods.Loaded,
		Unload:     mods.Unload,
		Restarting: boot.SystemdRestarting,
		Stdout:     s.out,
		Stderr:     s.err,
	}
}
