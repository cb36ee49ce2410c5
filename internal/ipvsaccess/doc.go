// Package ipvsaccess says in one line why an addition could not open
// IPVS: for want of root, because the kernel has no IPVS, or because the
// ip_vs module is not loaded and the addition loads none. Every addition
// (apply, doctor, top) says it in these words and exits with status 1, so
// a script can tell "cannot use IPVS here" (1) from a bad command line (2).
package ipvsaccess
