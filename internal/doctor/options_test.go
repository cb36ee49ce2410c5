package doctor

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/diagnose"
)

func TestParse(t *testing.T) {
	dip := netip.MustParseAddr("192.168.1.118")
	vip := netip.MustParseAddr("192.168.2.143")
	for _, tc := range []struct {
		args []string
		want Options
		err  string
	}{
		{args: nil, want: Options{}},
		{args: []string{"--probe", "--json"}, want: Options{Probe: true, JSON: true}},
		{args: []string{"-t", "172.16.1.143:80"}, want: Options{ServiceArgs: []string{"-t", "172.16.1.143:80"}}},
		{args: []string{"--probe", "-t172.16.1.143:80"}, want: Options{Probe: true, ServiceArgs: []string{"-t172.16.1.143:80"}}},
		{args: []string{"--tcp-service=172.16.1.143:80"}, want: Options{ServiceArgs: []string{"--tcp-service=172.16.1.143:80"}}},
		{args: []string{"-f", "7", "-6"}, want: Options{ServiceArgs: []string{"-f", "7", "-6"}}},
		{args: []string{"--sctp-service", "[2001:db8::1]:80"}, want: Options{ServiceArgs: []string{"--sctp-service", "[2001:db8::1]:80"}}},
		{args: []string{"--real-server", "192.168.2.143:80", "192.168.2.143"},
			want: Options{RealServer: true, Targets: []diagnose.Target{{Addr: vip, Port: 80}, {Addr: vip}}}},
		{args: []string{"--real-server", "--director", "192.168.1.118", "--", "[2001:db8::1]:443"},
			want: Options{RealServer: true, Director: dip, Targets: []diagnose.Target{{Addr: netip.MustParseAddr("2001:db8::1"), Port: 443}}}},
		{args: []string{"--real-server", "--tunnel=gue", "192.168.2.143"},
			want: Options{RealServer: true, Tunnel: "gue", Targets: []diagnose.Target{{Addr: vip}}}},
		{args: []string{"--help", "--bogus"}, want: Options{Help: true}},
		{args: []string{"-h"}, want: Options{Help: true}},

		{args: []string{"-L"}, err: `unknown option "-L"`},
		{args: []string{"-n"}, err: `unknown option "-n"`},
		{args: []string{"--probe=1"}, err: "takes no value"},
		{args: []string{"-t"}, err: "option -t needs a value"},
		{args: []string{"172.16.1.143:80"}, err: `unexpected argument "172.16.1.143:80": give a service as -t`},
		{args: []string{"--real-server"}, err: "no VIP given"},
		{args: []string{"--real-server", "-t", "1.2.3.4:80"}, err: "--real-server takes VIPs"},
		{args: []string{"--real-server", "--probe", "1.2.3.4"}, err: "--probe goes with the director"},
		{args: []string{"--director", "1.2.3.4"}, err: "go with --real-server"},
		{args: []string{"--real-server", "--director"}, err: "option --director needs DIP"},
		{args: []string{"--real-server", "--director", "x", "1.2.3.4"}, err: `invalid director address "x"`},
		{args: []string{"--real-server", "--director", "1.1.1.1", "--director", "1.1.1.1", "1.2.3.4"}, err: "given twice"},
		{args: []string{"--real-server", "--tunnel", "vxlan", "1.2.3.4"}, err: `invalid tunnel type "vxlan"`},
		{args: []string{"--real-server", "--tunnel", "ipip", "--director", "1.1.1.1", "1.2.3.4"}, err: "do not go together"},
		{args: []string{"--real-server", "1.2.3.4:0"}, err: "port 0"},
		{args: []string{"--real-server", "1.2.3.4:http"}, err: `bad port "http"`},
		{args: []string{"--real-server", "127.0.0.1"}, err: "loopback"},
		{args: []string{"--real-server", "10.0.0.1/32"}, err: "give the address alone"},
		{args: []string{"--real-server", "[fe80::1]:80"}, err: "link-local"},
	} {
		got, err := Parse(tc.args)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Parse(%q) error = %v, want %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tc.args, got, err, tc.want)
		}
	}
}
