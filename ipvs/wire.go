package ipvs

import (
	"encoding/binary"
	"errors"
	"syscall"
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
