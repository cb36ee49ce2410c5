package ipvsadm

import (
	"bufio"
	"bytes"
	"io"
	"net/netip"
	"reflect"
	"strconv"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/ipvstest"
	"github.com/lvsgo/ipvsadm/internal/show"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// Benchmarks of the front end's hot paths on a large table: parsing restore
// lines, formatting list lines, and whole -Ln, -Sn and -R runs against an
// in-memory table (the kernel's part is measured by `make bench` in the VM).

const benchLine = "-a -t 198.18.0.1:80 -r 198.19.0.1:8080 -m -w 1"

func BenchmarkParseAddDest(b *testing.B) {
	args := []string{"-a", "-t", "198.18.0.1:80", "-r", "198.19.0.1:8080", "-m", "-w", "1"}
	b.ReportAllocs()
	for b.Loop() {
		if _, ex := (&grammar.Parser{}).Parse("ipvsadm", args); ex != nil {
			b.Fatal(ex)
		}
	}
}

func BenchmarkReadRestoreLine(b *testing.B) {
	in := bytes.Repeat([]byte(benchLine+"\n"), 1000)
	r := bufio.NewReader(bytes.NewReader(in))
	b.SetBytes(int64(len(benchLine) + 1))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := grammar.ReadRestoreLine(r, "ipvsadm"); !ok {
			r.Reset(bytes.NewReader(in))
		}
	}
}

func benchService(i int) ipvs.Service {
	return ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP,
		Address: netip.AddrFrom4([4]byte{198, 18, byte(i / 250), byte(i%250 + 1)}), Port: 80,
		Scheduler: "wlc", Flags: ipvs.SvcHashed, Netmask: 0xffffffff}
}

func benchDest(i, j int) ipvs.Destination {
	k := i*4 + j
	return ipvs.Destination{Family: ipvs.AFInet, Address: netip.AddrFrom4([4]byte{198, 19, byte(k / 250), byte(k%250 + 1)}),
		Port: 8080, ConnFlags: uint32(ipvs.FwdMasq), Weight: 1}
}

func BenchmarkFormatServiceLine(b *testing.B) {
	s := benchService(7)
	var buf, name []byte
	b.ReportAllocs()
	for b.Loop() {
		name = show.AppendServiceName(name[:0], &s, grammar.FmtNumeric, nil)
		buf = appendServiceLine(buf[:0], &s, name, grammar.FmtNumeric)
	}
}

func BenchmarkFormatDestLine(b *testing.B) {
	s, d := benchService(7), benchDest(7, 1)
	name := show.AppendServiceName(nil, &s, grammar.FmtNumeric, nil)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = appendDestLine(buf[:0], &s, name, &d, grammar.FmtNumeric, nil)
	}
}

// benchEnv is an Env over the shared fake kernel with n services of four
// real servers each, listed in reverse order so that sorting has work to
// do. With n 0 every run gets a new, empty kernel (for -R).
func benchEnv(n int) Env {
	k := emptyTable()
	for i := n - 1; i >= 0; i-- {
		s := ipvstest.Service{Service: benchService(i)}
		for j := 3; j >= 0; j-- {
			s.Dests = append(s.Dests, benchDest(i, j))
		}
		k.Table = append(k.Table, s)
	}
	env := envFor(k, nil, "", nil)
	if n == 0 {
		env.Open = func() (ipvs.API, error) { return emptyTable(), nil }
	}
	env.Stdout, env.Stderr = io.Discard, io.Discard
	return env
}

func benchMain(b *testing.B, n int, args []string, stdin []byte) {
	env := benchEnv(n)
	b.ReportAllocs()
	for b.Loop() {
		env.Stdin = bytes.NewReader(stdin)
		if st := Run(append([]string{"ipvsadm"}, args...), env); st != 0 {
			b.Fatalf("status %d", st)
		}
	}
}

func BenchmarkListNumeric1k(b *testing.B) { benchMain(b, 1000, []string{"-Ln"}, nil) }
func BenchmarkSaveNumeric1k(b *testing.B) { benchMain(b, 1000, []string{"-Sn"}, nil) }

func BenchmarkRestore1k(b *testing.B) {
	var in []byte
	for i := 0; i < 1000; i++ {
		s := "-t 198.18." + strconv.Itoa(i/250) + "." + strconv.Itoa(i%250+1) + ":80"
		in = append(in, "-A "+s+" -s wlc\n"...)
		for j := 0; j < 4; j++ {
			k := i*4 + j
			in = append(in, "-a "+s+" -r 198.19."+strconv.Itoa(k/250)+"."+strconv.Itoa(k%250+1)+":8080 -m -w 1\n"...)
		}
	}
	benchMain(b, 0, []string{"-R"}, in)
}

// The list keeps services without their counters (serviceTable); every
// other field must survive the trip, including fields added to
// ipvs.Service later.
func TestServiceTableKeepsFields(t *testing.T) {
	for i, addr := range []netip.Addr{{}, netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("2001:db8::1"),
		netip.MustParseAddr("::ffff:10.0.0.1")} {
		keepStats := i%2 == 1
		var in ipvs.Service
		v := reflect.ValueOf(&in).Elem()
		for i := 0; i < v.NumField(); i++ {
			fillField(t, v.Field(i), uint64(i+1))
		}
		in.Address = addr
		tab := &serviceTable{keepStats: keepStats}
		for range svcChunk + 1 {
			tab.add(&in)
		}
		var out ipvs.Service
		tab.at(svcChunk, &out)
		want := in
		if !keepStats {
			want.Stats = ipvs.Stats{}
		}
		if !reflect.DeepEqual(out, want) {
			t.Errorf("%v keepStats %v: got %+v, want %+v", addr, keepStats, out, want)
		}
	}
}

func fillField(t *testing.T, f reflect.Value, n uint64) {
	switch f.Kind() {
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		f.SetUint(n)
	case reflect.Int32, reflect.Int64:
		f.SetInt(int64(n))
	case reflect.String:
		f.SetString("s" + strconv.FormatUint(n, 10))
	case reflect.Struct:
		if f.Type() == reflect.TypeOf(netip.Addr{}) {
			f.Set(reflect.ValueOf(netip.AddrFrom4([4]byte{10, 0, 0, byte(n)})))
			return
		}
		for i := 0; i < f.NumField(); i++ {
			fillField(t, f.Field(i), n*100+uint64(i))
		}
	default:
		t.Fatalf("no filler for %v", f.Type())
	}
}
