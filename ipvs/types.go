package ipvs

import "net/netip"

// Address families, as the kernel sees them.
const (
	AFInet  uint16 = 2  // AF_INET
	AFInet6 uint16 = 10 // AF_INET6
)

// Protocol is an IP protocol number a virtual service matches.
type Protocol uint16

const (
	TCP  Protocol = 6
	UDP  Protocol = 17
	SCTP Protocol = 132
)

// Service flags (IP_VS_SVC_F_*).
const (
	SvcPersistent uint32 = 0x0001
	SvcHashed     uint32 = 0x0002
	SvcOnePacket  uint32 = 0x0004
	SvcSchedFlag1 uint32 = 0x0008 // sh-fallback / mh-fallback
	SvcSchedFlag2 uint32 = 0x0010 // sh-port / mh-port
	SvcSchedFlag3 uint32 = 0x0020
)

// Forwarding methods (IP_VS_CONN_F_FWD_MASK values of a destination).
const (
	FwdMasq   uint32 = 0 // -m
	FwdLocal  uint32 = 1
	FwdTunnel uint32 = 2 // -i
	FwdDirect uint32 = 3 // -g
	FwdBypass uint32 = 4
	FwdMask   uint32 = 7
)

// Tunnel types of an -i destination (IP_VS_CONN_F_TUNNEL_TYPE_*).
const (
	TunIPIP uint8 = 0
	TunGUE  uint8 = 1
	TunGRE  uint8 = 2
)

// Tunnel flags (IP_VS_TUNNEL_ENCAP_FLAG_*).
const (
	TunFlagNoCsum  uint16 = 0
	TunFlagCsum    uint16 = 1 << 0
	TunFlagRemCsum uint16 = 1 << 1
)

// Sync daemon states (IP_VS_STATE_*).
const (
	StateNone   uint32 = 0
	StateMaster uint32 = 1
	StateBackup uint32 = 2
)

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
	Family    uint16
	Protocol  Protocol
	Address   netip.Addr
	Port      uint16
	FWMark    uint32
	Scheduler string
	Flags     uint32 // Svc* flags
	Timeout   uint32 // persistence timeout, seconds
	// Netmask is the persistence netmask. IPv4: the mask with its first
	// octet in the high byte (255.255.255.0 is 0xffffff00; ipvsadm's
	// default is 0xffffffff). IPv6: the prefix length (default 128).
	Netmask uint32
	PEName  string // persistence engine, e.g. "sip"
	Stats   Stats
}

// Destination is a real server of a service.
type Destination struct {
	Family         uint16 // 0 means same as the service
	Address        netip.Addr
	Port           uint16
	ConnFlags      uint32 // forwarding method (Fwd*) and other IP_VS_CONN_F_* bits
	Weight         int32
	UpperThreshold uint32
	LowerThreshold uint32
	ActiveConns    uint32
	InactConns     uint32
	PersistConns   uint32
	TunType        uint8
	TunPort        uint16 // host order
	TunFlags       uint16
	Stats          Stats
}

// FwdMethod is the forwarding method part of ConnFlags.
func (d *Destination) FwdMethod() uint32 { return d.ConnFlags & FwdMask }

// Info is what GET_INFO reports.
type Info struct {
	Version     uint32 // (major<<16)|(minor<<8)|patch
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
	State      uint32 // StateMaster or StateBackup
	McastIfn   string
	SyncID     uint32
	SyncMaxLen uint16
	McastGroup netip.Addr // zero value: not set
	McastPort  uint16
	McastTTL   uint8
}
