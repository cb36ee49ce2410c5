package ipvs

// Generic netlink names and numbers of the kernel's IPVS interface
// (include/uapi/linux/ip_vs.h).

const (
	genlName    = "IPVS"
	genlVersion = 1
)

// Commands (IPVS_CMD_*).
const (
	cmdNewService = 1
	cmdSetService = 2
	cmdDelService = 3
	cmdGetService = 4
	cmdNewDest    = 5
	cmdSetDest    = 6
	cmdDelDest    = 7
	cmdGetDest    = 8
	cmdNewDaemon  = 9
	cmdDelDaemon  = 10
	cmdGetDaemon  = 11
	cmdSetConfig  = 12 // ipvsadm calls it IPVS_CMD_SET_TIMEOUT
	cmdGetConfig  = 13 // ipvsadm calls it IPVS_CMD_GET_TIMEOUT
	cmdSetInfo    = 14
	cmdGetInfo    = 15
	cmdZero       = 16
	cmdFlush      = 17
)

// cmdNames are the Op names in *Error, the kernel's names without IPVS_CMD_.
var cmdNames = [...]string{
	cmdNewService: "NEW_SERVICE",
	cmdSetService: "SET_SERVICE",
	cmdDelService: "DEL_SERVICE",
	cmdGetService: "GET_SERVICE",
	cmdNewDest:    "NEW_DEST",
	cmdSetDest:    "SET_DEST",
	cmdDelDest:    "DEL_DEST",
	cmdGetDest:    "GET_DEST",
	cmdNewDaemon:  "NEW_DAEMON",
	cmdDelDaemon:  "DEL_DAEMON",
	cmdGetDaemon:  "GET_DAEMON",
	cmdSetConfig:  "SET_CONFIG",
	cmdGetConfig:  "GET_CONFIG",
	cmdSetInfo:    "SET_INFO",
	cmdGetInfo:    "GET_INFO",
	cmdZero:       "ZERO",
	cmdFlush:      "FLUSH",
}

func cmdName(cmd uint8) string {
	if int(cmd) < len(cmdNames) && cmdNames[cmd] != "" {
		return cmdNames[cmd]
	}
	return "UNKNOWN"
}

// Top-level attributes (IPVS_CMD_ATTR_*).
const (
	cmdAttrService       = 1
	cmdAttrDest          = 2
	cmdAttrDaemon        = 3
	cmdAttrTimeoutTCP    = 4
	cmdAttrTimeoutTCPFin = 5
	cmdAttrTimeoutUDP    = 6
)

// Service attributes (IPVS_SVC_ATTR_*).
const (
	svcAttrAF        = 1
	svcAttrProtocol  = 2
	svcAttrAddr      = 3
	svcAttrPort      = 4
	svcAttrFWMark    = 5
	svcAttrSchedName = 6
	svcAttrFlags     = 7
	svcAttrTimeout   = 8
	svcAttrNetmask   = 9
	svcAttrStats     = 10
	svcAttrPEName    = 11
	svcAttrStats64   = 12
)

// Destination attributes (IPVS_DEST_ATTR_*).
const (
	destAttrAddr         = 1
	destAttrPort         = 2
	destAttrFwdMethod    = 3
	destAttrWeight       = 4
	destAttrUThresh      = 5
	destAttrLThresh      = 6
	destAttrActiveConns  = 7
	destAttrInactConns   = 8
	destAttrPersistConns = 9
	destAttrStats        = 10
	destAttrAddrFamily   = 11
	destAttrStats64      = 12
	destAttrTunType      = 13
	destAttrTunPort      = 14
	destAttrTunFlags     = 15
)

// Sync daemon attributes (IPVS_DAEMON_ATTR_*).
const (
	daemonAttrState       = 1
	daemonAttrMcastIfn    = 2
	daemonAttrSyncID      = 3
	daemonAttrSyncMaxLen  = 4
	daemonAttrMcastGroup  = 5
	daemonAttrMcastGroup6 = 6
	daemonAttrMcastPort   = 7
	daemonAttrMcastTTL    = 8
)

// Statistics attributes (IPVS_STATS_ATTR_*), inside *_ATTR_STATS{,64}.
const (
	statsAttrConns    = 1
	statsAttrInPkts   = 2
	statsAttrOutPkts  = 3
	statsAttrInBytes  = 4
	statsAttrOutBytes = 5
	statsAttrCPS      = 6
	statsAttrInPPS    = 7
	statsAttrOutPPS   = 8
	statsAttrInBPS    = 9
	statsAttrOutBPS   = 10
)

// GET_INFO reply attributes (IPVS_INFO_ATTR_*).
const (
	infoAttrVersion     = 1
	infoAttrConnTabSize = 2
)

const nlaFNested = 1 << 15 // NLA_F_NESTED
const nlaTypeMask = 0x3fff // strips NLA_F_NESTED and NLA_F_NET_BYTEORDER
