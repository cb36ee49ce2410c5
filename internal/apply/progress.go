package apply

import (
	"io"

	"github.com/lvsgo/ipvsadm/internal/progress"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// progressAPI shows "apply: N/M changes" on stderr while the changes go
// to the kernel, only when stderr is a terminal. It sends batches in
// chunks so the counter moves; elsewhere it is the plain API.
type progressAPI struct {
	ipvs.API
	m *progress.Meter
}

const progressChunk = 1000

func withProgress(api ipvs.API, stderr io.Writer, total int) *progressAPI {
	m := progress.New(stderr, "apply", total)
	m.Unit = "changes"
	return &progressAPI{API: api, m: m}
}

// api is what Exec should use: the plain API unless a counter is drawn.
func (p *progressAPI) api() ipvs.API {
	if !p.m.Active() {
		return p.API
	}
	return p
}

func (p *progressAPI) Batch(ops []ipvs.Op) []error {
	errs := make([]error, 0, len(ops))
	for len(ops) > 0 {
		n := min(len(ops), progressChunk)
		errs = append(errs, p.API.Batch(ops[:n])...)
		ops = ops[n:]
		p.m.Add(n)
	}
	return errs
}

// done clears the counter before any message is printed.
func (p *progressAPI) done() { p.m.Clear() }
