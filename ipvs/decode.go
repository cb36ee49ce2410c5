package ipvs

import (
	"encoding/binary"
	"errors"
	"net/netip"
)

// Replies are decoded by walking attributes in place: no intermediate
// []netlink.Attribute, so listing large tables allocates little more than
// the results.

var errMalformed = errors.New("ipvs: malformed reply from kernel")

// attrs iterates over a netlink attribute stream.
type attrs struct {
	b    []byte
	typ  uint16
	data []byte
	bad  bool
}

func (a *attrs) next() bool {
	if len(a.b) < 4 {
		if len(a.b) != 0 {
			a.bad = true
		}
		return false
	}
	l := int(binary.NativeEndian.Uint16(a.b))
	if l < 4 || l > len(a.b) {
		a.bad = true
		return false
	}
	a.typ = binary.NativeEndian.Uint16(a.b[2:]) & nlaTypeMask
	a.data = a.b[4:l]
	adv := (l + 3) &^ 3
	if adv > len(a.b) {
		adv = len(a.b)
	}
	a.b = a.b[adv:]
	return true
}

func getU8(b []byte) uint8 {
	if len(b) < 1 {
		return 0
	}
	return b[0]
}

func getU16(b []byte) uint16 {
	if len(b) < 2 {
		return 0
	}
	return binary.NativeEndian.Uint16(b)
}

func getBE16(b []byte) uint16 {
	if len(b) < 2 {
		return 0
	}
	return binary.BigEndian.Uint16(b)
}

func getU32(b []byte) uint32 {
	if len(b) < 4 {
		return 0
	}
	return binary.NativeEndian.Uint32(b)
}

func getBE32(b []byte) uint32 {
	if len(b) < 4 {
		return 0
	}
	return binary.BigEndian.Uint32(b)
}

// getUint reads a counter that is a u32 in the old stats set and a u64 in
// the 64-bit one.
func getUint(b []byte) uint64 {
	switch {
	case len(b) >= 8:
		return binary.NativeEndian.Uint64(b)
	case len(b) >= 4:
		return uint64(binary.NativeEndian.Uint32(b))
	}
	return 0
}

// cstr is the string before the first NUL.
func cstr(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

// name returns a string for b, reusing constants for the usual scheduler
// and engine names so listing does not allocate one per service.
func name(b []byte) string {
	b = cstr(b)
	switch string(b) {
	case "":
		return ""
	case "rr":
		return "rr"
	case "wrr":
		return "wrr"
	case "lc":
		return "lc"
	case "wlc":
		return "wlc"
	case "lblc":
		return "lblc"
	case "lblcr":
		return "lblcr"
	case "dh":
		return "dh"
	case "sh":
		return "sh"
	case "sed":
		return "sed"
	case "nq":
		return "nq"
	case "fo":
		return "fo"
	case "ovf":
		return "ovf"
	case "mh":
		return "mh"
	case "twos":
		return "twos"
	case "none":
		return "none"
	case "sip":
		return "sip"
	}
	return string(b)
}

func getAddr(family Family, b []byte) netip.Addr {
	switch {
	case family == AFInet && len(b) >= 4:
		return netip.AddrFrom4([4]byte(b[:4]))
	case family == AFInet6 && len(b) >= 16:
		return netip.AddrFrom16([16]byte(b[:16]))
	}
	return netip.Addr{}
}

// nested returns the payload of the top-level attribute typ in a reply.
func nested(b []byte, typ uint16) ([]byte, bool) {
	a := attrs{b: b}
	for a.next() {
		if a.typ == typ {
			return a.data, true
		}
	}
	return nil, false
}

func decodeStats(b []byte, s *Stats) {
	a := attrs{b: b}
	for a.next() {
		v := getUint(a.data)
		switch a.typ {
		case statsAttrConns:
			s.Conns = v
		case statsAttrInPkts:
			s.InPkts = v
		case statsAttrOutPkts:
			s.OutPkts = v
		case statsAttrInBytes:
			s.InBytes = v
		case statsAttrOutBytes:
			s.OutBytes = v
		case statsAttrCPS:
			s.CPS = v
		case statsAttrInPPS:
			s.InPPS = v
		case statsAttrOutPPS:
			s.OutPPS = v
		case statsAttrInBPS:
			s.InBPS = v
		case statsAttrOutBPS:
			s.OutBPS = v
		}
	}
}

// decodeService decodes the attributes of a GET_SERVICE reply (after the
// genl header). It insists on the attributes libipvs insists on.
func decodeService(b []byte, s *Service) error {
	sb, ok := nested(b, cmdAttrService)
	if !ok {
		return errMalformed
	}
	*s = Service{}
	var addr, netmask, stats, stats64 []byte
	var flagsMask uint32
	var hasAF, hasKey, hasProto, hasAddr, hasPort, hasSched, hasFlags, hasTimeout bool
	a := attrs{b: sb}
	for a.next() {
		switch a.typ {
		case svcAttrAF:
			s.Family, hasAF = Family(getU16(a.data)), true
		case svcAttrProtocol:
			s.Protocol, hasProto = Protocol(getU16(a.data)), true
		case svcAttrAddr:
			addr, hasAddr = a.data, true
		case svcAttrPort:
			s.Port, hasPort = getBE16(a.data), true
		case svcAttrFWMark:
			s.FWMark, hasKey = getU32(a.data), true
		case svcAttrSchedName:
			s.Scheduler, hasSched = name(a.data), true
		case svcAttrPEName:
			s.PEName = name(a.data)
		case svcAttrFlags:
			if len(a.data) < 8 {
				return errMalformed
			}
			s.Flags, flagsMask, hasFlags = getU32(a.data), getU32(a.data[4:]), true
		case svcAttrTimeout:
			s.Timeout, hasTimeout = getU32(a.data), true
		case svcAttrNetmask:
			netmask = a.data
		case svcAttrStats:
			stats = a.data
		case svcAttrStats64:
			stats64 = a.data
		}
	}
	hasKey = hasKey || (hasProto && hasAddr && hasPort)
	if a.bad || !hasAF || !hasKey || !hasSched || !hasFlags || !hasTimeout || netmask == nil {
		return errMalformed
	}
	s.Flags &= flagsMask
	if addr != nil {
		s.Address = getAddr(s.Family, addr)
	}
	if s.Family == AFInet6 {
		s.Netmask = Netmask(getU32(netmask))
	} else {
		s.Netmask = Netmask(getBE32(netmask))
	}
	if stats64 != nil {
		decodeStats(stats64, &s.Stats)
	} else if stats != nil {
		decodeStats(stats, &s.Stats)
	}
	return nil
}

// decodeDest decodes a GET_DEST reply; family is the service's, used when
// the kernel does not say the destination's own.
func decodeDest(b []byte, family Family, d *Destination) error {
	db, ok := nested(b, cmdAttrDest)
	if !ok {
		return errMalformed
	}
	*d = Destination{}
	var addr, stats, stats64 []byte
	var need int
	a := attrs{b: db}
	for a.next() {
		switch a.typ {
		case destAttrAddr:
			addr = a.data
			need++
		case destAttrPort:
			d.Port = getBE16(a.data)
			need++
		case destAttrFwdMethod:
			d.ConnFlags = getU32(a.data)
			need++
		case destAttrWeight:
			d.Weight = int32(getU32(a.data))
			need++
		case destAttrUThresh:
			d.UpperThreshold = getU32(a.data)
			need++
		case destAttrLThresh:
			d.LowerThreshold = getU32(a.data)
			need++
		case destAttrActiveConns:
			d.ActiveConns = getU32(a.data)
			need++
		case destAttrInactConns:
			d.InactConns = getU32(a.data)
			need++
		case destAttrPersistConns:
			d.PersistConns = getU32(a.data)
			need++
		case destAttrAddrFamily:
			d.Family = Family(getU16(a.data))
		case destAttrTunType:
			d.TunType = TunnelType(getU8(a.data))
		case destAttrTunPort:
			d.TunPort = getBE16(a.data)
		case destAttrTunFlags:
			d.TunFlags = TunnelChecksum(getU16(a.data))
		case destAttrStats:
			stats = a.data
		case destAttrStats64:
			stats64 = a.data
		}
	}
	if a.bad || need != 9 {
		return errMalformed
	}
	if d.Family == 0 {
		d.Family = family
	}
	d.Address = getAddr(d.Family, addr)
	if stats64 != nil {
		decodeStats(stats64, &d.Stats)
	} else if stats != nil {
		decodeStats(stats, &d.Stats)
	}
	return nil
}

// decodeDaemon decodes one GET_DAEMON reply.
func decodeDaemon(b []byte, d *Daemon) error {
	db, ok := nested(b, cmdAttrDaemon)
	if !ok {
		return errMalformed
	}
	*d = Daemon{}
	var need int
	var group, group6 []byte
	a := attrs{b: db}
	for a.next() {
		switch a.typ {
		case daemonAttrState:
			d.State = DaemonState(getU32(a.data))
			need++
		case daemonAttrMcastIfn:
			d.McastIfn = string(cstr(a.data))
			need++
		case daemonAttrSyncID:
			d.SyncID = getU32(a.data)
			need++
		case daemonAttrSyncMaxLen:
			d.SyncMaxLen = getU16(a.data)
		case daemonAttrMcastPort:
			d.McastPort = getU16(a.data)
		case daemonAttrMcastTTL:
			d.McastTTL = getU8(a.data)
		case daemonAttrMcastGroup:
			group = a.data
		case daemonAttrMcastGroup6:
			group6 = a.data
		}
	}
	if a.bad || need != 3 {
		return errMalformed
	}
	// libipvs prefers the IPv4 group when both are present.
	if len(group) >= 4 {
		d.McastGroup = netip.AddrFrom4([4]byte(group[:4]))
	} else if len(group6) >= 16 {
		d.McastGroup = netip.AddrFrom16([16]byte(group6[:16]))
	}
	return nil
}

// decodeTimeouts decodes a GET_CONFIG reply.
func decodeTimeouts(b []byte, t *Timeouts) error {
	a := attrs{b: b}
	for a.next() {
		switch a.typ {
		case cmdAttrTimeoutTCP:
			t.TCP = getU32(a.data)
		case cmdAttrTimeoutTCPFin:
			t.TCPFin = getU32(a.data)
		case cmdAttrTimeoutUDP:
			t.UDP = getU32(a.data)
		}
	}
	if a.bad {
		return errMalformed
	}
	return nil
}

// decodeInfo decodes a GET_INFO reply.
func decodeInfo(b []byte, in *Info) error {
	var n int
	a := attrs{b: b}
	for a.next() {
		switch a.typ {
		case infoAttrVersion:
			in.Version = Version(getU32(a.data))
			n++
		case infoAttrConnTabSize:
			in.ConnTabSize = getU32(a.data)
			n++
		}
	}
	if a.bad || n != 2 {
		return errMalformed
	}
	return nil
}

// DestView returns s as ipvsadm 1.31 shows a destination's counters:
// libipvs reads the destination's 64-bit stats with its 32-bit parser, so
// every counter except the byte counts keeps only its low 32 bits (on
// little-endian machines). Service counters are shown in full.
func (s Stats) DestView() Stats {
	const m = 0xffffffff
	s.Conns &= m
	s.InPkts &= m
	s.OutPkts &= m
	s.CPS &= m
	s.InPPS &= m
	s.OutPPS &= m
	s.InBPS &= m
	s.OutBPS &= m
	return s
}
