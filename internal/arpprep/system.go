package arpprep

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os/exec"
	"slices"

	"github.com/lvsgo/ipvsadm/internal/realserver"
	"github.com/lvsgo/ipvsadm/internal/sysctl"
	"github.com/vishvananda/netlink"
)

// System reads and changes the kernel. Kernel is the real one; tests use a
// fake.
type System interface {
	ReadSysctl(sysctl.Key) (string, bool, error) // false: no such parameter
	WriteSysctl(sysctl.Key, string) error
	Addrs() ([]realserver.Addr, error)
	AddAddr(netip.Prefix, string) error
	DelAddr(netip.Prefix, string) error
	DefaultRouteDev() (string, error)
	Links() ([]string, error) // non-loopback interfaces
	LinkExists(string) bool
	LinkIsUp(string) (bool, error)
	SetLinkUp(name string, up bool) error
}

// ErrNoDefaultRoute is DefaultRouteDev's error when there is no IPv4
// default route to take the interface from.
var ErrNoDefaultRoute = errors.New("no IPv4 default route")

// Kernel is the System of this network namespace: /proc/sys and rtnetlink.
type Kernel struct {
	FS sysctl.FS
}

// ReadSysctl implements System.
func (k Kernel) ReadSysctl(key sysctl.Key) (string, bool, error) { return k.FS.Lookup(key) }

// WriteSysctl implements System.
func (k Kernel) WriteSysctl(key sysctl.Key, v string) error { return k.FS.Write(key, v) }

// Addrs implements System: every address of every interface.
func (Kernel) Addrs() ([]realserver.Addr, error) { return realserver.Addrs() }

func toNetlink(p netip.Prefix) *netlink.Addr {
	ip := net.IP(p.Addr().AsSlice())
	return &netlink.Addr{IPNet: &net.IPNet{IP: ip, Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}}
}

// AddAddr implements System.
func (Kernel) AddAddr(p netip.Prefix, dev string) error {
	l, err := netlink.LinkByName(dev)
	if err != nil {
		return fmt.Errorf("interface %s: %v", dev, err)
	}
	if err := netlink.AddrAdd(l, toNetlink(p)); err != nil {
		return fmt.Errorf("adding %s to %s: %v", p, dev, err)
	}
	return nil
}

// DelAddr implements System.
func (Kernel) DelAddr(p netip.Prefix, dev string) error {
	l, err := netlink.LinkByName(dev)
	if err != nil {
		return fmt.Errorf("interface %s: %v", dev, err)
	}
	if err := netlink.AddrDel(l, toNetlink(p)); err != nil {
		return fmt.Errorf("removing %s from %s: %v", p, dev, err)
	}
	return nil
}

// DefaultRouteDev implements System: the interface of the IPv4 default
// route (realserver.DefaultRoute).
func (Kernel) DefaultRouteDev() (string, error) {
	dev, _, err := realserver.DefaultRoute()
	if err == nil && dev == "" {
		err = ErrNoDefaultRoute
	}
	return dev, err
}

// Links implements System.
func (Kernel) Links() ([]string, error) {
	links, err := netlink.LinkList()
	if err != nil {
		return nil, fmt.Errorf("listing interfaces: %v", err)
	}
	var out []string
	for _, l := range links {
		if l.Attrs().Flags&net.FlagLoopback != 0 {
			continue
		}
		out = append(out, l.Attrs().Name)
	}
	slices.Sort(out)
	return out, nil
}

// LinkExists implements System.
func (Kernel) LinkExists(name string) bool {
	_, err := netlink.LinkByName(name)
	return err == nil
}

// LinkIsUp implements System: whether the interface is administratively up.
func (Kernel) LinkIsUp(name string) (bool, error) {
	l, err := netlink.LinkByName(name)
	if err != nil {
		return false, fmt.Errorf("interface %s: %v", name, err)
	}
	return l.Attrs().Flags&net.FlagUp != 0, nil
}

// SetLinkUp implements System.
func (Kernel) SetLinkUp(name string, up bool) error {
	l, err := netlink.LinkByName(name)
	if err != nil {
		return fmt.Errorf("interface %s: %v", name, err)
	}
	set, verb := netlink.LinkSetUp, "up"
	if !up {
		set, verb = netlink.LinkSetDown, "down"
	}
	if err := set(l); err != nil {
		return fmt.Errorf("setting %s %s: %v", name, verb, err)
	}
	return nil
}

// ExecSystemctl is the Systemctl of this host: systemctl(1) from PATH, or
// ErrNoSystemctl (a host without systemd, or the test VM).
func ExecSystemctl(args ...string) (string, error) {
	p, err := exec.LookPath("systemctl")
	if err != nil {
		return "", ErrNoSystemctl
	}
	out, err := exec.Command(p, args...).CombinedOutput()
	return string(out), err
}
