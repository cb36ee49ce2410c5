package cmd

import (
	"bufio"
	"bytes"
	"net/netip"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/ipvs"
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
	b, err := os.ReadFile("../testdata/parse/cases.txt")
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
	f.Add(bytes.Repeat([]byte("x"), restoreTokenMax+3))
	p := &Parser{Resolver: fuzzResolver{}}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := bufio.NewReader(bytes.NewReader(data))
		for n := 0; ; n++ {
			if n > len(data)+1 {
				t.Fatalf("more lines than input bytes")
			}
			argv, ok := readRestoreLine(in, "ipvsadm")
			if !ok {
				return
			}
			if len(argv) == 0 || argv[0] != "ipvsadm" {
				t.Fatalf("argv %q", argv)
			}
			for _, w := range argv[1:] {
				if w == "ipvsadm" || len(w) > restoreTokenMax || strings.ContainsAny(w, " \t\r\n\x00") {
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

// nullNamer names nothing, so conn lists never look anything up.
type nullNamer struct{}

func (nullNamer) host(netip.Addr) (string, bool)               { return "", false }
func (nullNamer) service(uint16, ipvs.Protocol) (string, bool) { return "", false }

// FuzzConnList: any /proc/net/ip_vs_conn content is printed or refused
// without a panic, in every -L -c format.
func FuzzConnList(f *testing.F) {
	hdr := "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n"
	f.Add([]byte(hdr + "TCP 0A000001 9C40 0A000064 0050 0A000002 0050 ESTABLISHED     899\n"))
	f.Add([]byte(hdr + "UDP 0A000001 13C4 0A000064 13C4 0A000002 13C4 UDP             299 sip 3a6b\n"))
	f.Add([]byte(hdr + "TCP 2001:0db8:0000:0000:0000:0000:0000:0001 9C40 2001:0db8:0000:0000:0000:0000:0000:0064 0050 2001:0db8:0000:0000:0000:0000:0000:0002 0050 SYN_RECV 59\n"))
	f.Add([]byte(hdr + "\n \nTCP\nTCP 0A zz\n"))
	f.Add([]byte(hdr + strings.Repeat("A", 600) + "\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fm := range []Format{0, FmtNumeric, FmtNumeric | FmtPersistentConn, FmtPersistentConn} {
			var out, errw bytes.Buffer
			r := &runner{
				prog:     "ipvsadm",
				out:      bufio.NewWriter(&out),
				errw:     &errw,
				names:    nullNamer{},
				connPath: "/proc/net/ip_vs_conn",
			}
			err := r.printConns(bytes.NewReader(data), fm)
			_ = r.out.Flush()
			if err != nil {
				if _, ok := err.(exitStatus); !ok {
					t.Fatalf("error %v is not an exit", err)
				}
			}
		}
	})
}
