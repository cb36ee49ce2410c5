package doctor

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/realserver"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// Options is one parsed `ipvsadm doctor` command line.
type Options struct {
	Probe bool // --probe: the active checks too
	JSON  bool
	Help  bool

	// ServiceArgs are the words that name one service, as -L takes them
	// (-t VIP:port, -f 7 -6, ...); Service reads them with the grammar.
	ServiceArgs []string

	RealServer bool
	Director   netip.Addr // --director DIP; zero without it
	Tunnel     string     // --tunnel ipip|gue|gre; "" without it
	Targets    []Target   // real-server mode's VIP[:port] arguments
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

// Usage is printed for --help.
const Usage = `Usage: ipvsadm doctor [--probe] [--json] [-t|-u|--sctp-service VIP:port | -f mark [-6]]
       ipvsadm doctor --real-server [--director DIP] [--tunnel TYPE] [--json] VIP[:port]...
Say why an LVS setup does not work, with evidence and the command that fixes
it. On a director: every virtual service, or the one given as in -L. On a
real server (--real-server): the ARP settings, the VIPs on lo, reverse-path
filters and listening sockets. Changes nothing. Exit status: 0 nothing
failed, 1 a check failed, 2 bad usage.
  --probe            also probe: ARP for DR VIPs, TCP connect to real servers
  --json             the findings as one line of JSON
  --real-server      check this host as a real server of VIP...
  --director DIP     (with --real-server) a NAT real server behind DIP: its
                     default route must go via DIP
  --tunnel TYPE      (with --real-server) it receives tunnelled packets
                     (ipip, gue, gre): the decapsulating device must be up
`

// Parse reads the arguments after "doctor".
func Parse(args []string) (Options, error) {
	var o Options
	var dirSet bool
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			for _, t := range args[i+1:] {
				if err := o.addTarget(t); err != nil {
					return o, err
				}
			}
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			if err := o.addTarget(a); err != nil {
				return o, err
			}
			continue
		}
		name, val, hasVal := strings.Cut(a, "=")
		// value returns the option's value, attached or the next word.
		value := func(what string) (string, error) {
			if hasVal {
				return val, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("option %s needs %s", name, what)
			}
			i++
			return args[i], nil
		}
		flag := func(p *bool) error {
			if hasVal {
				return fmt.Errorf("option %s takes no value", name)
			}
			*p = true
			return nil
		}
		var err error
		switch name {
		case "--probe":
			err = flag(&o.Probe)
		case "--json":
			err = flag(&o.JSON)
		case "--real-server":
			err = flag(&o.RealServer)
		case "--help", "-h":
			o.Help = true
			return o, nil
		case "--director":
			var v string
			if v, err = value("the director's address"); err != nil {
				return o, err
			}
			if dirSet {
				return o, errors.New("option --director given twice")
			}
			dirSet = true
			if o.Director, err = netip.ParseAddr(v); err != nil || o.Director.Zone() != "" {
				return o, fmt.Errorf("invalid director address %q: not an IP address", v)
			}
			o.Director = o.Director.Unmap()
		case "--tunnel":
			var v string
			if v, err = value("a tunnel type"); err != nil {
				return o, err
			}
			if _, ok := ipvs.ParseTunnelType(v); !ok {
				return o, fmt.Errorf("invalid tunnel type %q: ipip, gue or gre", v)
			}
			if o.Tunnel != "" {
				return o, errors.New("option --tunnel given twice")
			}
			o.Tunnel = v
		default:
			n, err := o.serviceWord(args, i)
			if err != nil {
				return o, err
			}
			i += n
		}
		if err != nil {
			return o, err
		}
	}
	switch {
	case o.RealServer && len(o.ServiceArgs) > 0:
		return o, errors.New("--real-server takes VIPs, not a service option")
	case o.RealServer && o.Probe:
		return o, errors.New("--probe goes with the director's checks, not --real-server")
	case o.RealServer && len(o.Targets) == 0:
		return o, errors.New("no VIP given")
	case !o.RealServer && (o.Director.IsValid() || o.Tunnel != ""):
		return o, errors.New("--director and --tunnel go with --real-server")
	case !o.RealServer && len(o.Targets) > 0:
		return o, fmt.Errorf("unexpected argument %q: give a service as -t|-u|--sctp-service VIP:port or -f mark", o.Targets[0].String())
	case o.Director.IsValid() && o.Tunnel != "":
		return o, errors.New("--director (NAT) and --tunnel do not go together")
	}
	return o, nil
}

// serviceWord takes the service option at args[i] (and its value) into
// ServiceArgs and returns how many words after it it used.
func (o *Options) serviceWord(args []string, i int) (int, error) {
	n, err := grammar.ServiceWords(args, i)
	if err != nil {
		return 0, err
	}
	o.ServiceArgs = append(o.ServiceArgs, args[i:i+n]...)
	return n - 1, nil
}

// addTarget reads one real-server mode argument: VIP, VIP:port or
// [IPv6]:port. The VIP must be one arp-prep would take.
func (o *Options) addTarget(s string) error {
	var t Target
	if ap, err := netip.ParseAddrPort(s); err == nil {
		if ap.Port() == 0 {
			return fmt.Errorf("invalid VIP %q: port 0", s)
		}
		t = Target{ap.Addr(), ap.Port()}
	} else if strings.Count(s, ":") == 1 && !strings.HasPrefix(s, "[") {
		host, port, _ := strings.Cut(s, ":")
		p, err := strconv.ParseUint(port, 10, 16)
		if err != nil || p == 0 {
			return fmt.Errorf("invalid VIP %q: bad port %q", s, port)
		}
		t.Port = uint16(p)
		s = host
	}
	if !t.Addr.IsValid() {
		a, err := realserver.ParseVIP(s)
		if err != nil {
			return err
		}
		t.Addr = a
	} else if _, err := realserver.ParseVIP(t.Addr.String()); err != nil {
		return err
	}
	o.Targets = append(o.Targets, t)
	return nil
}
