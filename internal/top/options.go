package top

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/lvsgo/ipvsadm/internal/grammar"
)

// SortKey is what the tables are sorted by, largest first (SortName: -L's
// order).
type SortKey int

const (
	SortCPS SortKey = iota
	SortInPPS
	SortOutPPS
	SortInBPS
	SortOutBPS
	SortActive
	SortInactive
	SortName
	numSortKeys
)

var sortNames = [numSortKeys]string{"cps", "inpps", "outpps", "inbps", "outbps", "active", "inactive", "name"}

// String is the key as --sort takes it.
func (k SortKey) String() string {
	if k < 0 || k >= numSortKeys {
		return "SortKey(" + strconv.Itoa(int(k)) + ")"
	}
	return sortNames[k]
}

// Next is the key the s key moves to.
func (k SortKey) Next() SortKey { return (k + 1) % numSortKeys }

// ParseSortKey reads a --sort value.
func ParseSortKey(s string) (SortKey, bool) {
	for k, n := range sortNames {
		if n == s {
			return SortKey(k), true
		}
	}
	return 0, false
}

// SortKeys lists the keys, for messages and completion.
func SortKeys() []string { return sortNames[:] }

// Options is one parsed `ipvsadm top` command line.
type Options struct {
	Numeric  bool
	Interval time.Duration
	Sort     SortKey
	// Batch is the number of frames --batch asks for; 0 without it.
	Batch int
	JSON  bool
	Help  bool
	// ServiceArgs are the words that name one service, as -L takes them.
	ServiceArgs []string
}

// DefaultInterval is the refresh interval without --interval.
const DefaultInterval = 2 * time.Second

// Interval bounds: below 0.1 s the counters barely move, above a day is a
// typing error.
const (
	minInterval = 100 * time.Millisecond
	maxInterval = 24 * time.Hour
)

// Usage is printed for --help.
const Usage = `Usage: ipvsadm top [-n] [--interval SECONDS] [--sort KEY] [--batch N] [--json]
                   [-t|-u|--sctp-service VIP:port | -f mark [-6]]
A live view of the virtual services and their real servers: new
connections, packets and bytes per second in and out (from the kernel's
counters between two refreshes), active and inactive connections, and each
real server's share of the new connections next to its share of the
weights. A service is given as in -L.
  -n, --numeric        addresses and ports as numbers
  --interval SECONDS   time between refreshes (default 2, from 0.1)
  --sort KEY           cps (default), inpps, outpps, inbps, outbps, active,
                       inactive, name (the order of -L)
  --batch N            print N frames as plain text and exit (what it does
                       whenever stdout is not a terminal, then until killed)
  --json               frames as JSON, one document per line (batch mode)
Keys: q (or Ctrl-C) quit, s and S next and previous sort key, n names,
p pause, / filter services (Enter keeps, Esc drops), Up, Down, PgUp, PgDn,
Home, End scroll, Ctrl-L redraw.
`

// Parse reads the arguments after "top".
func Parse(args []string) (Options, error) {
	o := Options{Interval: DefaultInterval}
	seen := map[string]bool{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(a, "=")
		if !strings.HasPrefix(a, "--") {
			name, hasVal = a, false
		}
		value := func() (string, error) {
			if hasVal {
				return val, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("option %s needs a value", name)
			}
			i++
			return args[i], nil
		}
		once := func() error {
			if seen[name] {
				return fmt.Errorf("option %s given twice", name)
			}
			seen[name] = true
			return nil
		}
		flag := func(p *bool) error {
			if hasVal {
				return fmt.Errorf("option %s takes no value", name)
			}
			*p = true
			return nil
		}
		var err error
		switch name {
		case "-h", "--help":
			o.Help = true
			return o, nil
		case "-n", "--numeric":
			err = flag(&o.Numeric)
		case "--json":
			err = flag(&o.JSON)
		case "--interval":
			var v string
			if v, err = value(); err == nil {
				if err = once(); err == nil {
					o.Interval, err = parseInterval(v)
				}
			}
		case "--sort":
			var v string
			if v, err = value(); err == nil {
				if err = once(); err == nil {
					var ok bool
					if o.Sort, ok = ParseSortKey(v); !ok {
						err = fmt.Errorf("invalid sort key %q: %s", v, strings.Join(SortKeys(), ", "))
					}
				}
			}
		case "--batch":
			var v string
			if v, err = value(); err == nil {
				if err = once(); err == nil {
					n, e := strconv.Atoi(v)
					if e != nil || n < 1 {
						err = fmt.Errorf("invalid frame count %q: a whole number from 1", v)
					}
					o.Batch = n
				}
			}
		default:
			if !strings.HasPrefix(a, "-") || a == "-" {
				return o, fmt.Errorf("unexpected argument %q: give a service as -t|-u|--sctp-service VIP:port or -f mark", a)
			}
			n, e := grammar.ServiceWords(args, i)
			if e != nil {
				return o, e
			}
			o.ServiceArgs = append(o.ServiceArgs, args[i:i+n]...)
			i += n - 1
		}
		if err != nil {
			return o, err
		}
	}
	return o, nil
}

// parseInterval reads --interval: seconds, decimals allowed.
func parseInterval(s string) (time.Duration, error) {
	f, err := strconv.ParseFloat(s, 64)
	bad := err != nil || math.IsNaN(f) || math.IsInf(f, 0)
	d := time.Duration(f * float64(time.Second))
	if bad || d < minInterval || d > maxInterval {
		return 0, fmt.Errorf("invalid interval %q: seconds from 0.1 to 86400", s)
	}
	return d, nil
}
