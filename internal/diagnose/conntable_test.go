package diagnose

import (
	"reflect"
	"strings"
	"testing"
)

// 7.2's /proc/net/ip_vs_status, as read in the VM with 21 services.
const status72 = "Conns:\t0\n" +
	"Conn buckets:\t256 (8 bits, lfactor -4)\n" +
	"Services:\t21\n" +
	"Service buckets:\t256 (8 bits, lfactor -3)\n" +
	"Service buckets empty:\t236 (92%)\n" +
	"Service buckets len-1:\t19 (95%)\n" +
	"Service buckets len-2:\t1 (5%)\n" +
	"Stats thread slots:\t1 (max 8)\n" +
	"Stats chain max len:\t128\n" +
	"Stats thread ests:\t307200\n"

func TestParseIPVSStatus(t *testing.T) {
	got := ParseIPVSStatus(status72 + "junk without colon\n\n")
	if len(got) != 10 {
		t.Fatalf("%d fields: %+v", len(got), got)
	}
	if got[1] != (StatusField{"Conn buckets", "256 (8 bits, lfactor -4)"}) ||
		got[4] != (StatusField{"Service buckets empty", "236 (92%)"}) {
		t.Errorf("fields: %+v", got)
	}
	for _, tt := range []struct {
		in   string
		want Buckets
		ok   bool
	}{
		{"256 (8 bits, lfactor -4)", Buckets{256, 8, -4}, true},
		{"16 (4 bits, lfactor -3)", Buckets{16, 4, -3}, true},
		{"65536 (16 bits, lfactor 2)", Buckets{65536, 16, 2}, true},
		{"1024", Buckets{N: 1024}, true},
		{"many (8 bits)", Buckets{}, false},
		{"", Buckets{}, false},
	} {
		b, ok := ParseBuckets(tt.in)
		if ok != tt.ok || ok && !reflect.DeepEqual(b, tt.want) {
			t.Errorf("ParseBuckets(%q) = %+v, %v; want %+v, %v", tt.in, b, ok, tt.want, tt.ok)
		}
	}
}

func TestCheckConnTable(t *testing.T) {
	conns := func(n int) []Conn { return make([]Conn, n) }
	for _, tt := range []struct {
		name   string
		s      Snapshot
		status Status
		msg    string // in the message
		fix    string // in the first fix; "" none
	}{
		{"7.x", Snapshot{ConnTable: &ConnTable{Status: ParseIPVSStatus(status72)},
			Sysctls: map[string]string{"net.ipv4.vs.conn_lfactor": "-4", "net.ipv4.vs.svc_lfactor": "-3"}},
			OK, "0 connections in 256 buckets (2^8, lfactor -4), net.ipv4.vs.conn_lfactor -4; 21 services in 256 buckets (2^8, lfactor -3), net.ipv4.vs.svc_lfactor -3", ""},
		{"7.x without sysctls", Snapshot{ConnTable: &ConnTable{Status: ParseIPVSStatus("Conns:\t5\nConn buckets:\t256 (8 bits, lfactor -4)\n")}},
			OK, "(/proc/net/ip_vs_status): 5 connections in 256 buckets (2^8, lfactor -4)", ""},
		{"fixed, small load", Snapshot{ConnTable: &ConnTable{TabBits: 12}, Conns: conns(100)},
			OK, "100 connection entries in a fixed table of 4096 buckets (ip_vs conn_tab_bits=12)", ""},
		{"fixed, at the bound", Snapshot{ConnTable: &ConnTable{TabBits: 8}, Conns: conns(8 * 256)},
			OK, "2048 connection entries in a fixed table of 256 buckets", ""},
		{"fixed, far over", Snapshot{ConnTable: &ConnTable{TabBits: 8}, Conns: conns(8*256 + 1)},
			Warn, "2049 connection entries in a fixed table of 256 buckets (ip_vs conn_tab_bits=8): 8 per bucket", "options ip_vs conn_tab_bits=12"},
		{"fixed, at the kernel's maximum", Snapshot{ConnTable: &ConnTable{TabBits: 20}, Conns: conns(9 << 20)},
			Warn, "per bucket", ""},
		{"fixed, beyond what the option gives", Snapshot{ConnTable: &ConnTable{TabBits: 12}, Conns: conns(5 << 20)},
			Warn, "1280 per bucket", "conn_tab_bits=20"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fs := checkConnTable(&tt.s)
			if len(fs) != 1 {
				t.Fatalf("%d findings: %+v", len(fs), fs)
			}
			f := fs[0]
			if f.Status != tt.status || f.Check != "conn-table" || !strings.Contains(f.Message, tt.msg) {
				t.Errorf("got %v %s %q\nwant %v conn-table containing %q", f.Status, f.Check, f.Message, tt.status, tt.msg)
			}
			if tt.fix == "" && len(f.Fix) > 0 || tt.fix != "" && (len(f.Fix) == 0 || !strings.Contains(f.Fix[0], tt.fix)) {
				t.Errorf("fix %q, want one with %q", f.Fix, tt.fix)
			}
		})
	}
	if fs := checkConnTable(&Snapshot{}); fs != nil {
		t.Errorf("unknown table: %+v", fs)
	}
	if fs := checkConnTable(&Snapshot{ConnTable: &ConnTable{}}); fs != nil {
		t.Errorf("no bits, no status: %+v", fs)
	}
}
