// Command ipvsadm administers the Linux IP Virtual Server table. It is a
// drop-in replacement for ipvsadm 1.31, plus extra subcommands (arp-prep,
// completion), and acts as ipvsadm-save or ipvsadm-restore when called by
// those names.
package main

import (
	"os"

	"github.com/lvsgo/ipvsadm/apply"
	"github.com/lvsgo/ipvsadm/arpprep"
	"github.com/lvsgo/ipvsadm/cmd"
	"github.com/lvsgo/ipvsadm/completion"
	"github.com/lvsgo/ipvsadm/names"
)

func main() {
	status := run(os.Args)
	if status == cmd.StatusSegfault {
		segfault()
	}
	os.Exit(status)
}

func run(args []string) int {
	// Subcommands are words ipvsadm 1.31 rejects as a first argument, so
	// dispatching on them leaves the ipvsadm grammar itself untouched.
	if len(args) > 1 && names.ModeOf(args[0]) == names.Ipvsadm {
		// --netns NAME first: every command then runs in that namespace.
		var status int
		var ok bool
		if args, status, ok = withNetns(args, os.Stderr); !ok {
			return status
		}
	}
	if len(args) > 1 && names.ModeOf(args[0]) == names.Ipvsadm {
		switch args[1] {
		case "arp-prep":
			return arpprep.Main(args[2:], os.Stdout, os.Stderr)
		case "completion":
			return completion.Main(args[2:], os.Stdout, os.Stderr)
		case "apply":
			return apply.Main(args[2:], os.Stdin, os.Stdout, os.Stderr)
		}
		// -R --test: check a restore input, apply nothing.
		if len(args) == 3 && (args[1] == "-R" && args[2] == "--test" || args[1] == "--test" && args[2] == "-R") {
			return cmd.CheckRestore(args[0], os.Stdin, os.Stderr)
		}
	}
	return names.Run(args, os.Stdin, os.Stdout, os.Stderr, cmd.Main)
}
