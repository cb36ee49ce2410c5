package top

import (
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/lvsgo/ipvsadm/internal/kernelmsg"
	"github.com/lvsgo/ipvsadm/internal/screen"
)

// live is the full-screen view: it refreshes every interval and redraws
// at once on a key or a resize, until q, Ctrl-C or a signal; the terminal
// is put back on each of them, a panic included.
func live(env Env, v *View, m *monitor, first Snapshot) (status int) {
	s, err := env.OpenTerminal()
	if err != nil {
		fmt.Fprintf(env.Stderr, "%scannot use the terminal: %v (--batch N prints frames instead)\n", prefix, err)
		return 1
	}
	defer func() {
		if p := recover(); p != nil {
			s.Close()
			panic(p)
		}
		s.Close()
	}()
	sig := make(chan os.Signal, 1)
	defer env.Signals(sig)()

	st := &state{v: v, prev: first, table: Compute(nil, &first)}
	tick := time.NewTicker(v.Interval)
	defer tick.Stop()
	for {
		if err := st.draw(s); err != nil {
			return 1 // the terminal is gone
		}
		select {
		case g := <-sig:
			if n, ok := g.(syscall.Signal); ok {
				return 128 + int(n)
			}
			return 1
		case <-tick.C:
			if !v.Paused {
				st.refresh(m)
			}
		case <-s.Resized():
		case k := <-s.Keys():
			if st.key(k) {
				return 0
			}
			if st.redraw {
				st.redraw = false
				s.Redraw()
			}
		}
	}
}

// state is the full-screen view's: the last two snapshots and the view.
type state struct {
	v     *View
	prev  Snapshot
	table *Table
	// body is how many table rows the screen last had room for (paging).
	body int
	// filter is the filter before / was pressed, for Esc.
	filter string
	redraw bool // rewrite every line (Ctrl-L)
}

// refresh reads the table and computes the rates since the last read. A
// failed read (the service deleted) keeps the frame and says why.
func (st *state) refresh(m *monitor) {
	cur, err := m.take()
	if err != nil {
		st.v.Notice = kernelmsg.GetServiceMessage(err)
		return
	}
	st.v.Notice = ""
	st.table = Compute(&st.prev, &cur)
	st.prev = cur
}

// key acts on one key press; true means quit.
func (st *state) key(k screen.Key) bool {
	v := st.v
	if v.Editing {
		switch k.Code {
		case screen.Enter:
			v.Editing = false
		case screen.Escape:
			v.Editing, v.Filter = false, st.filter
		case screen.Backspace:
			if f := []rune(v.Filter); len(f) > 0 {
				v.Filter = string(f[:len(f)-1])
			}
		case screen.CtrlC:
			return true
		case screen.Rune:
			v.Filter += string(k.Rune)
		}
		v.Scroll = 0
		return false
	}
	switch k.Code {
	case screen.CtrlC:
		return true
	case screen.CtrlL:
		st.redraw = true
	case screen.Up:
		v.Scroll--
	case screen.Down:
		v.Scroll++
	case screen.PgUp:
		v.Scroll -= max(st.body, 1)
	case screen.PgDn:
		v.Scroll += max(st.body, 1)
	case screen.Home:
		v.Scroll = 0
	case screen.End:
		v.Scroll = 1 << 30
	case screen.Rune:
		switch k.Rune {
		case 'q', 'Q':
			return true
		case 's':
			v.Sort = v.Sort.Next()
		case 'S':
			v.Sort = (v.Sort + numSortKeys - 1) % numSortKeys
		case 'n':
			v.Numeric = !v.Numeric
		case 'p':
			v.Paused = !v.Paused
		case '/':
			v.Editing, st.filter = true, v.Filter
		}
	}
	return false
}

// draw puts the view on the terminal.
func (st *state) draw(s screen.Terminal) error {
	w, h := s.Size()
	lines, scroll := Screen(st.table, st.v, w, h)
	st.v.Scroll = scroll
	st.body = bodyRows(h)
	styles := make([]screen.Style, len(lines))
	if w >= MinWidth && h >= MinHeight {
		styles[2], styles[3], styles[h-1] = screen.Reverse, screen.Bold, screen.Reverse
	}
	return s.Draw(lines, styles)
}
