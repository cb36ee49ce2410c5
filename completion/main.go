package completion

import (
	"fmt"
	"io"
	"strings"
)

// Main runs "ipvsadm completion SHELL": args[0] is the subcommand word
// ("completion"), args[1] the shell. It prints the script to stdout and
// returns 0, or prints one line to stderr and returns 2.
func Main(args []string, stdout, stderr io.Writer) int {
	usage := "usage: ipvsadm completion " + strings.Join(Shells, "|")
	if len(args) == 2 && (args[1] == "-h" || args[1] == "--help") {
		fmt.Fprintln(stdout, usage)
		return 0
	}
	if len(args) != 2 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	if err := Write(stdout, args[1]); err != nil {
		fmt.Fprintf(stderr, "ipvsadm completion: %v\n", err)
		return 2
	}
	return 0
}

// Write writes the completion script for shell ("bash" or "zsh") to w.
func Write(w io.Writer, shell string) error {
	var s string
	switch shell {
	case "bash":
		s = Bash()
	case "zsh":
		s = Zsh()
	default:
		return fmt.Errorf("unknown shell %q (want %s)", shell, strings.Join(Shells, " or "))
	}
	_, err := io.WriteString(w, s)
	return err
}
