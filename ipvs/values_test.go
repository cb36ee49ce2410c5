package ipvs

import (
	"reflect"
	"testing"
)

func TestVersion(t *testing.T) {
	for v, want := range map[Version]string{0x010201: "1.2.1", 0: "0.0.0", 0xff0a0b0c: "10.11.12"} {
		if got := v.String(); got != want {
			t.Errorf("Version(%#x) = %q, want %q", uint32(v), got, want)
		}
	}
}

func TestNetmask(t *testing.T) {
	for _, tc := range []struct {
		m      Netmask
		f      Family
		text   string
		ones   int
		isHost bool
	}{
		{HostMask4, AFInet, "255.255.255.255", 32, true},
		{0xffffff00, AFInet, "255.255.255.0", 24, false},
		{0, AFInet, "0.0.0.0", 0, false},
		{0xff00ff00, AFInet, "255.0.255.0", 8, false}, // not contiguous: the leading ones
		{HostMask6, AFInet6, "128", 128, true},
		{64, AFInet6, "64", 64, false},
	} {
		if got := tc.m.Format(tc.f); got != tc.text {
			t.Errorf("%#x/%v: Format %q, want %q", uint32(tc.m), tc.f, got, tc.text)
		}
		if got := tc.m.Ones(tc.f); got != tc.ones {
			t.Errorf("%#x/%v: Ones %d, want %d", uint32(tc.m), tc.f, got, tc.ones)
		}
		if got := tc.m.IsHost(tc.f); got != tc.isHost {
			t.Errorf("%#x/%v: IsHost %v", uint32(tc.m), tc.f, got)
		}
	}
}

func TestSchedFlags(t *testing.T) {
	all := SvcSchedFlag1 | SvcSchedFlag2 | SvcSchedFlag3
	for _, tc := range []struct {
		sched string
		flags uint32
		want  string
	}{
		{"rr", all, "flag-1,flag-2,flag-3"},
		{"sh", all, "sh-fallback,sh-port"}, // sh has no third name
		{"mh", SvcSchedFlag2, "mh-port"},
		{"wlc", SvcSchedFlag3, "flag-3"},
		{"sh", 0, ""},
	} {
		if got := string(AppendSchedFlags(nil, tc.sched, tc.flags)); got != tc.want {
			t.Errorf("%s %#x: %q, want %q", tc.sched, tc.flags, got, tc.want)
		}
		var list []string
		if tc.want != "" {
			list = splitComma(tc.want)
		}
		if got := SchedFlagNames(tc.sched, tc.flags); !reflect.DeepEqual(got, list) {
			t.Errorf("%s %#x: names %q, want %q", tc.sched, tc.flags, got, list)
		}
	}
	for _, f := range SchedFlags {
		if g, ok := ParseSchedFlag(f.Name); !ok || g != f {
			t.Errorf("ParseSchedFlag(%q) = %v, %v", f.Name, g, ok)
		}
	}
	if _, ok := ParseSchedFlag("flag-4"); ok {
		t.Error("flag-4 parsed")
	}
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}
