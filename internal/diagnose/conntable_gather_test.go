package diagnose_test

import (
	"reflect"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/diagnose"
	"github.com/lvsgo/ipvsadm/internal/diagnose/diagnosetest"
	"github.com/lvsgo/ipvsadm/internal/sysctl"
)

// The snapshot reads ip_vs_status and the lfactor sysctls where the file
// is, conn_tab_bits where it is not.
func TestGatherConnTable(t *testing.T) {
	st := diagnose.Status72
	for _, tt := range []struct {
		name string
		sys  *diagnosetest.System
		want *diagnose.ConnTable
		n    int // problems
	}{
		{"7.x", &diagnosetest.System{Status: &st, Sysctls: map[string]string{"net.ipv4.vs.conn_lfactor": "-4"}},
			&diagnose.ConnTable{Status: diagnose.ParseIPVSStatus(st)}, 0},
		{"6.1", &diagnosetest.System{Params: map[string]string{"ip_vs/conn_tab_bits": "12\n"}}, &diagnose.ConnTable{TabBits: 12}, 0},
		{"neither", &diagnosetest.System{}, nil, 0},
		{"bad bits", &diagnosetest.System{Params: map[string]string{"ip_vs/conn_tab_bits": "x\n"}}, nil, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &diagnose.Snapshot{Sysctls: map[string]string{}}
			got, probs := diagnose.GatherConnTable(tt.sys, s, func(k sysctl.Key) {
				if v, ok := tt.sys.Sysctls[k.String()]; ok {
					s.Sysctls[k.String()] = v
				}
			}, nil)
			if !reflect.DeepEqual(got, tt.want) || len(probs) != tt.n {
				t.Errorf("got %+v, %d problems %+v; want %+v, %d", got, len(probs), probs, tt.want, tt.n)
			}
			if tt.sys.Status != nil && s.Sysctls["net.ipv4.vs.conn_lfactor"] != "-4" {
				t.Errorf("conn_lfactor not read: %v (calls %v)", s.Sysctls, tt.sys.Calls)
			}
		})
	}
}
