package arpprep

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/lvsgo/ipvsadm/internal/cli"
	"github.com/lvsgo/ipvsadm/internal/realserver"
	"github.com/lvsgo/ipvsadm/internal/sysctl"
)

// Mode is what one invocation does.
type Mode int

// Modes, one per invocation.
const (
	ModePrepare Mode = iota
	ModeRemove
	ModeCheck
	ModeBoot // prepare the VIPs recorded in the configuration file
)

// Options is one parsed `ipvsadm arp-prep` command line.
type Options struct {
	Mode          Mode
	DryRun        bool   // print commands, change nothing (Prepare, Remove, Boot)
	Persist       bool   // also record (Remove: forget) the VIPs for boot
	JSON          bool   // --check output as JSON
	Dev           string // --dev; empty: the default route's interface
	AllInterfaces bool
	VIPs          []netip.Addr // validated, without duplicates, in order given
	Boot          bool         // --boot given (Mode is ModeBoot after Parse)
	Help          bool
}

// Usage is printed for --help and after a usage error.
const Usage = `Usage: ipvsadm arp-prep [--dev IFACE | --all-interfaces] [--remove] [--persist] [--dry-run] VIP...
       ipvsadm arp-prep --check [--json] [--dev IFACE | --all-interfaces] VIP...
       ipvsadm arp-prep --boot [--dry-run]
Prepare this real server for LVS direct routing: arp_ignore=1 and
arp_announce=2 on all and IFACE (default: the default route's interface),
then each VIP on lo as /32 (IPv6: /128).
  --dev IFACE        interface whose ARP behaviour to set
  --all-interfaces   set it on every non-loopback interface
  --remove           remove the VIPs; restore the sysctls when none is left
  --persist          also record the VIPs in ` + DefaultConfPath + ` and
                     enable ` + Unit + `, which prepares them at
                     boot (with --remove: forget them)
  --boot             prepare the VIPs recorded there (what the unit runs)
  --check            change nothing; report each item as ok or wrong
  --json             --check output as JSON
  --dry-run          print the equivalent sysctl/ip commands, change nothing
`

// Command describes arp-prep for dispatch, help and completion.
var Command = cli.Command{
	Word:  "arp-prep",
	Row:   "ipvsadm arp-prep VIP...",
	Help:  "prepare a DR/TUN real server (ARP, VIPs on lo)",
	Usage: Usage,
	Options: []cli.Option{
		{Long: "dev", Arg: "IFACE", Kind: cli.Interface, Once: true, Check: sysctl.ValidIfName, Help: "interface whose ARP behaviour to set"},
		{Long: "all-interfaces", Help: "set the ARP behaviour on every non-loopback interface"},
		{Long: "remove", Help: "remove the VIPs; restore the sysctls when none is left"},
		{Long: "persist", Help: "also record the VIPs to prepare them at boot (with --remove: forget them)"},
		{Long: "boot", Help: "prepare the VIPs recorded by --persist (what the boot unit runs)"},
		{Long: "check", Help: "change nothing; report each item as ok or wrong"},
		{Long: "json", Help: "--check output as JSON"},
		{Long: "dry-run", Help: "print the equivalent sysctl and ip commands, change nothing"},
		cli.Help,
	},
	Operands: cli.Operands{Name: "virtual IP address", Kind: cli.Address, Many: true},
}

// Parse parses the arguments after "arp-prep".
func Parse(args []string) (Options, error) {
	var o Options
	seen := map[netip.Addr]bool{}
	r, err := Command.Parse(args, cli.Hooks{Operand: func(v string) error { return o.addVIP(v, seen) }})
	if r.Ended == "help" {
		return Options{Help: true}, nil
	}
	if err != nil {
		return o, err
	}
	devSet := r.Has("dev")
	o.Dev, o.AllInterfaces = r.Value("dev"), r.Has("all-interfaces")
	o.Persist, o.Boot, o.DryRun, o.JSON = r.Has("persist"), r.Has("boot"), r.Has("dry-run"), r.Has("json")
	switch mode, err := r.Either("remove", "check"); {
	case err != nil:
		return o, err
	case mode == "remove":
		o.Mode = ModeRemove
	case mode == "check":
		o.Mode = ModeCheck
	}
	if o.Boot {
		return o, o.checkBoot(devSet)
	}
	switch {
	case devSet && o.AllInterfaces:
		return o, errors.New("--dev and --all-interfaces do not go together")
	case o.Persist && o.Mode == ModeCheck:
		return o, errors.New("--check reports whether each VIP persists already; drop --persist")
	case o.Mode == ModeCheck && o.DryRun:
		return o, errors.New("--check changes nothing already; drop --dry-run")
	case o.JSON && o.Mode != ModeCheck:
		return o, errors.New("--json goes with --check")
	case len(o.VIPs) == 0:
		return o, errors.New("no VIP given")
	}
	return o, nil
}

// checkBoot validates --boot, which takes its VIPs and interfaces from the
// configuration file, so only --dry-run goes with it.
func (o *Options) checkBoot(devSet bool) error {
	var other string
	switch {
	case o.Mode == ModeRemove:
		other = "--remove"
	case o.Mode == ModeCheck:
		other = "--check"
	case o.Persist:
		other = "--persist"
	case o.JSON:
		other = "--json"
	case devSet:
		other = "--dev"
	case o.AllInterfaces:
		other = "--all-interfaces"
	case len(o.VIPs) > 0:
		return errors.New("--boot takes no VIP: it prepares those recorded by --persist")
	}
	if other != "" {
		return fmt.Errorf("--boot and %s do not go together", other)
	}
	o.Mode = ModeBoot
	return nil
}

func (o *Options) addVIP(s string, seen map[netip.Addr]bool) error {
	a, err := realserver.ParseVIP(s)
	if err != nil {
		return err
	}
	if !seen[a] {
		seen[a] = true
		o.VIPs = append(o.VIPs, a)
	}
	return nil
}

// HasIPv4 reports whether any VIP is IPv4, i.e. whether ARP matters at all.
func (o Options) HasIPv4() bool {
	for _, a := range o.VIPs {
		if a.Is4() {
			return true
		}
	}
	return false
}
