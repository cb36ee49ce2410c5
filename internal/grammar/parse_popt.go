package grammar

import "strings"

// This file is the option scanner ipvsadm 1.31 gets from libpopt (1.19):
// one option per call, in argv order, with popt's rules for clusters
// ("-Ln"), attached values ("-t10.0.0.1:80", "-t=…", "--opt=…"), the
// optional argument of -p, "--", leftovers and the "!#:+" argument macro.

// ArgKind says whether an option takes a value.
type ArgKind int

const (
	ArgNone     ArgKind = iota
	ArgString           // always takes a value
	ArgOptional         // takes the next word only if it does not start with '-'
)

// popt's error codes that ipvsadm reports; poptErrText has the messages.
const (
	poptErrNoArg       = -10
	poptErrBadOpt      = -11
	poptErrUnwantedArg = -12
	poptEnd            = -1
)

// Values of the options without a short name (ipvsadm's TAG_*).
const (
	tagSet = 128 + iota
	tagStartDaemon
	tagStopDaemon
	tagMcastInterface
	tagTimeout
	tagDaemon
	tagStats
	tagRate
	tagThresholds
	tagPersistentConn
	tagSort
	tagNoSort
	tagPE
	tagSCTPService
	tagMcastGroup
	tagMcastPort
	tagMcastTTL
	tagSyncMaxLen
	tagTunInfo
	tagTunType
	tagTunPort
	tagTunNoCsum
	tagTunCsum
	tagTunRemCsum
	tagJSON         // --json: not an ipvsadm option
	tagSyncID = 'I' // --syncid has no short form but this value
)

func poptErrText(code int) string {
	switch code {
	case poptErrNoArg:
		return "missing argument"
	case poptErrBadOpt:
		return "unknown option"
	case poptErrUnwantedArg:
		return "option does not take an argument"
	}
	return "unknown error"
}

// poptOption is one row of the option table. bit is the option's bit in
// Request.Options (each may be given once), fmt the list format it turns
// on; both are set before the option's value is read.
type poptOption struct {
	long  string
	short byte
	arg   ArgKind
	val   int
	bit   Option
	fmt   Format
}

// ipvsadmOptions is ipvsadm's option table, in its order: popt takes the
// first entry that matches, which matters for "--list".
var ipvsadmOptions = []poptOption{
	{"add-service", 'A', ArgNone, 'A', 0, 0},
	{"edit-service", 'E', ArgNone, 'E', 0, 0},
	{"delete-service", 'D', ArgNone, 'D', 0, 0},
	{"clear", 'C', ArgNone, 'C', 0, 0},
	{"list", 'L', ArgNone, 'L', 0, 0},
	{"list", 'l', ArgNone, 'l', 0, 0},
	{"zero", 'Z', ArgNone, 'Z', 0, 0},
	{"add-server", 'a', ArgNone, 'a', 0, 0},
	{"edit-server", 'e', ArgNone, 'e', 0, 0},
	{"delete-server", 'd', ArgNone, 'd', 0, 0},
	{"set", 0, ArgNone, tagSet, 0, 0},
	{"help", 'h', ArgNone, 'h', 0, 0},
	{"version", 'v', ArgNone, 'v', 0, 0},
	{"restore", 'R', ArgNone, 'R', 0, 0},
	{"save", 'S', ArgNone, 'S', 0, 0},
	{"start-daemon", 0, ArgString, tagStartDaemon, 0, 0},
	{"stop-daemon", 0, ArgString, tagStopDaemon, 0, 0},
	{"tcp-service", 't', ArgString, 't', OptService, 0},
	{"udp-service", 'u', ArgString, 'u', OptService, 0},
	{"sctp-service", 0, ArgString, tagSCTPService, OptService, 0},
	{"fwmark-service", 'f', ArgString, 'f', OptService, 0},
	{"scheduler", 's', ArgString, 's', OptScheduler, 0},
	{"persistent", 'p', ArgOptional, 'p', OptPersistent, 0},
	{"netmask", 'M', ArgString, 'M', OptNetmask, 0},
	{"real-server", 'r', ArgString, 'r', OptServer, 0},
	{"masquerading", 'm', ArgNone, 'm', OptForward, 0},
	{"ipip", 'i', ArgNone, 'i', OptForward, 0},
	{"gatewaying", 'g', ArgNone, 'g', OptForward, 0},
	{"weight", 'w', ArgString, 'w', OptWeight, 0},
	{"u-threshold", 'x', ArgString, 'x', OptUThreshold, 0},
	{"l-threshold", 'y', ArgString, 'y', OptLThreshold, 0},
	{"numeric", 'n', ArgNone, 'n', OptNumeric, FmtNumeric},
	{"connection", 'c', ArgNone, 'c', OptConnection, 0},
	{"mcast-interface", 0, ArgString, tagMcastInterface, OptMcast, 0},
	{"syncid", 0, ArgString, tagSyncID, OptSyncID, 0},
	{"timeout", 0, ArgNone, tagTimeout, OptTimeout, 0},
	{"daemon", 0, ArgNone, tagDaemon, OptDaemon, 0},
	{"stats", 0, ArgNone, tagStats, OptStats, FmtStats},
	{"rate", 0, ArgNone, tagRate, OptRate, FmtRate},
	{"thresholds", 0, ArgNone, tagThresholds, OptThresholds, FmtThresholds},
	{"persistent-conn", 0, ArgNone, tagPersistentConn, OptPersistentConn, FmtPersistentConn},
	{"nosort", 0, ArgNone, tagNoSort, OptNoSort, FmtNoSort},
	{"sort", 0, ArgNone, tagSort, 0, 0},
	{"exact", 'X', ArgNone, 'X', OptExact, FmtExact},
	{"ipv6", '6', ArgNone, '6', 0, 0},
	{"ops", 'o', ArgNone, 'o', OptOnePacket, 0},
	{"pe", 0, ArgString, tagPE, OptPE, 0},
	{"sched-flags", 'b', ArgString, 'b', OptSchedFlags, 0},
	{"mcast-group", 0, ArgString, tagMcastGroup, OptMcastGroup, 0},
	{"mcast-port", 0, ArgString, tagMcastPort, OptMcastPort, 0},
	{"mcast-ttl", 0, ArgString, tagMcastTTL, OptMcastTTL, 0},
	{"sync-maxlen", 0, ArgString, tagSyncMaxLen, OptSyncMaxLen, 0},
	{"tun-info", 0, ArgNone, tagTunInfo, OptTunInfo, FmtTunInfo},
	{"tun-type", 0, ArgString, tagTunType, OptTunType, 0},
	{"tun-port", 0, ArgString, tagTunPort, OptTunPort, 0},
	{"tun-nocsum", 0, ArgNone, tagTunNoCsum, OptTunNoCsum, 0},
	{"tun-csum", 0, ArgNone, tagTunCsum, OptTunCsum, 0},
	{"tun-remcsum", 0, ArgNone, tagTunRemCsum, OptTunRemCsum, 0},
	{"json", 0, ArgNone, tagJSON, 0, 0},
}

// Spec is one option of the grammar, for those that list options
// (completion, help): its long name, short letter (0: none) and value.
type Spec struct {
	Long  string
	Short byte
	Arg   ArgKind
}

// Options is the option table, in popt's order.
func Options() []Spec {
	out := make([]Spec, len(ipvsadmOptions))
	for i, o := range ipvsadmOptions {
		out[i] = Spec{Long: o.long, Short: o.short, Arg: o.arg}
	}
	return out
}

// Long names match exactly: popt 1.19 has no abbreviations, and a single
// dash never starts a long option here (no option is flagged ONEDASH).
func findLong(name string) *poptOption {
	for i := range ipvsadmOptions {
		if ipvsadmOptions[i].long == name {
			return &ipvsadmOptions[i]
		}
	}
	return nil
}

func findShort(c byte) *poptOption {
	for i := range ipvsadmOptions {
		if ipvsadmOptions[i].short != 0 && ipvsadmOptions[i].short == c {
			return &ipvsadmOptions[i]
		}
	}
	return nil
}

// popt is one scan over argv (argv[0] included, as popt sees it).
type popt struct {
	argv      []string
	next      int      // index of the next word
	cluster   string   // rest of a short-option cluster; "" when none
	used      []bool   // words taken by a "!#:+" expansion
	leftovers []string // non-option words, in order
	nextLeft  int
	rest      bool        // after "--" (or, POSIX mode, the first leftover)
	posix     bool        // POSIXLY_CORRECT or POSIX_ME_HARDER is set
	hung      bool        // "!#:+" found no word while words remained: popt spins
	opt       *poptOption // the row of the option nextOpt returned last
}

func newPopt(argv []string, posix bool) *popt {
	return &popt{argv: argv, next: 1, used: make([]bool, len(argv)), posix: posix}
}

// nextOpt returns the next option's value and its argument (hasArg false
// for none, or an optional argument left out), poptEnd at the end, or a
// popt error code.
func (p *popt) nextOpt() (val int, arg string, hasArg bool) {
	for {
		if p.cluster == "" && p.next == len(p.argv) {
			return poptEnd, "", false
		}
		var opt *poptOption
		longArg, hasLongArg := "", false
		if p.cluster == "" {
			if p.used[p.next] {
				p.next++
				continue
			}
			s := p.argv[p.next]
			p.next++
			if p.rest || s == "" || s[0] != '-' || s == "-" {
				if p.posix {
					p.rest = true
				}
				p.leftovers = append(p.leftovers, s)
				continue
			}
			if s == "--" {
				p.rest = true
				continue
			}
			name, oneDash := s[1:], true
			if name[0] == '-' {
				name, oneDash = name[1:], false
			}
			if i := strings.IndexByte(name, '='); i >= 0 {
				name, longArg, hasLongArg = name[:i], name[i+1:], true
			}
			if !oneDash {
				if opt = findLong(name); opt == nil {
					return poptErrBadOpt, "", false
				}
			} else {
				// "-name" is a cluster of short options.
				p.cluster, hasLongArg = s[1:], false
			}
		}
		if p.cluster != "" {
			c := p.cluster[0]
			p.cluster = p.cluster[1:]
			if opt = findShort(c); opt == nil {
				p.cluster = ""
				return poptErrBadOpt, "", false
			}
		}
		if opt.arg == ArgNone {
			if hasLongArg || strings.HasPrefix(p.cluster, "=") {
				return poptErrUnwantedArg, "", false
			}
			p.opt = opt
			return opt.val, "", false
		}
		switch {
		case hasLongArg:
			arg, hasArg = p.expand(longArg), true
		case p.cluster != "":
			arg, hasArg = p.expand(strings.TrimPrefix(p.cluster, "=")), true
			p.cluster = ""
		case p.next == len(p.argv):
			if opt.arg != ArgOptional {
				return poptErrNoArg, "", false
			}
		case opt.arg == ArgOptional && strings.HasPrefix(p.argv[p.next], "-"):
			// An optional value never starts with '-': that is the next option.
		default:
			// The word is taken even when a "!#:+" already used it, as popt does.
			w := p.argv[p.next]
			p.next++
			arg, hasArg = p.expand(w), true
		}
		p.opt = opt
		return opt.val, arg, hasArg
	}
}

// expand replaces each "!#:+" in s with the next unused word that does not
// start with '-', which is then skipped as an option or leftover. With no
// such word left the macro stays as it is. When words remain but none
// fits, popt 1.19 loops for ever; hung records that.
func (p *popt) expand(s string) string {
	if !strings.Contains(s, "!#:+") {
		return s
	}
	var b strings.Builder
	word, found := "", false
	for i := 0; i < len(s); i++ {
		if s[i] == '!' && strings.HasPrefix(s[i+1:], "#:+") {
			if !found {
				word, found = p.takeWord()
			}
			if found {
				b.WriteString(word)
				i += len("#:+")
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (p *popt) takeWord() (string, bool) {
	if p.next == len(p.argv) {
		return "", false
	}
	for i := p.next; i < len(p.argv); i++ {
		if p.used[i] || strings.HasPrefix(p.argv[i], "-") {
			continue
		}
		p.used[i] = true
		return p.argv[i], true
	}
	p.hung = true
	return "", false
}

// badOption is popt's poptBadOption: the last word it consumed.
func (p *popt) badOption() string {
	if p.next == 0 {
		return ""
	}
	return p.argv[p.next-1]
}

// arg returns the next leftover word (poptGetArg).
func (p *popt) arg() (string, bool) {
	if p.nextLeft < len(p.leftovers) {
		p.nextLeft++
		return p.leftovers[p.nextLeft-1], true
	}
	return "", false
}
