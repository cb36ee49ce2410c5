package about

import (
	"fmt"
	"io"
	"strings"

	"github.com/lvsgo/ipvsadm/internal/cli"
)

// Addition is one thing this ipvsadm has that ipvsadm 1.31 does not and
// that is no subcommand: an option or a program name. The subcommands
// are the Commands help is given (Env.Commands).
type Addition struct {
	Word  string // what names it: an option or a program name
	Usage string // how it is written, from the program name on
	Help  string // what it does, one short line
}

// Additions are the additions other than subcommands, in the order help
// lists them after the subcommands.
var Additions = []Addition{
	{Word: "--json", Usage: "ipvsadm -L --json", Help: "list views as one line of JSON"},
	{Word: "--netns", Usage: "ipvsadm --netns NAME ...", Help: "run in the network namespace /run/netns/NAME"},
	{Word: "--test", Usage: "ipvsadm -R --test", Help: "check a restore input, apply nothing"},
	{Word: "ipvsadm-save", Usage: "ipvsadm-save [-n]", Help: "called so, acts as 1.31's ipvsadm-save script"},
	{Word: "ipvsadm-restore", Usage: "ipvsadm-restore", Help: "called so, acts as 1.31's ipvsadm-restore script"},
}

// HelpCommand and VersionCommand describe help and version. Neither has
// a --help: ipvsadm 1.31 acts on "help --help" and "version -h" (it
// prints its help), so `ipvsadm help help` and `ipvsadm help version`
// print their usage.
var (
	HelpCommand = cli.Command{
		Word:     "help",
		Row:      "ipvsadm help [WORD]",
		Help:     "this list, or the usage of WORD",
		Usage:    helpUsage,
		Operands: cli.Operands{Name: "subcommand", Kind: cli.Subcommand},
	}
	VersionCommand = cli.Command{
		Word:    "version",
		Row:     "ipvsadm version [--json]",
		Help:    "versions of this ipvsadm, Go and kernel IPVS",
		Usage:   versionUsage,
		Options: []cli.Option{{Long: "json", Once: true, Help: "the same as one line of JSON"}},
	}
)

// rows are help's rows: each subcommand's, then each other addition's.
func rows(cmds []cli.Command) []Addition {
	var r []Addition
	for _, c := range cmds {
		r = append(r, Addition{Word: c.Word, Usage: c.Row, Help: c.Help})
	}
	return append(r, Additions...)
}

// HelpText is what `ipvsadm help` prints, cmds being the subcommands.
func HelpText(cmds []cli.Command) string {
	rs := rows(cmds)
	width := 0
	for _, a := range rs {
		width = max(width, len(a.Usage))
	}
	var b strings.Builder
	b.WriteString(`ipvsadm in Go: a drop-in replacement for ipvsadm 1.31.
Every ipvsadm 1.31 command line works as it does there: see ipvsadm -h
(which, like 1.31's, needs IPVS) and man ipvsadm. Added to those, and
changing none of them:
`)
	for _, a := range rs {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, a.Usage, a.Help)
	}
	b.WriteString("\nipvsadm help WORD describes one of them, man ipvsadm all.\n")
	return b.String()
}

// helpUsage and versionUsage are `ipvsadm help help` and `ipvsadm help
// version`: both words have no --help of their own, since ipvsadm 1.31
// acts on "help --help" and "version -h" (it prints its help).
const helpUsage = `Usage: ipvsadm help [WORD]
Without WORD, list what this ipvsadm adds to ipvsadm 1.31. With WORD, one
of the additions (a subcommand such as apply, or an option such as
--netns), describe it.
`

const versionUsage = `Usage: ipvsadm version [--json]
Print this ipvsadm's version and commit, the Go version it was built with
and the version of the kernel's IPVS. The kernel's is asked for as -v asks
(loading ip_vs if need be); when it cannot be had, the line says why, and
the exit status is 0 all the same.
  --json   the same as one line of JSON
`

// Help runs `ipvsadm help [WORD]`. A WORD may be an option (--netns),
// so help reads its words itself.
func Help(args []string, env Env) int {
	if len(args) == 0 {
		io.WriteString(env.Stdout, HelpText(env.Commands))
		return 0
	}
	if len(args) > 1 {
		return failHelp(env.Stderr, "one word at most")
	}
	w := args[0]
	for _, c := range env.Commands {
		if c.Word == w {
			io.WriteString(env.Stdout, c.Usage)
			return 0
		}
	}
	for _, a := range Additions {
		// An option may be asked for without its dashes (help json).
		if a.Word == w || a.Word == "--"+w {
			fmt.Fprintf(env.Stdout, "%s\n    %s; see man ipvsadm.\n", a.Usage, a.Help)
			return 0
		}
	}
	return failHelp(env.Stderr, fmt.Sprintf("no addition called %q", w))
}

// failHelp prints help's one-line error, which points to the list, and
// returns 2.
func failHelp(w io.Writer, msg string) int {
	fmt.Fprintf(w, "ipvsadm help: %s (see ipvsadm help)\n", msg)
	return 2
}
