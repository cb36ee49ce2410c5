package ipvsaccess

import (
	"errors"
	"syscall"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/kmod"
	"github.com/lvsgo/ipvsadm/ipvs"
)

func TestExplain(t *testing.T) {
	missing := &ipvs.OpenError{Errno: syscall.ENOENT, Missing: true}
	perm := &ipvs.OpenError{Errno: syscall.EPERM, Err: syscall.EPERM}
	for _, tc := range []struct {
		name string
		err  error
		use  Use
		mod  kmod.State
		want Failure
	}{
		{"read, not root", perm, Read, kmod.Loaded, Failure{"must be run as root to read the IPVS table", true}},
		{"change, not root", perm, Change, kmod.Unknown, Failure{"must be run as root to change the IPVS table", true}},
		{"change, EACCES", syscall.EACCES, Change, kmod.Unknown, Failure{"must be run as root to change the IPVS table", true}},
		{"read, loadable", missing, Read, kmod.Loadable, Failure{Msg: "IPVS is not available: the ip_vs module is not loaded (doctor loads no module; ipvsadm -A would)"}},
		// The kernel has no module to load: ipvsadm -A would not either.
		{"read, missing", missing, Read, kmod.Missing, Failure{Msg: "this kernel lacks IPVS: the ip_vs module is neither built in nor loadable"}},
		{"read, unknown", missing, Read, kmod.Unknown, Failure{Msg: "IPVS is not available: the ip_vs module is not loaded (doctor loads no module)"}},
		{"change, modprobe failed", missing, Change, kmod.Loadable, Failure{Msg: "this kernel lacks IPVS: the ip_vs module is neither built in nor loadable"}},
		{"change, other errno", &ipvs.OpenError{Errno: syscall.ENOMEM, Err: errors.New("x")}, Change, kmod.Unknown, Failure{Msg: "cannot initialize IPVS: cannot allocate memory"}},
		{"read, other", errors.New("netlink: boom"), Read, kmod.Loaded, Failure{Msg: "cannot read the IPVS table: netlink: boom"}},
	} {
		if got := Explain(tc.err, "doctor", tc.use, tc.mod); got != tc.want {
			t.Errorf("%s: Explain = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
