package grammar

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// Parser reads ipvsadm 1.31 command lines. The zero value resolves no
// names: only numeric addresses and ports parse.
type Parser struct {
	// Resolver does the forward name lookups (hosts, services) ipvsadm
	// makes while it parses.
	Resolver Resolver
	// Posix is popt's POSIX mode (POSIXLY_CORRECT or POSIX_ME_HARDER in the
	// environment): the first word that is not an option ends the options.
	Posix bool
}

// PosixEnv reports whether an environment (os.LookupEnv) asks popt for
// POSIX mode: POSIXLY_CORRECT or POSIX_ME_HARDER set, to anything.
func PosixEnv(lookup func(string) (string, bool)) bool {
	_, pc := lookup("POSIXLY_CORRECT")
	_, pmh := lookup("POSIX_ME_HARDER")
	return pc || pmh
}

// Parse reads one command line: args without argv[0]; prog is argv[0] as
// given, which ipvsadm prints in its hints. It does all ipvsadm checks up to
// the kernel call: on success the Request has ipvsadm's defaults applied;
// otherwise Exit is what ipvsadm prints and its status. No arguments at all
// is a plain list (ipvsadm's main does that before parsing).
//
// Left to the caller: -R inside -R (ipvsadm answers with the -h hint and
// 255) and -S's FMT_RULE, which ipvsadm adds in its command switch.
//
// "-b ," makes ipvsadm die of SIGSEGV: Parse returns Exit{Status:
// StatusSegfault} without output, and the program then dies the same way
// (see Main). One reference outcome is not reproduced: a popt "!#:+" macro
// with only option words left after it makes ipvsadm loop for ever (Parse
// keeps the macro as it is and goes on).
func (p *Parser) Parse(prog string, args []string) (*Request, *Exit) {
	req := &Request{}
	if ex := p.ParseTo(req, prog, args); ex != nil {
		return nil, ex
	}
	return req, nil
}

// ParseTo is Parse into a Request the caller provides (its old contents
// are replaced), for callers that parse many lines into one.
func (p *Parser) ParseTo(req *Request, prog string, args []string) *Exit {
	argv := append(make([]string, 0, 1+len(args)), prog)
	return p.ParseArgvTo(req, append(argv, args...))
}

// ParseArgvTo is ParseTo of a whole argv (argv[0] the program), as
// ReadRestoreLine returns it; argv is read, never changed.
func (p *Parser) ParseArgvTo(req *Request, argv []string) *Exit {
	prog, args := argv[0], argv[1:]
	*req = Request{}
	if len(args) == 0 {
		req.Cmd = CmdList
		return nil
	}
	st := parseState{prog: prog, res: p.Resolver, req: req}
	if st.res == nil {
		st.res = noNames{}
	}
	st.init()
	pp := newPopt(argv, p.Posix)
	if ex := st.parseOptions(pp); ex != nil {
		return ex
	}
	return st.check()
}

// TryHelp is the hint ipvsadm prints when it cannot make sense of its
// arguments, exiting with 255.
func TryHelp(prog string) *Exit {
	return &Exit{Status: 255, Stderr: "Try `" + prog + " -h' or '" + prog + " --help' for more information.\n"}
}

// failf is ipvsadm's fail(2, ...): one line on stderr, status 2.
func failf(format string, a ...any) *Exit {
	return &Exit{Status: 2, Stderr: fmt.Sprintf(format, a...) + "\n"}
}

const (
	maxTimeout        = 86400 * 31 // MAX_TIMEOUT
	defaultPersistent = 6 * 60     // IPVS_SVC_PERSISTENT_TIMEOUT
	defaultSched      = "wlc"
	defaultMcastIfn   = "eth0"
	schedNameMax      = 16 // IP_VS_SCHEDNAME_MAXLEN, NUL included
	peNameMax         = 16 // IP_VS_PENAME_MAXLEN, NUL not included
	ifNameMax         = 16 // IP_VS_IFNAME_MAXLEN, NUL included
	schedFlagsMax     = 128
)

type parseState struct {
	prog       string
	res        Resolver
	req        *Request
	schedFlags string // -b's value, read once the scheduler is known
}

func (st *parseState) init() {
	st.req.Dest.Weight = 1
	st.req.Dest.ConnFlags = uint32(ipvs.FwdDirect)
	st.req.Service.Netmask = ipvs.HostMask4
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// setOption records one option; each may be given once.
func (st *parseState) setOption(o Option) *Exit {
	if st.req.Options&o != 0 {
		return failf("multiple '%s' options specified", o)
	}
	st.req.Options |= o
	return nil
}

func (st *parseState) parseOptions(p *popt) *Exit {
	c, arg, _ := p.nextOpt()
	if c < 0 {
		return TryHelp(st.prog)
	}
	req := st.req
	switch c {
	case 'A':
		req.Cmd = CmdAdd
	case 'E':
		req.Cmd = CmdEdit
	case 'D':
		req.Cmd = CmdDel
	case 'a':
		req.Cmd = CmdAddDest
	case 'e':
		req.Cmd = CmdEditDest
	case 'd':
		req.Cmd = CmdDelDest
	case 'C':
		req.Cmd = CmdFlush
	case 'L', 'l':
		req.Cmd = CmdList
	case 'Z':
		req.Cmd = CmdZero
	case tagSet:
		req.Cmd = CmdTimeout
	case 'R':
		req.Cmd = CmdRestore
	case 'S':
		req.Cmd = CmdSave
	case tagStartDaemon, tagStopDaemon:
		req.Cmd = CmdStartDaemon
		if c == tagStopDaemon {
			req.Cmd = CmdStopDaemon
		}
		var ok bool
		if req.Daemon.State, ok = ipvs.ParseDaemonState(arg); !ok {
			if c == tagStartDaemon {
				return failf("illegal start-daemon parameter specified")
			}
			return failf("illegal start_daemon specified")
		}
	case 'h':
		return &Exit{Status: 0, Stdout: usage(st.prog)}
	case 'v':
		return &Exit{Status: 0, Stdout: versionLine}
	default:
		return TryHelp(st.prog)
	}

	for {
		c, arg, hasArg := p.nextOpt()
		if c < 0 {
			if c < poptEnd {
				return &Exit{Status: 255, Return: true,
					Stderr: p.badOption() + ": " + poptErrText(c) + "\n"}
			}
			break
		}
		if ex := st.option(p, c, arg, hasArg); ex != nil {
			return ex
		}
	}

	if req.Cmd == CmdTimeout {
		a1, ok1 := p.arg()
		a2, ok2 := p.arg()
		a3, ok3 := p.arg()
		if !ok1 || !ok2 || !ok3 {
			return failf("--set option requires 3 timeout values")
		}
		dst := []*uint32{&req.Timeouts.TCP, &req.Timeouts.TCPFin, &req.Timeouts.UDP}
		for i, a := range []string{a1, a2, a3} {
			v, ex := parseTimeout(a, true, 0, maxTimeout)
			if ex != nil {
				return ex
			}
			*dst[i] = uint32(v)
		}
	}
	if a, ok := p.arg(); ok {
		return failf("unexpected argument %s", a)
	}
	if st.schedFlags != "" {
		flags, ex := parseSchedFlags(req.Service.Scheduler, st.schedFlags)
		if ex != nil {
			return ex
		}
		req.Service.Flags &^= ipvs.SvcSchedFlag1 | ipvs.SvcSchedFlag2 | ipvs.SvcSchedFlag3
		req.Service.Flags |= flags
	}
	return nil
}

// option handles one option after the command, as ipvsadm's second switch.
func (st *parseState) option(p *popt, c int, arg string, hasArg bool) *Exit {
	req := st.req
	svc, dest := &req.Service, &req.Dest
	var ex *Exit
	// The table row gives the option's bit and list format.
	if o := p.opt; o != nil && o.val == c {
		if o.bit != 0 {
			if ex = st.setOption(o.bit); ex != nil {
				return ex
			}
		}
		req.Format |= o.fmt
	}
	switch c {
	case 't', 'u', tagSCTPService:
		svc.Protocol = map[int]ipvs.Protocol{'t': ipvs.TCP, 'u': ipvs.UDP, tagSCTPService: ipvs.SCTP}[c]
		a, ok := parseService(arg, svc.Protocol, st.res)
		if !ok {
			return failf("illegal virtual server address[:port] specified")
		}
		svc.Family, svc.Address = a.family, a.addr
		if a.family == ipvs.AFInet6 {
			svc.Netmask = ipvs.HostMask6
		}
		if a.hasPort {
			svc.Port = a.port
		}
	case 'f':
		// ipvsadm gives fwmark services a family and protocol too.
		svc.Family, svc.Protocol = ipvs.AFInet, ipvs.TCP
		if svc.FWMark, ex = parseFWMark(arg); ex != nil {
			return ex
		}
	case 's':
		svc.Scheduler = truncate(arg, schedNameMax-1)
	case 'p':
		svc.Flags |= ipvs.SvcPersistent
		t, ex := parseTimeout(arg, hasArg, 1, maxTimeout)
		if ex != nil {
			return ex
		}
		svc.Timeout = uint32(t)
	case 'M':
		if svc.Family != ipvs.AFInet6 {
			m, ok := parseNetmask(arg, st.res)
			if !ok {
				return failf("illegal virtual server persistent mask specified")
			}
			svc.Netmask = ipvs.Netmask(m)
		} else {
			svc.Netmask = ipvs.Netmask(cAtoi(arg))
			if svc.Netmask < 1 || svc.Netmask > 128 {
				return failf("illegal ipv6 netmask specified")
			}
		}
	case 'r':
		// The server is read into a copy of the service: it keeps the
		// service's family, address and port where it gives none.
		a := svcAddr{family: svc.Family, addr: svc.Address, port: svc.Port}
		b, ok := parseService(arg, svc.Protocol, st.res)
		if ok {
			a.family, a.addr = b.family, b.addr
			if b.hasPort {
				a.port = b.port
			}
		}
		dest.Family, dest.Address, dest.Port = a.family, a.addr, a.port
		if !ok {
			return failf("illegal real server address[:port] specified")
		}
	case 'i', 'g', 'm':
		dest.ConnFlags = uint32(map[int]ipvs.ForwardMethod{'i': ipvs.FwdTunnel, 'g': ipvs.FwdDirect, 'm': ipvs.FwdMasq}[c])
	case 'w':
		// Debian's 1.31 takes weights up to INT_MAX (upstream's
		// source says 65535); the goldens hold both ends.
		v, ok := stringToNumber(arg, 0, 1<<31-1)
		if !ok {
			return failf("illegal weight specified")
		}
		dest.Weight = int32(v)
	case 'x':
		v, ok := stringToNumber(arg, 0, 1<<31-1)
		if !ok {
			return failf("illegal u_threshold specified")
		}
		dest.UpperThreshold = uint32(v)
	case 'y':
		v, ok := stringToNumber(arg, 0, 1<<31-1)
		if !ok {
			return failf("illegal l_threshold specified")
		}
		dest.LowerThreshold = uint32(v)
	case 'c', 'n', tagTimeout, tagDaemon, tagStats, tagRate, tagThresholds,
		tagPersistentConn, tagNoSort, 'X', tagTunInfo:
		// Flags: their table row said it all.
	case tagMcastInterface:
		req.Daemon.McastIfn = truncate(arg, ifNameMax-1)
	case tagSyncID:
		v, ok := stringToNumber(arg, 0, 255)
		if !ok {
			return failf("illegal syncid specified")
		}
		req.Daemon.SyncID = uint32(v)
	case tagSort:
		// Sorting is the default; --sort is accepted and ignored.
	case '6':
		if svc.FWMark == 0 {
			return failf("-6 must follow -f\n") // upstream's words since 2025 (bookworm's 1.31: "-6 used before -f")
		}
		svc.Family, svc.Netmask = ipvs.AFInet6, ipvs.HostMask6
	case 'o':
		svc.Flags |= ipvs.SvcOnePacket
	case tagPE:
		svc.PEName = truncate(arg, peNameMax)
	case 'b':
		st.schedFlags = truncate(arg, schedFlagsMax-1)
	case tagMcastGroup:
		g, ex := parseMcastGroup(arg)
		if ex != nil {
			return ex
		}
		req.Daemon.McastGroup = g
	case tagMcastPort:
		v, ok := stringToNumber(arg, 1, 65535)
		if !ok {
			return failf("illegal mcast-port specified")
		}
		req.Daemon.McastPort = uint16(v)
	case tagMcastTTL:
		v, ok := stringToNumber(arg, 1, 255)
		if !ok {
			return failf("illegal mcast-ttl specified")
		}
		req.Daemon.McastTTL = uint8(v)
	case tagSyncMaxLen:
		v, ok := stringToNumber(arg, 1, 65535-20-8)
		if !ok {
			return failf("illegal sync-maxlen specified")
		}
		req.Daemon.SyncMaxLen = uint16(v)
	case tagJSON:
		if req.Format&FmtJSON != 0 {
			return failf("multiple 'json' options specified")
		}
		req.Format |= FmtJSON
	case tagTunType:
		t, ok := ipvs.ParseTunnelType(arg)
		if !ok {
			return failf("illegal tunnel type specified")
		}
		dest.TunType = t
	case tagTunPort:
		v, ok := stringToNumber(arg, 1, 65535)
		if !ok {
			return failf("illegal tunnel port specified")
		}
		dest.TunPort = uint16(v)
	case tagTunNoCsum:
		dest.TunFlags |= ipvs.TunFlagNoCsum
	case tagTunCsum:
		dest.TunFlags |= ipvs.TunFlagCsum
	case tagTunRemCsum:
		dest.TunFlags |= ipvs.TunFlagRemCsum
	default:
		// A command, -h or -v after the first option.
		return failf("invalid option `%s'", p.badOption())
	}
	return nil
}

// check is the part of ipvsadm's process_options between parsing and the
// kernel call.
func (st *parseState) check() *Exit {
	req := st.req
	svc, dest := &req.Service, &req.Dest
	if ex := genericOptCheck(req.Cmd, req.Options); ex != nil {
		return ex
	}
	// --json (an addition) only changes how list views print.
	if req.Format&FmtJSON != 0 && req.Cmd != CmdList {
		return failf("Illegal 'json' option with the '%s' command", req.Cmd)
	}
	if req.Cmd == CmdAdd || req.Cmd == CmdEdit {
		if svc.FWMark == 0 && svc.Port == 0 && svc.Flags&ipvs.SvcPersistent == 0 {
			return failf("Zero port specified for non-persistent service")
		}
		if svc.Flags&ipvs.SvcOnePacket != 0 && svc.FWMark == 0 && svc.Protocol != ipvs.UDP {
			return failf("One-Packet Scheduling is only for UDP virtual services")
		}
		if svc.Scheduler == "" {
			svc.Scheduler = defaultSched
		}
	}
	if req.Cmd == CmdStartDaemon && req.Daemon.McastIfn == "" {
		req.Daemon.McastIfn = defaultMcastIfn
	}
	fwd := dest.FwdMethod()
	if req.Cmd == CmdAddDest || req.Cmd == CmdEditDest {
		// Direct routing and tunnelling cannot change the port.
		if svc.FWMark == 0 && (fwd == ipvs.FwdTunnel || fwd == ipvs.FwdDirect) {
			dest.Port = svc.Port
		}
		if dest.Family != svc.Family && fwd != ipvs.FwdTunnel {
			return failf("Different address family is allowed only for tunneling servers")
		}
		if req.Options&(OptTunType|OptTunPort|OptTunNoCsum|OptTunCsum|OptTunRemCsum) != 0 && fwd != ipvs.FwdTunnel {
			return failf("Tunnel options conflict with forward method")
		}
		if ex := tunnelOptCheck(dest.TunType, req.Options); ex != nil {
			return ex
		}
	}
	if req.Cmd == CmdList {
		o := req.Options
		if (o&(OptConnection|OptTimeout|OptDaemon) != 0 && o&(OptStats|OptRate|OptThresholds) != 0) ||
			(o&(OptTimeout|OptDaemon) != 0 && o&OptPersistentConn != 0) {
			return failf("options conflicts in the list command")
		}
	}
	return nil
}

// Which options each command takes, one column per option bit in the
// order of the option bits: '+' required, 'x' not allowed, '1' at most one of
// the '1's, '.' allowed.
var commandOptions = [...]string{
	CmdAdd:         "xx+...xxxxxxxxxxxxxxx...xxxxxxxxxx",
	CmdEdit:        "xx+...xxxxxxxxxxxxxxx...xxxxxxxxxx",
	CmdDel:         "xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	CmdFlush:       "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	CmdList:        ".11xxxxxxxxx11.......xxxxxxx.xxxxx",
	CmdAddDest:     "xx+xxx+....xxxxxxxxxxxxxxxxxx.....",
	CmdDelDest:     "xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx",
	CmdEditDest:    "xx+xxx+....xxxxxxxxxxxxxxxxxx.....",
	CmdTimeout:     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	CmdStartDaemon: "xxxxxxxxxxx.xxxxxxx.xxxx....xxxxxx",
	CmdStopDaemon:  "xxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxx",
	CmdRestore:     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	CmdSave:        ".xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	CmdZero:        "xx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
}

// genericOptCheck walks the options in bit order; the first problem wins.
func genericOptCheck(cmd Command, opts Option) *Exit {
	row := commandOptions[cmd]
	last, count := 0, 0
	for j := 0; j < optionCount; j++ {
		if opts&(1<<j) == 0 {
			if row[j] == '+' {
				return failf("You need to supply the '%s' option for the '%s' command", Option(1<<j), cmd)
			}
			continue
		}
		switch row[j] {
		case 'x':
			return failf("Illegal '%s' option with the '%s' command", Option(1<<j), cmd)
		case '1':
			count++
			if count == 1 {
				last = j
				continue
			}
			return failf("The option '%s' conflicts with the '%s' option in the '%s' command",
				Option(1<<j), Option(1<<last), cmd)
		}
	}
	return nil
}

// The tunnel options by tunnel type, columns: tun-port, tun-nocsum,
// tun-csum, tun-remcsum.
var (
	tunOptBits = [...]int{30, 31, 32, 33}
	tunOptions = [...]string{"xxxx", "+111", "x11x"}
)

func tunnelOptCheck(tunType ipvs.TunnelType, opts Option) *Exit {
	if int(tunType) >= len(tunOptions) {
		return nil
	}
	row := tunOptions[tunType]
	last, count := 0, 0
	for j, k := range tunOptBits {
		if opts&(1<<k) == 0 {
			if row[j] == '+' {
				return failf("You need to supply the '%s' option for the '%s' tunnel type", Option(1<<k), tunType)
			}
			continue
		}
		switch row[j] {
		case 'x':
			return failf("Illegal '%s' option with the '%s' tunnel type", Option(1<<k), tunType)
		case '1':
			count++
			if count == 1 {
				last = k
				continue
			}
			return failf("The option '%s' conflicts with the '%s' option in the '%s' tunnel type",
				Option(1<<k), Option(1<<last), tunType)
		}
	}
	return nil
}

// parseTimeout reads a timeout; no value at all is the persistence default.
func parseTimeout(s string, given bool, min, max int64) (int64, *Exit) {
	if !given {
		return defaultPersistent, nil
	}
	v, ok := stringToNumber(s, min, max)
	if !ok {
		return 0, failf("invalid timeout value `%s' specified", s)
	}
	return v, nil
}

func parseFWMark(s string) (uint32, *Exit) {
	v, n, overflow := cStrtol(s)
	if n != len(s) || n == 0 || overflow || v == 0 || uint64(v) > 0xffffffff {
		return 0, failf("invalid fwmark value `%s' specified", s)
	}
	return uint32(v), nil
}

// parseNetmask reads an IPv4 persistence mask: dotted (inet_aton) or a
// host name. The result has the first octet in the high byte.
func parseNetmask(s string, res Resolver) (uint32, bool) {
	a, ok := inetAton(s)
	if !ok {
		a, ok = res.Host4(s)
	}
	if !ok {
		return 0, false
	}
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]), true
}

func parseSchedFlags(sched, arg string) (uint32, *Exit) {
	if sched == "" {
		sched = defaultSched
	}
	var flags uint32
	words := strings.FieldsFunc(arg, func(r rune) bool { return r == ',' })
	if len(words) == 0 {
		// ipvsadm hands strtok's NULL to strcmp here and dies of SIGSEGV.
		return 0, &Exit{Status: StatusSegfault}
	}
	for _, w := range words {
		f, ok := ipvs.ParseSchedFlag(w)
		if !ok {
			return 0, failf("invalid scheduler flag `%s'", w)
		}
		if f.Sched != "" && sched != f.Sched {
			return 0, failf("incompatible scheduler flag `%s'", w)
		}
		flags |= f.Bit
	}
	return flags, nil
}

func parseMcastGroup(s string) (netip.Addr, *Exit) {
	if strings.Contains(s, ":") {
		// IN6_IS_ADDR_MULTICAST looks at the first byte only, so a
		// v4-mapped group is refused.
		a, ok := inetPton6(s)
		if !ok || a.As16()[0] != 0xff {
			return netip.Addr{}, failf("invalid IPv6 mcast-group `%s'", s)
		}
		return a, nil
	}
	a, ok := inetPton4(s)
	if !ok || !a.IsMulticast() {
		return netip.Addr{}, failf("invalid IPv4 mcast-group `%s'", s)
	}
	return a, nil
}
