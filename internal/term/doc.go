// Package term is the program's one test for a terminal: it asks the
// terminal (the TCGETS ioctl, as isatty(3) does), so /dev/null and other
// character devices do not count. The front ends use it to decide stdio's
// buffering as C would, and whether a progress counter may draw.
package term
