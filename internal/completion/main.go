package completion

import (
	"fmt"
	"io"
	"strings"
)

// Main runs "ipvsadm completion SHELL"; args are the words after
// "completion" (os.Args[2:]), like arpprep.Run's. It prints the script to
// stdout and returns 0, or prints one line to stderr and returns 2.
func Main(args []string, stdout, stderr io.Writer) int {
	usage := "usage: ipvsadm completion " + strings.Join(Shells, "|")
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprintln(stdout, usage)
		return 0
	}
	if len(args) != 1 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	if err := Write(stdout, args[0]); err != nil {
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
