package arpprep

import (
	"fmt"
	"slices"
)

// persistPlan is what --persist changes besides the kernel: the
// configuration file (from old to entries) and the unit (verb). A nil
// *persistPlan changes nothing.
type persistPlan struct {
	old     Conf
	entries []Entry
	unit    unitState
	verb    string // "enable", "disable" or ""
}

// planPersist loads the file (refusing a damaged one before anything
// changes), applies change to its entries, and decides the unit's fate:
// enabled while a VIP is recorded, disabled when none is left.
func planPersist(env Env, change func([]Entry) []Entry) (*persistPlan, error) {
	old, err := env.Conf.Load()
	if err != nil {
		return nil, err
	}
	u, err := queryUnit(env.Systemctl)
	if err != nil {
		return nil, err
	}
	p := &persistPlan{old: old, entries: change(old.Entries), unit: u}
	switch {
	case !u.systemd:
	case len(p.entries) > 0 && !u.enabled:
		p.verb = "enable"
	case len(p.entries) == 0 && u.enabled:
		p.verb = "disable"
	}
	return p, nil
}

func (p *persistPlan) confChanged() bool {
	return !slices.Equal(p.old.Entries, p.entries) || len(p.entries) == 0 && p.old.raw != nil
}

// lines is the plan for --dry-run.
func (p *persistPlan) lines(env Env) []string {
	if p == nil {
		return nil
	}
	out := PersistLines(env.Conf.Path, p.confChanged(), p.entries, p.verb)
	if n := p.noticeText(env); n != "" {
		out = append(out, "# "+n)
	}
	return out
}

func (p *persistPlan) unitStep(env Env) step {
	if p == nil || p.verb == "" {
		return step{}
	}
	enable := p.verb == "enable"
	return step{
		do:   func() error { return setUnit(env.Systemctl, enable) },
		undo: func() error { return setUnit(env.Systemctl, !enable) },
	}
}

func (p *persistPlan) confStep(env Env) step {
	if p == nil || !p.confChanged() {
		return step{}
	}
	return step{
		do:   func() error { return env.Conf.Save(p.entries) },
		undo: func() error { return env.Conf.Restore(p.old) },
	}
}

// noticeText says, without systemd, that recording is all --persist did.
func (p *persistPlan) noticeText(env Env) string {
	if p == nil || p.unit.systemd || len(p.entries) == 0 {
		return ""
	}
	return fmt.Sprintf("note: no systemctl, so no unit to enable: VIPs are recorded in %s, but only an init system that runs \"ipvsadm arp-prep --boot\" prepares them at boot",
		env.Conf.Path)
}

func (p *persistPlan) notice(env Env) {
	if n := p.noticeText(env); n != "" {
		fmt.Fprintf(env.Stderr, "%s%s\n", prefix, n)
	}
}
