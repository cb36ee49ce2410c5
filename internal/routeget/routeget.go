package routeget

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"
)

// Answer is the kernel's route to one address.
type Answer struct {
	Type    uint8      // rtm_type: unix.RTN_UNICAST, unix.RTN_LOCAL, ...
	OIF     int        // RTA_OIF, the interface's index; 0 without one
	Gateway netip.Addr // RTA_GATEWAY
	PrefSrc netip.Addr // RTA_PREFSRC, the source address the kernel picks
	// Err is the kernel's refusal (a unix.Errno: "network is
	// unreachable", "invalid argument" for a blackhole route); the
	// other fields are then zero.
	Err error
}

// Batch is how many requests go out in one write: few enough that their
// answers fit the socket's receive queue (each takes about a kilobyte of
// it), so that retries stay rare.
const Batch = 64

// rcvBuf is the receive queue Dial asks for (the kernel caps it at
// net.core.rmem_max).
const rcvBuf = 1 << 20

// Conn is one rtnetlink socket for route requests.
type Conn struct {
	fd    int
	seq   uint32
	buf   []byte // answers are read here
	Batch int    // requests a write, Batch unless set
	again int    // answers asked for again, one at a time
}

// Dial opens the socket in the calling thread's network namespace.
func Dial() (*Conn, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("rtnetlink socket: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("rtnetlink bind: %w", err)
	}
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, rcvBuf) // best effort
	return &Conn{fd: fd, buf: make([]byte, 64<<10), Batch: Batch}, nil
}

// Close closes the socket.
func (c *Conn) Close() error { return unix.Close(c.fd) }

// Get returns the kernel's route to each of dsts, in order. The error is
// the socket's (nothing could be asked); the kernel's refusals are in
// the answers.
func (c *Conn) Get(dsts []netip.Addr) ([]Answer, error) {
	out := make([]Answer, len(dsts))
	n := c.Batch
	if n <= 0 {
		n = Batch
	}
	for i := 0; i < len(dsts); i += n {
		if err := c.batch(dsts[i:min(i+n, len(dsts))], out[i:]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// batch asks for dsts in one write and fills out, then asks again, one
// at a time, for what the queue dropped.
func (c *Conn) batch(dsts []netip.Addr, out []Answer) error {
	first := c.seq + 1
	var req []byte
	for _, d := range dsts {
		c.seq++
		req = AppendRequest(req, c.seq, d)
	}
	if err := unix.Sendto(c.fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("rtnetlink send: %w", err)
	}
	got := make([]bool, len(dsts))
	for {
		// Every answer is queued by now: an empty queue is the end.
		n, _, err := unix.Recvfrom(c.fd, c.buf, unix.MSG_DONTWAIT)
		if errors.Is(err, unix.EAGAIN) {
			break
		}
		if errors.Is(err, unix.ENOBUFS) || errors.Is(err, unix.EINTR) {
			continue // answers were dropped: asked for again below
		}
		if err != nil {
			return fmt.Errorf("rtnetlink receive: %w", err)
		}
		err = EachAnswer(c.buf[:n], func(seq uint32, a Answer) {
			if k := seq - first; seq >= first && int(k) < len(dsts) && !lost(a) {
				out[k], got[k] = a, true
			}
		})
		if err != nil {
			return err
		}
	}
	for k, ok := range got {
		if !ok {
			c.again++
			a, err := c.one(dsts[k])
			if err != nil {
				return err
			}
			out[k] = a
		}
	}
	return nil
}

// lost says whether a is not the kernel's route but its failure to queue
// the answer.
func lost(a Answer) bool {
	return errors.Is(a.Err, unix.EAGAIN) || errors.Is(a.Err, unix.ENOBUFS)
}

// one asks for dst alone and waits for its answer (the queue is empty
// then, so it has room), again if memory was short even for that.
func (c *Conn) one(dst netip.Addr) (Answer, error) {
	for try := 0; ; try++ {
		c.seq++
		seq := c.seq
		if err := unix.Sendto(c.fd, AppendRequest(nil, seq, dst), 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
			return Answer{}, fmt.Errorf("rtnetlink send: %w", err)
		}
		a, err := c.wait(seq)
		if errors.Is(err, unix.ENOBUFS) && try < 3 {
			continue
		}
		return a, err
	}
}

// wait reads until the answer to seq, which the kernel queued before the
// request's write returned: a read that would block has lost it.
func (c *Conn) wait(seq uint32) (Answer, error) {
	for {
		n, _, err := unix.Recvfrom(c.fd, c.buf, unix.MSG_DONTWAIT)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if errors.Is(err, unix.EAGAIN) {
			err = unix.ENOBUFS
		}
		if err != nil {
			return Answer{}, fmt.Errorf("rtnetlink receive: %w", err)
		}
		var a Answer
		found := false
		if err := EachAnswer(c.buf[:n], func(s uint32, x Answer) {
			if s == seq {
				a, found = x, true
			}
		}); err != nil {
			return Answer{}, err
		}
		if found && !lost(a) {
			return a, nil
		}
		if found {
			return Answer{}, fmt.Errorf("rtnetlink receive: %w", unix.ENOBUFS)
		}
	}
}

// Message sizes (linux/netlink.h, linux/rtnetlink.h).
const (
	hdrLen   = unix.SizeofNlMsghdr // 16
	rtmsgLen = unix.SizeofRtMsg    // 12
	rtaLen   = unix.SizeofRtAttr   // 4
)

var order = binary.NativeEndian

// AppendRequest appends an RTM_GETROUTE request for dst with sequence
// number seq to b: the message `ip route get DST` sends (a host route
// of dst's family, the table's route looked up).
func AppendRequest(b []byte, seq uint32, dst netip.Addr) []byte {
	dst = dst.Unmap()
	addr := dst.AsSlice()
	family := uint8(unix.AF_INET)
	if dst.Is6() {
		family = unix.AF_INET6
	}
	attr := rtaLen + len(addr)
	total := hdrLen + rtmsgLen + align(attr)
	start := len(b)
	b = append(b, make([]byte, total)...)
	m := b[start:]
	order.PutUint32(m[0:], uint32(total))
	order.PutUint16(m[4:], unix.RTM_GETROUTE)
	order.PutUint16(m[6:], unix.NLM_F_REQUEST)
	order.PutUint32(m[8:], seq)
	// pid 0: the kernel fills in the socket's.
	r := m[hdrLen:]
	r[0] = family
	r[1] = uint8(len(addr) * 8) // rtm_dst_len
	order.PutUint32(r[8:], unix.RTM_F_LOOKUP_TABLE)
	a := r[rtmsgLen:]
	order.PutUint16(a[0:], uint16(attr))
	order.PutUint16(a[2:], unix.RTA_DST)
	copy(a[rtaLen:], addr)
	return b
}

func align(n int) int { return (n + 3) &^ 3 }

// EachAnswer calls f with each answer in b, the messages of one read:
// an RTM_NEWROUTE is a route, an NLMSG_ERROR the kernel's refusal.
// Other messages are skipped; a truncated one is an error.
func EachAnswer(b []byte, f func(seq uint32, a Answer)) error {
	for len(b) > 0 {
		if len(b) < hdrLen {
			return fmt.Errorf("rtnetlink: %d bytes left, short of a header", len(b))
		}
		n := int(order.Uint32(b[0:]))
		if n < hdrLen || n > len(b) {
			return fmt.Errorf("rtnetlink: message of %d bytes in %d", n, len(b))
		}
		typ, seq, body := order.Uint16(b[4:]), order.Uint32(b[8:]), b[hdrLen:n]
		switch typ {
		case unix.NLMSG_ERROR:
			if len(body) < 4 {
				return fmt.Errorf("rtnetlink: short error message")
			}
			if e := int32(order.Uint32(body)); e != 0 {
				f(seq, Answer{Err: unix.Errno(-e)})
			}
		case unix.RTM_NEWROUTE:
			a, err := parseRoute(body)
			if err != nil {
				return err
			}
			f(seq, a)
		}
		b = b[min(align(n), len(b)):]
	}
	return nil
}

// parseRoute reads an rtmsg and the attributes doctor uses.
func parseRoute(b []byte) (Answer, error) {
	if len(b) < rtmsgLen {
		return Answer{}, fmt.Errorf("rtnetlink: route message of %d bytes", len(b))
	}
	a := Answer{Type: b[7]}
	for at := b[rtmsgLen:]; len(at) >= rtaLen; {
		n := int(order.Uint16(at[0:]))
		if n < rtaLen || n > len(at) {
			return Answer{}, fmt.Errorf("rtnetlink: attribute of %d bytes in %d", n, len(at))
		}
		v := at[rtaLen:n]
		switch order.Uint16(at[2:]) {
		case unix.RTA_OIF:
			if len(v) == 4 {
				a.OIF = int(order.Uint32(v))
			}
		case unix.RTA_GATEWAY:
			a.Gateway, _ = netip.AddrFromSlice(v)
		case unix.RTA_PREFSRC:
			a.PrefSrc, _ = netip.AddrFromSlice(v)
		}
		at = at[min(align(n), len(at)):]
	}
	return a, nil
}
