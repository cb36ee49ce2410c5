package upstream

import (
	"regexp"
	"strconv"
	"strings"
)

// Reference is a Debian release's ipvsadm.
type Reference string

const (
	Bookworm Reference = "bookworm" // 1:1.31-1+b1
	Trixie   Reference = "trixie"   // 1:1.31-5
)

// Fix is one known difference: what a reference prints that upstream
// prints otherwise.
type Fix struct {
	Name string
	// In: the references that print the old form.
	In []Reference
	// Rewrite returns line as upstream prints it and whether it changed.
	Rewrite func(line string) (string, bool)
}

// Lacks reports whether ref prints the old form.
func (f Fix) Lacks(ref Reference) bool {
	for _, r := range f.In {
		if r == ref {
			return true
		}
	}
	return false
}

// Fixes are all the known differences.
var Fixes = []Fix{
	{Name: "-6 must follow -f", In: []Reference{Bookworm}, Rewrite: sixMessage},
	{Name: "unsigned fwmark", In: []Reference{Bookworm, Trixie}, Rewrite: unsignedMark},
}

func sixMessage(line string) (string, bool) {
	if line == "-6 used before -f" {
		return "-6 must follow -f", true
	}
	return line, false
}

// A fwmark as ipvsadm 1.31 prints it: at the start of a table row
// ("FWM  -1294967296 rr", "FWM  -1 IPv6 wrr"; in --stats and --rate the
// name is padded to its column: the padding then follows) or after a
// rule's command ("-A -f -1294967296 -s rr", "-a -f -1294967296 -r ...").
var signedMark = regexp.MustCompile(`^(FWM  |-[A-Za-z] -f )(-[0-9]+)((?: IPv6)?)(  +)?`)

func unsignedMark(line string) (string, bool) {
	m := signedMark.FindStringSubmatchIndex(line)
	if m == nil {
		return line, false
	}
	old := line[m[4]:m[5]]
	n, err := strconv.ParseInt(old, 10, 32)
	if err != nil {
		return line, false
	}
	mark := strconv.FormatUint(uint64(uint32(int32(n))), 10)
	rest := line[m[7]:]
	if m[8] >= 0 && line[0] == 'F' { // a padded column keeps its width
		w := max(1, m[9]-m[8]+len(old)-len(mark))
		rest = strings.Repeat(" ", w) + line[m[9]:]
	}
	return line[:m[4]] + mark + line[m[5]:m[7]] + rest, true
}

// Apply rewrites each line of text that ref prints in an old form, as
// upstream prints it, and counts the rewrites per fix name in seen (when
// not nil).
func Apply(ref Reference, text string, seen map[string]int) string {
	if text == "" {
		return text
	}
	out := make([]byte, 0, len(text))
	start := 0
	for i := 0; i <= len(text); i++ {
		if i < len(text) && text[i] != '\n' {
			continue
		}
		line := text[start:i]
		for _, f := range Fixes {
			if !f.Lacks(ref) {
				continue
			}
			if l, ok := f.Rewrite(line); ok {
				line = l
				if seen != nil {
					seen[f.Name]++
				}
			}
		}
		out = append(out, line...)
		if i < len(text) {
			out = append(out, '\n')
		}
		start = i + 1
	}
	return string(out)
}
