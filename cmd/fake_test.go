package cmd

import (
	"encoding/json"
	"net/netip"
	"os"
	"syscall"
	"testing"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// fixture is a kernel IPVS state: testdata/list/capture's JSON, or built
// by hand in tests.
type fixture struct {
	Info     ipvs.Info
	Services []fixtureService // kernel order
	Timeouts ipvs.Timeouts
	Daemons  []ipvs.Daemon
}

type fixtureService struct {
	Service ipvs.Service
	Dests   []ipvs.Destination
}

func loadFixture(t testing.TB, path string) *fixture {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fx fixture
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &fx
}

// fakeAPI is an ipvs.API over a fixture. Calls are recorded; errs makes
// the named call fail with that errno.
type fakeAPI struct {
	fx    *fixture
	calls []string
	errs  map[string]syscall.Errno
}

var _ ipvs.API = (*fakeAPI)(nil)

func (f *fakeAPI) fail(call string) error {
	f.calls = append(f.calls, call)
	if e, ok := f.errs[call]; ok {
		return &ipvs.Error{Op: call, Errno: e}
	}
	return nil
}

func fakeSameKey(a, b *ipvs.Service) bool {
	if a.FWMark != 0 || b.FWMark != 0 {
		return a.FWMark == b.FWMark && a.Family == b.Family
	}
	return a.Family == b.Family && a.Protocol == b.Protocol &&
		unionBytes(a.Address) == unionBytes(b.Address) && a.Port == b.Port
}

func (f *fakeAPI) find(key *ipvs.Service) *fixtureService {
	for i := range f.fx.Services {
		if fakeSameKey(&f.fx.Services[i].Service, key) {
			return &f.fx.Services[i]
		}
	}
	return nil
}

func (f *fakeAPI) Info() (ipvs.Info, error) { return f.fx.Info, f.fail("Info") }

func (f *fakeAPI) Services() ([]ipvs.Service, error) {
	if err := f.fail("Services"); err != nil {
		return nil, err
	}
	var out []ipvs.Service
	for _, s := range f.fx.Services {
		out = append(out, s.Service)
	}
	return out, nil
}

func (f *fakeAPI) Service(key ipvs.Service) (ipvs.Service, error) {
	if err := f.fail("Service"); err != nil {
		return ipvs.Service{}, err
	}
	s := f.find(&key)
	if s == nil {
		return ipvs.Service{}, &ipvs.Error{Op: "GET_SERVICE", Errno: syscall.ESRCH}
	}
	return s.Service, nil
}

func (f *fakeAPI) Destinations(svc ipvs.Service) ([]ipvs.Destination, error) {
	if err := f.fail("Destinations"); err != nil {
		return nil, err
	}
	s := f.find(&svc)
	if s == nil {
		return nil, &ipvs.Error{Op: "GET_DEST", Errno: syscall.ESRCH}
	}
	return append([]ipvs.Destination(nil), s.Dests...), nil
}

func (f *fakeAPI) UpdateService(ipvs.Service) error { return f.fail("UpdateService") }
func (f *fakeAPI) DelService(ipvs.Service) error    { return f.fail("DelService") }
func (f *fakeAPI) Flush() error                     { return f.fail("Flush") }
func (f *fakeAPI) NewDestination(ipvs.Service, ipvs.Destination) error {
	return f.fail("NewDestination")
}
func (f *fakeAPI) UpdateDestination(ipvs.Service, ipvs.Destination) error {
	return f.fail("UpdateDestination")
}
func (f *fakeAPI) DelDestination(ipvs.Service, ipvs.Destination) error {
	return f.fail("DelDestination")
}
func (f *fakeAPI) SetTimeouts(ipvs.Timeouts) error { return f.fail("SetTimeouts") }
func (f *fakeAPI) NewDaemon(ipvs.Daemon) error     { return f.fail("NewDaemon") }
func (f *fakeAPI) DelDaemon(ipvs.Daemon) error     { return f.fail("DelDaemon") }
func (f *fakeAPI) Close() error                    { return nil }

// NewService adds svc to the table; like the kernel it refuses a key that
// is there already.
func (f *fakeAPI) NewService(svc ipvs.Service) error {
	if err := f.fail("NewService"); err != nil {
		return err
	}
	if f.find(&svc) != nil {
		return &ipvs.Error{Op: "NEW_SERVICE", Errno: syscall.EEXIST}
	}
	f.fx.Services = append(f.fx.Services, fixtureService{Service: svc})
	return nil
}

func (f *fakeAPI) Zero(svc *ipvs.Service) error {
	if svc == nil {
		return f.fail("Zero(all)")
	}
	return f.fail("Zero")
}

func (f *fakeAPI) Timeouts() (ipvs.Timeouts, error) {
	return f.fx.Timeouts, f.fail("Timeouts")
}

func (f *fakeAPI) Daemons() ([]ipvs.Daemon, error) {
	return f.fx.Daemons, f.fail("Daemons")
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
