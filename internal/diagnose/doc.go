// Package diagnose is the checks of an LVS setup that `ipvsadm doctor`
// prints and the Prometheus exporter serves as metrics: why traffic does
// not flow, with the evidence and the command that fixes it.
//
// On a director, for every virtual service: the VIP is local, the
// scheduler exists, weights and thresholds let some real server take
// connections, a backup sync daemon; per real server, by forwarding
// method, forwarding on and a route to it (NAT), replies coming back
// through the director (counters and the connection table), a directly
// connected segment (DR), handshakes that never complete (DR, TUN);
// optional probes (who else answers ARP for a DR VIP, a TCP connect to
// every real server). On a real server (a Setup): the ARP sysctls, VIPs
// on lo, reverse-path filters, listeners for the VIPs' ports and, behind
// a NAT director, the default route via it.
//
// It reads one way: a System reads the kernel into a Snapshot
// (GatherDirector, GatherRealServer; the probes included), then pure
// checks turn a Snapshot into Findings (Director, RealServer). Nothing
// here changes the system: it loads no module and writes no setting; the
// probes are the only packets it sends. Kernel is the System of this
// host; tests give their own.
package diagnose
