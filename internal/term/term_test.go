package term

import (
	"bytes"
	"os"
	"testing"
)

func TestIs(t *testing.T) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	// /dev/null is a character device but no terminal; ipvsadm's stdio
	// buffers fully there, as it does on pipes.
	for name, wr := range map[string]any{"/dev/null": null, "pipe": w, "buffer": &bytes.Buffer{}} {
		if Is(wr.(interface{ Write([]byte) (int, error) })) {
			t.Errorf("%s counts as a terminal", name)
		}
	}
	// A pseudo-terminal's master side answers TCGETS.
	pt, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	defer pt.Close()
	if !Is(pt) {
		t.Error("/dev/ptmx is not taken for a terminal")
	}
}
