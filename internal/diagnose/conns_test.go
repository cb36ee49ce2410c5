package diagnose

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// conn is a TCP entry of the DR lab's service to rs2, expiring in exp.
func conn(state string, exp uint32) Conn {
	return Conn{Protocol: ipvs.TCP, Virtual: ap(drVIP, 80), Dest: ap(drRS2, 80), State: state, Expires: exp}
}

func TestConnEvidence(t *testing.T) {
	svc := drSnap().Services[0]
	rs2 := svc.Dests[1]
	for _, tc := range []struct {
		name    string
		conns   []Conn
		to      ipvs.Timeouts
		failing bool
		n       int
		msg     string
	}{
		{"none", nil, ipvs.Timeouts{}, false, 0, ""},
		{"all stuck", []Conn{conn("SYN_RECV", 59), conn("SYN_RECV", 40)}, ipvs.Timeouts{}, true, 2,
			"2 connections, all in SYN_RECV"},
		// Broke a while ago: the completed entry (TIME_WAIT, last packet
		// 20 s ago) is older than every stuck one (1 s, 5 s ago).
		{"completed before", []Conn{conn("TIME_WAIT", 100), conn("SYN_RECV", 59), conn("SYN_RECV", 55)}, ipvs.Timeouts{}, true, 3,
			"2 connections in SYN_RECV, none completed since (the last completed one's last packet was 20s ago)"},
		// Works: a handshake under way, one completed after it.
		{"completed after", []Conn{conn("SYN_RECV", 55), conn("FIN_WAIT", 119)}, ipvs.Timeouts{}, false, 2, ""},
		{"tie", []Conn{conn("SYN_RECV", 58), conn("CLOSE", 8)}, ipvs.Timeouts{}, false, 2, ""},
		// --set timeouts: ESTABLISHED at 300 s, 1 s since its last packet.
		{"set timeouts", []Conn{conn("SYN_RECV", 55), conn("ESTABLISHED", 299)}, ipvs.Timeouts{TCP: 300}, false, 2, ""},
		{"default established", []Conn{conn("SYN_RECV", 58), conn("ESTABLISHED", 299)}, ipvs.Timeouts{}, true, 2, "none completed since"},
		// Not TCP, another VIP or port, another server: not counted.
		{"others", []Conn{{Protocol: ipvs.UDP, Virtual: ap(drVIP, 80), Dest: ap(drRS2, 80), State: "UDP"},
			{Protocol: ipvs.TCP, Virtual: ap(drVIP, 443), Dest: ap(drRS2, 80), State: "SYN_RECV"},
			{Protocol: ipvs.TCP, Virtual: ap(drVIP, 80), Dest: ap(drRS1, 80), State: "SYN_RECV"},
			conn("BOGUS", 1)}, ipvs.Timeouts{}, false, 0, ""},
	} {
		s := &Snapshot{Conns: tc.conns, Timeouts: tc.to}
		ev := destConns(s, svc, rs2)
		if ev.failing(true) != tc.failing || ev.n != tc.n || !strings.Contains(ev.String(), tc.msg) {
			t.Errorf("%s: %+v failing=%v %q; want failing=%v n=%d %q", tc.name, ev, ev.failing(true), ev.String(), tc.failing, tc.n, tc.msg)
		}
		// A server that sends the director packets now is not failing,
		// unless nothing but SYN_RECV is there.
		if ev.failing(false) != (tc.failing && ev.n == ev.stuck) {
			t.Errorf("%s: failing while not quiet = %v", tc.name, ev.failing(false))
		}
	}

	// A fwmark service: its server's entries whatever the VIP, any port
	// for a server of port 0.
	fw := Service{Service: ipvs.Service{Family: ipvs.AFInet, FWMark: 7}, Dests: []ipvs.Destination{dest(drRS2, 0, ipvs.FwdDirect, 1)}}
	s := &Snapshot{Conns: []Conn{conn("SYN_RECV", 50),
		{Protocol: ipvs.TCP, Virtual: ap(netip.MustParseAddr("192.168.2.144"), 443), Dest: ap(drRS2, 443), State: "SYN_RECV"}}}
	if ev := destConns(s, fw, fw.Dests[0]); ev.n != 2 || !ev.failing(true) || len(ev.vips) != 2 {
		t.Errorf("fwmark: %+v", ev)
	}
	if st := (connEvidence{stuck: 1}).status(); st != Warn {
		t.Errorf("one stuck: %v", st)
	}
}
