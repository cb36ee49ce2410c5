package arpprep

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseConf(t *testing.T) {
	v := netip.MustParseAddr
	good := "# comment\n\n10.0.0.1 dev eth0\n\t10.0.0.2   all-interfaces  \n2001:db8::1\n#10.0.0.9 dev x\n10.0.0.3 dev eth0.100"
	got, err := ParseConf("c", good)
	want := []Entry{
		{v("10.0.0.1"), Iface{Dev: "eth0"}}, {v("10.0.0.2"), Iface{All: true}},
		{VIP: v("2001:db8::1")}, {v("10.0.0.3"), Iface{Dev: "eth0.100"}},
	}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("ParseConf = %+v, %v", got, err)
	}
	// What FormatConf writes, ParseConf reads back.
	if back, err := ParseConf("c", FormatConf(want)); err != nil || !slices.Equal(back, want) {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	if got, err := ParseConf("c", ConfHeader); err != nil || len(got) != 0 {
		t.Errorf("header alone: %+v, %v", got, err)
	}

	for _, tc := range []struct{ text, err string }{
		{"10.0.0.1", `c:1: IPv4 VIP 10.0.0.1 without "dev IFACE" or "all-interfaces"`},
		{"\n2001:db8::1 dev eth0", "c:2: IPv6 VIP 2001:db8::1 takes no interface (IPv6 has no ARP)"},
		{"10.0.0.1 dev", `c:1: want VIP [dev IFACE | all-interfaces], have "10.0.0.1 dev"`},
		{"10.0.0.1 dev eth0 eth1", `c:1: want VIP [dev IFACE | all-interfaces], have "10.0.0.1 dev eth0 eth1"`},
		{"10.0.0.1 eth0", `c:1: want VIP [dev IFACE | all-interfaces], have "10.0.0.1 eth0"`},
		{"10.0.0.1 dev ../../x", `c:1: invalid interface name "../../x"`},
		{"10.0.0.1 dev eth0 # note", `c:1: want VIP`},
		{"10.0.0.0/24 dev eth0", "c:1: invalid VIP"},
		{"127.0.0.1 dev eth0", "loopback"},
		{"10.0.0.1 dev eth0\n10.0.0.1 all-interfaces", "c:2: VIP 10.0.0.1 recorded twice"},
	} {
		if _, err := ParseConf("c", tc.text); err == nil || !strings.HasPrefix(err.Error(), tc.err) && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("ParseConf(%q) error %v, want %q", tc.text, err, tc.err)
		}
	}
}

func TestRecordForget(t *testing.T) {
	v := netip.MustParseAddr
	es := Record(nil, []netip.Addr{v("10.0.0.1"), v("2001:db8::1")}, Iface{Dev: "eth0"})
	es = Record(es, []netip.Addr{v("10.0.0.2"), v("10.0.0.1")}, Iface{All: true})
	want := []Entry{{v("10.0.0.1"), Iface{All: true}}, {VIP: v("2001:db8::1")}, {v("10.0.0.2"), Iface{All: true}}}
	if !slices.Equal(es, want) {
		t.Fatalf("Record = %+v", es)
	}
	if got := Forget(es, []netip.Addr{v("10.0.0.1"), v("10.9.9.9")}); !slices.Equal(got, want[1:]) || !slices.Equal(es, want) {
		t.Errorf("Forget = %+v (input now %+v)", got, es)
	}
}

func TestConfFile(t *testing.T) {
	dir := t.TempDir()
	c := ConfFile{Path: filepath.Join(dir, "ipvsadm", "arp-prep.conf")}
	if got, err := c.Load(); err != nil || got.Entries != nil || got.raw != nil {
		t.Fatalf("Load of no file: %+v, %v", got, err)
	}
	es := []Entry{{VIP: netip.MustParseAddr("10.0.0.1"), Iface: Iface{Dev: "eth0"}}}
	if err := c.Save(es); err != nil {
		t.Fatal(err)
	}
	got, err := c.Load()
	if err != nil || !slices.Equal(got.Entries, es) || string(got.raw) != FormatConf(es) {
		t.Fatalf("Load after Save: %+v, %v", got, err)
	}
	// Restore puts back the bytes as found, comments and all.
	hand := []byte("# mine\n10.0.0.7 dev eth0\n")
	os.WriteFile(c.Path, hand, 0o600)
	old, _ := c.Load()
	if err := c.Save(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.Path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Save(nil) left the file: %v", err)
	}
	if err := c.Restore(old); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(c.Path); string(b) != string(hand) {
		t.Errorf("Restore wrote %q", b)
	}
	if err := c.Restore(Conf{}); err != nil {
		t.Fatal(err)
	}
	// No temporary file is left behind.
	if ents, _ := os.ReadDir(filepath.Dir(c.Path)); len(ents) != 0 {
		t.Errorf("left: %v", ents)
	}
}
