package about

import (
	"io"
	"runtime/debug"

	"github.com/lvsgo/ipvsadm/internal/cli"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// Env is what help and version work with; the program builds it from the
// system.
type Env struct {
	// Linked is the version the Makefile links in (-X, from git
	// describe); "" or "unknown" when there is none.
	Linked string
	// LinkedCommit is the commit it links in (git rev-parse HEAD).
	LinkedCommit string
	// Build is the binary's build information; nil when it has none.
	Build *debug.BuildInfo
	// Kernel asks IPVS for its GET_INFO; nil: not asked.
	Kernel func() (ipvs.Info, error)
	// Root is whether we run as root (it words why IPVS was refused).
	Root bool
	// Commands are the subcommands, help and version included, in the
	// order help lists them.
	Commands       []cli.Command
	Stdout, Stderr io.Writer
}
