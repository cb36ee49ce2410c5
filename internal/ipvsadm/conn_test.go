package ipvsadm

import (
	"bufio"
	"bytes"
	"io"
	"net/netip"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/grammar"
)

func TestConnLines(t *testing.T) {
	const head = "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n"
	tests := []struct {
		name, in string
		f        grammar.Format
		want     string
	}{
		// Seen from /ref/ipvsadm -Lnc --persistent-conn in the VM.
		{"ipv4", "TCP 0A000001 B8D6 0A00006E 0050 0A090002 0050 TIME_WAIT       119\n", grammar.FmtNumeric | grammar.FmtPersistentConn,
			"TCP 01:59  TIME_WAIT   10.0.0.1:47318     10.0.0.110:80      10.9.0.2:80\n"},
		{"template", "TCP 0A000001 0000 0A00006F 1F90 0A090002 0050 ASSURED         899\n", grammar.FmtNumeric,
			"TCP 14:59  ASSURED     10.0.0.1:0         10.0.0.111:8080    10.9.0.2:80\n"},
		// printf's widths for the rest.
		{"ipv6", "TCP 2001:0db8:0000:0000:0000:0000:0000:0001 9C40 2001:0db8:0000:0000:0000:0000:0000:0100 0050 2001:0db8:0000:0000:0000:0000:0000:0002 1F90 SYN_RECV         59\n",
			grammar.FmtNumeric, "TCP 00:59  SYN_RECV    [2001:db8::1]:40000 [2001:db8::100]:80 [2001:db8::2]:8080\n"},
		{"pe sip", "UDP 0A000001 13C4 0A000067 13C4 0A090002 13C4 UDP             299 sip a84b4c76e66710@pc33.example.com\n",
			grammar.FmtNumeric | grammar.FmtPersistentConn,
			"UDP 04:59  UDP         10.0.0.1:5060      10.0.0.103:5060    10.9.0.2:5060    sip                a84b4c76e66710@pc33.example.com\n"},
		{"pe sip plain", "UDP 0A000001 13C4 0A000067 13C4 0A090002 13C4 UDP             299 sip abc\n",
			grammar.FmtNumeric, "UDP 04:59  UDP         10.0.0.1:5060      10.0.0.103:5060    10.9.0.2:5060\n"},
		{"ipv4 in ipv6 tunnel", "TCP 0A000001 0001 0A00006E 0050 2001:0db8:0000:0000:0000:0000:0000:0009 0050 ESTABLISHED   900\n",
			grammar.FmtNumeric, "TCP 15:00  ESTABLISHED 10.0.0.1:1         10.0.0.110:80      [2001:db8::9]:80\n"},
		{"names", "TCP 0A000001 0050 0A00006E 0050 0A090002 0016 NONE              5\n", 0,
			"TCP 00:05  NONE        h1:http            10.0.0.110:http    10.9.0.2:ssh\n"},
	}
	n := fakeNamer{hosts: map[netipAddr]string{mustAddr("10.0.0.1"): "h1"}, svcs: map[uint16]string{80: "http", 22: "ssh"}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &runner{out: newTestWriter(), names: n, connPath: "/proc/net/ip_vs_conn"}
			var out bytes.Buffer
			r.out.Reset(&out)
			if err := r.printConns(strings.NewReader(head+tt.in), tt.f); err != nil {
				t.Fatal(err)
			}
			r.out.Flush()
			title := string(appendConnTitle(nil, tt.f))
			if got := strings.TrimPrefix(out.String(), title); got != tt.want {
				t.Errorf("\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestConnTitle(t *testing.T) {
	if got, want := string(appendConnTitle(nil, 0)), "IPVS connection entries\n"+
		"pro expire state       source             virtual            destination\n"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
	if got, want := string(appendConnTitle(nil, grammar.FmtPersistentConn)), "IPVS connection entries\n"+
		"pro expire state       source             virtual            destination        pe name          pe_data\n"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
}

func TestConnEmptyFile(t *testing.T) {
	var errb bytes.Buffer
	r := &runner{out: newTestWriter(), errw: &errb, connPath: "/proc/net/ip_vs_conn"}
	err := r.printConns(strings.NewReader(""), 0)
	if e, ok := err.(exitStatus); !ok || e != 1 || errb.String() != "unexpected input from /proc/net/ip_vs_conn\n" {
		t.Errorf("err %v stderr %q", err, errb.String())
	}
}

type netipAddr = netip.Addr

func newTestWriter() *bufio.Writer { return bufio.NewWriter(io.Discard) }
