package top

import (
	"flag"
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// No other program has this view, so its golden screens cannot come from
// a reference: they were made with -update and read line by line against
// the fixture's counters (TestComputeRates checks the same numbers
// independently of the layout).
var update = flag.Bool("update", false, "rewrite the golden screens in testdata/")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", name, got, want)
	}
}

func numericView() *View { return &View{Interval: 2 * time.Second, Numeric: true} }

// screenText is a screen as a terminal would show it: the lines, padded
// to w, between two rulers.
func screenText(lines []string, w int) string {
	var b strings.Builder
	b.WriteString(strings.Repeat("-", w) + "\n")
	for _, l := range lines {
		if len(l) > w {
			panic("line wider than the screen: " + l)
		}
		b.WriteString(l + "\n")
	}
	b.WriteString(strings.Repeat("-", w) + "\n")
	return b.String()
}

func TestScreenGolden(t *testing.T) {
	tab := fixture()
	prev := snapshot(director, t0, 0)
	measuring := Compute(nil, &prev)
	for _, tc := range []struct {
		name string
		tab  *Table
		v    *View
		w, h int
	}{
		{"screen-80x24.txt", tab, numericView(), 80, 24},
		{"screen-132x43.txt", tab, numericView(), 132, 43},
		{"screen-80x24-measuring.txt", measuring, numericView(), 80, 24},
		{"screen-80x24-names.txt", tab, &View{Interval: 2 * time.Second, Names: names{}}, 80, 24},
		{"screen-80x24-scrolled.txt", tab, &View{Interval: 2 * time.Second, Numeric: true, Sort: SortName, Scroll: 1 << 20}, 80, 24},
		{"screen-132x43-filter.txt", tab, &View{Interval: 500 * time.Millisecond, Numeric: true, Sort: SortActive, Filter: "172.16.1.143", Paused: true}, 132, 43},
	} {
		lines, _ := Screen(tc.tab, tc.v, tc.w, tc.h)
		if len(lines) != tc.h {
			t.Errorf("%s: %d lines, want %d", tc.name, len(lines), tc.h)
		}
		golden(t, tc.name, screenText(lines, tc.w))
	}
}

// names is a Namer with a few names, as /etc/hosts and /etc/services
// would give them.
type names struct{}

func (names) Host(a netip.Addr) (string, bool) {
	n, ok := map[string]string{"172.16.1.143": "www.lab", "192.168.1.11": "rs1", "192.168.1.12": "rs2"}[a.String()]
	return n, ok
}

func (names) Service(port uint16, _ ipvs.Protocol) (string, bool) {
	n, ok := map[uint16]string{80: "http", 53: "domain", 443: "https"}[port]
	return n, ok
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestComputeRates(t *testing.T) {
	tab := fixture()
	if tab.Measuring || tab.Elapsed != 2*time.Second {
		t.Fatalf("measuring %v, elapsed %v", tab.Measuring, tab.Elapsed)
	}
	nat := tab.Services[0]
	if nat.Service.Address.String() != "172.16.1.143" || nat.Service.Port != 80 {
		t.Fatalf("first service %v", nat.Service)
	}
	// 20 and 40 new connections in 2 s: 10/s and 20/s, shares 1/3 and 2/3
	// of the connections as of the weights 1 and 2.
	for i, want := range []struct{ cps, inpps, outbps, conn, wgt float64 }{
		{10, 70, 80000, 1.0 / 3, 1.0 / 3},
		{20, 140, 160000, 2.0 / 3, 2.0 / 3},
	} {
		d := nat.Dests[i]
		if !near(d.Rates.CPS, want.cps) || !near(d.Rates.InPPS, want.inpps) || !near(d.Rates.OutBPS, want.outbps) ||
			!d.HasConnShare || !near(d.ConnShare, want.conn) || !d.HasWeightShare || !near(d.WeightShare, want.wgt) {
			t.Errorf("NAT real server %d: %+v, want %+v", i, d, want)
		}
	}
	if !near(nat.Rates.CPS, 30) || nat.Active != 9 || nat.Inactive != 121 || nat.Conns != 60 {
		t.Errorf("NAT service: %+v", nat.Row)
	}
	// A weight-0 (quiesced) server: no share of the weights, none of the
	// connections.
	q := tab.Services[1].Dests[2]
	if !q.HasWeightShare || q.WeightShare != 0 || !q.HasConnShare || q.ConnShare != 0 || q.Rates.CPS != 0 {
		t.Errorf("quiesced server: %+v", q)
	}
	// Totals: every service's new connections.
	var conns uint64
	for _, s := range director {
		for _, d := range s.dests {
			conns += d.moved[0]
		}
	}
	if tab.Totals.Conns != conns || !near(tab.Totals.Rates.CPS, float64(conns)/2) || tab.NDests != 20 {
		t.Errorf("totals %+v (%d real servers), want %d connections", tab.Totals, tab.NDests, conns)
	}
	if s := tab.Services[2]; !near(s.ConnShare, float64(4600)/float64(conns)) {
		t.Errorf("UDP service's share %v", s.ConnShare)
	}
}

func TestComputeResetAndNew(t *testing.T) {
	prev := snapshot(director[:1], t0, 5)
	cur := snapshot(director, t0.Add(4*time.Second), 1)
	tab := Compute(&prev, &cur)
	// The NAT counters went back (zeroed, then counted 1000+20 and
	// 2000+40 connections since): that is what the interval counted.
	if d := tab.Services[0].Dests[0]; !near(d.Rates.CPS, 1020.0/4) {
		t.Errorf("after a reset: %v/s, want %v", d.Rates.CPS, 1020.0/4)
	}
	// A service new since the last snapshot counted from 0.
	if s := tab.Services[1]; !near(s.Rates.CPS, (505+505+300)/4.0) {
		t.Errorf("new service: %v/s", s.Rates.CPS)
	}
	// No time between the two: still measuring, no division by zero.
	if tab := Compute(&cur, &cur); !tab.Measuring || tab.Totals.Rates.CPS != 0 {
		t.Errorf("same snapshot twice: %+v", tab.Totals)
	}
}

func labels(v *View, tab *Table, servicesOnly bool) []string {
	var out []string
	for _, l := range v.Lines(tab) {
		if !servicesOnly || l.row.Dest == nil {
			out = append(out, strings.Join(strings.Fields(l.label), " "))
		}
	}
	return out
}

func TestSort(t *testing.T) {
	tab := fixture()
	for key, want := range map[SortKey][]string{
		SortCPS:      {"UDP 172.16.1.53:53", "TCP 172.16.1.143:80", "TCP 192.168.2.143:80", "TCP 172.16.1.143:8085", "TCP [2001:db8::80]:443", "TCP 172.16.1.143:8084", "TCP 172.16.1.143:8083", "TCP 172.16.1.143:8082", "TCP 172.16.1.143:8081", "FWM 7"},
		SortOutBPS:   {"TCP [2001:db8::80]:443", "UDP 172.16.1.53:53", "TCP 172.16.1.143:80", "TCP 172.16.1.143:8085", "TCP 172.16.1.143:8084", "TCP 172.16.1.143:8083", "TCP 172.16.1.143:8082", "TCP 172.16.1.143:8081", "TCP 192.168.2.143:80", "FWM 7"},
		SortInactive: {"UDP 172.16.1.53:53", "TCP 172.16.1.143:80", "TCP 192.168.2.143:80", "FWM 7", "TCP [2001:db8::80]:443", "TCP 172.16.1.143:8085", "TCP 172.16.1.143:8084", "TCP 172.16.1.143:8083", "TCP 172.16.1.143:8082", "TCP 172.16.1.143:8081"},
		SortName:     {"TCP 172.16.1.143:80", "TCP 192.168.2.143:80", "UDP 172.16.1.53:53", "FWM 7", "TCP [2001:db8::80]:443", "TCP 172.16.1.143:8081", "TCP 172.16.1.143:8082", "TCP 172.16.1.143:8083", "TCP 172.16.1.143:8084", "TCP 172.16.1.143:8085"},
	} {
		v := numericView()
		v.Sort = key
		if got := labels(v, tab, true); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("sort %v:\n got %q\nwant %q", key, got, want)
		}
	}
	// Real servers are sorted within their service.
	v := numericView()
	v.Sort = SortCPS
	if got := labels(v, tab, false)[:3]; strings.Join(got, "|") != "UDP 172.16.1.53:53|-> 192.168.1.21:53|-> 192.168.1.22:53" {
		t.Errorf("sorted real servers: %q", got)
	}
	v.Sort = SortActive
	if got := labels(v, tab, false)[:3]; strings.Join(got, "|") != "TCP [2001:db8::80]:443|-> [2001:db8:1::11]:443|TCP 172.16.1.143:80" {
		t.Errorf("by active connections: %q", got)
	}
	// The s key's cycle reaches every key once.
	seen := map[SortKey]bool{}
	for k := SortCPS; !seen[k]; k = k.Next() {
		seen[k] = true
		if p, ok := ParseSortKey(k.String()); !ok || p != k {
			t.Errorf("%v does not read back", k)
		}
	}
	if len(seen) != int(numSortKeys) {
		t.Errorf("s cycles through %d keys, want %d", len(seen), numSortKeys)
	}
}

func TestFilter(t *testing.T) {
	tab := fixture()
	for filter, want := range map[string][]string{
		"udp":           {"UDP 172.16.1.53:domain"},
		"192.168.2.":    {"TCP 192.168.2.143:http"},
		"fwm":           {"FWM 7"},
		"2001:DB8":      {"TCP [2001:db8::80]:https"}, // any case
		"143:808":       {"TCP www.lab:8081", "TCP www.lab:8082", "TCP www.lab:8083", "TCP www.lab:8084", "TCP www.lab:8085"},
		"wrr":           {"TCP www.lab:http"}, // the scheduler
		"www.lab:http":  {"TCP www.lab:http"}, // by name, when names are shown
		"nothing there": nil,
	} {
		v := &View{Sort: SortName, Filter: filter, Names: names{}}
		if got := labels(v, tab, true); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("filter %q: got %q, want %q", filter, got, want)
		}
	}
	// With -n a name does not match, the number does.
	v := &View{Sort: SortName, Filter: "www.lab", Numeric: true, Names: names{}}
	if got := labels(v, tab, true); len(got) != 0 {
		t.Errorf("numeric view matched a name: %q", got)
	}
	// The status line counts what the filter kept.
	lines, _ := Screen(tab, &View{Interval: time.Second, Numeric: true, Filter: "udp"}, 80, 24)
	if !strings.Contains(lines[1], `filter "udp": 1 service`) || !strings.Contains(lines[4], "UDP  172.16.1.53:53") {
		t.Errorf("filtered screen:\n%s", strings.Join(lines, "\n"))
	}
}

func TestScrollAndSmallTerminals(t *testing.T) {
	tab := fixture()
	rows := len(numericView().Lines(tab)) // 31
	for _, tc := range []struct {
		w, h, scroll, want int
	}{
		{80, 24, 0, 0},
		{80, 24, -3, 0},
		{80, 24, 5, 5},
		{80, 24, 1000, rows - (24 - headLines - 1)},
		{132, 43, 5, 0}, // everything fits
	} {
		v := numericView()
		v.Scroll = tc.scroll
		lines, got := Screen(tab, v, tc.w, tc.h)
		if got != tc.want {
			t.Errorf("%dx%d scrolled to %d: at %d, want %d", tc.w, tc.h, tc.scroll, got, tc.want)
		}
		if tc.h-headLines-1 < rows && !strings.HasSuffix(lines[tc.h-1], " of "+strconv.Itoa(rows)) {
			t.Errorf("%dx%d footer %q", tc.w, tc.h, lines[tc.h-1])
		}
	}
	for _, size := range [][2]int{{MinWidth - 1, 24}, {80, MinHeight - 1}, {10, 1}, {1, 40}, {0, 0}} {
		lines, _ := Screen(tab, numericView(), size[0], size[1])
		if len(lines) != size[1] {
			t.Fatalf("%v: %d lines", size, len(lines))
		}
		if size[1] == 0 {
			continue
		}
		if got := strings.TrimSuffix(lines[0], "~"); !strings.HasPrefix(got, "Terminal too small") && !strings.HasPrefix("Terminal too small", got) || len(lines[0]) > size[0] {
			t.Errorf("%v: %q", size, lines[0])
		}
		for _, l := range lines[1:] {
			if l != "" {
				t.Errorf("%v: more than one line: %q", size, lines)
			}
		}
	}
	lines, _ := Screen(tab, numericView(), MinWidth, MinHeight)
	if strings.HasPrefix(lines[0], "Terminal too small") {
		t.Errorf("%dx%d is enough: %q", MinWidth, MinHeight, lines[0])
	}
}

func TestHuman(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		w    int
		want string
	}{
		{0, 6, "0"}, {0.5, 6, "0.5"}, {9.96, 6, "10.0"}, {10, 6, "10"}, {12.6, 6, "13"},
		{99999, 5, "99999"}, {100000, 5, "100k"}, {123456, 5, "123k"}, {1234567, 5, "1235k"}, {12345678, 5, "12M"}, {1234567, 4, "1.2M"}, {15e6, 5, "15M"},
		{999999, 5, "1000k"}, {1e20, 5, "100E"},
	} {
		if got := count(tc.v, tc.w); got != tc.want {
			t.Errorf("count(%v, %d) = %q, want %q", tc.v, tc.w, got, tc.want)
		}
	}
	if got := byteRate(160000, 5); got != "156K" {
		t.Errorf("byteRate(160000) = %q", got)
	}
	if got := byteRate(2*1024*1024, 4); got != "2.0M" {
		t.Errorf("byteRate(2 MiB) = %q", got)
	}
	for f, want := range map[float64]string{1.0 / 3: "33.3%", 2.0 / 3: "66.7%", 1: "100%", 0: "0.0%", 0.9996: "100%"} {
		if got := percent(f); got != want {
			t.Errorf("percent(%v) = %q, want %q", f, got, want)
		}
	}
}

// The man page gives the smallest terminal and every sort key; --help
// every sort key too.
func TestDocumented(t *testing.T) {
	page, err := os.ReadFile("../../ipvsadm.8")
	if err != nil {
		t.Fatal(err)
	}
	sec := string(page)
	if i := strings.Index(sec, ".SS top\n"); i >= 0 {
		sec = sec[i:]
		sec = sec[:strings.Index(sec[1:], ".SS ")+1]
	} else {
		t.Fatal("no top section in ipvsadm.8")
	}
	want := "smaller than " + strconv.Itoa(MinWidth) + " columns by " + strconv.Itoa(MinHeight) + " lines"
	if !strings.Contains(strings.ReplaceAll(sec, "\n", " "), want) {
		t.Errorf("the man page does not say %q", want)
	}
	for _, k := range SortKeys() {
		if !strings.Contains(sec, ".B "+k+"\n") && !strings.Contains(sec, ".BR "+k+" ") && !strings.Contains(sec, " "+k+"\n") {
			t.Errorf("the man page does not name sort key %s", k)
		}
		if !strings.Contains(Usage, k) {
			t.Errorf("--help does not name sort key %s", k)
		}
	}
	if !strings.Contains(sec, "wider") || !strings.Contains(sec, strconv.Itoa(wideFrom)+" columns") {
		t.Errorf("the man page does not say from what width packets show (%d)", wideFrom)
	}
}
