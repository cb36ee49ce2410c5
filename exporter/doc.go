// Command ipvs_exporter serves the Linux IPVS table to Prometheus: per
// virtual service and per real server the kernel's 64-bit connection,
// packet and byte counters, the connection gauges, weights and
// thresholds, the connection table size, the sync daemons, and
// `ipvsadm doctor`'s director checks as ipvs_check (see package
// collector for the metrics, ipvs_exporter(8) for the options).
//
// It is a binary of its own, in a Go module of its own, so that
// client_golang, exporter-toolkit and their dependencies (and their
// package initialisers) stay out of ipvsadm, which every script calls.
//
// The table is read at scrape time on the main thread, which --netns
// moves into the named network namespace; the HTTP server listens from a
// thread kept in the namespace the exporter started in.
package main
