package table

import (
	"encoding/binary"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// ipvsadm sorts services and destinations with comparators that subtract
// unsigned 32-bit values and read the difference as a C int. For keys more
// than 2^31 apart that wraps (1.0.0.0 sorts after 200.0.0.0), the order is
// then not transitive, and the result depends on the sort algorithm: glibc's
// qsort, a top-down merge sort. Both are reproduced here so that the order
// matches ipvsadm's in every case.

// diff32 is (int)(a - b) for unsigned ints in C.
func diff32(a, b uint32) int { return int(int32(a - b)) }

// addrWords is the address as four host-order 32-bit words of the kernel's
// union nf_inet_addr.
func addrWords(a [16]byte) [4]uint32 {
	var w [4]uint32
	for i := range w {
		w[i] = binary.BigEndian.Uint32(a[4*i:])
	}
	return w
}

// cmpAddr compares two addresses the way ipvsadm does: as four words when
// the first is IPv6, else by the first word only.
func cmpAddr(af ipvs.Family, a, b [16]byte) int {
	wa, wb := addrWords(a), addrWords(b)
	if af == ipvs.AFInet6 {
		r := 0
		for i := 0; r == 0 && i < 4; i++ {
			r = diff32(wa[i], wb[i])
		}
		return r
	}
	return diff32(wa[0], wb[0])
}

// CompareServices orders services as ipvsadm -L does.
func CompareServices(a, b *ipvs.Service) int {
	if r := diff32(a.FWMark, b.FWMark); r != 0 {
		return r
	}
	if r := int(a.Family) - int(b.Family); r != 0 {
		return r
	}
	if r := int(a.Protocol) - int(b.Protocol); r != 0 {
		return r
	}
	if r := cmpAddr(a.Family, ipvs.InetUnion(a.Address), ipvs.InetUnion(b.Address)); r != 0 {
		return r
	}
	return int(a.Port) - int(b.Port)
}

// CompareDests orders the real servers of service s as ipvsadm -L does.
func CompareDests(s *ipvs.Service, a, b *ipvs.Destination) int {
	if r := cmpAddr(a.AddrFamily(s), ipvs.InetUnion(a.Address), ipvs.InetUnion(b.Address)); r != 0 {
		return r
	}
	return int(a.Port) - int(b.Port)
}

// MergeSort sorts x as glibc's qsort (msort) does: split at n/2, sort both
// halves, merge taking from the left half while cmp(left, right) <= 0.
// tmp is scratch space, grown as needed and returned for reuse.
func MergeSort[T any](x, tmp []T, cmp func(a, b *T) int) []T {
	if len(x) < 2 {
		return tmp
	}
	if cap(tmp) < len(x) {
		tmp = make([]T, len(x))
	}
	msort(x, tmp[:len(x)], cmp)
	return tmp
}

func msort[T any](x, tmp []T, cmp func(a, b *T) int) {
	n := len(x)
	if n <= 1 {
		return
	}
	n1 := n / 2
	l, r := x[:n1], x[n1:]
	msort(l, tmp, cmp)
	msort(r, tmp, cmp)
	i, j, k := 0, 0, 0
	for i < len(l) && j < len(r) {
		if cmp(&l[i], &r[j]) <= 0 {
			tmp[k] = l[i]
			i++
		} else {
			tmp[k] = r[j]
			j++
		}
		k++
	}
	k += copy(tmp[k:], l[i:])
	// What is left of r is already in place.
	copy(x, tmp[:k])
}

// SortServices puts services in -L's order.
func SortServices(s []ipvs.Service) {
	MergeSort(s, nil, CompareServices)
}

// DestSorter sorts the real servers of one service after another with the
// same scratch space (its zero value is ready).
type DestSorter struct {
	svc *ipvs.Service
	cmp func(a, b *ipvs.Destination) int
	tmp []ipvs.Destination
}

// Sort puts d, the real servers of s, in -L's order.
func (ds *DestSorter) Sort(s *ipvs.Service, d []ipvs.Destination) {
	if ds.cmp == nil {
		ds.cmp = func(a, b *ipvs.Destination) int { return CompareDests(ds.svc, a, b) }
	}
	ds.svc = s
	ds.tmp = MergeSort(d, ds.tmp, ds.cmp)
}

// SortDests puts d, the real servers of s, in -L's order.
func SortDests(s *ipvs.Service, d []ipvs.Destination) {
	var ds DestSorter
	ds.Sort(s, d)
}
