package diffcase

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Kind says what a step of a case does.
type Kind int

const (
	Run       Kind = iota // the command under test, run by ref and ours
	SetupRef              // reference ipvsadm, output ignored, must succeed
	SetupExec             // another program, output ignored, must succeed
	Unload                // remove every ip_vs module from the kernel
	UDP                   // send one UDP datagram: Args = SRCPORT HOST:PORT PAYLOAD
)

// Step is one line of a case.
type Step struct {
	Kind  Kind
	Args  []string // argv after argv[0] (Run, SetupRef), or full argv (SetupExec)
	Stdin *string  // nil: stdin is /dev/null
	// StdinPrev feeds the stdout of the case's previous Run step, as this
	// side produced it, to stdin (save → restore round trips).
	StdinPrev bool
	Line      int
}

// Traffic reports whether the case sends packets: its connection entries
// outlive a flush, so the runner reloads ip_vs after it.
func (c *Case) Traffic() bool {
	for _, s := range c.Steps {
		if s.Kind == UDP {
			return true
		}
	}
	return false
}

// Case is one independent scenario.
type Case struct {
	Name  string
	File  string
	Line  int
	Argv0 string // argv[0] both binaries see; "ipvsadm" unless the case says otherwise
	Steps []Step
}

// Load reads every *.case file under dir, in name order.
func Load(dir string) ([]*Case, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.case"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var all []*Case
	seen := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		cs, err := Parse(filepath.Base(f), string(b))
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if prev, ok := seen[c.Name]; ok {
				return nil, fmt.Errorf("%s:%d: case %q already defined in %s", c.File, c.Line, c.Name, prev)
			}
			seen[c.Name] = fmt.Sprintf("%s:%d", c.File, c.Line)
		}
		all = append(all, cs...)
	}
	return all, nil
}

// Parse parses the text of one case file.
func Parse(file, text string) ([]*Case, error) {
	var cases []*Case
	var cur *Case
	var last *Step // the run step that '<' lines feed
	n := 0
	errf := func(format string, a ...any) error {
		return fmt.Errorf("%s:%d: %s", file, n, fmt.Sprintf(format, a...))
	}
	// Split on \n only: a \r before it belongs to a stdin line.
	for _, raw := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		n++
		// Stdin lines are taken verbatim: they must be able to hold comments,
		// blank lines and odd whitespace for the -R parser.
		if raw == "<" || strings.HasPrefix(raw, "< ") || raw == "<!" || strings.HasPrefix(raw, "<! ") {
			if last == nil {
				return nil, errf("stdin line without a preceding ipvsadm line")
			}
			if last.StdinPrev {
				return nil, errf("'<' and '<<' on one command")
			}
			if last.Stdin == nil {
				last.Stdin = new(string)
			} else if !strings.HasSuffix(*last.Stdin, "\n") {
				return nil, errf("stdin line after a '<!' line")
			}
			nl := "\n"
			body := strings.TrimPrefix(raw, "<")
			if strings.HasPrefix(body, "!") {
				body, nl = body[1:], ""
			}
			body = strings.TrimPrefix(body, " ")
			*last.Stdin += body + nl
			continue
		}
		if raw == "<<" {
			if last == nil || last.Kind != Run || last.Stdin != nil || last.StdinPrev {
				return nil, errf("'<<' must follow an ipvsadm line directly")
			}
			last.StdinPrev = true
			continue
		}
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		words, err := splitWords(line)
		if err != nil {
			return nil, errf("%v", err)
		}
		switch words[0] {
		case "case":
			if len(words) != 2 {
				return nil, errf("want: case NAME")
			}
			if strings.ContainsAny(words[1], "/ \t") {
				return nil, errf("case name %q: no spaces or slashes", words[1])
			}
			cur = &Case{Name: words[1], File: file, Line: n, Argv0: "ipvsadm"}
			cases = append(cases, cur)
			last = nil
			continue
		}
		if cur == nil {
			return nil, errf("%q before the first case line", words[0])
		}
		switch words[0] {
		case "argv0":
			if len(words) != 2 {
				return nil, errf("want: argv0 NAME")
			}
			cur.Argv0 = words[1]
		case "ipvsadm":
			cur.Steps = append(cur.Steps, Step{Kind: Run, Args: words[1:], Line: n})
			last = &cur.Steps[len(cur.Steps)-1]
		case "setup":
			if len(words) < 2 {
				return nil, errf("want: setup ipvsadm ARGS | setup exec PROG ARGS | setup unload-ipvs | setup udp ...")
			}
			switch words[1] {
			case "ipvsadm":
				cur.Steps = append(cur.Steps, Step{Kind: SetupRef, Args: words[2:], Line: n})
			case "exec":
				if len(words) < 3 {
					return nil, errf("setup exec needs a program")
				}
				cur.Steps = append(cur.Steps, Step{Kind: SetupExec, Args: words[2:], Line: n})
			case "unload-ipvs":
				cur.Steps = append(cur.Steps, Step{Kind: Unload, Line: n})
			case "udp":
				if len(words) != 5 {
					return nil, errf("want: setup udp SRCPORT HOST:PORT PAYLOAD")
				}
				cur.Steps = append(cur.Steps, Step{Kind: UDP, Args: words[2:], Line: n})
			default:
				return nil, errf("unknown setup %q", words[1])
			}
			last = &cur.Steps[len(cur.Steps)-1]
			if last.Kind != SetupRef {
				last = nil
			}
		default:
			return nil, errf("unknown directive %q", words[0])
		}
	}
	for _, c := range cases {
		runs := 0
		for _, s := range c.Steps {
			if s.Kind == Run {
				runs++
			}
		}
		if runs == 0 {
			return nil, fmt.Errorf("%s:%d: case %q runs no ipvsadm command", file, c.Line, c.Name)
		}
	}
	return cases, nil
}

// splitWords splits a directive line on blanks. Single quotes group a
// word literally; two quotes in a row make an empty argument.
func splitWords(s string) ([]string, error) {
	var words []string
	var b strings.Builder
	inWord, quoted := false, false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quoted:
			if ch == '\'' {
				quoted = false
			} else {
				b.WriteByte(ch)
			}
		case ch == '\'':
			quoted, inWord = true, true
		case ch == ' ' || ch == '\t':
			if inWord {
				words = append(words, b.String())
				b.Reset()
				inWord = false
			}
		default:
			b.WriteByte(ch)
			inWord = true
		}
	}
	if quoted {
		return nil, fmt.Errorf("unterminated quote")
	}
	if inWord {
		words = append(words, b.String())
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("empty line")
	}
	return words, nil
}

// QuoteArgs renders argv for transcripts, quoting what splitWords would need.
func QuoteArgs(args []string) string {
	var parts []string
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t'") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}
