package arpprep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/realserver"
	"github.com/lvsgo/ipvsadm/internal/sysctl"
)

// fakeSys is a System in memory: a kernel with lo and eth0 by default.
type fakeSys struct {
	sysctls map[string]string
	addrs   []realserver.Addr
	links   []string
	defDev  string
	failAdd netip.Prefix // AddAddr of this prefix fails
	loDown  bool
	writes  int // changes made, to prove "nothing changed"
}

func newFake() *fakeSys {
	f := &fakeSys{sysctls: map[string]string{}, links: []string{"eth0"}, defDev: "eth0"}
	for _, d := range []string{"all", "default", "lo", "eth0"} {
		f.sysctls["net.ipv4.conf."+d+".arp_ignore"] = "0"
		f.sysctls["net.ipv4.conf."+d+".arp_announce"] = "0"
	}
	f.addrs = []realserver.Addr{
		{Prefix: netip.MustParsePrefix("127.0.0.1/8"), Dev: "lo"},
		{Prefix: netip.MustParsePrefix("192.168.1.11/24"), Dev: "eth0"},
	}
	return f
}

func (f *fakeSys) ReadSysctl(k sysctl.Key) (string, bool, error) {
	v, ok := f.sysctls[k.String()]
	return v, ok, nil
}

func (f *fakeSys) WriteSysctl(k sysctl.Key, v string) error {
	if err := sysctl.Writable(k); err != nil {
		return err
	}
	if _, ok := f.sysctls[k.String()]; !ok {
		return fmt.Errorf("sysctl %s: %w", k, sysctl.ErrNotExist)
	}
	f.sysctls[k.String()] = v
	f.writes++
	return nil
}

func (f *fakeSys) Addrs() ([]realserver.Addr, error) { return slices.Clone(f.addrs), nil }

func (f *fakeSys) AddAddr(p netip.Prefix, dev string) error {
	if p == f.failAdd {
		return errors.New("adding: file exists")
	}
	f.addrs = append(f.addrs, realserver.Addr{Prefix: p, Dev: dev})
	f.writes++
	return nil
}

func (f *fakeSys) DelAddr(p netip.Prefix, dev string) error {
	i := slices.Index(f.addrs, realserver.Addr{Prefix: p, Dev: dev})
	if i < 0 {
		return errors.New("removing: cannot assign requested address")
	}
	f.addrs = slices.Delete(f.addrs, i, i+1)
	f.writes++
	return nil
}

func (f *fakeSys) DefaultRouteDev() (string, error) {
	if f.defDev == "" {
		return "", ErrNoDefaultRoute
	}
	return f.defDev, nil
}

func (f *fakeSys) Links() ([]string, error) { return f.links, nil }

func (f *fakeSys) LinkExists(n string) bool { return n == "lo" || slices.Contains(f.links, n) }

func (f *fakeSys) LinkIsUp(n string) (bool, error) {
	if !f.LinkExists(n) {
		return false, fmt.Errorf("interface %s: link not found", n)
	}
	return n != "lo" || !f.loDown, nil
}

func (f *fakeSys) SetLinkUp(n string, up bool) error {
	if n != "lo" {
		return fmt.Errorf("fake: only lo goes up and down, not %s", n)
	}
	f.loDown = !up
	f.writes++
	return nil
}

func (f *fakeSys) onLo(s string) bool {
	return slices.Contains(f.addrs, realserver.Addr{Prefix: netip.MustParsePrefix(s), Dev: "lo"})
}

// fakeSystemctl is systemd as systemctl shows it: is-enabled, enable and
// disable of Unit, which may be missing (not installed) or the whole of
// systemctl (absent).
type fakeSystemctl struct {
	absent, missing, enabled bool
	calls                    []string // every call but is-enabled
}

var errExit1 = errors.New("exit status 1")

func (f *fakeSystemctl) run(args ...string) (string, error) {
	if f.absent {
		return "", ErrNoSystemctl
	}
	if len(args) != 2 || args[1] != Unit {
		return "", fmt.Errorf("fake systemctl: unexpected %q", args)
	}
	if args[0] != "is-enabled" {
		f.calls = append(f.calls, args[0])
	}
	switch {
	case f.missing && args[0] == "is-enabled":
		return "Failed to get unit file state for " + Unit + ": No such file or directory\n", errExit1
	case f.missing:
		return "Failed to " + args[0] + " unit: Unit file " + Unit + " does not exist.\n", errExit1
	case args[0] == "is-enabled" && f.enabled:
		return "enabled\n", nil
	case args[0] == "is-enabled":
		return "disabled\n", errExit1
	case args[0] == "enable":
		f.enabled = true
		return "Created symlink /etc/systemd/system/sysinit.target.wants/" + Unit + " → /lib/systemd/system/" + Unit + ".\n", nil
	case args[0] == "disable":
		f.enabled = false
		return "Removed \"/etc/systemd/system/sysinit.target.wants/" + Unit + "\".\n", nil
	}
	return "", fmt.Errorf("fake systemctl: unexpected %q", args)
}

type runner struct {
	t     *testing.T
	sys   *fakeSys
	store FileStore
	conf  ConfFile
	sc    *fakeSystemctl
	root  bool
}

func newRunner(t *testing.T) *runner {
	dir := t.TempDir()
	return &runner{t: t, sys: newFake(), store: FileStore{Path: filepath.Join(dir, "run", "state.json")},
		conf: ConfFile{Path: filepath.Join(dir, "etc", "ipvsadm", "arp-prep.conf")}, sc: &fakeSystemctl{}, root: true}
}

func (r *runner) run(args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	rc := Run(args, Env{Sys: r.sys, Store: r.store, Conf: r.conf, Systemctl: r.sc.run, Root: r.root, Stdout: &out, Stderr: &errb})
	return out.String(), errb.String(), rc
}

func (r *runner) must(args ...string) string {
	r.t.Helper()
	out, errs, rc := r.run(args...)
	if rc != 0 {
		r.t.Fatalf("arp-prep %q: rc %d, stderr %q", args, rc, errs)
	}
	return out
}

func TestPrepareCheckRemove(t *testing.T) {
	r := newRunner(t)
	r.sys.sysctls["net.ipv4.conf.all.arp_announce"] = "1" // a prior value to restore

	// --check before: wrong, exit 1, nothing changed.
	out, _, rc := r.run("--check", "10.0.0.1")
	if rc != 1 || !strings.Contains(out, "wrong  address 10.0.0.1: not on lo") {
		t.Fatalf("check before prep: rc %d\n%s", rc, out)
	}
	// --dry-run: the commands, nothing changed.
	out = r.must("--dry-run", "10.0.0.1", "2001:db8::1")
	want := `sysctl -w net.ipv4.conf.all.arp_ignore=1
sysctl -w net.ipv4.conf.all.arp_announce=2
sysctl -w net.ipv4.conf.eth0.arp_ignore=1
sysctl -w net.ipv4.conf.eth0.arp_announce=2
ip addr add 10.0.0.1/32 dev lo
ip addr add 2001:db8::1/128 dev lo
`
	if out != want {
		t.Fatalf("dry-run:\n%s\nwant:\n%s", out, want)
	}
	if r.sys.writes != 0 {
		t.Fatalf("dry-run made %d changes", r.sys.writes)
	}
	if st, _ := r.store.Load(); !st.Empty() {
		t.Fatalf("dry-run saved state %+v", st)
	}

	r.must("10.0.0.1", "2001:db8::1")
	if r.sys.writes != 6 || !r.sys.onLo("10.0.0.1/32") || !r.sys.onLo("2001:db8::1/128") {
		t.Fatalf("after prep: %d writes, addrs %v", r.sys.writes, r.sys.addrs)
	}
	for _, k := range []string{"all.arp_ignore", "eth0.arp_ignore"} {
		if v := r.sys.sysctls["net.ipv4.conf."+k]; v != "1" {
			t.Errorf("%s = %s", k, v)
		}
	}
	// Second run: nothing changes, dry-run says so.
	r.must("10.0.0.1", "2001:db8::1")
	if r.sys.writes != 6 {
		t.Fatalf("second prep changed things: %d writes", r.sys.writes)
	}
	if out := r.must("--dry-run", "10.0.0.1"); out != "# nothing to change\n" {
		t.Fatalf("dry-run after prep: %q", out)
	}
	out = r.must("--check", "10.0.0.1", "2001:db8::1")
	wantCheck := `ok     sysctl  net.ipv4.conf.all.arp_ignore = 1
ok     sysctl  net.ipv4.conf.all.arp_announce = 2
ok     sysctl  net.ipv4.conf.eth0.arp_ignore = 1
ok     sysctl  net.ipv4.conf.eth0.arp_announce = 2
ok     address 10.0.0.1/32 dev lo
ok     address 2001:db8::1/128 dev lo
warn   persist 10.0.0.1: not recorded (lost at reboot; --persist records it)
warn   persist 2001:db8::1: not recorded (lost at reboot; --persist records it)
`
	if out != wantCheck {
		t.Fatalf("check after prep:\n%s", out)
	}

	// Removing the IPv6 VIP keeps the IPv4 one and the sysctls.
	r.must("--remove", "2001:db8::1")
	if r.sys.onLo("2001:db8::1/128") || !r.sys.onLo("10.0.0.1/32") || r.sys.sysctls["net.ipv4.conf.all.arp_ignore"] != "1" {
		t.Fatalf("after removing v6: %v %v", r.sys.addrs, r.sys.sysctls)
	}
	// Dry-run of the last removal shows the restore, with the saved value.
	out = r.must("--remove", "--dry-run", "10.0.0.1")
	wantRm := `ip addr del 10.0.0.1/32 dev lo
sysctl -w net.ipv4.conf.all.arp_ignore=0
sysctl -w net.ipv4.conf.all.arp_announce=1
sysctl -w net.ipv4.conf.eth0.arp_ignore=0
sysctl -w net.ipv4.conf.eth0.arp_announce=0
`
	if out != wantRm {
		t.Fatalf("remove dry-run:\n%s", out)
	}
	r.must("--remove", "10.0.0.1")
	if r.sys.onLo("10.0.0.1/32") || r.sys.sysctls["net.ipv4.conf.all.arp_announce"] != "1" ||
		r.sys.sysctls["net.ipv4.conf.eth0.arp_ignore"] != "0" {
		t.Fatalf("after remove: %v %v", r.sys.addrs, r.sys.sysctls)
	}
	if st, _ := r.store.Load(); !st.Empty() {
		t.Fatalf("state left after last remove: %+v", st)
	}
	// --check fails again; a second --remove changes nothing.
	if _, _, rc := r.run("--check", "10.0.0.1"); rc != 1 {
		t.Fatalf("check after remove: rc %d", rc)
	}
	w := r.sys.writes
	r.must("--remove", "10.0.0.1")
	if r.sys.writes != w {
		t.Fatal("second remove changed things")
	}
}

func TestRemoveWithoutStateRestoresDefaults(t *testing.T) {
	r := newRunner(t)
	r.must("--dev", "eth0", "10.0.0.1")
	if err := r.store.Save(State{}); err != nil { // as after a lost /run
		t.Fatal(err)
	}
	r.sys.sysctls["net.ipv4.conf.all.arp_announce"] = "2"
	out := r.must("--remove", "--dry-run", "--dev", "eth0", "10.0.0.1")
	if !strings.Contains(out, "sysctl -w net.ipv4.conf.all.arp_announce=0\n") {
		t.Fatalf("no default restore:\n%s", out)
	}
}

func TestRemoveKeepsSysctlsWhileVIPsRemain(t *testing.T) {
	r := newRunner(t)
	r.must("10.0.0.1", "10.0.0.2")
	out := r.must("--remove", "--dry-run", "10.0.0.1")
	if out != "ip addr del 10.0.0.1/32 dev lo\n" {
		t.Fatalf("remove one of two:\n%s", out)
	}
	// A prepared VIP that someone else already removed does not count.
	r.sys.DelAddr(netip.MustParsePrefix("10.0.0.2/32"), "lo")
	out = r.must("--remove", "--dry-run", "10.0.0.1")
	if !strings.Contains(out, "sysctl -w net.ipv4.conf.all.arp_ignore=0") {
		t.Fatalf("remove of the last live VIP does not restore:\n%s", out)
	}
}

func TestIPv6OnlyTouchesNoSysctl(t *testing.T) {
	r := newRunner(t)
	r.sys.defDev = "" // not even a default route is needed
	out := r.must("--dry-run", "2001:db8::5")
	if out != "ip addr add 2001:db8::5/128 dev lo\n" {
		t.Fatalf("v6 dry-run:\n%s", out)
	}
	r.must("2001:db8::5")
	r.must("--remove", "2001:db8::5")
	if r.sys.writes != 2 {
		t.Fatalf("v6 prep+remove made %d changes, want 2", r.sys.writes)
	}
}

func TestAllInterfaces(t *testing.T) {
	r := newRunner(t)
	r.sys.links = []string{"eth0", "eth1"}
	r.sys.sysctls["net.ipv4.conf.eth1.arp_ignore"] = "0"
	r.sys.sysctls["net.ipv4.conf.eth1.arp_announce"] = "0"
	out := r.must("--all-interfaces", "--dry-run", "10.0.0.1")
	for _, d := range []string{"all", "eth0", "eth1"} {
		if !strings.Contains(out, "net.ipv4.conf."+d+".arp_ignore=1") {
			t.Errorf("--all-interfaces misses %s:\n%s", d, out)
		}
	}
	if strings.Contains(out, ".lo.") {
		t.Errorf("--all-interfaces touches lo:\n%s", out)
	}
}

func TestCheckFlagsMisplacedVIP(t *testing.T) {
	r := newRunner(t)
	r.must("10.0.0.1")
	r.sys.addrs = append(r.sys.addrs,
		realserver.Addr{Prefix: netip.MustParsePrefix("10.0.0.1/24"), Dev: "eth0"},
		realserver.Addr{Prefix: netip.MustParsePrefix("10.0.0.1/8"), Dev: "lo"})
	out, _, rc := r.run("--check", "--json", "10.0.0.1")
	if rc != 1 {
		t.Fatalf("check rc %d", rc)
	}
	var rep struct {
		OK    bool
		Items []realserver.Item
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	var wrong []string
	for _, it := range rep.Items {
		if !it.OK && !it.Warning {
			wrong = append(wrong, it.Have+": "+it.Problem)
		}
	}
	want := []string{"10.0.0.1/24 dev eth0: on an interface other than lo", "10.0.0.1/8 dev lo: prefix /8, want /32"}
	if rep.OK || !slices.Equal(wrong, want) || len(rep.Items) != 8 {
		t.Fatalf("json report ok=%v wrong=%q items=%d\n%s", rep.OK, wrong, len(rep.Items), out)
	}
	// Preparing warns about them but leaves them.
	_, errs, rc := r.run("10.0.0.1")
	if rc != 0 || strings.Count(errs, "warning: VIP 10.0.0.1 is also") != 2 {
		t.Fatalf("prep rc %d stderr %q", rc, errs)
	}
}

func TestCheckJSONOK(t *testing.T) {
	r := newRunner(t)
	r.must("10.0.0.1")
	out := r.must("--check", "--json", "10.0.0.1")
	var rep struct {
		OK    bool              `json:"ok"`
		Items []realserver.Item `json:"items"`
	}
	// One compact line, like -L --json; a VIP that does not persist only
	// warns, and the report stays ok.
	if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "}\n") || strings.Contains(out, "  ") {
		t.Errorf("--check --json is not one compact line:\n%s", out)
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || !rep.OK || len(rep.Items) != 6 {
		t.Fatalf("json: %v %+v\n%s", err, rep, out)
	}
	if rep.Items[0] != (realserver.Item{Kind: "sysctl", Name: "net.ipv4.conf.all.arp_ignore", Have: "1", Want: "1", OK: true}) {
		t.Errorf("item 0 = %+v", rep.Items[0])
	}
	want := realserver.Item{Kind: "persist", Name: "10.0.0.1", Have: "not recorded", Want: "recorded, unit enabled",
		Warning: true, Problem: "lost at reboot; --persist records it"}
	if rep.Items[5] != want {
		t.Errorf("item 5 = %+v, want %+v", rep.Items[5], want)
	}
}

func TestFailureRollsBack(t *testing.T) {
	r := newRunner(t)
	r.sys.failAdd = netip.MustParsePrefix("10.0.0.2/32")
	_, errs, rc := r.run("10.0.0.1", "10.0.0.2")
	if rc != 1 || !strings.HasPrefix(errs, "ipvsadm arp-prep: adding") {
		t.Fatalf("rc %d stderr %q", rc, errs)
	}
	if r.sys.onLo("10.0.0.1/32") || r.sys.sysctls["net.ipv4.conf.all.arp_ignore"] != "0" {
		t.Fatalf("half-applied: %v %v", r.sys.addrs, r.sys.sysctls)
	}
	if st, _ := r.store.Load(); !st.Empty() {
		t.Fatalf("state kept after failure: %+v", st)
	}
}

func TestRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		root   bool
		defDev string
		args   []string
		rc     int
		stderr string
	}{
		{"non-root prep", false, "eth0", []string{"10.0.0.1"}, 1, "ipvsadm arp-prep: must be run as root"},
		{"non-root remove", false, "eth0", []string{"--remove", "10.0.0.1"}, 1, "must be run as root"},
		{"bad dev", true, "eth0", []string{"--dev", "../../etc", "10.0.0.1"}, 2, "invalid interface name"},
		{"missing dev", true, "eth0", []string{"--dev", "eth9", "10.0.0.1"}, 2, "ipvsadm arp-prep: --dev eth9: no such interface (see ip link)\n"},
		{"missing dev, not root", false, "eth0", []string{"--dev", "eth9", "10.0.0.1"}, 2, "--dev eth9: no such interface (see ip link)"},
		{"missing dev, check", true, "eth0", []string{"--check", "--dev=eth9", "10.0.0.1"}, 2, "--dev eth9: no such interface (see ip link)"},
		{"missing dev, persist", true, "eth0", []string{"--persist", "--dev=eth9", "10.0.0.1"}, 2, "--dev eth9: no such interface (see ip link)"},
		{"usage hint", true, "eth0", []string{"--boot", "10.0.0.1"}, 2, "--boot takes no VIP: it prepares those recorded by --persist (see ipvsadm arp-prep --help)\n"},
		{"no default route", true, "", []string{"10.0.0.1"}, 2, "ipvsadm arp-prep: no IPv4 default route to take the interface from (name it with --dev IFACE, or use --all-interfaces)\n"},
		{"no default route, check", false, "", []string{"--check", "10.0.0.1"}, 2, "no IPv4 default route"},
		{"bad vip", true, "eth0", []string{"224.0.0.1"}, 2, "multicast"},
		{"path as vip", true, "eth0", []string{"../x"}, 2, "invalid VIP"},
		{"not an address", true, "eth0", []string{"eth0"}, 2, "not an IP address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRunner(t)
			r.root, r.sys.defDev = tc.root, tc.defDev
			out, errs, rc := r.run(tc.args...)
			if rc != tc.rc || !strings.Contains(errs, tc.stderr) || strings.Count(errs, "\n") != 1 || out != "" {
				t.Errorf("rc %d stdout %q stderr %q; want rc %d and %q", rc, out, errs, tc.rc, tc.stderr)
			}
			if r.sys.writes != 0 {
				t.Errorf("%d changes made", r.sys.writes)
			}
		})
	}
	// Check and dry-run need no root.
	r := newRunner(t)
	r.root = false
	if _, errs, rc := r.run("--dry-run", "10.0.0.1"); rc != 0 {
		t.Errorf("non-root dry-run: rc %d %q", rc, errs)
	}
	if _, errs, rc := r.run("--check", "10.0.0.1"); rc != 1 || errs != "" {
		t.Errorf("non-root check: rc %d %q", rc, errs)
	}
}

func TestStateFileRejectsBadKeys(t *testing.T) {
	r := newRunner(t)
	r.must("10.0.0.1")
	st, err := r.store.Load()
	if err != nil || len(st.Saved) != 4 || !slices.Equal(st.VIPs, []netip.Addr{netip.MustParseAddr("10.0.0.1")}) {
		t.Fatalf("saved state %+v, %v", st, err)
	}
	var bad State
	if err := json.Unmarshal([]byte(`{"saved":[{"key":"net.ipv4.conf.....x","value":"0"}]}`), &bad); err == nil {
		t.Fatal("a key with empty segments was accepted")
	}
}
