package top

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/show"
)

// View is how the table is shown: what the keys change.
type View struct {
	Interval time.Duration // the refresh interval asked for
	Sort     SortKey
	Numeric  bool
	Names    show.Namer // used unless Numeric
	// Filter keeps the services whose line contains it (any case).
	Filter string
	Paused bool
	// Scroll is the first table row on screen.
	Scroll int
	// Editing: the filter is being typed; the footer shows it.
	Editing bool
	// Notice is a problem the last refresh had (it keeps the frame before).
	Notice string
}

// column is one numeric column of the table.
type column struct {
	head        string
	narrow, wid int // widths in the narrow and wide layouts; 0: not shown
	left        bool
	cell        func(r *Row, w int, measuring bool) string
}

// align is s in the column's w bytes, on its side.
func (c *column) align(s string, w int) string {
	if c.left {
		return fit(s, w)
	}
	return right(s, w)
}

func rate(f func(r *Rates) float64, unit func(float64, int) string) func(*Row, int, bool) string {
	return func(r *Row, w int, measuring bool) string {
		if measuring {
			return "-"
		}
		return unit(f(&r.Rates), w)
	}
}

var columns = []column{
	{"Method", 6, 6, true, func(r *Row, w int, _ bool) string {
		switch {
		case r.Dest != nil:
			return r.Dest.FwdMethod().String()
		case r.Service != nil:
			return r.Service.Scheduler
		}
		return ""
	}},
	{"Wgt", 5, 6, false, func(r *Row, w int, _ bool) string {
		if r.Dest == nil {
			return ""
		}
		return count(float64(r.Dest.Weight), w)
	}},
	{"Conn/s", 6, 7, false, rate(func(r *Rates) float64 { return r.CPS }, count)},
	{"Conn%", 5, 6, false, func(r *Row, w int, measuring bool) string {
		switch {
		case r.Service == nil:
			return ""
		case measuring || !r.HasConnShare:
			return "-"
		}
		return percent(r.ConnShare)
	}},
	{"Wgt%", 5, 6, false, func(r *Row, w int, _ bool) string {
		switch {
		case r.Dest == nil:
			return ""
		case !r.HasWeightShare:
			return "-"
		}
		return percent(r.WeightShare)
	}},
	{"InPkt/s", 0, 8, false, rate(func(r *Rates) float64 { return r.InPPS }, count)},
	{"OutPkt/s", 0, 9, false, rate(func(r *Rates) float64 { return r.OutPPS }, count)},
	{"InB/s", 5, 8, false, rate(func(r *Rates) float64 { return r.InBPS }, byteRate)},
	{"OutB/s", 6, 8, false, rate(func(r *Rates) float64 { return r.OutBPS }, byteRate)},
	{"Active", 6, 10, false, func(r *Row, w int, _ bool) string { return count(float64(r.Active), w) }},
	{"InAct", 5, 10, false, func(r *Row, w int, _ bool) string { return count(float64(r.Inactive), w) }},
}

// layout is the columns at one width: each column's width (0: hidden)
// and the label column's.
type layout struct {
	label  int
	widths []int
}

const (
	minLabel = 16
	// wideFrom is the terminal width from which the wide layout (packet
	// rates, wider columns) is used.
	wideFrom = 110
	// headLines are the lines above the table's rows: title, status,
	// column heads, totals; the footer is one more.
	headLines = 4
)

func fixedWidth(wide bool) int {
	n := 0
	for _, c := range columns {
		w := c.narrow
		if wide {
			w = c.wid
		}
		if w > 0 {
			n += 1 + w
		}
	}
	return n
}

// MinWidth and MinHeight are the smallest terminal the view fits.
var (
	MinWidth  = minLabel + fixedWidth(false)
	MinHeight = headLines + 2
)

func layoutFor(w int) layout {
	wide := w >= wideFrom
	l := layout{label: w - fixedWidth(wide)}
	for _, c := range columns {
		if wide {
			l.widths = append(l.widths, c.wid)
		} else {
			l.widths = append(l.widths, c.narrow)
		}
	}
	return l
}

// row is one table row as text.
func (l *layout) row(label string, r *Row, measuring bool) string {
	var b strings.Builder
	b.WriteString(fit(label, l.label))
	for i, c := range columns {
		if w := l.widths[i]; w > 0 {
			b.WriteByte(' ')
			b.WriteString(c.align(c.cell(r, w, measuring), w))
		}
	}
	return strings.TrimRight(b.String(), " ")
}

func (l *layout) heads() string {
	var b strings.Builder
	b.WriteString(fit("Prot LocalAddress:Port", l.label))
	for i, c := range columns {
		if w := l.widths[i]; w > 0 {
			b.WriteByte(' ')
			b.WriteString(c.align(c.head, w))
		}
	}
	return b.String()
}

// line is a table row before layout.
type line struct {
	label string
	row   *Row
}

func (v *View) serviceLabel(r *Row) string {
	return string(show.AppendServiceName(nil, r.Service, show.Numeric(v.Numeric), v.Names))
}

func (v *View) destLabel(r *Row) string {
	return string(show.AppendDestName([]byte("  -> "), r.Service, r.Dest, show.Numeric(v.Numeric), v.Names))
}

// sortValue is r's value for key k (larger first).
func sortValue(r *Row, k SortKey) float64 {
	switch k {
	case SortCPS:
		return r.Rates.CPS
	case SortInPPS:
		return r.Rates.InPPS
	case SortOutPPS:
		return r.Rates.OutPPS
	case SortInBPS:
		return r.Rates.InBPS
	case SortOutBPS:
		return r.Rates.OutBPS
	case SortActive:
		return float64(r.Active)
	case SortInactive:
		return float64(r.Inactive)
	}
	return 0
}

// Lines are the table's rows in the view's order and filter: each service
// and under it its real servers. Ties keep -L's order.
func (v *View) Lines(t *Table) []line {
	type shown struct {
		*ServiceRows
		label string // made once: the filter reads it too
	}
	svcs := make([]shown, 0, len(t.Services))
	filter := strings.ToLower(v.Filter)
	for i := range t.Services {
		s := shown{&t.Services[i], v.serviceLabel(&t.Services[i].Row)}
		if filter != "" && !v.matches(s.ServiceRows, s.label, filter) {
			continue
		}
		svcs = append(svcs, s)
	}
	byKey := func(a, b *Row) int { return cmp.Compare(sortValue(b, v.Sort), sortValue(a, v.Sort)) }
	if v.Sort != SortName {
		slices.SortStableFunc(svcs, func(a, b shown) int { return byKey(&a.Row, &b.Row) })
	}
	var out []line
	for _, s := range svcs {
		out = append(out, line{s.label, &s.Row})
		ds := make([]*Row, len(s.Dests))
		for i := range s.Dests {
			ds[i] = &s.Dests[i]
		}
		if v.Sort != SortName {
			slices.SortStableFunc(ds, byKey)
		}
		for _, d := range ds {
			out = append(out, line{v.destLabel(d), d})
		}
	}
	return out
}

// matches reports whether the service's line, with names (label, unless
// numeric) or numeric, contains filter (lower case).
func (v *View) matches(s *ServiceRows, label, filter string) bool {
	line := s.Service.Scheduler + " " + string(show.AppendServiceName(nil, s.Service, grammar.FmtNumeric, nil))
	if !v.Numeric {
		line += " " + label
	}
	return strings.Contains(strings.ToLower(line), filter)
}

// title is the frame's first line.
func (v *View) title(t *Table) string {
	var b strings.Builder
	b.WriteString("ipvsadm top - ")
	b.WriteString(t.Time.Format("2006-01-02 15:04:05"))
	b.WriteString(" - every ")
	b.WriteString(seconds(v.Interval.Seconds()))
	b.WriteString(" - IPVS ")
	b.WriteString(t.Info.Version.String())
	b.WriteString(" - sort: ")
	b.WriteString(v.Sort.String())
	return b.String()
}

// status is the second line: what the numbers are, and the view's state.
func (v *View) status(t *Table, shown int) string {
	var b strings.Builder
	if t.Measuring {
		b.WriteString("Measuring: rates from the next refresh on")
	} else {
		b.WriteString(plural(len(t.Services), "service"))
		b.WriteString(", ")
		b.WriteString(plural(t.NDests, "real server"))
		b.WriteString("; rates over ")
		b.WriteString(strconv.FormatFloat(t.Elapsed.Seconds(), 'f', 2, 64))
		b.WriteString("s")
	}
	if v.Filter != "" {
		b.WriteString("; filter \"")
		b.WriteString(v.Filter)
		b.WriteString("\": ")
		b.WriteString(plural(shown, "service"))
	}
	if v.Paused {
		b.WriteString("; PAUSED")
	}
	if v.Notice != "" {
		b.WriteString("; ")
		b.WriteString(v.Notice)
	}
	return b.String()
}

func plural(n int, what string) string {
	s := strconv.Itoa(n) + " " + what
	if n != 1 {
		s += "s"
	}
	return s
}

// totals is the Total row of what ls shows: the table's, or the sum of
// the services a filter kept.
func (v *View) totals(t *Table, ls []line) *Row {
	if v.Filter == "" {
		return &t.Totals
	}
	var r Row
	for _, l := range ls {
		if l.row.Dest == nil {
			r.add(l.row)
		}
	}
	return &r
}

func services(ls []line) int {
	n := 0
	for _, l := range ls {
		if l.row.Dest == nil {
			n++
		}
	}
	return n
}

// bodyRows is how many table rows an h-line screen shows.
func bodyRows(h int) int { return h - headLines - 1 }

// Footer is the keys line of the full-screen view.
const footerKeys = "q quit  s sort  n names  p pause  / filter  Up Down PgUp PgDn"

// Screen lays t out on a w×h terminal: h lines of at most w bytes, and the
// scroll position it used (v.Scroll kept within the table). Line 2 is the
// column heads and the last line the footer, which the terminal shows in
// reverse.
func Screen(t *Table, v *View, w, h int) ([]string, int) {
	out := make([]string, h)
	if w < MinWidth || h < MinHeight {
		msg := "Terminal too small (" + strconv.Itoa(w) + "x" + strconv.Itoa(h) + "): ipvsadm top needs " +
			strconv.Itoa(MinWidth) + "x" + strconv.Itoa(MinHeight) + "; q quits"
		if h > 0 {
			out[0] = strings.TrimRight(fit(msg, w), " ")
		}
		return out, v.Scroll
	}
	l := layoutFor(w)
	ls := v.Lines(t)
	body := bodyRows(h)
	scroll := min(max(v.Scroll, 0), max(len(ls)-body, 0))
	out[0] = fit(v.title(t), w)
	out[1] = fit(v.status(t, services(ls)), w)
	out[2] = l.heads()
	out[3] = l.row("Total", v.totals(t, ls), t.Measuring)
	for i := 0; i < body && scroll+i < len(ls); i++ {
		x := ls[scroll+i]
		out[headLines+i] = l.row(x.label, x.row, t.Measuring)
	}
	var foot string
	if v.Editing {
		foot = "Filter services: " + v.Filter + "_  (Enter keeps it, Esc cancels)"
	} else {
		foot = footerKeys
		if len(ls) > body {
			pos := "rows " + strconv.Itoa(scroll+1) + "-" + strconv.Itoa(min(scroll+body, len(ls))) + " of " + strconv.Itoa(len(ls))
			if len(foot)+2+len(pos) <= w {
				foot += strings.Repeat(" ", w-len(foot)-len(pos)) + pos
			} else {
				foot = pos
			}
		}
	}
	out[h-1] = fit(foot, w)
	for i := range out {
		if i != 2 && i != h-1 {
			out[i] = strings.TrimRight(out[i], " ")
		}
	}
	return out, scroll
}

// Text is one batch frame: the view's lines for a terminal as wide as the
// wide layout or the longest name needs, every row, no footer, and a blank
// line after it.
func Text(t *Table, v *View) string {
	ls := v.Lines(t)
	label := 40
	for _, x := range ls {
		label = max(label, len(x.label))
	}
	l := layoutFor(label + fixedWidth(true))
	var b strings.Builder
	for _, s := range []string{v.title(t), v.status(t, services(ls)), strings.TrimRight(l.heads(), " "), l.row("Total", v.totals(t, ls), t.Measuring)} {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	for _, x := range ls {
		b.WriteString(l.row(x.label, x.row, t.Measuring))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	return b.String()
}
