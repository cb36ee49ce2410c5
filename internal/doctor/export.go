package doctor

import "github.com/lvsgo/ipvsadm/ipvs"

// What other front ends (the Prometheus exporter) take from doctor: the
// director checks on a table they have read, and the names findings use.

// CheckDirector runs the director checks on svcs, a table read with
// ipvsadm.ReadTable (sorted here, in place), as `ipvsadm doctor` does: the
// probes only when probe. What could not be read is a "read" warning.
func CheckDirector(api ipvs.API, sys System, svcs []Service, probe bool) []Finding {
	sortServices(svcs)
	snap, fs := gatherDirector(api, sys, svcs, probe)
	return append(fs, Director(snap)...)
}

// ServiceName is s as findings name it, -L -n's way: "TCP 192.0.2.1:80",
// "UDP [2001:db8::1]:53", "FWM 7", "FWM 7 IPv6".
func ServiceName(s ipvs.Service) string { return serviceName(s) }

// DestName is d as findings name it: "192.0.2.11:80", "[2001:db8::1]:80".
func DestName(d ipvs.Destination) string { return destName(d) }

// SortServices puts svcs in the order doctor lists them (services by
// family, protocol, address and port, fwmark services after; real
// servers by address and port), in place.
func SortServices(svcs []Service) { sortServices(svcs) }
