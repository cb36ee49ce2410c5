package main

import "testing"

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
