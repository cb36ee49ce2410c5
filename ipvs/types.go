package ipvs

import (
	"net/netip"
	"strconv"
)

// Family is an address family, as the kernel numbers it.
type Family uint16

const (
	AFInet  Family = 2  // AF_INET
	AFInet6 Family = 10 // AF_INET6
)

// String is "inet" or "inet6" (ip(8)'s words), else the number.
func (f Family) String() string {
	switch f {
	case AFInet:
		return "inet"
	case AFInet6:
		return "inet6"
	}
	return strconv.Itoa(int(f))
}

// Protocol is an IP protocol number a virtual service matches.
type Protocol uint16

const (
	TCP  Protocol = 6
	UDP  Protocol = 17
	SCTP Protocol = 132
)

var protocolNames = [...]struct {
	p          Protocol
	name, word string // ipvsadm's column; services(5)'s protocol
}{{TCP, "TCP", "tcp"}, {UDP, "UDP", "udp"}, {SCTP, "SCTP", "sctp"}}

// String is the name ipvsadm's lists print ("TCP"), or "?".
func (p Protocol) String() string {
	for _, n := range protocolNames {
		if n.p == p {
			return n.name
		}
	}
	return "?"
}

// Word is the protocol's name in services(5) ("tcp"), or "".
func (p Protocol) Word() string {
	for _, n := range protocolNames {
		if n.p == p {
			return n.word
		}
	}
	return ""
}

// ParseProtocol reads a services(5) protocol word ("tcp", "udp", "sctp").
func ParseProtocol(s string) (Protocol, bool) {
	for _, n := range protocolNames {
		if n.word == s {
			return n.p, true
		}
	}
	return 0, false
}

// Service flags (IP_VS_SVC_F_*).
const (
	SvcPersistent uint32 = 0x0001
	SvcHashed     uint32 = 0x0002
	SvcOnePacket  uint32 = 0x0004
	SvcSchedFlag1 uint32 = 0x0008 // sh-fallback / mh-fallback
	SvcSchedFlag2 uint32 = 0x0010 // sh-port / mh-port
	SvcSchedFlag3 uint32 = 0x0020
)

// ForwardMethod is how a real server is reached: the IP_VS_CONN_F_FWD_MASK
// part of a destination's connection flags.
type ForwardMethod uint32

const (
	FwdMasq   ForwardMethod = 0 // -m
	FwdLocal  ForwardMethod = 1
	FwdTunnel ForwardMethod = 2 // -i
	FwdDirect ForwardMethod = 3 // -g
	FwdBypass ForwardMethod = 4
	FwdMask   uint32        = 7
)

var forwardNames = [...]struct {
	name, option string // ipvsadm's Forward column; the rule's switch
}{
	FwdMasq:   {"Masq", "-m"},
	FwdLocal:  {"Local", "-g"},
	FwdTunnel: {"Tunnel", "-i"},
	FwdDirect: {"Route", "-g"},
}

// Known reports whether ipvsadm has a name for the method.
func (m ForwardMethod) Known() bool { return int(m) < len(forwardNames) }

// String is ipvsadm's Forward column ("Masq", "Route", ...); methods it
// has no name for print as C prints its NULL, "(null)".
func (m ForwardMethod) String() string {
	if !m.Known() {
		return "(null)"
	}
	return forwardNames[m].name
}

// Option is the ipvsadm switch that sets the method ("-m", "-i", "-g");
// a local destination is saved as -g, as ipvsadm saves it.
func (m ForwardMethod) Option() string {
	if !m.Known() {
		return "(null)"
	}
	return forwardNames[m].option
}

// TunnelType is the encapsulation of an -i destination
// (IP_VS_CONN_F_TUNNEL_TYPE_*).
type TunnelType uint8

const (
	TunIPIP TunnelType = 0
	TunGUE  TunnelType = 1
	TunGRE  TunnelType = 2
)

var tunnelNames = [...]string{TunIPIP: "ipip", TunGUE: "gue", TunGRE: "gre"}

// Known reports whether t is one of the types above.
func (t TunnelType) Known() bool { return int(t) < len(tunnelNames) }

// String is the --tun-type word ("ipip", "gue", "gre"), else the number.
func (t TunnelType) String() string {
	if !t.Known() {
		return strconv.Itoa(int(t))
	}
	return tunnelNames[t]
}

// ParseTunnelType reads a --tun-type word.
func ParseTunnelType(s string) (TunnelType, bool) {
	for i, n := range tunnelNames {
		if n == s {
			return TunnelType(i), true
		}
	}
	return 0, false
}

// TunnelChecksum is the checksum mode of a GUE or GRE tunnel
// (IP_VS_TUNNEL_ENCAP_FLAG_*).
type TunnelChecksum uint16

const (
	TunFlagNoCsum  TunnelChecksum = 0
	TunFlagCsum    TunnelChecksum = 1 << 0
	TunFlagRemCsum TunnelChecksum = 1 << 1
)

var checksumNames = [...]struct {
	name, short, option string // JSON word; TunnelInfo column; rule option
}{
	TunFlagNoCsum:  {"nocsum", "-c", "--tun-nocsum"},
	TunFlagCsum:    {"csum", "+c", "--tun-csum"},
	TunFlagRemCsum: {"remcsum", "r+c", "--tun-remcsum"},
}

// Known reports whether c is one mode of the three (not a mix).
func (c TunnelChecksum) Known() bool { return int(c) < len(checksumNames) }

// String is the mode's word ("nocsum", "csum", "remcsum"), "" for others.
func (c TunnelChecksum) String() string {
	if !c.Known() {
		return ""
	}
	return checksumNames[c].name
}

// Short is ipvsadm's TunnelInfo spelling ("-c", "+c", "r+c"), "" for others.
func (c TunnelChecksum) Short() string {
	if !c.Known() {
		return ""
	}
	return checksumNames[c].short
}

// Option is the switch that sets the mode ("--tun-csum"), "" for others.
func (c TunnelChecksum) Option() string {
	if !c.Known() {
		return ""
	}
	return checksumNames[c].option
}

// DaemonState is a sync daemon's role (IP_VS_STATE_* bits).
type DaemonState uint32

const (
	StateNone   DaemonState = 0
	StateMaster DaemonState = 1
	StateBackup DaemonState = 2
)

// Role is the one role ipvsadm shows for the bits: master wins.
func (s DaemonState) Role() DaemonState {
	switch {
	case s&StateMaster != 0:
		return StateMaster
	case s&StateBackup != 0:
		return StateBackup
	}
	return StateNone
}

// String is "master" or "backup" (the role), "" for none.
func (s DaemonState) String() string {
	switch s.Role() {
	case StateMaster:
		return "master"
	case StateBackup:
		return "backup"
	}
	return ""
}

// ParseDaemonState reads "master" or "backup".
func ParseDaemonState(s string) (DaemonState, bool) {
	for _, st := range [...]DaemonState{StateMaster, StateBackup} {
		if st.String() == s {
			return st, true
		}
	}
	return StateNone, false
}

// Stats are a service's or destination's counters and rate estimates.
// The kernel's 64-bit attribute set is used when present.
type Stats struct {
	Conns    uint64 // connections scheduled
	InPkts   uint64
	OutPkts  uint64
	InBytes  uint64
	OutBytes uint64
	CPS      uint64 // current connection rate
	InPPS    uint64
	OutPPS   uint64
	InBPS    uint64
	OutBPS   uint64
}

// Service is a virtual service. A service is keyed either by
// (Family, Protocol, Address, Port) or, when FWMark is non-zero, by
// (Family, FWMark).
type Service struct {
	Family    Family
	Protocol  Protocol
	Address   netip.Addr
	Port      uint16
	FWMark    uint32
	Scheduler string
	Flags     uint32 // Svc* flags
	Timeout   uint32 // persistence timeout, seconds
	// Netmask is the persistence netmask (HostMask4 or HostMask6 by
	// default).
	Netmask Netmask
	PEName  string // persistence engine, e.g. "sip"
	Stats   Stats
}

// Destination is a real server of a service.
type Destination struct {
	Family         Family // 0 means same as the service
	Address        netip.Addr
	Port           uint16
	ConnFlags      uint32 // forwarding method (Fwd*) and other IP_VS_CONN_F_* bits
	Weight         int32
	UpperThreshold uint32
	LowerThreshold uint32
	ActiveConns    uint32
	InactConns     uint32
	PersistConns   uint32
	TunType        TunnelType
	TunPort        uint16 // host order
	TunFlags       TunnelChecksum
	Stats          Stats
}

// FwdMethod is the forwarding method part of ConnFlags.
func (d *Destination) FwdMethod() ForwardMethod { return ForwardMethod(d.ConnFlags & FwdMask) }

// Info is what GET_INFO reports.
type Info struct {
	Version     Version
	ConnTabSize uint32
}

// Timeouts are the connection timeouts in seconds; zero means "leave as is"
// when setting.
type Timeouts struct {
	TCP    uint32
	TCPFin uint32
	UDP    uint32
}

// Daemon is a connection synchronization daemon.
type Daemon struct {
	State      DaemonState
	McastIfn   string
	SyncID     uint32
	SyncMaxLen uint16
	McastGroup netip.Addr // zero value: not set
	McastPort  uint16
	McastTTL   uint8
}
