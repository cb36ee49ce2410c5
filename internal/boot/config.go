package boot

import (
	"fmt"
	"strconv"
	"strings"
)

// Flavor is whose settings files and behaviour a run follows.
type Flavor int

const (
	Debian Flavor = iota + 1
	RHEL
)

func (f Flavor) String() string {
	switch f {
	case Debian:
		return "debian"
	case RHEL:
		return "rhel"
	}
	return "Flavor(" + strconv.Itoa(int(f)) + ")"
}

// ConfigPath is the flavour's settings file.
func (f Flavor) ConfigPath() string {
	if f == RHEL {
		return "/etc/sysconfig/ipvsadm-config"
	}
	return "/etc/default/ipvsadm"
}

// RulesPath is the flavour's rules file (ipvsadm -S -n lines).
func (f Flavor) RulesPath() string {
	if f == RHEL {
		return "/etc/sysconfig/ipvsadm"
	}
	return "/etc/ipvsadm.rules"
}

// Daemons is Debian's DAEMON setting: which sync daemons run.
type Daemons int

const (
	DaemonNone Daemons = iota
	DaemonMaster
	DaemonBackup
	DaemonBoth
)

func (d Daemons) String() string {
	switch d {
	case DaemonNone:
		return "none"
	case DaemonMaster:
		return "master"
	case DaemonBackup:
		return "backup"
	case DaemonBoth:
		return "both"
	}
	return "Daemons(" + strconv.Itoa(int(d)) + ")"
}

// Roles lists the ipvsadm --start-daemon states d stands for.
func (d Daemons) Roles() []string {
	switch d {
	case DaemonMaster:
		return []string{"master"}
	case DaemonBackup:
		return []string{"backup"}
	case DaemonBoth:
		return []string{"master", "backup"}
	}
	return nil
}

// Config is one flavour's settings, defaults filled in as the
// distribution's scripts fill them.
type Config struct {
	Flavor Flavor

	// Debian
	Auto   bool
	Daemon Daemons
	Iface  string
	SyncID int

	// RHEL
	SaveOnStop    bool
	SaveOnRestart bool
	StatusNumeric bool
	ModulesUnload bool
}

// Defaults is what the flavour's init script assumed before sourcing its
// settings file (so also what a missing file means).
func Defaults(f Flavor) Config {
	if f == RHEL {
		return Config{Flavor: RHEL, StatusNumeric: true, ModulesUnload: true}
	}
	return Config{Flavor: Debian, Daemon: DaemonNone, Iface: "eth0"}
}

// Var is one assignment of a settings file.
type Var struct {
	Line  int
	Name  string
	Value string
}

// ParseVars reads the shell assignments of a settings file: NAME=value,
// NAME="value" or NAME='value', optionally after "export", each alone on
// its line with an optional trailing comment; blank lines and comments are
// skipped. Anything else (commands, substitutions, several words) is an
// error: sourcing it would have run code we do not run.
func ParseVars(text string) ([]Var, error) {
	var vars []Var
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		s := strings.TrimSpace(line)
		if s == "" || s[0] == '#' {
			continue
		}
		s = strings.TrimPrefix(s, "export ")
		eq := strings.IndexByte(s, '=')
		if eq <= 0 || !isName(s[:eq]) {
			return nil, fmt.Errorf("line %d: not a NAME=value assignment: %s", n, strings.TrimSpace(line))
		}
		val, err := shellWord(s[eq+1:])
		if err != nil {
			return nil, fmt.Errorf("line %d: %s: %v", n, s[:eq], err)
		}
		vars = append(vars, Var{Line: n, Name: s[:eq], Value: val})
	}
	return vars, nil
}

func isName(s string) bool {
	for i, c := range s {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// shellWord is the value of one unexpanded shell word followed by nothing
// but blanks or a comment.
func shellWord(s string) (string, error) {
	var b strings.Builder
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			rest := strings.TrimLeft(s[i:], " \t")
			if rest != "" && rest[0] != '#' {
				return "", fmt.Errorf("more than one word")
			}
			return b.String(), nil
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return "", fmt.Errorf("unterminated quote")
			}
			b.WriteString(s[i+1 : i+1+j])
			i += j + 2
		case c == '"':
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				switch s[j] {
				case '$', '`', '\\':
					return "", fmt.Errorf("expansions are not supported")
				}
				b.WriteByte(s[j])
			}
			if j == len(s) {
				return "", fmt.Errorf("unterminated quote")
			}
			i = j + 1
		case c == '$' || c == '`' || c == '\\' || c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')':
			return "", fmt.Errorf("expansions and commands are not supported")
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), nil
}

// Parse turns a flavour's settings file (its text; "" when missing) into a
// Config. Names the flavour does not know are left alone, as sourcing them
// did nothing either.
func Parse(f Flavor, text string) (Config, error) {
	c := Defaults(f)
	vars, err := ParseVars(text)
	if err != nil {
		return c, err
	}
	for _, v := range vars {
		if err := c.set(v); err != nil {
			return c, fmt.Errorf("line %d: %s=%q: %v", v.Line, v.Name, v.Value, err)
		}
	}
	return c, nil
}

func (c *Config) set(v Var) error {
	var err error
	switch c.Flavor {
	case Debian:
		switch v.Name {
		case "AUTO":
			c.Auto, err = word(v.Value, "true", "false")
		case "DAEMON":
			// the names are Daemons' own String()s
			found := false
			for d := DaemonNone; d <= DaemonBoth; d++ {
				if v.Value == d.String() {
					c.Daemon, found = d, true
				}
			}
			if !found {
				return fmt.Errorf("must be none, master, backup or both")
			}
		case "IFACE":
			if v.Value == "" || len(v.Value) > 15 || strings.ContainsAny(v.Value, "/ \t:") {
				return fmt.Errorf("not an interface name")
			}
			c.Iface = v.Value
		case "SYNCID":
			n, perr := strconv.Atoi(v.Value)
			if perr != nil || n < 0 || n > 255 {
				return fmt.Errorf("must be a number from 0 to 255")
			}
			c.SyncID = n
		}
	case RHEL:
		switch v.Name {
		case "IPVS_SAVE_ON_STOP":
			c.SaveOnStop, err = word(v.Value, "yes", "no")
		case "IPVS_SAVE_ON_RESTART":
			c.SaveOnRestart, err = word(v.Value, "yes", "no")
		case "IPVS_STATUS_NUMERIC":
			c.StatusNumeric, err = word(v.Value, "yes", "no")
		case "IPVS_MODULES_UNLOAD":
			c.ModulesUnload, err = word(v.Value, "yes", "no")
		}
	}
	return err
}

// word maps the two spellings a setting allows to true and false.
func word(s, yes, no string) (bool, error) {
	switch s {
	case yes:
		return true, nil
	case no:
		return false, nil
	}
	return false, fmt.Errorf("must be %s or %s", yes, no)
}
