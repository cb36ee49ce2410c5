package sysctl

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidIfName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"eth0", true},
		{"eth0.100", true},
		{"br-lab_1", true},
		{"abcdefghijklmno", true}, // 15 bytes
		{"abcdefghijklmnop", false},
		{"", false},
		{".", false},
		{"..", false},
		{"../etc", false},
		{"a/b", false},
		{"eth0:1", false},
		{"eth 0", false},
		{"eth\t0", false},
		{"eth\x000", false},
		{"ethé", false},
	} {
		err := ValidIfName(tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("ValidIfName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

func TestParseKey(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Key
		err  bool
	}{
		{"net.ipv4.conf.all.arp_ignore", Key{"net", "ipv4", "conf", "all", "arp_ignore"}, false},
		{"net.ipv4.conf.eth0/100.arp_ignore", Key{"net", "ipv4", "conf", "eth0.100", "arp_ignore"}, false},
		{"", nil, true},
		{"net..ipv4", nil, true},
		{"net.ipv4.conf./.arp_ignore", nil, true}, // "/" is ".": a "." segment
		{"net.ipv4.conf.//.arp_ignore", nil, true},
		{"net.ipv4 .x", nil, true},
	} {
		got, err := ParseKey(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("ParseKey(%q) error = %v, want error %v", tc.in, err, tc.err)
			continue
		}
		if err == nil && got.String() != tc.in {
			t.Errorf("ParseKey(%q).String() = %q", tc.in, got.String())
		}
		if err == nil && strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("ParseKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWritable(t *testing.T) {
	for _, tc := range []struct {
		key Key
		ok  bool
	}{
		{Key{"net", "ipv4", "conf", "all", "arp_ignore"}, true},
		{Key{"net", "ipv4", "conf", "default", "arp_announce"}, true},
		{Key{"net", "ipv4", "conf", "eth0.100", "arp_announce"}, true},
		{Key{"net", "ipv4", "conf", "eth0", "rp_filter"}, false},
		{Key{"net", "ipv4", "ip_forward"}, false},
		{Key{"net", "ipv4", "conf", "..", "arp_ignore"}, false},
		{Key{"net", "ipv4", "conf", "a/b", "arp_ignore"}, false},
		{Key{"net", "ipv4", "conf", "abcdefghijklmnop", "arp_ignore"}, false},
		{Key{"net", "ipv4", "conf", "eth0", "arp_ignore", "x"}, false},
		{Key{"kernel", "ipv4", "conf", "eth0", "arp_ignore"}, false},
		{Key{"net", "ipv6", "conf", "eth0", "arp_ignore"}, false},
	} {
		err := Writable(tc.key)
		if (err == nil) != tc.ok {
			t.Errorf("Writable(%q) = %v, want ok=%v", tc.key, err, tc.ok)
		}
	}
}

func TestIPv4Conf(t *testing.T) {
	for _, tc := range []struct {
		dev string
		ok  bool
	}{
		{"all", true}, {"default", true}, {"eth0", true},
		{"", false}, {"..", false}, {"x/y", false}, {"0123456789abcdef", false},
	} {
		k, err := IPv4Conf(tc.dev, ARPIgnore)
		if (err == nil) != tc.ok {
			t.Errorf("IPv4Conf(%q) = %v, %v; want ok=%v", tc.dev, k, err, tc.ok)
		}
		if err == nil && k.String() != "net.ipv4.conf."+tc.dev+".arp_ignore" {
			t.Errorf("IPv4Conf(%q) = %s", tc.dev, k)
		}
	}
}

func TestFSReadWrite(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "net", "ipv4", "conf", "eth0")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "arp_ignore"), []byte("0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rp_filter"), []byte("1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fs := FS{Root: root}
	k, _ := IPv4Conf("eth0", ARPIgnore)
	if v, err := fs.Read(k); err != nil || v != "0" {
		t.Fatalf("Read = %q, %v", v, err)
	}
	if err := fs.Write(k, "1"); err != nil {
		t.Fatal(err)
	}
	if v, err := fs.Read(k); err != nil || v != "1" {
		t.Fatalf("Read after Write = %q, %v", v, err)
	}
	// Not on the allow-list: refused, file unchanged.
	rp := Key{"net", "ipv4", "conf", "eth0", "rp_filter"}
	if err := fs.Write(rp, "0"); err == nil {
		t.Error("Write(rp_filter) succeeded")
	}
	if v, _ := fs.Read(rp); v != "1" {
		t.Errorf("rp_filter = %q after refused write", v)
	}
	// Never creates a parameter.
	k2, _ := IPv4Conf("eth1", ARPIgnore)
	if err := fs.Write(k2, "1"); !errors.Is(err, ErrNotExist) {
		t.Errorf("Write(missing) = %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "net", "ipv4", "conf", "eth1")); err == nil {
		t.Error("Write created a directory")
	}
	for _, v := range []string{"", "1\n2", "1\x00"} {
		if err := fs.Write(k, v); err == nil {
			t.Errorf("Write(%q) succeeded", v)
		}
	}
	// Lookup: a missing parameter is no error, a bad key is.
	if v, ok, err := fs.Lookup(k); v != "1" || !ok || err != nil {
		t.Errorf("Lookup = %q, %v, %v", v, ok, err)
	}
	if v, ok, err := fs.Lookup(k2); v != "" || ok || err != nil {
		t.Errorf("Lookup(missing) = %q, %v, %v", v, ok, err)
	}
	if _, ok, err := fs.Lookup(Key{"..", "etc", "passwd"}); ok || err == nil {
		t.Errorf("Lookup(../etc/passwd) = %v, %v", ok, err)
	}
	// Traversal is impossible even for reads.
	if _, err := fs.Read(Key{"..", "etc", "passwd"}); err == nil {
		t.Error("Read(../etc/passwd) succeeded")
	}
}

func TestKeyText(t *testing.T) {
	k := Key{"net", "ipv4", "conf", "eth0.7", "arp_ignore"}
	b, err := k.MarshalText()
	if err != nil || string(b) != "net.ipv4.conf.eth0/7.arp_ignore" {
		t.Fatalf("MarshalText = %q, %v", b, err)
	}
	var back Key
	if err := back.UnmarshalText(b); err != nil || !back.Equal(k) {
		t.Fatalf("UnmarshalText = %q, %v", back, err)
	}
	if err := back.UnmarshalText([]byte("net.ipv4.conf....x")); err == nil {
		t.Error("UnmarshalText accepted an empty segment")
	}
	if _, err := (Key{"a", ".."}).MarshalText(); err == nil {
		t.Error("MarshalText accepted ..")
	}
}
