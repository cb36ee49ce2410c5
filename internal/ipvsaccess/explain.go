package ipvsaccess

import (
	"errors"
	"syscall"

	"github.com/lvsgo/ipvsadm/internal/kmod"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// Use is what an addition opens IPVS for.
type Use int

const (
	// Read: the addition only reads the table and loads no module
	// (doctor, top).
	Read Use = iota
	// Change: the addition changes the table, and Open ran modprobe as
	// ipvsadm -A does (apply).
	Change
)

// Status is the exit status of an addition that could not open IPVS.
const Status = 1

// Failure is why Open failed, in one line, and whether it was for want of
// root (doctor then adds that --real-server needs none).
type Failure struct {
	Msg     string
	NotRoot bool
}

// Explain words err, Open's failure, for the addition called word. mod is
// the state of the ip_vs module (kmod.Unknown when it was not looked at):
// an addition that loads no module says ipvsadm -A would load it only
// when this kernel has it to load.
func Explain(err error, word string, use Use, mod kmod.State) Failure {
	var oe *ipvs.OpenError
	switch {
	case errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES):
		if use == Change {
			return Failure{"must be run as root to change the IPVS table", true}
		}
		return Failure{"must be run as root to read the IPVS table", true}
	case errors.Is(err, ipvs.ErrNotAvailable):
		switch {
		case use == Change || mod == kmod.Missing:
			return Failure{Msg: "this kernel lacks IPVS: the ip_vs module is neither built in nor loadable"}
		case mod == kmod.Loadable:
			return Failure{Msg: "IPVS is not available: the ip_vs module is not loaded (" + word + " loads no module; ipvsadm -A would)"}
		}
		return Failure{Msg: "IPVS is not available: the ip_vs module is not loaded (" + word + " loads no module)"}
	case use == Change && errors.As(err, &oe):
		return Failure{Msg: "cannot initialize IPVS: " + oe.Errno.Error()}
	case use == Change:
		return Failure{Msg: "cannot initialize IPVS: " + err.Error()}
	}
	return Failure{Msg: "cannot read the IPVS table: " + err.Error()}
}
