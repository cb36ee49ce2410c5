package realserver

import "testing"

func TestParseVIP(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{in: "10.0.0.1", want: "10.0.0.1"},
		{in: "2001:db8::1", want: "2001:db8::1"},
		{in: "10.0.0.1/32", err: `invalid VIP "10.0.0.1/32": give the address alone; arp-prep adds it as a host address`},
		{in: "vip.example", err: `invalid VIP "vip.example": not an IP address`},
		{in: "", err: `invalid VIP "": not an IP address`},
		{in: "fe80::1%eth0", err: `invalid VIP "fe80::1%eth0": has a zone, not a unicast service address`},
		{in: "::ffff:10.0.0.1", err: `invalid VIP "::ffff:10.0.0.1": IPv4-mapped; give the IPv4 address, not a unicast service address`},
		{in: "0.0.0.0", err: `invalid VIP "0.0.0.0": unspecified address, not a unicast service address`},
		{in: "::", err: `invalid VIP "::": unspecified address, not a unicast service address`},
		{in: "127.0.0.2", err: `invalid VIP "127.0.0.2": loopback address, not a unicast service address`},
		{in: "::1", err: `invalid VIP "::1": loopback address, not a unicast service address`},
		{in: "224.0.0.1", err: `invalid VIP "224.0.0.1": multicast address, not a unicast service address`},
		{in: "ff02::1", err: `invalid VIP "ff02::1": multicast address, not a unicast service address`},
		{in: "255.255.255.255", err: `invalid VIP "255.255.255.255": broadcast address, not a unicast service address`},
		{in: "169.254.1.1", err: `invalid VIP "169.254.1.1": link-local address, not a unicast service address`},
		{in: "fe80::1", err: `invalid VIP "fe80::1": link-local address, not a unicast service address`},
	} {
		a, err := ParseVIP(tc.in)
		switch {
		case tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("ParseVIP(%q) = %v, %v; want error %q", tc.in, a, err, tc.err)
		case tc.err == "" && (err != nil || a.String() != tc.want):
			t.Errorf("ParseVIP(%q) = %v, %v; want %s", tc.in, a, err, tc.want)
		}
	}
}
