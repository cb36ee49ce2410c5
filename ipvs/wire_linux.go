package ipvs

import (
	"syscall"

	"golang.org/x/sys/unix"
)

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
