package top

import (
	"net/netip"
	"time"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// The tests' director: the tutorial's NAT service at wrr 1:2, a DR
// service, DNS over UDP, a firewall-mark service, an IPv6 one and a row of
// small web services, enough rows to scroll at 80x24 but not at 132x43.
// Its counters move by known amounts between two snapshots 2 s apart.

var t0 = time.Date(2026, 11, 29, 19, 30, 0, 0, time.UTC)

const ipvsVersion = 1<<16 | 2<<8 | 1 // 1.2.1

type destSpec struct {
	addr   string
	port   uint16
	fwd    ipvs.ForwardMethod
	weight int32
	act    uint32
	inact  uint32
	// conns, inPkts, outPkts, inBytes, outBytes: the counters at the
	// first snapshot, and how far they move by the second.
	before, moved [5]uint64
}

type svcSpec struct {
	proto ipvs.Protocol
	addr  string
	port  uint16
	mark  uint32
	sched string
	dests []destSpec
}

func stats(v [5]uint64) ipvs.Stats {
	return ipvs.Stats{Conns: v[0], InPkts: v[1], OutPkts: v[2], InBytes: v[3], OutBytes: v[4]}
}

func plus(a, b [5]uint64) [5]uint64 {
	for i := range a {
		a[i] += b[i]
	}
	return a
}

var director = []svcSpec{
	{ipvs.TCP, "172.16.1.143", 80, 0, "wrr", []destSpec{
		{"192.168.1.11", 80, ipvs.FwdMasq, 1, 3, 40, [5]uint64{1000, 9000, 8000, 900000, 12000000}, [5]uint64{20, 140, 120, 11000, 160000}},
		{"192.168.1.12", 80, ipvs.FwdMasq, 2, 6, 81, [5]uint64{2000, 18000, 16000, 1800000, 24000000}, [5]uint64{40, 280, 240, 22000, 320000}},
	}},
	{ipvs.TCP, "192.168.2.143", 80, 0, "rr", []destSpec{
		{"192.168.2.11", 80, ipvs.FwdDirect, 1, 0, 12, [5]uint64{500, 4000, 0, 300000, 0}, [5]uint64{5, 30, 0, 2100, 0}},
		{"192.168.2.12", 80, ipvs.FwdDirect, 1, 1, 11, [5]uint64{500, 4000, 0, 300000, 0}, [5]uint64{5, 31, 0, 2200, 0}},
		{"192.168.2.13", 80, ipvs.FwdDirect, 0, 0, 0, [5]uint64{300, 2000, 0, 100000, 0}, [5]uint64{}},
	}},
	{ipvs.UDP, "172.16.1.53", 53, 0, "sh", []destSpec{
		{"192.168.1.21", 53, ipvs.FwdMasq, 1, 0, 250, [5]uint64{90000, 90000, 90000, 6000000, 9000000}, [5]uint64{2400, 2400, 2400, 160000, 256000}},
		{"192.168.1.22", 53, ipvs.FwdMasq, 1, 0, 249, [5]uint64{90000, 90000, 90000, 6000000, 9000000}, [5]uint64{2200, 2200, 2200, 150000, 240000}},
	}},
	{0, "", 0, 7, "lc", []destSpec{
		{"10.0.7.1", 0, ipvs.FwdTunnel, 5, 2, 3, [5]uint64{10, 100, 0, 10000, 0}, [5]uint64{1, 9, 0, 700, 0}},
		{"10.0.7.2", 0, ipvs.FwdTunnel, 5, 2, 4, [5]uint64{10, 100, 0, 10000, 0}, [5]uint64{0, 12, 0, 900, 0}},
	}},
	{ipvs.TCP, "2001:db8::80", 443, 0, "wlc", []destSpec{
		{"2001:db8:1::11", 443, ipvs.FwdMasq, 100, 17, 5, [5]uint64{7000, 70000, 65000, 9000000, 700000000}, [5]uint64{9, 400, 380, 52000, 4000000}},
	}},
}

func init() {
	for i := 1; i <= 5; i++ {
		port := uint16(8080 + i)
		director = append(director, svcSpec{ipvs.TCP, "172.16.1.143", port, 0, "rr", []destSpec{
			{"192.168.1.11", port, ipvs.FwdMasq, 1, uint32(i), 0, [5]uint64{}, [5]uint64{uint64(i), uint64(6 * i), uint64(5 * i), uint64(600 * i), uint64(9000 * i)}},
			{"192.168.1.12", port, ipvs.FwdMasq, 1, 0, uint32(i), [5]uint64{}, [5]uint64{uint64(i), uint64(6 * i), uint64(5 * i), uint64(600 * i), uint64(9000 * i)}},
		}})
	}
}

// snapshot is the fixture at time at, its counters moved n times.
func snapshot(specs []svcSpec, at time.Time, n uint64) Snapshot {
	snap := Snapshot{Time: at, Info: ipvs.Info{Version: ipvsVersion, ConnTabSize: 4096}}
	for _, sp := range specs {
		s := Service{Service: ipvs.Service{Protocol: sp.proto, Port: sp.port, FWMark: sp.mark, Scheduler: sp.sched, Family: ipvs.AFInet}}
		if sp.addr != "" {
			s.Address = netip.MustParseAddr(sp.addr)
			if s.Address.Is6() {
				s.Family = ipvs.AFInet6
			}
		}
		var sum [5]uint64
		for _, d := range sp.dests {
			c := d.before
			for range n {
				c = plus(c, d.moved)
			}
			sum = plus(sum, c)
			s.Dests = append(s.Dests, ipvs.Destination{Address: netip.MustParseAddr(d.addr), Port: d.port,
				ConnFlags: uint32(d.fwd), Weight: d.weight, ActiveConns: d.act, InactConns: d.inact, Stats: stats(c)})
		}
		s.Stats = stats(sum)
		snap.Services = append(snap.Services, s)
	}
	return snap
}

// fixture is the director's table and its rates over 2 s.
func fixture() *Table {
	prev := snapshot(director, t0, 0)
	cur := snapshot(director, t0.Add(2*time.Second), 1)
	return Compute(&prev, &cur)
}
