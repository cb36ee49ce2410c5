package cli

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

var sample = Command{
	Word: "sample",
	Options: []Option{
		{Long: "dry-run", Help: "change nothing"},
		{Long: "numeric", Short: 'n', Help: "numbers"},
		{Long: "dev", Arg: "IFACE", Kind: Interface, Once: true, Help: "the interface",
			Check: func(v string) error {
				if v == "" || strings.Contains(v, "/") {
					return fmt.Errorf("invalid interface name %q", v)
				}
				return nil
			}},
		{Long: "config", Arg: "FILE", Kind: File, Help: "another file"},
		{Long: "sort", Arg: "KEY", Kind: Words, Words: []string{"a", "b"}, Once: true, Help: "order",
			Check: OneOf("sort key", []string{"a", "b"})},
		{Long: "json", Once: true, Help: "JSON"},
		Help,
	},
}

func TestParse(t *testing.T) {
	type want struct {
		values   map[string][]string
		operands []string
		other    []string
		ended    string
	}
	// other takes -t VALUE as a service option does; anything else is
	// its error.
	other := func(args []string, i int) (int, error) {
		if args[i] != "-t" {
			return 0, fmt.Errorf("unknown option %q", args[i])
		}
		if i+1 >= len(args) {
			return 0, errors.New("option -t needs a value")
		}
		return 2, nil
	}
	for _, tc := range []struct {
		args  string
		other bool
		want  want
		err   string
	}{
		{args: "", want: want{}},
		{args: "--dry-run x --dry-run - y", want: want{values: map[string][]string{"dry-run": {"", ""}}, operands: []string{"x", "-", "y"}}},
		{args: "-n --numeric", want: want{values: map[string][]string{"numeric": {"", ""}}}},
		{args: "--dev eth0 --config=a --config b", want: want{values: map[string][]string{"dev": {"eth0"}, "config": {"a", "b"}}}},
		{args: "--dev=eth0.100 -- --json -", want: want{values: map[string][]string{"dev": {"eth0.100"}}, operands: []string{"--json", "-"}}},
		// A value is the next word, whatever it looks like.
		{args: "--dev --json", want: want{values: map[string][]string{"dev": {"--json"}}}},
		{args: "--dev a/b", err: `invalid interface name "a/b"`},
		{args: "--sort=b", want: want{values: map[string][]string{"sort": {"b"}}}},
		{args: "--help --bogus", want: want{values: map[string][]string{"help": {""}}, ended: "help"}},
		{args: "x -h y", want: want{values: map[string][]string{"help": {""}}, operands: []string{"x"}, ended: "help"}},
		{args: "-t 10.0.0.1:80 -n", other: true, want: want{values: map[string][]string{"numeric": {""}}, other: []string{"-t", "10.0.0.1:80"}}},

		{args: "--bogus", err: `unknown option "--bogus"`},
		{args: "--bogus=1", err: `unknown option "--bogus"`},
		{args: "-x", err: `unknown option "-x"`},
		{args: "-n=1", err: `unknown option "-n=1"`},
		{args: "-nh", err: `unknown option "-nh"`},
		{args: "-x", other: true, err: `unknown option "-x"`},
		{args: "-t", other: true, err: "option -t needs a value"},
		{args: "--bogus --help", err: `unknown option "--bogus"`},
		{args: "--json=yes", err: "option --json takes no value"},
		{args: "-n --numeric=1", err: "option --numeric takes no value"},
		{args: "--dev", err: "option --dev needs IFACE"},
		{args: "--dev a --dev b", err: "option --dev given twice"},
		{args: "--dev=a --dev=a", err: "option --dev given twice"},
		{args: "--json --json", err: "option --json given twice"},
		{args: "--dev=", err: `invalid interface name ""`},
		{args: "--sort c", err: `invalid sort key "c": a, b`},
		{args: "--sort a --sort a", err: "option --sort given twice"},
	} {
		h := Hooks{}
		if tc.other {
			h.Other = other
		}
		r, err := sample.Parse(strings.Fields(tc.args), h)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("Parse(%q): error %v, want %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.args, err)
			continue
		}
		if tc.want.values == nil {
			tc.want.values = map[string][]string{}
		}
		got := want{r.values, r.Operands, r.Other, r.Ended}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse(%q) = %+v, want %+v", tc.args, got, tc.want)
		}
	}
}

func TestResult(t *testing.T) {
	r, err := sample.Parse([]string{"--config", "a", "--config=b", "-n"}, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Has("numeric") || r.Has("dry-run") || r.Value("config") != "b" || r.Value("dev") != "" ||
		!reflect.DeepEqual(r.Values("config"), []string{"a", "b"}) {
		t.Errorf("result %+v", r)
	}
}

func TestEither(t *testing.T) {
	for _, tc := range []struct {
		args, want, err string
	}{
		{"", "", ""},
		{"-n", "numeric", ""},
		{"--dry-run --dry-run", "dry-run", ""},
		{"--numeric --dry-run", "", "--dry-run and --numeric do not go together"},
	} {
		r, err := sample.Parse(strings.Fields(tc.args), Hooks{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.Either("dry-run", "numeric")
		if got != tc.want || tc.err == "" && err != nil || tc.err != "" && (err == nil || err.Error() != tc.err) {
			t.Errorf("%q: Either = %q, %v; want %q, %q", tc.args, got, err, tc.want, tc.err)
		}
	}
}

// The Operand hook sees each operand in turn, and its error stops the
// parse where it is, before later words are read.
func TestOperandHook(t *testing.T) {
	var seen []string
	h := Hooks{Operand: func(w string) error {
		seen = append(seen, w)
		if w == "bad" {
			return ErrOperand(w)
		}
		return nil
	}}
	_, err := sample.Parse([]string{"a", "--", "b", "bad", "c"}, h)
	if err == nil || err.Error() != `unexpected argument "bad"` || !reflect.DeepEqual(seen, []string{"a", "b", "bad"}) {
		t.Errorf("error %v, saw %q", err, seen)
	}
	seen = nil
	if _, err := sample.Parse([]string{"bad", "--bogus"}, h); err == nil || !strings.Contains(err.Error(), `"bad"`) {
		t.Errorf("the operand's error should come first: %v", err)
	}
}

func TestFail(t *testing.T) {
	var b bytes.Buffer
	if st := sample.Fail(&b, errors.New("no VIP given")); st != 2 || b.String() != "ipvsadm sample: no VIP given (see ipvsadm sample --help)\n" {
		t.Errorf("Fail = %d, %q", st, b.String())
	}
	b.Reset()
	noHelp := Command{Word: "version", Options: []Option{{Long: "json"}}}
	if st := noHelp.Fail(&b, errors.New("x")); st != 2 || b.String() != "ipvsadm version: x (see ipvsadm help version)\n" {
		t.Errorf("Fail = %d, %q", st, b.String())
	}
}

func TestForms(t *testing.T) {
	if f := (Option{Long: "numeric", Short: 'n'}).Forms(); !reflect.DeepEqual(f, []string{"-n", "--numeric"}) {
		t.Errorf("Forms = %q", f)
	}
	if f := (Option{Long: "json"}).Forms(); !reflect.DeepEqual(f, []string{"--json"}) {
		t.Errorf("Forms = %q", f)
	}
}
