// Command ipvsadm administers the Linux IP Virtual Server table. It is a
// drop-in replacement for ipvsadm 1.31, plus extra subcommands (arp-prep).
package main

import (
	"os"

	"github.com/lvsgo/ipvsadm/arpprep"
	"github.com/lvsgo/ipvsadm/cmd"
)

func main() {
	// Subcommands are words ipvsadm 1.31 would reject as an argument in
	// first place, so the ipvsadm grammar itself stays untouched.
	if len(os.Args) > 1 && os.Args[1] == "arp-prep" {
		os.Exit(arpprep.Main(os.Args[2:], os.Stdout, os.Stderr))
	}
	os.Exit(cmd.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
