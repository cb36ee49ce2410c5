package apply

import "github.com/lvsgo/ipvsadm/ipvs"

// Diff is the change set that turns table cur into want, in the order it
// must be applied: new and edited services, new and edited destinations,
// then deleted destinations and deleted services. Nothing that is in both
// tables is ever deleted, so there is no moment without it.
func Diff(cur, want Table) []ipvs.Op {
	curIdx := make(map[svcKey]int, len(cur))
	for i := range cur {
		curIdx[keyOf(&cur[i].Service)] = i
	}
	wanted := make(map[svcKey]bool, len(want))
	var adds, dests, dels []ipvs.Op
	var kept []bool
	for i := range want {
		w := &want[i]
		k := keyOf(&w.Service)
		wanted[k] = true
		j, ok := curIdx[k]
		if !ok {
			adds = append(adds, ipvs.Op{Kind: ipvs.OpNewService, Service: w.Service})
			for _, d := range w.Dests {
				dests = append(dests, ipvs.Op{Kind: ipvs.OpNewDest, Service: w.Service, Dest: d.Destination})
			}
			continue
		}
		c := &cur[j]
		if !sameService(&c.Service, &w.Service) {
			adds = append(adds, ipvs.Op{Kind: ipvs.OpUpdateService, Service: w.Service})
		}
		// Each current real server is found by a scan, or through a map
		// when the service has many; kept marks the ones still wanted.
		var have map[destKey]int
		if len(c.Dests) > scanMax {
			have = make(map[destKey]int, len(c.Dests))
			for k := range c.Dests {
				have[dkeyOf(&c.Dests[k].Destination)] = k
			}
		}
		kept = append(kept[:0], make([]bool, len(c.Dests))...)
		for _, wd := range w.Dests {
			d := wd.Destination
			dk := dkeyOf(&d)
			k := -1
			if have != nil {
				if x, ok := have[dk]; ok {
					k = x
				}
			} else {
				for x := range c.Dests {
					if dkeyOf(&c.Dests[x].Destination) == dk {
						k = x
						break
					}
				}
			}
			if k < 0 {
				dests = append(dests, ipvs.Op{Kind: ipvs.OpNewDest, Service: w.Service, Dest: d})
				continue
			}
			kept[k] = true
			old := &c.Dests[k].Destination
			if wd.NoUpper {
				d.UpperThreshold = old.UpperThreshold
			}
			if wd.NoLower {
				d.LowerThreshold = old.LowerThreshold
			}
			if !sameDest(old, &d) {
				dests = append(dests, ipvs.Op{Kind: ipvs.OpUpdateDest, Service: w.Service, Dest: d})
			}
		}
		for k := range c.Dests {
			if !kept[k] {
				dels = append(dels, ipvs.Op{Kind: ipvs.OpDelDest, Service: c.Service, Dest: c.Dests[k].Destination})
			}
		}
	}
	// Deleting a service deletes its destinations with it.
	for i := range cur {
		if !wanted[keyOf(&cur[i].Service)] {
			dels = append(dels, ipvs.Op{Kind: ipvs.OpDelService, Service: cur[i].Service})
		}
	}
	ops := append(adds, dests...)
	return append(ops, dels...)
}

// sameService compares what -E can change and -S shows. The persistence
// timeout and netmask only matter (and only print) for a persistent
// service; the kernel's hashed flag is its own business.
func sameService(a, b *ipvs.Service) bool {
	const flags = ^ipvs.SvcHashed
	if a.Scheduler != b.Scheduler || a.Flags&flags != b.Flags&flags || a.PEName != b.PEName {
		return false
	}
	if (a.Flags|b.Flags)&ipvs.SvcPersistent != 0 {
		return a.Timeout == b.Timeout && a.Netmask == b.Netmask
	}
	return true
}

// fwd is the forwarding method as a rule states it: the kernel reports a
// -g destination on a local address as local, which -S prints as -g too.
func fwd(d *ipvs.Destination) ipvs.ForwardMethod {
	if m := d.FwdMethod(); m != ipvs.FwdLocal {
		return m
	}
	return ipvs.FwdDirect
}

// sameDest compares what -e can change.
func sameDest(a, b *ipvs.Destination) bool {
	if fwd(a) != fwd(b) || a.Weight != b.Weight ||
		a.UpperThreshold != b.UpperThreshold || a.LowerThreshold != b.LowerThreshold {
		return false
	}
	if fwd(a) == ipvs.FwdTunnel {
		return a.TunType == b.TunType && a.TunPort == b.TunPort && a.TunFlags == b.TunFlags
	}
	return true
}
