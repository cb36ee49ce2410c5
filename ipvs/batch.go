package ipvs

import (
	"errors"
	"fmt"

	"github.com/mdlayher/netlink"
)

// A chunk of requests shares one sendmsg. The kernel handles the requests of
// a datagram one after another, answering each with its own ACK or error,
// all queued on our socket before sendmsg returns; the chunk is kept small
// enough that those answers fit in the default receive buffer.
const (
	batchMax   = 96
	batchBytes = 48 << 10
)

// Batch performs ops in order and returns one error per op (nil on
// success), each the same as Exec would return. A failing op does not stop
// the ones after it, exactly as if they had been sent one by one; the
// difference is that up to batchMax requests go in a single sendmsg and
// answers are matched to ops by sequence number.
func (c *Client) Batch(ops []Op) []error {
	errs := make([]error, len(ops))
	c.mu.Lock()
	defer c.mu.Unlock()

	msgs := make([]netlink.Message, 0, batchMax)
	idx := make([]int, 0, batchMax)    // op index of each message
	cmds := make([]uint8, 0, batchMax) // command of each message
	done := make([]bool, batchMax)
	for i := 0; i < len(ops); {
		msgs, idx, cmds = msgs[:0], idx[:0], cmds[:0]
		size := 0
		for ; i < len(ops) && len(msgs) < batchMax && size < batchBytes; i++ {
			cmd, b, ok := encodeOp(nil, &ops[i])
			if !ok {
				errs[i] = fmt.Errorf("ipvs: unknown op kind %d", ops[i].Kind)
				continue
			}
			msgs = append(msgs, c.message(b, netlink.Acknowledge))
			idx = append(idx, i)
			cmds = append(cmds, cmd)
			size += 16 + len(b)
		}
		if len(msgs) == 0 {
			continue
		}
		sent, err := c.nl.SendMessages(msgs)
		if err != nil {
			for j := range msgs {
				errs[idx[j]] = kernelErr(cmds[j], err)
			}
			continue
		}
		first := sent[0].Header.Sequence
		clear(done)
		pending := len(sent)
		slot := func(seq uint32) int {
			j := int(seq - first)
			if j < 0 || j >= len(sent) || done[j] {
				return -1
			}
			done[j] = true
			pending--
			return j
		}
		for pending > 0 {
			rmsgs, err := c.nl.Receive()
			if err != nil {
				var oe *netlink.OpError
				if errors.As(err, &oe) && oe.Sequence != 0 {
					if j := slot(oe.Sequence); j >= 0 {
						errs[idx[j]] = kernelErr(cmds[j], err)
					}
					continue
				}
				// The socket failed: the rest of this chunk got no answer.
				for j := range sent {
					if !done[j] {
						errs[idx[j]] = kernelErr(cmds[j], err)
					}
				}
				break
			}
			for _, m := range rmsgs {
				if m.Header.Type == netlink.Error {
					slot(m.Header.Sequence)
				}
			}
		}
	}
	return errs
}
