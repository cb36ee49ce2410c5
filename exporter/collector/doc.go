// Package collector is what ipvs_exporter serves: at each scrape it reads
// the IPVS table (ipvsadm.ReadTable, as -L does), the sync daemons and,
// unless turned off, doctor's director checks (Read), and writes them in
// Prometheus' text exposition format (Snapshot.AppendText). Nothing is
// cached between scrapes: Prometheus stores the kernel's own 64-bit
// counters as they were when it asked.
//
// The metrics are written directly rather than through client_golang's
// Registry: at 10,000 services of 4 real servers (530,000 samples) its
// Gather and encoder took 5.3 s a scrape on the development machine,
// sorting and copying label pairs, against some tens of milliseconds for
// ipvsadm -Ln itself; the direct writer keeps a scrape near -Ln's cost.
// client_golang still serves the exporter's own Go and process metrics.
//
// Series are keyed as -L -n names things: the service label is
// "TCP 192.0.2.1:80", "UDP [2001:db8::1]:53" or "FWM 7" (doctor's
// findings name them so too, so ipvs_check joins on it), the server label
// "192.0.2.11:80". What describes a service or real server rather than
// counts it (scheduler, flags, forwarding method) is on the _info series
// only, so that changing a scheduler does not start new counter series.
package collector
