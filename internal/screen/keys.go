package screen

import (
	"strconv"
	"unicode/utf8"
)

// Code is a key that is not a character.
type Code int

const (
	Rune Code = iota // a character: Key.Rune
	Up
	Down
	PgUp
	PgDn
	Home
	End
	Enter
	Escape
	Backspace
	CtrlC
	CtrlL
	Other // a sequence or control character of no use here
)

var codeNames = [...]string{"Rune", "Up", "Down", "PgUp", "PgDn", "Home", "End", "Enter", "Escape", "Backspace", "CtrlC", "CtrlL", "Other"}

func (c Code) String() string {
	if c < 0 || int(c) >= len(codeNames) {
		return "Code(" + strconv.Itoa(int(c)) + ")"
	}
	return codeNames[c]
}

// Key is one key press.
type Key struct {
	Code Code
	Rune rune // with Code Rune
}

func (k Key) String() string {
	if k.Code == Rune {
		return strconv.QuoteRune(k.Rune)
	}
	return k.Code.String()
}

// sequences are what terminals send for the keys that matter here: CSI
// and SS3 forms (the latter in application cursor mode), and the Linux
// console's and rxvt's Home and End.
var sequences = map[string]Code{
	"\x1b[A": Up, "\x1bOA": Up,
	"\x1b[B": Down, "\x1bOB": Down,
	"\x1b[5~": PgUp, "\x1b[6~": PgDn,
	"\x1b[H": Home, "\x1bOH": Home, "\x1b[1~": Home, "\x1b[7~": Home,
	"\x1b[F": End, "\x1bOF": End, "\x1b[4~": End, "\x1b[8~": End,
}

// ParseKeys reads the keys in one read from the terminal. An escape
// alone in a read is the Escape key: a sequence arrives in one read.
func ParseKeys(b []byte) []Key {
	var keys []Key
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == 0x1b:
			n := seqLen(b[i:])
			if n == 1 {
				keys = append(keys, Key{Code: Escape})
			} else if code, ok := sequences[string(b[i:i+n])]; ok {
				keys = append(keys, Key{Code: code})
			} else {
				keys = append(keys, Key{Code: Other})
			}
			i += n
			continue
		case c == '\r' || c == '\n':
			keys = append(keys, Key{Code: Enter})
		case c == 0x7f || c == 0x08:
			keys = append(keys, Key{Code: Backspace})
		case c == 0x03:
			keys = append(keys, Key{Code: CtrlC})
		case c == 0x0c:
			keys = append(keys, Key{Code: CtrlL})
		case c < 0x20:
			keys = append(keys, Key{Code: Other})
		case c < 0x80:
			keys = append(keys, Key{Code: Rune, Rune: rune(c)})
		default:
			r, n := utf8.DecodeRune(b[i:])
			keys = append(keys, Key{Code: Rune, Rune: r})
			i += n
			continue
		}
		i++
	}
	return keys
}

// seqLen is the length of the escape sequence at the start of b: ESC
// alone, ESC O x, ESC [ params final, or ESC and one character (Alt-x).
func seqLen(b []byte) int {
	if len(b) < 2 {
		return 1
	}
	switch b[1] {
	case 'O':
		return min(3, len(b))
	case '[':
		for j := 2; j < len(b); j++ {
			if b[j] >= 0x40 && b[j] <= 0x7e {
				return j + 1
			}
		}
		return len(b)
	}
	return 2
}
