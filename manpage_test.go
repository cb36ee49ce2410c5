package main

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/about"
)

// synopsis returns the words of the man page's SYNOPSIS section, read from
// its source: macro names dropped, "\-" as "-", brackets, bars and quotes
// as spaces. Each .SY line's words are also returned as its program, and
// the words of the lines after it, in order, as one of its blocks.
func synopsis(page string) (words map[string]bool, programs []string, blocks map[string][][]string) {
	words, blocks = map[string]bool{}, map[string][][]string{}
	in := false
	var block *[]string
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
			p := strings.Join(strings.Fields(line), " ")
			programs = append(programs, p)
			blocks[p] = append(blocks[p], nil)
			block = &blocks[p][len(blocks[p])-1]
		} else if block != nil {
			*block = append(*block, strings.Fields(line)...)
		}
		for _, w := range strings.Fields(line) {
			words[w] = true
		}
	}
	return words, programs, blocks
}

// The man page's SYNOPSIS and help's list agree: every addition and
// every subcommand of the registry is named in the SYNOPSIS, and every
// subcommand or program name the SYNOPSIS has beyond ipvsadm 1.31's is
// one of them.
func TestManSynopsisNamesEveryAddition(t *testing.T) {
	words, programs, _ := synopsis(readManPage(t))
	if len(programs) == 0 {
		t.Fatal("no .SY lines found in the SYNOPSIS")
	}
	known := map[string]bool{}
	for _, w := range additionWords() {
		known[w] = true
		if !words[w] {
			t.Errorf("the man page's SYNOPSIS does not name %s (help lists it)", w)
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

// The SYNOPSIS gives each subcommand the usage its --help has: the same
// options (one form of each at least, the service options if it takes a
// service), each value under the same name, and the fixed words of its
// operand.
func TestManSynopsisUsage(t *testing.T) {
	_, _, blocks := synopsis(readManPage(t))
	service := []string{"-t", "-u", "--sctp-service", "-f", "-6"}
	for _, c := range testRegistry() {
		bs := blocks["ipvsadm "+c.Word]
		if len(bs) == 0 {
			t.Errorf("the SYNOPSIS has no ipvsadm %s", c.Word)
			continue
		}
		named := map[string]string{} // option word: the word after it
		var all []string
		for _, b := range bs {
			for i, w := range b {
				all = append(all, w)
				if strings.HasPrefix(w, "-") && w != "-" {
					named[w] = ""
					if i+1 < len(b) {
						named[w] = b[i+1]
					}
				}
			}
		}
		known := map[string]bool{}
		for _, o := range c.Options {
			if o.Long == "help" {
				continue
			}
			found := false
			for _, f := range o.Forms() {
				known[f] = true
				v, ok := named[f]
				found = found || ok
				if ok && o.Arg != "" && v != strings.ToLower(o.Arg) {
					t.Errorf("the SYNOPSIS has ipvsadm %s %s %s, its --help %s %s", c.Word, f, v, f, o.Arg)
				}
			}
			if !found {
				t.Errorf("the SYNOPSIS of ipvsadm %s lacks --%s", c.Word, o.Long)
			}
		}
		if c.Service {
			for _, f := range service {
				known[f] = true
				if _, ok := named[f]; !ok {
					t.Errorf("the SYNOPSIS of ipvsadm %s lacks the service option %s", c.Word, f)
				}
			}
		}
		for f := range named {
			if !known[f] {
				t.Errorf("the SYNOPSIS gives ipvsadm %s the option %s, which it does not take", c.Word, f)
			}
		}
		for _, w := range c.Operands.Words {
			if !slices.Contains(all, w) {
				t.Errorf("the SYNOPSIS of ipvsadm %s lacks its operand %s", c.Word, w)
			}
		}
	}
}

// additionWords are the words of help's rows: the registry's subcommands
// and the other additions.
func additionWords() []string {
	var w []string
	for _, c := range testRegistry() {
		w = append(w, c.Word)
	}
	for _, a := range about.Additions {
		w = append(w, a.Word)
	}
	return w
}

func readManPage(t *testing.T) string {
	t.Helper()
	page, err := os.ReadFile("ipvsadm.8")
	if err != nil {
		t.Fatal(err)
	}
	return string(page)
}

// The reader of the SYNOPSIS finds what it should, and not more.
func TestSynopsisReader(t *testing.T) {
	words, programs, blocks := synopsis(".TH X\n.SH SYNOPSIS\n.SY \"ipvsadm help\"\n.RI [ word ]\n.YS\n" +
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
	if !reflect.DeepEqual(blocks, map[string][][]string{"ipvsadm help": {{"word"}}, "ipvsadm-save": {{"-n"}}, "ipvsadm": {{"-h", "-v"}}}) {
		t.Errorf("blocks = %q", blocks)
	}
}
