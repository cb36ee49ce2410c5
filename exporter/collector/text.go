package collector

import (
	"slices"
	"strconv"

	"github.com/lvsgo/ipvsadm/internal/diagnose"
	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/show"
	"github.com/lvsgo/ipvsadm/internal/table"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// ContentType is the exposition format AppendText writes (Prometheus'
// text format 0.0.4).
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// family is one metric of a service or real server: its name (after
// "ipvs_"), type, help and value.
type family struct {
	name, typ, help string
	svc             func(s *ipvs.Service) uint64
	dest            func(d *ipvs.Destination) uint64
	gaugeInt        func(d *ipvs.Destination) int64 // a signed gauge (weight)
}

var serviceFamilies = []family{
	{name: "service_persistence_timeout_seconds", typ: "gauge",
		help: "Persistence timeout of the service, 0 when it is not persistent.",
		svc: func(s *ipvs.Service) uint64 {
			if s.Flags&ipvs.SvcPersistent == 0 {
				return 0
			}
			return uint64(s.Timeout)
		}},
	{name: "service_connections_total", typ: "counter", help: "Connections scheduled to the service.",
		svc: func(s *ipvs.Service) uint64 { return s.Stats.Conns }},
	{name: "service_incoming_packets_total", typ: "counter", help: "Packets from clients to the service.",
		svc: func(s *ipvs.Service) uint64 { return s.Stats.InPkts }},
	{name: "service_outgoing_packets_total", typ: "counter",
		help: "Packets from the service to clients through this host (NAT: all of them; DR and TUN: none).",
		svc:  func(s *ipvs.Service) uint64 { return s.Stats.OutPkts }},
	{name: "service_incoming_bytes_total", typ: "counter", help: "Bytes from clients to the service.",
		svc: func(s *ipvs.Service) uint64 { return s.Stats.InBytes }},
	{name: "service_outgoing_bytes_total", typ: "counter",
		help: "Bytes from the service to clients through this host (NAT: all of them; DR and TUN: none).",
		svc:  func(s *ipvs.Service) uint64 { return s.Stats.OutBytes }},
}

var destFamilies = []family{
	{name: "server_connections_total", typ: "counter", help: "Connections scheduled to the real server.",
		dest: func(d *ipvs.Destination) uint64 { return d.Stats.Conns }},
	{name: "server_incoming_packets_total", typ: "counter", help: "Packets from clients forwarded to the real server.",
		dest: func(d *ipvs.Destination) uint64 { return d.Stats.InPkts }},
	{name: "server_outgoing_packets_total", typ: "counter", help: "Packets from the real server to clients through this host.",
		dest: func(d *ipvs.Destination) uint64 { return d.Stats.OutPkts }},
	{name: "server_incoming_bytes_total", typ: "counter", help: "Bytes from clients forwarded to the real server.",
		dest: func(d *ipvs.Destination) uint64 { return d.Stats.InBytes }},
	{name: "server_outgoing_bytes_total", typ: "counter", help: "Bytes from the real server to clients through this host.",
		dest: func(d *ipvs.Destination) uint64 { return d.Stats.OutBytes }},
	{name: "server_active_connections", typ: "gauge", help: "Active connections of the real server (-L's ActiveConn).",
		dest: func(d *ipvs.Destination) uint64 { return uint64(d.ActiveConns) }},
	{name: "server_inactive_connections", typ: "gauge", help: "Inactive connections of the real server (-L's InActConn).",
		dest: func(d *ipvs.Destination) uint64 { return uint64(d.InactConns) }},
	{name: "server_persistent_connections", typ: "gauge", help: "Persistence templates of the real server (-L's PersistConn).",
		dest: func(d *ipvs.Destination) uint64 { return uint64(d.PersistConns) }},
	{name: "server_weight", typ: "gauge", help: "Weight of the real server; 0 takes no new connections.",
		gaugeInt: func(d *ipvs.Destination) int64 { return int64(d.Weight) }},
	{name: "server_upper_threshold", typ: "gauge", help: "Upper connection threshold of the real server (-x), 0 for none.",
		dest: func(d *ipvs.Destination) uint64 { return uint64(d.UpperThreshold) }},
	{name: "server_lower_threshold", typ: "gauge", help: "Lower connection threshold of the real server (-y), 0 for none.",
		dest: func(d *ipvs.Destination) uint64 { return uint64(d.LowerThreshold) }},
}

// names is the service and server labels of a snapshot, made once.
type names struct {
	svc  [][]byte   // `service="TCP 192.0.2.1:80"`
	dest [][][]byte // `service="...",server="192.0.2.11:80"`
}

func labelNames(svcs []table.ServiceDests) names {
	n := names{svc: make([][]byte, len(svcs)), dest: make([][][]byte, len(svcs))}
	for i := range svcs {
		sd := &svcs[i]
		s := appendLabel(nil, "service", serviceName(&sd.Service))
		n.svc[i] = s
		n.dest[i] = make([][]byte, len(sd.Dests))
		for j := range sd.Dests {
			d := append(append([]byte(nil), s...), ',')
			n.dest[i][j] = appendLabel(d, "server", destName(&sd.Dests[j]))
		}
	}
	return n
}

// serviceName and destName are doctor's (and -L -n's) names.
func serviceName(s *ipvs.Service) string  { return diagnose.ServiceName(*s) }
func destName(d *ipvs.Destination) string { return diagnose.DestName(*d) }

// AppendText appends s in the text exposition format.
func (s *Snapshot) AppendText(b []byte) []byte {
	b = header(b, "up", "gauge", "Whether the IPVS table could be read (1) or not (0) at this scrape.")
	if !s.Up {
		return append(b, "ipvs_up 0\n"...)
	}
	b = append(b, "ipvs_up 1\n"...)
	b = header(b, "version_info", "gauge", "The kernel's IPVS version, as ipvsadm -L's header shows it: always 1.")
	b = append(b, "ipvs_version_info{"...)
	b = append(appendLabel(b, "version", s.Info.Version.String()), "} 1\n"...)
	b = header(b, "connection_table_size", "gauge", "Size of the kernel's IPVS connection hash table (ip_vs conn_tab_bits).")
	b = strconv.AppendUint(append(b, "ipvs_connection_table_size "...), uint64(s.Info.ConnTabSize), 10)
	b = header(append(b, '\n'), "services", "gauge", "Number of virtual services.")
	b = strconv.AppendInt(append(b, "ipvs_services "...), int64(len(s.Services)), 10)
	b = append(b, '\n')

	n := labelNames(s.Services)
	b = slices.Grow(b, s.textSize(n))
	b = header(b, "service_info", "gauge", "A virtual service and how it schedules: always 1.")
	for i := range s.Services {
		b = appendServiceInfo(b, n.svc[i], &s.Services[i].Service)
	}
	for _, f := range serviceFamilies {
		b = header(b, f.name, f.typ, f.help)
		for i := range s.Services {
			b = sample(b, f.name, n.svc[i], f.svc(&s.Services[i].Service))
		}
	}
	b = header(b, "server_info", "gauge", "A real server of a service and how it is reached: always 1.")
	for i := range s.Services {
		for j := range s.Services[i].Dests {
			d := &s.Services[i].Dests[j]
			b = append(append(b, "ipvs_server_info{"...), n.dest[i][j]...)
			b = appendLabel(append(b, ','), "forwarding", d.FwdMethod().String())
			var tun string
			if d.FwdMethod() == ipvs.FwdTunnel {
				tun = d.TunType.String()
			}
			b = append(appendLabel(append(b, ','), "tunnel", tun), "} 1\n"...)
		}
	}
	for _, f := range destFamilies {
		b = header(b, f.name, f.typ, f.help)
		for i := range s.Services {
			for j := range s.Services[i].Dests {
				d := &s.Services[i].Dests[j]
				if f.gaugeInt != nil {
					b = sampleInt(b, f.name, n.dest[i][j], f.gaugeInt(d))
				} else {
					b = sample(b, f.name, n.dest[i][j], f.dest(d))
				}
			}
		}
	}
	b = s.appendDaemons(b)
	if s.Checks {
		b = appendChecks(b, s.Findings, s.Probe)
	}
	return b
}

// textSize is about what AppendText writes for s, room made at once: a
// table of 40,000 real servers is 50-60 MB of text, and growing to it by
// doubling copied and faulted in twice that (a scrape's largest cost
// after the kernel's).
func (s *Snapshot) textSize(n names) int {
	const line = len("ipvs_{} 18446744073709551615\n")
	size := 0
	for i := range s.Services {
		size += 200 + len(n.svc[i])
		for _, f := range serviceFamilies {
			size += line + len(f.name) + len(n.svc[i])
		}
		for j := range n.dest[i] {
			size += 40 + len(n.dest[i][j])
			for _, f := range destFamilies {
				size += line + len(f.name) + len(n.dest[i][j])
			}
		}
	}
	if s.Checks {
		for _, f := range s.Findings {
			size += 2 * (len(`ipvs_check_failed{check="",service="",server=""} 0`) + len(f.Check) + len(f.Service) + len(f.Server))
		}
	}
	return size
}

func appendServiceInfo(b, svcLabel []byte, s *ipvs.Service) []byte {
	var proto, addr, port, mark string
	if s.FWMark != 0 {
		mark = strconv.FormatUint(uint64(s.FWMark), 10)
	} else {
		proto, addr, port = s.Protocol.String(), s.Address.String(), strconv.Itoa(int(s.Port))
	}
	j := show.Service(s, nil, grammar.FmtNumeric, nil)
	flags := ""
	for k, f := range j.SchedFlags {
		if k > 0 {
			flags += ","
		}
		flags += f
	}
	b = append(append(b, "ipvs_service_info{"...), svcLabel...)
	for _, l := range [...]struct{ k, v string }{{"family", j.Family}, {"protocol", proto}, {"address", addr},
		{"port", port}, {"fwmark", mark}, {"scheduler", s.Scheduler}, {"flags", flags}, {"pe", s.PEName}} {
		b = appendLabel(append(b, ','), l.k, l.v)
	}
	return append(b, "} 1\n"...)
}

func (s *Snapshot) appendDaemons(b []byte) []byte {
	b = header(b, "sync_daemon_info", "gauge", "A running connection synchronization daemon: always 1.")
	running := map[ipvs.DaemonState]bool{}
	for _, d := range s.Daemons {
		st := d.State.Role()
		if st == ipvs.StateNone {
			continue
		}
		running[st] = true
		b = appendLabel(append(b, "ipvs_sync_daemon_info{"...), "state", st.String())
		b = appendLabel(append(b, ','), "interface", d.McastIfn)
		b = appendLabel(append(b, ','), "syncid", strconv.FormatUint(uint64(d.SyncID), 10))
		b = append(b, "} 1\n"...)
	}
	b = header(b, "sync_daemon_running", "gauge", "Whether a connection synchronization daemon of the state runs (1) or not (0).")
	for _, st := range [...]ipvs.DaemonState{ipvs.StateMaster, ipvs.StateBackup} {
		b = appendLabel(append(b, "ipvs_sync_daemon_running{"...), "state", st.String())
		b = append(b, "} "...)
		b = appendBool(b, running[st])
	}
	return b
}

// appendChecks is one ipvs_check and ipvs_check_failed per check and
// subject; a check that found several things about one subject counts as
// its worst.
func appendChecks(b []byte, fs []diagnose.Finding, probe bool) []byte {
	type key struct{ check, service, server string }
	// A subject's findings mostly follow one another: the map is asked
	// only when the subject changes.
	at := make(map[key]int, len(fs))
	order, worst := make([]key, 0, len(fs)), make([]diagnose.Status, 0, len(fs))
	last := -1
	for _, f := range fs {
		k := key{f.Check, f.Service, f.Server}
		if last < 0 || order[last] != k {
			i, seen := at[k]
			if !seen {
				i = len(order)
				at[k] = i
				order, worst = append(order, k), append(worst, f.Status)
			}
			last = i
		}
		worst[last] = max(worst[last], f.Status)
	}
	labels := func(b []byte, k key) []byte {
		b = appendLabel(b, "check", k.check)
		b = appendLabel(append(b, ','), "service", k.service)
		return append(appendLabel(append(b, ','), "server", k.server), "} "...)
	}
	b = header(b, "check", "gauge", "Whether doctor's check passed (1) or warned or failed (0); ipvsadm doctor says why.")
	for i, k := range order {
		b = appendBool(labels(append(b, "ipvs_check{"...), k), worst[i] == diagnose.OK)
	}
	b = header(b, "check_failed", "gauge", "Whether doctor's check failed (1) rather than passed or warned (0).")
	for i, k := range order {
		b = appendBool(labels(append(b, "ipvs_check_failed{"...), k), worst[i] == diagnose.Fail)
	}
	b = header(b, "checks_probing", "gauge", "Whether the checks send doctor's probes at each scrape (1) or not (0).")
	return appendBool(append(b, "ipvs_checks_probing "...), probe)
}

func header(b []byte, name, typ, help string) []byte {
	b = append(b, "# HELP ipvs_"...)
	b = append(append(append(b, name...), ' '), help...)
	b = append(b, "\n# TYPE ipvs_"...)
	return append(append(append(append(b, name...), ' '), typ...), '\n')
}

// sample is "ipvs_NAME{LABELS} V". A value above 2^53 prints as the
// float64 Prometheus will store (exact to 53 bits, as any client's).
func sample(b []byte, name string, labels []byte, v uint64) []byte {
	b = append(append(append(append(b, "ipvs_"...), name...), '{'), labels...)
	b = append(b, "} "...)
	if v <= 1<<53 {
		b = strconv.AppendUint(b, v, 10)
	} else {
		b = strconv.AppendFloat(b, float64(v), 'g', -1, 64)
	}
	return append(b, '\n')
}

func sampleInt(b []byte, name string, labels []byte, v int64) []byte {
	b = append(append(append(append(b, "ipvs_"...), name...), '{'), labels...)
	return append(strconv.AppendInt(append(b, "} "...), v, 10), '\n')
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "1\n"...)
	}
	return append(b, "0\n"...)
}

// appendLabel is name="value", the value escaped as the format wants
// (backslash, double quote, newline).
func appendLabel(b []byte, name, v string) []byte {
	b = append(append(b, name...), `="`...)
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\\':
			b = append(b, `\\`...)
		case '"':
			b = append(b, `\"`...)
		case '\n':
			b = append(b, `\n`...)
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
