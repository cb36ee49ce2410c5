package completion

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/lvsgo/ipvsadm/internal/cli"
)

// Usage is printed for --help.
const Usage = `Usage: ipvsadm completion bash|zsh
Print the completion script of bash or zsh for ipvsadm, ipvsadm-save and
ipvsadm-restore on standard output.
`

// Command describes completion for dispatch, help and completion itself.
var Command = cli.Command{
	Word:     "completion",
	Row:      "ipvsadm completion bash|zsh",
	Help:     "print a shell completion script",
	Usage:    Usage,
	Options:  []cli.Option{cli.Help},
	Operands: cli.Operands{Name: "shell", Kind: cli.Words, Words: Shells},
}

// Main runs "ipvsadm completion SHELL"; args are the words after
// "completion" (os.Args[2:]), like arpprep.Run's, and cmds the
// subcommands the scripts complete. It prints the script to stdout and
// returns 0, or prints one line to stderr and returns 2.
func Main(args []string, cmds []cli.Command, stdout, stderr io.Writer) int {
	shells := 0
	r, err := Command.Parse(args, cli.Hooks{Operand: func(string) error {
		if shells++; shells > 1 {
			return errors.New("one shell only")
		}
		return nil
	}})
	switch {
	case r.Ended == "help":
		io.WriteString(stdout, Usage)
		return 0
	case err == nil && len(r.Operands) == 0:
		err = errors.New("no shell given; want " + strings.Join(Shells, " or "))
	case err == nil:
		err = Write(stdout, r.Operands[0], cmds)
	}
	if err != nil {
		return Command.Fail(stderr, err)
	}
	return 0
}

// Write writes the completion script for shell ("bash" or "zsh") to w;
// cmds are the subcommands it completes.
func Write(w io.Writer, shell string, cmds []cli.Command) error {
	var s string
	switch shell {
	case "bash":
		s = Bash(cmds)
	case "zsh":
		s = Zsh(cmds)
	default:
		return fmt.Errorf("unknown shell %q; want %s", shell, strings.Join(Shells, " or "))
	}
	_, err := io.WriteString(w, s)
	return err
}
