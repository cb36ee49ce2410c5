// Package doctor implements `ipvsadm doctor`: it says why an LVS setup
// does not work, with evidence and the command that fixes it. Most broken
// setups have a correct IPVS table; the mistake is in forwarding, routes,
// ARP or the real servers, and that is what doctor looks at.
//
// Two modes:
//
//   - On a director (the default), for every virtual service or the one
//     given as in -L (-t|-u|--sctp-service VIP:port, -f mark): the VIP is
//     local, the scheduler exists, weights and thresholds let some real
//     server take connections, a backup sync daemon; per real server, by
//     forwarding method, forwarding on and a route to it (NAT), replies
//     coming back through the director (counters and the connection
//     table), a directly connected segment (DR), handshakes that never
//     complete (DR, TUN). --probe adds active checks: who else answers
//     ARP for a DR VIP, and a TCP connect to every real server.
//   - On a real server (--real-server VIP...): arp-prep's checks (ARP
//     sysctls, VIP on lo), reverse-path filters that drop tunnelled or
//     DR packets, a listener for the VIP's port, and with --director DIP
//     (a NAT real server) the default route via the director.
//
// The data path reads one way: Parse (argv → Options) → diagnose (a
// System reads the kernel into a Snapshot, the probes included; pure
// checks turn it into Findings) → FormatText or FormatJSON. The checks are
// package diagnose's, which the exporter shares.
//
// Exit status: 0 nothing failed (warnings allowed), 1 a check failed
// (or doctor could not read what it needs), 2 bad usage.
package doctor
