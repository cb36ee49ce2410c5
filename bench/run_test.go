package main

import (
	"strings"
	"testing"
)

func TestParseKB(t *testing.T) {
	status := []byte("Name:\tipvsadm\nVmPeak:\t 1229436 kB\nVmHWM:\t    4368 kB\nVmRSS:\t    4360 kB\n")
	rollup := []byte("00400000-7fff0000 ---p 00000000 00:00 0  [rollup]\nRss:                5120 kB\nPss:                5000 kB\n")
	for _, tc := range []struct {
		in   []byte
		key  string
		want int64
		ok   bool
	}{
		{status, "VmHWM:", 4368, true},
		{status, "VmRSS:", 4360, true},
		{rollup, "Rss:", 5120, true},
		{rollup, "VmHWM:", 0, false},
		{[]byte("x\nVmHWM: 12 MB\n"), "VmHWM:", 0, false},
		{[]byte("x\nVmHWM:\n"), "VmHWM:", 0, false},
	} {
		got, ok := parseKB(tc.in, tc.key)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseKB(%q, %q) = %d, %v; want %d, %v", tc.in, tc.key, got, ok, tc.want, tc.ok)
		}
	}
}

func TestScaleInputs(t *testing.T) {
	const n, reals = 3000, 4
	full := genRules(n, reals)
	if got := append(genRulesRange(0, n/2, reals), genRulesRange(n/2, n, reals)...); string(got) != string(full) {
		t.Error("the two halves are not the rule set")
	}
	changed := string(genChanged(n, reals))
	count := func(s, sub string) int { return strings.Count(s, sub) }
	// 1%: 10 services gone, 10 with another scheduler, 10 new.
	if a := count(changed, "-A "); a != n {
		t.Errorf("%d services, want %d", a, n)
	}
	if c := count(changed, " -s nq"); c != n/300 {
		t.Errorf("%d services with the new scheduler, want %d", c, n/300)
	}
	if strings.Contains(changed, "-A "+genService(0).key+" ") || !strings.Contains(changed, "-A "+genService(n).key+" ") {
		t.Error("service 0 still there or service n missing")
	}
	if d := count(changed, "-a "); d != n*reals {
		t.Errorf("%d real servers, want %d", d, n*reals)
	}
}
