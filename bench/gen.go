package main

import (
	"fmt"
	"net/netip"
	"strconv"
)

// The rule set lives in 198.18.0.0/15, the range set aside for benchmarks
// (RFC 2544): virtual IPs in 198.18.0.0/16, real servers in 198.19.0.0/16.
// Every virtual IP carries four services, the way a load balancer fronts an
// application on several ports, and they share that VIP's real servers.

const (
	perOctet = 250 // addresses .1 to .250 of each /24
	slots    = 4   // services per virtual IP
)

func vipAddr(v int) netip.Addr {
	return netip.AddrFrom4([4]byte{198, 18, byte(v / perOctet), byte(v%perOctet + 1)})
}

func realAddr(k int) netip.Addr {
	return netip.AddrFrom4([4]byte{198, 19, byte(k / perOctet), byte(k%perOctet + 1)})
}

// extraAddr is the VIP of the i-th service the single invocations add;
// 198.18.254.0/23 is never used by the rule set.
func extraAddr(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{198, 18, byte(254 + i/perOctet), byte(i%perOctet + 1)})
}

// maxServices is how many services the address plan holds with reals
// real servers per VIP (198.19.0.0/16 runs out first).
func maxServices(reals int) int { return perOctet * 250 / max(reals, 1) * slots }

// service is one generated virtual service and the options of its reals.
type service struct {
	key    string // "-t 198.18.0.1:80", "-u ...", "-f 7"
	opts   string // scheduler and persistence
	vip    int
	rport  string // ":8080", or "" for the service's port
	method string // -m, -g, -i
}

func genService(i int) service {
	v := i / slots
	a := vipAddr(v).String()
	switch i % slots {
	case 0:
		return service{"-t " + a + ":80", "-s wlc", v, ":8080", "-m"}
	case 1:
		return service{"-t " + a + ":443", "-s rr -p 300", v, ":8443", "-m"}
	case 2:
		return service{"-t " + a + ":8080", "-s sh", v, "", "-g"}
	default:
		if v%2 == 0 {
			return service{"-u " + a + ":53", "-s lc", v, ":53", "-i"}
		}
		return service{"-f " + strconv.Itoa(v+1), "-s wrr", v, "", "-g"}
	}
}

// genRules is the restore input: n services with reals real servers each,
// one line per service and per destination.
func genRules(n, reals int) []byte { return genRulesRange(0, n, reals) }

// genHosts is /etc/hosts for the run: localhost plus names for named of
// the rule set's addresses, spread evenly over VIPs and real servers. Its
// size does not grow with the table, as a hand-kept hosts file on a
// balancer does not; the other addresses have no name and print as numbers.
func genHosts(n, reals, named int) []byte {
	b := []byte("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n")
	vips := (n + slots - 1) / slots
	total := vips * (1 + reals)
	if named <= 0 {
		return b
	}
	step := max(total/named, 1)
	for k := 0; k < total; k += step {
		if k < vips {
			b = fmt.Appendf(b, "%s\tvip-%d.bench.example vip-%d\n", vipAddr(k), k, k)
		} else {
			b = fmt.Appendf(b, "%s\trs-%d.bench.example\n", realAddr(k-vips), k-vips)
		}
	}
	return b
}

// genErrorRules is a short restore input that exercises per-line error
// reporting: kernel errors in the middle, a list and a zero between
// changes, and a final line that popt rejects, after which nothing runs.
func genErrorRules(n, reals int) []byte {
	base := genRules(n, reals)
	b := append([]byte(nil), base...)
	s0, s1, s2 := genService(0), genService(1), genService(2)
	r0 := realAddr(s0.vip*reals).String() + s0.rport
	b = fmt.Appendf(b, "-A %s -s rr\n", s0.key)                                           // exists
	b = fmt.Appendf(b, "-a %s -r %s -m\n", s0.key, r0)                                    // exists
	b = fmt.Appendf(b, "-a -t %s:81 -r %s -m\n", vipAddr(0), r0)                          // no service
	b = fmt.Appendf(b, "-e %s -r %s -m -w 9\n", s0.key, r0)                               // ok
	b = fmt.Appendf(b, "-d %s -r 198.19.250.250:1\n", s1.key)                             // no dest
	b = fmt.Appendf(b, "-E %s -s wrr\n", s1.key)                                          // ok
	b = fmt.Appendf(b, "-L -n %s\n", s0.key)                                              // list mid-stream
	b = fmt.Appendf(b, "-D %s\n", s2.key)                                                 // ok
	b = fmt.Appendf(b, "-D %s\n", s2.key)                                                 // gone
	b = fmt.Appendf(b, "-Z\n")                                                            // ok
	b = fmt.Appendf(b, "-A -t %s:80 -s nosuchsched\n", vipAddr(250*50))                   // no scheduler
	b = fmt.Appendf(b, "-A -t %s:81\n-a -t %s:81 -r %s -g\n", vipAddr(1), vipAddr(1), r0) // ok
	b = fmt.Appendf(b, "-A -t %s:82 --bogus\n", vipAddr(1))                               // popt: ends the run
	b = fmt.Appendf(b, "-A -t %s:83\n", vipAddr(1))                                       // never runs
	return b
}
