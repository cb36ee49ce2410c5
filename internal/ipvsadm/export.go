package ipvsadm

import (
	"net/netip"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/jsonschema"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// What the additions that show the table as -L does (ipvsadm top) take
// from it: -L's names, order and JSON objects, so that both always agree.

func numericFormat(numeric bool) grammar.Format {
	if numeric {
		return grammar.FmtNumeric
	}
	return 0
}

// BuildJSONService is s as `-L --json` shows it, without its real servers.
func BuildJSONService(s *ipvs.Service, numeric bool, n Namer) jsonschema.Service {
	return buildJSONService(s, nil, numericFormat(numeric), n)
}

// BuildJSONDest is d, a real server of s, as `-L --json` shows it.
func BuildJSONDest(s *ipvs.Service, d *ipvs.Destination, numeric bool, n Namer) jsonschema.Dest {
	return buildJSONDest(s, d, numericFormat(numeric), n)
}

// StatsOf is a counter set as `-L --json` shows it.
func StatsOf(s *ipvs.Stats) jsonschema.Stats { return statsOf(s) }

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
