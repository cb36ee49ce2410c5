package diagnose

import (
	"encoding/binary"
	"net"
	"net/netip"
)

// ARP over Ethernet for IPv4 (RFC 826), the 28 bytes after the Ethernet
// header: the packet socket adds and strips that header.
const (
	arpLen       = 28
	arpRequest   = 1
	arpReply     = 2
	etherTypeIP4 = 0x0800
	etherTypeARP = 0x0806
)

// ARPRequest is "who has tpa? tell spa (sha)".
func ARPRequest(sha net.HardwareAddr, spa, tpa netip.Addr) []byte {
	b := make([]byte, arpLen)
	binary.BigEndian.PutUint16(b[0:], 1) // hardware type: Ethernet
	binary.BigEndian.PutUint16(b[2:], etherTypeIP4)
	b[4], b[5] = 6, 4
	binary.BigEndian.PutUint16(b[6:], arpRequest)
	copy(b[8:14], sha)
	s4, t4 := spa.As4(), tpa.As4()
	copy(b[14:18], s4[:])
	// target hardware address: zero, unknown
	copy(b[24:28], t4[:])
	return b
}

// ARPPacket is what doctor reads of a received ARP packet.
type ARPPacket struct {
	Op  uint16
	SHA net.HardwareAddr
	SPA netip.Addr
	TPA netip.Addr
}

// ParseARP reads an Ethernet/IPv4 ARP packet; false for anything else.
func ParseARP(b []byte) (ARPPacket, bool) {
	if len(b) < arpLen || binary.BigEndian.Uint16(b[0:]) != 1 ||
		binary.BigEndian.Uint16(b[2:]) != etherTypeIP4 || b[4] != 6 || b[5] != 4 {
		return ARPPacket{}, false
	}
	return ARPPacket{
		Op:  binary.BigEndian.Uint16(b[6:]),
		SHA: net.HardwareAddr(append([]byte(nil), b[8:14]...)),
		SPA: netip.AddrFrom4([4]byte(b[14:18])),
		TPA: netip.AddrFrom4([4]byte(b[24:28])),
	}, true
}

// claims says whether p tells that its sender holds vip: a reply for it,
// or a request or announcement sent from it.
func (p ARPPacket) claims(vip netip.Addr) bool {
	return p.SPA == vip && (p.Op == arpReply || p.Op == arpRequest)
}
