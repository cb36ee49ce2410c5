package diagnose

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// What the connection table says of a real server's TCP handshakes.
//
// An IPVS connection entry is in SYN_RECV from the client's SYN until
// its ACK. Entries that stay there mean the handshake does not complete:
// by NAT the server's SYN-ACK did not come back through the director; by
// DR and tunnelling the client never got one. A healthy server has
// entries in SYN_RECV too, but only for a round trip, and completed ones
// beside them.
//
// Every packet re-arms an entry's timer with its state's timeout, so
// timeout minus the time left (the table's Expires) is how long ago its
// last packet was. A server that broke at some moment keeps its older
// completed entries for a while (TIME_WAIT lasts two minutes); all the
// entries in SYN_RECV are then newer than every completed one. That is
// the test (see failing): entries in SYN_RECV and no completed entry
// with a packet since the oldest of them. Ties go to "completing", so
// that a doubt never fails.

// tcpTimeouts are the kernel's timeouts of the IPVS TCP states, in
// seconds (ip_vs_proto_tcp.c), for those --set does not change.
var tcpTimeouts = map[string]int{
	"NONE": 2, "SYN_SENT": 120, "SYN_RECV": 60, "TIME_WAIT": 120, "CLOSE": 10,
	"CLOSE_WAIT": 60, "LAST_ACK": 30, "LISTEN": 120, "SYNACK": 120,
}

// connAge is the seconds since c's last packet, and false when the state
// is not one of TCP's.
func connAge(c Conn, to ipvs.Timeouts) (int, bool) {
	t, ok := tcpTimeouts[c.State]
	switch c.State {
	case "ESTABLISHED":
		t, ok = int(to.TCP), true
		if t == 0 {
			t = 15 * 60
		}
	case "FIN_WAIT":
		t, ok = int(to.TCPFin), true
		if t == 0 {
			t = 2 * 60
		}
	}
	if !ok {
		return 0, false
	}
	return max(t-int(c.Expires), 0), true
}

// connEvidence is what the table says of one real server.
type connEvidence struct {
	n, stuck int          // its TCP entries, and those in SYN_RECV
	vips     []netip.Addr // the VIPs of those in SYN_RECV
	oldStuck int          // age of the oldest packet among those in SYN_RECV
	newDone  int          // age of the newest packet among the others; -1: none
}

// destConns gathers the evidence of d in svc from the table: its TCP
// entries (for an address service, those of that VIP and port).
func destConns(s *Snapshot, svc Service, d ipvs.Destination) connEvidence {
	ev := connEvidence{newDone: -1}
	dst := netip.AddrPortFrom(d.Address.Unmap(), d.Port)
	vip := netip.AddrPortFrom(svc.Address.Unmap(), svc.Port)
	for _, c := range s.connsTo(d.Address.Unmap()) {
		if c.Protocol != ipvs.TCP || svc.FWMark == 0 && (svc.Protocol != ipvs.TCP || c.Virtual != vip) {
			continue
		}
		if c.Dest != dst && !(d.Port == 0 && c.Dest.Addr() == dst.Addr()) {
			continue
		}
		age, known := connAge(c, s.Timeouts)
		if !known {
			continue
		}
		ev.n++
		if c.State == "SYN_RECV" {
			ev.stuck++
			ev.oldStuck = max(ev.oldStuck, age)
			if !slices.Contains(ev.vips, c.Virtual.Addr()) {
				ev.vips = append(ev.vips, c.Virtual.Addr())
			}
		} else if ev.newDone < 0 || age < ev.newDone {
			ev.newDone = age
		}
	}
	return ev
}

// failing says whether the handshakes fail: entries in SYN_RECV, and
// either nothing else, or no completed entry had a packet after the
// oldest of them while the server is quiet (sends the director nothing
// now). By NAT, a server that answers again after an outage retransmits
// its SYN-ACKs through the director, and the client's resets come back;
// the kernel keeps such entries in SYN_RECV and re-arms them for half a
// minute, so their age alone would blame a server that works: its
// outbound packets (OutPPS) tell it apart. By DR and tunnelling the
// director sees no packet of the server at all, and quiet is always
// true: there only the clients' retries re-arm an entry, and a retry
// that reaches a repaired server completes.
func (e connEvidence) failing(quiet bool) bool {
	return e.stuck > 0 && (e.n == e.stuck || quiet && e.newDone > e.oldStuck)
}

// status: one entry alone may just be starting its handshake, so it only
// warns; two or more fail.
func (e connEvidence) status() Status {
	if e.stuck >= 2 {
		return Fail
	}
	return Warn
}

// String is the evidence in words.
func (e connEvidence) String() string {
	if e.stuck == e.n {
		return fmt.Sprintf("%d connections, all in SYN_RECV", e.n)
	}
	return fmt.Sprintf("%d connections in SYN_RECV, none completed since (the last completed one's last packet was %ds ago)",
		e.stuck, e.newDone)
}
