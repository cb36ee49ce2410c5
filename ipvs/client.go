package ipvs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"syscall"

	"github.com/mdlayher/netlink"
)

// Client talks to the kernel's IPVS generic netlink family. It is safe for
// concurrent use; requests are serialized.
type Client struct {
	mu     sync.Mutex
	nl     *netlink.Conn
	family uint16
	info   Info
	buf    []byte // request payload scratch
	tr     transport
	seq    uint32
	wbuf   []byte      // requests being sent
	dest   Destination // EachDestination's scratch
}

var _ API = (*Client)(nil)

// OpenError is returned by Open when IPVS cannot be initialized. Errno is
// the errno ipvsadm reports in "Can't initialize ipvs: ..." for the same
// situation. Without the IPVS family (no ip_vs module) it unwraps to
// ErrNotAvailable as well as to Errno.
type OpenError struct {
	Errno   syscall.Errno
	Missing bool // no IPVS netlink family, even after modprobe
	Err     error
}

func (e *OpenError) Error() string {
	if e.Missing {
		return fmt.Sprintf("ipvs: can't initialize: %v (%v)", ErrNotAvailable, e.Errno.Error())
	}
	return fmt.Sprintf("ipvs: can't initialize: %v", e.Err)
}

func (e *OpenError) Unwrap() []error {
	if e.Missing {
		return []error{ErrNotAvailable, e.Errno}
	}
	return []error{e.Err, e.Errno}
}

// Config says how Open connects. The zero value is the current network
// namespace, with modprobe's output discarded.
type Config struct {
	// NetNS is an open file descriptor of a network namespace (e.g. of
	// /run/netns/NAME); 0 is the current one.
	NetNS int
	// Modprobe's standard streams. ipvsadm lets modprobe inherit its own;
	// the program passes them in, a library never writes on its own.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// NoModprobe: never run modprobe; without the ip_vs module Open fails
	// (for callers that must change nothing, such as ipvsadm doctor).
	NoModprobe bool
}

// Open connects to IPVS. Like ipvsadm it asks the kernel for GET_INFO; if
// that fails it runs `/sbin/modprobe -- ip_vs` once (unless NoModprobe)
// and tries again.
func Open(cfg Config) (*Client, error) {
	c, err := dial(cfg.NetNS)
	if err == nil {
		return c, nil
	}
	// ipvsadm: if init fails, try modprobe; if that fails too, report the
	// errno of the first attempt.
	if cfg.NoModprobe || modprobe(cfg) != nil {
		return nil, err
	}
	c, err = dial(cfg.NetNS)
	if err != nil {
		return nil, err
	}
	return c, nil
}

func errnoOf(err error, def syscall.Errno) syscall.Errno {
	var en syscall.Errno
	if errors.As(err, &en) {
		return en
	}
	return def
}

// Close closes the netlink socket.
func (c *Client) Close() error {
	if c.nl == nil {
		return nil
	}
	return c.nl.Close()
}

// Info is the GET_INFO answer read by Open: the IPVS version and the
// connection table's size.
func (c *Client) Info() Info { return c.info }

// kernelErr turns a netlink failure of cmd into *Error when it carries an
// errno.
func kernelErr(cmd uint8, err error) error {
	var en syscall.Errno
	if errors.As(err, &en) {
		return &Error{Op: cmdName(cmd), Errno: en}
	}
	return fmt.Errorf("ipvs %s: %w", cmdName(cmd), err)
}

// appendRequest appends a netlink header and payload (genl header and
// attributes) to b, and returns it with the request's sequence number.
func (c *Client) appendRequest(b []byte, flags uint16, payload []byte) ([]byte, uint32) {
	c.seq++
	l := nlmsgHdrLen + len(payload)
	b = binary.NativeEndian.AppendUint32(b, uint32(l))
	b = binary.NativeEndian.AppendUint16(b, c.family)
	b = binary.NativeEndian.AppendUint16(b, flags)
	b = binary.NativeEndian.AppendUint32(b, c.seq)
	b = binary.NativeEndian.AppendUint32(b, 0) // port ID: the kernel fills it in
	b = append(b, payload...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b, c.seq
}

// request sends one request built from payload (which was built in c.buf).
func (c *Client) request(flags uint16, payload []byte) (uint32, error) {
	b, seq := c.appendRequest(c.wbuf[:0], flags, payload)
	c.wbuf, c.buf = b[:0], payload[:0] // keep both buffers for the next request
	return seq, c.tr.send(b)
}

// do sends one request that changes state and waits for its ACK.
func (c *Client) do(cmd uint8, payload []byte) error {
	seq, err := c.request(flagRequest|flagAck, payload)
	if err != nil {
		return kernelErr(cmd, err)
	}
	for {
		ds, err := c.tr.recv()
		if err != nil {
			return kernelErr(cmd, err)
		}
		for _, d := range ds {
			for m, rest, ok := nextMessage(d); ok; m, rest, ok = nextMessage(rest) {
				if m.seq != seq || m.typ != nlmsgError {
					continue // a stale answer to an earlier request
				}
				return answer(cmd, m.payload)
			}
		}
	}
}

// answer is the error an NLMSG_ERROR or NLMSG_DONE payload reports (nil
// for an ACK or the end of a dump).
func answer(cmd uint8, payload []byte) error {
	errno, ok := errorCode(payload)
	switch {
	case !ok:
		return kernelErr(cmd, errMalformed)
	case errno != 0:
		return &Error{Op: cmdName(cmd), Errno: errno}
	}
	return nil
}

// get sends a request and calls fn with the attributes of each reply
// (after the genl header) as it arrives: one reply, or all of a dump.
func (c *Client) get(cmd uint8, payload []byte, dump bool, fn func(b []byte) error) error {
	flags := uint16(flagRequest)
	if dump {
		flags |= flagDump
	}
	seq, err := c.request(flags, payload)
	if err != nil {
		return kernelErr(cmd, err)
	}
	var ferr error
	for {
		ds, err := c.tr.recv()
		if err != nil {
			return kernelErr(cmd, err)
		}
		for _, d := range ds {
			for m, rest, ok := nextMessage(d); ok; m, rest, ok = nextMessage(rest) {
				if m.seq != seq {
					continue // a stale answer to an earlier request
				}
				switch m.typ {
				case nlmsgError, nlmsgDone:
					if err := answer(cmd, m.payload); err != nil {
						return err
					}
					return ferr
				case c.family:
					if ferr == nil {
						if len(m.payload) < 4 {
							ferr = errMalformed
						} else {
							ferr = fn(m.payload[4:])
						}
					}
					if !dump {
						return ferr
					}
				}
			}
		}
	}
}

// getInfo asks the kernel for the IPVS version and connection table size
// (GET_INFO).
func (c *Client) getInfo() (Info, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var in Info
	err := c.get(cmdGetInfo, encodeBare(c.buf, cmdGetInfo), false, func(b []byte) error {
		return decodeInfo(b, &in)
	})
	return in, err
}

// EachService calls fn for every virtual service, as the dump streams in.
// The *Service is reused between calls.
func (c *Client) EachService(fn func(*Service) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var s Service
	return c.get(cmdGetService, encodeBare(c.buf, cmdGetService), true, func(b []byte) error {
		if err := decodeService(b, &s); err != nil {
			return err
		}
		return fn(&s)
	})
}

// Services lists all virtual services (GET_SERVICE dump), in kernel order.
func (c *Client) Services() ([]Service, error) { return Services(c) }

// Service looks up one service by its key (family and fwmark, or family,
// protocol, address and port), as `ipvsadm -L -t VIP` does.
func (c *Client) Service(key Service) (Service, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var s Service
	err := c.get(cmdGetService, encodeGetService(c.buf, &key), false, func(b []byte) error {
		return decodeService(b, &s)
	})
	return s, err
}

// EachDestination calls fn for every destination of svc as the dump streams
// in. The *Destination is reused between calls.
func (c *Client) EachDestination(svc Service, fn func(*Destination) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := &c.dest // reused: a list dumps the destinations of every service
	return c.get(cmdGetDest, encodeGetDests(c.buf, &svc), true, func(b []byte) error {
		if err := decodeDest(b, svc.Family, d); err != nil {
			return err
		}
		return fn(d)
	})
}

// Destinations lists svc's real servers (GET_DEST dump), in kernel order.
func (c *Client) Destinations(svc Service) ([]Destination, error) { return Destinations(c, svc) }

// Exec performs one change and waits for the kernel's answer.
func (c *Client) Exec(op *Op) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	cmd, b, ok := encodeOp(c.buf, op)
	if !ok {
		return fmt.Errorf("ipvs: unknown op kind %d", op.Kind)
	}
	c.buf = b[:0]
	return c.do(cmd, b)
}

// The shorthands below are Exec of one Op each, for library users; the
// front ends build Ops (a line of ipvsadm is one) and call Exec or Batch.

// NewService adds a virtual service (-A).
func (c *Client) NewService(svc Service) error {
	return c.Exec(&Op{Kind: OpNewService, Service: svc})
}

// UpdateService edits a virtual service (-E).
func (c *Client) UpdateService(svc Service) error {
	return c.Exec(&Op{Kind: OpUpdateService, Service: svc})
}

// DelService deletes a virtual service and its real servers (-D).
func (c *Client) DelService(svc Service) error {
	return c.Exec(&Op{Kind: OpDelService, Service: svc})
}

// Flush removes all virtual services.
func (c *Client) Flush() error { return c.Exec(&Op{Kind: OpFlush}) }

// Zero clears the counters of svc, or of every service when svc is nil (or
// has no key, as libipvs decides).
func (c *Client) Zero(svc *Service) error {
	op := Op{Kind: OpZero}
	if svc != nil {
		op.Service = *svc
	}
	return c.Exec(&op)
}

// NewDestination adds a real server to svc (-a).
func (c *Client) NewDestination(svc Service, d Destination) error {
	return c.Exec(&Op{Kind: OpNewDest, Service: svc, Dest: d})
}

// UpdateDestination edits one of svc's real servers (-e).
func (c *Client) UpdateDestination(svc Service, d Destination) error {
	return c.Exec(&Op{Kind: OpUpdateDest, Service: svc, Dest: d})
}

// DelDestination deletes one of svc's real servers (-d).
func (c *Client) DelDestination(svc Service, d Destination) error {
	return c.Exec(&Op{Kind: OpDelDest, Service: svc, Dest: d})
}

// Timeouts reads the tcp, tcpfin and udp timeouts (GET_CONFIG).
func (c *Client) Timeouts() (Timeouts, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var t Timeouts
	err := c.get(cmdGetConfig, encodeBare(c.buf, cmdGetConfig), false, func(b []byte) error {
		return decodeTimeouts(b, &t)
	})
	return t, err
}

// SetTimeouts sets the timeouts; zero fields are left unchanged by the kernel.
func (c *Client) SetTimeouts(t Timeouts) error {
	return c.Exec(&Op{Kind: OpSetTimeouts, Timeouts: t})
}

// Daemons lists the running sync daemons (master first, then backup).
func (c *Client) Daemons() ([]Daemon, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Daemon
	err := c.get(cmdGetDaemon, encodeBare(c.buf, cmdGetDaemon), true, func(b []byte) error {
		var d Daemon
		if err := decodeDaemon(b, &d); err != nil {
			return err
		}
		out = append(out, d)
		return nil
	})
	return out, err
}

// NewDaemon starts a sync daemon (--start-daemon).
func (c *Client) NewDaemon(d Daemon) error {
	return c.Exec(&Op{Kind: OpNewDaemon, Daemon: d})
}

// DelDaemon stops a sync daemon (--stop-daemon).
func (c *Client) DelDaemon(d Daemon) error {
	return c.Exec(&Op{Kind: OpDelDaemon, Daemon: d})
}
