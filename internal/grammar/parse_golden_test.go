package grammar

import (
	"bufio"
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/netdb"
	"github.com/lvsgo/ipvsadm/internal/upstream"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// The goldens are the reference ipvsadm's answers to testdata/parse/cases.txt,
// recorded in the VM by testdata/parse/gen.sh.

type goldenCase struct {
	n                                  int
	line, prog, env, setup, stdin      string
	argv                               []string
	status                             int
	stdout, stderr, state              string
	kernel                             bool // "!k": the grammar accepts it, the kernel does not
	hang                               bool // "!h": the reference never returns
	noargs                             bool
	restoreLines, restoreOut, errLines []string
}

func readGolden(t *testing.T) []goldenCase {
	t.Helper()
	data, err := os.ReadFile("../../testdata/parse/golden.txt")
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	var c *goldenCase
	pos := 0
	line := func() string {
		i := bytes.IndexByte(data[pos:], '\n')
		if i < 0 {
			t.Fatalf("golden: truncated at %d", pos)
		}
		l := string(data[pos : pos+i])
		pos += i + 1
		return l
	}
	for pos < len(data) {
		l := line()
		if strings.HasPrefix(l, "=== ") {
			cases = append(cases, goldenCase{})
			c = &cases[len(cases)-1]
			c.n, _ = strconv.Atoi(l[4:])
			continue
		}
		key, val, _ := strings.Cut(l, " ")
		n, err := strconv.Atoi(val)
		if err != nil || c == nil {
			t.Fatalf("golden: bad line %q", l)
		}
		switch key {
		case "status":
			c.status = n
			continue
		case "argc":
			continue
		}
		block := string(data[pos : pos+n])
		pos += n + 1
		switch key {
		case "line":
			c.line = block
		case "prog":
			c.prog = block
		case "env":
			c.env = block
		case "setup":
			c.setup = block
		case "stdin":
			c.stdin = block
		case "argv":
			if block != "" {
				c.argv = strings.Split(strings.TrimSuffix(block, "\n"), "\n")
			}
		case "stdout":
			c.stdout = block
		case "stderr":
			c.stderr = block
		case "state":
			c.state = block
		default:
			t.Fatalf("golden: unknown block %q", key)
		}
	}
	for i := range cases {
		c := &cases[i]
		c.kernel = strings.HasPrefix(c.line, "!k ")
		c.hang = strings.HasPrefix(c.line, "!h ")
		c.noargs = c.line == "@noargs"
	}
	if len(cases) < 300 {
		t.Fatalf("golden: only %d cases", len(cases))
	}
	return cases
}

// fileResolver answers from the hosts and services files gen.sh installs
// in the VM, as the C library's files source does.
func newFileResolver(t *testing.T) *netdb.Files {
	t.Helper()
	r, err := netdb.ReadFiles("../../testdata/parse/hosts", "../../testdata/parse/services")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestParseGolden(t *testing.T) {
	runGolden(t, newFileResolver(t))
}

// TestParseGoldenSystem runs the goldens through the real resolver (Go's,
// reading /etc/hosts and /etc/services) with gen.sh's files installed, so
// only in the VM, where /etc is scratch.
func TestParseGoldenSystem(t *testing.T) {
	if os.Getenv("IPVSADM_E2E") != "1" {
		t.Skip("needs the VM (replaces /etc/hosts and /etc/services): IPVSADM_E2E=1")
	}
	for _, f := range []string{"hosts", "services"} {
		b, err := os.ReadFile("../../testdata/parse/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("/etc/"+f, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	runGolden(t, netdb.NewSystem())
}

func runGolden(t *testing.T, res Resolver) {
	cases := readGolden(t)
	var exits, requests, restores, kernel int
	for _, c := range cases {
		c := c
		t.Run(fmt.Sprintf("%03d", c.n), func(t *testing.T) {
			t.Logf("case %q (prog %q env %q)", c.line, c.prog, c.env)
			p := &Parser{Resolver: res, Posix: strings.Contains(c.env, "POSIXLY_CORRECT=") || strings.Contains(c.env, "POSIX_ME_HARDER=")}
			if c.hang {
				// popt spins for ever there (the VM's timeout killed it);
				// we only ask for an answer at all.
				if c.status != 143 {
					t.Fatalf("!h case: reference status %d, want the timeout's 143", c.status)
				}
				p.Parse(c.prog, c.argv)
				return
			}
			req, ex := p.Parse(c.prog, c.argv)
			if req != nil && req.Cmd == CmdRestore && c.stdin != "" {
				restores++
				checkRestore(t, p, c)
				return
			}
			if ex != nil {
				exits++
				if c.kernel {
					t.Fatalf("marked !k but Parse refused it: %+v", ex)
				}
				// The goldens are bookworm's ipvsadm's; ours prints
				// what upstream fixed since (package upstream).
				wantErr := upstream.Apply(upstream.Bookworm, c.stderr, nil)
				if c.status == 139 && wantErr == "Segmentation fault\n" {
					wantErr = "" // the shell's report of the reference's crash
				}
				if ex.Status != c.status || ex.Stdout != c.stdout || ex.Stderr != wantErr {
					t.Fatalf("Parse exit\n got status %d stdout %q stderr %q\nwant status %d stdout %q stderr %q",
						ex.Status, ex.Stdout, ex.Stderr, c.status, c.stdout, wantErr)
				}
				return
			}
			requests++
			if c.kernel {
				kernel++
				if c.status == 0 {
					t.Fatalf("marked !k but the reference succeeded")
				}
				return
			}
			if c.status != 0 {
				t.Fatalf("Parse accepted it (%+v) but the reference said %d: %q", req, c.status, c.stderr)
			}
			checkState(t, req, c)
		})
	}
	t.Logf("golden: %d cases: %d parse exits, %d requests (%d kernel refusals), %d restores",
		len(cases), exits, requests, kernel, restores)
}

// checkRestore plays ipvsadm -R over the case's stdin with Parse and
// readRestoreLine, assuming each parsed line runs without a kernel error
// and prints nothing, and compares what that leaves on stderr/stdout and
// the status. Lines whose commands print (lists) or fail in the kernel are
// kept out of these cases unless they end the run.
func checkRestore(t *testing.T, p *Parser, c goldenCase) {
	t.Helper()
	in := bufio.NewReader(strings.NewReader(c.stdin))
	var stdout, stderr strings.Builder
	status := 0
	ran := 0
	for {
		argv, ok := ReadRestoreLine(in, c.prog)
		if !ok {
			break
		}
		if len(argv) <= 1 {
			continue
		}
		req, ex := p.Parse(argv[0], argv[1:])
		ran++
		if ex == nil && req.Cmd == CmdRestore {
			ex = TryHelp(c.prog)
		}
		if ex == nil {
			status = 0
			continue
		}
		stdout.WriteString(ex.Stdout)
		stderr.WriteString(ex.Stderr)
		if !ex.Return {
			status = ex.Status
			break
		}
		status = 255
	}
	if c.kernel {
		if c.status == 0 && !strings.Contains(c.stderr, "\n") {
			t.Fatalf("marked !k but the reference restore succeeded quietly")
		}
		return
	}
	if stderr.String() != c.stderr || status != c.status {
		t.Fatalf("restore of %q (%d lines run)\n got status %d stderr %q\nwant status %d stderr %q",
			c.stdin, ran, status, stderr.String(), c.status, c.stderr)
	}
	if stdout.String() != "" && stdout.String() != c.stdout {
		t.Fatalf("restore stdout\n got %q\nwant %q", stdout.String(), c.stdout)
	}
}

// checkState compares what Parse asked for with what the reference left in
// the kernel (its -Sn, --timeout and --daemon output after the case).
func checkState(t *testing.T, req *Request, c goldenCase) {
	t.Helper()
	svcs, dests := parseSaved(t, c.state)
	switch req.Cmd {
	case CmdAdd, CmdEdit:
		got, ok := findService(svcs, &req.Service)
		if !ok {
			t.Fatalf("service %+v not in the reference's table:\n%s", req.Service, c.state)
		}
		want := req.Service
		if want.Flags&ipvs.SvcPersistent == 0 {
			// -Sn shows the mask of persistent services only.
			want.Netmask = got.Netmask
		}
		if got.Scheduler != want.Scheduler || got.Flags != want.Flags&^ipvs.SvcHashed ||
			got.Timeout != want.Timeout || got.Netmask != want.Netmask || got.PEName != want.PEName {
			t.Fatalf("service\n got %+v\nwant (reference) %+v", want, got)
		}
	case CmdDel:
		if _, ok := findService(svcs, &req.Service); ok {
			t.Fatalf("service %+v still in the reference's table", req.Service)
		}
	case CmdAddDest, CmdEditDest:
		var got *ipvs.Destination
		for i := range dests {
			d := &dests[i]
			if d.svc.Family == req.Service.Family && sameKey(&d.svc, &req.Service) &&
				d.dest.Address == req.Dest.Address && d.dest.Port == req.Dest.Port {
				got = &d.dest
			}
		}
		if got == nil {
			t.Fatalf("destination %+v not in the reference's table:\n%s", req.Dest, c.state)
		}
		got.UpperThreshold, got.LowerThreshold = thresholds(t, c.state, netip.AddrPortFrom(got.Address, got.Port))
		w := req.Dest
		if got.ConnFlags != w.ConnFlags || got.Weight != w.Weight || got.UpperThreshold != w.UpperThreshold ||
			got.LowerThreshold != w.LowerThreshold || got.TunType != w.TunType || got.TunPort != w.TunPort ||
			got.TunFlags != w.TunFlags {
			t.Fatalf("destination\n got %+v\nwant (reference) %+v", w, *got)
		}
	case CmdDelDest:
		for _, d := range dests {
			if sameKey(&d.svc, &req.Service) && d.dest.Address == req.Dest.Address && d.dest.Port == req.Dest.Port {
				t.Fatalf("destination %+v still in the reference's table", req.Dest)
			}
		}
	case CmdTimeout:
		var tcp, fin, udp uint32
		if _, err := fmt.Sscanf(lineWith(c.state, "Timeout (tcp tcpfin udp): "), "Timeout (tcp tcpfin udp): %d %d %d", &tcp, &fin, &udp); err != nil {
			t.Fatalf("no timeouts in state %q", c.state)
		}
		for _, x := range [][2]uint32{{req.Timeouts.TCP, tcp}, {req.Timeouts.TCPFin, fin}, {req.Timeouts.UDP, udp}} {
			if x[0] != 0 && x[0] != x[1] {
				t.Fatalf("timeouts %+v, reference has %d %d %d", req.Timeouts, tcp, fin, udp)
			}
		}
	case CmdStartDaemon:
		state := map[ipvs.DaemonState]string{ipvs.StateMaster: "master", ipvs.StateBackup: "backup"}[req.Daemon.State]
		l := lineWith(c.state, state+" sync daemon (")
		d := req.Daemon
		want := fmt.Sprintf("%s sync daemon (mcast=%s, syncid=%d,", state, d.McastIfn, d.SyncID)
		if !strings.HasPrefix(l, want) {
			t.Fatalf("daemon: got %q, reference %q", want, l)
		}
		if d.McastGroup.IsValid() && !strings.Contains(l, "group="+d.McastGroup.String()+",") {
			t.Fatalf("daemon group %v, reference %q", d.McastGroup, l)
		}
		if d.McastPort != 0 && !strings.Contains(l, fmt.Sprintf("port=%d,", d.McastPort)) {
			t.Fatalf("daemon port %d, reference %q", d.McastPort, l)
		}
		if d.McastTTL != 0 && !strings.Contains(l, fmt.Sprintf("ttl=%d)", d.McastTTL)) {
			t.Fatalf("daemon ttl %d, reference %q", d.McastTTL, l)
		}
	}
}

func lineWith(s, prefix string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

func sameKey(a, b *ipvs.Service) bool {
	if a.FWMark != 0 || b.FWMark != 0 {
		return a.FWMark == b.FWMark && a.Family == b.Family
	}
	return a.Family == b.Family && a.Protocol == b.Protocol && a.Address == b.Address && a.Port == b.Port
}

func findService(svcs []ipvs.Service, key *ipvs.Service) (ipvs.Service, bool) {
	for _, s := range svcs {
		if sameKey(&s, key) {
			return s, true
		}
	}
	return ipvs.Service{}, false
}

type savedDest struct {
	svc  ipvs.Service
	dest ipvs.Destination
}

// parseSaved reads ipvsadm -Sn output on its own (not through Parse):
// "-A -t ADDR:PORT -s SCHED [-p T] [-M MASK] [-b FLAGS] [--pe PE] [-o]" and
// "-a -t ADDR:PORT -r ADDR:PORT -g|-i|-m -w W [--tun-...] [-x U] [-y L]".
func parseSaved(t *testing.T, state string) ([]ipvs.Service, []savedDest) {
	t.Helper()
	var svcs []ipvs.Service
	var dests []savedDest
	for _, l := range strings.Split(state, "\n") {
		f := strings.Fields(l)
		if len(f) < 3 || (f[0] != "-A" && f[0] != "-a") {
			continue
		}
		var s ipvs.Service
		var d ipvs.Destination
		s.Netmask = 0xffffffff
		for i := 1; i < len(f); i++ {
			arg := func() string {
				i++
				if i >= len(f) {
					t.Fatalf("saved line %q: missing value", l)
				}
				return f[i]
			}
			switch f[i] {
			case "-t", "-u", "--sctp-service":
				s.Protocol = map[string]ipvs.Protocol{"-t": ipvs.TCP, "-u": ipvs.UDP, "--sctp-service": ipvs.SCTP}[f[i]]
				ap := netip.MustParseAddrPort(arg())
				s.Address, s.Port = ap.Addr(), ap.Port()
				s.Family = ipvs.AFInet
				if s.Address.Is6() {
					s.Family, s.Netmask = ipvs.AFInet6, 128
				}
			case "-f":
				v, _ := strconv.ParseInt(arg(), 10, 64) // printed with %d
				s.FWMark, s.Family, s.Protocol = uint32(v), ipvs.AFInet, ipvs.TCP
			case "-6":
				s.Family, s.Netmask = ipvs.AFInet6, 128
			case "-s":
				s.Scheduler = arg()
			case "-p":
				v, _ := strconv.ParseUint(arg(), 10, 32)
				s.Flags |= ipvs.SvcPersistent
				s.Timeout = uint32(v)
			case "-M":
				m := arg()
				if a, err := netip.ParseAddr(m); err == nil {
					b := a.As4()
					s.Netmask = ipvs.Netmask(uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]))
				} else {
					v, _ := strconv.ParseUint(m, 10, 32)
					s.Netmask = ipvs.Netmask(v)
				}
			case "-b":
				for _, fl := range strings.Split(arg(), ",") {
					s.Flags |= map[string]uint32{"flag-1": ipvs.SvcSchedFlag1, "flag-2": ipvs.SvcSchedFlag2,
						"flag-3": ipvs.SvcSchedFlag3, "sh-fallback": ipvs.SvcSchedFlag1, "sh-port": ipvs.SvcSchedFlag2,
						"mh-fallback": ipvs.SvcSchedFlag1, "mh-port": ipvs.SvcSchedFlag2}[fl]
				}
			case "--pe":
				s.PEName = arg()
			case "-o":
				s.Flags |= ipvs.SvcOnePacket
			case "-r":
				ap := netip.MustParseAddrPort(arg())
				d.Address, d.Port = ap.Addr(), ap.Port()
			case "-g":
				d.ConnFlags = uint32(ipvs.FwdDirect)
			case "-i":
				d.ConnFlags = uint32(ipvs.FwdTunnel)
			case "-m":
				d.ConnFlags = uint32(ipvs.FwdMasq)
			case "-w":
				v, _ := strconv.ParseInt(arg(), 10, 32)
				d.Weight = int32(v)
			case "-x":
				v, _ := strconv.ParseUint(arg(), 10, 32)
				d.UpperThreshold = uint32(v)
			case "-y":
				v, _ := strconv.ParseUint(arg(), 10, 32)
				d.LowerThreshold = uint32(v)
			case "--tun-type":
				d.TunType = map[string]ipvs.TunnelType{"ipip": ipvs.TunIPIP, "gue": ipvs.TunGUE, "gre": ipvs.TunGRE}[arg()]
			case "--tun-port":
				v, _ := strconv.ParseUint(arg(), 10, 16)
				d.TunPort = uint16(v)
			case "--tun-nocsum":
				d.TunFlags = ipvs.TunFlagNoCsum
			case "--tun-csum":
				d.TunFlags = ipvs.TunFlagCsum
			case "--tun-remcsum":
				d.TunFlags = ipvs.TunFlagRemCsum
			default:
				t.Fatalf("saved line %q: unknown word %q", l, f[i])
			}
		}
		if f[0] == "-A" {
			svcs = append(svcs, s)
		} else {
			dests = append(dests, savedDest{s, d})
		}
	}
	return svcs, dests
}

// thresholds reads a destination's thresholds from the state's
// "ipvsadm -Ln --thresholds" part ("  -> ADDR:PORT  UPPER  LOWER ...").
func thresholds(t *testing.T, state string, dest netip.AddrPort) (upper, lower uint32) {
	t.Helper()
	for _, line := range strings.Split(state, "\n") {
		f := strings.Fields(line)
		if len(f) >= 4 && f[0] == "->" && f[1] == dest.String() {
			u, err1 := strconv.ParseUint(f[2], 10, 32)
			l, err2 := strconv.ParseUint(f[3], 10, 32)
			if err1 != nil || err2 != nil {
				t.Fatalf("bad thresholds line %q", line)
			}
			return uint32(u), uint32(l)
		}
	}
	t.Fatalf("no thresholds for %v in state:\n%s", dest, state)
	return 0, 0
}
