//go:build e2e

package e2e

import (
	"fmt"
	"net/netip"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	doc "github.com/lvsgo/ipvsadm/internal/diagnose"
	"github.com/lvsgo/ipvsadm/internal/netns"
)

// Doctor asks the kernel for the routes to all real servers at once
// (internal/routeget, many requests a write). Each answer must be what
// `ip route get ADDR` says for that address alone: the route type, the
// device, the gateway and the source, on a namespace with routes of
// every kind, across several batches.

const routesNS = "doctor-routes"

// routesLab is the namespace's setup, `ip -n routesNS` arguments.
var routesLab = [][]string{
	{"link", "set", "lo", "up"},
	{"link", "add", "rt0", "type", "dummy"},
	{"link", "add", "rt1", "type", "dummy"},
	{"link", "set", "rt0", "up"},
	{"link", "set", "rt1", "up"},
	{"addr", "add", "10.61.0.1/24", "dev", "rt0"},
	{"addr", "add", "10.62.0.1/24", "dev", "rt1"},
	{"addr", "add", "10.62.0.2/24", "dev", "rt1"},
	{"-6", "addr", "add", "2001:db8:61::1/64", "dev", "rt0", "nodad"},
	{"route", "add", "10.70.0.0/16", "via", "10.61.0.254"},
	{"route", "add", "10.70.5.0/24", "via", "10.62.0.254"},             // more specific, other device
	{"route", "add", "10.70.6.7/32", "dev", "rt1"},                     // a host route, on-link
	{"route", "add", "10.71.0.0/16", "dev", "rt1", "src", "10.62.0.2"}, // a chosen source
	{"route", "add", "10.75.0.0/16", "nexthop", "via", "10.61.0.254", "nexthop", "via", "10.62.0.254"},
	{"route", "add", "blackhole", "10.72.0.0/16"},
	{"route", "add", "unreachable", "10.73.0.0/16"},
	{"route", "add", "prohibit", "10.74.0.0/16"},
	{"route", "add", "default", "via", "10.61.0.253", "metric", "10"},
	{"route", "add", "default", "via", "10.62.0.253", "metric", "20"},
	{"-6", "route", "add", "2001:db8:99::/48", "via", "2001:db8:61::fe"},
	{"-6", "route", "add", "unreachable", "2001:db8:98::/48"},
}

// routesAddrs are the addresses asked: some in each route, and enough of
// 10.70/16 (crossing its /24 and /32) for several batches.
func routesAddrs() []netip.Addr {
	var out []netip.Addr
	for _, s := range []string{"127.0.0.1", "10.61.0.1", "10.62.0.2", "10.61.0.5", "10.61.0.255", "10.62.0.9",
		"10.71.3.4", "10.72.0.1", "10.73.9.9", "10.74.1.1", "192.0.2.1", "224.0.0.5", "255.255.255.255",
		"2001:db8:61::1", "2001:db8:61::9", "2001:db8:99::1", "2001:db8:98::1", "::1", "2001:db8:77::1"} {
		out = append(out, netip.MustParseAddr(s))
	}
	for i := 0; i < 150; i++ {
		out = append(out, netip.AddrFrom4([4]byte{10, 70, byte(i/25 + 2), byte(i%25*10 + 1)}))
	}
	for i := 0; i < 20; i++ {
		out = append(out, netip.AddrFrom4([4]byte{10, 75, byte(i), 1}))
	}
	return append(out, netip.MustParseAddr("10.70.6.7"))
}

// kernelRoutes is doctor's answer for addrs, asked from ns.
func kernelRoutes(t *testing.T, ns string, addrs []netip.Addr) []doc.Route {
	t.Helper()
	type res struct {
		rs  []doc.Route
		err error
	}
	c := make(chan res)
	go func() {
		// Never unlocked: the thread ends with the goroutine, and
		// its namespace with it.
		runtime.LockOSThread()
		if err := netns.Enter(ns); err != nil {
			c <- res{err: err}
			return
		}
		c <- res{rs: (&doc.Kernel{}).Routes(addrs)}
	}()
	r := <-c
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.rs
}

// ipRouteGet is `ip route get a` in ns as doctor words it.
func ipRouteGet(t *testing.T, ns string, a netip.Addr) doc.Route {
	t.Helper()
	out, err := exec.Command(ipCmd, "-n", ns, "-o", "route", "get", a.String()).CombinedOutput()
	line := strings.TrimSpace(string(out))
	if err != nil {
		// "RTNETLINK answers: Network is unreachable"
		msg, ok := strings.CutPrefix(line, "RTNETLINK answers: ")
		if !ok {
			t.Fatalf("ip route get %s: %v\n%s", a, err, out)
		}
		return doc.Route{Type: doc.RouteNone, Err: strings.ToLower(msg[:1]) + msg[1:]}
	}
	f := strings.Fields(line)
	r := doc.Route{Type: doc.RouteUnicast}
	if types := map[string]int{"local": 2, "broadcast": 3, "anycast": 4, "multicast": 5, "blackhole": 6,
		"unreachable": 7, "prohibit": 8, "throw": 9}; types[f[0]] != 0 {
		if f[0] == "local" {
			r.Type = doc.RouteLocal
		} else {
			return doc.Route{Type: doc.RouteNone, Err: routeTypeWord(types[f[0]])}
		}
	}
	for i := 0; i+1 < len(f); i++ {
		switch f[i] {
		case "via":
			r.Gateway = netip.MustParseAddr(f[i+1])
		case "dev":
			r.Dev = f[i+1]
		case "src":
			r.Src = netip.MustParseAddr(f[i+1])
		}
	}
	return r
}

// routeTypeWord is doctor's word for a route type it does not use.
func routeTypeWord(t int) string {
	switch t {
	case 6:
		return "blackhole route"
	case 7:
		return "unreachable route"
	case 8:
		return "prohibit route"
	}
	return "route of type " + strconv.Itoa(t)
}

func TestDoctorRoutes(t *testing.T) {
	relMust(t, "", ipCmd, "netns", "add", routesNS)
	t.Cleanup(func() { exec.Command(ipCmd, "netns", "del", routesNS).Run() })
	for _, args := range routesLab {
		relMust(t, "", append([]string{ipCmd, "-n", routesNS}, args...)...)
	}
	addrs := routesAddrs()
	compare := func(phase string) map[string]int {
		t.Helper()
		got := kernelRoutes(t, routesNS, addrs)
		kinds := map[string]int{}
		for i, a := range addrs {
			want := ipRouteGet(t, routesNS, a)
			if got[i] != want {
				t.Errorf("%s: route to %s: doctor %+v, ip route get %+v", phase, a, got[i], want)
			}
			kinds[fmt.Sprintf("%v %s", want.Type, want.Err)]++
		}
		t.Logf("%s: %d addresses: %v", phase, len(addrs), kinds)
		return kinds
	}
	kinds := compare("every route")
	// The lab has what it is for: local, routed and refused answers,
	// the kernel's refusals among them.
	for _, k := range []string{"local ", "unicast "} {
		if kinds[k] == 0 {
			t.Errorf("no %q answer: %v", k, kinds)
		}
	}
	if len(kinds) < 5 {
		t.Errorf("only %d kinds of answer: %v", len(kinds), kinds)
	}
	// Without the defaults, what no route covers is unreachable.
	for _, m := range []string{"10", "20"} {
		relMust(t, "", ipCmd, "-n", routesNS, "route", "del", "default", "metric", m)
	}
	if kinds := compare("no default"); kinds["none network is unreachable"] == 0 {
		t.Errorf("no unreachable answer without a default route: %v", kinds)
	}
}
