// Package about implements `ipvsadm help` and `ipvsadm version`, the two
// subcommands that tell a user what this ipvsadm is.
//
// help lists what this ipvsadm adds to ipvsadm 1.31: a row for each
// subcommand of the registry it is given (Env.Commands, the program's
// cli.Command descriptors, help's and version's among them), then one for
// each of the other Additions (options, program names); `help WORD`
// prints a subcommand's usage, the text its --help prints. version
// reports our version and commit, the Go toolchain, and the kernel's IPVS
// version when IPVS can be reached. Neither needs IPVS or root, unlike -h
// and -v, which like ipvsadm 1.31's connect to IPVS before they print (and
// stay byte for byte as 1.31 prints them).
//
// It imports no other front end: the subcommands come in as data. The
// texts are pure functions (HelpText, Describe, Info.Text, Info.JSON);
// Help and Version take what they use, the kernel included, as an Env.
// Their errors are one line, "ipvsadm help: ..." or "ipvsadm version: ...",
// with exit status 2.
package about
