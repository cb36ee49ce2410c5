package ipvsadm

import (
	"bufio"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// -L -c prints the kernel's connection table, /proc/net/ip_vs_conn:
//
//	Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData
//	TCP 0A000001 9C40 0A000064 0050 0A000002 0050 ESTABLISHED     899
//
// IPv4 addresses are hex, IPv6 ones full-length colon notation, ports hex,
// expiry in seconds; the persistence engine and its data follow when the
// connection has them. ipvsadm reads it with fgets into 256 bytes and
// sscanf, whose behaviour on odd input is kept here.

// connFields are the values sscanf fills from one line. Like the C locals
// they keep what the previous line left when a line has fewer fields.
type connFields struct {
	protocol, t1, t2, t3, state, peName, peData string
	cport, vport, dport                         uint16
	expires                                     uint32
}

// listConn prints -L -c.
func (r *runner) listConn(f grammar.Format) error {
	fh, err := os.Open(r.connPath)
	if err != nil {
		r.errorLine("cannot open file " + r.connPath)
		return exitStatus(1)
	}
	defer fh.Close()
	return r.printConns(fh, f)
}

func (r *runner) printConns(in io.Reader, f grammar.Format) error {
	lr := lineReader{r: bufio.NewReaderSize(in, 64<<10)}
	if _, ok := lr.next(); !ok {
		r.errorLine("unexpected input from " + r.connPath)
		return exitStatus(1)
	}
	r.buf = appendConnTitle(r.buf[:0], f)
	r.write(r.buf)
	for {
		line, ok := lr.next()
		if !ok {
			return nil
		}
		n := scanConn(line, &r.conn)
		if n == -1 {
			return exitStatus(1)
		}
		r.buf = appendConnLine(r.buf[:0], &r.conn, n, f, r.names)
		r.write(r.buf)
	}
}

func appendConnTitle(b []byte, f grammar.Format) []byte {
	b = append(b, "IPVS connection entries\npro expire "...)
	b = padRight(b, "state", 11)
	b = append(b, ' ')
	b = padRight(b, "source", 18)
	b = append(b, ' ')
	b = padRight(b, "virtual", 18)
	b = append(b, ' ')
	if f&grammar.FmtPersistentConn != 0 {
		b = padRight(b, "destination", 18)
		b = append(b, ' ')
		b = padRight(b, "pe name", 16)
		b = append(b, " pe_data"...)
	} else {
		b = append(b, "destination"...)
	}
	return append(b, '\n')
}

// lineReader hands out what successive fgets(buf, 256) calls return: a
// line, or 255-byte pieces of a longer one.
type lineReader struct {
	r       *bufio.Reader
	pending []byte
	off     int
	eof     bool
}

func (l *lineReader) next() (string, bool) {
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

// scanConn is sscanf(line, "%s %s %hX %s %hX %s %hX %s %d %s %s"): it
// returns the number of fields converted, -1 when the line is blank.
func scanConn(line string, c *connFields) int {
	s := cscanner{s: line}
	steps := []func() bool{
		func() bool { return s.str(&c.protocol) },
		func() bool { return s.str(&c.t1) },
		func() bool { return s.hex16(&c.cport) },
		func() bool { return s.str(&c.t2) },
		func() bool { return s.hex16(&c.vport) },
		func() bool { return s.str(&c.t3) },
		func() bool { return s.hex16(&c.dport) },
		func() bool { return s.str(&c.state) },
		func() bool { return s.dec32(&c.expires) },
		func() bool { return s.str(&c.peName) },
		func() bool { return s.str(&c.peData) },
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

// cscanner implements the few scanf conversions scanConn needs.
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
		j+2 < len(s.s) && hexVal(s.s[j+2]) >= 0 {
		j += 2
	}
	var v uint64
	start := j
	for j < len(s.s) {
		d := hexVal(s.s[j])
		if d < 0 || uint64(d) >= base {
			break
		}
		v = v*base + uint64(d)
		j++
	}
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

// connAddr reads an address field: IPv6 text, IPv4 dotted quad, or (the
// kernel's IPv4 form) a hex number.
func connAddr(s string) (ipvs.Family, netip.Addr) {
	if strings.IndexByte(s, ':') >= 0 && strings.IndexByte(s, '%') < 0 {
		if a, err := netip.ParseAddr(s); err == nil && a.Is6() {
			return ipvs.AFInet6, a
		}
	}
	if a, err := netip.ParseAddr(s); err == nil && a.Is4() {
		return ipvs.AFInet, a
	}
	return ipvs.AFInet, hexAddr(s)
}

// hexAddr is htonl(strtoul(s, NULL, 16)) as an IPv4 address.
func hexAddr(s string) netip.Addr {
	sc := cscanner{s: s}
	v, _ := sc.number(16)
	u := uint32(v)
	return netip.AddrFrom4([4]byte{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)})
}

func connProto(p string) ipvs.Protocol {
	switch p {
	case "TCP":
		return ipvs.TCP
	case "UDP":
		return ipvs.UDP
	case "SCTP":
		return ipvs.SCTP
	}
	return 0
}

// appendConnLine prints one connection; n is what scanConn returned.
func appendConnLine(b []byte, c *connFields, n int, f grammar.Format, names Namer) []byte {
	proto := connProto(c.protocol)
	// The client address decides the family of client and virtual ones.
	af, caddr := connAddr(c.t1)
	var vaddr netip.Addr
	if af == ipvs.AFInet6 {
		vaddr, _ = netip.ParseAddr(c.t2)
		if !vaddr.Is6() {
			vaddr = netip.IPv6Unspecified()
		}
	} else if a, err := netip.ParseAddr(c.t1); err == nil && a.Is4() {
		vaddr, _ = netip.ParseAddr(c.t2)
		if !vaddr.Is4() {
			vaddr = netip.IPv4Unspecified()
		}
	} else {
		vaddr = hexAddr(c.t2)
	}
	daf, daddr := connAddr(c.t3)

	b = padRight(b, c.protocol, 3)
	b = append(b, ' ')
	start := len(b)
	b = appendZ2(b, c.expires/60)
	b = append(b, ':')
	b = appendZ2(b, c.expires%60)
	b = pad(b, start, 6)
	b = append(b, ' ')
	b = padRight(b, c.state, 11)
	b = append(b, ' ')
	start = len(b)
	b = appendAddrPort(b, af, caddr, c.cport, proto, f, names)
	b = pad(b, start, 18)
	b = append(b, ' ')
	start = len(b)
	b = appendAddrPort(b, af, vaddr, c.vport, proto, f, names)
	b = pad(b, start, 18)
	b = append(b, ' ')
	if f&grammar.FmtPersistentConn != 0 && n == 11 {
		start = len(b)
		b = appendAddrPort(b, daf, daddr, c.dport, proto, f, names)
		b = pad(b, start, 16)
		b = append(b, ' ')
		b = padRight(b, c.peName, 18)
		b = append(b, ' ')
		b = append(b, c.peData...)
		return append(b, '\n')
	}
	b = appendAddrPort(b, daf, daddr, c.dport, proto, f, names)
	return append(b, '\n')
}

// appendZ2 is "%02d" of an unsigned value, which printf reads as an int.
func appendZ2(b []byte, v uint32) []byte {
	if v < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(int32(v)), 10)
}

// hexVal is the value of hex digit c, or -1.
func hexVal(c byte) int {
	if c >= '0' && c <= '9' {
		return int(c - '0')
	}
	if l := c | 0x20; l >= 'a' && l <= 'f' {
		return int(l-'a') + 10
	}
	return -1
}
