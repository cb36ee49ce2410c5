package top

import (
	"time"

	"github.com/lvsgo/ipvsadm/internal/table"
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
type Service = table.ServiceDests

// Take reads the table, every service or only key, into -L's order. A
// service deleted between the dump and its real servers' dump is left
// out; key itself gone is the kernel's error, as -L -t VIP:port would
// have it.
func Take(api ipvs.API, key *ipvs.Service, now time.Time) (Snapshot, error) {
	svcs, err := table.Read(api, key)
	if err != nil {
		return Snapshot{}, err
	}
	table.Sort(svcs)
	return Snapshot{Time: now, Info: api.Info(), Services: svcs}, nil
}
