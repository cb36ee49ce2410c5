package top

import (
	"strconv"
	"strings"
)

// Numbers in the table's narrow columns: the fewest characters that still
// read right, with units beyond what fits.

// human is v in at most w characters: one decimal below 10 when it is not
// whole, else whole, else scaled by base with a unit letter.
func human(v float64, w int, base float64, units string) string {
	if v < 10 && v != float64(int64(v)) {
		if s := strconv.FormatFloat(v, 'f', 1, 64); len(s) <= w {
			return s
		}
	}
	if s := strconv.FormatFloat(v, 'f', 0, 64); len(s) <= w {
		return s
	}
	for _, u := range units {
		v /= base
		if v < 9.95 {
			return strconv.FormatFloat(v, 'f', 1, 64) + string(u)
		}
		if s := strconv.FormatFloat(v, 'f', 0, 64) + string(u); len(s) <= w {
			return s
		}
	}
	return strings.Repeat("#", w)
}

// count is a rate of events (connections, packets): k, M, G by 1000.
func count(v float64, w int) string { return human(v, w, 1000, "kMGTPE") }

// byteRate is a byte rate in the unit that keeps it below 1024: 812,
// 5.4K, 234K, 1.9M (a column of bytes reads best in one kind of number).
func byteRate(v float64, w int) string {
	if v < 1024 {
		return human(v, w, 1024, "")
	}
	for _, u := range "KMGTPE" {
		v /= 1024
		if v < 1023.5 || u == 'E' {
			if v < 9.95 {
				return strconv.FormatFloat(v, 'f', 1, 64) + string(u)
			}
			return strconv.FormatFloat(v, 'f', 0, 64) + string(u)
		}
	}
	return ""
}

// percent is a share as "33.3%", "100%".
func percent(f float64) string {
	p := f * 100
	if p >= 99.95 {
		return "100%"
	}
	return strconv.FormatFloat(p, 'f', 1, 64) + "%"
}

// seconds is a duration as the header shows it: 2s, 0.5s, 1.25s.
func seconds(secs float64) string {
	return strconv.FormatFloat(secs, 'f', -1, 64) + "s"
}

// fit is s cut or padded to exactly w bytes (the view is ASCII but for
// names, which are cut at a byte boundary of a rune); a cut ends in '~'.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if len(s) > w {
		cut := w - 1
		for cut > 0 && s[cut]&0xc0 == 0x80 {
			cut--
		}
		return s[:cut] + "~" + strings.Repeat(" ", w-1-cut)
	}
	return s + strings.Repeat(" ", w-len(s))
}

// right is s right-aligned in w bytes (cut like fit when longer).
func right(s string, w int) string {
	if len(s) >= w {
		return fit(s, w)
	}
	return strings.Repeat(" ", w-len(s)) + s
}
