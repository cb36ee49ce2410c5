package top

import (
	"errors"
	"syscall"
	"time"

	"github.com/lvsgo/ipvsadm/internal/ipvsadm"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// Snapshot is the table at one moment: services and real servers in -L's
// order, with their counters.
type Snapshot struct {
	Time     time.Time // when it was read (monotonic clock included)
	Info     ipvs.Info
	Services []Service
}

// Service is a virtual service and its real servers.
type Service struct {
	ipvs.Service
	Dests []ipvs.Destination
}

// Take reads the table: every service, or only key. A service deleted
// between the dump and its real servers' dump is left out; key itself
// gone is the kernel's error, as -L -t VIP:port would have it.
func Take(api ipvs.API, key *ipvs.Service, now time.Time) (Snapshot, error) {
	snap := Snapshot{Time: now, Info: api.CachedInfo()}
	var svcs []ipvs.Service
	if key != nil {
		s, err := api.Service(*key)
		if err != nil {
			return snap, err
		}
		svcs = []ipvs.Service{s}
	} else {
		var err error
		if svcs, err = api.Services(); err != nil {
			return snap, err
		}
		ipvsadm.SortServices(svcs)
	}
	snap.Services = make([]Service, 0, len(svcs))
	for i := range svcs {
		ds, err := api.Destinations(svcs[i])
		if key == nil && errors.Is(err, syscall.ESRCH) {
			continue
		}
		if err != nil {
			return snap, err
		}
		ipvsadm.SortDests(&svcs[i], ds)
		snap.Services = append(snap.Services, Service{svcs[i], ds})
	}
	return snap, nil
}
