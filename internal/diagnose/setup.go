package diagnose

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/lvsgo/ipvsadm/internal/realserver"
)

// Setup is what a real server is checked for: its VIPs (with the ports
// that must be listened on), and how the director reaches it.
type Setup struct {
	Director netip.Addr // a NAT real server's director (DIP); zero otherwise
	Tunnel   string     // ipip, gue or gre when it receives tunnelled packets; "" otherwise
	Targets  []Target
}

// Target is a real-server mode argument: a VIP and, when given, a port.
type Target struct {
	Addr netip.Addr
	Port uint16 // 0: none given
}

// String is the argument as given: 192.168.2.143, 192.168.2.143:80,
// [2001:db8::1]:80.
func (t Target) String() string {
	if t.Port == 0 {
		return t.Addr.String()
	}
	return netip.AddrPortFrom(t.Addr, t.Port).String()
}

// ParseTarget reads a real server's VIP as doctor --real-server takes
// it: VIP, VIP:port or [IPv6]:port. The VIP must be one arp-prep would take.
func ParseTarget(s string) (Target, error) {
	var t Target
	if ap, err := netip.ParseAddrPort(s); err == nil {
		if ap.Port() == 0 {
			return Target{}, fmt.Errorf("invalid VIP %q: port 0", s)
		}
		t = Target{ap.Addr(), ap.Port()}
	} else if strings.Count(s, ":") == 1 && !strings.HasPrefix(s, "[") {
		host, port, _ := strings.Cut(s, ":")
		p, err := strconv.ParseUint(port, 10, 16)
		if err != nil || p == 0 {
			return Target{}, fmt.Errorf("invalid VIP %q: bad port %q", s, port)
		}
		t.Port = uint16(p)
		s = host
	}
	if !t.Addr.IsValid() {
		a, err := realserver.ParseVIP(s)
		if err != nil {
			return Target{}, err
		}
		t.Addr = a
	} else if _, err := realserver.ParseVIP(t.Addr.String()); err != nil {
		return Target{}, err
	}
	return t, nil
}
