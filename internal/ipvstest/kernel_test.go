package ipvstest

import (
	"errors"
	"net/netip"
	"slices"
	"syscall"
	"testing"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// The fake answers as the kernel does (the errnos ipvsadm's messages
// stand on), and Batch is Exec op by op.
func TestKernelAnswers(t *testing.T) {
	k := &Kernel{}
	svc := ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: netip.MustParseAddr("10.0.0.1"), Port: 80, Scheduler: "rr"}
	dst := ipvs.Destination{Address: netip.MustParseAddr("10.0.0.2"), Port: 80, Weight: 1}
	errs := k.Batch([]ipvs.Op{
		{Kind: ipvs.OpNewService, Service: svc},
		{Kind: ipvs.OpNewService, Service: svc},
		{Kind: ipvs.OpNewDest, Service: svc, Dest: dst},
		{Kind: ipvs.OpNewDest, Service: svc, Dest: dst},
		{Kind: ipvs.OpUpdateDest, Service: svc, Dest: ipvs.Destination{Address: netip.MustParseAddr("10.0.0.3"), Port: 80}},
		{Kind: ipvs.OpDelService, Service: ipvs.Service{Family: ipvs.AFInet, FWMark: 5}},
		{Kind: ipvs.OpZero},
		{Kind: ipvs.OpDelDaemon, Daemon: ipvs.Daemon{State: ipvs.StateBackup}},
	})
	want := []syscall.Errno{0, syscall.EEXIST, 0, syscall.EEXIST, syscall.ENOENT, syscall.ESRCH, 0, syscall.ESRCH}
	for i, err := range errs {
		var e *ipvs.Error
		switch {
		case want[i] == 0 && err != nil, want[i] != 0 && (!errors.As(err, &e) || e.Errno != want[i]):
			t.Errorf("op %d: %v, want errno %d", i, err, want[i])
		}
	}
	if k.Batches != 1 || !slices.Equal(k.Calls, []string{"NEW_SERVICE", "NEW_SERVICE", "NEW_DEST", "NEW_DEST", "SET_DEST", "DEL_SERVICE", "ZERO", "DEL_DAEMON"}) {
		t.Errorf("batches %d, calls %v", k.Batches, k.Calls)
	}
	var seen []*ipvs.Destination
	if err := k.EachDestination(svc, func(d *ipvs.Destination) error { seen = append(seen, d); return nil }); err != nil ||
		len(seen) != 1 || seen[0].Family != ipvs.AFInet || seen[0].Weight != 1 {
		t.Errorf("destinations %v, %v", seen, err)
	}
	k.Fail = map[string]*Failure{"DEL_SERVICE": {Errno: syscall.EPERM, After: 1}}
	if err := k.Exec(&ipvs.Op{Kind: ipvs.OpDelService, Service: svc}); err != nil {
		t.Errorf("first DEL_SERVICE: %v", err)
	}
	if err := k.Exec(&ipvs.Op{Kind: ipvs.OpDelService, Service: svc}); !errors.Is(err, syscall.EPERM) {
		t.Errorf("second DEL_SERVICE: %v, want EPERM", err)
	}
}
