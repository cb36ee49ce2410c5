package ipvstest

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sync"
	"syscall"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// Kernel is an in-memory IPVS table that answers as the kernel does:
// EEXIST for a service or real server that is there already, ESRCH for a
// missing service, ENOENT for a missing real server. Its exported fields
// are the state; tests set them up and read them back (the JSON of
// testdata/list/capture loads straight into it).
type Kernel struct {
	KernelInfo ipvs.Info     `json:"Info"`
	Table      []Service     `json:"Services"` // kernel order
	Config     ipvs.Timeouts `json:"Timeouts"`
	Syncd      []ipvs.Daemon `json:"Daemons"`

	// Fail makes the named command fail (names as in ipvs.Error.Op:
	// "NEW_SERVICE", "GET_DEST", "ZERO", ...).
	Fail map[string]*Failure `json:"-"`
	// Calls is every command asked of the kernel, in order; a Batch adds
	// the command of each of its ops.
	Calls []string `json:"-"`
	// Batches counts Batch calls, EachServices the streamed service dumps.
	Batches, EachServices int `json:"-"`

	mu sync.Mutex
}

// Service is a virtual service and its real servers.
type Service struct {
	Service ipvs.Service
	Dests   []ipvs.Destination
}

// Failure is the kernel's answer to a command that is to fail: Errno,
// once After calls of the command have succeeded.
type Failure struct {
	Errno syscall.Errno
	After int
}

var _ ipvs.API = (*Kernel)(nil)

// Load reads a Kernel from a JSON file (testdata/list/capture's format).
func Load(path string) (*Kernel, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k := &Kernel{}
	if err := json.Unmarshal(b, k); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return k, nil
}

// call records cmd and says whether it is to fail. The lock is held.
func (k *Kernel) call(cmd string) error {
	k.Calls = append(k.Calls, cmd)
	f, ok := k.Fail[cmd]
	if !ok {
		return nil
	}
	if f.After > 0 {
		f.After--
		return nil
	}
	return &ipvs.Error{Op: cmd, Errno: f.Errno}
}

func refuse(cmd string, e syscall.Errno) error { return &ipvs.Error{Op: cmd, Errno: e} }

// SameService reports whether a and b have the same key: family and
// fwmark, or family, protocol, address and port.
func SameService(a, b *ipvs.Service) bool {
	if a.FWMark != 0 || b.FWMark != 0 {
		return a.FWMark == b.FWMark && a.Family == b.Family
	}
	return a.Family == b.Family && a.Protocol == b.Protocol &&
		a.Address.Unmap() == b.Address.Unmap() && a.Port == b.Port
}

func (k *Kernel) find(key *ipvs.Service) int {
	for i := range k.Table {
		if SameService(&k.Table[i].Service, key) {
			return i
		}
	}
	return -1
}

func (k *Kernel) findDest(s int, d *ipvs.Destination) int {
	for j, x := range k.Table[s].Dests {
		if x.Address.Unmap() == d.Address.Unmap() && x.Port == d.Port {
			return j
		}
	}
	return -1
}

// Info is the GET_INFO answer, read at open as the client does: no call.
func (k *Kernel) Info() ipvs.Info {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.KernelInfo
}

// EachService streams the services through one reused value, as the
// client does, so a caller that keeps the pointer is caught.
func (k *Kernel) EachService(fn func(*ipvs.Service) error) error {
	k.mu.Lock()
	k.EachServices++
	err := k.call("GET_SERVICE")
	svcs := make([]ipvs.Service, len(k.Table))
	for i := range k.Table {
		svcs[i] = k.Table[i].Service
	}
	k.mu.Unlock()
	if err != nil {
		return err
	}
	var s ipvs.Service
	for i := range svcs {
		s = svcs[i]
		if err := fn(&s); err != nil {
			return err
		}
	}
	return nil
}

func (k *Kernel) Service(key ipvs.Service) (ipvs.Service, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.call("GET_SERVICE"); err != nil {
		return ipvs.Service{}, err
	}
	i := k.find(&key)
	if i < 0 {
		return ipvs.Service{}, refuse("GET_SERVICE", syscall.ESRCH)
	}
	return k.Table[i].Service, nil
}

// EachDestination streams svc's real servers through one reused value.
func (k *Kernel) EachDestination(svc ipvs.Service, fn func(*ipvs.Destination) error) error {
	k.mu.Lock()
	err := k.call("GET_DEST")
	var ds []ipvs.Destination
	if err == nil {
		if i := k.find(&svc); i < 0 {
			err = refuse("GET_DEST", syscall.ESRCH)
		} else {
			ds = slices.Clone(k.Table[i].Dests)
		}
	}
	k.mu.Unlock()
	if err != nil {
		return err
	}
	var d ipvs.Destination
	for i := range ds {
		d = ds[i]
		if d.Family == 0 {
			d.Family = svc.Family
		}
		if err := fn(&d); err != nil {
			return err
		}
	}
	return nil
}

// Exec makes one change.
func (k *Kernel) Exec(op *ipvs.Op) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.exec(op)
}

// Batch makes each change in turn; a failure does not stop the rest.
func (k *Kernel) Batch(ops []ipvs.Op) []error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.Batches++
	errs := make([]error, len(ops))
	for i := range ops {
		errs[i] = k.exec(&ops[i])
	}
	return errs
}

// exec is one change; the lock is held.
func (k *Kernel) exec(op *ipvs.Op) error {
	switch op.Kind {
	case ipvs.OpNewService:
		if err := k.call("NEW_SERVICE"); err != nil {
			return err
		}
		if k.find(&op.Service) >= 0 {
			return refuse("NEW_SERVICE", syscall.EEXIST)
		}
		s := op.Service
		s.Stats = ipvs.Stats{}
		k.Table = append(k.Table, Service{Service: s})
	case ipvs.OpUpdateService:
		if err := k.call("SET_SERVICE"); err != nil {
			return err
		}
		i := k.find(&op.Service)
		if i < 0 {
			return refuse("SET_SERVICE", syscall.ESRCH)
		}
		s := op.Service
		s.Stats = k.Table[i].Service.Stats
		k.Table[i].Service = s
	case ipvs.OpDelService:
		if err := k.call("DEL_SERVICE"); err != nil {
			return err
		}
		i := k.find(&op.Service)
		if i < 0 {
			return refuse("DEL_SERVICE", syscall.ESRCH)
		}
		k.Table = slices.Delete(k.Table, i, i+1)
	case ipvs.OpNewDest, ipvs.OpUpdateDest, ipvs.OpDelDest:
		return k.destOp(op)
	case ipvs.OpFlush:
		if err := k.call("FLUSH"); err != nil {
			return err
		}
		k.Table = nil
	case ipvs.OpZero:
		if err := k.call("ZERO"); err != nil {
			return err
		}
		s := &op.Service
		all := s.FWMark == 0 && s.Port == 0 && (!s.Address.IsValid() || s.Address.IsUnspecified())
		for i := range k.Table {
			if all || SameService(&k.Table[i].Service, s) {
				k.zero(i)
				if !all {
					return nil
				}
			}
		}
		if !all {
			return refuse("ZERO", syscall.ESRCH)
		}
	case ipvs.OpSetTimeouts:
		if err := k.call("SET_CONFIG"); err != nil {
			return err
		}
		t := op.Timeouts
		for _, p := range [][2]*uint32{{&k.Config.TCP, &t.TCP}, {&k.Config.TCPFin, &t.TCPFin}, {&k.Config.UDP, &t.UDP}} {
			if *p[1] != 0 {
				*p[0] = *p[1]
			}
		}
	case ipvs.OpNewDaemon:
		if err := k.call("NEW_DAEMON"); err != nil {
			return err
		}
		for _, d := range k.Syncd {
			if d.State.Role() == op.Daemon.State.Role() {
				return refuse("NEW_DAEMON", syscall.EEXIST)
			}
		}
		k.Syncd = append(k.Syncd, op.Daemon)
	case ipvs.OpDelDaemon:
		if err := k.call("DEL_DAEMON"); err != nil {
			return err
		}
		for i, d := range k.Syncd {
			if d.State.Role() == op.Daemon.State.Role() {
				k.Syncd = slices.Delete(k.Syncd, i, i+1)
				return nil
			}
		}
		return refuse("DEL_DAEMON", syscall.ESRCH)
	default:
		return fmt.Errorf("ipvs: unknown op kind %d", op.Kind)
	}
	return nil
}

func (k *Kernel) destOp(op *ipvs.Op) error {
	cmd := map[ipvs.OpKind]string{ipvs.OpNewDest: "NEW_DEST", ipvs.OpUpdateDest: "SET_DEST", ipvs.OpDelDest: "DEL_DEST"}[op.Kind]
	if err := k.call(cmd); err != nil {
		return err
	}
	i := k.find(&op.Service)
	if i < 0 {
		return refuse(cmd, syscall.ESRCH)
	}
	j := k.findDest(i, &op.Dest)
	s := &k.Table[i]
	switch op.Kind {
	case ipvs.OpNewDest:
		if j >= 0 {
			return refuse(cmd, syscall.EEXIST)
		}
		d := op.Dest
		d.Stats = ipvs.Stats{}
		s.Dests = append(s.Dests, d)
	case ipvs.OpUpdateDest:
		if j < 0 {
			return refuse(cmd, syscall.ENOENT)
		}
		d := op.Dest
		d.Stats, d.ActiveConns, d.InactConns, d.PersistConns = s.Dests[j].Stats, s.Dests[j].ActiveConns, s.Dests[j].InactConns, s.Dests[j].PersistConns
		s.Dests[j] = d
	case ipvs.OpDelDest:
		if j < 0 {
			return refuse(cmd, syscall.ENOENT)
		}
		s.Dests = slices.Delete(s.Dests, j, j+1)
	}
	return nil
}

func (k *Kernel) zero(i int) {
	s := &k.Table[i]
	s.Service.Stats = ipvs.Stats{}
	for j := range s.Dests {
		s.Dests[j].Stats = ipvs.Stats{}
	}
}

func (k *Kernel) Timeouts() (ipvs.Timeouts, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.Config, k.call("GET_CONFIG")
}

func (k *Kernel) Daemons() ([]ipvs.Daemon, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.Syncd), k.call("GET_DAEMON")
}

func (k *Kernel) Close() error { return nil }
