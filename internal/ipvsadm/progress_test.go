package ipvsadm

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestRestoreProgressNotOnPipes: a long -R with stderr a pipe prints just
// what it would without the progress counter (here: the one bad line's
// message), nothing more.
func TestRestoreProgressNotOnPipes(t *testing.T) {
	k := emptyTable()
	env := envFor(k, nil, "", nil)
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
	env.Stdin, env.Stdout, env.Stderr = f, &out, pw
	rc := Run([]string{"ipvsadm", "-R"}, env)
	pw.Close()
	var errb bytes.Buffer
	errb.ReadFrom(pr)
	pr.Close()
	if rc != 2 || out.Len() != 0 || errb.String() != "Illegal 'weight' option with the 'add-service' command\n" {
		t.Errorf("-R of 5001 lines into a pipe: status %d, stdout %q, stderr %q", rc, out.String(), errb.String())
	}
	// The 5000 good lines went to the kernel in batches.
	if len(k.Table) != 5000 || k.Batches != 10 {
		t.Errorf("%d services in %d batches, want 5000 in 10", len(k.Table), k.Batches)
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

// openPty is a pseudo-terminal pair: the terminal end for the program,
// the controller end to read what it wrote.
func openPty(t *testing.T) (term, ctl *os.File) {
	t.Helper()
	ctl, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	fd := int(ctl.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	term, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return term, ctl
}

// TestRestoreProgressOnTerminal: with stderr a terminal, -R of a file
// draws "restore: N/M lines" and clears it before the error message.
func TestRestoreProgressOnTerminal(t *testing.T) {
	k := emptyTable()
	env := envFor(k, nil, "", nil)
	var in strings.Builder
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&in, "-A -t 10.1.%d.%d:80 -s rr\n", i/250, i%250+1)
	}
	in.WriteString("-A -t 10.1.0.1:80 -s rr -w 3\n")
	path := filepath.Join(t.TempDir(), "rules")
	os.WriteFile(path, []byte(in.String()), 0o644)
	f, _ := os.Open(path)
	defer f.Close()
	term, ctl := openPty(t)
	defer ctl.Close()
	var out bytes.Buffer
	env.Stdin, env.Stdout, env.Stderr = f, &out, term
	rc := Run([]string{"ipvsadm", "-R"}, env)
	term.Close()
	got, _ := io.ReadAll(ctl) // EIO once the terminal end is closed
	s := strings.ReplaceAll(string(got), "\r\n", "\n")
	t.Logf("terminal: %q", s)
	if rc != 2 || !strings.HasPrefix(s, "\rrestore: 2000/3001 lines") ||
		!strings.HasSuffix(s, "\r\x1b[KIllegal 'weight' option with the 'add-service' command\n") {
		t.Errorf("status %d, terminal got %q", rc, s)
	}
}
