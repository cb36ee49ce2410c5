package ipvs

import (
	"encoding/binary"
	"strconv"
)

// Requests are built by appending to a byte slice: the generic netlink
// header followed by attributes, laid out exactly as libipvs lays them out so
// the kernel sees the same request ipvsadm would send. Building is separate
// from sending so that many requests can share one sendmsg (see Batch).

// encoder appends netlink attributes to b.
type encoder struct{ b []byte }

// newEncoder starts a request payload for cmd: the 4-byte genl header.
func newEncoder(buf []byte, cmd uint8) encoder {
	return encoder{b: append(buf[:0], cmd, genlVersion, 0, 0)}
}

func (e *encoder) header(typ uint16, n int) {
	e.b = binary.NativeEndian.AppendUint16(e.b, uint16(4+n))
	e.b = binary.NativeEndian.AppendUint16(e.b, typ)
}

func (e *encoder) pad() {
	for len(e.b)%4 != 0 {
		e.b = append(e.b, 0)
	}
}

func (e *encoder) u8(typ uint16, v uint8) {
	e.header(typ, 1)
	e.b = append(e.b, v)
	e.pad()
}

func (e *encoder) u16(typ uint16, v uint16) {
	e.header(typ, 2)
	e.b = binary.NativeEndian.AppendUint16(e.b, v)
	e.pad()
}

// be16 is a u16 the kernel reads in network byte order (ports).
func (e *encoder) be16(typ uint16, v uint16) {
	e.header(typ, 2)
	e.b = binary.BigEndian.AppendUint16(e.b, v)
	e.pad()
}

func (e *encoder) u32(typ uint16, v uint32) {
	e.header(typ, 4)
	e.b = binary.NativeEndian.AppendUint32(e.b, v)
}

func (e *encoder) be32(typ uint16, v uint32) {
	e.header(typ, 4)
	e.b = binary.BigEndian.AppendUint32(e.b, v)
}

func (e *encoder) bytes(typ uint16, v []byte) {
	e.header(typ, len(v))
	e.b = append(e.b, v...)
	e.pad()
}

// str is a NUL-terminated string, as NLA_PUT_STRING sends it.
func (e *encoder) str(typ uint16, s string) {
	e.header(typ, len(s)+1)
	e.b = append(e.b, s...)
	e.b = append(e.b, 0)
	e.pad()
}

// nest opens a nested attribute; end closes it at the returned offset.
func (e *encoder) nest(typ uint16) int {
	off := len(e.b)
	e.header(typ|nlaFNested, 0)
	return off
}

func (e *encoder) end(off int) {
	binary.NativeEndian.PutUint16(e.b[off:], uint16(len(e.b)-off))
}

// serviceKey appends the attributes that name a service.
func (e *encoder) serviceKey(s *Service) {
	e.u16(svcAttrAF, uint16(s.Family))
	if s.FWMark != 0 {
		e.u32(svcAttrFWMark, s.FWMark)
		return
	}
	e.u16(svcAttrProtocol, uint16(s.Protocol))
	a := InetUnion(s.Address)
	e.bytes(svcAttrAddr, a[:])
	e.be16(svcAttrPort, s.Port)
}

// service appends a complete IPVS_CMD_ATTR_SERVICE, as libipvs does for every
// command that names a service (even deletes and GET_SERVICE).
func (e *encoder) service(s *Service) {
	n := e.nest(cmdAttrService)
	e.serviceKey(s)
	e.str(svcAttrSchedName, s.Scheduler)
	if s.PEName != "" {
		e.str(svcAttrPEName, s.PEName)
	}
	// struct ip_vs_flags {flags, mask}: libipvs replaces all flags (mask ~0).
	e.header(svcAttrFlags, 8)
	e.b = binary.NativeEndian.AppendUint32(e.b, s.Flags)
	e.b = binary.NativeEndian.AppendUint32(e.b, ^uint32(0))
	e.u32(svcAttrTimeout, s.Timeout)
	e.netmask(svcAttrNetmask, s.Family, uint32(s.Netmask))
	e.end(n)
}

// netmask: the kernel reads the attribute as a __be32. For IPv4 it is the
// mask in network order; for IPv6 ipvsadm stores the prefix length as a
// host-order integer in the same field, and the kernel compares it as such.
func (e *encoder) netmask(typ uint16, family Family, v uint32) {
	if family == AFInet6 {
		e.u32(typ, v)
		return
	}
	e.be32(typ, v)
}

// serviceKeyOnly appends an IPVS_CMD_ATTR_SERVICE with just the key (GET_DEST).
func (e *encoder) serviceKeyOnly(s *Service) {
	n := e.nest(cmdAttrService)
	e.serviceKey(s)
	e.end(n)
}

// dest appends IPVS_CMD_ATTR_DEST with every field libipvs sends.
func (e *encoder) dest(s *Service, d *Destination) {
	af := d.Family
	if af == 0 {
		af = s.Family
	}
	n := e.nest(cmdAttrDest)
	e.u16(destAttrAddrFamily, uint16(af))
	a := InetUnion(d.Address)
	e.bytes(destAttrAddr, a[:])
	e.be16(destAttrPort, d.Port)
	e.u32(destAttrFwdMethod, d.ConnFlags&FwdMask)
	e.u32(destAttrWeight, uint32(d.Weight))
	e.u8(destAttrTunType, uint8(d.TunType))
	e.be16(destAttrTunPort, d.TunPort)
	e.u16(destAttrTunFlags, uint16(d.TunFlags))
	e.u32(destAttrUThresh, d.UpperThreshold)
	e.u32(destAttrLThresh, d.LowerThreshold)
	e.end(n)
}

// daemon appends IPVS_CMD_ATTR_DAEMON; the optional multicast settings only
// when starting one and only when set, as libipvs does.
func (e *encoder) daemon(d *Daemon, start bool) {
	n := e.nest(cmdAttrDaemon)
	e.u32(daemonAttrState, uint32(d.State))
	e.str(daemonAttrMcastIfn, d.McastIfn)
	e.u32(daemonAttrSyncID, d.SyncID)
	if start {
		if d.SyncMaxLen != 0 {
			e.u16(daemonAttrSyncMaxLen, d.SyncMaxLen)
		}
		if d.McastPort != 0 {
			e.u16(daemonAttrMcastPort, d.McastPort)
		}
		if d.McastTTL != 0 {
			e.u8(daemonAttrMcastTTL, d.McastTTL)
		}
		switch {
		case d.McastGroup.Is4():
			v := d.McastGroup.As4()
			e.bytes(daemonAttrMcastGroup, v[:])
		case d.McastGroup.Is6():
			v := d.McastGroup.As16()
			e.bytes(daemonAttrMcastGroup6, v[:])
		}
	}
	e.end(n)
}

// OpKind says what an Op does.
type OpKind uint8

const (
	OpNewService    OpKind = iota + 1 // -A
	OpUpdateService                   // -E
	OpDelService                      // -D
	OpNewDest                         // -a
	OpUpdateDest                      // -e
	OpDelDest                         // -d
	OpFlush                           // -C
	OpZero                            // -Z; a zero Service means all services
	OpSetTimeouts                     // --set
	OpNewDaemon                       // --start-daemon
	OpDelDaemon                       // --stop-daemon
)

var opNames = [...]string{
	OpNewService:    "new-service",
	OpUpdateService: "update-service",
	OpDelService:    "delete-service",
	OpNewDest:       "new-dest",
	OpUpdateDest:    "update-dest",
	OpDelDest:       "delete-dest",
	OpFlush:         "flush",
	OpZero:          "zero",
	OpSetTimeouts:   "set-timeouts",
	OpNewDaemon:     "new-daemon",
	OpDelDaemon:     "delete-daemon",
}

// String names the change ("new-service", "delete-dest", ...).
func (k OpKind) String() string {
	if int(k) < len(opNames) && opNames[k] != "" {
		return opNames[k]
	}
	return "op(" + strconv.Itoa(int(k)) + ")"
}

var opCmds = [...]uint8{
	OpNewService:    cmdNewService,
	OpUpdateService: cmdSetService,
	OpDelService:    cmdDelService,
	OpNewDest:       cmdNewDest,
	OpUpdateDest:    cmdSetDest,
	OpDelDest:       cmdDelDest,
	OpFlush:         cmdFlush,
	OpZero:          cmdZero,
	OpSetTimeouts:   cmdSetConfig,
	OpNewDaemon:     cmdNewDaemon,
	OpDelDaemon:     cmdDelDaemon,
}

// Op is one change to the kernel's IPVS state, for Batch. Only the fields
// its Kind uses are read.
type Op struct {
	Kind     OpKind
	Service  Service
	Dest     Destination
	Timeouts Timeouts
	Daemon   Daemon
}

// encodeOp appends op's request payload to buf[:0] and returns it with the
// command. ok is false for an unknown Kind.
func encodeOp(buf []byte, op *Op) (cmd uint8, b []byte, ok bool) {
	if int(op.Kind) >= len(opCmds) || opCmds[op.Kind] == 0 {
		return 0, buf, false
	}
	cmd = opCmds[op.Kind]
	e := newEncoder(buf, cmd)
	switch op.Kind {
	case OpNewService, OpUpdateService, OpDelService:
		e.service(&op.Service)
	case OpNewDest, OpUpdateDest, OpDelDest:
		e.service(&op.Service)
		e.dest(&op.Service, &op.Dest)
	case OpZero:
		// libipvs names the service only if it has a key; else zero all.
		s := &op.Service
		if s.FWMark != 0 || InetUnion(s.Address) != [16]byte{} || s.Port != 0 {
			e.service(s)
		}
	case OpSetTimeouts:
		e.u32(cmdAttrTimeoutTCP, op.Timeouts.TCP)
		e.u32(cmdAttrTimeoutTCPFin, op.Timeouts.TCPFin)
		e.u32(cmdAttrTimeoutUDP, op.Timeouts.UDP)
	case OpNewDaemon:
		e.daemon(&op.Daemon, true)
	case OpDelDaemon:
		e.daemon(&op.Daemon, false)
	}
	return cmd, e.b, true
}

// encodeGetService is GET_SERVICE for one key: libipvs sends a full service
// attribute built from a zeroed service with only the key filled in.
func encodeGetService(buf []byte, key *Service) []byte {
	k := Service{Family: key.Family, Protocol: key.Protocol, Address: key.Address, Port: key.Port, FWMark: key.FWMark}
	e := newEncoder(buf, cmdGetService)
	e.service(&k)
	return e.b
}

// encodeGetDests is the GET_DEST dump request for svc.
func encodeGetDests(buf []byte, svc *Service) []byte {
	e := newEncoder(buf, cmdGetDest)
	e.serviceKeyOnly(svc)
	return e.b
}

// encodeBare is a request without attributes (GET_INFO, dumps, FLUSH).
func encodeBare(buf []byte, cmd uint8) []byte {
	e := newEncoder(buf, cmd)
	return e.b
}
