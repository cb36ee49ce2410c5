package cmd

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// TestListGolden runs every view testdata/list/gen.sh recorded from the
// reference ipvsadm against the kernel state captured with it, and wants
// the reference's bytes and status.
func TestListGolden(t *testing.T) {
	dir := filepath.Join("..", "testdata", "list")
	cases, err := os.ReadFile(filepath.Join(dir, "cases"))
	if err != nil {
		t.Fatalf("no goldens (run testdata/list/gen.sh in the VM): %v", err)
	}
	fx := loadFixture(t, filepath.Join(dir, "fixture.json"))
	// The sync daemons were started (and captured) after the rest.
	fx.Daemons = loadFixture(t, filepath.Join(dir, "daemons.json")).Daemons
	names := fixtureNamer(t, dir)
	useFixture(t, fx, names, "")
	// Names on the command line resolve with the VM's files too.
	oldParser := newParser
	newParser = func() *Parser { return &Parser{Resolver: fixtureResolver{t, dir}} }
	t.Cleanup(func() { newParser = oldParser })

	for _, line := range strings.Split(strings.TrimRight(string(cases), "\n"), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 {
			t.Fatalf("bad cases line %q", line)
		}
		name, args := f[0], strings.Fields(f[2])
		wantRC, _ := strconv.Atoi(f[1])
		t.Run(name, func(t *testing.T) {
			wantOut, err := os.ReadFile(filepath.Join(dir, name+".out"))
			if err != nil {
				t.Fatal(err)
			}
			wantErr, _ := os.ReadFile(filepath.Join(dir, name+".err"))
			// -L -c views come with the /proc file they read.
			connProcPath = filepath.Join(dir, name+".conn")
			var out, errb bytes.Buffer
			rc := Main(append([]string{"/ref/ipvsadm"}, args...), strings.NewReader(""), &out, &errb)
			if rc != wantRC {
				t.Errorf("ipvsadm %s: status %d, want %d", f[2], rc, wantRC)
			}
			if got := out.String(); got != string(wantOut) {
				t.Errorf("ipvsadm %s: stdout differs\n%s", f[2], lineDiff(string(wantOut), got))
			}
			if got := errb.String(); got != string(wantErr) {
				t.Errorf("ipvsadm %s: stderr %q, want %q", f[2], got, wantErr)
			}
		})
	}
}

// fixtureNamer resolves with the hosts and services files the reference
// used in the VM.
func fixtureNamer(t testing.TB, dir string) namer {
	t.Helper()
	hf, err := os.Open(filepath.Join(dir, "hosts"))
	if err != nil {
		t.Fatal(err)
	}
	defer hf.Close()
	sf, err := os.Open(filepath.Join(dir, "services"))
	if err != nil {
		t.Fatal(err)
	}
	defer sf.Close()
	return &hostsNamer{byAddr: readHosts(hf), services: readServices(sf)}
}

// fixtureResolver is gethostbyname/getservbyname over the VM's hosts and
// services files: the first line that lists the name.
type fixtureResolver struct {
	t   testing.TB
	dir string
}

func (r fixtureResolver) lines(file string) [][]string {
	b, err := os.ReadFile(filepath.Join(r.dir, file))
	if err != nil {
		r.t.Fatal(err)
	}
	var out [][]string
	for _, l := range strings.Split(string(b), "\n") {
		if i := strings.IndexByte(l, '#'); i >= 0 {
			l = l[:i]
		}
		if f := strings.Fields(l); len(f) >= 2 {
			out = append(out, f)
		}
	}
	return out
}

func (r fixtureResolver) Host4(name string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(name); err == nil && a.Is4() {
		return a, true
	}
	for _, f := range r.lines("hosts") {
		a, err := netip.ParseAddr(f[0])
		if err != nil || !a.Is4() {
			continue
		}
		for _, n := range f[1:] {
			if n == name {
				return a, true
			}
		}
	}
	return netip.Addr{}, false
}

func (r fixtureResolver) Port(name, proto string) (uint16, bool) {
	for _, f := range r.lines("services") {
		port, p, ok := strings.Cut(f[1], "/")
		if !ok || p != proto {
			continue
		}
		for _, n := range append([]string{f[0]}, f[2:]...) {
			if n == name {
				v, err := strconv.ParseUint(port, 10, 16)
				return uint16(v), err == nil
			}
		}
	}
	return 0, false
}

// useFixture points Main at fx for the rest of the test.
func useFixture(t testing.TB, fx *fixture, n namer, conn string) *fakeAPI {
	api := &fakeAPI{fx: fx}
	oldOpen, oldNamer, oldConn := openIPVS, newNamer, connProcPath
	openIPVS = func() (ipvs.API, error) { return api, nil }
	newNamer = func() namer { return n }
	connProcPath = conn
	t.Cleanup(func() { openIPVS, newNamer, connProcPath = oldOpen, oldNamer, oldConn })
	return api
}

// lineDiff shows the first differing line of two outputs.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n want " + strconv.Quote(wl) + "\n got  " + strconv.Quote(gl)
		}
	}
	return "(same lines, different bytes)"
}
