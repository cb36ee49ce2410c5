package ipvs_test

import (
	"fmt"
	"log"
	"net/netip"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// List the table as ipvsadm -Ln does: each service, then its real
// servers with their 64-bit counters. Open needs root (CAP_NET_ADMIN) and
// a kernel with IPVS; elsewhere it fails with ErrNotAvailable.
func Example() {
	c, err := ipvs.Open(ipvs.Config{NoModprobe: true})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	in := c.Info()
	fmt.Printf("IPVS %d.%d.%d, %d connection buckets\n", in.Version>>16, in.Version>>8&0xff, in.Version&0xff, in.ConnTabSize)
	svcs, err := ipvs.Services(c)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range svcs {
		fmt.Printf("%v %v:%d %s\n", s.Protocol, s.Address, s.Port, s.Scheduler)
		err := c.EachDestination(s, func(d *ipvs.Destination) error {
			fmt.Printf("  -> %v:%d %v weight %d, %d connections, %d bytes in\n",
				d.Address, d.Port, d.FwdMethod(), d.Weight, d.Stats.Conns, d.Stats.InBytes)
			return nil
		})
		if err != nil {
			log.Fatal(err)
		}
	}
}

// The tutorial's LVS-NAT service, as
// ipvsadm -A -t 192.168.0.1:80 -s rr; ipvsadm -a -t 192.168.0.1:80 -r 192.168.1.11 -m.
func ExampleClient_Exec() {
	c, err := ipvs.Open(ipvs.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	vip := ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP,
		Address: netip.MustParseAddr("192.168.0.1"), Port: 80, Scheduler: "rr", Netmask: 0xffffffff}
	if err := c.Exec(&ipvs.Op{Kind: ipvs.OpNewService, Service: vip}); err != nil {
		log.Fatal(err) // an *ipvs.Error: errors.Is(err, syscall.EEXIST) if it is there already
	}
	rs := ipvs.Destination{Address: netip.MustParseAddr("192.168.1.11"), Port: 80,
		ConnFlags: uint32(ipvs.FwdMasq), Weight: 1}
	if err := c.Exec(&ipvs.Op{Kind: ipvs.OpNewDest, Service: vip, Dest: rs}); err != nil {
		log.Fatal(err)
	}
}

// Batch sends many changes at once, in order, and answers each: here the
// tutorial's two real servers switched to weights 1 and 2 (wrr).
func ExampleClient_Batch() {
	c, err := ipvs.Open(ipvs.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	vip := ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP,
		Address: netip.MustParseAddr("192.168.0.1"), Port: 80, Scheduler: "wrr", Netmask: 0xffffffff}
	ops := []ipvs.Op{{Kind: ipvs.OpUpdateService, Service: vip}}
	for i, addr := range []string{"192.168.1.11", "192.168.1.12"} {
		rs := ipvs.Destination{Address: netip.MustParseAddr(addr), Port: 80,
			ConnFlags: uint32(ipvs.FwdMasq), Weight: int32(i + 1)}
		ops = append(ops, ipvs.Op{Kind: ipvs.OpUpdateDest, Service: vip, Dest: rs})
	}
	for i, err := range c.Batch(ops) {
		if err != nil {
			log.Printf("%v: %v", ops[i].Kind, err)
		}
	}
}
