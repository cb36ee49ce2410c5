package term

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// Is reports whether w is an *os.File open on a terminal.
func Is(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
