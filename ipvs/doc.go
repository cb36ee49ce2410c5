// Package ipvs is a generic-netlink client for the Linux IP Virtual Server
// (IPVS) subsystem: services, destinations, timeouts, sync daemons, flush and
// zero, with 64-bit statistics, tunnel attributes and persistence engines.
//
// Errors from the kernel are returned as *Error, which keeps the raw errno so
// callers (the ipvsadm front end) can map them to ipvsadm's messages.
package ipvs
