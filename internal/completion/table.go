package completion

import (
	"github.com/lvsgo/ipvsadm/internal/boot"
	"github.com/lvsgo/ipvsadm/internal/top"
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
	SortKey                  // one of top's SortKeys
)

// Group is where an option belongs in ipvsadm's grammar and help.
type Group int

const (
	Command       Group = iota // exactly one per invocation
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
	{Long: "add-service", Short: 'A', Help: "add a virtual service", Group: Command},
	{Long: "edit-service", Short: 'E', Help: "edit a virtual service", Group: Command},
	{Long: "delete-service", Short: 'D', Help: "delete a virtual service", Group: Command},
	{Long: "clear", Short: 'C', Help: "clear the whole table", Group: Command},
	{Long: "list", Short: 'L', Help: "list the table", Group: Command},
	{Long: "list", Short: 'l', Help: "list the table", Group: Command},
	{Long: "zero", Short: 'Z', Help: "zero the counters of one or all services", Group: Command},
	{Long: "add-server", Short: 'a', Help: "add a real server", Group: Command},
	{Long: "edit-server", Short: 'e', Help: "edit a real server", Group: Command},
	{Long: "delete-server", Short: 'd', Help: "delete a real server", Group: Command},
	{Long: "set", Value: Timeouts, Arg: "tcp tcpfin udp", Help: "set the tcp, tcpfin and udp timeouts", Group: Command},
	{Long: "help", Short: 'h', Help: "print the help text", Group: Command},
	{Long: "version", Short: 'v', Help: "print the version", Group: Command},
	{Long: "restore", Short: 'R', Help: "restore rules from standard input", Group: Command},
	{Long: "save", Short: 'S', Help: "save rules to standard output", Group: Command},
	{Long: "start-daemon", Value: DaemonState, Arg: "state", Help: "start a connection sync daemon", Group: Command},
	{Long: "stop-daemon", Value: DaemonState, Arg: "state", Help: "stop a connection sync daemon", Group: Command},

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

// Subcommand is one of the words we accept in place of ipvsadm's options.
type Subcommand struct {
	Name    string
	Args    string   // synopsis of the operands
	Help    string   // one short line
	Options []Option // its own options
	Values  []string // fixed operand words, if any
	Files   bool     // the operand is a file name
	Words   bool     // the operand is a subcommand word (help's)
}

// Subcommands are ours, not ipvsadm 1.31's.
var Subcommands = []Subcommand{
	{
		Name: "arp-prep",
		Args: "vip...",
		Help: "prepare a direct-routing real server",
		Options: []Option{
			{Long: "dev", Value: Interface, Arg: "interface", Help: "interface whose ARP behaviour to set"},
			{Long: "all-interfaces", Help: "set the ARP behaviour on every non-loopback interface"},
			{Long: "remove", Help: "remove the VIPs; restore the sysctls when none is left"},
			{Long: "persist", Help: "also record the VIPs to prepare them at boot (with --remove: forget them)"},
			{Long: "boot", Help: "prepare the VIPs recorded by --persist (what the boot unit runs)"},
			{Long: "check", Help: "change nothing; report each item as ok or wrong"},
			{Long: "json", Help: "--check output as JSON"},
			{Long: "dry-run", Help: "print the equivalent sysctl and ip commands, change nothing"},
			{Long: "help", Short: 'h', Help: "print the usage"},
		},
	},
	{
		Name:  "apply",
		Args:  "file|-",
		Help:  "bring the table to the rules of a file without flushing it",
		Files: true,
		Options: []Option{
			{Long: "dry-run", Help: "print the changes without making them"},
		},
	},
	{
		Name:   "completion",
		Args:   "bash|zsh",
		Help:   "print a shell completion script",
		Values: Shells,
	},
	{
		Name:   "boot",
		Args:   "command",
		Help:   "start or stop the table and sync daemons as the distribution's service",
		Values: boot.Commands,
		Options: []Option{
			{Long: "debian", Help: "settings of Debian's ipvsadm package"},
			{Long: "rhel", Help: "settings of RHEL's ipvsadm package"},
			{Long: "config", Value: File, Arg: "file", Help: "another settings file"},
			{Long: "rules", Value: File, Arg: "file", Help: "another rules file"},
			{Long: "help", Short: 'h', Help: "print the usage"},
		},
	},
	{
		Name: "doctor",
		Args: "[service] | --real-server vip...",
		Help: "say why an LVS setup does not work, with evidence and the fix",
		Options: withService("check",
			Option{Long: "probe", Help: "also probe: ARP for DR VIPs, TCP connect to real servers"},
			Option{Long: "json", Help: "the findings as one line of JSON"},
		).and(
			Option{Long: "real-server", Help: "check this host as a real server of the VIPs"},
			Option{Long: "director", Value: Address, Arg: "address", Help: "a NAT real server behind this director"},
			Option{Long: "tunnel", Value: TunnelType, Arg: "type", Help: "a real server that receives tunnelled packets"},
			Option{Long: "help", Short: 'h', Help: "print the usage"},
		),
	},
	{
		Name: "top",
		Args: "[service]",
		Help: "a live view of the traffic per service and real server",
		Options: withService("show",
			Option{Long: "numeric", Short: 'n', Help: "addresses and ports as numbers"},
			Option{Long: "interval", Value: Number, Arg: "seconds", Help: "time between refreshes (default 2)"},
			Option{Long: "sort", Value: SortKey, Arg: "key", Help: "sort by this column, largest first"},
			Option{Long: "batch", Value: Number, Arg: "frames", Help: "print this many plain-text frames and exit"},
			Option{Long: "json", Help: "frames as JSON lines"},
		).and(
			Option{Long: "help", Short: 'h', Help: "print the usage"},
		),
	},
	{
		Name:  "help",
		Args:  "[word]",
		Help:  "list what this ipvsadm adds to ipvsadm 1.31, or describe one",
		Words: true,
	},
	{
		Name: "version",
		Help: "print the versions of this ipvsadm, Go and the kernel's IPVS",
		Options: []Option{
			{Long: "json", Help: "as one line of JSON"},
		},
	},
}

// options is a list of options being built.
type options []Option

func (o options) and(more ...Option) []Option { return append(o, more...) }

// withService is opts, then -L's options that name one service, as the
// subcommands that act on one take them (verb: what they do to it).
func withService(verb string, opts ...Option) options {
	return append(opts, []Option{
		{Long: "tcp-service", Short: 't', Value: Service, Arg: "service-address", Help: verb + " this TCP virtual service only"},
		{Long: "udp-service", Short: 'u', Value: Service, Arg: "service-address", Help: verb + " this UDP virtual service only"},
		{Long: "sctp-service", Value: Service, Arg: "service-address", Help: verb + " this SCTP virtual service only"},
		{Long: "fwmark-service", Short: 'f', Value: Fwmark, Arg: "fwmark", Help: verb + " this firewall-mark service only"},
		{Long: "ipv6", Short: '6', Help: "the fwmark service is IPv6"},
	}...)
}

// Value lists.
var (
	Schedulers         = []string{"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh"}
	PersistenceEngines = []string{"sip"}
	TunnelTypes        = []string{ipvs.TunIPIP.String(), ipvs.TunGUE.String(), ipvs.TunGRE.String()}
	DaemonStates       = []string{ipvs.StateMaster.String(), ipvs.StateBackup.String()}
	SchedFlagNames     = schedFlagNames()
	Shells             = []string{"bash", "zsh"}
	TopSortKeys        = top.SortKeys()
)

// schedFlagNames is every name -b takes, as the ipvs package lists them.
func schedFlagNames() []string {
	var out []string
	for _, f := range ipvs.SchedFlags {
		out = append(out, f.Name)
	}
	return out
}
