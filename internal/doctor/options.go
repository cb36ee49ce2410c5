package doctor

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/lvsgo/ipvsadm/internal/cli"
	"github.com/lvsgo/ipvsadm/internal/diagnose"
	"github.com/lvsgo/ipvsadm/internal/grammar"
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
	Director   netip.Addr        // --director DIP; zero without it
	Tunnel     string            // --tunnel ipip|gue|gre; "" without it
	Targets    []diagnose.Target // real-server mode's VIP[:port] arguments
}

// Setup is the real server the options describe, for diagnose.
func (o Options) Setup() diagnose.Setup {
	return diagnose.Setup{Director: o.Director, Tunnel: o.Tunnel, Targets: o.Targets}
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

// Command describes doctor for dispatch, help and completion.
var Command = cli.Command{
	Word:  "doctor",
	Row:   "ipvsadm doctor [SERVICE]",
	Help:  "say why an LVS setup fails, and the fix",
	Usage: Usage,
	Options: []cli.Option{
		{Long: "probe", Help: "also probe: ARP for DR VIPs, TCP connect to real servers"},
		{Long: "json", Help: "the findings as one line of JSON"},
		{Long: "real-server", Help: "check this host as a real server of the VIPs"},
		{Long: "director", Arg: "DIP", Kind: cli.Address, Once: true, Check: checkDirector,
			Help: "a NAT real server behind this director"},
		{Long: "tunnel", Arg: "TYPE", Kind: cli.Words, Words: tunnelTypes(), Once: true,
			Check: cli.OneOf("tunnel type", tunnelTypes()), Help: "a real server that receives tunnelled packets"},
		cli.Help,
	},
	Operands: cli.Operands{Name: "virtual IP address", Kind: cli.Address, Many: true},
	Service:  true,
}

// tunnelTypes are the words --tunnel takes: the ipvs package's names.
func tunnelTypes() []string {
	var w []string
	for t := ipvs.TunnelType(0); t.Known(); t++ {
		w = append(w, t.String())
	}
	return w
}

// checkDirector validates --director's value: an IP address, no zone.
func checkDirector(v string) error {
	if a, err := netip.ParseAddr(v); err != nil || a.Zone() != "" {
		return fmt.Errorf("invalid director address %q: not an IP address", v)
	}
	return nil
}

// Parse reads the arguments after "doctor".
func Parse(args []string) (Options, error) {
	var o Options
	r, err := Command.Parse(args, cli.Hooks{
		Operand: o.addTarget,
		Other:   grammar.ServiceWords,
	})
	if r.Ended == "help" {
		return Options{Help: true}, nil
	}
	if err != nil {
		return o, err
	}
	o.Probe, o.JSON, o.RealServer = r.Has("probe"), r.Has("json"), r.Has("real-server")
	o.ServiceArgs, o.Tunnel = r.Other, r.Value("tunnel")
	if r.Has("director") {
		o.Director = netip.MustParseAddr(r.Value("director")).Unmap() // checked by checkDirector
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

// addTarget reads one real-server mode argument.
func (o *Options) addTarget(s string) error {
	t, err := diagnose.ParseTarget(s)
	if err != nil {
		return err
	}
	o.Targets = append(o.Targets, t)
	return nil
}
