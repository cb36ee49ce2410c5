package e2e

import (
	"errors"
	"net/netip"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// These tests drive our netlink client against the VM's kernel and check
// what it did with the reference ipvsadm, and what the reference did with
// our client.

func refOut(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(refBin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", refBin, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func openIPVS(t *testing.T) *ipvs.Client {
	t.Helper()
	c, err := ipvs.Open()
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		c.Flush()
		c.Close()
	})
	if err := c.Flush(); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	return c
}

func ipvsContains(t *testing.T, out string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(out, l) {
			t.Errorf("missing %q in:\n%s", l, out)
		}
	}
}

func TestIpvsCore(t *testing.T) {
	c := openIPVS(t)
	in, err := c.Info()
	if err != nil {
		t.Fatal(err)
	}
	if in.Version>>16 != 1 || in.ConnTabSize == 0 {
		t.Errorf("Info = %+v", in)
	}
	vip := ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: netip.MustParseAddr("10.0.0.1"),
		Port: 80, Scheduler: "rr", Netmask: 0xffffffff}
	if err := c.NewService(vip); err != nil {
		t.Fatalf("NewService: %v", err)
	}
	err = c.NewService(vip)
	var ie *ipvs.Error
	if !errors.As(err, &ie) || ie.Errno != syscall.EEXIST || ie.Op != "NEW_SERVICE" {
		t.Errorf("second NewService = %v, want EEXIST", err)
	}
	d := ipvs.Destination{Address: netip.MustParseAddr("192.168.1.2"), Port: 8080, ConnFlags: ipvs.FwdTunnel, Weight: 3}
	if err := c.NewDestination(vip, d); err != nil {
		t.Fatalf("NewDestination: %v", err)
	}
	ipvsContains(t, refOut(t, "-Sn"), "-A -t 10.0.0.1:80 -s rr", "-a -t 10.0.0.1:80 -r 192.168.1.2:8080 -i -w 3")

	refOut(t, "-A", "-u", "10.0.0.2:53", "-s", "wlc")
	svcs, err := c.Services()
	if err != nil {
		t.Fatal(err)
	}
	if len(svcs) != 2 {
		t.Fatalf("Services = %+v", svcs)
	}
	dests, err := c.Destinations(vip)
	if err != nil || len(dests) != 1 || dests[0].Address != d.Address || dests[0].Port != 8080 ||
		dests[0].Weight != 3 || dests[0].FwdMethod() != ipvs.FwdTunnel || dests[0].Family != ipvs.AFInet {
		t.Fatalf("Destinations = %+v, %v", dests, err)
	}
	if err := c.DelDestination(vip, d); err != nil {
		t.Fatal(err)
	}
	if err := c.DelService(vip); err != nil {
		t.Fatal(err)
	}
	out := refOut(t, "-Sn")
	if strings.Contains(out, "10.0.0.1") || !strings.Contains(out, "-A -u 10.0.0.2:53 -s wlc") {
		t.Errorf("after deletes:\n%s", out)
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	if out := refOut(t, "-Sn"); out != "" {
		t.Errorf("after Flush: %q", out)
	}
}
