package diagnose

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/ipvs"
)

func TestParseConns(t *testing.T) {
	const table = `Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData
TCP AC10010A 9C40 AC10018F 0050 C0A8010C 0050 SYN_RECV         58
TCP AC10010A 9C42 AC10018F 0050 C0A8010B 0050 TIME_WAIT       119
UDP 2001:0db8:0000:0000:0000:0000:0000:000a 1F90 2001:0db8:0000:0000:0000:0000:0000:0001 0035 2001:0db8:0000:0000:0000:0000:0000:0011 0035 UDP             299
TCP short
`
	got := ParseConns(strings.NewReader(table))
	client := netip.MustParseAddr("172.16.1.10")
	w := []Conn{
		{ipvs.TCP, ap(client, 40000), ap(natVIP, 80), ap(rs2, 80), "SYN_RECV", 58},
		{ipvs.TCP, ap(client, 40002), ap(natVIP, 80), ap(rs1, 80), "TIME_WAIT", 119},
		{ipvs.UDP, netip.MustParseAddrPort("[2001:db8::a]:8080"), netip.MustParseAddrPort("[2001:db8::1]:53"),
			netip.MustParseAddrPort("[2001:db8::11]:53"), "UDP", 299},
	}
	if !slices.Equal(got, w) {
		t.Errorf("ParseConns = %+v\nwant %+v", got, w)
	}
}

// procHex prints an address as /proc/net/tcp does: each 32-bit word as
// an integer read in host order.
func procHex(ap netip.AddrPort) string {
	b := ap.Addr().AsSlice()
	var s strings.Builder
	for i := 0; i < len(b); i += 4 {
		fmt.Fprintf(&s, "%08X", binary.NativeEndian.Uint32(b[i:i+4]))
	}
	return fmt.Sprintf("%s:%04X", s.String(), ap.Port())
}

func TestParseListeners(t *testing.T) {
	heading := "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	want := []netip.AddrPort{netip.MustParseAddrPort("0.0.0.0:80"), netip.MustParseAddrPort("192.168.2.143:8080"),
		netip.MustParseAddrPort("[::]:80"), netip.MustParseAddrPort("[2001:db8::1]:443"), netip.MustParseAddrPort("192.168.2.143:22")}
	var b strings.Builder
	b.WriteString(heading)
	for i, a := range want {
		b.WriteString("   0: " + procHex(a) + " 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1\n")
		if i == 1 { // an established connection in between is not a listener
			b.WriteString("   1: " + procHex(a) + " 0A000001:9C40 01 00000000:00000000 00:00000000 00000000     0        0 1235 1\n")
		}
	}
	// An IPv4 listener of tcp6 (::ffff:192.168.2.143) is the IPv4 address.
	mapped := netip.AddrPortFrom(netip.AddrFrom16(want[4].Addr().As16()), 22)
	got := ParseListeners(strings.NewReader(strings.Replace(b.String(), procHex(want[4]), procHex(mapped), 1)))
	if !slices.Equal(got, want) {
		t.Errorf("ParseListeners = %v\nwant %v\n%s", got, want, b.String())
	}

	// What a little-endian host's kernel prints, literally.
	if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 {
		got := ParseListeners(strings.NewReader(heading +
			"   0: 0100007F:0019 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n" +
			"   0: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 0 0 0 0 0 0 1 1\n"))
		if w := []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:25"), netip.MustParseAddrPort("[::1]:80")}; !slices.Equal(got, w) {
			t.Errorf("little-endian sample = %v, want %v", got, w)
		}
	}
}

func TestARPPacket(t *testing.T) {
	mac := net.HardwareAddr{0x02, 0, 0, 0, 0x02, 0x18}
	req := ARPRequest(mac, drDIP, drVIP)
	// who-has 192.168.2.143 tell 192.168.2.118, as tcpdump -xx shows it
	// after the Ethernet header.
	want := []byte{0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 2, 0x18, 192, 168, 2, 118, 0, 0, 0, 0, 0, 0, 192, 168, 2, 143}
	if !bytes.Equal(req, want) {
		t.Errorf("request % x\nwant    % x", req, want)
	}
	p, ok := ParseARP(req)
	if !ok || p.Op != arpRequest || p.SHA.String() != mac.String() || p.SPA != drDIP || p.TPA != drVIP {
		t.Errorf("ParseARP(request) = %+v, %v", p, ok)
	}
	// rs1's reply: "192.168.2.143 is at 02:00:00:00:02:11".
	reply := slices.Clone(want)
	reply[7] = arpReply
	copy(reply[8:14], []byte{2, 0, 0, 0, 2, 0x11})
	copy(reply[14:18], []byte{192, 168, 2, 143})
	copy(reply[18:24], mac)
	copy(reply[24:28], []byte{192, 168, 2, 118})
	p, ok = ParseARP(append(reply, 0, 0, 0)) // Ethernet padding
	if !ok || !p.claims(drVIP) || p.claims(drDIP) || p.SHA.String() != "02:00:00:00:02:11" {
		t.Errorf("ParseARP(reply) = %+v, %v", p, ok)
	}
	if _, ok := ParseARP(reply[:20]); ok {
		t.Error("a short packet parsed")
	}
	bad := slices.Clone(reply)
	bad[3] = 0xdd // IPv6 protocol type
	if _, ok := ParseARP(bad); ok {
		t.Error("a non-IPv4 ARP packet parsed")
	}
}
