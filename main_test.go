package main

import (
	"bytes"
	"strings"
	"testing"
)

// Every addition answers a bad argument with one line on stderr that
// starts with "ipvsadm WORD: " (whatever argv[0] is), points to where its
// usage is, and exit status 2; nothing on stdout. None of these lines
// reaches the kernel.
func TestAdditionsRefuseBadArguments(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		prefix string
	}{
		{[]string{"--netns"}, "ipvsadm --netns: "},
		{[]string{"--netns=a/b", "-Ln"}, "ipvsadm --netns: "},
		{[]string{"--netns", "..", "apply", "-"}, "ipvsadm --netns: "},
		{[]string{"apply"}, "ipvsadm apply: "},
		{[]string{"apply", "--force", "-"}, "ipvsadm apply: "},
		{[]string{"apply", "a", "b"}, "ipvsadm apply: "},
		{[]string{"arp-prep", "--bogus", "10.0.0.1"}, "ipvsadm arp-prep: "},
		{[]string{"doctor", "--bogus"}, "ipvsadm doctor: "},
		{[]string{"doctor", "-t", "10.0.0.1:99999"}, "ipvsadm doctor: "},
		{[]string{"doctor", "--real-server"}, "ipvsadm doctor: "},
		{[]string{"completion"}, "ipvsadm completion: "},
		{[]string{"completion", "fish"}, "ipvsadm completion: "},
		{[]string{"completion", "bash", "zsh"}, "ipvsadm completion: "},
		{[]string{"help", "nosuch"}, "ipvsadm help: "},
		{[]string{"help", "apply", "extra"}, "ipvsadm help: "},
		{[]string{"version", "--bogus"}, "ipvsadm version: "},
		{[]string{"version", "--json", "--json"}, "ipvsadm version: "},
	} {
		var out, errb bytes.Buffer
		st := run(append([]string{"./ipvsadm"}, tc.args...), stdio{strings.NewReader(""), &out, &errb})
		e := errb.String()
		if st != 2 || out.Len() != 0 || !strings.HasPrefix(e, tc.prefix) ||
			strings.Count(e, "\n") != 1 || !strings.HasSuffix(e, "\n") || !strings.Contains(e, "see ipvsadm ") {
			t.Errorf("ipvsadm %s: status %d, stdout %q, stderr %q;\nwant 2, nothing, one line %q... with a see-ipvsadm hint",
				strings.Join(tc.args, " "), st, out.String(), e, tc.prefix)
		}
	}
}

// -R --test's own messages carry the addition's prefix too; the message
// after it and the status are those ipvsadm gives the line.
func TestRestoreTestPrefix(t *testing.T) {
	var out, errb bytes.Buffer
	st := run([]string{"./ipvsadm", "-R", "--test"}, stdio{strings.NewReader("-A -t 10.0.0.1:80\n-A -t 10.0.0.1\n"), &out, &errb})
	want := "ipvsadm -R --test: line 2: Zero port specified for non-persistent service\n"
	if st != 2 || out.Len() != 0 || errb.String() != want {
		t.Errorf("-R --test = %d, %q, %q; want 2, nothing, %q", st, out.String(), errb.String(), want)
	}
}

// help and version are ours only where ipvsadm 1.31 refuses the line:
// popt finds -h and -v anywhere, so "help -h" prints 1.31's help, and so
// does it in POSIX mode, where the first word ends the options.
func TestHelpVersionOnlyWhere131Refuses(t *testing.T) {
	s := stdio{strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}}
	for _, tc := range []struct {
		args  []string
		posix bool
		ours  bool
	}{
		{args: []string{"help"}, ours: true},
		{args: []string{"version"}, ours: true},
		{args: []string{"version", "--json"}, ours: true},
		{args: []string{"help", "apply"}, ours: true},
		{args: []string{"help", "--netns"}, ours: true},
		{args: []string{"help", "-L"}, ours: true},
		{args: []string{"help", "-h"}},
		{args: []string{"help", "--help"}},
		{args: []string{"version", "-v"}},
		{args: []string{"version", "--version"}},
		{args: []string{"help", "-vn"}},
		{args: []string{"help", "-h"}, posix: true, ours: true},
		{args: []string{"version", "--version"}, posix: true, ours: true},
	} {
		if tc.posix {
			t.Setenv("POSIXLY_CORRECT", "1")
		}
		got := subcommand(append([]string{"ipvsadm"}, tc.args...), s) != nil
		if got != tc.ours {
			t.Errorf("ipvsadm %s (POSIX mode %v): handled as an addition %v, want %v", strings.Join(tc.args, " "), tc.posix, got, tc.ours)
		}
	}
}

// help's row of a subcommand is its --help's usage line without the
// optional parts: the two never name a different argument.
func TestHelpRowsMatchUsage(t *testing.T) {
	for _, c := range testRegistry() {
		first, _, _ := strings.Cut(c.Usage, "\n")
		usage, ok := strings.CutPrefix(first, "Usage: ")
		if !ok {
			t.Errorf("%s: usage starts %q, not Usage: ", c.Word, first)
			continue
		}
		if got, want := required(usage), required(c.Row); got != want {
			t.Errorf("%s: --help's usage %q is %q without its optional parts; help's row %q is %q", c.Word, usage, got, c.Row, want)
		}
	}
}

// required is a usage line without its [optional] parts (nested ones
// included), its words separated by single spaces.
func required(usage string) string {
	var b strings.Builder
	depth := 0
	for _, r := range usage {
		switch {
		case r == '[':
			depth++
		case r == ']':
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
