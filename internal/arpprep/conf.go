package arpprep

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lvsgo/ipvsadm/internal/realserver"
	"github.com/lvsgo/ipvsadm/internal/sysctl"
)

// DefaultConfPath is where --persist records the VIPs that
// ipvsadm-arp-prep.service prepares at boot. It is in /etc, unlike the
// state under /run, because it must outlive the boot.
const DefaultConfPath = "/etc/ipvsadm/arp-prep.conf"

// Iface is the interface choice of one VIP: whose ARP sysctls it needs
// besides "all". At boot there is no default route yet, so --persist
// records the interface the default route had, by name.
type Iface struct {
	Dev string // one interface
	All bool   // every non-loopback interface
}

// Entry is one recorded VIP. An IPv6 VIP has no Iface: no ARP.
type Entry struct {
	VIP netip.Addr
	Iface
}

// String is the entry as a line of the file, without the newline.
func (e Entry) String() string {
	switch {
	case e.All:
		return e.VIP.String() + " all-interfaces"
	case e.Dev != "":
		return e.VIP.String() + " dev " + e.Dev
	}
	return e.VIP.String()
}

// ConfHeader starts every file --persist writes: what writes it, what reads
// it, and how to undo it.
const ConfHeader = `# VIPs this host prepares at boot as an LVS direct-routing real server:
# ` + Unit + ` runs "ipvsadm arp-prep --boot", which
# sets the ARP sysctls and puts each VIP on lo before the network comes up.
# Written by "ipvsadm arp-prep --persist VIP..."; undo with
# "ipvsadm arp-prep --remove --persist VIP..." (the last VIP removes this
# file and disables the unit). Other comments are not kept.
# One VIP a line; for IPv4, "dev IFACE" or "all-interfaces" after it.
`

// FormatConf is the file holding entries.
func FormatConf(entries []Entry) string {
	var b strings.Builder
	b.WriteString(ConfHeader)
	for _, e := range entries {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// ParseConf reads the file's text; name prefixes error messages.
// Blank lines and lines starting with # are skipped.
func ParseConf(name, text string) ([]Entry, error) {
	var out []Entry
	for i, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		e, err := parseEntry(f)
		if err == nil && slices.ContainsFunc(out, func(x Entry) bool { return x.VIP == e.VIP }) {
			err = fmt.Errorf("VIP %s recorded twice", e.VIP)
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, i+1, err)
		}
		out = append(out, e)
	}
	return out, nil
}

func parseEntry(f []string) (Entry, error) {
	vip, err := realserver.ParseVIP(f[0])
	if err != nil {
		return Entry{}, err
	}
	e := Entry{VIP: vip}
	switch {
	case len(f) == 1:
		if vip.Is4() {
			return e, fmt.Errorf("IPv4 VIP %s without \"dev IFACE\" or \"all-interfaces\"", vip)
		}
		return e, nil
	case vip.Is6():
		return e, fmt.Errorf("IPv6 VIP %s takes no interface (IPv6 has no ARP)", vip)
	case len(f) == 2 && f[1] == "all-interfaces":
		e.All = true
	case len(f) == 3 && f[1] == "dev":
		if err := sysctl.ValidIfName(f[2]); err != nil {
			return e, err
		}
		e.Dev = f[2]
	default:
		return e, fmt.Errorf("want VIP [dev IFACE | all-interfaces], have %q", strings.Join(f, " "))
	}
	return e, nil
}

// Record returns entries with vips recorded with iface (no iface for IPv6):
// a VIP already there keeps its place and takes the new interface choice.
func Record(entries []Entry, vips []netip.Addr, iface Iface) []Entry {
	out := slices.Clone(entries)
	for _, v := range vips {
		e := Entry{VIP: v}
		if v.Is4() {
			e.Iface = iface
		}
		if i := slices.IndexFunc(out, func(x Entry) bool { return x.VIP == v }); i >= 0 {
			out[i] = e
		} else {
			out = append(out, e)
		}
	}
	return out
}

// Forget returns entries without vips.
func Forget(entries []Entry, vips []netip.Addr) []Entry {
	return slices.DeleteFunc(slices.Clone(entries), func(e Entry) bool { return slices.Contains(vips, e.VIP) })
}

// ConfFile is the configuration file at Path.
type ConfFile struct {
	Path string
}

// Conf is a loaded configuration file: its entries, and its bytes as found
// (nil when there was no file), to put back if a run fails.
type Conf struct {
	Entries []Entry
	raw     []byte
}

// Load reads the file; a missing file has no entries. A file that does not
// parse is an error: nothing may be written over it.
func (c ConfFile) Load() (Conf, error) {
	b, err := os.ReadFile(c.Path)
	if errors.Is(err, os.ErrNotExist) {
		return Conf{}, nil
	}
	if err != nil {
		return Conf{}, fmt.Errorf("reading %v", err)
	}
	entries, err := ParseConf(c.Path, string(b))
	if err != nil {
		return Conf{}, fmt.Errorf("%v; fix or remove the file", err)
	}
	return Conf{Entries: entries, raw: b}, nil
}

// Save writes entries, or removes the file when there are none.
func (c ConfFile) Save(entries []Entry) error {
	if len(entries) == 0 {
		return c.write(nil)
	}
	return c.write([]byte(FormatConf(entries)))
}

// Restore puts back the file as Load found it.
func (c ConfFile) Restore(old Conf) error { return c.write(old.raw) }

// write replaces the file with b atomically and durably (the point of the
// file is to survive a reboot, an unclean one too), or removes it for nil.
func (c ConfFile) write(b []byte) error {
	if b == nil {
		if err := os.Remove(c.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("removing %v", err)
		}
		return syncDir(filepath.Dir(c.Path))
	}
	if old, err := os.ReadFile(c.Path); err == nil && bytes.Equal(old, b) {
		return nil
	}
	dir := filepath.Dir(c.Path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing %s: %v", c.Path, err)
	}
	tmp, err := os.CreateTemp(dir, ".arp-prep.conf-*")
	if err != nil {
		return fmt.Errorf("writing %s: %v", c.Path, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), c.Path)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %v", c.Path, err)
	}
	return syncDir(dir)
}

// syncDir makes a rename or removal in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %v", dir, err)
	}
	return nil
}
