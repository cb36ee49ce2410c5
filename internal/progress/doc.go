// Package progress draws a one-line counter ("restore: 12000/50000 lines")
// on stderr while a long job runs, only when stderr is a terminal: in pipes
// and scripts it writes nothing at all, so output stays byte-identical to
// ipvsadm's.
package progress
