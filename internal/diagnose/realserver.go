package diagnose

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/lvsgo/ipvsadm/internal/realserver"
	"github.com/lvsgo/ipvsadm/internal/sysctl"
)

// RealServer runs the real-server checks on s for o's targets. With
// --director the host is a NAT real server: its default route must go
// via the director, and it listens on its own address (the director
// rewrites the destination), so the VIP and ARP checks do not apply.
// Otherwise it is a DR or tunnelling real server: arp-prep's checks,
// reverse-path filters, a listener on the VIP.
func RealServer(s *RSSnapshot, o Setup) []Finding {
	if o.Director.IsValid() {
		out := checkDefaultRoute(s, o.Director)
		return append(out, checkListeners(s, o.Targets, true)...)
	}
	var out []Finding
	out = append(out, checkARPSysctls(s, o.Targets)...)
	out = append(out, checkVIPsOnLo(s, o.Targets)...)
	out = append(out, checkTunnel(s, o.Tunnel)...)
	out = append(out, checkRPFilter(s, o.Tunnel)...)
	return append(out, checkListeners(s, o.Targets, false)...)
}

// checkDefaultRoute: a NAT real server's replies must go back through
// the director, which is what its default route does when it goes via
// the DIP.
func checkDefaultRoute(s *RSSnapshot, dip netip.Addr) []Finding {
	fix := []string{"ip route replace default via " + dip.String()}
	switch {
	case slices.Contains(s.DefaultGateways, dip):
		return []Finding{{Status: OK, Check: "default-route",
			Message: fmt.Sprintf("the default route goes via the director %s (dev %s)", dip, s.DefaultDev)}}
	case s.DefaultDev == "":
		return []Finding{{Status: Fail, Check: "default-route",
			Message: "no IPv4 default route: replies to clients have no way back through the director " + dip.String(),
			Fix:     fix}}
	}
	gws := "none (a device route)"
	if len(s.DefaultGateways) > 0 {
		var g []string
		for _, a := range s.DefaultGateways {
			g = append(g, a.String())
		}
		gws = strings.Join(g, ", ")
	}
	f := Finding{Status: Fail, Check: "default-route",
		Message: fmt.Sprintf("the default route goes via %s (dev %s), not the director %s: replies to clients bypass it and are dropped",
			gws, s.DefaultDev, dip), Fix: fix}
	if s.ToDirector.Type == RouteUnicast && s.ToDirector.Gateway.IsValid() {
		f.Message += fmt.Sprintf("; and %s is not on a segment of this host (reached via %s)", dip, s.ToDirector.Gateway)
	}
	return []Finding{f}
}

// effective is what the kernel uses of an IPv4 conf parameter that it
// takes as the larger of all's and the interface's (arp_ignore,
// arp_announce, rp_filter): the value and its evidence.
func effective(vals map[string]string, param, dev string) (int, string) {
	all, _ := strconv.Atoi(vals[key("net", "ipv4", "conf", "all", param)])
	if dev == "" {
		return all, fmt.Sprintf("all %d", all)
	}
	d, _ := strconv.Atoi(vals[key("net", "ipv4", "conf", dev, param)])
	return max(all, d), fmt.Sprintf("all %d, %s %d", all, dev, d)
}

// checkARPSysctls: arp-prep's settings, judged as the kernel applies
// them: the larger of all's and the interface's value counts, so a host
// with arp_ignore=1 on all alone is fine though arp-prep --check, which
// wants both, says wrong. The interface is the default route's.
func checkARPSysctls(s *RSSnapshot, ts []Target) []Finding {
	var v4 []netip.Addr
	for _, t := range ts {
		if t.Addr.Is4() && !slices.Contains(v4, t.Addr) {
			v4 = append(v4, t.Addr)
		}
	}
	if len(v4) == 0 {
		return nil // IPv6 has no ARP
	}
	vals := map[string]string{}
	for _, st := range s.ARP.Sysctls {
		vals[st.Key.String()] = st.Value
	}
	wanted, err := realserver.Wanted([]string{"all"})
	if err != nil {
		return nil
	}
	var prep []string
	for _, a := range v4 {
		prep = append(prep, a.String())
	}
	fix := []string{"ipvsadm arp-prep " + strings.Join(prep, " ")}
	var out []Finding
	if s.DefaultDev == "" {
		out = append(out, Finding{Status: Warn, Check: "arp-sysctl",
			Message: "no IPv4 default route: the ARP settings of all only were checked (arp-prep needs --dev IFACE here)"})
	}
	for _, w := range wanted {
		param := w.Key[len(w.Key)-1]
		want, _ := strconv.Atoi(w.Value)
		have, ev := effective(vals, param, s.DefaultDev)
		ok := have == want || param == sysctl.ARPIgnore && have == 2 // 2 is stricter still
		f := Finding{Status: OK, Check: "arp-sysctl",
			Message: fmt.Sprintf("%s = %d (%s)", param, have, ev)}
		if !ok {
			f.Status, f.Fix = Fail, fix
			why := "this host answers ARP for the VIP on any interface"
			if param == sysctl.ARPAnnounce {
				why = "this host may announce the VIP in its ARP requests"
			}
			f.Message = fmt.Sprintf("%s = %d (%s), want %d: %s", param, have, ev, want, why)
		}
		out = append(out, f)
	}
	return out
}

// checkVIPsOnLo: arp-prep's address items: each VIP on lo as a host
// address, and nowhere else (on another interface this host answers ARP
// for it whatever the sysctls say).
func checkVIPsOnLo(s *RSSnapshot, ts []Target) []Finding {
	var vips []netip.Addr
	for _, t := range ts {
		if !slices.Contains(vips, t.Addr) {
			vips = append(vips, t.Addr)
		}
	}
	var out []Finding
	for _, it := range realserver.Check(vips, nil, s.ARP) {
		f := Finding{Check: "vip-on-lo", Service: it.Name}
		switch {
		case it.OK:
			f.Status, f.Message = OK, "on lo as "+it.Have
		case it.Have == "":
			f.Status = Fail
			f.Message = fmt.Sprintf("%s is not on lo: this host drops the packets the director sends it for the VIP", it.Name)
			f.Fix = []string{"ipvsadm arp-prep " + it.Name}
		case strings.HasSuffix(it.Have, " dev "+realserver.Loopback):
			f.Status = Warn
			f.Message = fmt.Sprintf("%s is on lo as %s: the whole prefix is local to this host; want %s", it.Name, it.Have, it.Want)
			f.Fix = []string{"ip addr del " + it.Have, "ipvsadm arp-prep " + it.Name}
		default:
			f.Status = Fail
			f.Message = fmt.Sprintf("%s is also %s: this host answers ARP for the VIP there, and clients bypass the director", it.Name, it.Have)
			f.Fix = []string{"ip addr del " + it.Have}
		}
		out = append(out, f)
	}
	return out
}

// tunnelDevs is the device that decapsulates each tunnel type: GUE
// carries IPIP, which fou hands to tunl0.
var tunnelDevs = map[string]string{"ipip": "tunl0", "gue": "tunl0", "gre": "gre0"}

// devModules is the module that makes each decapsulating device.
var devModules = map[string]string{"tunl0": "ipip", "gre0": "ip_gre"}

func (s *RSSnapshot) link(name string) (Link, bool) {
	for _, l := range s.Links {
		if l.Name == name {
			return l, true
		}
	}
	return Link{}, false
}

// checkTunnel: a tunnelling real server needs the decapsulating device
// up (and, for GUE, the fou module). Without --tunnel it is checked when
// tunl0 exists (the ipip module is loaded), as a sign tunnelling is used.
func checkTunnel(s *RSSnapshot, typ string) []Finding {
	if typ == "" {
		if _, ok := s.link("tunl0"); !ok {
			return nil
		}
		typ = "ipip"
	}
	dev := tunnelDevs[typ]
	var out []Finding
	if fou := s.Modules["fou"]; typ == "gue" && fou != ModLoaded && fou != ModBuiltin {
		out = append(out, Finding{Status: Fail, Check: "tunnel",
			Message: "gue: the fou module is not loaded: UDP-encapsulated packets are not unwrapped",
			Fix:     []string{"modprobe fou", "ip fou add port TUN-PORT ipproto 4"}})
	}
	l, ok := s.link(dev)
	switch {
	case !ok:
		devMod := devModules[dev]
		out = append(out, Finding{Status: Fail, Check: "tunnel",
			Message: fmt.Sprintf("%s: no %s device (module %s not loaded): tunnelled packets are dropped", typ, dev, devMod),
			Fix:     []string{"modprobe " + devMod, "ip link set " + dev + " up"}})
	case !l.Up:
		out = append(out, Finding{Status: Fail, Check: "tunnel",
			Message: fmt.Sprintf("%s: %s is down: tunnelled packets are dropped", typ, dev),
			Fix:     []string{"ip link set " + dev + " up"}})
	default:
		out = append(out, Finding{Status: OK, Check: "tunnel", Message: fmt.Sprintf("%s: %s is up", typ, dev)})
	}
	return out
}

// checkRPFilter: a strict reverse-path filter (rp_filter 1, the larger
// of all's and the interface's) drops packets from clients on an
// interface that is not the one this host routes to them by: every
// tunnelled packet on tunl0, and DR packets on any interface but the
// default route's.
func checkRPFilter(s *RSSnapshot, typ string) []Finding {
	var out []Finding
	tun := ""
	if typ != "" {
		tun = tunnelDevs[typ]
	} else if _, ok := s.link("tunl0"); ok {
		tun = "tunl0"
	}
	for _, l := range s.Links {
		if l.Name == "lo" || !l.Up && l.Name != tun {
			continue
		}
		isTun := l.Name == tun
		if !isTun && (s.DefaultDev == "" || l.Name == s.DefaultDev || l.Kind == "ipip" || l.Kind == "gre") {
			continue
		}
		v, ev := effective(s.Sysctls, "rp_filter", l.Name)
		if v != 1 {
			if isTun {
				out = append(out, Finding{Status: OK, Check: "rp-filter",
					Message: fmt.Sprintf("rp_filter on %s = %d (%s): not strict", l.Name, v, ev)})
			}
			continue
		}
		f := Finding{Check: "rp-filter",
			Fix: []string{fmt.Sprintf("sysctl -w %s=2", key("net", "ipv4", "conf", l.Name, "rp_filter"))}}
		if isTun {
			f.Status = Fail
			f.Message = fmt.Sprintf("strict reverse-path filter on %s (%s): decapsulated packets from clients are dropped", l.Name, ev)
		} else {
			f.Status = Warn
			f.Message = fmt.Sprintf("strict reverse-path filter on %s (%s): packets from clients that arrive there are dropped, since the default route is on %s",
				l.Name, ev, s.DefaultDev)
		}
		out = append(out, f)
	}
	return out
}

// checkListeners: something must listen for each target. DR and TUN
// servers receive packets for the VIP, so a socket on the VIP or the
// wildcard; NAT servers get them for their own address, so any socket
// on the port but a loopback one does. Without a port, the ports that do
// listen are listed.
func checkListeners(s *RSSnapshot, ts []Target, nat bool) []Finding {
	var out []Finding
	for _, t := range ts {
		var on, elsewhere []string
		var ports []int
		for _, l := range s.Listeners {
			match := nat && !l.Addr().IsLoopback() || l.Addr() == t.Addr ||
				l.Addr().IsUnspecified() && (l.Addr().Is6() || t.Addr.Is4())
			if t.Port == 0 {
				if match && !slices.Contains(ports, int(l.Port())) {
					ports = append(ports, int(l.Port()))
				}
				continue
			}
			if l.Port() != t.Port {
				continue
			}
			if match {
				on = append(on, l.String())
			} else {
				elsewhere = append(elsewhere, l.String())
			}
		}
		f := Finding{Check: "listen", Service: t.String()}
		where := "on the VIP or all addresses"
		if nat {
			where = "on a non-loopback address"
		}
		switch {
		case t.Port == 0 && len(ports) == 0:
			f.Status, f.Message = Warn, "no TCP socket listens "+where
		case t.Port == 0:
			slices.Sort(ports)
			var ps []string
			for _, p := range ports {
				ps = append(ps, strconv.Itoa(p))
			}
			f.Status, f.Message = OK, "TCP ports listening "+where+": "+strings.Join(ps, ", ")
		case len(on) > 0:
			f.Status, f.Message = OK, "listening: "+strings.Join(on, ", ")
		case len(elsewhere) > 0:
			f.Status = Fail
			f.Message = fmt.Sprintf("TCP port %d listens only on %s, not %s: packets the director sends are refused",
				t.Port, strings.Join(elsewhere, ", "), where)
			f.Fix = []string{fmt.Sprintf("make the service listen on %s or on all addresses", t)}
			if nat {
				f.Fix = []string{fmt.Sprintf("make the service listen on TCP port %d of all addresses", t.Port)}
			}
		default:
			f.Status = Fail
			f.Message = fmt.Sprintf("nothing listens on TCP port %d", t.Port)
			f.Fix = []string{fmt.Sprintf("start the service on TCP port %d", t.Port)}
		}
		out = append(out, f)
	}
	return out
}
