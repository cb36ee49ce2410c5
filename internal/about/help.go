package about

import (
	"fmt"
	"io"
	"strings"
)

// Addition is one thing this ipvsadm has that ipvsadm 1.31 does not.
type Addition struct {
	Word  string // what names it: a subcommand, an option or a program name
	Usage string // how it is written, from the program name on
	Help  string // what it does, one short line
	Sub   bool   // a subcommand: "ipvsadm WORD --help" or "ipvsadm help WORD" prints its usage
}

// Additions is every addition, in the order help lists them. A new
// subcommand (doctor, top, boot, ...) is one more row here; the tests then
// want it in the man page's SYNOPSIS and in the completion table.
var Additions = []Addition{
	{Word: "arp-prep", Usage: "ipvsadm arp-prep VIP...", Help: "prepare a DR/TUN real server (ARP, VIPs on lo)", Sub: true},
	{Word: "apply", Usage: "ipvsadm apply FILE|-", Help: "make the table equal to a -S file, no flush", Sub: true},
	{Word: "--json", Usage: "ipvsadm -L --json", Help: "list views as one line of JSON"},
	{Word: "--netns", Usage: "ipvsadm --netns NAME ...", Help: "run in the network namespace /run/netns/NAME"},
	{Word: "--test", Usage: "ipvsadm -R --test", Help: "check a restore input, apply nothing"},
	{Word: "completion", Usage: "ipvsadm completion bash|zsh", Help: "print a shell completion script", Sub: true},
	{Word: "boot", Usage: "ipvsadm boot COMMAND", Help: "the packaged service, from Debian/RHEL settings", Sub: true},
	{Word: "doctor", Usage: "ipvsadm doctor [SERVICE]", Help: "say why an LVS setup fails, and the fix", Sub: true},
	{Word: "top", Usage: "ipvsadm top [SERVICE]", Help: "live traffic per service and real server", Sub: true},
	{Word: "help", Usage: "ipvsadm help [WORD]", Help: "this list, or the usage of WORD", Sub: true},
	{Word: "version", Usage: "ipvsadm version [--json]", Help: "versions of this ipvsadm, Go and kernel IPVS", Sub: true},
	{Word: "ipvsadm-save", Usage: "ipvsadm-save [-n]", Help: "called so, acts as 1.31's ipvsadm-save script"},
	{Word: "ipvsadm-restore", Usage: "ipvsadm-restore", Help: "called so, acts as 1.31's ipvsadm-restore script"},
}

// Subcommands returns the words of the additions that are subcommands.
func Subcommands() []string {
	var w []string
	for _, a := range Additions {
		if a.Sub {
			w = append(w, a.Word)
		}
	}
	return w
}

// HelpText is what `ipvsadm help` prints.
func HelpText() string {
	width := 0
	for _, a := range Additions {
		width = max(width, len(a.Usage))
	}
	var b strings.Builder
	b.WriteString(`ipvsadm in Go: a drop-in replacement for ipvsadm 1.31.

Every ipvsadm 1.31 command line works as it does there: see ipvsadm -h
(which, like 1.31's, needs IPVS) and man ipvsadm. Added to those, and
changing none of them:

`)
	for _, a := range Additions {
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

// Help runs `ipvsadm help [WORD]`.
func Help(args []string, env Env) int {
	if len(args) == 0 {
		io.WriteString(env.Stdout, HelpText())
		return 0
	}
	if len(args) > 1 {
		return fail(env.Stderr, "help", "one word at most (see ipvsadm help)")
	}
	switch w := args[0]; w {
	case "help":
		io.WriteString(env.Stdout, helpUsage)
		return 0
	case "version":
		io.WriteString(env.Stdout, versionUsage)
		return 0
	default:
		for _, a := range Additions {
			// An option may be asked for without its dashes (help json).
			if a.Word != w && a.Word != "--"+w {
				continue
			}
			if a.Sub && env.Usage != nil {
				return env.Usage(w)
			}
			fmt.Fprintf(env.Stdout, "%s\n    %s; see man ipvsadm.\n", a.Usage, a.Help)
			return 0
		}
		return fail(env.Stderr, "help", fmt.Sprintf("no addition called %q (see ipvsadm help)", w))
	}
}

// fail prints an addition's one-line error and returns 2.
func fail(w io.Writer, word, msg string) int {
	fmt.Fprintf(w, "ipvsadm %s: %s\n", word, msg)
	return 2
}
