package ipvs

import (
	"encoding/binary"
	"errors"
	"syscall"

	"golang.org/x/sys/unix"
)

// The socket is opened with mdlayher/netlink (dial, family lookup), but
// requests and answers go through the raw descriptor: one reusable buffer
// each way, no per-message allocation, no peek before every read. A table
// of 10,000 services is 10,000 destination dumps; that is where the time
// goes.
//
// The reads and writes are raw system calls, which do not tell the Go
// scheduler that the thread is in the kernel. The kernel answers netlink
// requests during the write itself, so neither call waits (a read that
// would is handed to the poller as usual); but either can take longer than
// the 20µs after which the scheduler hands the thread's processor to a new
// thread, and under a slow (emulated) CPU that hand-off on every call cost
// more than the calls themselves.

const (
	nlmsgHdrLen = 16
	nlmsgError  = 2
	nlmsgDone   = 3

	flagRequest = 0x1
	flagAck     = 0x4
	flagDump    = 0x300 // NLM_F_ROOT | NLM_F_MATCH

	// A dump datagram is at most 32 KiB on current kernels (they size
	// dump buffers by the reader's buffer, capped there). Two are read at
	// once: a dump's last entries and its end, which the kernel makes
	// while the first is being read.
	recvParts    = 2
	recvPartSize = 32 << 10
)

var errTruncated = errors.New("ipvs: netlink answer larger than the receive buffer")

// transport moves datagrams between a Client and the kernel: the raw
// socket (wire), or a fake in tests.
type transport interface {
	// send writes one datagram of one or more requests.
	send(b []byte) error
	// recv reads one or more datagrams; they stay valid until the next
	// call.
	recv() ([][]byte, error)
}

// wire is the transport of a real Client: the socket's descriptor.
type wire struct {
	rc   syscall.RawConn
	rbuf []byte // received datagrams, recvPartSize each

	// The RawConn callbacks, made once (a closure per call would be an
	// allocation per call), and what they pass back.
	readFn, writeFn func(fd uintptr) bool
	out             []byte
	n               uintptr
	errno           syscall.Errno
	iov             [recvParts]unix.Iovec
	mm              [recvParts]mmsghdr
	parts           [recvParts][]byte
}

// mmsghdr is struct mmsghdr of recvmmsg(2).
type mmsghdr struct {
	hdr unix.Msghdr
	len uint32
}

func newWire(rc syscall.RawConn) *wire {
	w := &wire{rc: rc, rbuf: make([]byte, recvParts*recvPartSize)}
	for i := range w.mm {
		w.iov[i].Base = &w.rbuf[i*recvPartSize]
		w.iov[i].SetLen(recvPartSize)
		w.mm[i].hdr.Iov = &w.iov[i]
		w.mm[i].hdr.SetIovlen(1)
	}
	w.writeFn = func(fd uintptr) bool {
		for {
			_, _, w.errno = unix.RawSyscall(unix.SYS_WRITE, fd, uintptr(unsafePointer(&w.out[0])), uintptr(len(w.out)))
			if w.errno != unix.EINTR {
				return w.errno != unix.EAGAIN
			}
		}
	}
	w.readFn = func(fd uintptr) bool {
		for {
			// MSG_WAITFORONE: wait for the first datagram only, take a
			// second if it is there. MSG_TRUNC makes a netlink socket
			// report a datagram's full length, so a too-small buffer is
			// noticed.
			w.n, _, w.errno = unix.RawSyscall6(unix.SYS_RECVMMSG, fd, uintptr(unsafePointer(&w.mm[0])),
				recvParts, unix.MSG_WAITFORONE|unix.MSG_TRUNC, 0, 0)
			if w.errno != unix.EINTR {
				return w.errno != unix.EAGAIN
			}
		}
	}
	return w
}

// send writes one datagram to the kernel. The socket is not connected,
// but an unaddressed netlink datagram goes to the kernel (port 0). The
// kernel handles every request in it before write returns.
func (w *wire) send(b []byte) error {
	w.out = b
	err := w.rc.Write(w.writeFn)
	w.out = nil
	if err != nil {
		return err
	}
	if w.errno != 0 {
		return w.errno
	}
	return nil
}

// recv reads one or more datagrams (as many as are queued, up to
// recvParts; at least one).
func (w *wire) recv() ([][]byte, error) {
	if err := w.rc.Read(w.readFn); err != nil {
		return nil, err
	}
	if w.errno != 0 {
		return nil, w.errno
	}
	n := int(w.n)
	for i := 0; i < n; i++ {
		l := int(w.mm[i].len)
		if l > recvPartSize || w.mm[i].hdr.Flags&unix.MSG_TRUNC != 0 {
			return nil, errTruncated
		}
		w.parts[i] = w.rbuf[i*recvPartSize : i*recvPartSize+l]
	}
	return w.parts[:n], nil
}

// message is one netlink message of a received datagram.
type message struct {
	typ     uint16
	seq     uint32
	payload []byte
}

// nextMessage splits the first message off b.
func nextMessage(b []byte) (m message, rest []byte, ok bool) {
	if len(b) < nlmsgHdrLen {
		return m, nil, false
	}
	l := int(binary.NativeEndian.Uint32(b))
	if l < nlmsgHdrLen || l > len(b) {
		return m, nil, false
	}
	m.typ = binary.NativeEndian.Uint16(b[4:])
	m.seq = binary.NativeEndian.Uint32(b[8:])
	m.payload = b[nlmsgHdrLen:l]
	adv := (l + 3) &^ 3
	if adv > len(b) {
		adv = len(b)
	}
	return m, b[adv:], true
}

// errorCode is the errno of an NLMSG_ERROR or NLMSG_DONE payload (0 for an
// ACK or the end of a dump).
func errorCode(payload []byte) (syscall.Errno, bool) {
	if len(payload) < 4 {
		return 0, false
	}
	code := int32(binary.NativeEndian.Uint32(payload))
	if code > 0 {
		return 0, false
	}
	return syscall.Errno(-code), true
}
