package about

import (
	"os"
	"strings"
	"testing"
)

// synopsis returns the words of the man page's SYNOPSIS section, read from
// its source: macro names dropped, "\-" as "-", brackets, bars and quotes
// as spaces. Each .SY line's words are also returned as its program.
func synopsis(page string) (words map[string]bool, programs []string) {
	words = map[string]bool{}
	in := false
	for _, line := range strings.Split(page, "\n") {
		switch {
		case strings.HasPrefix(line, ".SH "):
			in = line == ".SH SYNOPSIS"
			continue
		case !in || strings.HasPrefix(line, `.\"`):
			continue
		}
		sy := strings.HasPrefix(line, ".SY ")
		if strings.HasPrefix(line, ".") {
			if i := strings.IndexByte(line, ' '); i > 0 {
				line = line[i+1:]
			} else {
				line = ""
			}
		}
		line = strings.ReplaceAll(line, `\-`, "-")
		line = strings.NewReplacer(`"`, " ", "[", " ", "]", " ", "|", " ").Replace(line)
		if sy {
			programs = append(programs, strings.Join(strings.Fields(line), " "))
		}
		for _, w := range strings.Fields(line) {
			words[w] = true
		}
	}
	return words, programs
}

// The man page's SYNOPSIS and help's list agree: every addition is named
// in the SYNOPSIS, and every subcommand or program name the SYNOPSIS has
// beyond ipvsadm 1.31's is an addition.
func TestManSynopsisNamesEveryAddition(t *testing.T) {
	page, err := os.ReadFile("../../ipvsadm.8")
	if err != nil {
		t.Fatal(err)
	}
	words, programs := synopsis(string(page))
	if len(programs) == 0 {
		t.Fatal("no .SY lines found in the SYNOPSIS")
	}
	known := map[string]bool{}
	for _, a := range Additions {
		known[a.Word] = true
		if !words[a.Word] {
			t.Errorf("the man page's SYNOPSIS does not name %s (help lists it)", a.Word)
		}
	}
	for _, p := range programs {
		name, sub, _ := strings.Cut(p, " ")
		switch {
		case name != "ipvsadm" && !known[name]:
			t.Errorf("the SYNOPSIS has a program %s that help does not list", name)
		case name == "ipvsadm" && sub != "" && !known[sub]:
			t.Errorf("the SYNOPSIS has a subcommand %q that help does not list", sub)
		}
	}
}

// The reader of the SYNOPSIS finds what it should, and not more.
func TestSynopsisReader(t *testing.T) {
	words, programs := synopsis(".TH X\n.SH SYNOPSIS\n.SY \"ipvsadm help\"\n.RI [ word ]\n.YS\n" +
		".SY ipvsadm\\-save\n.OP \\-n\n.YS\n.SY ipvsadm\n.BR \\-h | \\-v\n.YS\n.SH DESCRIPTION\nversion --json\n")
	for _, w := range []string{"help", "word", "ipvsadm-save", "-n", "-h", "-v"} {
		if !words[w] {
			t.Errorf("synopsis missed %q", w)
		}
	}
	for _, w := range []string{"version", "--json", "DESCRIPTION"} {
		if words[w] {
			t.Errorf("synopsis read %q from outside the section", w)
		}
	}
	if strings.Join(programs, ",") != "ipvsadm help,ipvsadm-save,ipvsadm" {
		t.Errorf("programs = %q", programs)
	}
}
