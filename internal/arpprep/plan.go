package arpprep

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/lvsgo/ipvsadm/internal/realserver"
	"github.com/lvsgo/ipvsadm/internal/sysctl"
)

// Kernel default of both ARP sysctls, restored when nothing was saved.
const kernelDefault = "0"

// State is what arp-prep keeps under /run between runs.
type State struct {
	Saved []realserver.Setting `json:"saved"` // values before the first change
	VIPs  []netip.Addr         `json:"vips"`  // VIPs prepared so far
}

func (s State) saved(k sysctl.Key) bool {
	return slices.ContainsFunc(s.Saved, func(x realserver.Setting) bool { return x.Key.Equal(k) })
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

// PlanPrepare returns the changes that prepare vips given the view, the new
// state to save first, and warnings about addresses it will not touch.
// wanted is empty when no VIP is IPv4.
func PlanPrepare(vips []netip.Addr, wanted []realserver.Setting, v realserver.View, st State) ([]Action, State, []string, error) {
	var acts []Action
	var warn []string
	next := State{Saved: slices.Clone(st.Saved), VIPs: slices.Clone(st.VIPs)}
	for _, w := range wanted {
		cur, ok := v.Sysctl(w.Key)
		if !ok {
			return nil, st, nil, fmt.Errorf("sysctl %s: no such parameter", w.Key)
		}
		if !next.saved(w.Key) {
			next.Saved = append(next.Saved, realserver.Setting{Key: w.Key, Value: cur})
		}
		if cur != w.Value {
			acts = append(acts, Action{Kind: SetSysctl, Key: w.Key, From: cur, To: w.Value})
		}
	}
	// A VIP on a down lo is not served.
	if v.LoDown && len(vips) > 0 {
		acts = append(acts, Action{Kind: LinkUp, Dev: realserver.Loopback})
	}
	for _, vip := range vips {
		if !v.OnLo(vip) {
			acts = append(acts, Action{Kind: AddAddr, Addr: realserver.HostPrefix(vip), Dev: realserver.Loopback})
		}
		for _, a := range realserver.Misplaced(vip, v) {
			warn = append(warn, fmt.Sprintf("VIP %s is also %s on %s; arp-prep leaves it alone, but a DR real server must hold the VIP only on lo as /%d",
				vip, a.Prefix, a.Dev, vip.BitLen()))
		}
		if !slices.Contains(next.VIPs, vip) {
			next.VIPs = append(next.VIPs, vip)
		}
	}
	return acts, next, warn, nil
}

// PlanRemove returns the changes that remove vips and, when no prepared IPv4
// VIP is left, restore the saved sysctls (or, when nothing was saved and an
// IPv4 VIP is taken off lo, the kernel defaults of fallback's keys), plus the
// state to save after.
// fallback may be nil when NeedFallback is false.
func PlanRemove(vips []netip.Addr, v realserver.View, st State, fallback []realserver.Setting) ([]Action, State, error) {
	var acts []Action
	removing4 := false
	for _, vip := range vips {
		if v.OnLo(vip) {
			acts = append(acts, Action{Kind: DelAddr, Addr: realserver.HostPrefix(vip), Dev: realserver.Loopback})
			removing4 = removing4 || vip.Is4()
		}
	}
	var next State
	left4 := false
	for _, p := range st.VIPs {
		if slices.Contains(vips, p) || !v.OnLo(p) {
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
			restore = append(restore, realserver.Setting{Key: f.Key, Value: kernelDefault})
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
func NeedFallback(vips []netip.Addr, v realserver.View, st State) bool {
	if len(st.Saved) > 0 {
		return false
	}
	for _, p := range st.VIPs {
		if p.Is4() && !slices.Contains(vips, p) && v.OnLo(p) {
			return false
		}
	}
	return slices.ContainsFunc(vips, func(a netip.Addr) bool { return a.Is4() && v.OnLo(a) })
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
func CheckPersist(vips []netip.Addr, recorded []Entry, u unitState) []realserver.Item {
	var items []realserver.Item
	for _, vip := range vips {
		it := realserver.Item{Kind: "persist", Name: vip.String(), Want: persistWant, OK: true}
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
func AllOK(items []realserver.Item) bool {
	for _, it := range items {
		if !it.OK && !it.Warning {
			return false
		}
	}
	return true
}
