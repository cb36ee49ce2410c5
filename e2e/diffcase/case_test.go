package diffcase

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	text := `# comment
case one
  ipvsadm -A -t 10.0.0.1:80 -s ''
  ipvsadm
case two
argv0 /sbin/ipvsadm
setup unload-ipvs
setup exec /sbin/ip link show
setup udp 40000 10.0.0.1:53 hello
setup ipvsadm -R
< -A -t 1.2.3.4:80
ipvsadm -R
< -A -u 1.2.3.4:53 # c
<
<  two spaces
<! tail` + "\r\n" + `ipvsadm 'a b'  -Ln
ipvsadm -R
<<
`
	cs, err := Parse("x.case", text)
	if err != nil {
		t.Fatal(err)
	}
	str := func(s string) *string { return &s }
	want := []*Case{
		{Name: "one", File: "x.case", Line: 2, Argv0: "ipvsadm", Steps: []Step{
			{Kind: Run, Args: []string{"-A", "-t", "10.0.0.1:80", "-s", ""}, Line: 3},
			{Kind: Run, Args: []string{}, Line: 4},
		}},
		{Name: "two", File: "x.case", Line: 5, Argv0: "/sbin/ipvsadm", Steps: []Step{
			{Kind: Unload, Line: 7},
			{Kind: SetupExec, Args: []string{"/sbin/ip", "link", "show"}, Line: 8},
			{Kind: UDP, Args: []string{"40000", "10.0.0.1:53", "hello"}, Line: 9},
			{Kind: SetupRef, Args: []string{"-R"}, Stdin: str("-A -t 1.2.3.4:80\n"), Line: 10},
			{Kind: Run, Args: []string{"-R"}, Stdin: str("-A -u 1.2.3.4:53 # c\n\n two spaces\ntail\r"), Line: 12},
			{Kind: Run, Args: []string{"a b", "-Ln"}, Line: 17},
			{Kind: Run, Args: []string{"-R"}, StdinPrev: true, Line: 18},
		}},
	}
	if cs[0].Traffic() || !cs[1].Traffic() {
		t.Error("Traffic() wrong")
	}
	if !reflect.DeepEqual(cs, want) {
		for i := range cs {
			t.Errorf("case %d: %+v", i, *cs[i])
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, text := range []string{
		"ipvsadm -L\n",                        // before a case
		"case a\n< x\nipvsadm -L\n",           // stdin without a command
		"case a\nipvsadm -R\n<! x\n< y\n",     // line after the unterminated one
		"case a\nipvsadm -t 'x\n",             // open quote
		"case a b\nipvsadm -L\n",              // bad name
		"case a\nsetup ipvsadm -C\n",          // nothing under test
		"case a\nfrobnicate\n",                // unknown directive
		"case a\nsetup nothing\nipvsadm -L\n", // unknown setup
		"case a\n<<\nipvsadm -L\n",
		"case a\nsetup udp 1 x\nipvsadm -L\n",
		"case a\nipvsadm -R\n< x\n<<\n",
	} {
		if _, err := Parse("x.case", text); err == nil {
			t.Errorf("Parse(%q): no error", text)
		}
	}
}

// The committed cases must parse, have unique names and be numerous enough
// to deserve their name.
func TestLoadRepoCases(t *testing.T) {
	cs, err := Load("../../testdata/diff")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) < 170 {
		t.Errorf("only %d cases", len(cs))
	}
	if _, err := os.Stat("../../testdata/diff/README"); err != nil {
		t.Error(err)
	}
}

func TestDiff(t *testing.T) {
	if d := Diff("a\nb\n", "a\nb\n", 3); d != "" {
		t.Errorf("equal texts: %q", d)
	}
	want := strings.Join([]string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}, "\n") + "\n"
	got := strings.Join([]string{"1", "2", "3", "4", "X", "6", "7", "8", "9", "10"}, "\n") + "\n"
	d := Diff(want, got, 1)
	exp := "@@ want line 4, got line 4 @@\n 4\n-5\n+X\n 6\n@@ want line 9, got line 9 @@\n 9\n+10\n"
	if d != exp {
		t.Errorf("Diff:\n%s\nwant:\n%s", d, exp)
	}
}
