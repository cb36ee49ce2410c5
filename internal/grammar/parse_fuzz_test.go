package grammar

import (
	"bufio"
	"bytes"
	"net/netip"
	"os"
	"reflect"
	"strings"
	"testing"
)

// fuzzResolver answers a few names without touching the system, so fuzzing
// never waits on DNS or /etc files.
type fuzzResolver struct{}

func (fuzzResolver) Host4(name string) (netip.Addr, bool) {
	if name == "localhost" {
		return netip.AddrFrom4([4]byte{127, 0, 0, 1}), true
	}
	return netip.Addr{}, false
}

func (fuzzResolver) Port(name, proto string) (uint16, bool) {
	switch name {
	case "http":
		return 80, true
	case "https":
		return 443, true
	}
	return 0, false
}

// fuzzSeedLines are command lines from the parser's golden cases.
func fuzzSeedLines(f *testing.F) []string {
	b, err := os.ReadFile("../../testdata/parse/cases.txt")
	if err != nil {
		f.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || l[0] == '#' || l[0] == '@' || l[0] == '!' {
			continue
		}
		out = append(out, l)
	}
	return out
}

// checkExit asserts what every rejected command line must give: a status
// ipvsadm could exit with and, for a failure, something on stderr.
func checkExit(t *testing.T, args []string, req *Request, ex *Exit) {
	t.Helper()
	if (req == nil) == (ex == nil) {
		t.Fatalf("%q: want exactly one of Request and Exit, got %v, %v", args, req, ex)
	}
	if ex == nil {
		return
	}
	if ex.Status < 0 || ex.Status > 255 {
		t.Fatalf("%q: exit status %d", args, ex.Status)
	}
	// 139 is the reference's segfault (`-b ,`), which prints nothing.
	if ex.Status != 0 && ex.Status != 139 && ex.Stderr == "" {
		t.Fatalf("%q: status %d with nothing on stderr", args, ex.Status)
	}
	if ex.Stderr != "" && !strings.HasSuffix(ex.Stderr, "\n") {
		t.Fatalf("%q: stderr %q does not end a line", args, ex.Stderr)
	}
	if ex.Return && ex.Status != 255 {
		t.Fatalf("%q: Return with status %d", args, ex.Status)
	}
}

// FuzzParse: no argument vector makes the option parser panic or hang, and
// it answers the same way twice. Arguments are separated by NUL bytes.
func FuzzParse(f *testing.F) {
	for _, l := range fuzzSeedLines(f) {
		f.Add(strings.Join(strings.Fields(l), "\x00"))
	}
	f.Add("-A\x00-t\x0010.0.0.1:80\x00-s\x00rr\x00-p\x00-M\x00255.255.255.0")
	f.Add("-a\x00-t\x00[2001:db8::1]:80\x00-r\x00[2001:db8::2]:8080\x00-i\x00--tun-type\x00gue\x00--tun-port\x006080")
	f.Add("-Ln\x00--exact\x00--stats")
	p := &Parser{Resolver: fuzzResolver{}}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\x00")
		req, ex := p.Parse("ipvsadm", args)
		checkExit(t, args, req, ex)
		req2, ex2 := p.Parse("ipvsadm", args)
		if !reflect.DeepEqual(req, req2) || !reflect.DeepEqual(ex, ex2) {
			t.Fatalf("%q: parsed differently the second time", args)
		}
	})
}

// FuzzRestoreLines: the -R line reader splits any input into lines of
// clean words and always reaches the end; each line then parses without
// panicking.
func FuzzRestoreLines(f *testing.F) {
	for _, l := range fuzzSeedLines(f) {
		f.Add([]byte(l + "\n"))
	}
	f.Add([]byte("-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2 -m\n"))
	f.Add([]byte("ipvsadm -C\r\n\t\n  -L -n   \n-Z"))
	f.Add([]byte("-A -t 10.0.0.1:80\x00junk -s wlc\n   "))
	f.Add(bytes.Repeat([]byte("x"), RestoreTokenMax+3))
	p := &Parser{Resolver: fuzzResolver{}}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Whole lines at once, as far as the buffer allows, read the same
		// words as byte by byte; a small buffer makes lines straddle it.
		fast, slow := bufio.NewReaderSize(bytes.NewReader(data), 16), bufio.NewReader(bytes.NewReader(data))
		for {
			a, aok := ReadRestoreLine(fast, "ipvsadm")
			b, bok := readRestoreLineBytes(slow, "ipvsadm")
			if aok != bok || !reflect.DeepEqual(a, b) {
				t.Fatalf("whole lines: %q %v, byte by byte: %q %v", a, aok, b, bok)
			}
			if !aok {
				break
			}
		}
		in := bufio.NewReader(bytes.NewReader(data))
		for n := 0; ; n++ {
			if n > len(data)+1 {
				t.Fatalf("more lines than input bytes")
			}
			argv, ok := ReadRestoreLine(in, "ipvsadm")
			if !ok {
				return
			}
			if len(argv) == 0 || argv[0] != "ipvsadm" {
				t.Fatalf("argv %q", argv)
			}
			for _, w := range argv[1:] {
				if w == "ipvsadm" || len(w) > RestoreTokenMax || strings.ContainsAny(w, " \t\r\n\x00") {
					t.Fatalf("bad word %q", w)
				}
			}
			if len(argv) > 1 {
				req, ex := p.Parse(argv[0], argv[1:])
				checkExit(t, argv, req, ex)
			}
		}
	})
}
