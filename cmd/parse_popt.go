package cmd

import "strings"

// This file is the option scanner ipvsadm 1.31 gets from libpopt (1.19):
// one option per call, in argv order, with popt's rules for clusters
// ("-Ln"), attached values ("-t10.0.0.1:80", "-t=…", "--opt=…"), the
// optional argument of -p, "--", leftovers and the "!#:+" argument macro.

// Argument kinds of an option.
const (
	argNone     = iota
	argString   // always takes a value
	argOptional // takes the next word only if it does not start with '-'
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

type poptOption struct {
	long  string
	short byte
	arg   int
	val   int
}

// ipvsadmOptions is ipvsadm's option table, in its order: popt takes the
// first entry that matches, which matters for "--list".
var ipvsadmOptions = []poptOption{
	{"add-service", 'A', argNone, 'A'},
	{"edit-service", 'E', argNone, 'E'},
	{"delete-service", 'D', argNone, 'D'},
	{"clear", 'C', argNone, 'C'},
	{"list", 'L', argNone, 'L'},
	{"list", 'l', argNone, 'l'},
	{"zero", 'Z', argNone, 'Z'},
	{"add-server", 'a', argNone, 'a'},
	{"edit-server", 'e', argNone, 'e'},
	{"delete-server", 'd', argNone, 'd'},
	{"set", 0, argNone, tagSet},
	{"help", 'h', argNone, 'h'},
	{"version", 'v', argNone, 'v'},
	{"restore", 'R', argNone, 'R'},
	{"save", 'S', argNone, 'S'},
	{"start-daemon", 0, argString, tagStartDaemon},
	{"stop-daemon", 0, argString, tagStopDaemon},
	{"tcp-service", 't', argString, 't'},
	{"udp-service", 'u', argString, 'u'},
	{"sctp-service", 0, argString, tagSCTPService},
	{"fwmark-service", 'f', argString, 'f'},
	{"scheduler", 's', argString, 's'},
	{"persistent", 'p', argOptional, 'p'},
	{"netmask", 'M', argString, 'M'},
	{"real-server", 'r', argString, 'r'},
	{"masquerading", 'm', argNone, 'm'},
	{"ipip", 'i', argNone, 'i'},
	{"gatewaying", 'g', argNone, 'g'},
	{"weight", 'w', argString, 'w'},
	{"u-threshold", 'x', argString, 'x'},
	{"l-threshold", 'y', argString, 'y'},
	{"numeric", 'n', argNone, 'n'},
	{"connection", 'c', argNone, 'c'},
	{"mcast-interface", 0, argString, tagMcastInterface},
	{"syncid", 0, argString, tagSyncID},
	{"timeout", 0, argNone, tagTimeout},
	{"daemon", 0, argNone, tagDaemon},
	{"stats", 0, argNone, tagStats},
	{"rate", 0, argNone, tagRate},
	{"thresholds", 0, argNone, tagThresholds},
	{"persistent-conn", 0, argNone, tagPersistentConn},
	{"nosort", 0, argNone, tagNoSort},
	{"sort", 0, argNone, tagSort},
	{"exact", 'X', argNone, 'X'},
	{"ipv6", '6', argNone, '6'},
	{"ops", 'o', argNone, 'o'},
	{"pe", 0, argString, tagPE},
	{"sched-flags", 'b', argString, 'b'},
	{"mcast-group", 0, argString, tagMcastGroup},
	{"mcast-port", 0, argString, tagMcastPort},
	{"mcast-ttl", 0, argString, tagMcastTTL},
	{"sync-maxlen", 0, argString, tagSyncMaxLen},
	{"tun-info", 0, argNone, tagTunInfo},
	{"tun-type", 0, argString, tagTunType},
	{"tun-port", 0, argString, tagTunPort},
	{"tun-nocsum", 0, argNone, tagTunNoCsum},
	{"tun-csum", 0, argNone, tagTunCsum},
	{"tun-remcsum", 0, argNone, tagTunRemCsum},
	{"json", 0, argNone, tagJSON},
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
	rest      bool // after "--" (or, POSIX mode, the first leftover)
	posix     bool // POSIXLY_CORRECT or POSIX_ME_HARDER is set
	hung      bool // "!#:+" found no word while words remained: popt spins
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
		if opt.arg == argNone {
			if hasLongArg || strings.HasPrefix(p.cluster, "=") {
				return poptErrUnwantedArg, "", false
			}
			return opt.val, "", false
		}
		switch {
		case hasLongArg:
			arg, hasArg = p.expand(longArg), true
		case p.cluster != "":
			arg, hasArg = p.expand(strings.TrimPrefix(p.cluster, "=")), true
			p.cluster = ""
		case p.next == len(p.argv):
			if opt.arg != argOptional {
				return poptErrNoArg, "", false
			}
		case opt.arg == argOptional && strings.HasPrefix(p.argv[p.next], "-"):
			// An optional value never starts with '-': that is the next option.
		default:
			// The word is taken even when a "!#:+" already used it, as popt does.
			w := p.argv[p.next]
			p.next++
			arg, hasArg = p.expand(w), true
		}
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
