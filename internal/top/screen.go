package top

import (
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/lvsgo/ipvsadm/internal/ipvsadm"
)

// screen is the full-screen view: it refreshes every interval and redraws
// at once on a key or a resize, until q, Ctrl-C or a signal. tcell puts
// the terminal back (Fini) on each of them, a panic included.
func screen(env Env, v *View, m *monitor, first Snapshot) (status int) {
	s, err := env.NewScreen()
	if err == nil {
		err = s.Init()
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "%scannot use the terminal: %v (--batch N prints frames instead)\n", prefix, err)
		return 1
	}
	defer func() {
		if p := recover(); p != nil {
			s.Fini()
			panic(p)
		}
		s.Fini()
	}()
	sig := make(chan os.Signal, 1)
	defer env.Signals(sig)()

	events := make(chan tcell.Event, 16)
	quit := make(chan struct{})
	go s.ChannelEvents(events, quit)
	defer close(quit)

	st := &state{v: v, prev: first, table: Compute(nil, &first)}
	tick := time.NewTicker(v.Interval)
	defer tick.Stop()
	for {
		st.draw(s)
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
		case ev := <-events:
			switch ev := ev.(type) {
			case *tcell.EventResize:
				s.Sync()
			case *tcell.EventKey:
				if st.key(ev) {
					return 0
				}
				if st.sync {
					st.sync = false
					s.Sync()
				}
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
	filter  string
	editing bool
	sync    bool // redraw every cell (Ctrl-L)
}

// refresh reads the table and computes the rates since the last read. A
// failed read (the service deleted) keeps the frame and says why.
func (st *state) refresh(m *monitor) {
	cur, err := m.take()
	if err != nil {
		st.v.Notice = ipvsadm.GetServiceMessage(err)
		return
	}
	st.v.Notice = ""
	st.table = Compute(&st.prev, &cur)
	st.prev = cur
}

// key acts on one key press; true means quit.
func (st *state) key(ev *tcell.EventKey) bool {
	v := st.v
	if st.editing {
		switch ev.Key() {
		case tcell.KeyEnter:
			st.editing, v.Prompt = false, ""
		case tcell.KeyEscape:
			st.editing, v.Prompt, v.Filter = false, "", st.filter
		case tcell.KeyBackspace, tcell.KeyBackspace2:
			if f := []rune(v.Filter); len(f) > 0 {
				v.Filter = string(f[:len(f)-1])
			}
		case tcell.KeyCtrlC:
			return true
		case tcell.KeyRune:
			v.Filter += string(ev.Rune())
		}
		if st.editing {
			v.Prompt = "Filter services: " + v.Filter + "_  (Enter keeps it, Esc cancels)"
		}
		v.Scroll = 0
		return false
	}
	switch ev.Key() {
	case tcell.KeyCtrlC:
		return true
	case tcell.KeyCtrlL:
		st.sync = true
	case tcell.KeyUp:
		v.Scroll--
	case tcell.KeyDown:
		v.Scroll++
	case tcell.KeyPgUp:
		v.Scroll -= max(st.body, 1)
	case tcell.KeyPgDn:
		v.Scroll += max(st.body, 1)
	case tcell.KeyHome:
		v.Scroll = 0
	case tcell.KeyEnd:
		v.Scroll = 1 << 30
	case tcell.KeyRune:
		switch ev.Rune() {
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
			st.editing, st.filter = true, v.Filter
			v.Prompt = "Filter services: " + v.Filter + "_  (Enter keeps it, Esc cancels)"
		}
	}
	return false
}

var (
	reverse = tcell.StyleDefault.Reverse(true)
	bold    = tcell.StyleDefault.Bold(true)
)

// draw puts the view on the screen; tcell sends only the cells that
// changed.
func (st *state) draw(s tcell.Screen) {
	w, h := s.Size()
	lines, scroll := Screen(st.table, st.v, w, h)
	st.v.Scroll = scroll
	st.body = h - headLines - 1
	s.Clear()
	for y, l := range lines {
		style := tcell.StyleDefault
		switch {
		case w < MinWidth || h < MinHeight:
		case y == 2 || y == h-1:
			style = reverse
		case y == 3:
			style = bold
		}
		x := 0
		for _, r := range l {
			s.SetContent(x, y, r, nil, style)
			x++
		}
		if style == reverse {
			for ; x < w; x++ {
				s.SetContent(x, y, ' ', nil, style)
			}
		}
	}
	s.Show()
}
