package ipvs

import (
	"errors"
	"fmt"

	"github.com/mdlayher/netlink"
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

	msgs := make([]netlink.Message, 0, batchMax)
	idx := make([]int, 0, batchMax)    // op index of each message
	cmds := make([]uint8, 0, batchMax) // command of each message
	for i := 0; i < len(ops); {
		msgs, idx, cmds = msgs[:0], idx[:0], cmds[:0]
		size := 0
		for ; i < len(ops) && len(msgs) < batchMax && size < batchBytes; i++ {
			cmd, b, ok := encodeOp(nil, &ops[i])
			if !ok {
				errs[i] = fmt.Errorf("ipvs: unknown op kind %d", ops[i].Kind)
				continue
			}
			msgs = append(msgs, c.message(b, 0))
			idx = append(idx, i)
			cmds = append(cmds, cmd)
			size += 16 + len(b)
		}
		if len(msgs) == 0 {
			continue
		}
		last := len(msgs) - 1
		msgs[last].Header.Flags |= netlink.Acknowledge
		sent, err := c.nl.SendMessages(msgs)
		if err != nil {
			for j := range msgs {
				errs[idx[j]] = kernelErr(cmds[j], err)
			}
			continue
		}
		first := sent[0].Header.Sequence
		slot := func(seq uint32) int {
			if j := int(seq - first); j >= 0 && j <= last {
				return j
			}
			return -1
		}
	recv:
		for {
			rmsgs, err := c.nl.Receive()
			if err != nil {
				var oe *netlink.OpError
				if errors.As(err, &oe) && oe.Sequence != 0 {
					j := slot(oe.Sequence)
					if j >= 0 {
						errs[idx[j]] = kernelErr(cmds[j], err)
					}
					if j == last {
						break
					}
					continue
				}
				// The socket failed: what this chunk did is unknown.
				for j := range sent {
					if errs[idx[j]] == nil {
						errs[idx[j]] = kernelErr(cmds[j], err)
					}
				}
				break
			}
			for _, m := range rmsgs {
				if m.Header.Type == netlink.Error && slot(m.Header.Sequence) == last {
					break recv
				}
			}
		}
	}
	return errs
}
