package progress

import (
	"io"
	"strconv"
	"time"

	"github.com/lvsgo/ipvsadm/internal/term"
)

// Threshold is how many lines a job must reach before the counter shows:
// short jobs finish before anyone would look.
const Threshold = 2000

// interval is the least time between two redraws.
const interval = 100 * time.Millisecond

// Meter counts a job's lines and shows the count on w. When w is not a
// terminal it only passes writes through. Writes of other text through the
// Meter (error messages) first clear the counter line, so the two never mix.
type Meter struct {
	w     io.Writer
	tty   bool
	label string
	// Unit names what is counted; "lines" unless set.
	Unit  string
	total int // 0: unknown
	n     int
	shown bool
	last  time.Time
	now   func() time.Time
	buf   []byte
}

// New is a Meter for job label ("restore") over total lines (0 if not
// known), drawing on w only if w is a terminal.
func New(w io.Writer, label string, total int) *Meter {
	return newMeter(w, term.Is(w), label, total, time.Now)
}

func newMeter(w io.Writer, tty bool, label string, total int, now func() time.Time) *Meter {
	return &Meter{w: w, tty: tty, label: label, total: total, now: now}
}

// Active reports whether the Meter may draw at all.
func (m *Meter) Active() bool { return m.tty }

// Add counts n more lines done and redraws when due.
func (m *Meter) Add(n int) {
	m.n += n
	if !m.tty || m.n < Threshold {
		return
	}
	t := m.now()
	if m.shown && t.Sub(m.last) < interval && m.n != m.total {
		return
	}
	m.last = t
	b := append(m.buf[:0], '\r')
	b = append(b, m.label...)
	b = append(b, ": "...)
	b = strconv.AppendInt(b, int64(m.n), 10)
	if m.total > 0 && m.n <= m.total {
		b = append(b, '/')
		b = strconv.AppendInt(b, int64(m.total), 10)
	}
	b = append(b, ' ')
	if m.Unit == "" {
		b = append(b, "lines"...)
	} else {
		b = append(b, m.Unit...)
	}
	m.buf = b
	_, _ = m.w.Write(b)
	m.shown = true
}

// Clear removes the counter line, if one is shown.
func (m *Meter) Clear() {
	if m.shown {
		_, _ = io.WriteString(m.w, "\r\x1b[K")
		m.shown = false
	}
}

// Write passes p to the underlying writer on a line of its own.
func (m *Meter) Write(p []byte) (int, error) {
	m.Clear()
	return m.w.Write(p)
}
