//go:build e2e

package e2e

import (
	"strings"
	"testing"
)

func TestSortConnRuns(t *testing.T) {
	in := "IPVS connection entries\n" +
		"pro expire state       source             virtual            destination\n" +
		"UDP MM:SS  UDP         10.0.0.9:4000      10.0.0.1:53        192.168.1.11:53\n" +
		"UDP MM:SS  NONE        10.0.0.9:0         10.0.0.1:53        192.168.1.11:53\n" +
		"$ tail\n" +
		"TCP MM:SS  b\n" +
		"TCP MM:SS  a\n"
	want := "IPVS connection entries\n" +
		"pro expire state       source             virtual            destination\n" +
		"UDP MM:SS  NONE        10.0.0.9:0         10.0.0.1:53        192.168.1.11:53\n" +
		"UDP MM:SS  UDP         10.0.0.9:4000      10.0.0.1:53        192.168.1.11:53\n" +
		"$ tail\n" +
		"TCP MM:SS  a\n" +
		"TCP MM:SS  b\n"
	if got := sortConnRuns(in); got != want {
		t.Errorf("sortConnRuns:\n%s\nwant:\n%s", got, want)
	}
	// A line that differs must still differ after sorting.
	if sortConnRuns(in) == sortConnRuns(in[:len(in)-2]+"c\n") {
		t.Error("sorting hid a differing line")
	}
}

func TestUnsortedList(t *testing.T) {
	for args, want := range map[string]bool{
		"-Ln --nosort":                      true,
		"-L -n --sort --nosort":             true,
		"-Sn --nosort":                      true,
		"-n --save --nosort":                true,
		"-S":                                false,
		"-Ln":                               false,
		"-A -t 10.0.0.1:80 --nosort":        false,
		"-L -n --stats --nosort --exact":    true,
		"-A -t 10.0.0.1:80 -s rr":           false,
		"-- -L --nosort":                    false,
		"-a -t 10.0.0.1:80 -r rs1 --nosort": false,
	} {
		if got := unsortedList(strings.Fields(args)); got != want {
			t.Errorf("unsortedList(%s) = %v, want %v", args, got, want)
		}
	}
}

func TestMappedNames(t *testing.T) {
	in := "TCP  [web.example.com]:http wlc\n" +
		"-A -t [web.example.com]:http -s wlc\n" +
		"TCP  [dual.example.com]:http wlc\n" +
		"TCP  [web6.example.com]:http wlc\n" +
		"TCP  [2001:db8::20]:http wlc\n"
	want := "TCP  [::ffff:10.0.0.1]:http wlc\n" +
		"-A -t [::ffff:10.0.0.1]:http -s wlc\n" +
		"TCP  [dual.example.com]:http wlc\n" +
		"TCP  [web6.example.com]:http wlc\n" +
		"TCP  [2001:db8::20]:http wlc\n"
	seen := map[string]int{}
	if got := mappedNames(in, seen); got != want || seen[libcMapped] != 2 {
		t.Errorf("mappedNames:\n%s\nwant:\n%s(seen %v)", got, want, seen)
	}
}
