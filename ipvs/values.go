package ipvs

import (
	"net/netip"
	"strconv"
)

// Version is IPVS's version as GET_INFO reports it: major, minor and
// patch in the low three bytes (0x010201 is 1.2.1).
type Version uint32

// Append appends the version as -L's header prints it: "1.2.1".
func (v Version) Append(b []byte) []byte {
	b = strconv.AppendUint(b, uint64(v>>16&0xff), 10)
	b = append(b, '.')
	b = strconv.AppendUint(b, uint64(v>>8&0xff), 10)
	b = append(b, '.')
	return strconv.AppendUint(b, uint64(v&0xff), 10)
}

func (v Version) String() string { return string(v.Append(nil)) }

// Netmask is a service's persistence granularity (-M): for IPv4 a mask
// with its first octet in the high byte (255.255.255.0 is 0xffffff00),
// for IPv6 a prefix length.
type Netmask uint32

// The netmasks of one client address per persistence entry, ipvsadm's
// defaults.
const (
	HostMask4 Netmask = 0xffffffff
	HostMask6 Netmask = 128
)

// IsHost says whether m is the single-address mask of family f: the
// default, which -L, -S and JSON's netmask then leave out.
func (m Netmask) IsHost(f Family) bool {
	if f == AFInet6 {
		return m == HostMask6
	}
	return m == HostMask4
}

// Append appends m as ipvsadm prints it for family f: a dotted quad for
// IPv4, the prefix length (printf's %d of it) for IPv6.
func (m Netmask) Append(b []byte, f Family) []byte {
	if f == AFInet6 {
		return strconv.AppendInt(b, int64(int32(m)), 10)
	}
	return netip.AddrFrom4([4]byte{byte(m >> 24), byte(m >> 16), byte(m >> 8), byte(m)}).AppendTo(b)
}

// Format is Append as a string.
func (m Netmask) Format(f Family) string { return string(m.Append(nil, f)) }

// Ones is m's prefix length: the ones of an IPv4 mask counted from the
// top, an IPv6 mask as it is.
func (m Netmask) Ones(f Family) int {
	if f == AFInet6 {
		return int(m)
	}
	n := 0
	for v := uint32(m); v&0x80000000 != 0; v <<= 1 {
		n++
	}
	return n
}

// SchedFlag is one of the scheduler flags -b names. The kernel has three
// bits; sh and mh give the first two names of their own, and have no
// third.
type SchedFlag struct {
	Name  string
	Bit   uint32 // SvcSchedFlag1, 2 or 3
	Sched string // the scheduler the name is for; "" for any
}

// SchedFlags is every name -b takes, in ipvsadm's order.
var SchedFlags = []SchedFlag{
	{"flag-1", SvcSchedFlag1, ""},
	{"flag-2", SvcSchedFlag2, ""},
	{"flag-3", SvcSchedFlag3, ""},
	{"sh-fallback", SvcSchedFlag1, "sh"},
	{"sh-port", SvcSchedFlag2, "sh"},
	{"mh-fallback", SvcSchedFlag1, "mh"},
	{"mh-port", SvcSchedFlag2, "mh"},
}

// ParseSchedFlag looks a -b name up.
func ParseSchedFlag(name string) (SchedFlag, bool) {
	for _, f := range SchedFlags {
		if f.Name == name {
			return f, true
		}
	}
	return SchedFlag{}, false
}

// schedFlagName is the name scheduler sched gives bit: its own, or
// flag-N for a scheduler without names of its own; "" when sched has no
// name for it (sh's and mh's third bit).
func schedFlagName(sched string, bit uint32) string {
	own := sched == "sh" || sched == "mh"
	for _, f := range SchedFlags {
		if f.Bit == bit && (own && f.Sched == sched || !own && f.Sched == "") {
			return f.Name
		}
	}
	return ""
}

// AppendSchedFlags appends the names of the scheduler flags set in flags,
// comma separated, as scheduler sched names them (-L and -S print them so).
func AppendSchedFlags(b []byte, sched string, flags uint32) []byte {
	first := true
	for _, bit := range [3]uint32{SvcSchedFlag1, SvcSchedFlag2, SvcSchedFlag3} {
		name := schedFlagName(sched, bit)
		if flags&bit == 0 || name == "" {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		b = append(b, name...)
		first = false
	}
	return b
}

// SchedFlagNames is AppendSchedFlags as a list.
func SchedFlagNames(sched string, flags uint32) []string {
	var out []string
	for _, bit := range [3]uint32{SvcSchedFlag1, SvcSchedFlag2, SvcSchedFlag3} {
		if name := schedFlagName(sched, bit); flags&bit != 0 && name != "" {
			out = append(out, name)
		}
	}
	return out
}

// AddrFamily is the family of d's address: its own when the kernel
// reports one, else its service's.
func (d *Destination) AddrFamily(svc *Service) Family {
	if d.Family != 0 {
		return d.Family
	}
	return svc.Family
}

// InetUnion lays a out as the kernel's union nf_inet_addr: an IPv4
// address in the first four bytes, an IPv6 one in all sixteen.
func InetUnion(a netip.Addr) [16]byte {
	var u [16]byte
	switch {
	case a.Is4():
		v := a.As4()
		copy(u[:], v[:])
	case a.Is6():
		u = a.As16()
	}
	return u
}
