package cmd

import "io"

// Main runs one ipvsadm invocation and returns its exit status.
// args[0] is the program name, used in messages as ipvsadm uses argv[0].
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// Filled in by the run/format work: open ipvs, dispatch on args.
	_ = stdin
	_, _ = io.WriteString(stderr, "ipvsadm: not implemented yet\n")
	return 2
}
