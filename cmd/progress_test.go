package cmd

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// TestRestoreProgressNotOnPipes: a long -R with stderr a pipe prints just
// what it would without the progress counter (here: the one bad line's
// message), nothing more.
func TestRestoreProgressNotOnPipes(t *testing.T) {
	useFixture(t, &fixture{Info: ipvs.Info{Version: 0x010201, ConnTabSize: 4096}}, &hostsNamer{services: &servicesTable{}}, "")
	var in strings.Builder
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&in, "-A -t 10.0.%d.%d:80 -s rr\n", i/250, i%250+1)
	}
	in.WriteString("-A -t 10.0.0.1:80 -s rr -w 3\n")
	path := filepath.Join(t.TempDir(), "rules")
	if err := os.WriteFile(path, []byte(in.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rc := Main([]string{"ipvsadm", "-R"}, f, &out, pw)
	pw.Close()
	var errb bytes.Buffer
	errb.ReadFrom(pr)
	pr.Close()
	if rc != 2 || out.Len() != 0 || errb.String() != "Illegal 'weight' option with the 'add-service' command\n" {
		t.Errorf("-R of 5001 lines into a pipe: status %d, stdout %q, stderr %q", rc, out.String(), errb.String())
	}
}

func TestCountLinesAhead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	os.WriteFile(path, []byte("a\nb\nc"), 0o644)
	f, _ := os.Open(path)
	defer f.Close()
	f.Seek(2, 0)
	if n := countLinesAhead(f); n != 2 {
		t.Errorf("lines after offset 2 of \"a\\nb\\nc\": %d, want 2", n)
	}
	if off, _ := f.Seek(0, 1); off != 2 {
		t.Errorf("offset moved to %d", off)
	}
	if n := countLinesAhead(strings.NewReader("x\n")); n != 0 {
		t.Errorf("non-file: %d", n)
	}
}
