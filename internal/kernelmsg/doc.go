// Package kernelmsg is ipvsadm 1.31's words for what the kernel refused:
// ipvs_strerror's table, keyed on the call that failed (Op), then glibc's
// strerror text. The ipvsadm front end prints them, and the additions that
// must say what -L would (an unknown service for doctor and top) take them
// from here.
package kernelmsg
