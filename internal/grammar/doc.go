// Package grammar reads ipvsadm 1.31 command lines: the popt scanner
// (clusters, attached values, "-p [timeout]", "--", the "!#:+" macro), the
// option table (each row with its bit and list format), the checks
// ipvsadm makes before it calls the kernel, and C's number and address
// parsing (strtol, inet_aton, inet_pton). Parse turns one command line
// into a Request, or into an Exit with ipvsadm's exact words and status;
// ReadRestoreLine splits -R input into command lines.
//
// It changes nothing and prints nothing: the front end (internal/ipvsadm)
// and apply both run what it returns.
package grammar
