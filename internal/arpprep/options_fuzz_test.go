package arpprep

import (
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/realserver"
)

// FuzzParse: arp-prep's argument validation never panics, rejects with one
// line, and accepts only VIPs that ParseVIP accepts. Arguments are separated
// by NUL bytes.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"10.0.0.1", "--dev\x00eth0\x0010.0.0.1\x002001:db8::1", "--remove\x00--dry-run\x0010.0.0.1",
		"--check\x00--json\x00--all-interfaces\x0010.0.0.1", "--dev=eth0\x00--\x00-1", "10.0.0.1/32",
		"fe80::1%eth0", "::ffff:10.0.0.1", "--help", "--dev", "--json=1", "224.0.0.1\x00255.255.255.255",
		"", "-", "--bogus", "10.0.0.1\x0010.0.0.1", "--persist\x0010.0.0.1", "--remove\x00--persist\x00--dry-run\x0010.0.0.1",
		"--boot", "--boot\x00--dry-run", "--boot\x0010.0.0.1", "--check\x00--persist\x0010.0.0.1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\x00")
		o, err := Parse(args)
		if err != nil {
			msg := err.Error()
			if msg == "" || strings.Contains(msg, "\n") {
				t.Fatalf("%q: message %q", args, msg)
			}
			return
		}
		for _, v := range o.VIPs {
			if _, err := realserver.ParseVIP(v.String()); err != nil {
				t.Fatalf("%q: accepted VIP %v that ParseVIP refuses: %v", args, v, err)
			}
		}
	})
}
