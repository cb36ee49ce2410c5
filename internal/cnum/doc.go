// Package cnum is the digit loop of C's strtoul, shared by the two places
// that read numbers as C does: the command line's (package grammar:
// strtol, strtoul, inet_aton) and /proc/net/ip_vs_conn's (package conntab:
// sscanf). The callers keep their own signs, prefixes and overflow rules.
package cnum
