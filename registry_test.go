package main

import (
	"bytes"
	"io"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/about"
)

// testRegistry is the registry as the program builds it.
func testRegistry() []command {
	return commands("ipvsadm", stdio{strings.NewReader(""), io.Discard, io.Discard})
}

// runArgs runs ipvsadm with args and returns what it did.
func runArgs(args ...string) (status int, stdout, stderr string) {
	var out, errb bytes.Buffer
	status = run(append([]string{"ipvsadm"}, args...), stdio{strings.NewReader(""), &out, &errb})
	return status, out.String(), errb.String()
}

// Every entry of the registry is dispatched by its word, to its own
// function; a word of none is ipvsadm 1.31's.
func TestRegistryDispatches(t *testing.T) {
	s := stdio{strings.NewReader(""), io.Discard, io.Discard}
	seen := map[string]bool{}
	for _, c := range testRegistry() {
		if seen[c.Word] || c.Word == "" || c.Row == "" || c.Help == "" || c.Usage == "" {
			t.Errorf("registry entry %q: a word twice, or no row, help or usage", c.Word)
		}
		seen[c.Word] = true
		// Alone, every word is refused by ipvsadm 1.31, so all are ours.
		if subcommand([]string{"ipvsadm", c.Word}, s) == nil {
			t.Errorf("ipvsadm %s is not dispatched", c.Word)
		}
		// Its usage is what it runs: --help, or for help and version
		// (whose --help is 1.31's) its own usage through help.
		st, out, errs := runArgs("help", c.Word)
		if st != 0 || out != c.Usage || errs != "" {
			t.Errorf("ipvsadm help %s = %d, %q, %q; want its usage", c.Word, st, out, errs)
		}
		if _, ok := c.Option("help"); ok {
			for _, h := range []string{"--help", "-h"} {
				st, out2, errs := runArgs(c.Word, h)
				if st != 0 || out2 != out || errs != "" {
					t.Errorf("ipvsadm %s %s = %d, %q, %q; want 0 and help %s's %q", c.Word, h, st, out2, errs, c.Word, out)
				}
			}
		}
	}
	if subcommand([]string{"ipvsadm", "nosuch"}, s) != nil || subcommand([]string{"ipvsadm", "-Ln"}, s) != nil {
		t.Error("a word outside the registry is dispatched")
	}
}

// help lists every entry of the registry, in its order, then the other
// additions.
func TestHelpListsRegistry(t *testing.T) {
	st, out, _ := runArgs("help")
	if st != 0 {
		t.Fatalf("help = %d", st)
	}
	at := 0
	for _, c := range testRegistry() {
		i := strings.Index(out, "\n  "+c.Row+"  ")
		if i < at {
			t.Errorf("help has no row %q after the previous one:\n%s", c.Row, out)
		}
		at = i
	}
	for _, a := range about.Additions {
		if i := strings.Index(out, "\n  "+a.Usage+"  "); i < at {
			t.Errorf("help has no row %q after the subcommands", a.Usage)
		}
	}
}

// optionLine is a line of a usage's option list: "  --dev IFACE   ...",
// "  -n, --numeric   ...".
var optionLine = regexp.MustCompile(`(?m)^  +(?:(-[a-zA-Z0-9]), )?(--[a-z-]+)`)

// Each subcommand's --help text names its options as Parse reads them:
// every option, with its value's name, and no option Parse does not know.
func TestUsageMatchesOptions(t *testing.T) {
	for _, c := range testRegistry() {
		if !strings.HasPrefix(c.Usage, "Usage: ipvsadm "+c.Word) {
			t.Errorf("%s: usage does not start with Usage: ipvsadm %s", c.Word, c.Word)
		}
		for _, o := range c.Options {
			if o.Help == "" {
				t.Errorf("%s --%s has no help line", c.Word, o.Long)
			}
			if o.Long == "help" {
				continue // in no option list: the usage is its answer
			}
			want := "--" + o.Long
			if o.Arg != "" {
				want += " " + o.Arg
			}
			if !strings.Contains(c.Usage, want) {
				t.Errorf("%s: usage does not name %s", c.Word, want)
			}
			if o.Short != 0 && !strings.Contains(c.Usage, "-"+string(o.Short)+", --"+o.Long) {
				t.Errorf("%s: usage does not give -%c with --%s", c.Word, o.Short, o.Long)
			}
		}
		for _, m := range optionLine.FindAllStringSubmatch(c.Usage, -1) {
			o, ok := c.Option(strings.TrimPrefix(m[2], "--"))
			if !ok || m[1] != "" && m[1] != "-"+string(o.Short) {
				t.Errorf("%s: usage lists %s %s, which is not its option", c.Word, m[1], m[2])
			}
		}
		if c.Service && !strings.Contains(c.Usage, "-t|-u|--sctp-service VIP:port | -f mark [-6]") {
			t.Errorf("%s: takes a service, its usage does not say how", c.Word)
		}
	}
}

// The completion scripts the program prints offer each subcommand's
// options: bash for "ipvsadm WORD -", zsh in the subcommand's case.
func TestCompletionOffersEveryOption(t *testing.T) {
	st, script, errs := runArgs("completion", "bash")
	if st != 0 || errs != "" {
		t.Fatalf("completion bash = %d, %q", st, errs)
	}
	reg := testRegistry()
	var words []string
	for _, c := range reg {
		words = append(words, c.Word)
	}
	prog := `source /dev/stdin || exit 9
for w; do
    COMP_WORDS=(ipvsadm "$w" -) COMP_CWORD=2 COMPREPLY=()
    _ipvsadm || exit 7
    echo "$w ${COMPREPLY[*]}"
done
`
	cmd := exec.Command("bash", append([]string{"--norc", "--noprofile", "-c", prog, "bash"}, words...)...)
	cmd.Stdin = strings.NewReader(script)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bash: %v", err)
	}
	offered := map[string][]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(l)
		offered[f[0]] = f[1:]
	}
	_, zsh, _ := runArgs("completion", "zsh")
	for _, c := range reg {
		i := strings.Index(zsh, "\n    "+c.Word+")\n")
		if i < 0 {
			t.Errorf("zsh: no case for %s", c.Word)
			continue
		}
		section, _, _ := strings.Cut(zsh[i:], "return ;;")
		for _, o := range c.Options {
			for _, f := range o.Forms() {
				if !slices.Contains(offered[c.Word], f) {
					t.Errorf("bash: ipvsadm %s - does not offer %s (offers %q)", c.Word, f, offered[c.Word])
				}
				if !strings.Contains(section, f) {
					t.Errorf("zsh: ipvsadm %s does not complete %s", c.Word, f)
				}
			}
		}
	}
}
