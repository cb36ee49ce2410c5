package ipvsadm

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/netdb"
	"github.com/lvsgo/ipvsadm/internal/upstream"
)

// TestListGolden runs every view testdata/list/gen.sh recorded from the
// reference ipvsadm against the kernel state captured with it, and wants
// the reference's bytes and status.
func TestListGolden(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "list")
	cases, err := os.ReadFile(filepath.Join(dir, "cases"))
	if err != nil {
		t.Fatalf("no goldens (run testdata/list/gen.sh in the VM): %v", err)
	}
	env := listEnv(t, dir)

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
			// The goldens are bookworm's ipvsadm's; ours prints what
			// upstream fixed since (package upstream).
			wantOut = []byte(upstream.Apply(upstream.Bookworm, string(wantOut), nil))
			wantErr = []byte(upstream.Apply(upstream.Bookworm, string(wantErr), nil))
			// -L -c views come with the /proc file they read.
			env := env
			env.ConnPath = filepath.Join(dir, name+".conn")
			rc, out, stderr := call(env, "", append([]string{"/ref/ipvsadm"}, args...)...)
			if rc != wantRC {
				t.Errorf("ipvsadm %s: status %d, want %d", f[2], rc, wantRC)
			}
			if got := out; got != string(wantOut) {
				t.Errorf("ipvsadm %s: stdout differs\n%s", f[2], lineDiff(string(wantOut), got))
			}
			if got := stderr; got != string(wantErr) {
				t.Errorf("ipvsadm %s: stderr %q, want %q", f[2], got, wantErr)
			}
		})
	}
}

// listEnv is the state testdata/list captured in the VM: the kernel's
// table and daemons, and the hosts and services files that names, on the
// command line and in lists, resolve with.
func listEnv(t testing.TB, dir string) Env {
	t.Helper()
	k := loadKernel(t, filepath.Join(dir, "fixture.json"))
	// The sync daemons were started (and captured) after the rest.
	k.Syncd = loadKernel(t, filepath.Join(dir, "daemons.json")).Syncd
	files, err := netdb.ReadFiles(filepath.Join(dir, "hosts"), filepath.Join(dir, "services"))
	if err != nil {
		t.Fatal(err)
	}
	return envFor(k, files, "", &grammar.Parser{Resolver: files})
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
