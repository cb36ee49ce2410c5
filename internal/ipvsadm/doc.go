// Package cmd is the ipvsadm front end: it parses an ipvsadm 1.31 command
// line (popt grammar included) into a Request, runs it against the kernel
// through package ipvs, and prints ipvsadm's exact output and errors.
//
// The data path reads one way: argv → Parse → Request → Run (ipvs) → format → stdout.
package ipvsadm
