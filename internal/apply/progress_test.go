package apply

import (
	"errors"
	"io"
	"os"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/lvsgo/ipvsadm/internal/ipvstest"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// countingBatcher fails every op whose index is a multiple of 997.
type countingBatcher struct {
	*ipvstest.Kernel
	seen int
}

func (c *countingBatcher) Batch(ops []ipvs.Op) []error {
	errs := make([]error, len(ops))
	for i := range ops {
		if c.seen%997 == 0 {
			errs[i] = errors.New("op " + strconv.Itoa(c.seen))
		}
		c.seen++
	}
	return errs
}

func TestProgressAPI(t *testing.T) {
	ops := make([]ipvs.Op, 2500)
	// A pipe: no counter, the plain API.
	pr, pw, _ := os.Pipe()
	defer pr.Close()
	b := &countingBatcher{Kernel: &ipvstest.Kernel{}}
	if p := withProgress(b, pw, len(ops)); p.api() != ipvs.API(b) {
		t.Error("a counter on a pipe")
	}
	pw.Close()

	ctl, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	defer ctl.Close()
	unix.IoctlSetPointerInt(int(ctl.Fd()), unix.TIOCSPTLCK, 0)
	n, _ := unix.IoctlGetInt(int(ctl.Fd()), unix.TIOCGPTN)
	term, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	p := withProgress(b, term, len(ops))
	api := p.api()
	if api == ipvs.API(b) {
		t.Fatal("no counter on a terminal")
	}
	errs := api.Batch(ops)
	p.done()
	term.Close()
	got, _ := io.ReadAll(ctl)
	if len(errs) != len(ops) || errs[0] == nil || errs[997] == nil || errs[998] != nil || errs[1994].Error() != "op 1994" {
		t.Errorf("errors out of place after chunking")
	}
	if want := "\rapply: 2000/2500 changes\rapply: 2500/2500 changes\r\x1b[K"; string(got) != want {
		t.Errorf("terminal got %q, want %q", got, want)
	}
}
