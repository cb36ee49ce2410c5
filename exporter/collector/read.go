package collector

import (
	"github.com/lvsgo/ipvsadm/internal/diagnose"
	"github.com/lvsgo/ipvsadm/internal/table"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// Config is what a scrape reads and how.
type Config struct {
	// Open connects to IPVS for one scrape (without loading any module:
	// the exporter changes nothing).
	Open func() (ipvs.API, error)
	// Sys is what doctor's checks read besides the table; nil: no
	// ipvs_check series.
	Sys diagnose.System
	// Probe lets the checks send doctor's --probe packets (a TCP connect
	// to each real server, ARP for DR VIPs) at every scrape.
	Probe bool
}

// Snapshot is one scrape's reading.
type Snapshot struct {
	Up       bool // the table could be read
	Info     ipvs.Info
	Services []table.ServiceDests
	Daemons  []ipvs.Daemon
	// Checks is whether doctor's checks ran, Probe whether with probes.
	Checks, Probe bool
	Findings      []diagnose.Finding
}

// Read takes one scrape's Snapshot; a table that cannot be read is a
// Snapshot that is not Up.
func Read(cfg Config) Snapshot {
	api, err := cfg.Open()
	if err != nil {
		return Snapshot{}
	}
	defer api.Close()
	svcs, err := table.Read(api, nil)
	if err != nil {
		return Snapshot{}
	}
	daemons, err := api.Daemons()
	if err != nil {
		return Snapshot{}
	}
	// The kernel's order is its hash order: the metrics come in
	// doctor's, which is fixed.
	diagnose.SortServices(svcs)
	s := Snapshot{Up: true, Info: api.Info(), Services: svcs, Daemons: daemons}
	if cfg.Sys != nil {
		s.Checks, s.Probe = true, cfg.Probe
		s.Findings = diagnose.CheckDirector(api, cfg.Sys, svcs, cfg.Probe)
	}
	return s
}
