package kmod

import (
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

// fakeSys builds a /sys/module tree: mods maps each loaded module to its
// holders. Delete removes the module's directory, as the kernel does.
func fakeSys(t *testing.T, mods map[string][]string) (Modules, *[]string) {
	dir := t.TempDir()
	for name, holders := range mods {
		if err := os.MkdirAll(filepath.Join(dir, name, "holders"), 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name, "refcnt"), []byte("0\n"), 0o644)
		for _, h := range holders {
			os.WriteFile(filepath.Join(dir, name, "holders", h), nil, 0o644)
		}
	}
	var order []string
	return Modules{Sys: dir, Delete: func(name string) error {
		for other := range mods {
			if _, err := os.Stat(filepath.Join(dir, other, "holders", name)); err == nil {
				os.Remove(filepath.Join(dir, other, "holders", name))
			}
		}
		if entries, _ := os.ReadDir(filepath.Join(dir, name, "holders")); len(entries) > 0 {
			return syscall.EWOULDBLOCK
		}
		order = append(order, name)
		return os.RemoveAll(filepath.Join(dir, name))
	}}, &order
}

func TestUnload(t *testing.T) {
	m, order := fakeSys(t, map[string][]string{
		"ip_vs":        {"ip_vs_rr", "ip_vs_ftp"},
		"ip_vs_rr":     nil,
		"ip_vs_ftp":    nil,
		"nf_conntrack": {"ip_vs"},
	})
	if !m.Loaded("ip_vs") {
		t.Fatal("ip_vs not loaded")
	}
	if err := m.Unload("ip_vs"); err != nil {
		t.Fatal(err)
	}
	if want := []string{"ip_vs_ftp", "ip_vs_rr", "ip_vs"}; !slices.Equal(*order, want) {
		t.Errorf("unloaded %q, want %q", *order, want)
	}
	if m.Loaded("ip_vs") || !m.Loaded("nf_conntrack") {
		t.Errorf("after: ip_vs loaded %v, nf_conntrack loaded %v", m.Loaded("ip_vs"), m.Loaded("nf_conntrack"))
	}
	if err := m.Unload("ip_vs"); err != nil {
		t.Errorf("second unload: %v", err)
	}
}

func TestUnloadRefused(t *testing.T) {
	m, _ := fakeSys(t, map[string][]string{"ip_vs": nil})
	m.Delete = func(string) error { return syscall.EBUSY }
	if err := m.Unload("ip_vs"); err == nil || err.Error() != "ip_vs: device or resource busy" {
		t.Errorf("got %v", err)
	}
}
