package screen

import (
	"fmt"
	"os"
	"testing"
)

func TestParseKeys(t *testing.T) {
	for in, want := range map[string]string{
		"q":                    `['q']`,
		"sn/":                  `['s' 'n' '/']`,
		"\x1b":                 `[Escape]`,
		"\x1b[A\x1b[B":         `[Up Down]`,
		"\x1bOA\x1bOB":         `[Up Down]`,
		"\x1b[5~\x1b[6~":       `[PgUp PgDn]`,
		"\x1b[H\x1b[F":         `[Home End]`,
		"\x1b[1~\x1b[4~\x1bOH": `[Home End Home]`,
		"\x1b[7~\x1b[8~\x1bOF": `[Home End End]`,
		"\r\n\x7f\x08\x03\x0c": `[Enter Enter Backspace Backspace CtrlC CtrlL]`,
		"\x1b[1;5C":            `[Other]`, // Ctrl-Right: a sequence, not Escape and letters
		"\x1bx":                `[Other]`, // Alt-x
		"\x1b[":                `[Other]`, // cut short
		"\x01":                 `[Other]`,
		"é→":                   `['é' '→']`,
		"\xff":                 `['�']`,
		"a\x1b[Ab":             `['a' Up 'b']`,
		"\x1b[200~x\x1b[201~":  `[Other 'x' Other]`, // bracketed paste marks
		"":                     `[]`,
	} {
		if got := fmt.Sprint(ParseKeys([]byte(in))); got != want {
			t.Errorf("ParseKeys(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestLine(t *testing.T) {
	for _, tc := range []struct {
		text string
		st   Style
		w    int
		want string
	}{
		{"abc", Plain, 10, "abc\x1b[K"},
		{"abc", Bold, 10, "\x1b[1mabc\x1b[0m\x1b[K"},
		{"abc", Reverse, 6, "\x1b[7mabc   \x1b[0m"},
		{"abcdef", Reverse, 6, "\x1b[7mabcdef\x1b[0m"},
		{"", Plain, 6, "\x1b[K"},
	} {
		if got := Line(tc.text, tc.st, tc.w); got != tc.want {
			t.Errorf("Line(%q, %v, %d) = %q, want %q", tc.text, tc.st, tc.w, got, tc.want)
		}
	}
}

// Draw rewrites only the lines that changed, in one write.
func TestDrawWritesChangedLines(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tty := &TTY{out: w, w: 10, h: 3}
	read := func() string {
		buf := make([]byte, 4096)
		n, _ := r.Read(buf)
		return string(buf[:n])
	}
	const sync, end = "\x1b[?2026h", "\x1b[?2026l"
	if err := tty.Draw([]string{"one", "two"}, []Style{Plain, Reverse}); err != nil {
		t.Fatal(err)
	}
	if got, want := read(), sync+"\x1b[H\x1b[2J"+"\x1b[1;1Hone\x1b[K"+"\x1b[2;1H\x1b[7mtwo       \x1b[0m"+"\x1b[3;1H\x1b[K"+end; got != want {
		t.Errorf("first draw %q, want %q", got, want)
	}
	tty.Draw([]string{"one", "two", "three"}, []Style{Plain, Reverse})
	if got, want := read(), sync+"\x1b[3;1Hthree\x1b[K"+end; got != want {
		t.Errorf("second draw %q, want %q", got, want)
	}
	// Nothing changed: nothing written.
	tty.Draw([]string{"one", "two", "three"}, []Style{Plain, Reverse})
	tty.Redraw()
	tty.Draw([]string{"one"}, nil)
	if got := read(); got[:len(sync)+len("\x1b[H\x1b[2J")] != sync+"\x1b[H\x1b[2J" {
		t.Errorf("after Redraw %q, want a full redraw only", got)
	}
}
