package completion

import (
	"fmt"
	"io"
	"strings"
)

// Usage is printed for --help.
const Usage = `Usage: ipvsadm completion bash|zsh
Print the completion script of bash or zsh for ipvsadm, ipvsadm-save and
ipvsadm-restore on standard output.
`

// Main runs "ipvsadm completion SHELL"; args are the words after
// "completion" (os.Args[2:]), like arpprep.Run's. It prints the script to
// stdout and returns 0, or prints one line to stderr and returns 2.
func Main(args []string, stdout, stderr io.Writer) int {
	fail := func(msg string) int {
		fmt.Fprintf(stderr, "ipvsadm completion: %s (see ipvsadm completion --help)\n", msg)
		return 2
	}
	switch {
	case len(args) == 1 && (args[0] == "-h" || args[0] == "--help"):
		io.WriteString(stdout, Usage)
		return 0
	case len(args) == 0:
		return fail("no shell given; want " + strings.Join(Shells, " or "))
	case len(args) > 1:
		return fail("one shell only")
	}
	if err := Write(stdout, args[0]); err != nil {
		return fail(err.Error())
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
		return fmt.Errorf("unknown shell %q; want %s", shell, strings.Join(Shells, " or "))
	}
	_, err := io.WriteString(w, s)
	return err
}
