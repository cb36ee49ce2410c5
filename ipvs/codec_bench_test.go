package ipvs

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/mdlayher/netlink"
)

// Benchmarks of the per-entry work of a list (decode) and of a restore
// (encode): the hot paths when a table has tens of thousands of entries.
// `make bench` runs them.

// benchReply is an attribute set as the kernel's ip_vs_genl_fill_service
// and ip_vs_genl_fill_dest lay it out, stats in both widths.
func benchReply(b *testing.B, top uint16, fn func(n *netlink.AttributeEncoder)) []byte {
	b.Helper()
	ae := netlink.NewAttributeEncoder()
	ae.Nested(top, func(n *netlink.AttributeEncoder) error { fn(n); return nil })
	out, err := ae.Encode()
	if err != nil {
		b.Fatal(err)
	}
	return out
}

func benchStats(n *netlink.AttributeEncoder, typ uint16, wide bool) {
	n.Nested(typ, func(s *netlink.AttributeEncoder) error {
		for a := uint16(statsAttrConns); a <= statsAttrOutBPS; a++ {
			if wide || a == statsAttrInBytes || a == statsAttrOutBytes {
				s.Uint64(a, uint64(a)<<20)
			} else {
				s.Uint32(a, uint32(a)<<10)
			}
		}
		return nil
	})
}

func benchAddr(a netip.Addr) []byte {
	b := a.As16()
	if a.Is4() {
		var v4 [16]byte
		copy(v4[:], a.AsSlice())
		return v4[:]
	}
	return b[:]
}

func BenchmarkDecodeService(b *testing.B) {
	msg := benchReply(b, cmdAttrService, func(n *netlink.AttributeEncoder) {
		n.Uint16(svcAttrAF, uint16(AFInet))
		n.Uint16(svcAttrProtocol, uint16(TCP))
		n.Bytes(svcAttrAddr, benchAddr(netip.MustParseAddr("198.18.0.1")))
		n.Bytes(svcAttrPort, binary.BigEndian.AppendUint16(nil, 80))
		n.String(svcAttrSchedName, "wlc")
		n.Bytes(svcAttrFlags, binary.NativeEndian.AppendUint64(nil, 0xffffffff00000000|uint64(SvcHashed)))
		n.Uint32(svcAttrTimeout, 0)
		n.Bytes(svcAttrNetmask, binary.BigEndian.AppendUint32(nil, 0xffffffff))
		benchStats(n, svcAttrStats, false)
		benchStats(n, svcAttrStats64, true)
	})
	var s Service
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if err := decodeService(msg, &s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeDest(b *testing.B) {
	msg := benchReply(b, cmdAttrDest, func(n *netlink.AttributeEncoder) {
		n.Bytes(destAttrAddr, benchAddr(netip.MustParseAddr("198.19.0.1")))
		n.Bytes(destAttrPort, binary.BigEndian.AppendUint16(nil, 8080))
		n.Uint32(destAttrFwdMethod, uint32(FwdMasq))
		n.Uint32(destAttrWeight, 1)
		n.Uint32(destAttrUThresh, 0)
		n.Uint32(destAttrLThresh, 0)
		n.Uint32(destAttrActiveConns, 0)
		n.Uint32(destAttrInactConns, 0)
		n.Uint32(destAttrPersistConns, 0)
		benchStats(n, destAttrStats, false)
		n.Uint16(destAttrAddrFamily, uint16(AFInet))
		benchStats(n, destAttrStats64, true)
		n.Uint8(destAttrTunType, uint8(TunIPIP))
		n.Bytes(destAttrTunPort, []byte{0, 0})
		n.Uint16(destAttrTunFlags, 0)
	})
	var d Destination
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if err := decodeDest(msg, AFInet, &d); err != nil {
			b.Fatal(err)
		}
	}
}

func benchOps() []Op {
	svc := Service{Family: AFInet, Protocol: TCP, Address: netip.MustParseAddr("198.18.0.1"), Port: 80,
		Scheduler: "wlc", Netmask: 0xffffffff}
	dst := Destination{Address: netip.MustParseAddr("198.19.0.1"), Port: 8080, ConnFlags: uint32(FwdMasq), Weight: 1}
	return []Op{
		{Kind: OpNewService, Service: svc},
		{Kind: OpNewDest, Service: svc, Dest: dst},
	}
}

func BenchmarkEncodeNewService(b *testing.B) { benchEncode(b, benchOps()[0]) }
func BenchmarkEncodeNewDest(b *testing.B)    { benchEncode(b, benchOps()[1]) }

func benchEncode(b *testing.B, op Op) {
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		_, out, ok := encodeOp(buf, &op)
		if !ok || len(out) == 0 {
			b.Fatal("encodeOp failed")
		}
		buf = out[:0]
	}
}

func BenchmarkEncodeGetDests(b *testing.B) {
	svc := benchOps()[0].Service
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf = encodeGetDests(buf, &svc)[:0]
	}
}
