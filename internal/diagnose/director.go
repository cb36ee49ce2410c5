package diagnose

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/lvsgo/ipvsadm/internal/sysctl"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// Director runs every director check on s, in a fixed order: the host
// (sync daemons, forwarding), then each service (its VIP, scheduler,
// weights and thresholds, ARP for its VIP) and each of its real servers
// (route, neighbour, replies or handshakes, the connect probe). It reads
// only s.
func Director(s *Snapshot) []Finding {
	s.index()
	// Room for the usual findings, a few a service and two a real
	// server: at 40,000 real servers, growing the slice was a fifth of
	// what the checks allocated.
	n := 4 * len(s.Services)
	for _, svc := range s.Services {
		n += 2 * len(svc.Dests)
	}
	out := make([]Finding, 0, n)
	out = append(out, checkSyncDaemons(s.Daemons)...)
	out = append(out, checkForwarding(s)...)
	out = append(out, checkConnTable(s)...)
	if len(s.Services) == 0 {
		out = append(out, Finding{Status: Warn, Check: "services",
			Message: "the IPVS table has no virtual services: nothing to check",
			Fix:     []string{"ipvsadm -A -t VIP:PORT -s wlc"}})
	}
	arpDone := map[ARPKey]bool{}
	for _, svc := range s.Services {
		out = append(out, checkVIP(s, svc)...)
		out = append(out, checkScheduler(s, svc)...)
		out = append(out, checkWeights(svc)...)
		out = append(out, checkThresholds(svc)...)
		// One VIP serves several ports: who answers ARP for it is said once.
		var keys []ARPKey
		for _, f := range checkARPProbe(s, svc) {
			k := ARPKey{svc.Address, f.dev}
			if !arpDone[k] {
				out = append(out, f.Finding)
			}
			keys = append(keys, k)
		}
		for _, k := range keys {
			arpDone[k] = true
		}
		for _, d := range svc.Dests {
			out = append(out, checkDest(s, svc, d)...)
		}
	}
	return out
}

func key(parts ...string) string { return sysctl.Key(parts).String() }

// checkSyncDaemons: a backup daemon means this is a backup director,
// whose table traffic usually does not hit.
func checkSyncDaemons(ds []ipvs.Daemon) []Finding {
	var out []Finding
	for _, d := range ds {
		switch d.State.Role() {
		case ipvs.StateBackup:
			out = append(out, Finding{Status: Warn, Check: "sync-daemon",
				Message: fmt.Sprintf("a backup sync daemon runs here (mcast-interface %s, syncid %d): this is a backup director, and traffic usually hits the master's table, not this one",
					d.McastIfn, d.SyncID)})
		case ipvs.StateMaster:
			out = append(out, Finding{Status: OK, Check: "sync-daemon",
				Message: fmt.Sprintf("master sync daemon on %s, syncid %d", d.McastIfn, d.SyncID)})
		}
	}
	return out
}

// checkForwarding: NAT replies are forwarded packets (from the real
// server to the client), so the director must forward, for each family
// with a NAT real server, globally and on each interface toward one.
func checkForwarding(s *Snapshot) []Finding {
	devs := map[ipvs.Family][]string{}
	for _, svc := range s.Services {
		for _, d := range svc.Dests {
			if d.FwdMethod() != ipvs.FwdMasq {
				continue
			}
			f := d.AddrFamily(&svc.Service)
			r := s.Routes[d.Address]
			if _, ok := devs[f]; !ok {
				devs[f] = nil
			}
			if r.Type == RouteUnicast && r.Dev != "" && !slices.Contains(devs[f], r.Dev) {
				devs[f] = append(devs[f], r.Dev)
			}
		}
	}
	var out []Finding
	for _, fam := range []ipvs.Family{ipvs.AFInet, ipvs.AFInet6} {
		ds, ok := devs[fam]
		if !ok {
			continue
		}
		ver, global := "ipv4", forwardingKey(fam)
		if fam == ipvs.AFInet6 {
			ver = "ipv6"
		}
		v, have := s.Sysctls[global]
		switch {
		case !have:
			out = append(out, Finding{Status: Warn, Check: "forwarding",
				Message: fmt.Sprintf("%s: cannot read it; NAT needs forwarding on", global)})
			continue
		case v == "0":
			out = append(out, Finding{Status: Fail, Check: "forwarding",
				Message: fmt.Sprintf("%s forwarding is off (%s = 0): the real servers' replies to clients are dropped here", ver, global),
				Fix:     []string{fmt.Sprintf("sysctl -w %s=1", global)}})
			continue
		}
		out = append(out, Finding{Status: OK, Check: "forwarding",
			Message: fmt.Sprintf("%s forwarding is on (%s = %s)", ver, global, v)})
		slices.Sort(ds)
		for _, dev := range ds {
			k := key("net", ver, "conf", dev, "forwarding")
			if v, have := s.Sysctls[k]; have && v == "0" {
				out = append(out, Finding{Status: Fail, Check: "forwarding",
					Message: fmt.Sprintf("forwarding is off on %s (%s = 0), the interface toward NAT real servers: their replies are dropped", dev, k),
					Fix:     []string{fmt.Sprintf("sysctl -w %s=1", k)}})
			}
		}
	}
	return out
}

// checkVIP: IPVS sees only packets delivered locally, so an address
// service's VIP must be a local address (or in a local route).
func checkVIP(s *Snapshot, svc Service) []Finding {
	if svc.FWMark != 0 {
		return nil
	}
	name := ServiceName(svc.Service)
	r := s.Routes[svc.Address]
	if r.Type == RouteLocal {
		return []Finding{{Status: OK, Check: "vip-local", Service: name,
			Message: fmt.Sprintf("%s is a local address", svc.Address)}}
	}
	dev := r.Dev
	if dev == "" {
		dev = "IFACE"
	}
	how := "routed elsewhere"
	switch {
	case r.Type == RouteNone:
		how = "unroutable"
		if r.Err != "" {
			how += " (" + r.Err + ")"
		}
	case r.Gateway.IsValid():
		how = fmt.Sprintf("routed via %s dev %s", r.Gateway, r.Dev)
	case r.Dev != "":
		how = "routed out of " + r.Dev
	}
	return []Finding{{Status: Fail, Check: "vip-local", Service: name,
		Message: svc.Address.String() + " is not a local address of this director (" + how + "): IPVS never sees packets for it",
		Fix:     []string{"ip addr add " + netip.PrefixFrom(svc.Address, svc.Address.BitLen()).String() + " dev " + dev}}}
}

// checkScheduler: the scheduler's (and persistence engine's) module is
// loaded or built in. The kernel refuses a service whose scheduler it
// cannot load, so this fails only when the module went missing on disk
// after all (a kernel upgrade), which a restore would then trip over.
func checkScheduler(s *Snapshot, svc Service) []Finding {
	var out []Finding
	name := ServiceName(svc.Service)
	for _, m := range []struct{ what, val, mod string }{
		{"scheduler", svc.Scheduler, "ip_vs_" + svc.Scheduler},
		{"persistence engine", svc.PEName, "ip_vs_pe_" + svc.PEName},
	} {
		if m.val == "" {
			continue
		}
		st := s.Modules[m.mod]
		switch st {
		case ModLoaded, ModBuiltin:
			out = append(out, Finding{Status: OK, Check: "scheduler", Service: name,
				Message: m.what + " " + m.val + ": module " + m.mod + " " + st.String()})
		case ModLoadable:
			out = append(out, Finding{Status: OK, Check: "scheduler", Service: name,
				Message: fmt.Sprintf("%s %s: module %s loadable", m.what, m.val, m.mod)})
		case ModMissing:
			out = append(out, Finding{Status: Fail, Check: "scheduler", Service: name,
				Message: fmt.Sprintf("%s %s: no module %s (not loaded, not built in, not in modules.dep): the kernel cannot set it up again", m.what, m.val, m.mod),
				Fix:     []string{fmt.Sprintf("ipvsadm -E %s -s wlc", serviceOption(svc.Service))}})
		}
	}
	return out
}

// checkWeights: with no real server, or every weight 0, no new
// connection is scheduled.
func checkWeights(svc Service) []Finding {
	name := ServiceName(svc.Service)
	if len(svc.Dests) == 0 {
		return []Finding{{Status: Fail, Check: "weights", Service: name,
			Message: "no real servers: new connections are refused",
			Fix:     []string{fmt.Sprintf("ipvsadm -a %s -r RIP -m|-g|-i", serviceOption(svc.Service))}}}
	}
	n := 0
	for _, d := range svc.Dests {
		if d.Weight > 0 {
			n++
		}
	}
	if n > 0 {
		return []Finding{{Status: OK, Check: "weights", Service: name,
			Message: strconv.Itoa(n) + " of " + strconv.Itoa(len(svc.Dests)) + " real servers take new connections (weight > 0)"}}
	}
	f := Finding{Status: Fail, Check: "weights", Service: name,
		Message: fmt.Sprintf("every real server has weight 0 (%d of them): no new connection is scheduled", len(svc.Dests))}
	for _, d := range svc.Dests {
		f.Fix = append(f.Fix, editCommand(svc.Service, d, 1, d.UpperThreshold, d.LowerThreshold))
	}
	return []Finding{f}
}

// atThreshold says whether d's connections reached its upper threshold,
// where the kernel stops giving it new ones.
func atThreshold(d ipvs.Destination) bool {
	return d.UpperThreshold > 0 && uint64(d.ActiveConns)+uint64(d.InactConns) >= uint64(d.UpperThreshold)
}

// checkThresholds: real servers at their upper threshold (-x) take no
// new connections; when all that have weight are, none is scheduled.
func checkThresholds(svc Service) []Finding {
	if !slices.ContainsFunc(svc.Dests, func(d ipvs.Destination) bool { return d.UpperThreshold > 0 }) {
		return nil // most tables: nothing to say, nothing to copy
	}
	name := ServiceName(svc.Service)
	var live, full []ipvs.Destination
	set := false
	for _, d := range svc.Dests {
		set = set || d.UpperThreshold > 0
		if d.Weight <= 0 {
			continue
		}
		live = append(live, d)
		if atThreshold(d) {
			full = append(full, d)
		}
	}
	if !set || len(live) == 0 {
		return nil
	}
	evidence := func(d ipvs.Destination) string {
		return fmt.Sprintf("%s %d/%d", DestName(d), d.ActiveConns+d.InactConns, d.UpperThreshold)
	}
	if len(full) == len(live) {
		f := Finding{Status: Fail, Check: "thresholds", Service: name}
		var ev []string
		for _, d := range full {
			ev = append(ev, evidence(d))
			f.Fix = append(f.Fix, editCommand(svc.Service, d, d.Weight, 0, 0))
		}
		f.Message = "every real server with weight is at its upper threshold (-x), so none takes new connections: " + strings.Join(ev, ", ")
		return []Finding{f}
	}
	var out []Finding
	for _, d := range full {
		out = append(out, Finding{Status: Warn, Check: "thresholds", Service: name, Server: DestName(d),
			Message: fmt.Sprintf("at its upper threshold (%d connections, -x %d): takes no new connections", d.ActiveConns+d.InactConns, d.UpperThreshold)})
	}
	if len(out) == 0 {
		out = append(out, Finding{Status: OK, Check: "thresholds", Service: name,
			Message: "no real server is at its upper threshold"})
	}
	return out
}

// arpFinding is a finding of the ARP probe and the interface it was on.
type arpFinding struct {
	Finding
	dev string
}

// checkARPProbe: with --probe, anyone but this director who answers ARP
// for a DR service's VIP on the segment of its real servers steals the
// clients' packets from the director. Their MAC is mapped to an address
// by the neighbour table read after the probes.
func checkARPProbe(s *Snapshot, svc Service) []arpFinding {
	if s.Probes == nil || svc.FWMark != 0 || !svc.Address.Is4() {
		return nil
	}
	var out []arpFinding
	name := ServiceName(svc.Service)
	var devs []string
	for _, d := range svc.Dests {
		r := s.Routes[d.Address]
		if d.FwdMethod() == ipvs.FwdDirect && r.Type == RouteUnicast && !slices.Contains(devs, r.Dev) {
			devs = append(devs, r.Dev)
		}
	}
	for _, dev := range devs {
		res, ok := s.Probes.ARP[ARPKey{svc.Address, dev}]
		if !ok {
			continue
		}
		if res.Err != "" {
			out = append(out, arpFinding{Finding{Status: Warn, Check: "arp-owner", Service: name,
				Message: fmt.Sprintf("ARP probe for %s on %s failed: %s", svc.Address, dev, res.Err)}, dev})
			continue
		}
		others := 0
		for _, mac := range res.Replies {
			if strings.EqualFold(mac, res.OwnMAC) {
				continue
			}
			others++
			host := s.macOwner(mac, dev, svc.Address)
			who := mac
			f := Finding{Status: Fail, Check: "arp-owner", Service: name,
				Fix: []string{"ipvsadm arp-prep " + svc.Address.String()}}
			if host.IsValid() {
				who = fmt.Sprintf("%s (%s)", host, mac)
				f.FixOn = host.String()
				for _, d := range svc.Dests {
					if d.Address == host {
						f.Server = DestName(d)
					}
				}
			} else {
				f.FixOn = "the host with MAC " + mac
			}
			f.Message = fmt.Sprintf("%s answers ARP for the VIP %s on %s: clients send to it, bypassing the director", who, svc.Address, dev)
			out = append(out, arpFinding{f, dev})
		}
		if others == 0 {
			out = append(out, arpFinding{Finding{Status: OK, Check: "arp-owner", Service: name,
				Message: fmt.Sprintf("no other host answers ARP for %s on %s", svc.Address, dev)}, dev})
		}
	}
	return out
}

// macOwner is the address the neighbour table has for mac on dev, other
// than the VIP itself; zero when it has none.
func (s *Snapshot) macOwner(mac, dev string, vip netip.Addr) netip.Addr {
	for _, n := range s.Neighbours {
		if strings.EqualFold(n.MAC, mac) && n.Dev == dev && n.Addr != vip && n.Addr.Is4() {
			return n.Addr
		}
	}
	return netip.Addr{}
}

// checkDest runs the checks of one real server that fit its forwarding
// method.
func checkDest(s *Snapshot, svc Service, d ipvs.Destination) []Finding {
	r := s.Routes[d.Address]
	m := d.FwdMethod()
	var out []Finding
	if m != ipvs.FwdMasq && m != ipvs.FwdDirect && m != ipvs.FwdTunnel {
		return checkTCPProbe(s, svc, d)
	}
	route := checkRoute(svc, d, r)
	out = append(out, route)
	if route.Status == Fail {
		return append(out, checkTCPProbe(s, svc, d)...)
	}
	if f, bad := checkNeighbour(s, svc, d, r); bad {
		out = append(out, f)
	} else {
		switch m {
		case ipvs.FwdMasq:
			out = append(out, checkNATReplies(s, svc, d, r)...)
		default:
			out = append(out, checkHandshakes(s, svc, d)...)
		}
	}
	return append(out, checkTCPProbe(s, svc, d)...)
}

// checkRoute: the director must reach each real server; by direct
// routing only on a directly connected segment (it rewrites just the
// destination MAC), by NAT and tunnelling by any route.
func checkRoute(svc Service, d ipvs.Destination, r Route) Finding {
	f := Finding{Check: "route", Service: ServiceName(svc.Service), Server: DestName(d)}
	switch {
	case r.Type == RouteNone:
		f.Status, f.Check = Fail, "route"
		// Concatenated, not Sprintf'd: at 40,000 real servers this
		// is most of the checks' time.
		f.Message = "no route to " + d.Address.String()
		if r.Err != "" {
			f.Message += " (" + r.Err + ")"
		}
		f.Fix = []string{"ip route add " + netip.PrefixFrom(d.Address, d.Address.BitLen()).String() + " via GATEWAY"}
	case r.Type == RouteLocal:
		f.Status, f.Message = OK, fmt.Sprintf("%s is an address of this director", d.Address)
	case d.FwdMethod() == ipvs.FwdDirect && r.Gateway.IsValid():
		f.Status, f.Check = Fail, "dr-segment"
		f.Message = fmt.Sprintf("not on a segment of this director: reached via the gateway %s (dev %s), and direct routing only reaches hosts on a directly connected segment",
			r.Gateway, r.Dev)
		f.Fix = []string{editCommand(svc.Service, withMethod(d, ipvs.FwdTunnel), d.Weight, d.UpperThreshold, d.LowerThreshold)}
	case d.FwdMethod() == ipvs.FwdDirect:
		f.Status, f.Check = OK, "dr-segment"
		f.Message = fmt.Sprintf("on the directly connected segment of %s", r.Dev)
	case r.Gateway.IsValid():
		f.Status, f.Message = OK, fmt.Sprintf("reached via %s dev %s, from %s", r.Gateway, r.Dev, r.Src)
	default:
		f.Status, f.Message = OK, fmt.Sprintf("reached on dev %s, from %s", r.Dev, r.Src)
	}
	return f
}

func withMethod(d ipvs.Destination, m ipvs.ForwardMethod) ipvs.Destination {
	d.ConnFlags = d.ConnFlags&^ipvs.FwdMask | uint32(m)
	return d
}

// checkNeighbour: a next hop whose ARP (ND) failed is down or not where
// the route says.
func checkNeighbour(s *Snapshot, svc Service, d ipvs.Destination, r Route) (Finding, bool) {
	hop := d.Address
	if r.Gateway.IsValid() {
		hop = r.Gateway
	}
	for _, n := range s.neighboursOf(hop) {
		if n.Dev != r.Dev || (n.State != NeighFailed && n.State != NeighIncomplete) {
			continue
		}
		f := Finding{Status: Fail, Check: "neighbour", Service: ServiceName(svc.Service), Server: DestName(d),
			FixOn: hop.String()}
		what := "it"
		if hop != d.Address {
			what = "the gateway " + hop.String()
		}
		f.Message = fmt.Sprintf("%s does not answer ARP on %s (neighbour %s): %s is down or not on that segment", hop, r.Dev, n.State, what)
		f.Fix = []string{fmt.Sprintf("bring %s up on the segment of %s", hop, r.Dev)}
		return f, true
	}
	return Finding{}, false
}

// checkNATReplies: by NAT the replies must come back through the
// director. A real server that routes them elsewhere leaves the
// director's connections in SYN_RECV and its counters without outbound
// packets. The connection table is current; the counters lag by up to
// two seconds, so they speak only when the table has no TCP entry of the
// server. For UDP only the counters tell, and some UDP services never
// answer: there it is a warning.
func checkNATReplies(s *Snapshot, svc Service, d ipvs.Destination, r Route) []Finding {
	if v := s.Sysctls[forwardingKey(d.AddrFamily(&svc.Service))]; v == "0" {
		return nil // the forwarding finding says why replies are lost
	}
	f := Finding{Check: "nat-replies", Service: ServiceName(svc.Service), Server: DestName(d)}
	ev := destConns(s, svc, d)
	st := d.Stats
	counters := fmt.Sprintf("%d conns, %d in, %d out packets", st.Conns, st.InPkts, st.OutPkts)
	switch {
	case ev.failing(st.OutPPS == 0):
		f.Status = ev.status()
		f.Message = "replies bypass the director: " + ev.String() + "; " + counters
	case ev.n == 0 && st.Conns > 0 && st.InPkts > 0 && st.OutPkts == 0:
		f.Status = Fail
		if svc.Protocol == ipvs.UDP {
			f.Status = Warn
		}
		f.Message = "replies bypass the director: " + counters
	case ev.n == 0 && st.Conns == 0:
		f.Status, f.Message = OK, "no connections yet: replies not judged"
		return []Finding{f}
	case ev.n == 0:
		f.Status, f.Message = OK, "replies come back: "+counters
		return []Finding{f}
	default:
		f.Status = OK
		f.Message = fmt.Sprintf("replies come back: %d of %d connections past SYN_RECV; %s", ev.n-ev.stuck, ev.n, counters)
		return []Finding{f}
	}
	f.FixOn = d.Address.String()
	if r.Gateway.IsValid() {
		f.Message += fmt.Sprintf(" (it is reached via %s: its replies to clients must be routed back to %s)", r.Gateway, r.Src)
		f.Fix = []string{fmt.Sprintf("route replies to clients back through this director (%s)", r.Src)}
	} else {
		f.Fix = []string{"ip route replace default via " + r.Src.String()}
	}
	return []Finding{f}
}

func forwardingKey(f ipvs.Family) string {
	if f == ipvs.AFInet6 {
		return key("net", "ipv6", "conf", "all", "forwarding")
	}
	return key("net", "ipv4", "ip_forward")
}

// checkHandshakes: by DR and tunnelling the director sees only what the
// client sends. A real server that drops the packets (no VIP on lo,
// tunnel down, reverse-path filter) leaves its connections in SYN_RECV:
// the client never gets to send its ACK.
func checkHandshakes(s *Snapshot, svc Service, d ipvs.Destination) []Finding {
	ev := destConns(s, svc, d)
	f := Finding{Status: OK, Check: "handshakes", Service: ServiceName(svc.Service), Server: DestName(d)}
	switch {
	case ev.n == 0:
		f.Message = "no TCP connections yet: handshakes not judged"
		return []Finding{f}
	case !ev.failing(true):
		f.Message = fmt.Sprintf("handshakes complete: %d of %d connections past SYN_RECV", ev.n-ev.stuck, ev.n)
		return []Finding{f}
	}
	f.Status, f.FixOn = ev.status(), d.Address.String()
	f.Message = "clients' handshakes never complete: " + ev.String() +
		" (the real server drops packets for the VIP, or nothing answers there)"
	port := d.Port
	if svc.FWMark == 0 {
		port = svc.Port
	}
	check := "ipvsadm doctor --real-server"
	if d.FwdMethod() == ipvs.FwdTunnel {
		check += " --tunnel " + d.TunType.String()
	}
	prep := "ipvsadm arp-prep"
	for _, v := range ev.vips {
		prep += " " + v.String()
		if port != 0 {
			check += " " + netip.AddrPortFrom(v, port).String()
		} else {
			check += " " + v.String()
		}
	}
	f.Fix = []string{prep, check}
	return []Finding{f}
}

// checkTCPProbe: with --probe, a TCP connect to the real server: a reset
// means nothing listens, silence that it is down or filtered. UDP and
// SCTP servers, and port 0 (a fwmark service's "any port"), are not
// probed.
func checkTCPProbe(s *Snapshot, svc Service, d ipvs.Destination) []Finding {
	if s.Probes == nil {
		return nil
	}
	res, ok := s.Probes.TCP[netip.AddrPortFrom(d.Address, d.Port)]
	if !ok {
		return nil
	}
	f := Finding{Check: "listen", Service: ServiceName(svc.Service), Server: DestName(d), FixOn: d.Address.String()}
	switch res.Outcome {
	case TCPOpen:
		f.Status, f.FixOn = OK, ""
		f.Message = "accepts TCP connections (probe)"
	case TCPRefused:
		f.Status = Fail
		f.Message = fmt.Sprintf("nothing listens on %s: the connection was refused (probe)", DestName(d))
		f.Fix = []string{fmt.Sprintf("start the service on TCP port %d", d.Port)}
	case TCPTimeout:
		f.Status = Fail
		f.Message = "no answer to a TCP connect within the probe's time: down, or a firewall drops it (probe)"
	case TCPError:
		f.Status = Fail
		f.Message = fmt.Sprintf("TCP connect failed: %s (probe)", res.Err)
	default:
		f.Status, f.FixOn = Warn, ""
		f.Message = "not probed: the probes' time budget ran out"
	}
	return []Finding{f}
}
