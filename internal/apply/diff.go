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
		have := make(map[destKey]*ipvs.Destination, len(c.Dests))
		for k := range c.Dests {
			have[dkeyOf(&c.Dests[k].Destination)] = &c.Dests[k].Destination
		}
		keep := make(map[destKey]bool, len(w.Dests))
		for _, wd := range w.Dests {
			d := wd.Destination
			dk := dkeyOf(&d)
			keep[dk] = true
			old, ok := have[dk]
			if !ok {
				dests = append(dests, ipvs.Op{Kind: ipvs.OpNewDest, Service: w.Service, Dest: d})
				continue
			}
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
		for _, d := range c.Dests {
			if !keep[dkeyOf(&d.Destination)] {
				dels = append(dels, ipvs.Op{Kind: ipvs.OpDelDest, Service: c.Service, Dest: d.Destination})
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
