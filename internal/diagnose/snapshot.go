package diagnose

import (
	"net/netip"

	"github.com/lvsgo/ipvsadm/internal/kmod"
	"github.com/lvsgo/ipvsadm/internal/realserver"
	"github.com/lvsgo/ipvsadm/internal/table"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// Snapshot is everything the director checks look at, read once. Tests
// build it by hand; gather reads it from a System.
type Snapshot struct {
	Services []Service
	Daemons  []ipvs.Daemon
	Conns    []Conn
	// Timeouts are the kernel's --set timeouts, by which the age of an
	// ESTABLISHED or FIN_WAIT connection is known.
	Timeouts ipvs.Timeouts
	// Routes is the kernel's route to each VIP and real server (ip route
	// get), by destination.
	Routes map[netip.Addr]Route
	// Sysctls holds the values read, by key in sysctl(8) notation; a
	// missing key is a parameter that does not exist.
	Sysctls map[string]string
	// Neighbours is the neighbour table, read after the probes.
	Neighbours []Neighbour
	// Modules is the state of the scheduler and persistence engine
	// modules, by module name (ip_vs_rr).
	Modules map[string]ModState
	// Probes is nil without --probe.
	Probes *Probes
	// ConnTable is the connection table's state; nil when unknown.
	ConnTable *ConnTable

	// The connections and neighbours by address, for tables of many
	// thousand real servers; Director builds them (index).
	conns map[netip.Addr][]Conn
	neigh map[netip.Addr][]Neighbour
}

// index builds the lookups by address from Conns and Neighbours.
func (s *Snapshot) index() {
	s.conns = map[netip.Addr][]Conn{}
	for _, c := range s.Conns {
		a := c.Dest.Addr()
		s.conns[a] = append(s.conns[a], c)
	}
	s.neigh = map[netip.Addr][]Neighbour{}
	for _, n := range s.Neighbours {
		s.neigh[n.Addr] = append(s.neigh[n.Addr], n)
	}
}

// connsTo is the connections to a real server address.
func (s *Snapshot) connsTo(a netip.Addr) []Conn {
	if s.conns == nil {
		s.index()
	}
	return s.conns[a]
}

// neighboursOf is the neighbour entries of an address.
func (s *Snapshot) neighboursOf(a netip.Addr) []Neighbour {
	if s.neigh == nil {
		s.index()
	}
	return s.neigh[a]
}

// Service is a virtual service and its real servers.
type Service = table.ServiceDests

// Conn is one entry of /proc/net/ip_vs_conn.
type Conn struct {
	Protocol ipvs.Protocol
	Client   netip.AddrPort
	Virtual  netip.AddrPort
	Dest     netip.AddrPort
	State    string // SYN_RECV, ESTABLISHED, ...
	Expires  uint32 // seconds until the entry expires
}

// RouteType is the kind of route the kernel found (rtm_type).
type RouteType int

// The route types doctor tells apart.
const (
	RouteUnicast RouteType = iota
	RouteLocal
	RouteNone // unreachable, blackhole, prohibit, or no route at all
)

var routeTypeNames = [...]string{RouteUnicast: "unicast", RouteLocal: "local", RouteNone: "none"}

// String is the type's word, as ip(8) prints it ("local").
func (t RouteType) String() string {
	if t < 0 || int(t) >= len(routeTypeNames) {
		return "?"
	}
	return routeTypeNames[t]
}

// Route is the answer to `ip route get DST`.
type Route struct {
	Type    RouteType
	Dev     string
	Gateway netip.Addr // zero: directly connected
	Src     netip.Addr // the address this host sends from on it
	Err     string     // why there is none (RouteNone), for the evidence
}

// NeighState is a neighbour entry's state, in ip(8)'s words.
type NeighState string

// The neighbour states doctor judges by.
const (
	NeighFailed     NeighState = "FAILED"
	NeighIncomplete NeighState = "INCOMPLETE"
)

// Neighbour is one entry of the neighbour (ARP/ND) table.
type Neighbour struct {
	Addr  netip.Addr
	MAC   string // lower case, colon separated; empty when unresolved
	Dev   string
	State NeighState
}

// ModState is whether a kernel module is there (kmod's State).
type ModState = kmod.State

// Module states, as kmod names them.
const (
	ModUnknown  = kmod.Unknown
	ModLoaded   = kmod.Loaded
	ModBuiltin  = kmod.Builtin
	ModLoadable = kmod.Loadable
	ModMissing  = kmod.Missing
)

// Probes are the results of --probe.
type Probes struct {
	// TCP is the outcome of a connect to each real server, by address.
	TCP map[netip.AddrPort]TCPResult
	// ARP is, per VIP, who answered an ARP request for it on each
	// interface toward its DR real servers.
	ARP map[ARPKey]ARPResult
}

// TCPOutcome is how a TCP connect ended.
type TCPOutcome int

// Connect outcomes.
const (
	TCPOpen    TCPOutcome = iota // the handshake completed
	TCPRefused                   // a reset: nothing listens
	TCPTimeout                   // no answer in time
	TCPError                     // the connect failed otherwise (no route, ...)
	TCPSkipped                   // the time budget ran out first
)

// TCPResult is one connect probe.
type TCPResult struct {
	Outcome TCPOutcome
	Err     string // TCPError's reason
}

// ARPKey is one ARP probe: a VIP asked for out of one interface.
type ARPKey struct {
	VIP netip.Addr
	Dev string
}

// ARPResult is what one ARP probe saw.
type ARPResult struct {
	OwnMAC  string   // the MAC of Dev, this director's
	Replies []string // distinct sender MACs that claimed the VIP, in order of arrival
	Err     string   // the probe could not be sent
}

// RSSnapshot is everything the real-server checks look at.
type RSSnapshot struct {
	// ARP is arp-prep's view: the ARP sysctls of all and DefaultDev, and
	// every address.
	ARP realserver.View
	// DefaultDev and DefaultGateways are the IPv4 default route's
	// interface and gateways (several for multipath); DefaultDev is
	// empty without one.
	DefaultDev      string
	DefaultGateways []netip.Addr
	// Sysctls holds rp_filter of all and of every link.
	Sysctls map[string]string
	Links   []Link
	// Listeners are the TCP sockets in LISTEN state.
	Listeners []netip.AddrPort
	// ToDirector is the route toward --director; zero without it.
	ToDirector Route
	Modules    map[string]ModState
}

// Link is one network interface.
type Link struct {
	Name string
	Kind string // rtnetlink's kind: "ipip", "gre", "veth", ... ; "" for plain devices
	Up   bool
}
