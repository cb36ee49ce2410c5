package screen

import (
	"bytes"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"golang.org/x/term"
)

// Style is how a line is drawn.
type Style int

const (
	Plain Style = iota
	Bold
	Reverse // the whole width, in reverse video
)

// Terminal is what a full-screen view needs of a terminal; *TTY is the
// real one, tests have their own.
type Terminal interface {
	// Size is the terminal's width and height in cells.
	Size() (w, h int)
	// Draw shows lines (at most h of them, each at most w cells) with
	// their styles, rewriting only the lines that changed since the last
	// Draw; after Redraw or a resize, all of them.
	Draw(lines []string, styles []Style) error
	// Redraw makes the next Draw rewrite every line (Ctrl-L).
	Redraw()
	// Keys delivers key presses; Resized, a value at each resize.
	Keys() <-chan Key
	Resized() <-chan struct{}
	// Close puts the terminal back as Open found it.
	Close() error
}

// TTY is a real terminal: keys from in, the screen on out.
type TTY struct {
	in, out *os.File
	saved   *term.State
	keys    chan Key
	resized chan struct{}
	winch   chan os.Signal
	shown   []string // what each line shows now, style prefix included
	w, h    int
}

// Open takes the terminal over: raw input (no echo, no line editing, no
// signals from Ctrl-C: it arrives as a key), the alternate screen, no
// cursor.
func Open(in, out *os.File) (*TTY, error) {
	w, h, err := term.GetSize(int(out.Fd()))
	if err != nil {
		return nil, err
	}
	saved, err := term.MakeRaw(int(in.Fd()))
	if err != nil {
		return nil, err
	}
	t := &TTY{in: in, out: out, saved: saved, w: w, h: h,
		keys: make(chan Key, 64), resized: make(chan struct{}, 1), winch: make(chan os.Signal, 1)}
	// alternate screen, cursor hidden, cleared
	if _, err := out.WriteString("\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J"); err != nil {
		term.Restore(int(in.Fd()), saved)
		return nil, err
	}
	signal.Notify(t.winch, syscall.SIGWINCH)
	go t.readKeys()
	go t.watchSize()
	return t, nil
}

func (t *TTY) readKeys() {
	buf := make([]byte, 256)
	for {
		n, err := t.in.Read(buf)
		if err != nil {
			return
		}
		for _, k := range ParseKeys(buf[:n]) {
			t.keys <- k
		}
	}
}

func (t *TTY) watchSize() {
	for range t.winch {
		select {
		case t.resized <- struct{}{}:
		default:
		}
	}
}

// Size reads the terminal's size again (a resize may be under way).
func (t *TTY) Size() (int, int) {
	if w, h, err := term.GetSize(int(t.out.Fd())); err == nil && (w != t.w || h != t.h) {
		t.w, t.h = w, h
		t.shown = nil
	}
	return t.w, t.h
}

func (t *TTY) Keys() <-chan Key         { return t.keys }
func (t *TTY) Resized() <-chan struct{} { return t.resized }
func (t *TTY) Redraw()                  { t.shown = nil }

// Draw writes the lines that changed in one write, each erased to its
// end, between the synchronized-update marks that terminals which know
// them use to show a frame at once (others ignore them).
func (t *TTY) Draw(lines []string, styles []Style) error {
	const begin, end = "\x1b[?2026h", "\x1b[?2026l" // synchronized update
	var b bytes.Buffer
	b.WriteString(begin)
	full := t.shown == nil
	if full {
		b.WriteString("\x1b[H\x1b[2J")
		t.shown = make([]string, t.h)
	}
	for y := 0; y < t.h; y++ {
		var l string
		st := Plain
		if y < len(lines) {
			l = lines[y]
		}
		if y < len(styles) {
			st = styles[y]
		}
		line := Line(l, st, t.w)
		if !full && t.shown[y] == line {
			continue
		}
		t.shown[y] = line
		b.WriteString("\x1b[")
		b.WriteString(strconv.Itoa(y + 1))
		b.WriteString(";1H")
		b.WriteString(line)
	}
	if b.Len() == len(begin) {
		return nil // nothing changed
	}
	b.WriteString(end)
	_, err := t.out.Write(b.Bytes())
	return err
}

// Line is one line as written at the start of a row: text in its style,
// then erased to the end of the row; Reverse fills the row.
func Line(text string, st Style, w int) string {
	switch st {
	case Bold:
		return "\x1b[1m" + text + "\x1b[0m\x1b[K"
	case Reverse:
		if n := w - utf8.RuneCountInString(text); n > 0 {
			text += strings.Repeat(" ", n)
		}
		return "\x1b[7m" + text + "\x1b[0m"
	}
	return text + "\x1b[K"
}

// Close leaves the alternate screen, shows the cursor (after: leaving the
// alternate screen may bring back its hidden state) and restores the
// terminal's modes.
func (t *TTY) Close() error {
	signal.Stop(t.winch)
	close(t.winch)
	t.out.WriteString("\x1b[0m\x1b[?1049l\x1b[?25h")
	return term.Restore(int(t.in.Fd()), t.saved)
}
