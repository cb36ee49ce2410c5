package arpprep

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/lvsgo/ipvsadm/internal/sysctl"
)

// The values DR needs: answer ARP only for addresses on the receiving
// interface, and source ARP requests from an address of the outgoing one.
const (
	wantIgnore   = "1"
	wantAnnounce = "2"
	// Kernel default of both, restored when nothing was saved.
	kernelDefault = "0"
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

func (v View) onLo(vip netip.Addr) bool {
	want := hostPrefix(vip)
	for _, a := range v.Addrs {
		if a.Dev == Loopback && a.Prefix == want {
			return true
		}
	}
	return false
}

// State is what arp-prep keeps under /run between runs.
type State struct {
	Saved []Setting    `json:"saved"` // values before the first change
	VIPs  []netip.Addr `json:"vips"`  // VIPs prepared so far
}

func (s State) saved(k sysctl.Key) bool {
	return slices.ContainsFunc(s.Saved, func(x Setting) bool { return x.Key.Equal(k) })
}

// Empty reports whether there is nothing left to remember.
func (s State) Empty() bool { return len(s.Saved) == 0 && len(s.VIPs) == 0 }

// ActionKind says what an Action changes.
type ActionKind int

// Kinds of change.
const (
	SetSysctl ActionKind = iota
	AddAddr
	DelAddr
	LinkUp
	LinkDown
)

// Action is one change to the kernel. From is the value a SetSysctl replaces,
// so that a failed run can be undone.
type Action struct {
	Kind     ActionKind
	Key      sysctl.Key
	From, To string
	Addr     netip.Prefix
	Dev      string
}

// Command is the action as the sysctl(8) or ip(8) command that does the same.
func (a Action) Command() string {
	switch a.Kind {
	case SetSysctl:
		return fmt.Sprintf("sysctl -w %s=%s", a.Key, a.To)
	case AddAddr:
		return fmt.Sprintf("ip addr add %s dev %s", a.Addr, a.Dev)
	case DelAddr:
		return fmt.Sprintf("ip addr del %s dev %s", a.Addr, a.Dev)
	case LinkUp:
		return fmt.Sprintf("ip link set %s up", a.Dev)
	default:
		return fmt.Sprintf("ip link set %s down", a.Dev)
	}
}

// Undo is the action that reverts a.
func (a Action) Undo() Action {
	u := a
	switch a.Kind {
	case SetSysctl:
		u.From, u.To = a.To, a.From
	case AddAddr:
		u.Kind = DelAddr
	case DelAddr:
		u.Kind = AddAddr
	case LinkUp:
		u.Kind = LinkDown
	case LinkDown:
		u.Kind = LinkUp
	}
	return u
}

func hostPrefix(a netip.Addr) netip.Prefix {
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

// PlanPrepare returns the changes that prepare vips given the view, the new
// state to save first, and warnings about addresses it will not touch.
// wanted is empty when no VIP is IPv4.
func PlanPrepare(vips []netip.Addr, wanted []Setting, v View, st State) ([]Action, State, []string, error) {
	var acts []Action
	var warn []string
	next := State{Saved: slices.Clone(st.Saved), VIPs: slices.Clone(st.VIPs)}
	for _, w := range wanted {
		cur, ok := v.Sysctl(w.Key)
		if !ok {
			return nil, st, nil, fmt.Errorf("sysctl %s: no such parameter", w.Key)
		}
		if !next.saved(w.Key) {
			next.Saved = append(next.Saved, Setting{w.Key, cur})
		}
		if cur != w.Value {
			acts = append(acts, Action{Kind: SetSysctl, Key: w.Key, From: cur, To: w.Value})
		}
	}
	// A VIP on a down lo is not served.
	if v.LoDown && len(vips) > 0 {
		acts = append(acts, Action{Kind: LinkUp, Dev: Loopback})
	}
	for _, vip := range vips {
		if !v.onLo(vip) {
			acts = append(acts, Action{Kind: AddAddr, Addr: hostPrefix(vip), Dev: Loopback})
		}
		for _, a := range misplaced(vip, v) {
			warn = append(warn, fmt.Sprintf("VIP %s is also %s on %s; arp-prep leaves it alone, but a DR real server must hold the VIP only on lo as /%d",
				vip, a.Prefix, a.Dev, vip.BitLen()))
		}
		if !slices.Contains(next.VIPs, vip) {
			next.VIPs = append(next.VIPs, vip)
		}
	}
	return acts, next, warn, nil
}

// misplaced lists the addresses holding vip other than vip/32 (/128) on lo.
func misplaced(vip netip.Addr, v View) []Addr {
	var out []Addr
	for _, a := range v.Addrs {
		if a.Prefix.Addr() == vip && !(a.Dev == Loopback && a.Prefix.Bits() == vip.BitLen()) {
			out = append(out, a)
		}
	}
	return out
}

// PlanRemove returns the changes that remove vips and, when no prepared IPv4
// VIP is left, restore the saved sysctls (or, when nothing was saved and an
// IPv4 VIP is taken off lo, the kernel defaults of fallback's keys), plus the
// state to save after.
// fallback may be nil when NeedFallback is false.
func PlanRemove(vips []netip.Addr, v View, st State, fallback []Setting) ([]Action, State, error) {
	var acts []Action
	removing4 := false
	for _, vip := range vips {
		if v.onLo(vip) {
			acts = append(acts, Action{Kind: DelAddr, Addr: hostPrefix(vip), Dev: Loopback})
			removing4 = removing4 || vip.Is4()
		}
	}
	var next State
	left4 := false
	for _, p := range st.VIPs {
		if slices.Contains(vips, p) || !v.onLo(p) {
			continue
		}
		next.VIPs = append(next.VIPs, p)
		left4 = left4 || p.Is4()
	}
	if left4 {
		next.Saved = st.Saved
		return acts, next, nil
	}
	restore := st.Saved
	if len(restore) == 0 && removing4 {
		restore = nil
		for _, f := range fallback {
			restore = append(restore, Setting{f.Key, kernelDefault})
		}
	}
	for _, r := range restore {
		cur, ok := v.Sysctl(r.Key)
		if !ok {
			continue // the interface is gone: nothing to restore
		}
		if cur != r.Value {
			acts = append(acts, Action{Kind: SetSysctl, Key: r.Key, From: cur, To: r.Value})
		}
	}
	return acts, next, nil
}

// NeedFallback reports whether PlanRemove will need the default keys: no
// IPv4 VIP stays prepared, nothing was saved, and an IPv4 VIP is taken off
// lo. (Without that last condition a second --remove would reset sysctls
// that the first one restored.)
func NeedFallback(vips []netip.Addr, v View, st State) bool {
	if len(st.Saved) > 0 {
		return false
	}
	for _, p := range st.VIPs {
		if p.Is4() && !slices.Contains(vips, p) && v.onLo(p) {
			return false
		}
	}
	return slices.ContainsFunc(vips, func(a netip.Addr) bool { return a.Is4() && v.onLo(a) })
}

// Item is one line of a --check report.
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
		want := fmt.Sprintf("%s dev %s", hostPrefix(vip), Loopback)
		it := Item{Kind: "address", Name: vip.String(), Want: want}
		if v.onLo(vip) {
			it.Have, it.OK = want, true
		} else {
			it.Problem = "not on lo"
		}
		items = append(items, it)
		for _, a := range misplaced(vip, v) {
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

// What a persist item says.
const (
	persistWant     = "recorded, unit enabled"
	persistNoSystem = "recorded, no systemctl"
)

// CheckPersist reports, for each VIP, whether it comes back at boot: in
// the configuration file, with the unit enabled. A VIP that does not is
// worth a warning, not a failure: it is prepared now, which is what the
// rest of the report checks, and preparing without --persist is a
// legitimate choice (another tool may do it at boot).
// Without systemd nothing can be known of the boot: recorded is all --persist
// can do there, so it is ok.
func CheckPersist(vips []netip.Addr, recorded []Entry, u unitState) []Item {
	var items []Item
	for _, vip := range vips {
		it := Item{Kind: "persist", Name: vip.String(), Want: persistWant, OK: true}
		rec := slices.ContainsFunc(recorded, func(e Entry) bool { return e.VIP == vip })
		switch {
		case !rec:
			it.Have, it.OK, it.Problem = "not recorded", false, "lost at reboot; --persist records it"
		case !u.systemd:
			it.Have = persistNoSystem
		case !u.enabled:
			it.Have, it.OK, it.Problem = "recorded, unit disabled",
				false, "not prepared at boot; systemctl enable "+Unit
		default:
			it.Have = persistWant
		}
		it.Warning = !it.OK
		items = append(items, it)
	}
	return items
}

// AllOK reports whether every item is ok or only warns.
func AllOK(items []Item) bool {
	for _, it := range items {
		if !it.OK && !it.Warning {
			return false
		}
	}
	return true
}
