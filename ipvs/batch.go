package ipvs

import (
	"encoding/binary"
	"fmt"
)

// A chunk of requests shares one sendmsg. The kernel handles the requests of
// a datagram one after another; it answers a request with an error whenever
// it fails, and with an ACK on success only if asked to (NLM_F_ACK). So only
// the last request of a chunk asks for an ACK: every other one is answered
// only when it fails, and the last answer, which always comes, tells that
// the chunk is complete. The flag changes no kernel state. All answers are
// queued on our socket before sendmsg returns; the chunk is kept small
// enough that even all-error answers fit in the default receive buffer.
const (
	batchMax   = 96
	batchBytes = 48 << 10
)

// Batch performs ops in order and returns one error per op (nil on
// success), each the same as Exec would return. A failing op does not stop
// the ones after it, exactly as if they had been sent one by one; the
// difference is that up to batchMax requests go in a single sendmsg, and
// that successes other than a chunk's last cost no answer to read.
func (c *Client) Batch(ops []Op) []error {
	errs := make([]error, len(ops))
	c.mu.Lock()
	defer c.mu.Unlock()

	var cmds [batchMax]uint8 // command of each request of the chunk
	var idx [batchMax]int    // op index of each request
	for i := 0; i < len(ops); {
		b := c.wbuf[:0]
		n, last := 0, 0
		var first uint32
		for ; i < len(ops) && n < batchMax && len(b) < batchBytes; i++ {
			cmd, p, ok := encodeOp(c.buf, &ops[i])
			if !ok {
				errs[i] = fmt.Errorf("ipvs: unknown op kind %d", ops[i].Kind)
				continue
			}
			c.buf = p[:0]
			last = len(b)
			var seq uint32
			b, seq = c.appendRequest(b, flagRequest, p)
			if n == 0 {
				first = seq
			}
			cmds[n], idx[n] = cmd, i
			n++
		}
		c.wbuf = b[:0]
		if n == 0 {
			continue
		}
		fl := binary.NativeEndian.Uint16(b[last+6:])
		binary.NativeEndian.PutUint16(b[last+6:], fl|flagAck)

		if err := c.tr.send(b); err != nil {
			for j := 0; j < n; j++ {
				errs[idx[j]] = kernelErr(cmds[j], err)
			}
			continue
		}
		for done := false; !done; {
			ds, err := c.tr.recv()
			if err != nil {
				// The socket failed: what this chunk did is unknown.
				for j := 0; j < n; j++ {
					if errs[idx[j]] == nil {
						errs[idx[j]] = kernelErr(cmds[j], err)
					}
				}
				break
			}
			for _, d := range ds {
				for m, rest, ok := nextMessage(d); ok; m, rest, ok = nextMessage(rest) {
					if m.typ != nlmsgError || m.seq-first >= uint32(n) {
						continue // not an answer to this chunk (stale ones wrap to huge)
					}
					j := int(m.seq - first)
					if err := answer(cmds[j], m.payload); err != nil {
						errs[idx[j]] = err
					}
					if j == n-1 {
						done = true
					}
				}
			}
		}
	}
	return errs
}
