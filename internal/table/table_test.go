package table

import (
	"errors"
	"net/netip"
	"slices"
	"syscall"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/ipvstest"
	"github.com/lvsgo/ipvsadm/ipvs"
)

func tcp(addr string, port uint16) ipvs.Service {
	return ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: netip.MustParseAddr(addr), Port: port, Scheduler: "rr"}
}

func rs(addr string) ipvs.Destination {
	return ipvs.Destination{Address: netip.MustParseAddr(addr), Port: 80, Weight: 1}
}

func names(t []ServiceDests) []string {
	var out []string
	for _, s := range t {
		n := netip.AddrPortFrom(s.Address, s.Port).String()
		if s.FWMark != 0 {
			n = "fwm"
		}
		for _, d := range s.Dests {
			n += " " + d.Address.String()
		}
		out = append(out, n)
	}
	return out
}

// -L's order, with ipvsadm's quirk: addresses compare as a C int of their
// difference, so 1.0.0.0 and 200.0.0.0, more than 2^31 apart, sort the
// "wrong" way round; fwmark services come after the others.
func TestSort(t *testing.T) {
	fw := ipvs.Service{Family: ipvs.AFInet, FWMark: 7, Scheduler: "rr"}
	tab := []ServiceDests{
		{Service: fw},
		{Service: tcp("10.0.0.2", 80), Dests: []ipvs.Destination{rs("192.168.1.12"), rs("192.168.1.11")}},
		{Service: tcp("10.0.0.1", 443)},
		{Service: tcp("10.0.0.1", 80)},
		{Service: tcp("200.0.0.0", 80)},
		{Service: tcp("1.0.0.0", 80)},
	}
	Sort(tab)
	want := []string{"200.0.0.0:80", "1.0.0.0:80", "10.0.0.1:80", "10.0.0.1:443",
		"10.0.0.2:80 192.168.1.11 192.168.1.12", "fwm"}
	if got := names(tab); !slices.Equal(got, want) {
		t.Errorf("Sort:\n%q\nwant\n%q", got, want)
	}
}

// Read: every service with its real servers in kernel order, or one; a
// service deleted between the dumps is left out, a named one's absence is
// the kernel's error.
func TestRead(t *testing.T) {
	a, b := tcp("10.0.0.2", 80), tcp("10.0.0.1", 80)
	k := &ipvstest.Kernel{Table: []ipvstest.Service{
		{Service: a, Dests: []ipvs.Destination{rs("192.168.1.12"), rs("192.168.1.11")}},
		{Service: b},
	}}
	got, err := Read(k, nil)
	if err != nil || !slices.Equal(names(got), []string{"10.0.0.2:80 192.168.1.12 192.168.1.11", "10.0.0.1:80"}) {
		t.Errorf("Read(all) = %q, %v", names(got), err)
	}
	got, err = Read(k, &b)
	if err != nil || !slices.Equal(names(got), []string{"10.0.0.1:80"}) {
		t.Errorf("Read(one) = %q, %v", names(got), err)
	}
	missing := tcp("10.9.9.9", 80)
	if _, err := Read(k, &missing); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("Read(missing) = %v, want ESRCH", err)
	}
	// The second service's destination dump finds it gone.
	k.Fail = map[string]*ipvstest.Failure{"GET_DEST": {Errno: syscall.ESRCH, After: 1}}
	got, err = Read(k, nil)
	if err != nil || !slices.Equal(names(got), []string{"10.0.0.2:80 192.168.1.12 192.168.1.11"}) {
		t.Errorf("Read with a service deleted midway = %q, %v", names(got), err)
	}
}
