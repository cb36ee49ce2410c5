package realserver

import (
	"fmt"
	"net/netip"

	"github.com/lvsgo/ipvsadm/internal/sysctl"
)

// The values DR needs: answer ARP only for addresses on the receiving
// interface, and source ARP requests from an address of the outgoing one.
const (
	wantIgnore   = "1"
	wantAnnounce = "2"
)

// Loopback is where VIPs live on a real server.
const Loopback = "lo"

// Setting is one sysctl and its value.
type Setting struct {
	Key   sysctl.Key `json:"key"`
	Value string     `json:"value"`
}

// Addr is one address as the kernel holds it.
type Addr struct {
	Prefix netip.Prefix // address and prefix length, e.g. 10.0.0.1/32
	Dev    string
}

// View is what the kernel has now: values of the sysctls of interest
// (a missing key means the parameter does not exist), every address on
// every interface, and whether lo is down (as in a fresh network namespace,
// or at boot before anything brought it up).
type View struct {
	Sysctls []Setting
	Addrs   []Addr
	LoDown  bool
}

// Sysctl returns the current value of k and whether it exists.
func (v View) Sysctl(k sysctl.Key) (string, bool) {
	for _, s := range v.Sysctls {
		if s.Key.Equal(k) {
			return s.Value, true
		}
	}
	return "", false
}

// OnLo reports whether vip is on lo as a host address.
func (v View) OnLo(vip netip.Addr) bool {
	want := HostPrefix(vip)
	for _, a := range v.Addrs {
		if a.Dev == Loopback && a.Prefix == want {
			return true
		}
	}
	return false
}

// HostPrefix is a as a host address: /32, or /128 for IPv6.
func HostPrefix(a netip.Addr) netip.Prefix {
	return netip.PrefixFrom(a, a.BitLen())
}

// Wanted lists the sysctls DR needs on devs ("all" first, then interfaces).
func Wanted(devs []string) ([]Setting, error) {
	var out []Setting
	for _, d := range devs {
		for _, p := range []struct{ name, val string }{
			{sysctl.ARPIgnore, wantIgnore},
			{sysctl.ARPAnnounce, wantAnnounce},
		} {
			k, err := sysctl.IPv4Conf(d, p.name)
			if err != nil {
				return nil, err
			}
			out = append(out, Setting{k, p.val})
		}
	}
	return out, nil
}

// Misplaced lists the addresses holding vip other than vip/32 (/128) on lo.
func Misplaced(vip netip.Addr, v View) []Addr {
	var out []Addr
	for _, a := range v.Addrs {
		if a.Prefix.Addr() == vip && !(a.Dev == Loopback && a.Prefix.Bits() == vip.BitLen()) {
			out = append(out, a)
		}
	}
	return out
}

// Item is one checked rule: a line of arp-prep's --check report, a
// finding of doctor's.
type Item struct {
	Kind    string `json:"kind"` // "sysctl", "address" or "persist"
	Name    string `json:"name"` // sysctl key or VIP
	Have    string `json:"have"`
	Want    string `json:"want"`
	OK      bool   `json:"ok"`
	Warning bool   `json:"warning,omitempty"` // not ok, but not a failure
	Problem string `json:"problem,omitempty"`
}

// Check reports every wanted sysctl and every VIP as ok or wrong.
func Check(vips []netip.Addr, wanted []Setting, v View) []Item {
	var items []Item
	for _, w := range wanted {
		it := Item{Kind: "sysctl", Name: w.Key.String(), Want: w.Value}
		cur, ok := v.Sysctl(w.Key)
		switch {
		case !ok:
			it.Problem = "no such parameter"
		case cur != w.Value:
			it.Have, it.Problem = cur, "wrong value"
		default:
			it.Have, it.OK = cur, true
		}
		items = append(items, it)
	}
	for _, vip := range vips {
		want := fmt.Sprintf("%s dev %s", HostPrefix(vip), Loopback)
		it := Item{Kind: "address", Name: vip.String(), Want: want}
		if v.OnLo(vip) {
			it.Have, it.OK = want, true
		} else {
			it.Problem = "not on lo"
		}
		items = append(items, it)
		for _, a := range Misplaced(vip, v) {
			p := "on an interface other than lo"
			if a.Dev == Loopback {
				p = fmt.Sprintf("prefix /%d, want /%d", a.Prefix.Bits(), vip.BitLen())
			}
			items = append(items, Item{Kind: "address", Name: vip.String(),
				Have: fmt.Sprintf("%s dev %s", a.Prefix, a.Dev), Want: want, Problem: p})
		}
	}
	return items
}
