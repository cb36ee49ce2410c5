package ipvsadm

import (
	"errors"
	"net/netip"
	"syscall"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// What the additions that show the table as -L does (ipvsadm top) take
// from it: -L's names, order and JSON objects, so that both always agree.

// JSONService is one service of `-L --json`, JSONDest one of its real
// servers.
type (
	JSONService = jsonService
	JSONDest    = jsonDest
	JSONStats   = jsonStats
)

func numericFormat(numeric bool) grammar.Format {
	if numeric {
		return grammar.FmtNumeric
	}
	return 0
}

// BuildJSONService is s as `-L --json` shows it, without its real servers.
func BuildJSONService(s *ipvs.Service, numeric bool, n Namer) JSONService {
	return buildJSONService(s, nil, numericFormat(numeric), n)
}

// BuildJSONDest is d, a real server of s, as `-L --json` shows it.
func BuildJSONDest(s *ipvs.Service, d *ipvs.Destination, numeric bool, n Namer) JSONDest {
	return buildJSONDest(s, d, numericFormat(numeric), n)
}

// StatsOf is a counter set as `-L --json` shows it.
func StatsOf(s *ipvs.Stats) JSONStats { return statsOf(s) }

// AppendServiceName is the service as the table shows it: "TCP  vip:port"
// (names unless numeric) or "FWM  mark".
func AppendServiceName(b []byte, s *ipvs.Service, numeric bool, n Namer) []byte {
	return appendServiceName(b, s, numericFormat(numeric), n)
}

// AppendDestName is d's "addr:port" as the table's "->" lines show it.
func AppendDestName(b []byte, s *ipvs.Service, d *ipvs.Destination, numeric bool, n Namer) []byte {
	return appendAddrPort(b, d.AddrFamily(s), d.Address, d.Port, s.Protocol, numericFormat(numeric), n)
}

// AppendNtop is a as the table prints it numerically.
func AppendNtop(b []byte, af ipvs.Family, a netip.Addr) []byte { return appendNtop(b, af, a) }

// ServiceDests is a virtual service and its real servers.
type ServiceDests struct {
	ipvs.Service
	Dests []ipvs.Destination
}

// ReadTable reads every service with its real servers, in the kernel's
// order, or only the service key names. A service deleted between the
// dumps is left out; key itself gone is the kernel's error, for the
// caller to word as -L does (GetServiceMessage).
func ReadTable(api ipvs.API, key *ipvs.Service) ([]ServiceDests, error) {
	var svcs []ipvs.Service
	if key != nil {
		s, err := api.Service(*key)
		if err != nil {
			return nil, err
		}
		svcs = []ipvs.Service{s}
	} else {
		var err error
		if svcs, err = ipvs.Services(api); err != nil {
			return nil, err
		}
	}
	out := make([]ServiceDests, 0, len(svcs))
	for _, s := range svcs {
		ds, err := ipvs.Destinations(api, s)
		if key == nil && errors.Is(err, syscall.ESRCH) {
			continue // deleted since the dump
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ServiceDests{Service: s, Dests: ds})
	}
	return out, nil
}

// SortTable puts services and their real servers in -L's order.
func SortTable(t []ServiceDests) {
	mergeSort(t, nil, func(a, b *ServiceDests) int { return cmpServices(&a.Service, &b.Service) })
	var ds destSorter
	for i := range t {
		ds.sort(&t[i].Service, t[i].Dests)
	}
}
