package arpprep

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/lvsgo/ipvsadm/internal/realserver"
)

// FormatCommands prints acts as the shell commands that do the same, one a
// line, then the lines of what --persist would do (see PersistLines); a
// comment line when there is nothing to do.
func FormatCommands(acts []Action, persist ...string) string {
	if len(acts) == 0 && len(persist) == 0 {
		return "# nothing to change\n"
	}
	var b strings.Builder
	for _, a := range acts {
		b.WriteString(a.Command())
		b.WriteByte('\n')
	}
	for _, l := range persist {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// PersistLines is what --persist (with --remove, too) would do to the
// configuration file at path and to the unit, for --dry-run: nothing for an
// unchanged file, rm for one with no VIP left, else shell comments showing
// its VIP lines; then the systemctl command of verb, if any.
func PersistLines(path string, changed bool, entries []Entry, verb string) []string {
	var out []string
	switch {
	case !changed:
	case len(entries) == 0:
		out = append(out, "rm "+path)
	default:
		out = append(out, "# write "+path+" with:")
		for _, e := range entries {
			out = append(out, "#   "+e.String())
		}
	}
	if verb != "" {
		out = append(out, "systemctl "+verb+" "+Unit)
	}
	return out
}

// FormatCheck prints a --check report, one item a line:
//
//	ok     sysctl  net.ipv4.conf.all.arp_ignore = 1
//	wrong  address 10.0.0.1: not on lo (want 10.0.0.1/32 dev lo)
//	warn   persist 10.0.0.1: not recorded (lost at reboot; --persist records it)
func FormatCheck(items []realserver.Item) string {
	var b strings.Builder
	for _, it := range items {
		status := "ok"
		switch {
		case it.Warning:
			status = "warn"
		case !it.OK:
			status = "wrong"
		}
		fmt.Fprintf(&b, "%-6s %-7s ", status, it.Kind)
		switch {
		case it.Kind == "persist" && it.Problem != "":
			fmt.Fprintf(&b, "%s: %s (%s)", it.Name, it.Have, it.Problem)
		case it.Kind == "persist":
			fmt.Fprintf(&b, "%s: %s", it.Name, it.Have)
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
	OK    bool              `json:"ok"`
	Items []realserver.Item `json:"items"`
}

// WriteCheckJSON writes a --check report as one JSON document on one line,
// like -L --json. ok is false only when an item is wrong, not when one
// only warns.
func WriteCheckJSON(w io.Writer, items []realserver.Item) error {
	if items == nil {
		items = []realserver.Item{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(checkReport{OK: AllOK(items), Items: items})
}
