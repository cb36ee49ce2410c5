package completion

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The man page is ../ipvsadm.8; these tests need groff (groff-base) and
// man (man-db), which Debian installs by default.
const manPage = "../../ipvsadm.8"

func need(t *testing.T, tool, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		t.Fatalf("%s not found: apt-get install %s", tool, pkg)
	}
	return p
}

// The page renders with groff's warnings on, and through man(1), without
// a single diagnostic.
func TestManPageRendersCleanly(t *testing.T) {
	groff := need(t, "groff", "groff-base")
	var stderr bytes.Buffer
	cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z", manPage)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Errorf("groff -ww: %v\n%s", err, stderr.String())
	}

	man := need(t, "man", "man-db")
	stderr.Reset()
	cmd = exec.Command(man, "--warnings", "-E", "UTF-8", "-l", manPage)
	cmd.Env = append(os.Environ(), "MANWIDTH=80", "MANPAGER=cat", "PAGER=cat", "LC_ALL=C.UTF-8")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Errorf("man -l: %v\n%s", err, stderr.String())
	}
	if !bytes.Contains(out, []byte("IPVSADM(8)")) {
		t.Errorf("man -l printed no IPVSADM(8) header:\n%.300s", out)
	}
}

// render returns the page as plain text, lines unbroken (so no word is
// hyphenated).
func render(t *testing.T) string {
	t.Helper()
	groff := need(t, "groff", "groff-base")
	out, err := exec.Command(groff, "-man", "-Tascii", "-P-cbou", "-rLL=2000n", manPage).Output()
	if err != nil {
		t.Fatalf("groff: %v", err)
	}
	return string(out)
}

// tags returns the option words each line starts with: "-s, --scheduler
// scheduler" gives -s and --scheduler. Every described option is the tag
// of a paragraph, so this is the set of options the page describes.
func tags(page string) map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(page, "\n") {
		for _, w := range strings.Fields(line) {
			w = strings.TrimSuffix(w, ",")
			if !strings.HasPrefix(w, "-") || len(w) < 2 {
				break
			}
			m[w] = true
		}
	}
	return m
}

// Every option and subcommand option of the completion table has its own
// paragraph in the page, and every value list is spelled out.
func TestManPageDescribesEveryOption(t *testing.T) {
	page := render(t)
	described := tags(page)
	for _, o := range Options {
		for _, f := range o.Forms() {
			if !described[f] {
				t.Errorf("man page does not describe %s", f)
			}
		}
	}
	for _, s := range subcommands(commands) {
		if !strings.Contains(page, "\n   "+s.Name+"\n") {
			t.Errorf("man page has no section for the %s subcommand", s.Name)
		}
		if !strings.Contains(page, "ipvsadm "+s.Name) {
			t.Errorf("man page has no synopsis of ipvsadm %s", s.Name)
		}
		for _, o := range s.Options {
			for _, f := range o.Forms() {
				if !described[f] {
					t.Errorf("man page does not describe %s %s", s.Name, f)
				}
			}
		}
	}
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(page, func(r rune) bool {
		return strings.ContainsRune(" \t\n,.;:()[]|", r)
	}) {
		words[w] = true
	}
	for _, list := range [][]string{Schedulers, PersistenceEngines, TunnelTypes, DaemonStates, SchedFlagNames, Shells} {
		for _, v := range list {
			if !words[v] {
				t.Errorf("man page does not mention %s", v)
			}
		}
	}
	for _, s := range []string{"ipvsadm-save", "ipvsadm-restore", "EXIT STATUS", "/etc/ipvsadm.rules"} {
		if !strings.Contains(page, s) {
			t.Errorf("man page does not mention %s", s)
		}
	}
}

// The check above can fail: a page without --scheduler is caught.
func TestTagsMissOption(t *testing.T) {
	got := tags("       -s scheduler\n       --pe engine\n       Text -x, --u-threshold\n")
	if !got["-s"] || !got["--pe"] || got["--scheduler"] || got["-x"] {
		t.Errorf("tags = %v", got)
	}
}
