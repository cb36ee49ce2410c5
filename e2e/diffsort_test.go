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
