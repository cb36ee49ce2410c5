package upstream

import "testing"

func TestApply(t *testing.T) {
	in := "IP Virtual Server version 1.2.1 (size=4096)\n" +
		"FWM  -1294967296 rr\n" +
		"FWM  7 rr\n" +
		"FWM  -1 IPv6 wrr\n" +
		"FWM  -2147483647 IPv6                    0        0\n" +
		"-A -f -1294967296 -s rr\n" +
		"-a -f -1294967296 -r 10.0.0.1:0 -g -w 1\n" +
		"TCP  10.0.0.1:80 rr\n" +
		"  -> -f -5 not a rule\n" +
		"-6 used before -f\n"
	cases := []struct {
		ref  Reference
		want string
		seen map[string]int
	}{
		{Bookworm, "IP Virtual Server version 1.2.1 (size=4096)\n" +
			"FWM  3000000000 rr\n" +
			"FWM  7 rr\n" +
			"FWM  4294967295 IPv6 wrr\n" +
			"FWM  2147483649 IPv6                     0        0\n" +
			"-A -f 3000000000 -s rr\n" +
			"-a -f 3000000000 -r 10.0.0.1:0 -g -w 1\n" +
			"TCP  10.0.0.1:80 rr\n" +
			"  -> -f -5 not a rule\n" +
			"-6 must follow -f\n",
			map[string]int{"unsigned fwmark": 5, "-6 must follow -f": 1}},
		{Trixie, "IP Virtual Server version 1.2.1 (size=4096)\n" +
			"FWM  3000000000 rr\n" +
			"FWM  7 rr\n" +
			"FWM  4294967295 IPv6 wrr\n" +
			"FWM  2147483649 IPv6                     0        0\n" +
			"-A -f 3000000000 -s rr\n" +
			"-a -f 3000000000 -r 10.0.0.1:0 -g -w 1\n" +
			"TCP  10.0.0.1:80 rr\n" +
			"  -> -f -5 not a rule\n" +
			"-6 used before -f\n",
			map[string]int{"unsigned fwmark": 5}},
	}
	for _, c := range cases {
		seen := map[string]int{}
		if got := Apply(c.ref, in, seen); got != c.want {
			t.Errorf("%s:\n%s\nwant:\n%s", c.ref, got, c.want)
		}
		if len(seen) != len(c.seen) {
			t.Errorf("%s: seen %v, want %v", c.ref, seen, c.seen)
		}
		for k, v := range c.seen {
			if seen[k] != v {
				t.Errorf("%s: seen %v, want %v", c.ref, seen, c.seen)
			}
		}
	}
	// No final newline, empty text, a number too big to be an int32.
	if got := Apply(Bookworm, "FWM  -1 rr", nil); got != "FWM  4294967295 rr" {
		t.Errorf("no newline: %q", got)
	}
	if got := Apply(Trixie, "FWM  -1                          0\n", nil); got != "FWM  4294967295                  0\n" {
		t.Errorf("longer mark in a padded column: %q", got)
	}
	if got := Apply(Bookworm, "", nil); got != "" {
		t.Errorf("empty: %q", got)
	}
	if got := Apply(Bookworm, "FWM  -99999999999 rr\n", nil); got != "FWM  -99999999999 rr\n" {
		t.Errorf("out of range rewritten: %q", got)
	}
}
