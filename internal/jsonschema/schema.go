package jsonschema

// Table is -L [--stats|--rate|...] [-t VIP]: the services and their
// real servers.
type Table struct {
	Version       string    `json:"version"` // IPVS version, "1.2.1"
	ConnTableSize uint32    `json:"conn_table_size"`
	Services      []Service `json:"services"`
}

// Service is one virtual service of a Table, with its real servers.
type Service struct {
	Family   string `json:"family"`             // "inet" or "inet6"
	Protocol string `json:"protocol,omitempty"` // TCP, UDP, SCTP; none for fwmark services
	Address  string `json:"address,omitempty"`  // numeric; none for fwmark services
	Host     string `json:"host,omitempty"`
	Port     *int   `json:"port,omitempty"` // none for fwmark services
	PortName string `json:"port_name,omitempty"`
	FWMark   uint32 `json:"fwmark,omitempty"`

	Scheduler  string   `json:"scheduler"`
	SchedFlags []string `json:"sched_flags"`
	Flags      uint32   `json:"flags"` // raw IP_VS_SVC_F_* bits
	Persistent bool     `json:"persistent"`
	// Timeout is the persistence timeout in seconds (0 when not persistent).
	Timeout      uint32 `json:"persistent_timeout"`
	Netmask      string `json:"netmask,omitempty"` // IPv4 persistence mask
	PrefixLength int    `json:"prefix_length"`     // the mask as a prefix length
	OnePacket    bool   `json:"one_packet"`
	PE           string `json:"pe,omitempty"`

	Stats        Stats  `json:"stats"`
	Rate         Rate   `json:"rate"`
	Destinations []Dest `json:"destinations"`
}

// Dest is one real server of a Service.
type Dest struct {
	Family   string `json:"family"`
	Address  string `json:"address"`
	Host     string `json:"host,omitempty"`
	Port     int    `json:"port"`
	PortName string `json:"port_name,omitempty"`
	// Forward is the table's Forward column: Masq, Route, Tunnel, Local.
	Forward         string  `json:"forward"`
	Weight          int32   `json:"weight"`
	UpperThreshold  uint32  `json:"upper_threshold"`
	LowerThreshold  uint32  `json:"lower_threshold"`
	ActiveConns     uint32  `json:"active_conns"`
	InactiveConns   uint32  `json:"inactive_conns"`
	PersistentConns uint32  `json:"persistent_conns"`
	Tunnel          *Tunnel `json:"tunnel,omitempty"` // Tunnel destinations only
	Stats           Stats   `json:"stats"`
	Rate            Rate    `json:"rate"`
}

// Tunnel is a tunnelled real server's encapsulation.
type Tunnel struct {
	Type string `json:"type"`           // ipip, gue, gre
	Port uint16 `json:"port,omitempty"` // gue
	// Csum is the checksum mode of gue and gre: nocsum, csum, remcsum.
	Csum string `json:"csum,omitempty"`
}

// Stats are 64-bit counters since the service or server was added (or zeroed).
type Stats struct {
	Conns      uint64 `json:"conns"`
	InPackets  uint64 `json:"in_packets"`
	OutPackets uint64 `json:"out_packets"`
	InBytes    uint64 `json:"in_bytes"`
	OutBytes   uint64 `json:"out_bytes"`
}

// Rate is the kernel's 2-second estimate of the counters' rates, per second.
type Rate struct {
	CPS    uint64 `json:"cps"`
	InPPS  uint64 `json:"in_pps"`
	OutPPS uint64 `json:"out_pps"`
	InBPS  uint64 `json:"in_bps"`
	OutBPS uint64 `json:"out_bps"`
}

// TimeoutsDoc is -L --timeout.
type TimeoutsDoc struct {
	Timeouts Timeouts `json:"timeouts"`
}

// Timeouts are the connection timeouts in seconds.
type Timeouts struct {
	TCP    uint32 `json:"tcp"`
	TCPFin uint32 `json:"tcp_fin"`
	UDP    uint32 `json:"udp"`
}

// Daemons is -L --daemon.
type Daemons struct {
	Daemons []Daemon `json:"daemons"`
}

// Daemon is one connection sync daemon.
type Daemon struct {
	State          string `json:"state"` // master, backup
	McastInterface string `json:"mcast_interface"`
	SyncID         uint32 `json:"syncid"`
	SyncMaxLen     uint16 `json:"sync_maxlen,omitempty"`
	McastGroup     string `json:"mcast_group,omitempty"`
	McastPort      uint16 `json:"mcast_port,omitempty"`
	McastTTL       uint8  `json:"mcast_ttl,omitempty"`
}

// Conns is -L -c.
type Conns struct {
	Connections []Conn `json:"connections"`
}

// Conn is one entry of the connection table.
type Conn struct {
	Protocol    string   `json:"protocol"`
	Client      Endpoint `json:"client"`
	Virtual     Endpoint `json:"virtual"`
	Destination Endpoint `json:"destination"`
	State       string   `json:"state"`
	Expires     uint32   `json:"expires"` // seconds
	PE          string   `json:"pe,omitempty"`
	PEData      string   `json:"pe_data,omitempty"`
}

// Endpoint is one end of a connection.
type Endpoint struct {
	Family   string `json:"family"`
	Address  string `json:"address"`
	Host     string `json:"host,omitempty"`
	Port     int    `json:"port"`
	PortName string `json:"port_name,omitempty"`
}

// Doc is any --json document, for reading one: only the fields of its
// view are set (ConnTableSize and Timeouts are pointers, so that a
// reader tells absent from zero).
type Doc struct {
	Version       string    `json:"version"`
	ConnTableSize *uint32   `json:"conn_table_size"`
	Services      []Service `json:"services"`
	Timeouts      *Timeouts `json:"timeouts"`
	Daemons       []Daemon  `json:"daemons"`
	Connections   []Conn    `json:"connections"`
}
