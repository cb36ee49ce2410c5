package top

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/lvsgo/ipvsadm/internal/cli"
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

// Command describes top for dispatch, help and completion.
var Command = cli.Command{
	Word:  "top",
	Row:   "ipvsadm top [SERVICE]",
	Help:  "live traffic per service and real server",
	Usage: Usage,
	Options: []cli.Option{
		{Long: "numeric", Short: 'n', Help: "addresses and ports as numbers"},
		{Long: "interval", Arg: "SECONDS", Kind: cli.Number, Once: true, Help: "time between refreshes (default 2)",
			Check: func(v string) error { _, err := parseInterval(v); return err }},
		{Long: "sort", Arg: "KEY", Kind: cli.Words, Words: SortKeys(), Once: true, Help: "sort by this column, largest first",
			Check: cli.OneOf("sort key", SortKeys())},
		{Long: "batch", Arg: "N", Kind: cli.Number, Once: true, Help: "print this many plain-text frames and exit",
			Check: func(v string) error { _, err := parseBatch(v); return err }},
		{Long: "json", Help: "frames as JSON lines"},
		cli.Help,
	},
	Service: true,
}

// Parse reads the arguments after "top".
func Parse(args []string) (Options, error) {
	o := Options{Interval: DefaultInterval}
	r, err := Command.Parse(args, cli.Hooks{
		Other: grammar.ServiceWords,
		Operand: func(a string) error {
			return fmt.Errorf("unexpected argument %q: give a service as -t|-u|--sctp-service VIP:port or -f mark", a)
		},
	})
	if r.Ended == "help" {
		return Options{Interval: DefaultInterval, Help: true}, nil
	}
	if err != nil {
		return o, err
	}
	// The values were checked as they were read.
	o.Numeric, o.JSON, o.ServiceArgs = r.Has("numeric"), r.Has("json"), r.Other
	if r.Has("interval") {
		o.Interval, _ = parseInterval(r.Value("interval"))
	}
	if r.Has("sort") {
		o.Sort, _ = ParseSortKey(r.Value("sort"))
	}
	if r.Has("batch") {
		o.Batch, _ = parseBatch(r.Value("batch"))
	}
	return o, nil
}

// parseBatch reads --batch: a frame count from 1.
func parseBatch(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("invalid frame count %q: a whole number from 1", s)
	}
	return n, nil
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
