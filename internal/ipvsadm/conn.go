package ipvsadm

import (
	"io"
	"net/netip"
	"os"
	"strconv"

	"github.com/lvsgo/ipvsadm/internal/conntab"
	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/show"
	"github.com/lvsgo/ipvsadm/ipvs"
)

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
	lr := conntab.NewReader(in)
	if _, ok := lr.Next(); !ok {
		r.errorLine("unexpected input from " + r.connPath)
		return exitStatus(1)
	}
	r.buf = appendConnTitle(r.buf[:0], f)
	r.write(r.buf)
	for {
		line, ok := lr.Next()
		if !ok {
			return nil
		}
		n := conntab.Scan(line, &r.conn)
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

// appendConnLine prints one connection; n is what conntab.Scan returned.
func appendConnLine(b []byte, c *conntab.Fields, n int, f grammar.Format, names show.Namer) []byte {
	proto := conntab.Protocol(c.Protocol)
	// The client address decides the family of client and virtual ones.
	af, caddr := conntab.Addr(c.Client)
	var vaddr netip.Addr
	if af == ipvs.AFInet6 {
		vaddr, _ = netip.ParseAddr(c.Virtual)
		if !vaddr.Is6() {
			vaddr = netip.IPv6Unspecified()
		}
	} else if a, err := netip.ParseAddr(c.Client); err == nil && a.Is4() {
		vaddr, _ = netip.ParseAddr(c.Virtual)
		if !vaddr.Is4() {
			vaddr = netip.IPv4Unspecified()
		}
	} else {
		vaddr = conntab.HexAddr(c.Virtual)
	}
	daf, daddr := conntab.Addr(c.Dest)

	b = padRight(b, c.Protocol, 3)
	b = append(b, ' ')
	start := len(b)
	b = appendZ2(b, c.Expires/60)
	b = append(b, ':')
	b = appendZ2(b, c.Expires%60)
	b = pad(b, start, 6)
	b = append(b, ' ')
	b = padRight(b, c.State, 11)
	b = append(b, ' ')
	start = len(b)
	b = show.AppendAddrPort(b, af, caddr, c.CPort, proto, f, names)
	b = pad(b, start, 18)
	b = append(b, ' ')
	start = len(b)
	b = show.AppendAddrPort(b, af, vaddr, c.VPort, proto, f, names)
	b = pad(b, start, 18)
	b = append(b, ' ')
	if f&grammar.FmtPersistentConn != 0 && n == 11 {
		start = len(b)
		b = show.AppendAddrPort(b, daf, daddr, c.DPort, proto, f, names)
		b = pad(b, start, 16)
		b = append(b, ' ')
		b = padRight(b, c.PEName, 18)
		b = append(b, ' ')
		b = append(b, c.PEData...)
		return append(b, '\n')
	}
	b = show.AppendAddrPort(b, daf, daddr, c.DPort, proto, f, names)
	return append(b, '\n')
}

// appendZ2 is "%02d" of an unsigned value, which printf reads as an int.
func appendZ2(b []byte, v uint32) []byte {
	if v < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(int32(v)), 10)
}
