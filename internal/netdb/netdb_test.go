package netdb

import (
	"os"
	"path/filepath"
	"testing"
)

func TestTrailingDotMissesHostsFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "hosts")
	if err := os.WriteFile(p, []byte("# c\n10.0.0.1 web.example.com web # x\n::1 localhost6\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"web.example.com", true},
		{"WEB.example.COM", true},
		{"web", true},
		{"10.0.0.1", false}, // the address column is not a name
		{"localhost6", true},
		{"other", false},
	} {
		if got := inHostsFile(p, tc.name); got != tc.want {
			t.Errorf("inHostsFile(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
	sys := &System{HostsPath: p, ServicesPath: filepath.Join(dir, "services")}
	if a, ok := sys.Host4("web.example.com."); ok {
		t.Errorf("Host4(web.example.com.) = %v, want no answer (glibc's files backend misses it)", a)
	}
}
