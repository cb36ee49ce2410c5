package ipvsadm

import (
	"bytes"
	"io"
	"os"

	"github.com/lvsgo/ipvsadm/internal/progress"
)

// restoreMeter shows "restore: N/M lines" while -R runs, only when stderr
// is a terminal (an addition; pipes and scripts see not a byte more).
// While it runs, messages go through it so they clear the counter first.
type restoreMeter struct {
	*progress.Meter
	r    *runner
	errw io.Writer
}

func (r *runner) restoreProgress() *restoreMeter {
	m := &restoreMeter{Meter: progress.New(r.errw, "restore", 0), r: r, errw: r.errw}
	if m.Active() {
		m.Meter = progress.New(r.errw, "restore", countLinesAhead(r.stdin))
		r.errw = m.Meter
	}
	return m
}

func (m *restoreMeter) done() {
	m.Clear()
	m.r.errw = m.errw
}

// countLinesAhead counts the lines left in a regular file without moving
// its offset; 0 (unknown) for pipes and anything else.
func countLinesAhead(in io.Reader) int {
	f, ok := in.(*os.File)
	if !ok {
		return 0
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return 0
	}
	off, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0
	}
	buf := make([]byte, 256<<10)
	n, last := 0, byte('\n')
	for {
		k, err := f.ReadAt(buf, off)
		if k > 0 {
			n += bytes.Count(buf[:k], []byte{'\n'})
			last = buf[k-1]
			off += int64(k)
		}
		if err != nil {
			break
		}
	}
	if last != '\n' {
		n++
	}
	return n
}
