package diagnose

import (
	"bufio"
	"encoding/binary"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/lvsgo/ipvsadm/internal/conntab"
)

// The parsers of what Kernel reads from /proc and /lib/modules: pure, so
// tests feed them text.

// ParseConns reads /proc/net/ip_vs_conn, with conntab's scanner (the one
// -L -c uses); the heading and short lines are skipped.
func ParseConns(r io.Reader) []Conn {
	var out []Conn
	lr := conntab.NewReader(r)
	var f conntab.Fields
	for {
		line, ok := lr.Next()
		if !ok {
			return out
		}
		if conntab.Scan(line, &f) < 9 {
			continue
		}
		p := conntab.Protocol(f.Protocol)
		if p == 0 {
			continue // the heading
		}
		_, c := conntab.Addr(f.Client)
		_, v := conntab.Addr(f.Virtual)
		_, d := conntab.Addr(f.Dest)
		out = append(out, Conn{Protocol: p, State: f.State, Expires: f.Expires,
			Client:  netip.AddrPortFrom(c.Unmap(), f.CPort),
			Virtual: netip.AddrPortFrom(v.Unmap(), f.VPort),
			Dest:    netip.AddrPortFrom(d.Unmap(), f.DPort)})
	}
}

// tcpListen is TCP_LISTEN in /proc/net/tcp's st column.
const tcpListen = "0A"

// ParseListeners reads /proc/net/tcp or tcp6 and returns the local
// addresses of the sockets in LISTEN state. Addresses there are hex
// words in the host's byte order ("0100007F:0050" is 127.0.0.1:80 on a
// little-endian host).
func ParseListeners(r io.Reader) []netip.AddrPort {
	var out []netip.AddrPort
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || f[3] != tcpListen {
			continue
		}
		if ap, ok := procAddrPort(f[1]); ok {
			out = append(out, ap)
		}
	}
	return out
}

// procAddrPort reads one "ADDR:PORT" of /proc/net/tcp{,6}.
func procAddrPort(s string) (netip.AddrPort, bool) {
	a, p, ok := strings.Cut(s, ":")
	if !ok {
		return netip.AddrPort{}, false
	}
	port, err := strconv.ParseUint(p, 16, 16)
	if err != nil {
		return netip.AddrPort{}, false
	}
	if len(a) != 8 && len(a) != 32 {
		return netip.AddrPort{}, false
	}
	// Each 32-bit word is printed as an integer read in host order from
	// the address's bytes: write it back the same way.
	var b [16]byte
	for i := 0; i < len(a)/8; i++ {
		w, err := strconv.ParseUint(a[i*8:i*8+8], 16, 32)
		if err != nil {
			return netip.AddrPort{}, false
		}
		binary.NativeEndian.PutUint32(b[i*4:], uint32(w))
	}
	addr := netip.AddrFrom16(b).Unmap()
	if len(a) == 8 {
		addr = netip.AddrFrom4([4]byte(b[:4]))
	}
	return netip.AddrPortFrom(addr, uint16(port)), true
}
