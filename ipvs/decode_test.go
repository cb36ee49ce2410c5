package ipvs

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/mdlayher/netlink"
)

// Replies are built the way the kernel's ip_vs_genl_fill_* functions lay
// them out, with mdlayher/netlink's encoder.

func reply(t *testing.T, fn func(ae *netlink.AttributeEncoder)) []byte {
	t.Helper()
	ae := netlink.NewAttributeEncoder()
	fn(ae)
	b, err := ae.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func stats32(n *netlink.AttributeEncoder, base uint64) {
	for typ := uint16(statsAttrConns); typ <= statsAttrOutBPS; typ++ {
		if typ == statsAttrInBytes || typ == statsAttrOutBytes {
			n.Uint64(typ, base+uint64(typ))
		} else {
			n.Uint32(typ, uint32(base+uint64(typ)))
		}
	}
}

func stats64(n *netlink.AttributeEncoder, base uint64) {
	for typ := uint16(statsAttrConns); typ <= statsAttrOutBPS; typ++ {
		n.Uint64(typ, base+uint64(typ))
	}
}

func statsOf(base uint64) Stats {
	return Stats{base + 1, base + 2, base + 3, base + 4, base + 5, base + 6, base + 7, base + 8, base + 9, base + 10}
}

type svcReply struct {
	af         Family
	fwmark     uint32
	addr       string
	flags      uint32
	mask       uint32
	netmask    []byte
	pe         string
	s32, s64   bool
	skipSched  bool
	base32, b6 uint64
}

func (r svcReply) build(t *testing.T) []byte {
	return reply(t, func(ae *netlink.AttributeEncoder) {
		ae.Nested(cmdAttrService, func(n *netlink.AttributeEncoder) error {
			n.Uint16(svcAttrAF, uint16(r.af))
			if r.fwmark != 0 {
				n.Uint32(svcAttrFWMark, r.fwmark)
			} else {
				n.Uint16(svcAttrProtocol, 6)
				n.Bytes(svcAttrAddr, a16(r.addr))
				n.Bytes(svcAttrPort, be16(80))
			}
			if !r.skipSched {
				n.String(svcAttrSchedName, "wlc")
			}
			if r.pe != "" {
				n.String(svcAttrPEName, r.pe)
			}
			f := binary.NativeEndian.AppendUint32(nil, r.flags)
			n.Bytes(svcAttrFlags, binary.NativeEndian.AppendUint32(f, r.mask))
			n.Uint32(svcAttrTimeout, 360)
			n.Bytes(svcAttrNetmask, r.netmask)
			if r.s32 {
				n.Nested(svcAttrStats, func(s *netlink.AttributeEncoder) error { stats32(s, r.base32); return nil })
			}
			if r.s64 {
				n.Nested(svcAttrStats64, func(s *netlink.AttributeEncoder) error { stats64(s, r.b6); return nil })
			}
			return nil
		})
	})
}

func TestDecodeService(t *testing.T) {
	le := func(v uint32) []byte { return binary.NativeEndian.AppendUint32(nil, v) }
	tests := []struct {
		name string
		r    svcReply
		want Service
		bad  bool
	}{
		{"v4 with both stats sets: 64-bit wins",
			svcReply{af: AFInet, addr: "10.0.0.1", flags: SvcPersistent | SvcHashed, mask: ^uint32(0), netmask: be32(0xffffff00), s32: true, s64: true, base32: 100, b6: 1 << 40},
			Service{Family: AFInet, Protocol: TCP, Address: netip.MustParseAddr("10.0.0.1"), Port: 80, Scheduler: "wlc",
				Flags: SvcPersistent | SvcHashed, Timeout: 360, Netmask: 0xffffff00, Stats: statsOf(1 << 40)}, false},
		{"32-bit stats only",
			svcReply{af: AFInet, addr: "10.0.0.1", mask: ^uint32(0), netmask: be32(0xffffffff), s32: true, base32: 100},
			Service{Family: AFInet, Protocol: TCP, Address: netip.MustParseAddr("10.0.0.1"), Port: 80, Scheduler: "wlc",
				Timeout: 360, Netmask: 0xffffffff, Stats: statsOf(100)}, false},
		{"flags are masked",
			svcReply{af: AFInet, addr: "10.0.0.1", flags: 0xff, mask: SvcOnePacket, netmask: be32(0xffffffff)},
			Service{Family: AFInet, Protocol: TCP, Address: netip.MustParseAddr("10.0.0.1"), Port: 80, Scheduler: "wlc",
				Flags: SvcOnePacket, Timeout: 360, Netmask: 0xffffffff}, false},
		{"v6 netmask is a prefix length, pe name",
			svcReply{af: AFInet6, addr: "2001:db8::1", mask: ^uint32(0), netmask: le(64), pe: "sip"},
			Service{Family: AFInet6, Protocol: TCP, Address: netip.MustParseAddr("2001:db8::1"), Port: 80, Scheduler: "wlc",
				Timeout: 360, Netmask: 64, PEName: "sip"}, false},
		{"fwmark",
			svcReply{af: AFInet, fwmark: 42, mask: ^uint32(0), netmask: be32(0xffffffff)},
			Service{Family: AFInet, FWMark: 42, Scheduler: "wlc", Timeout: 360, Netmask: 0xffffffff}, false},
		{"missing scheduler",
			svcReply{af: AFInet, addr: "10.0.0.1", mask: ^uint32(0), netmask: be32(0xffffffff), skipSched: true}, Service{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Service
			err := decodeService(tt.r.build(t), &got)
			if tt.bad {
				if err == nil {
					t.Fatalf("decoded %+v, want error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
	// Truncated input must not panic or decode.
	b := svcReply{af: AFInet, addr: "10.0.0.1", mask: ^uint32(0), netmask: be32(0)}.build(t)
	for i := 0; i < len(b); i++ {
		var s Service
		if err := decodeService(b[:i], &s); err == nil {
			t.Fatalf("decoded a %d-byte prefix of a %d-byte reply", i, len(b))
		}
	}
}

func destReply(t *testing.T, family Family, addr string, s64 bool) []byte {
	return reply(t, func(ae *netlink.AttributeEncoder) {
		ae.Nested(cmdAttrDest, func(n *netlink.AttributeEncoder) error {
			n.Bytes(destAttrAddr, a16(addr))
			n.Bytes(destAttrPort, be16(8080))
			n.Uint32(destAttrFwdMethod, uint32(FwdTunnel))
			n.Uint32(destAttrWeight, 0xffffffff) // -1 does not occur, but the sign must survive
			n.Uint32(destAttrUThresh, 200)
			n.Uint32(destAttrLThresh, 20)
			n.Uint32(destAttrActiveConns, 3)
			n.Uint32(destAttrInactConns, 4)
			n.Uint32(destAttrPersistConns, 5)
			n.Nested(destAttrStats, func(s *netlink.AttributeEncoder) error { stats32(s, 10); return nil })
			if family != 0 {
				n.Uint16(destAttrAddrFamily, uint16(family))
			}
			if s64 {
				n.Nested(destAttrStats64, func(s *netlink.AttributeEncoder) error { stats64(s, 1<<33); return nil })
				n.Uint8(destAttrTunType, uint8(TunGRE))
				n.Bytes(destAttrTunPort, be16(5555))
				n.Uint16(destAttrTunFlags, uint16(TunFlagCsum|TunFlagRemCsum))
			}
			return nil
		})
	})
}

func TestDecodeDest(t *testing.T) {
	var d Destination
	if err := decodeDest(destReply(t, AFInet6, "2001:db8::7", true), AFInet, &d); err != nil {
		t.Fatal(err)
	}
	want := Destination{Family: AFInet6, Address: netip.MustParseAddr("2001:db8::7"), Port: 8080, ConnFlags: uint32(FwdTunnel),
		Weight: -1, UpperThreshold: 200, LowerThreshold: 20, ActiveConns: 3, InactConns: 4, PersistConns: 5,
		TunType: TunGRE, TunPort: 5555, TunFlags: TunFlagCsum | TunFlagRemCsum, Stats: statsOf(1 << 33)}
	if d != want {
		t.Errorf("mixed-family tunnel dest\n got %+v\nwant %+v", d, want)
	}
	// Old kernels: no family attribute (use the service's), 32-bit stats.
	if err := decodeDest(destReply(t, 0, "10.9.9.9", false), AFInet, &d); err != nil {
		t.Fatal(err)
	}
	want = Destination{Family: AFInet, Address: netip.MustParseAddr("10.9.9.9"), Port: 8080, ConnFlags: uint32(FwdTunnel),
		Weight: -1, UpperThreshold: 200, LowerThreshold: 20, ActiveConns: 3, InactConns: 4, PersistConns: 5, Stats: statsOf(10)}
	if d != want {
		t.Errorf("old-kernel dest\n got %+v\nwant %+v", d, want)
	}
	if got, want := statsOf(1<<33).DestView(), (Stats{1, 2, 3, 1<<33 + 4, 1<<33 + 5, 6, 7, 8, 9, 10}); got != want {
		t.Errorf("DestView = %+v, want %+v", got, want)
	}
	if err := decodeDest(reply(t, func(ae *netlink.AttributeEncoder) {
		ae.Nested(cmdAttrDest, func(n *netlink.AttributeEncoder) error { n.Bytes(destAttrAddr, a16("10.0.0.1")); return nil })
	}), AFInet, &d); err == nil {
		t.Error("dest without port/weight/... decoded")
	}
}

func TestDecodeDaemon(t *testing.T) {
	tests := []struct {
		name string
		fn   func(n *netlink.AttributeEncoder)
		want Daemon
	}{
		{"v4 group", func(n *netlink.AttributeEncoder) {
			n.Uint16(daemonAttrSyncMaxLen, 1472)
			n.Bytes(daemonAttrMcastGroup, []byte{224, 0, 0, 81})
			n.Uint16(daemonAttrMcastPort, 8848)
			n.Uint8(daemonAttrMcastTTL, 1)
		}, Daemon{State: StateMaster, McastIfn: "eth0", SyncID: 3, SyncMaxLen: 1472,
			McastGroup: netip.MustParseAddr("224.0.0.81"), McastPort: 8848, McastTTL: 1}},
		{"v6 group", func(n *netlink.AttributeEncoder) {
			n.Bytes(daemonAttrMcastGroup6, a16("ff02::81"))
		}, Daemon{State: StateMaster, McastIfn: "eth0", SyncID: 3, McastGroup: netip.MustParseAddr("ff02::81")}},
	}
	for _, tt := range tests {
		var d Daemon
		err := decodeDaemon(reply(t, func(ae *netlink.AttributeEncoder) {
			ae.Nested(cmdAttrDaemon, func(n *netlink.AttributeEncoder) error {
				n.Uint32(daemonAttrState, uint32(StateMaster))
				n.String(daemonAttrMcastIfn, "eth0")
				n.Uint32(daemonAttrSyncID, 3)
				tt.fn(n)
				return nil
			})
		}), &d)
		if err != nil || d != tt.want {
			t.Errorf("%s: got %+v, %v; want %+v", tt.name, d, err, tt.want)
		}
	}
}

func TestDecodeInfoTimeouts(t *testing.T) {
	var in Info
	if err := decodeInfo(reply(t, func(ae *netlink.AttributeEncoder) {
		ae.Uint32(infoAttrVersion, 0x010203)
		ae.Uint32(infoAttrConnTabSize, 4096)
	}), &in); err != nil || in != (Info{Version: 0x010203, ConnTabSize: 4096}) {
		t.Errorf("info %+v %v", in, err)
	}
	if err := decodeInfo(reply(t, func(ae *netlink.AttributeEncoder) { ae.Uint32(infoAttrVersion, 1) }), &in); err == nil {
		t.Error("info without table size decoded")
	}
	var to Timeouts
	if err := decodeTimeouts(reply(t, func(ae *netlink.AttributeEncoder) {
		ae.Uint32(cmdAttrTimeoutTCP, 900)
		ae.Uint32(cmdAttrTimeoutTCPFin, 120)
		ae.Uint32(cmdAttrTimeoutUDP, 300)
	}), &to); err != nil || to != (Timeouts{900, 120, 300}) {
		t.Errorf("timeouts %+v %v", to, err)
	}
}

// Listing must not allocate per service beyond the result itself.
func TestDecodeServiceAllocs(t *testing.T) {
	b := svcReply{af: AFInet, addr: "10.0.0.1", mask: ^uint32(0), netmask: be32(0xffffffff), s32: true, s64: true}.build(t)
	var s Service
	if n := testing.AllocsPerRun(100, func() { decodeService(b, &s) }); n != 0 {
		t.Errorf("decodeService allocates %v times", n)
	}
}
