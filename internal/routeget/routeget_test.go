package routeget

import (
	"bytes"
	"encoding/hex"
	"errors"
	"net/netip"
	"testing"

	"golang.org/x/sys/unix"
)

// The requests, byte for byte as iproute2's `ip route get` and
// vishvananda/netlink's RouteGet lay them out (little-endian hosts).
func TestAppendRequest(t *testing.T) {
	if order.Uint16([]byte{1, 0}) != 1 {
		t.Skip("the expected bytes are little-endian")
	}
	for _, tt := range []struct {
		seq  uint32
		dst  string
		want string
	}{
		{7, "198.19.0.1",
			"24000000" + "1a00" + "0100" + "07000000" + "00000000" + // nlmsghdr: len 36, RTM_GETROUTE, NLM_F_REQUEST, seq 7
				"02200000" + "00000000" + "00100000" + // rtmsg: AF_INET, /32, flags RTM_F_LOOKUP_TABLE
				"08000100" + "c6130001"}, // RTA_DST 198.19.0.1
		{1, "::ffff:10.0.0.1", // a mapped address asks as IPv4
			"24000000" + "1a00" + "0100" + "01000000" + "00000000" +
				"02200000" + "00000000" + "00100000" + "08000100" + "0a000001"},
		{0x01020304, "2001:db8::1",
			"30000000" + "1a00" + "0100" + "04030201" + "00000000" +
				"0a800000" + "00000000" + "00100000" +
				"14000100" + "20010db8000000000000000000000001"},
	} {
		got := hex.EncodeToString(AppendRequest(nil, tt.seq, netip.MustParseAddr(tt.dst)))
		if got != tt.want {
			t.Errorf("AppendRequest(%d, %s)\n got %s\nwant %s", tt.seq, tt.dst, got, tt.want)
		}
	}
	// Appending keeps what was there: a batch is one buffer.
	b := AppendRequest([]byte("xy"), 1, netip.MustParseAddr("10.0.0.1"))
	if !bytes.HasPrefix(b, []byte("xy")) || len(b) != 2+36 {
		t.Errorf("appended: %x", b)
	}
}

// msg builds one netlink message of type typ with body.
func msg(typ uint16, seq uint32, body []byte) []byte {
	n := hdrLen + len(body)
	b := make([]byte, hdrLen, align(n))
	order.PutUint32(b[0:], uint32(n))
	order.PutUint16(b[4:], typ)
	order.PutUint32(b[8:], seq)
	b = append(b, body...)
	return b[:align(n)]
}

func attr(typ uint16, v []byte) []byte {
	b := make([]byte, rtaLen, align(rtaLen+len(v)))
	order.PutUint16(b[0:], uint16(rtaLen+len(v)))
	order.PutUint16(b[2:], typ)
	return append(b, v...)[:align(rtaLen+len(v))]
}

func route(rtype uint8, attrs ...[]byte) []byte {
	b := make([]byte, rtmsgLen)
	b[0], b[7] = unix.AF_INET, rtype
	for _, a := range attrs {
		b = append(b, a...)
	}
	return b
}

func u32(v uint32) []byte { b := make([]byte, 4); order.PutUint32(b, v); return b }

func errno(e unix.Errno) []byte {
	b := make([]byte, 4+hdrLen) // the error, then the request's header
	order.PutUint32(b, uint32(-int32(e)))
	return b
}

func TestEachAnswer(t *testing.T) {
	gw := netip.MustParseAddr("10.0.0.1")
	src := netip.MustParseAddr("10.0.0.2")
	v6 := netip.MustParseAddr("2001:db8::1")
	type got struct {
		seq uint32
		a   Answer
	}
	for _, tt := range []struct {
		name string
		in   []byte
		want []got
		err  bool
	}{
		{"via a gateway", msg(unix.RTM_NEWROUTE, 1, route(unix.RTN_UNICAST,
			attr(unix.RTA_TABLE, u32(254)), attr(unix.RTA_DST, []byte{198, 19, 0, 1}),
			attr(unix.RTA_OIF, u32(3)), attr(unix.RTA_GATEWAY, gw.AsSlice()), attr(unix.RTA_PREFSRC, src.AsSlice()))),
			[]got{{1, Answer{Type: unix.RTN_UNICAST, OIF: 3, Gateway: gw, PrefSrc: src}}}, false},
		{"local, IPv6 gateway", msg(unix.RTM_NEWROUTE, 2, route(unix.RTN_LOCAL,
			attr(unix.RTA_OIF, u32(1)), attr(unix.RTA_GATEWAY, v6.AsSlice()))),
			[]got{{2, Answer{Type: unix.RTN_LOCAL, OIF: 1, Gateway: v6}}}, false},
		{"refusals and routes in one read", append(append(
			msg(unix.NLMSG_ERROR, 3, errno(unix.ENETUNREACH)),
			msg(unix.RTM_NEWROUTE, 4, route(unix.RTN_UNICAST, attr(unix.RTA_OIF, u32(2))))...),
			msg(unix.NLMSG_ERROR, 5, errno(unix.EINVAL))...),
			[]got{{3, Answer{Err: unix.ENETUNREACH}}, {4, Answer{Type: unix.RTN_UNICAST, OIF: 2}},
				{5, Answer{Err: unix.EINVAL}}}, false},
		{"an ack and a done are no answers", append(msg(unix.NLMSG_ERROR, 6, errno(0)), msg(unix.NLMSG_DONE, 7, u32(0))...),
			nil, false},
		{"unaligned last message", msg(unix.NLMSG_ERROR, 8, errno(unix.EHOSTUNREACH))[:4+hdrLen+hdrLen],
			[]got{{8, Answer{Err: unix.EHOSTUNREACH}}}, false},
		{"short header", []byte{1, 2, 3}, nil, true},
		{"length past the read", msg(unix.RTM_NEWROUTE, 9, route(unix.RTN_UNICAST))[:hdrLen+4], nil, true},
		{"short route", msg(unix.RTM_NEWROUTE, 10, []byte{2, 32}), nil, true},
		{"attribute past its message", msg(unix.RTM_NEWROUTE, 11, append(route(unix.RTN_UNICAST), 0x40, 0, 4, 0)), nil, true},
		{"short error", msg(unix.NLMSG_ERROR, 12, []byte{1}), nil, true},
	} {
		var gots []got
		err := EachAnswer(tt.in, func(seq uint32, a Answer) { gots = append(gots, got{seq, a}) })
		if (err != nil) != tt.err {
			t.Errorf("%s: error %v, want one: %v", tt.name, err, tt.err)
			continue
		}
		if tt.err {
			continue
		}
		if len(gots) != len(tt.want) {
			t.Errorf("%s: %+v, want %+v", tt.name, gots, tt.want)
			continue
		}
		for i := range gots {
			g, w := gots[i], tt.want[i]
			if g.seq != w.seq || g.a.Type != w.a.Type || g.a.OIF != w.a.OIF || g.a.Gateway != w.a.Gateway ||
				g.a.PrefSrc != w.a.PrefSrc || !errors.Is(g.a.Err, w.a.Err) || (g.a.Err == nil) != (w.a.Err == nil) {
				t.Errorf("%s: answer %d = %+v, want %+v", tt.name, i, g, w)
			}
		}
	}
}

func TestLost(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{{unix.EAGAIN, true}, {unix.ENOBUFS, true}, {unix.ENETUNREACH, false}, {nil, false}} {
		if got := lost(Answer{Err: tt.err}); got != tt.want {
			t.Errorf("lost(%v) = %v", tt.err, got)
		}
	}
}

// On this host's kernel (no IPVS needed): loopback is local, and answers
// come back in order, also across batches and for a batch of one.
func TestGetLoopback(t *testing.T) {
	c, err := Dial()
	if err != nil {
		t.Skip(err)
	}
	defer c.Close()
	lo := netip.MustParseAddr("127.0.0.1")
	var dsts []netip.Addr
	for i := 0; i < 3*Batch+5; i++ {
		dsts = append(dsts, lo, netip.MustParseAddr("127.0.0.2"))
	}
	for i, batch := range []int{Batch, 1, 7, Batch} {
		c.Batch = batch
		if i == 3 {
			// A queue of a few answers: most of a batch is dropped
			// and asked for again.
			if err := unix.SetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 1); err != nil {
				t.Fatal(err)
			}
		}
		as, err := c.Get(dsts)
		if err != nil {
			t.Fatal(err)
		}
		if len(as) != len(dsts) {
			t.Fatalf("batch %d: %d answers for %d", batch, len(as), len(dsts))
		}
		for i, a := range as {
			if a.Err != nil || a.Type != unix.RTN_LOCAL || a.OIF == 0 || a.PrefSrc != lo {
				t.Fatalf("batch %d: answer %d for %s = %+v, want local from 127.0.0.1", batch, i, dsts[i], a)
			}
		}
		if i == 3 && c.again == 0 {
			t.Errorf("a queue of a few answers dropped none of %d", batch)
		}
	}
}
