package ipvs

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/mdlayher/netlink"
)

// The expected payloads are built with mdlayher/netlink's own attribute
// encoder, an independent implementation, following libipvs's attribute
// lists (ipvs_nl_fill_service_attr, ipvs_nl_fill_dest_attr, ...).

func payload(t *testing.T, cmd uint8, fn func(ae *netlink.AttributeEncoder)) []byte {
	t.Helper()
	ae := netlink.NewAttributeEncoder()
	if fn != nil {
		fn(ae)
	}
	b, err := ae.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte{cmd, 1, 0, 0}, b...)
}

func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

func a16(s string) []byte {
	b := InetUnion(netip.MustParseAddr(s))
	return b[:]
}

func flags(f uint32) []byte {
	b := binary.NativeEndian.AppendUint32(nil, f)
	return binary.NativeEndian.AppendUint32(b, 0xffffffff)
}

var (
	svc4 = Service{Family: AFInet, Protocol: TCP, Address: netip.MustParseAddr("10.0.0.1"), Port: 80,
		Scheduler: "wlc", Flags: SvcPersistent, Timeout: 300, Netmask: 0xffffff00}
	svc6 = Service{Family: AFInet6, Protocol: UDP, Address: netip.MustParseAddr("2001:db8::1"), Port: 53,
		Scheduler: "sh", Flags: SvcSchedFlag1 | SvcSchedFlag2, Netmask: 64, PEName: "sip"}
	svcFW = Service{Family: AFInet, FWMark: 7, Scheduler: "rr", Netmask: 0xffffffff}
)

func svcAttrs(s Service) func(ae *netlink.AttributeEncoder) {
	return func(ae *netlink.AttributeEncoder) {
		ae.Uint16(svcAttrAF, uint16(s.Family))
		if s.FWMark != 0 {
			ae.Uint32(svcAttrFWMark, s.FWMark)
		} else {
			ae.Uint16(svcAttrProtocol, uint16(s.Protocol))
			ae.Bytes(svcAttrAddr, a16(s.Address.String()))
			ae.Bytes(svcAttrPort, be16(s.Port))
		}
		ae.String(svcAttrSchedName, s.Scheduler)
		if s.PEName != "" {
			ae.String(svcAttrPEName, s.PEName)
		}
		ae.Bytes(svcAttrFlags, flags(s.Flags))
		ae.Uint32(svcAttrTimeout, s.Timeout)
		if s.Family == AFInet6 {
			ae.Uint32(svcAttrNetmask, uint32(s.Netmask))
		} else {
			ae.Bytes(svcAttrNetmask, be32(uint32(s.Netmask)))
		}
	}
}

func nestSvc(s Service) func(ae *netlink.AttributeEncoder) {
	return func(ae *netlink.AttributeEncoder) {
		ae.Nested(cmdAttrService, func(n *netlink.AttributeEncoder) error { svcAttrs(s)(n); return nil })
	}
}

func TestEncodeOp(t *testing.T) {
	dst := Destination{Address: netip.MustParseAddr("192.168.0.2"), Port: 8080, ConnFlags: uint32(FwdTunnel) | 0x100,
		Weight: 5, UpperThreshold: 100, LowerThreshold: 10, TunType: TunGUE, TunPort: 6080, TunFlags: TunFlagCsum}
	dst6in4 := Destination{Family: AFInet6, Address: netip.MustParseAddr("2001:db8::9"), ConnFlags: uint32(FwdTunnel), Weight: 1}
	destAttrs := func(af Family, d Destination) func(ae *netlink.AttributeEncoder) {
		return func(ae *netlink.AttributeEncoder) {
			ae.Nested(cmdAttrDest, func(n *netlink.AttributeEncoder) error {
				n.Uint16(destAttrAddrFamily, uint16(af))
				n.Bytes(destAttrAddr, a16(d.Address.String()))
				n.Bytes(destAttrPort, be16(d.Port))
				n.Uint32(destAttrFwdMethod, d.ConnFlags&FwdMask)
				n.Uint32(destAttrWeight, uint32(d.Weight))
				n.Uint8(destAttrTunType, uint8(d.TunType))
				n.Bytes(destAttrTunPort, be16(d.TunPort))
				n.Uint16(destAttrTunFlags, uint16(d.TunFlags))
				n.Uint32(destAttrUThresh, d.UpperThreshold)
				n.Uint32(destAttrLThresh, d.LowerThreshold)
				return nil
			})
		}
	}
	both := func(fs ...func(ae *netlink.AttributeEncoder)) func(ae *netlink.AttributeEncoder) {
		return func(ae *netlink.AttributeEncoder) {
			for _, f := range fs {
				f(ae)
			}
		}
	}
	dmn := Daemon{State: StateMaster, McastIfn: "eth0", SyncID: 9, SyncMaxLen: 1400, McastGroup: netip.MustParseAddr("224.0.0.82"),
		McastPort: 8848, McastTTL: 2}
	dmn6 := Daemon{State: StateBackup, McastIfn: "eth1", McastGroup: netip.MustParseAddr("ff02::82")}

	tests := []struct {
		name string
		op   Op
		cmd  uint8
		want func(ae *netlink.AttributeEncoder)
	}{
		{"new service v4", Op{Kind: OpNewService, Service: svc4}, cmdNewService, nestSvc(svc4)},
		{"new service v6 pe", Op{Kind: OpNewService, Service: svc6}, cmdNewService, nestSvc(svc6)},
		{"new service fwmark", Op{Kind: OpNewService, Service: svcFW}, cmdNewService, nestSvc(svcFW)},
		{"edit service", Op{Kind: OpUpdateService, Service: svc4}, cmdSetService, nestSvc(svc4)},
		{"del service", Op{Kind: OpDelService, Service: svc6}, cmdDelService, nestSvc(svc6)},
		{"new dest", Op{Kind: OpNewDest, Service: svc4, Dest: dst}, cmdNewDest, both(nestSvc(svc4), destAttrs(AFInet, dst))},
		{"edit dest", Op{Kind: OpUpdateDest, Service: svc4, Dest: dst}, cmdSetDest, both(nestSvc(svc4), destAttrs(AFInet, dst))},
		{"del dest", Op{Kind: OpDelDest, Service: svc4, Dest: dst}, cmdDelDest, both(nestSvc(svc4), destAttrs(AFInet, dst))},
		{"mixed family dest", Op{Kind: OpNewDest, Service: svc4, Dest: dst6in4}, cmdNewDest, both(nestSvc(svc4), destAttrs(AFInet6, dst6in4))},
		{"flush", Op{Kind: OpFlush}, cmdFlush, nil},
		{"zero all", Op{Kind: OpZero}, cmdZero, nil},
		{"zero all, keyless service", Op{Kind: OpZero, Service: Service{Family: AFInet, Protocol: TCP, Address: netip.IPv4Unspecified()}}, cmdZero, nil},
		{"zero one", Op{Kind: OpZero, Service: svc4}, cmdZero, nestSvc(svc4)},
		{"zero fwmark", Op{Kind: OpZero, Service: svcFW}, cmdZero, nestSvc(svcFW)},
		{"timeouts", Op{Kind: OpSetTimeouts, Timeouts: Timeouts{TCP: 900, UDP: 300}}, cmdSetConfig, func(ae *netlink.AttributeEncoder) {
			ae.Uint32(cmdAttrTimeoutTCP, 900)
			ae.Uint32(cmdAttrTimeoutTCPFin, 0)
			ae.Uint32(cmdAttrTimeoutUDP, 300)
		}},
		{"start daemon", Op{Kind: OpNewDaemon, Daemon: dmn}, cmdNewDaemon, func(ae *netlink.AttributeEncoder) {
			ae.Nested(cmdAttrDaemon, func(n *netlink.AttributeEncoder) error {
				n.Uint32(daemonAttrState, uint32(StateMaster))
				n.String(daemonAttrMcastIfn, "eth0")
				n.Uint32(daemonAttrSyncID, 9)
				n.Uint16(daemonAttrSyncMaxLen, 1400)
				n.Uint16(daemonAttrMcastPort, 8848)
				n.Uint8(daemonAttrMcastTTL, 2)
				n.Bytes(daemonAttrMcastGroup, []byte{224, 0, 0, 82})
				return nil
			})
		}},
		{"start daemon v6 group", Op{Kind: OpNewDaemon, Daemon: dmn6}, cmdNewDaemon, func(ae *netlink.AttributeEncoder) {
			ae.Nested(cmdAttrDaemon, func(n *netlink.AttributeEncoder) error {
				n.Uint32(daemonAttrState, uint32(StateBackup))
				n.String(daemonAttrMcastIfn, "eth1")
				n.Uint32(daemonAttrSyncID, 0)
				n.Bytes(daemonAttrMcastGroup6, a16("ff02::82"))
				return nil
			})
		}},
		{"stop daemon", Op{Kind: OpDelDaemon, Daemon: dmn}, cmdDelDaemon, func(ae *netlink.AttributeEncoder) {
			ae.Nested(cmdAttrDaemon, func(n *netlink.AttributeEncoder) error {
				n.Uint32(daemonAttrState, uint32(StateMaster))
				n.String(daemonAttrMcastIfn, "eth0")
				n.Uint32(daemonAttrSyncID, 9)
				return nil
			})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd, got, ok := encodeOp(nil, &tt.op)
			if !ok || cmd != tt.cmd {
				t.Fatalf("encodeOp: cmd %d ok %v, want %d", cmd, ok, tt.cmd)
			}
			if want := payload(t, tt.cmd, tt.want); !bytes.Equal(got, want) {
				t.Errorf("payload\n got %x\nwant %x", got, want)
			}
		})
	}
	if _, _, ok := encodeOp(nil, &Op{Kind: 99}); ok {
		t.Error("unknown kind encoded")
	}
}

// TestEncodeLayout pins the wire bytes of one request by hand, so the test
// above does not merely agree with a shared misunderstanding.
func TestEncodeLayout(t *testing.T) {
	_, got, _ := encodeOp(nil, &Op{Kind: OpDelService, Service: Service{Family: AFInet, Protocol: TCP,
		Address: netip.MustParseAddr("10.1.2.3"), Port: 443, Scheduler: "rr", Netmask: 0xffffff00}})
	want := "" +
		"03010000" + // DEL_SERVICE, version 1
		"54000180" + // nested SERVICE, len 84
		"060001000200" + "0000" + // AF = 2
		"060002000600" + "0000" + // PROTOCOL = 6
		"140003000a010203000000000000000000000000" + // ADDR, 16 bytes
		"0600040001bb" + "0000" + // PORT 443, network order
		"0700060072720000" + // SCHED_NAME "rr\0" + pad
		"0c00070000000000ffffffff" + // FLAGS {0, ~0}
		"0800080000000000" + // TIMEOUT 0
		"08000900ffffff00" // NETMASK 255.255.255.0
	if hex.EncodeToString(got) != want {
		t.Errorf("got  %x\nwant %s", got, want)
	}
}

func TestEncodeQueries(t *testing.T) {
	if got, want := encodeGetDests(nil, &svcFW), payload(t, cmdGetDest, func(ae *netlink.AttributeEncoder) {
		ae.Nested(cmdAttrService, func(n *netlink.AttributeEncoder) error {
			n.Uint16(svcAttrAF, uint16(AFInet))
			n.Uint32(svcAttrFWMark, 7)
			return nil
		})
	}); !bytes.Equal(got, want) {
		t.Errorf("GET_DEST fwmark\n got %x\nwant %x", got, want)
	}
	if got, want := encodeGetDests(nil, &svc6), payload(t, cmdGetDest, func(ae *netlink.AttributeEncoder) {
		ae.Nested(cmdAttrService, func(n *netlink.AttributeEncoder) error {
			n.Uint16(svcAttrAF, uint16(AFInet6))
			n.Uint16(svcAttrProtocol, uint16(UDP))
			n.Bytes(svcAttrAddr, a16("2001:db8::1"))
			n.Bytes(svcAttrPort, be16(53))
			return nil
		})
	}); !bytes.Equal(got, want) {
		t.Errorf("GET_DEST v6\n got %x\nwant %x", got, want)
	}
	// GET_SERVICE sends the key with everything else zeroed.
	key := Service{Family: svc4.Family, Protocol: svc4.Protocol, Address: svc4.Address, Port: svc4.Port}
	if got, want := encodeGetService(nil, &svc4), payload(t, cmdGetService, nestSvc(key)); !bytes.Equal(got, want) {
		t.Errorf("GET_SERVICE\n got %x\nwant %x", got, want)
	}
	if got := encodeBare(nil, cmdGetInfo); !bytes.Equal(got, []byte{cmdGetInfo, 1, 0, 0}) {
		t.Errorf("GET_INFO %x", got)
	}
}
