package grammar

import (
	"bufio"
	"bytes"
	"strings"
)

// RestoreTokenMax is the longest word -R reads at once (MAX_LINE_LENGTH);
// longer words are cut into several.
const RestoreTokenMax = 4096

func isRestoreSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// ReadRestoreLine reads the next command line of ipvsadm -R from r, as
// ipvsadm's config_stream_read: words are split on spaces, tabs and CRs,
// a newline ends the line, and every word "ipvsadm" is dropped. argv[0] is
// prog. There is no comment syntax ('#' is a word like any other).
//
// ok is false when the input is over: at end of input with no words read,
// and also, as in ipvsadm, when white space runs into the end of input
// (which drops that last line's words). A line of no words comes back as
// just [prog]; ipvsadm skips such lines.
func ReadRestoreLine(r *bufio.Reader, prog string) (argv []string, ok bool) {
	if argv, ok := wholeLine(r, prog); ok {
		return argv, true
	}
	return readRestoreLineBytes(r, prog)
}

// wholeLine takes the next line at once when r already holds all of it
// and reading it byte by byte could not tell otherwise: it ends in a
// newline, has no NUL byte and no word longer than RestoreTokenMax. Its
// words then share one string. Otherwise it takes nothing.
func wholeLine(r *bufio.Reader, prog string) ([]string, bool) {
	if r.Buffered() == 0 {
		if _, err := r.Peek(1); err != nil {
			return nil, false
		}
	}
	buf, _ := r.Peek(r.Buffered())
	end := bytes.IndexByte(buf, '\n')
	if end < 0 {
		return nil, false
	}
	buf = buf[:end]
	words, start := 0, -1
	for i := 0; i <= len(buf); i++ {
		if i < len(buf) && buf[i] == 0 {
			return nil, false
		}
		if i == len(buf) || isRestoreSpace(buf[i]) {
			if start >= 0 {
				if i-start > RestoreTokenMax {
					return nil, false
				}
				words++
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	line := string(buf)
	_, _ = r.Discard(end + 1)
	argv := make([]string, 1, 1+words)
	argv[0] = prog
	start = -1
	for i := 0; i <= len(line); i++ {
		if i == len(line) || isRestoreSpace(line[i]) {
			if start >= 0 {
				if w := line[start:i]; w != "ipvsadm" {
					argv = append(argv, w)
				}
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	return argv, true
}

// readRestoreLineBytes is ReadRestoreLine one byte at a time, as
// config_stream_read reads.
func readRestoreLineBytes(r *bufio.Reader, prog string) (argv []string, ok bool) {
	argv = []string{prog}
	words := 0
	for {
		c, err := r.ReadByte()
		if err != nil {
			return argv, words > 0
		}
		if isRestoreSpace(c) {
			// The word conversion matched nothing: skip blanks up to the
			// newline; end of input here ends everything.
			for isRestoreSpace(c) && c != '\n' {
				if c, err = r.ReadByte(); err != nil {
					return nil, false
				}
			}
			if c == '\n' {
				return argv, true
			}
			_ = r.UnreadByte()
			continue
		}
		tok := []byte{c}
		for len(tok) < RestoreTokenMax {
			if c, err = r.ReadByte(); err != nil {
				break
			}
			if isRestoreSpace(c) {
				_ = r.UnreadByte()
				break
			}
			tok = append(tok, c)
		}
		// One separator after the word is part of the same read.
		newline := false
		if c, err = r.ReadByte(); err == nil {
			if isRestoreSpace(c) {
				newline = c == '\n'
			} else {
				_ = r.UnreadByte()
			}
		}
		// C strings end at a NUL byte.
		for i, b := range tok {
			if b == 0 {
				tok = tok[:i]
				break
			}
		}
		if w := string(tok); w != "ipvsadm" {
			words++
			argv = append(argv, w)
		}
		if newline {
			return argv, true
		}
	}
}

// LineProblem is why one line of a restore input would not run cleanly,
// as one line of text, and the status ipvsadm would exit with there.
func LineProblem(p *Parser, argv []string) (msg string, status int, bad bool) {
	req, ex := p.Parse(argv[0], argv[1:])
	switch {
	case ex == nil && req.Cmd == CmdRestore:
		return "-R inside -R is refused", 255, true
	case ex == nil:
		return "", 0, false
	case ex.Status == 0:
		return "prints help or version and ends the restore there", 2, true
	}
	msg = strings.ReplaceAll(strings.TrimRight(ex.Stderr, "\n"), "\n", "; ")
	switch {
	case ex.Stderr == "":
		msg = "ipvsadm 1.31 crashes on this line"
	case ex.Stderr == TryHelp(argv[0]).Stderr:
		msg = "not a valid ipvsadm command line"
	}
	return msg, ex.Status, true
}
