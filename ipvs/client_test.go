package ipvs

import (
	"encoding/binary"
	"errors"
	"iter"
	"net/netip"
	"syscall"
	"testing"

	"github.com/mdlayher/netlink"
)

// fakeKernel is a netlink.Socket that answers like the kernel does: every
// request of a sendmsg is handled in order, and every answer is a datagram
// of its own (an ACK, an error, a reply, or a part of a dump).
type fakeKernel struct {
	handle   func(req netlink.Message) [][]netlink.Message
	queue    [][]netlink.Message
	sendmsgs []int // requests per sendmsg
}

func (k *fakeKernel) Close() error                 { return nil }
func (k *fakeKernel) Send(m netlink.Message) error { return k.SendMessages([]netlink.Message{m}) }

func (k *fakeKernel) SendMessages(ms []netlink.Message) error {
	k.sendmsgs = append(k.sendmsgs, len(ms))
	for _, m := range ms {
		k.queue = append(k.queue, k.handle(m)...)
	}
	return nil
}

func (k *fakeKernel) Receive() ([]netlink.Message, error) {
	var out []netlink.Message
	for m, err := range k.ReceiveIter() {
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func (k *fakeKernel) ReceiveIter() iter.Seq2[netlink.Message, error] {
	return func(yield func(netlink.Message, error) bool) {
		if len(k.queue) == 0 {
			panic("fakeKernel: receive would block forever")
		}
		d := k.queue[0]
		k.queue = k.queue[1:]
		for _, m := range d {
			if !yield(m, nil) {
				return
			}
		}
	}
}

const fakeFamily = 0x20

func ack(req netlink.Message, errno syscall.Errno) []netlink.Message {
	data := binary.NativeEndian.AppendUint32(nil, uint32(-int32(errno)))
	h, _ := (&netlink.Message{Header: req.Header}).MarshalBinary()
	data = append(data, h[:16]...)
	return []netlink.Message{{Header: netlink.Header{Type: netlink.Error, Sequence: req.Header.Sequence, PID: req.Header.PID}, Data: data}}
}

func fakeClient(k *fakeKernel) *Client {
	return &Client{family: fakeFamily, tr: socketTransport{k}}
}

// socketTransport carries a Client's datagrams to and from a
// netlink.Socket such as fakeKernel.
type socketTransport struct{ s netlink.Socket }

func (t socketTransport) send(b []byte) error {
	var ms []netlink.Message
	for len(b) >= 16 {
		l := int(binary.NativeEndian.Uint32(b))
		if l < 16 || l > len(b) {
			return errors.New("socketTransport: bad message length")
		}
		var m netlink.Message
		if err := m.UnmarshalBinary(b[:l]); err != nil {
			return err
		}
		ms = append(ms, m)
		b = b[min((l+3)&^3, len(b)):]
	}
	if len(b) != 0 {
		return errors.New("socketTransport: trailing bytes")
	}
	return t.s.SendMessages(ms)
}

func (t socketTransport) recv() ([][]byte, error) {
	ms, err := t.s.Receive()
	if err != nil {
		return nil, err
	}
	var d []byte
	for _, m := range ms {
		m.Header.Length = uint32(16 + len(m.Data))
		b, err := m.MarshalBinary()
		if err != nil {
			return nil, err
		}
		d = append(d, b...)
	}
	return [][]byte{d}, nil
}

// TestBatchMatchesAnswers checks that Batch splits requests into chunks and
// gives each op the answer to its own request.
func TestBatchMatchesAnswers(t *testing.T) {
	var acked int
	k := &fakeKernel{}
	k.handle = func(req netlink.Message) [][]netlink.Message {
		if req.Header.Type != fakeFamily || req.Header.Flags&^netlink.Acknowledge != netlink.Request {
			t.Errorf("request header %+v", req.Header)
		}
		if req.Header.Flags&netlink.Acknowledge != 0 {
			acked++
		}
		// Fail every service whose port is a multiple of 3.
		var s Service
		b, _ := nested(req.Data[4:], cmdAttrService)
		a := attrs{b: b}
		for a.next() {
			if a.typ == svcAttrPort {
				s.Port = getBE16(a.data)
			}
		}
		if s.Port%3 == 0 {
			return [][]netlink.Message{ack(req, syscall.EEXIST)}
		}
		if req.Header.Flags&netlink.Acknowledge == 0 {
			return nil // success is only acknowledged on request
		}
		return [][]netlink.Message{ack(req, 0)}
	}
	c := fakeClient(k)
	var ops []Op
	for i := 1; i <= 250; i++ {
		ops = append(ops, Op{Kind: OpNewService, Service: Service{Family: AFInet, Protocol: TCP,
			Address: netip.MustParseAddr("10.0.0.1"), Port: uint16(i), Scheduler: "rr"}})
		if i == 100 {
			ops = append(ops, Op{Kind: 0})
		}
	}
	errs := c.Batch(ops)
	for i, op := range ops {
		switch {
		case op.Kind == 0:
			if errs[i] == nil {
				t.Errorf("op %d: unknown kind accepted", i)
			}
		case op.Service.Port%3 == 0:
			var ie *Error
			if !errors.As(errs[i], &ie) || ie.Errno != syscall.EEXIST || ie.Op != "NEW_SERVICE" {
				t.Errorf("op %d (port %d): %v, want NEW_SERVICE EEXIST", i, op.Service.Port, errs[i])
			}
		case errs[i] != nil:
			t.Errorf("op %d (port %d): %v", i, op.Service.Port, errs[i])
		}
	}
	if want := []int{96, 96, 58}; len(k.sendmsgs) != 3 || k.sendmsgs[0] != want[0] || k.sendmsgs[1] != want[1] || k.sendmsgs[2] != want[2] {
		t.Errorf("requests per sendmsg %v, want %v", k.sendmsgs, want)
	}
	if len(k.queue) != 0 {
		t.Errorf("%d answers left unread", len(k.queue))
	}
	if acked != 3 {
		t.Errorf("%d requests asked for an ACK, want one per sendmsg", acked)
	}

	// A chunk whose last request fails ends with that error.
	k.sendmsgs, acked = nil, 0
	errs = c.Batch(ops[:3]) // ports 1, 2, 3
	if errs[0] != nil || errs[1] != nil || !errors.Is(errs[2], syscall.EEXIST) || len(k.queue) != 0 {
		t.Errorf("errs %v, %d answers left", errs, len(k.queue))
	}
}

func serviceReply(req netlink.Message, port uint16, flags netlink.HeaderFlags) netlink.Message {
	e := newEncoder(nil, cmdNewService)
	s := Service{Family: AFInet, Protocol: UDP, Address: netip.MustParseAddr("10.0.0.9"), Port: port, Scheduler: "wrr", Netmask: 0xffffffff}
	e.service(&s)
	return netlink.Message{Header: netlink.Header{Type: fakeFamily, Flags: flags, Sequence: req.Header.Sequence, PID: req.Header.PID}, Data: e.b}
}

func done(req netlink.Message) netlink.Message {
	return netlink.Message{Header: netlink.Header{Type: netlink.Done, Flags: netlink.Multi, Sequence: req.Header.Sequence}, Data: make([]byte, 4)}
}

func TestDumps(t *testing.T) {
	var n int
	k := &fakeKernel{}
	k.handle = func(req netlink.Message) [][]netlink.Message {
		if req.Header.Flags != netlink.Request|netlink.Dump {
			t.Errorf("dump flags %v", req.Header.Flags)
		}
		// n services, two per datagram, then DONE in a datagram of its own.
		var out [][]netlink.Message
		for i := 0; i < n; i += 2 {
			d := []netlink.Message{serviceReply(req, uint16(i), netlink.Multi)}
			if i+1 < n {
				d = append(d, serviceReply(req, uint16(i+1), netlink.Multi))
			}
			out = append(out, d)
		}
		return append(out, []netlink.Message{done(req)})
	}
	c := fakeClient(k)
	for _, n = range []int{0, 1, 5} {
		svcs, err := c.Services()
		if err != nil || len(svcs) != n {
			t.Fatalf("%d services: got %d, %v", n, len(svcs), err)
		}
		for i, s := range svcs {
			if s.Port != uint16(i) || s.Scheduler != "wrr" || s.Address != netip.MustParseAddr("10.0.0.9") {
				t.Errorf("service %d = %+v", i, s)
			}
		}
	}
	// A dump that fails to start answers with an error.
	k.handle = func(req netlink.Message) [][]netlink.Message { return [][]netlink.Message{ack(req, syscall.EPERM)} }
	_, err := c.Services()
	var ie *Error
	if !errors.As(err, &ie) || ie.Errno != syscall.EPERM || ie.Op != "GET_SERVICE" {
		t.Errorf("failed dump = %v", err)
	}
}

// TestStaleAnswers: answers to requests nobody waits for any more (an
// earlier caller gave up) are skipped by sequence number.
func TestStaleAnswers(t *testing.T) {
	k := &fakeKernel{}
	c := fakeClient(k)
	k.handle = func(req netlink.Message) [][]netlink.Message {
		old := req
		old.Header.Sequence--
		return [][]netlink.Message{ack(old, syscall.ENOENT), ack(old, 0), {serviceReply(req, 7, 0)}}
	}
	s, err := c.Service(Service{Family: AFInet, Protocol: UDP, Address: netip.MustParseAddr("10.0.0.9"), Port: 7})
	if err != nil || s.Port != 7 {
		t.Fatalf("Service = %+v, %v", s, err)
	}
	k.handle = func(req netlink.Message) [][]netlink.Message {
		old := req
		old.Header.Sequence--
		return [][]netlink.Message{ack(old, syscall.EEXIST), ack(req, syscall.ESRCH)}
	}
	var ie *Error
	if err := c.DelService(s); !errors.As(err, &ie) || ie.Errno != syscall.ESRCH || ie.Op != "DEL_SERVICE" {
		t.Errorf("DelService = %v, want DEL_SERVICE ESRCH", err)
	}
}

// BenchmarkEachService lists 1000 services from a fake kernel that
// answers with prepared datagrams; allocs/op shows what listing costs
// beyond the kernel's datagrams.
func BenchmarkEachService(b *testing.B) {
	var tmpl [][]netlink.Message
	for i := 0; i < 1000; i += 100 {
		d := make([]netlink.Message, 0, 100)
		for j := i; j < i+100; j++ {
			d = append(d, serviceReply(netlink.Message{}, uint16(j), netlink.Multi))
		}
		tmpl = append(tmpl, d)
	}
	tmpl = append(tmpl, []netlink.Message{done(netlink.Message{})})
	f := &datagramFake{}
	for _, d := range tmpl {
		var raw []byte
		for _, m := range d {
			m.Header.Length = uint32(16 + len(m.Data))
			mb, err := m.MarshalBinary()
			if err != nil {
				b.Fatal(err)
			}
			raw = append(raw, mb...)
		}
		f.answers = append(f.answers, raw)
	}
	c := &Client{family: fakeFamily, tr: f}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		c.EachService(func(*Service) error { n++; return nil })
		if n != 1000 {
			b.Fatal(n)
		}
	}
}

// datagramFake answers every request with the same datagrams, stamped
// with the request's sequence number, one per recv.
type datagramFake struct {
	answers [][]byte
	next    int
	out     [1][]byte
}

func (f *datagramFake) send(b []byte) error {
	seq := binary.NativeEndian.Uint32(b[8:])
	for _, d := range f.answers {
		for off := 0; off+16 <= len(d); off += int(binary.NativeEndian.Uint32(d[off:])) {
			binary.NativeEndian.PutUint32(d[off+8:], seq)
		}
	}
	f.next = 0
	return nil
}

func (f *datagramFake) recv() ([][]byte, error) {
	f.out[0] = f.answers[f.next]
	f.next++
	return f.out[:], nil
}

func BenchmarkEncodeOp(b *testing.B) {
	op := Op{Kind: OpNewDest, Service: svc4, Dest: Destination{Address: netip.MustParseAddr("192.168.0.2"), Port: 80, Weight: 1}}
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		_, buf, _ = encodeOp(buf, &op)
	}
}
