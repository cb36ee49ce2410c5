package completion

import (
	"github.com/lvsgo/ipvsadm/internal/about"
	"github.com/lvsgo/ipvsadm/internal/apply"
	"github.com/lvsgo/ipvsadm/internal/arpprep"
	"github.com/lvsgo/ipvsadm/internal/boot"
	"github.com/lvsgo/ipvsadm/internal/cli"
	"github.com/lvsgo/ipvsadm/internal/doctor"
	"github.com/lvsgo/ipvsadm/internal/top"
)

// commands are the subcommands as the program passes them in (main.go's
// registry, in its order). Only the tests import the front ends: the
// package itself is given their descriptors. The program's own test
// (TestCompletionOffersEveryOption) completes with its registry.
var commands = []cli.Command{
	arpprep.Command, apply.Command, Command, boot.Command, doctor.Command, top.Command,
	about.HelpCommand, about.VersionCommand,
}
