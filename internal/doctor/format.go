package doctor

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/lvsgo/ipvsadm/internal/diagnose"
)

// Mode is what doctor checked: a director or a real server.
type Mode string

// The two modes, as the JSON's "mode" spells them.
const (
	ModeDirector   Mode = "director"
	ModeRealServer Mode = "real-server"
)

// host is the subject of findings about the whole host.
func (m Mode) host() string {
	if m == ModeRealServer {
		return "this host"
	}
	return "director"
}

// maxSubject caps the subject column: longer subjects (IPv6) are not
// padded to, so short lines stay short.
const maxSubject = 40

// FormatText prints one line per finding, status and subject in aligned
// columns, each fix indented below it, and a count at the end:
//
//	fail  TCP 172.16.1.143:80 -> 192.168.1.12:80  replies bypass the director: ...
//	      fix: on 192.168.1.12: ip route replace default via 192.168.1.118
func FormatText(fs []diagnose.Finding, m Mode) string {
	width := 0
	for _, f := range fs {
		if n := len(f.Subject(m.host())); n <= maxSubject {
			width = max(width, n)
		}
	}
	var b strings.Builder
	var n [3]int
	for _, f := range fs {
		n[f.Status]++
		fmt.Fprintf(&b, "%-4s  %-*s  %s\n", f.Status, width, f.Subject(m.host()), f.Message)
		for _, c := range f.Fix {
			b.WriteString("      fix: ")
			if f.FixOn != "" {
				b.WriteString("on " + f.FixOn + ": ")
			}
			b.WriteString(c)
			b.WriteByte('\n')
		}
	}
	fmt.Fprintf(&b, "%d ok, %d warn, %d fail\n", n[diagnose.OK], n[diagnose.Warn], n[diagnose.Fail])
	return b.String()
}

// report is the --json document.
type report struct {
	Mode     Mode               `json:"mode"`
	OK       bool               `json:"ok"` // no finding failed
	Counts   counts             `json:"counts"`
	Findings []diagnose.Finding `json:"findings"`
}

type counts struct {
	OK   int `json:"ok"`
	Warn int `json:"warn"`
	Fail int `json:"fail"`
}

// FormatJSON prints the findings as one line of JSON.
func FormatJSON(fs []diagnose.Finding, m Mode) string {
	r := report{Mode: m, OK: !diagnose.Failed(fs), Findings: fs}
	if r.Findings == nil {
		r.Findings = []diagnose.Finding{}
	}
	for _, f := range fs {
		switch f.Status {
		case diagnose.OK:
			r.Counts.OK++
		case diagnose.Warn:
			r.Counts.Warn++
		default:
			r.Counts.Fail++
		}
	}
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // plain strings and numbers always marshal
	}
	return string(b) + "\n"
}
