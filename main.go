// Command ipvsadm administers the Linux IP Virtual Server table. It is a
// drop-in replacement for ipvsadm 1.31, plus extra subcommands (arp-prep,
// apply, completion), and acts as ipvsadm-save or ipvsadm-restore when
// called by those names.
//
// This file is where the program meets the system: it builds each
// front end's Env from the real kernel, resolver, files and standard
// streams, and nothing below it reaches for them on its own.
package main

import (
	"io"
	"os"
	"runtime/debug"

	"github.com/lvsgo/ipvsadm/internal/apply"
	"github.com/lvsgo/ipvsadm/internal/arpprep"
	"github.com/lvsgo/ipvsadm/internal/completion"
	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/ipvsadm"
	"github.com/lvsgo/ipvsadm/internal/netdb"
	"github.com/lvsgo/ipvsadm/internal/progname"
	"github.com/lvsgo/ipvsadm/ipvs"
)

func main() {
	status := run(os.Args)
	if status == grammar.StatusSegfault {
		segfault()
	}
	os.Exit(status)
}

func run(args []string) int {
	// Subcommands are words ipvsadm 1.31 rejects as a first argument, so
	// dispatching on them leaves the ipvsadm grammar itself untouched.
	if len(args) > 1 && progname.ModeOf(args[0]) == progname.Ipvsadm {
		// --netns NAME first: every command then runs in that namespace.
		var status int
		var ok bool
		if args, status, ok = withNetns(args, os.Stderr); !ok {
			return status
		}
	}
	if len(args) > 1 && progname.ModeOf(args[0]) == progname.Ipvsadm {
		switch args[1] {
		case "arp-prep":
			return arpprep.Run(args[2:], arpprepEnv())
		case "completion":
			return completion.Main(args[2:], os.Stdout, os.Stderr)
		case "apply":
			applyGC()
			return apply.Run(args[2:], apply.Env{Open: openIPVS, Parser: systemParser(), Go: goHere,
				Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
		}
		// -R --test: check a restore input, apply nothing.
		if len(args) == 3 && (args[1] == "-R" && args[2] == "--test" || args[1] == "--test" && args[2] == "-R") {
			return ipvsadm.CheckRestore(args[0], systemParser(), os.Stdin, os.Stderr)
		}
	}
	return progname.Run(args, os.Stdin, os.Stdout, os.Stderr, runIpvsadm)
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
// the host's systemctl (IPVSADM_ARP_PREP_STATE and IPVSADM_ARP_PREP_CONF
// override the paths, for tests).
func arpprepEnv() arpprep.Env {
	path := arpprep.StatePath()
	if p := os.Getenv("IPVSADM_ARP_PREP_STATE"); p != "" {
		path = p
	}
	conf := arpPrepConf
	if p := os.Getenv("IPVSADM_ARP_PREP_CONF"); p != "" {
		conf = p
	}
	return arpprep.Env{Sys: arpprep.Kernel{}, Store: arpprep.FileStore{Path: path},
		Conf: arpprep.ConfFile{Path: conf}, Systemctl: arpprep.ExecSystemctl, OtherNetns: otherNetns(),
		Root: os.Geteuid() == 0, Stdout: os.Stdout, Stderr: os.Stderr}
}

// systemParser reads command lines with the machine's name service and
// the POSIX mode popt takes from the environment.
func systemParser() *grammar.Parser {
	return &grammar.Parser{Resolver: netdb.NewSystem(), Posix: grammar.PosixEnv(os.LookupEnv)}
}
