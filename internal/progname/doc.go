// Package progname gives the ipvsadm binary the behaviour of ipvsadm-save and
// ipvsadm-restore when it is invoked under those names (through symlinks,
// as distributions ship the two scripts beside ipvsadm).
//
// It reproduces ipvsadm 1.31's two shell scripts:
//
//   - ipvsadm-save [-n] runs "ipvsadm -S [-n]". Any other argument that
//     starts with "-" prints a two-line help to stderr and exits 1;
//     arguments not starting with "-" are ignored.
//   - ipvsadm-restore ignores its arguments, drops the lines of stdin that
//     start with "#", runs "ipvsadm -C" (its status is ignored, as the
//     script ignores it) and then feeds the rest to "ipvsadm -R", whose
//     status is the result. Like the script's $(...) and echo, trailing
//     newlines are trimmed and exactly one is added back.
//
// Both run ipvsadm with argv[0] "ipvsadm", as the scripts do by calling it
// through PATH, so messages name ipvsadm just as theirs do.
package progname
