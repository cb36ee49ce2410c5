package apply

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/rule"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// Table is an IPVS table: services with their destinations.
type Table []Entry

// Entry is one virtual service and its real servers.
type Entry struct {
	Service ipvs.Service
	Dests   []Dest
}

// Dest is a real server. The -S format never carries thresholds (-x, -y),
// so a line without them means "leave them as they are", not zero; that
// keeps `ipvsadm -Sn > f; ipvsadm apply f` a no-op.
type Dest struct {
	ipvs.Destination
	NoUpper, NoLower bool // the line gave no -x / no -y
}

// LineError is a line of the input that cannot be applied.
type LineError struct {
	Line int
	Msg  string
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// svcKey identifies a service the way the kernel does: by family and
// fwmark, or by family, protocol, address and port.
type svcKey struct {
	family ipvs.Family
	fwmark uint32
	proto  ipvs.Protocol
	addr   netip.Addr
	port   uint16
}

func keyOf(s *ipvs.Service) svcKey {
	if s.FWMark != 0 {
		return svcKey{family: s.Family, fwmark: s.FWMark}
	}
	return svcKey{family: s.Family, proto: s.Protocol, addr: s.Address.Unmap(), port: s.Port}
}

// scanMax is how many real servers a service may have before they are
// looked up through a map rather than by a scan.
const scanMax = 16

// destKey identifies a destination within its service.
type destKey struct {
	addr netip.Addr
	port uint16
}

func dkeyOf(d *ipvs.Destination) destKey { return destKey{d.Address.Unmap(), d.Port} }

// Parse reads a table in -S format: lines of -A and -a commands as
// `ipvsadm -S` prints them (with or without -n). Blank lines and lines whose
// first word starts with '#' are skipped, as ipvsadm-restore skips them.
// Words are split as -R splits them. Every bad line is reported; the table
// is only meaningful when there are none.
func Parse(r io.Reader, p *grammar.Parser) (Table, []LineError) {
	var t Table
	var errs []LineError
	idx := map[svcKey]int{}
	// Real servers already given, by service: few per service are
	// checked by a scan, many through a map made when they get many.
	many := map[int]map[destKey]bool{}
	br := bufio.NewReaderSize(r, 64<<10)
	req := &grammar.Request{}
	for n := 1; ; n++ {
		argv, ok := grammar.ReadRestoreLine(br, "ipvsadm")
		if !ok {
			break
		}
		if len(argv) <= 1 || strings.HasPrefix(argv[1], "#") {
			continue
		}
		bad := func(msg string) { errs = append(errs, LineError{n, msg}) }
		if ex := p.ParseArgvTo(req, argv); ex != nil {
			msg := strings.ReplaceAll(strings.TrimRight(ex.Stderr+ex.Stdout, "\n"), "\n", "; ")
			if msg == "" || ex.Stderr == grammar.TryHelp(argv[0]).Stderr {
				msg = "not a valid ipvsadm command line"
			}
			bad(msg)
			continue
		}
		switch req.Cmd {
		case grammar.CmdAdd:
			k := keyOf(&req.Service)
			if _, dup := idx[k]; dup {
				bad("service " + keyName(&req.Service) + " is defined twice")
				continue
			}
			idx[k] = len(t)
			t = append(t, Entry{Service: req.Service})
		case grammar.CmdAddDest:
			k := keyOf(&req.Service)
			i, ok := idx[k]
			if !ok {
				bad("real server for " + keyName(&req.Service) + ", which no earlier -A line defines")
				continue
			}
			dk, seen := dkeyOf(&req.Dest), false
			if m := many[i]; m != nil {
				seen = m[dk]
				m[dk] = true
			} else {
				for j := range t[i].Dests {
					seen = seen || dkeyOf(&t[i].Dests[j].Destination) == dk
				}
				if len(t[i].Dests) == scanMax {
					m = make(map[destKey]bool, 2*scanMax)
					for j := range t[i].Dests {
						m[dkeyOf(&t[i].Dests[j].Destination)] = true
					}
					m[dk] = true
					many[i] = m
				}
			}
			if seen {
				bad("real server " + string(rule.AppendAddrPort(nil, req.Dest.Address, req.Dest.Port)) + " of " +
					keyName(&req.Service) + " is defined twice")
				continue
			}
			t[i].Dests = append(t[i].Dests, Dest{Destination: req.Dest,
				NoUpper: req.Options&grammar.OptUThreshold == 0, NoLower: req.Options&grammar.OptLThreshold == 0})
		default:
			bad("only -A and -a lines (the -S format) can be applied")
		}
	}
	return t, errs
}

// Read is the kernel's current table.
func Read(api ipvs.API) (Table, error) {
	var t Table
	err := api.EachService(func(s *ipvs.Service) error {
		t = append(t, Entry{Service: *s})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range t {
		err := api.EachDestination(t[i].Service, func(d *ipvs.Destination) error {
			t[i].Dests = append(t[i].Dests, Dest{Destination: *d})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}

// keyName is the service's key as a rule gives it, for messages.
func keyName(s *ipvs.Service) string { return string(rule.AppendKey(nil, s)) }
