package collector

import (
	"net/netip"

	"github.com/lvsgo/ipvsadm/internal/diagnose"
	"github.com/lvsgo/ipvsadm/internal/diagnose/diagnosetest"
	"github.com/lvsgo/ipvsadm/internal/ipvstest"
	"github.com/lvsgo/ipvsadm/ipvs"
)

var (
	vip = netip.MustParseAddr("172.16.1.143")
	rs1 = netip.MustParseAddr("192.168.1.11")
	rs2 = netip.MustParseAddr("192.168.1.12")
	dip = netip.MustParseAddr("192.168.1.118")
)

// natSys is the NAT lab's director as doctor sees it: the VIP local,
// both real servers on br0 (where a probe finds them listening),
// forwarding on, the schedulers loaded.
func natSys() *diagnosetest.System {
	return &diagnosetest.System{
		RouteTo: map[netip.Addr]diagnose.Route{
			vip: {Type: diagnose.RouteLocal, Dev: "lo", Src: vip},
			rs1: {Type: diagnose.RouteUnicast, Dev: "br0", Src: dip},
			rs2: {Type: diagnose.RouteUnicast, Dev: "br0", Src: dip},
		},
		Sysctls: map[string]string{"net.ipv4.ip_forward": "1", "net.ipv4.conf.br0.forwarding": "1"},
		Modules: map[string]diagnose.ModState{"ip_vs": diagnose.ModLoaded, "ip_vs_wrr": diagnose.ModLoaded, "ip_vs_sh": diagnose.ModLoaded},
		Probes: &diagnose.Probes{TCP: map[netip.AddrPort]diagnose.TCPResult{
			netip.AddrPortFrom(rs1, 80): {Outcome: diagnose.TCPOpen},
			netip.AddrPortFrom(rs2, 80): {Outcome: diagnose.TCPOpen},
		}},
	}
}

// natKernel is the NAT lab's table at wrr 1:2 after 12 connections, a
// fwmark service with an IPv6 tunnel real server, and a backup daemon.
func natKernel() *ipvstest.Kernel {
	return &ipvstest.Kernel{
		KernelInfo: ipvs.Info{Version: 0x010201, ConnTabSize: 4096},
		Table: []ipvstest.Service{
			{
				Service: ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: vip, Port: 80, Scheduler: "wrr",
					Netmask: 0xffffffff, Stats: ipvs.Stats{Conns: 12, InPkts: 72, OutPkts: 60, InBytes: 4800, OutBytes: 1 << 40}},
				Dests: []ipvs.Destination{
					{Address: rs2, Port: 80, ConnFlags: uint32(ipvs.FwdMasq), Weight: 2, ActiveConns: 1, InactConns: 7,
						Stats: ipvs.Stats{Conns: 8, InPkts: 48, OutPkts: 40, InBytes: 3200, OutBytes: 1<<40 - 1000}},
					{Address: rs1, Port: 80, ConnFlags: uint32(ipvs.FwdMasq), Weight: 1, UpperThreshold: 100, LowerThreshold: 10,
						InactConns: 4, Stats: ipvs.Stats{Conns: 4, InPkts: 24, OutPkts: 20, InBytes: 1600, OutBytes: 1000}},
				},
			},
			{
				Service: ipvs.Service{Family: ipvs.AFInet6, FWMark: 7, Scheduler: "sh", Flags: 0x0001 | 0x0008 | 0x0010,
					Timeout: 300, Netmask: 128, Stats: ipvs.Stats{Conns: 1}},
				Dests: []ipvs.Destination{
					{Address: netip.MustParseAddr("2001:db8::11"), Port: 0, ConnFlags: uint32(ipvs.FwdTunnel),
						TunType: ipvs.TunGUE, TunPort: 6080, Weight: 0, PersistConns: 1, Stats: ipvs.Stats{Conns: 1}},
				},
			},
		},
		Syncd: []ipvs.Daemon{{State: ipvs.StateBackup, McastIfn: "eth1", SyncID: 3}},
	}
}
