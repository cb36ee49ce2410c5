package grammar

import (
	"bufio"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/ipvs"
)

func TestReadRestoreLine(t *testing.T) {
	tests := []struct {
		in   string
		want [][]string // lines as read, without argv[0]
	}{
		{"", nil},
		{"\n", [][]string{{}}},
		{"-C\n", [][]string{{"-C"}}},
		{"-C", [][]string{{"-C"}}},
		{"-C ", [][]string{{"-C"}}},
		// White space running into the end drops the line.
		{"-C  ", nil},
		{"-A\n-C  ", [][]string{{"-A"}}},
		{"  \n", [][]string{{}}},
		{"\t-A \t -t\r\n", [][]string{{"-A", "-t"}}},
		{"ipvsadm -A ipvsadm x\n", [][]string{{"-A", "x"}}},
		{"ipvsadm", nil},
		{"ipvsadm\n", [][]string{{}}},
		{"# c d\n", [][]string{{"#", "c", "d"}}},
		{"a\x00b c\n", [][]string{{"a", "c"}}},
		{"-A\n\n-C\n", [][]string{{"-A"}, {}, {"-C"}}},
		{strings.Repeat("x", 4100) + "\n", [][]string{{strings.Repeat("x", 4096), "xxxx"}}},
	}
	for _, tt := range tests {
		r := bufio.NewReader(strings.NewReader(tt.in))
		var got [][]string
		for {
			argv, ok := ReadRestoreLine(r, "P")
			if !ok {
				break
			}
			if argv[0] != "P" {
				t.Fatalf("%q: argv[0] = %q", tt.in, argv[0])
			}
			got = append(got, argv[1:])
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestInetAton(t *testing.T) {
	tests := []struct {
		in, want string // want "" = refused
	}{
		{"10.0.0.1", "10.0.0.1"},
		{"10.1", "10.0.0.1"},
		{"10", "0.0.0.10"},
		{"10.0.1", "10.0.0.1"},
		{"0x0a000001", "10.0.0.1"},
		{"012.0.0.1", "10.0.0.1"},
		{"10.0.0.1 junk", "10.0.0.1"},
		{"10.0.0.1\tjunk", "10.0.0.1"},
		{"08.0.0.1", ""},
		{"10.0.0.256", ""},
		{"10.0.0.1.1", ""},
		{"10..0.1", ""},
		{"1.2.3.4.", ""},
		{"10.16777215", "10.255.255.255"},
		{"10.16777216", ""},
		{"4294967295", "255.255.255.255"},
		{"4294967296", ""},
		{" 10.0.0.1", ""},
		{"", ""},
		{"0x", ""},
	}
	for _, tt := range tests {
		a, ok := inetAton(tt.in)
		got := ""
		if ok {
			got = a.String()
		}
		if got != tt.want {
			t.Errorf("inetAton(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStringToNumber(t *testing.T) {
	tests := []struct {
		in       string
		min, max int64
		want     int64
		ok       bool
	}{
		{"5", 0, 10, 5, true},
		{" 5", 0, 10, 5, true},
		{"+5", 0, 10, 5, true},
		{"-0", 0, 10, 0, true},
		{"5 ", 0, 10, 0, false},
		{"", 0, 10, 0, false},
		{"11", 0, 10, 0, false},
		{"-1", 0, 10, 0, false},
		{"99999999999999999999", 0, 1 << 62, 0, false},
	}
	for _, tt := range tests {
		v, ok := stringToNumber(tt.in, tt.min, tt.max)
		if v != tt.want || ok != tt.ok {
			t.Errorf("stringToNumber(%q) = %d, %v; want %d, %v", tt.in, v, ok, tt.want, tt.ok)
		}
	}
}

// A few requests spelled out field by field; the goldens check the rest
// against the reference's table.
func TestParseRequests(t *testing.T) {
	p := &Parser{}
	tests := []struct {
		args []string
		want Request
	}{
		{[]string{"-Ln"}, Request{Cmd: CmdList, Options: OptNumeric, Format: FmtNumeric,
			Dest: ipvs.Destination{Weight: 1, ConnFlags: uint32(ipvs.FwdDirect)}, Service: ipvs.Service{Netmask: 0xffffffff}}},
		{[]string{"-L", "--stats", "--exact", "-t", "10.0.0.1:80"}, Request{Cmd: CmdList,
			Options: OptStats | OptExact | OptService, Format: FmtStats | FmtExact,
			Dest: ipvs.Destination{Weight: 1, ConnFlags: uint32(ipvs.FwdDirect)},
			Service: ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: netip.MustParseAddr("10.0.0.1"),
				Port: 80, Netmask: 0xffffffff}}},
		{[]string{"-a", "-f", "7", "-6", "-r", "[fd00::2]:8080", "-mw3"}, Request{Cmd: CmdAddDest,
			Options: OptService | OptServer | OptForward | OptWeight,
			Service: ipvs.Service{Family: ipvs.AFInet6, Protocol: ipvs.TCP, FWMark: 7, Netmask: 128},
			Dest: ipvs.Destination{Family: ipvs.AFInet6, Address: netip.MustParseAddr("fd00::2"), Port: 8080,
				Weight: 3, ConnFlags: uint32(ipvs.FwdMasq)}}},
		{[]string{"--start-daemon", "backup"}, Request{Cmd: CmdStartDaemon,
			Daemon:  ipvs.Daemon{State: ipvs.StateBackup, McastIfn: "eth0"},
			Dest:    ipvs.Destination{Weight: 1, ConnFlags: uint32(ipvs.FwdDirect)},
			Service: ipvs.Service{Netmask: 0xffffffff}}},
		{nil, Request{Cmd: CmdList}},
	}
	for _, tt := range tests {
		req, ex := p.Parse("ipvsadm", tt.args)
		if ex != nil {
			t.Errorf("%q: %+v", tt.args, ex)
			continue
		}
		if !reflect.DeepEqual(*req, tt.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tt.args, *req, tt.want)
		}
	}
}

func TestPoptReturnsAfterFirstOption(t *testing.T) {
	p := &Parser{}
	_, ex := p.Parse("x", []string{"-L", "--bogus"})
	if ex == nil || !ex.Return || ex.Status != 255 || ex.Stderr != "--bogus: unknown option\n" {
		t.Fatalf("got %+v", ex)
	}
	_, ex = p.Parse("x", []string{"--bogus"})
	if ex == nil || ex.Return || ex.Status != 255 {
		t.Fatalf("got %+v", ex)
	}
}
