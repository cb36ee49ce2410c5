// Package ipvs is a generic-netlink client for the Linux IP Virtual Server
// (IPVS) subsystem: services, destinations, timeouts, sync daemons, flush and
// zero, with 64-bit statistics, tunnel attributes and persistence engines.
//
// Requests carry the same attributes libipvs (ipvsadm 1.31) sends for the
// same operation, so the kernel ends up in the same state either way.
//
// Errors from the kernel are returned as *Error, which keeps the raw errno so
// callers (the ipvsadm front end) can map them to ipvsadm's messages. Open
// fails with *OpenError, whose Errno is the one ipvsadm would print after
// "Can't initialize ipvs: ".
//
// Many changes can go to the kernel at once with Batch (one sendmsg per
// chunk, answers matched by sequence number); EachService and
// EachDestination stream large listings without building them in memory.
//
// API is the whole of what a program needs: the reads, Exec and Batch for
// every change (an Op is one ipvsadm command: -A, -e, --start-daemon, ...),
// and Close; internal/ipvstest fakes it for tests. The package builds on
// every OS Go does, so code that uses its types and API compiles and tests
// anywhere; off Linux, Open fails with ErrNotAvailable.
package ipvs
