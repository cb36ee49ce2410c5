// Package completion generates bash and zsh completion scripts for ipvsadm.
//
// Both scripts come from ipvsadm's option table (Options and the value
// lists such as Schedulers) and from the subcommands' descriptors
// (cli.Command: options, their values, operands), which the program
// passes in from its registry; the package imports no front end. Tests
// check the table against the grammar's option table (internal/grammar),
// the additions `ipvsadm help` lists (internal/about), the ipvs package's
// value names and the man page, so the completion, help, the man page and
// the option grammar cannot drift apart silently. The scripts are self-contained: the bash one needs no
// bash-completion helpers, the zsh one only zsh's own _arguments.
package completion
