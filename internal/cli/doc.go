// Package cli is the one option parser of the subcommands this ipvsadm
// adds (arp-prep, apply, boot, doctor, top, version, ...) and the
// descriptor of each: its word, usage, help line, options and operands.
//
// ipvsadm 1.31's own grammar (popt's, internal/grammar) is not this: a
// subcommand is a word 1.31 refuses as its first argument, and only the
// words after it are read here.
//
// An Option is described once (long name, optional short one, its
// value's name, whether it may be given twice, one help line, what kind
// of value completion offers) and serves three readers: Parse, which
// turns the words into a Result; `ipvsadm help`, which lists each
// Command; and the shell completion, which offers each Command's options
// and values. The program (main.go) holds the list of Commands, each with
// the function that runs it, so dispatch, help and completion cannot name
// different subcommands.
//
// Parse's errors are single lines without a prefix ("option --dev given
// twice"); Fail prints one as the additions do, "ipvsadm WORD: ... (see
// ipvsadm WORD --help)", and returns exit status 2.
package cli
