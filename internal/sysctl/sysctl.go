package sysctl

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrNotExist is wrapped by Read and Write when the parameter does not
// exist (no such interface, or a key the kernel does not have).
var ErrNotExist = errors.New("no such parameter")

// DefaultRoot is where the kernel exposes its parameters.
const DefaultRoot = "/proc/sys"

// IFNAMSIZ-1: the kernel's longest interface name, in bytes.
const maxIfName = 15

// Key names one kernel parameter, segment by segment: net.ipv4.conf.eth0.arp_ignore
// is Key{"net", "ipv4", "conf", "eth0", "arp_ignore"}. Segments may contain a
// dot (VLAN interfaces such as eth0.100), which is why a Key is not a string.
type Key []string

// ParseKey parses sysctl(8)'s dotted notation, where a '/' inside a segment
// stands for a '.' (net.ipv4.conf.eth0/100.arp_ignore).
func ParseKey(s string) (Key, error) {
	if s == "" {
		return nil, errors.New("empty sysctl key")
	}
	parts := strings.Split(s, ".")
	k := make(Key, len(parts))
	for i, p := range parts {
		k[i] = strings.ReplaceAll(p, "/", ".")
	}
	if err := k.Valid(); err != nil {
		return nil, err
	}
	return k, nil
}

// String gives the key in sysctl(8)'s dotted notation.
func (k Key) String() string {
	parts := make([]string, len(k))
	for i, p := range k {
		parts[i] = strings.ReplaceAll(p, ".", "/")
	}
	return strings.Join(parts, ".")
}

// Valid reports why k could not name a file under /proc/sys, or nil.
func (k Key) Valid() error {
	if len(k) == 0 {
		return errors.New("empty sysctl key")
	}
	for _, p := range k {
		if err := validSegment(p); err != nil {
			return fmt.Errorf("invalid sysctl key %q: %v", k.String(), err)
		}
	}
	return nil
}

func validSegment(p string) error {
	switch {
	case p == "":
		return errors.New("empty segment")
	case p == "." || p == "..":
		return fmt.Errorf("segment %q", p)
	case len(p) > 255:
		return errors.New("segment too long")
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '/' || c == 0 || c <= ' ' || c >= 0x7f {
			return fmt.Errorf("bad character %q in segment %q", c, p)
		}
	}
	return nil
}

// ValidIfName reports why name cannot be a Linux interface name, or nil. It
// follows the kernel's dev_valid_name: 1 to 15 bytes, not "." or "..", and no
// '/', ':' or white space.
func ValidIfName(name string) error {
	switch {
	case name == "":
		return errors.New("empty interface name")
	case len(name) > maxIfName:
		return fmt.Errorf("interface name %q is longer than %d bytes", name, maxIfName)
	case name == "." || name == "..":
		return fmt.Errorf("invalid interface name %q", name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '/' || c == ':' || c <= ' ' || c >= 0x7f {
			return fmt.Errorf("invalid interface name %q", name)
		}
	}
	return nil
}

// ARP parameters that arp-prep manages.
const (
	ARPIgnore   = "arp_ignore"
	ARPAnnounce = "arp_announce"
)

// IPv4Conf returns net.ipv4.conf.<dev>.<param>. dev is an interface name or
// one of the pseudo interfaces "all" and "default".
func IPv4Conf(dev, param string) (Key, error) {
	if dev != "all" && dev != "default" {
		if err := ValidIfName(dev); err != nil {
			return nil, err
		}
	}
	k := Key{"net", "ipv4", "conf", dev, param}
	if err := k.Valid(); err != nil {
		return nil, err
	}
	return k, nil
}

// Writable reports whether Write may change k: only
// net.ipv4.conf.<dev>.arp_ignore and .arp_announce, for a valid dev.
func Writable(k Key) error {
	if err := k.Valid(); err != nil {
		return err
	}
	if len(k) == 5 && k[0] == "net" && k[1] == "ipv4" && k[2] == "conf" &&
		(k[4] == ARPIgnore || k[4] == ARPAnnounce) &&
		(k[3] == "all" || k[3] == "default" || ValidIfName(k[3]) == nil) {
		return nil
	}
	return fmt.Errorf("refusing to write sysctl %s: not an ARP parameter of an interface", k)
}

// FS reads and writes parameters below Root (DefaultRoot when empty; tests
// point it at a temporary directory).
type FS struct {
	Root string
}

func (f FS) path(k Key) (string, error) {
	if err := k.Valid(); err != nil {
		return "", err
	}
	root := f.Root
	if root == "" {
		root = DefaultRoot
	}
	return filepath.Join(append([]string{root}, k...)...), nil
}

// Read returns the value of k without its trailing newline.
func (f FS) Read(k Key) (string, error) {
	p, err := f.path(k)
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("sysctl %s: %w", k, ErrNotExist)
		}
		return "", fmt.Errorf("sysctl %s: %v", k, errors.Unwrap(err))
	}
	return strings.TrimRight(string(b), "\n"), nil
}

// Lookup is Read with a missing parameter not an error: ok is false
// then (a device or module that is not there).
func (f FS) Lookup(k Key) (value string, ok bool, err error) {
	v, err := f.Read(k)
	if errors.Is(err, ErrNotExist) {
		return "", false, nil
	}
	return v, err == nil, err
}

// Write sets k to value. It never creates a file: the parameter must exist.
func (f FS) Write(k Key, value string) error {
	if err := Writable(k); err != nil {
		return err
	}
	if value == "" || strings.ContainsAny(value, "\n\x00") {
		return fmt.Errorf("sysctl %s: invalid value %q", k, value)
	}
	p, err := f.path(k)
	if err != nil {
		return err
	}
	fh, err := os.OpenFile(p, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("sysctl %s: %w", k, ErrNotExist)
		}
		return fmt.Errorf("sysctl %s: %v", k, errors.Unwrap(err))
	}
	if _, err := fh.WriteString(value + "\n"); err != nil {
		fh.Close()
		return fmt.Errorf("sysctl %s: %v", k, errors.Unwrap(err))
	}
	if err := fh.Close(); err != nil {
		return fmt.Errorf("sysctl %s: %v", k, errors.Unwrap(err))
	}
	return nil
}

// MarshalText gives the dotted notation, so a Key can be stored as JSON.
func (k Key) MarshalText() ([]byte, error) {
	if err := k.Valid(); err != nil {
		return nil, err
	}
	return []byte(k.String()), nil
}

// UnmarshalText parses and validates the dotted notation.
func (k *Key) UnmarshalText(b []byte) error {
	v, err := ParseKey(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Equal reports whether k and o name the same parameter.
func (k Key) Equal(o Key) bool {
	if len(k) != len(o) {
		return false
	}
	for i := range k {
		if k[i] != o[i] {
			return false
		}
	}
	return true
}
