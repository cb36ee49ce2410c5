package top

import (
	"net/netip"
	"time"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// Rates are per second, over the time between two snapshots.
type Rates struct {
	CPS, InPPS, OutPPS, InBPS, OutBPS float64
}

func (r *Rates) add(o Rates) {
	r.CPS += o.CPS
	r.InPPS += o.InPPS
	r.OutPPS += o.OutPPS
	r.InBPS += o.InBPS
	r.OutBPS += o.OutBPS
}

// add counts o's rates and connections into r (a total).
func (r *Row) add(o *Row) {
	r.Rates.add(o.Rates)
	r.Conns += o.Conns
	r.Active += o.Active
	r.Inactive += o.Inactive
}

// Row is one line of the view: a service, one of its real servers, or the
// totals.
type Row struct {
	Service *ipvs.Service
	Dest    *ipvs.Destination // nil on a service's row and the totals
	Rates   Rates
	// Conns is how many connections the interval scheduled (the counter's
	// delta); rates are Conns / interval.
	Conns            uint64
	Active, Inactive uint64
	// ConnShare is this row's share of the new connections of its service
	// (a service's row: of all services), in [0, 1]; HasConnShare is
	// false when there were none.
	ConnShare    float64
	HasConnShare bool
	// WeightShare is a real server's weight over the sum of its service's
	// weights; HasWeightShare is false on other rows or when that is 0.
	WeightShare    float64
	HasWeightShare bool
}

// ServiceRows is a service's row and its real servers' rows.
type ServiceRows struct {
	Row
	Dests []Row
}

// Table is what one refresh shows.
type Table struct {
	Time time.Time
	Info ipvs.Info
	// Elapsed is the time the rates are over; 0 on the first snapshot,
	// which has no rates yet (Measuring).
	Elapsed   time.Duration
	Measuring bool
	Totals    Row
	Services  []ServiceRows
	// NDests counts the real servers.
	NDests int
}

type svcKey struct {
	af    ipvs.Family
	proto ipvs.Protocol
	addr  netip.Addr
	port  uint16
	mark  uint32
}

type destKey struct {
	svc  svcKey
	addr netip.Addr
	port uint16
}

func keyOf(s *ipvs.Service) svcKey {
	if s.FWMark != 0 {
		return svcKey{af: s.Family, mark: s.FWMark}
	}
	return svcKey{s.Family, s.Protocol, s.Address, s.Port, 0}
}

// delta is how far a counter moved. A counter smaller than before was
// reset (ipvsadm -Z, or the entry deleted and added again): it has counted
// since then, within the interval.
func delta(cur, prev uint64) uint64 {
	if cur < prev {
		return cur
	}
	return cur - prev
}

// ratesOf is the rate of each counter from prev to cur over secs seconds;
// without prev (new since the last snapshot) the counters started at 0
// within the interval.
func ratesOf(cur, prev *ipvs.Stats, secs float64) (Rates, uint64) {
	var p ipvs.Stats
	if prev != nil {
		p = *prev
	}
	conns := delta(cur.Conns, p.Conns)
	return Rates{
		CPS:    float64(conns) / secs,
		InPPS:  float64(delta(cur.InPkts, p.InPkts)) / secs,
		OutPPS: float64(delta(cur.OutPkts, p.OutPkts)) / secs,
		InBPS:  float64(delta(cur.InBytes, p.InBytes)) / secs,
		OutBPS: float64(delta(cur.OutBytes, p.OutBytes)) / secs,
	}, conns
}

// Compute is the view of cur, with rates since prev (nil: the first
// snapshot, still measuring).
func Compute(prev *Snapshot, cur *Snapshot) *Table {
	t := &Table{Time: cur.Time, Info: cur.Info, Measuring: prev == nil}
	var secs float64
	oldSvc := map[svcKey]*ipvs.Stats{}
	oldDest := map[destKey]*ipvs.Stats{}
	if prev != nil {
		t.Elapsed = cur.Time.Sub(prev.Time)
		secs = t.Elapsed.Seconds()
		if secs <= 0 {
			t.Measuring = true
		}
		for i := range prev.Services {
			s := &prev.Services[i]
			k := keyOf(&s.Service)
			oldSvc[k] = &s.Stats
			for j := range s.Dests {
				d := &s.Dests[j]
				oldDest[destKey{k, d.Address, d.Port}] = &d.Stats
			}
		}
	}
	for i := range cur.Services {
		s := &cur.Services[i]
		k := keyOf(&s.Service)
		sr := ServiceRows{Row: Row{Service: &s.Service}}
		var weights int64
		for j := range s.Dests {
			if w := s.Dests[j].Weight; w > 0 {
				weights += int64(w)
			}
		}
		var destConns uint64
		for j := range s.Dests {
			d := &s.Dests[j]
			r := Row{Service: &s.Service, Dest: d, Active: uint64(d.ActiveConns), Inactive: uint64(d.InactConns)}
			if !t.Measuring {
				r.Rates, r.Conns = ratesOf(&d.Stats, oldDest[destKey{k, d.Address, d.Port}], secs)
				destConns += r.Conns
			}
			if weights > 0 {
				r.HasWeightShare = true
				if d.Weight > 0 {
					r.WeightShare = float64(d.Weight) / float64(weights)
				}
			}
			sr.Active += r.Active
			sr.Inactive += r.Inactive
			sr.Dests = append(sr.Dests, r)
		}
		if destConns > 0 {
			for j := range sr.Dests {
				sr.Dests[j].ConnShare = float64(sr.Dests[j].Conns) / float64(destConns)
				sr.Dests[j].HasConnShare = true
			}
		}
		if !t.Measuring {
			sr.Rates, sr.Conns = ratesOf(&s.Stats, oldSvc[k], secs)
		}
		t.Totals.add(&sr.Row)
		t.NDests += len(s.Dests)
		t.Services = append(t.Services, sr)
	}
	if t.Totals.Conns > 0 {
		for i := range t.Services {
			t.Services[i].ConnShare = float64(t.Services[i].Conns) / float64(t.Totals.Conns)
			t.Services[i].HasConnShare = true
		}
		t.Totals.ConnShare, t.Totals.HasConnShare = 1, true
	}
	return t
}
