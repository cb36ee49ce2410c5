//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestNoHugePages: the binary make builds keeps its heap out of transparent
// huge pages (Makefile LDFLAGS, disablethp=1). Debian's kernel has THP
// "always", where a huge page makes 2 MiB resident at the first touch. The
// same binary with GODEBUG=disablethp=0 is the control: it must get huge
// pages here, or the check would prove nothing.
func TestNoHugePages(t *testing.T) {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(mode, []byte("[always]")) {
		t.Fatalf("THP mode %q: the VM kernel was expected to have THP always", bytes.TrimSpace(mode))
	}
	thp, nh := heapPages(t, "")
	if thp != 0 || !nh {
		t.Errorf("ours: %d KiB of anonymous huge pages, heap marked nohugepage %v; want 0 and true", thp, nh)
	}
	thp, _ = heapPages(t, "disablethp=0")
	if thp == 0 {
		t.Errorf("control (GODEBUG=disablethp=0): no anonymous huge pages; the check cannot tell")
	}
}

// heapPages runs `ipvsadm -R --test` (parses stdin, changes nothing), feeds
// it a large rule set and, while it still waits for more, reads its smaps:
// the KiB of anonymous huge pages, and whether the heap is marked
// nohugepage.
func heapPages(t *testing.T, godebug string) (thpKiB int, nohuge bool) {
	t.Helper()
	c := exec.Command(oursBin, "-R", "--test")
	c.Args[0] = "ipvsadm"
	if godebug != "" {
		c.Env = append(os.Environ(), "GODEBUG="+godebug)
	}
	in, err := c.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	c.Stderr = &errb
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(in)
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(w, "-A -t 10.%d.%d.%d:80 -s rr\n", i>>16, i>>8&255, i&255)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	// Flush returned: all but the last pipe buffer is parsed, and the
	// process now waits for more input.
	smaps, err := os.ReadFile("/proc/" + strconv.Itoa(c.Process.Pid) + "/smaps")
	if err != nil {
		t.Fatal(err)
	}
	in.Close()
	if err := c.Wait(); err != nil {
		t.Fatalf("ipvsadm -R --test: %v: %s", err, errb.String())
	}
	// The heap is the anonymous read-write mapping with the most resident.
	var anon bool
	var rss, best int
	var flags string
	for _, l := range strings.Split(string(smaps), "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) >= 5 && strings.Contains(f[0], "-"): // a mapping's first line
			anon = len(f) == 5 && f[1] == "rw-p"
		case len(f) == 3 && f[0] == "Rss:":
			rss, _ = strconv.Atoi(f[1])
		case len(f) == 3 && f[0] == "AnonHugePages:":
			n, _ := strconv.Atoi(f[1])
			thpKiB += n
		case len(f) >= 1 && f[0] == "VmFlags:" && anon && rss > best:
			best, flags = rss, l
		}
	}
	if best == 0 {
		t.Fatalf("no resident anonymous read-write mapping in smaps:\n%s", smaps)
	}
	return thpKiB, strings.Contains(flags+" ", " nh ")
}
