package conntab

import (
	"bufio"
	"io"
	"net/netip"
	"strings"

	"github.com/lvsgo/ipvsadm/internal/cnum"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// The kernel's connection table, /proc/net/ip_vs_conn, as -L -c reads it:
//
//	Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData
//	TCP 0A000001 9C40 0A000064 0050 0A000002 0050 ESTABLISHED     899
//
// IPv4 addresses are hex, IPv6 ones full-length colon notation, ports hex,
// expiry in seconds; the persistence engine and its data follow when the
// connection has them. ipvsadm reads it with fgets into 256 bytes and
// sscanf, whose behaviour on odd input is kept here.

// Fields are the values sscanf fills from one line. Like the C locals
// they keep what the previous line left when a line has fewer fields.
type Fields struct {
	Protocol, Client, Virtual, Dest, State, PEName, PEData string // Client, Virtual, Dest: address text
	CPort, VPort, DPort                                    uint16
	Expires                                                uint32
}

// Reader hands out what successive fgets(buf, 256) calls return: a
// line, or 255-byte pieces of a longer one.
type Reader struct {
	r       *bufio.Reader
	pending []byte
	off     int
	eof     bool
}

// NewReader reads the file from r.
func NewReader(r io.Reader) *Reader { return &Reader{r: bufio.NewReaderSize(r, 64<<10)} }

// Next is the next fgets: false at the end.
func (l *Reader) Next() (string, bool) {
	if l.off >= len(l.pending) {
		if l.eof {
			return "", false
		}
		l.pending, l.off = l.pending[:0], 0
		for {
			chunk, err := l.r.ReadSlice('\n')
			l.pending = append(l.pending, chunk...)
			if err == bufio.ErrBufferFull {
				continue
			}
			if err != nil {
				l.eof = true
			}
			break
		}
		if len(l.pending) == 0 {
			return "", false
		}
	}
	end := l.off + 255
	if end > len(l.pending) {
		end = len(l.pending)
	}
	s := string(l.pending[l.off:end])
	l.off = end
	return s, true
}

// Scan is sscanf(line, "%s %s %hX %s %hX %s %hX %s %d %s %s"): it
// returns the number of fields converted, -1 when the line is blank.
func Scan(line string, c *Fields) int {
	s := cscanner{s: line}
	steps := []func() bool{
		func() bool { return s.str(&c.Protocol) },
		func() bool { return s.str(&c.Client) },
		func() bool { return s.hex16(&c.CPort) },
		func() bool { return s.str(&c.Virtual) },
		func() bool { return s.hex16(&c.VPort) },
		func() bool { return s.str(&c.Dest) },
		func() bool { return s.hex16(&c.DPort) },
		func() bool { return s.str(&c.State) },
		func() bool { return s.dec32(&c.Expires) },
		func() bool { return s.str(&c.PEName) },
		func() bool { return s.str(&c.PEData) },
	}
	for i, step := range steps {
		if !step() {
			if i == 0 {
				return -1
			}
			return i
		}
	}
	return len(steps)
}

// cscanner implements the few scanf conversions Scan needs.
type cscanner struct {
	s   string
	i   int
	eof bool
}

func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func (s *cscanner) skipSpace() bool {
	for s.i < len(s.s) && isCSpace(s.s[s.i]) {
		s.i++
	}
	if s.i == len(s.s) {
		s.eof = true
		return false
	}
	return true
}

func (s *cscanner) str(dst *string) bool {
	if !s.skipSpace() {
		return false
	}
	j := s.i
	for j < len(s.s) && !isCSpace(s.s[j]) {
		j++
	}
	*dst = s.s[s.i:j]
	s.i = j
	return true
}

// number reads an optionally signed integer in base 16 or 10 (with an
// optional 0x prefix in base 16), as strtoul does, wrapping on overflow.
func (s *cscanner) number(base uint64) (uint64, bool) {
	if !s.skipSpace() {
		return 0, false
	}
	j := s.i
	neg := false
	if j < len(s.s) && (s.s[j] == '+' || s.s[j] == '-') {
		neg = s.s[j] == '-'
		j++
	}
	if base == 16 && j+1 < len(s.s) && s.s[j] == '0' && (s.s[j+1] == 'x' || s.s[j+1] == 'X') &&
		j+2 < len(s.s) && cnum.Digit(s.s[j+2]) >= 0 {
		j += 2
	}
	start := j
	v, j, _ := cnum.Digits(s.s, j, base)
	if j == start {
		return 0, false
	}
	s.i = j
	if neg {
		v = -v
	}
	return v, true
}

func (s *cscanner) hex16(dst *uint16) bool {
	v, ok := s.number(16)
	if ok {
		*dst = uint16(v)
	}
	return ok
}

func (s *cscanner) dec32(dst *uint32) bool {
	v, ok := s.number(10)
	if ok {
		*dst = uint32(v)
	}
	return ok
}

// Addr reads an address field: IPv6 text, IPv4 dotted quad, or (the
// kernel's IPv4 form) a hex number.
func Addr(s string) (ipvs.Family, netip.Addr) {
	if strings.IndexByte(s, ':') >= 0 && strings.IndexByte(s, '%') < 0 {
		if a, err := netip.ParseAddr(s); err == nil && a.Is6() {
			return ipvs.AFInet6, a
		}
	}
	if a, err := netip.ParseAddr(s); err == nil && a.Is4() {
		return ipvs.AFInet, a
	}
	return ipvs.AFInet, HexAddr(s)
}

// HexAddr is htonl(strtoul(s, NULL, 16)) as an IPv4 address.
func HexAddr(s string) netip.Addr {
	sc := cscanner{s: s}
	v, _ := sc.number(16)
	u := uint32(v)
	return netip.AddrFrom4([4]byte{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)})
}

// Protocol reads the protocol column, spelled as ipvsadm's lists spell it.
func Protocol(p string) ipvs.Protocol {
	for _, pr := range [...]ipvs.Protocol{ipvs.TCP, ipvs.UDP, ipvs.SCTP} {
		if pr.String() == p {
			return pr
		}
	}
	return 0
}
