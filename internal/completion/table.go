package completion

import (
	"strings"

	"github.com/lvsgo/ipvsadm/internal/cli"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// Value says what, if anything, follows an option, and so what to offer
// after it.
type Value int

const (
	None        Value = iota // a flag
	Optional                 // -p [timeout]: takes the next word only if it is not an option
	Service                  // host[:port]
	Server                   // host[:port] of a real server
	Fwmark                   // a positive integer
	Number                   // any other number (weight, timeout, port, ...)
	Netmask                  // dotted quad or prefix length
	Scheduler                // one of Schedulers
	Engine                   // one of PersistenceEngines
	SchedFlags               // comma-separated SchedFlags
	TunnelType               // one of TunnelTypes
	DaemonState              // one of DaemonStates
	Interface                // a network interface name
	Address                  // an IP address
	Namespace                // a named network namespace (ip netns)
	Timeouts                 // --set: three operands, tcp tcpfin udp
	File                     // a file name
	Listed                   // one of the option's own Words (a subcommand's)
)

// Group is where an option belongs in ipvsadm's grammar and help.
type Group int

const (
	Commands      Group = iota // exactly one per invocation
	VirtualServer              // names the virtual service
	General                    // options of commands and list views
	Daemon                     // options of --start-daemon
	Extension                  // ours: not in ipvsadm 1.31
)

// Option is one ipvsadm option in both its spellings.
type Option struct {
	Long  string // without the leading "--"
	Short byte   // 0 if the option has no short form
	Value Value
	Arg   string // name of the value in help and man page; "" for flags
	Help  string // one short line, no trailing period
	Group Group
	Words []string // Listed: the words it takes
}

// Forms returns the spellings of o: "-s", "--scheduler".
func (o Option) Forms() []string {
	var f []string
	if o.Short != 0 {
		f = append(f, "-"+string(o.Short))
	}
	return append(f, "--"+o.Long)
}

// Options is ipvsadm 1.31's option table (popt's, in its order) followed
// by the options we add.
var Options = []Option{
	{Long: "add-service", Short: 'A', Help: "add a virtual service", Group: Commands},
	{Long: "edit-service", Short: 'E', Help: "edit a virtual service", Group: Commands},
	{Long: "delete-service", Short: 'D', Help: "delete a virtual service", Group: Commands},
	{Long: "clear", Short: 'C', Help: "clear the whole table", Group: Commands},
	{Long: "list", Short: 'L', Help: "list the table", Group: Commands},
	{Long: "list", Short: 'l', Help: "list the table", Group: Commands},
	{Long: "zero", Short: 'Z', Help: "zero the counters of one or all services", Group: Commands},
	{Long: "add-server", Short: 'a', Help: "add a real server", Group: Commands},
	{Long: "edit-server", Short: 'e', Help: "edit a real server", Group: Commands},
	{Long: "delete-server", Short: 'd', Help: "delete a real server", Group: Commands},
	{Long: "set", Value: Timeouts, Arg: "tcp tcpfin udp", Help: "set the tcp, tcpfin and udp timeouts", Group: Commands},
	{Long: "help", Short: 'h', Help: "print the help text", Group: Commands},
	{Long: "version", Short: 'v', Help: "print the version", Group: Commands},
	{Long: "restore", Short: 'R', Help: "restore rules from standard input", Group: Commands},
	{Long: "save", Short: 'S', Help: "save rules to standard output", Group: Commands},
	{Long: "start-daemon", Value: DaemonState, Arg: "state", Help: "start a connection sync daemon", Group: Commands},
	{Long: "stop-daemon", Value: DaemonState, Arg: "state", Help: "stop a connection sync daemon", Group: Commands},

	{Long: "tcp-service", Short: 't', Value: Service, Arg: "service-address", Help: "TCP virtual service host[:port]", Group: VirtualServer},
	{Long: "udp-service", Short: 'u', Value: Service, Arg: "service-address", Help: "UDP virtual service host[:port]", Group: VirtualServer},
	{Long: "sctp-service", Value: Service, Arg: "service-address", Help: "SCTP virtual service host[:port]", Group: VirtualServer},
	{Long: "fwmark-service", Short: 'f', Value: Fwmark, Arg: "fwmark", Help: "firewall-mark virtual service", Group: VirtualServer},

	{Long: "scheduler", Short: 's', Value: Scheduler, Arg: "scheduler", Help: "scheduling method", Group: General},
	{Long: "persistent", Short: 'p', Value: Optional, Arg: "timeout", Help: "persistent service, optional timeout in seconds", Group: General},
	{Long: "netmask", Short: 'M', Value: Netmask, Arg: "netmask", Help: "persistence granularity mask", Group: General},
	{Long: "real-server", Short: 'r', Value: Server, Arg: "server-address", Help: "real server host[:port]", Group: General},
	{Long: "masquerading", Short: 'm', Help: "forward by masquerading (NAT)", Group: General},
	{Long: "ipip", Short: 'i', Help: "forward by tunnelling", Group: General},
	{Long: "gatewaying", Short: 'g', Help: "forward by direct routing (default)", Group: General},
	{Long: "weight", Short: 'w', Value: Number, Arg: "weight", Help: "real server weight", Group: General},
	{Long: "u-threshold", Short: 'x', Value: Number, Arg: "uthreshold", Help: "upper connection threshold", Group: General},
	{Long: "l-threshold", Short: 'y', Value: Number, Arg: "lthreshold", Help: "lower connection threshold", Group: General},
	{Long: "numeric", Short: 'n', Help: "print addresses and ports as numbers", Group: General},
	{Long: "connection", Short: 'c', Help: "list connections", Group: General},
	{Long: "mcast-interface", Value: Interface, Arg: "interface", Help: "multicast interface of the sync daemon", Group: Daemon},
	{Long: "syncid", Value: Number, Arg: "syncid", Help: "sync daemon id", Group: Daemon},
	{Long: "timeout", Help: "list the tcp, tcpfin and udp timeouts", Group: General},
	{Long: "daemon", Help: "list the sync daemons", Group: General},
	{Long: "stats", Help: "list with statistics", Group: General},
	{Long: "rate", Help: "list with rates", Group: General},
	{Long: "thresholds", Help: "list with thresholds", Group: General},
	{Long: "persistent-conn", Help: "list with persistent connections", Group: General},
	{Long: "nosort", Help: "list in kernel order", Group: General},
	{Long: "sort", Help: "accepted and ignored", Group: General},
	{Long: "exact", Short: 'X', Help: "print exact numbers", Group: General},
	{Long: "ipv6", Short: '6', Help: "the fwmark service is IPv6", Group: General},
	{Long: "ops", Short: 'o', Help: "one-packet scheduling", Group: General},
	{Long: "pe", Value: Engine, Arg: "engine", Help: "persistence engine", Group: General},
	{Long: "sched-flags", Short: 'b', Value: SchedFlags, Arg: "flags", Help: "comma-separated scheduler flags", Group: General},
	{Long: "mcast-group", Value: Address, Arg: "address", Help: "multicast group of the sync daemon", Group: Daemon},
	{Long: "mcast-port", Value: Number, Arg: "port", Help: "UDP port of the sync daemon", Group: Daemon},
	{Long: "mcast-ttl", Value: Number, Arg: "ttl", Help: "multicast TTL of the sync daemon", Group: Daemon},
	{Long: "sync-maxlen", Value: Number, Arg: "length", Help: "maximum sync message length", Group: Daemon},
	{Long: "tun-info", Help: "list with tunnel information", Group: General},
	{Long: "tun-type", Value: TunnelType, Arg: "type", Help: "tunnel type of a tunnelled real server", Group: General},
	{Long: "tun-port", Value: Number, Arg: "port", Help: "tunnel destination port", Group: General},
	{Long: "tun-nocsum", Help: "tunnel without checksum", Group: General},
	{Long: "tun-csum", Help: "tunnel with checksum", Group: General},
	{Long: "tun-remcsum", Help: "tunnel with remote checksum offload", Group: General},

	{Long: "json", Help: "list as JSON", Group: Extension},
	{Long: "netns", Value: Namespace, Arg: "name", Help: "act in the named network namespace", Group: Extension},
	{Long: "test", Help: "with -R: check the rules without applying them", Group: Extension},
}

// Subcommand is one of the words we accept in place of ipvsadm's options,
// as completion sees its descriptor (cli.Command).
type Subcommand struct {
	Name     string
	Help     string   // one short line
	Options  []Option // its own options, and -L's service options if it takes one
	Operands cli.Operands
}

// subcommands are the descriptors the program passes in, as completion
// tables.
func subcommands(cmds []cli.Command) []Subcommand {
	var subs []Subcommand
	for _, c := range cmds {
		s := Subcommand{Name: c.Word, Help: c.Help, Operands: c.Operands}
		for _, o := range c.Options {
			s.Options = append(s.Options, Option{Long: o.Long, Short: o.Short, Value: valueOf(o), Arg: strings.ToLower(o.Arg),
				Help: o.Help, Words: o.Words})
		}
		if c.Service {
			s.Options = append(s.Options, serviceOptions...)
		}
		subs = append(subs, s)
	}
	return subs
}

// valueOf is what completion offers for an option's value.
func valueOf(o cli.Option) Value {
	if o.Arg == "" {
		return None
	}
	switch o.Kind {
	case cli.Number:
		return Number
	case cli.Interface:
		return Interface
	case cli.Address:
		return Address
	case cli.File:
		return File
	case cli.Words:
		return Listed
	}
	return Number // any other word: nothing to offer
}

// serviceOptions are -L's options that name one service, as the
// subcommands that act on one take them.
var serviceOptions = []Option{
	{Long: "tcp-service", Short: 't', Value: Service, Arg: "service-address", Help: "this TCP virtual service only"},
	{Long: "udp-service", Short: 'u', Value: Service, Arg: "service-address", Help: "this UDP virtual service only"},
	{Long: "sctp-service", Value: Service, Arg: "service-address", Help: "this SCTP virtual service only"},
	{Long: "fwmark-service", Short: 'f', Value: Fwmark, Arg: "fwmark", Help: "this firewall-mark service only"},
	{Long: "ipv6", Short: '6', Help: "the fwmark service is IPv6"},
}

// Value lists.
var (
	Schedulers         = []string{"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh"}
	PersistenceEngines = []string{"sip"}
	TunnelTypes        = []string{ipvs.TunIPIP.String(), ipvs.TunGUE.String(), ipvs.TunGRE.String()}
	DaemonStates       = []string{ipvs.StateMaster.String(), ipvs.StateBackup.String()}
	SchedFlagNames     = schedFlagNames()
	Shells             = []string{"bash", "zsh"}
)

// schedFlagNames is every name -b takes, as the ipvs package lists them.
func schedFlagNames() []string {
	var out []string
	for _, f := range ipvs.SchedFlags {
		out = append(out, f.Name)
	}
	return out
}
