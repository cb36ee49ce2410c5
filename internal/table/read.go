package table

import (
	"errors"
	"syscall"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// ServiceDests is a virtual service and its real servers.
type ServiceDests struct {
	ipvs.Service
	Dests []ipvs.Destination
}

// Read reads every service with its real servers, in the kernel's
// order, or only the service key names. A service deleted between the
// dumps is left out; key itself gone is the kernel's error, for the
// caller to word as -L does.
func Read(api ipvs.API, key *ipvs.Service) ([]ServiceDests, error) {
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

// Sort puts services and their real servers in -L's order.
func Sort(t []ServiceDests) {
	MergeSort(t, nil, func(a, b *ServiceDests) int { return CompareServices(&a.Service, &b.Service) })
	var ds DestSorter
	for i := range t {
		ds.Sort(&t[i].Service, t[i].Dests)
	}
}
