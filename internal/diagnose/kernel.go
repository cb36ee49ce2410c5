package diagnose

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/lvsgo/ipvsadm/internal/kmod"
	"github.com/lvsgo/ipvsadm/internal/realserver"
	"github.com/lvsgo/ipvsadm/internal/routeget"
	"github.com/lvsgo/ipvsadm/internal/sysctl"
)

// Kernel is the System of this host's network namespace: rtnetlink,
// /proc, /sys/module and /lib/modules, and raw sockets for the probes.
// Paths left empty are the usual ones.
type Kernel struct {
	FS         sysctl.FS
	ConnPath   string // /proc/net/ip_vs_conn
	ProcNet    string // /proc/net
	SysModule  string // /sys/module
	ModulesDir string // /lib/modules/$(uname -r)

	lists *kmod.Lists // read once
	// rt is the rtnetlink socket of Routes, opened on first use (in the
	// namespace of that call's thread).
	rt *routeget.Conn
}

var _ System = (*Kernel)(nil)

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Conns implements System.
func (k *Kernel) Conns() ([]Conn, error) {
	f, err := os.Open(or(k.ConnPath, "/proc/net/ip_vs_conn"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseConns(f), nil
}

// Routes implements System: the first route `ip route get DST` gives
// for each of dsts, asked on one socket, many requests to a write.
func (k *Kernel) Routes(dsts []netip.Addr) []Route {
	out := make([]Route, len(dsts))
	if len(dsts) == 0 {
		return out
	}
	if k.rt == nil {
		c, err := routeget.Dial()
		if err != nil {
			return routeErrors(out, err)
		}
		k.rt = c
	}
	as, err := k.rt.Get(dsts)
	if err != nil {
		return routeErrors(out, err)
	}
	names := k.linkNames(as)
	for i, a := range as {
		out[i] = routeOf(a, names)
	}
	return out
}

func routeErrors(out []Route, err error) []Route {
	for i := range out {
		out[i] = Route{Type: RouteNone, Err: err.Error()}
	}
	return out
}

// routeOf is the kernel's answer a as doctor words it; names are the
// interfaces by index.
func routeOf(a routeget.Answer, names map[int]string) Route {
	if a.Err != nil {
		return Route{Type: RouteNone, Err: a.Err.Error()}
	}
	out := Route{Type: RouteUnicast, Dev: names[a.OIF], Gateway: a.Gateway.Unmap(), Src: a.PrefSrc.Unmap()}
	switch a.Type {
	case unix.RTN_UNICAST:
	case unix.RTN_LOCAL:
		out.Type = RouteLocal
	default:
		return Route{Type: RouteNone, Err: routeTypeWord(int(a.Type))}
	}
	return out
}

// linkNames names the interfaces the answers go out of: one dump of the
// links, and a request for any that came up after it.
func (k *Kernel) linkNames(as []routeget.Answer) map[int]string {
	names := map[int]string{}
	dumped := false
	for _, a := range as {
		if a.Err != nil || a.OIF == 0 {
			continue
		}
		if _, ok := names[a.OIF]; ok {
			continue
		}
		if !dumped {
			dumped = true
			if ls, err := netlink.LinkList(); err == nil {
				for _, l := range ls {
					names[l.Attrs().Index] = l.Attrs().Name
				}
			}
			if _, ok := names[a.OIF]; ok {
				continue
			}
		}
		names[a.OIF] = ""
		if l, err := netlink.LinkByIndex(a.OIF); err == nil {
			names[a.OIF] = l.Attrs().Name
		}
	}
	return names
}

func routeTypeWord(t int) string {
	switch t {
	case unix.RTN_UNREACHABLE:
		return "unreachable route"
	case unix.RTN_BLACKHOLE:
		return "blackhole route"
	case unix.RTN_PROHIBIT:
		return "prohibit route"
	}
	return fmt.Sprintf("route of type %d", t)
}

// Neighbours implements System.
func (k *Kernel) Neighbours() ([]Neighbour, error) {
	ns, err := netlink.NeighList(0, netlink.FAMILY_ALL)
	if err != nil {
		return nil, err
	}
	names := map[int]string{}
	var out []Neighbour
	for _, n := range ns {
		a, ok := netip.AddrFromSlice(n.IP)
		if !ok {
			continue
		}
		name, ok := names[n.LinkIndex]
		if !ok {
			if l, err := netlink.LinkByIndex(n.LinkIndex); err == nil {
				name = l.Attrs().Name
			}
			names[n.LinkIndex] = name
		}
		out = append(out, Neighbour{Addr: a.Unmap(), MAC: n.HardwareAddr.String(), Dev: name, State: neighState(n.State)})
	}
	return out, nil
}

func neighState(s int) NeighState {
	for _, n := range []struct {
		bit  int
		name NeighState
	}{
		{netlink.NUD_INCOMPLETE, NeighIncomplete}, {netlink.NUD_REACHABLE, "REACHABLE"},
		{netlink.NUD_STALE, "STALE"}, {netlink.NUD_DELAY, "DELAY"}, {netlink.NUD_PROBE, "PROBE"},
		{netlink.NUD_FAILED, NeighFailed}, {netlink.NUD_NOARP, "NOARP"}, {netlink.NUD_PERMANENT, "PERMANENT"},
	} {
		if s&n.bit != 0 {
			return n.name
		}
	}
	return "NONE"
}

// Sysctl implements System.
func (k *Kernel) Sysctl(key sysctl.Key) (string, bool, error) { return k.FS.Lookup(key) }

// IPVSStatus implements System.
func (k *Kernel) IPVSStatus() (string, bool, error) {
	b, err := os.ReadFile(filepath.Join(or(k.ProcNet, "/proc/net"), "ip_vs_status"))
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	return string(b), err == nil, err
}

// ModuleParam implements System.
func (k *Kernel) ModuleParam(module, param string) (string, bool, error) {
	b, err := os.ReadFile(filepath.Join(or(k.SysModule, "/sys/module"), module, "parameters", param))
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	return string(b), err == nil, err
}

// Module implements System. It only looks: nothing is loaded.
func (k *Kernel) Module(name string) ModState {
	if k.lists == nil {
		k.lists = &kmod.Lists{Dir: k.ModulesDir}
	}
	return k.lists.State(or(k.SysModule, "/sys/module"), name)
}

// Links implements System.
func (k *Kernel) Links() ([]Link, error) {
	ls, err := netlink.LinkList()
	if err != nil {
		return nil, err
	}
	var out []Link
	for _, l := range ls {
		kind := l.Type()
		if kind == "device" {
			kind = ""
		}
		out = append(out, Link{Name: l.Attrs().Name, Kind: kind, Up: l.Attrs().Flags&net.FlagUp != 0})
	}
	return out, nil
}

// Addrs implements System.
func (k *Kernel) Addrs() ([]realserver.Addr, error) { return realserver.Addrs() }

// DefaultRoute implements System: realserver.DefaultRoute.
func (k *Kernel) DefaultRoute() (string, []netip.Addr, error) { return realserver.DefaultRoute() }

// Listeners implements System: /proc/net/tcp and tcp6 (absent without
// IPv6).
func (k *Kernel) Listeners() ([]netip.AddrPort, error) {
	var out []netip.AddrPort
	for _, name := range []string{"tcp", "tcp6"} {
		f, err := os.Open(filepath.Join(or(k.ProcNet, "/proc/net"), name))
		if errors.Is(err, fs.ErrNotExist) && name == "tcp6" {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ParseListeners(f)...)
		f.Close()
	}
	return out, nil
}
