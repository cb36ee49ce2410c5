package apply

import (
	"errors"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// Failure is a change the kernel refused.
type Failure struct {
	Op  ipvs.Op
	Err error
}

// Message is the failure as one line: the change, then the kernel command
// that failed and why.
func (f Failure) Message() string {
	var e *ipvs.Error
	if errors.As(f.Err, &e) {
		return Format(f.Op) + ": kernel refused " + e.Op + ": " + e.Errno.Error()
	}
	return Format(f.Op) + ": " + f.Err.Error()
}

// run sends ops and returns the ones that failed.
func run(api ipvs.API, ops []ipvs.Op) []Failure {
	if len(ops) == 0 {
		return nil
	}
	errs := api.Batch(ops)
	var fails []Failure
	for i, err := range errs {
		if err != nil {
			fails = append(fails, Failure{ops[i], err})
		}
	}
	return fails
}

func isDelete(op *ipvs.Op) bool {
	return op.Kind == ipvs.OpDelService || op.Kind == ipvs.OpDelDest
}

// Result is what Exec did.
type Result struct {
	Failed     []Failure // changes the kernel refused
	RolledBack bool      // the additions and edits were undone after a failure
	Rollback   []Failure // changes of the rollback that failed as well
}

// Exec applies ops, as Diff ordered them, to the table before, which is
// what the kernel held when ops were computed. Additions and edits go
// first; only if all of them succeed are the deletions sent. If any
// addition or edit fails, the table is put back to before (read again,
// diffed, applied) and nothing is deleted, so a failure never loses a rule.
// A failing deletion leaves that one rule in place.
func Exec(api ipvs.API, before Table, ops []ipvs.Op) Result {
	split := len(ops)
	for i := range ops {
		if isDelete(&ops[i]) {
			split = i
			break
		}
	}
	var res Result
	if res.Failed = run(api, ops[:split]); len(res.Failed) > 0 {
		now, err := Read(api)
		if err != nil {
			res.Rollback = []Failure{{ipvs.Op{}, err}}
			return res
		}
		res.Rollback = run(api, Diff(now, before))
		res.RolledBack = len(res.Rollback) == 0
		return res
	}
	res.Failed = run(api, ops[split:])
	return res
}
