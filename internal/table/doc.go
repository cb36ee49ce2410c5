// Package table is the IPVS table as ipvsadm -L reads and orders it, for
// every front end that shows it (-L and its JSON, top, doctor): Read takes
// every service (or one) with its real servers, and Sort puts them in -L's
// order, which reproduces ipvsadm 1.31's comparators and glibc's merge sort
// exactly (CompareServices, CompareDests, MergeSort).
package table
