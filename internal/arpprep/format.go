package arpprep

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// FormatCommands prints acts as the shell commands that do the same, one a
// line; a comment line when there is nothing to do.
func FormatCommands(acts []Action) string {
	if len(acts) == 0 {
		return "# nothing to change\n"
	}
	var b strings.Builder
	for _, a := range acts {
		b.WriteString(a.Command())
		b.WriteByte('\n')
	}
	return b.String()
}

// FormatCheck prints a --check report, one item a line:
//
//	ok     sysctl  net.ipv4.conf.all.arp_ignore = 1
//	wrong  address 10.0.0.1: not on lo (want 10.0.0.1/32 dev lo)
func FormatCheck(items []Item) string {
	var b strings.Builder
	for _, it := range items {
		status := "ok"
		if !it.OK {
			status = "wrong"
		}
		fmt.Fprintf(&b, "%-6s %-7s ", status, it.Kind)
		switch {
		case it.Kind == "sysctl" && it.OK:
			fmt.Fprintf(&b, "%s = %s", it.Name, it.Have)
		case it.Kind == "sysctl" && it.Have == "":
			fmt.Fprintf(&b, "%s: %s (want %s)", it.Name, it.Problem, it.Want)
		case it.Kind == "sysctl":
			fmt.Fprintf(&b, "%s = %s (want %s)", it.Name, it.Have, it.Want)
		case it.OK:
			b.WriteString(it.Have)
		case it.Have == "":
			fmt.Fprintf(&b, "%s: %s (want %s)", it.Name, it.Problem, it.Want)
		default:
			fmt.Fprintf(&b, "%s: %s (want only %s)", it.Have, it.Problem, it.Want)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// checkReport is the --check --json document.
type checkReport struct {
	OK    bool   `json:"ok"`
	Items []Item `json:"items"`
}

// WriteCheckJSON writes a --check report as one JSON document.
func WriteCheckJSON(w io.Writer, items []Item) error {
	if items == nil {
		items = []Item{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(checkReport{OK: AllOK(items), Items: items})
}
