// Command ipvsadm administers the Linux IP Virtual Server table. It is a
// drop-in replacement for ipvsadm 1.31, plus extra subcommands (arp-prep).
package main

import (
	"os"

	"github.com/lvsgo/ipvsadm/cmd"
)

func main() {
	os.Exit(cmd.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
