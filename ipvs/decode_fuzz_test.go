package ipvs

import (
	"net/netip"
	"testing"
)

// Seeds for the decoders: requests from our own encoder, which lay out the
// service and destination attributes as the kernel's replies do (minus the
// counters), cut and padded to give the fuzzer edges to work from.
func decodeSeeds() [][]byte {
	svc4 := Service{Family: AFInet, Protocol: TCP, Address: netip.MustParseAddr("10.0.0.1"), Port: 80,
		Scheduler: "wlc", Flags: SvcPersistent, Timeout: 300, Netmask: 0xffffffff, PEName: "sip"}
	svc6 := Service{Family: AFInet6, Protocol: UDP, Address: netip.MustParseAddr("2001:db8::1"), Port: 53,
		Scheduler: "rr", Netmask: 128}
	fwm := Service{Family: AFInet, FWMark: 7, Scheduler: "sh", Flags: SvcSchedFlag1 | SvcSchedFlag2, Netmask: 0xffffff00}
	d4 := Destination{Address: netip.MustParseAddr("10.0.0.2"), Port: 80, ConnFlags: uint32(FwdMasq), Weight: 3, UpperThreshold: 10, LowerThreshold: 2}
	d6 := Destination{Family: AFInet6, Address: netip.MustParseAddr("2001:db8::2"), Port: 53, ConnFlags: uint32(FwdTunnel),
		Weight: 1, TunType: TunGUE, TunPort: 6080, TunFlags: TunFlagCsum}
	var seeds [][]byte
	add := func(op Op) {
		_, b, ok := encodeOp(nil, &op)
		if !ok {
			panic("seed op")
		}
		b = b[4:] // the genl header
		seeds = append(seeds, b, b[:len(b)/2], append(append([]byte{}, b...), 4, 0, 1, 0))
	}
	for _, s := range []Service{svc4, svc6, fwm} {
		add(Op{Kind: OpNewService, Service: s})
	}
	add(Op{Kind: OpNewDest, Service: svc4, Dest: d4})
	add(Op{Kind: OpNewDest, Service: svc6, Dest: d6})
	add(Op{Kind: OpNewDaemon, Daemon: Daemon{State: StateMaster, McastIfn: "eth0", SyncID: 5,
		SyncMaxLen: 1472, McastGroup: netip.MustParseAddr("224.0.0.81"), McastPort: 8848, McastTTL: 1}})
	add(Op{Kind: OpNewDaemon, Daemon: Daemon{State: StateBackup, McastIfn: "eth1", McastGroup: netip.MustParseAddr("ff02::1")}})
	add(Op{Kind: OpSetTimeouts, Timeouts: Timeouts{TCP: 900, TCPFin: 120, UDP: 300}})
	seeds = append(seeds, nil, []byte{4, 0}, []byte{0, 0, 1, 0}, []byte{8, 0, 1, 0, 1, 2, 3})
	return seeds
}

// FuzzDecodeService: no reply, however malformed, panics the service
// decoder; a decoded service has an address of its own family.
func FuzzDecodeService(f *testing.F) {
	for _, s := range decodeSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Service
		if err := decodeService(b, &s); err != nil {
			return
		}
		if s.Address.IsValid() && s.FWMark == 0 &&
			!(s.Family == AFInet && s.Address.Is4() || s.Family == AFInet6 && s.Address.Is6()) {
			t.Fatalf("family %d with address %v", s.Family, s.Address)
		}
	})
}

// FuzzDecodeDest: the destination decoder, for either service family.
func FuzzDecodeDest(f *testing.F) {
	for _, s := range decodeSeeds() {
		f.Add(false, s)
		f.Add(true, s)
	}
	f.Fuzz(func(t *testing.T, v6 bool, b []byte) {
		fam := AFInet
		if v6 {
			fam = AFInet6
		}
		var d Destination
		_ = decodeDest(b, fam, &d)
	})
}

// FuzzDecodeOther: the daemon, timeout and info decoders and the stats
// walker, which share the attribute iterator.
func FuzzDecodeOther(f *testing.F) {
	for _, s := range decodeSeeds() {
		for k := uint8(0); k < 4; k++ {
			f.Add(k, s)
		}
	}
	f.Fuzz(func(t *testing.T, kind uint8, b []byte) {
		switch kind % 4 {
		case 0:
			var d Daemon
			_ = decodeDaemon(b, &d)
		case 1:
			var tm Timeouts
			_ = decodeTimeouts(b, &tm)
		case 2:
			var in Info
			_ = decodeInfo(b, &in)
		case 3:
			var st Stats
			decodeStats(b, &st)
		}
	})
}
