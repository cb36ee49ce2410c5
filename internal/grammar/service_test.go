package grammar

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/ipvs"
)

func TestServiceWords(t *testing.T) {
	for _, tc := range []struct {
		args string
		i, n int
		err  string
	}{
		{"-t 1.2.3.4:80", 0, 2, ""},
		{"-t1.2.3.4:80", 0, 1, ""},
		{"--tcp-service=1.2.3.4:80", 0, 1, ""},
		{"--sctp-service 1.2.3.4:80", 0, 2, ""},
		{"-f 7 -6", 2, 1, ""},
		{"-n -f 7", 1, 2, ""},
		{"-f", 0, 0, "option -f needs a value"},
		{"-x 7", 0, 0, `unknown option "-x"`},
		{"--json", 0, 0, `unknown option "--json"`},
	} {
		n, err := ServiceWords(strings.Fields(tc.args), tc.i)
		if msg := fmt.Sprint(err); n != tc.n || (tc.err == "" && err != nil) || (tc.err != "" && msg != tc.err) {
			t.Errorf("ServiceWords(%q, %d) = %d, %v; want %d, %q", tc.args, tc.i, n, err, tc.n, tc.err)
		}
	}
}

func TestServiceKey(t *testing.T) {
	p := &Parser{}
	k, err := p.ServiceKey([]string{"-t", "172.16.1.143:80"})
	if err != nil || k.Protocol != ipvs.TCP || k.Address != netip.MustParseAddr("172.16.1.143") || k.Port != 80 || k.FWMark != 0 {
		t.Errorf("-t: %+v, %v", k, err)
	}
	k, err = p.ServiceKey([]string{"-f", "7", "-6"})
	if err != nil || k.FWMark != 7 || k.Family != ipvs.AFInet6 {
		t.Errorf("-f 7 -6: %+v, %v", k, err)
	}
	for args, msg := range map[string]string{
		"-t 1.2.3.4:99999":            "illegal virtual server address[:port] specified",
		"-f 0":                        "invalid fwmark value `0' specified",
		"-t 1.2.3.4:80 -u 1.2.3.4:53": "multiple 'service-address' options specified",
		"-6":                          "-6 must follow -f",
	} {
		if _, err := p.ServiceKey(strings.Fields(args)); err == nil || err.Error() != msg {
			t.Errorf("%s: error %v, want %q", args, err, msg)
		}
	}
}
