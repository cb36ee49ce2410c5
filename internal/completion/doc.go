// Package completion generates bash and zsh completion scripts for ipvsadm.
//
// Both scripts come from one typed table (Options, Subcommands and the value
// lists such as Schedulers). Tests check it against the grammar's option
// table (internal/grammar), the list of additions `ipvsadm help` prints
// (internal/about), the ipvs package's value names and the man page, so
// the completion, help, the man page and the option grammar cannot drift
// apart silently. The scripts are self-contained: the bash one needs no
// bash-completion helpers, the zsh one only zsh's own _arguments.
package completion
