package arpprep

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/realserver"
)

func (r *runner) confText() string {
	r.t.Helper()
	b, err := os.ReadFile(r.conf.Path)
	if errors.Is(err, os.ErrNotExist) {
		return ""
	}
	if err != nil {
		r.t.Fatal(err)
	}
	return string(b)
}

func TestPersist(t *testing.T) {
	r := newRunner(t)

	// --dry-run: the live changes, the file's lines, the systemctl call;
	// nothing done.
	out := r.must("--persist", "--dry-run", "10.0.0.1", "2001:db8::1")
	want := `sysctl -w net.ipv4.conf.all.arp_ignore=1
sysctl -w net.ipv4.conf.all.arp_announce=2
sysctl -w net.ipv4.conf.eth0.arp_ignore=1
sysctl -w net.ipv4.conf.eth0.arp_announce=2
ip addr add 10.0.0.1/32 dev lo
ip addr add 2001:db8::1/128 dev lo
# write ` + r.conf.Path + ` with:
#   10.0.0.1 dev eth0
#   2001:db8::1
systemctl enable ipvsadm-arp-prep.service
`
	if out != want {
		t.Fatalf("--persist --dry-run:\n%s\nwant:\n%s", out, want)
	}
	if r.sys.writes != 0 || r.confText() != "" || len(r.sc.calls) != 0 {
		t.Fatalf("--dry-run changed things: %d writes, conf %q, systemctl %q", r.sys.writes, r.confText(), r.sc.calls)
	}

	// The default route's interface is recorded by name: at boot there is
	// no default route yet.
	_, errs, rc := r.run("--persist", "10.0.0.1", "2001:db8::1")
	if rc != 0 || errs != "" {
		t.Fatalf("--persist: rc %d, stderr %q", rc, errs)
	}
	if got := r.confText(); got != ConfHeader+"10.0.0.1 dev eth0\n2001:db8::1\n" {
		t.Fatalf("conf after --persist:\n%s", got)
	}
	if !r.sc.enabled || !slices.Equal(r.sc.calls, []string{"enable"}) || !r.sys.onLo("10.0.0.1/32") {
		t.Fatalf("after --persist: systemctl %q, addrs %v", r.sc.calls, r.sys.addrs)
	}
	if fi, err := os.Stat(r.conf.Path); err != nil || fi.Mode() != 0o644 {
		t.Errorf("conf mode: %v %v", fi.Mode(), err)
	}

	// Again: nothing changes, and --dry-run says so.
	w := r.sys.writes
	r.must("--persist", "10.0.0.1")
	if r.sys.writes != w || len(r.sc.calls) != 1 {
		t.Fatalf("second --persist changed things: %d writes, systemctl %q", r.sys.writes-w, r.sc.calls)
	}
	if out := r.must("--persist", "--dry-run", "10.0.0.1", "2001:db8::1"); out != "# nothing to change\n" {
		t.Fatalf("--dry-run after --persist: %q", out)
	}

	// Merged with what is recorded; a VIP recorded again keeps its line
	// and takes the new interface choice.
	r.sys.links = []string{"eth0", "eth1"}
	r.sys.sysctls["net.ipv4.conf.eth1.arp_ignore"] = "0"
	r.sys.sysctls["net.ipv4.conf.eth1.arp_announce"] = "0"
	r.must("--persist", "--all-interfaces", "10.0.0.2")
	r.must("--persist", "--dev", "eth1", "10.0.0.1")
	if got := r.confText(); got != ConfHeader+"10.0.0.1 dev eth1\n2001:db8::1\n10.0.0.2 all-interfaces\n" {
		t.Fatalf("conf after merging:\n%s", got)
	}

	out = r.must("--check", "10.0.0.1", "2001:db8::1")
	if !strings.HasSuffix(out, "\nok     persist 10.0.0.1: recorded, unit enabled\nok     persist 2001:db8::1: recorded, unit enabled\n") {
		t.Errorf("--check of persistent VIPs:\n%s", out)
	}
	r.sc.enabled = false
	out = r.must("--check", "10.0.0.1")
	if !strings.Contains(out, "\nwarn   persist 10.0.0.1: recorded, unit disabled (not prepared at boot; systemctl enable ipvsadm-arp-prep.service)\n") {
		t.Errorf("--check with the unit disabled:\n%s", out)
	}
	r.sc.enabled = true

	// --remove alone leaves the record, and says the VIP comes back.
	_, errs, rc = r.run("--remove", "10.0.0.2")
	if rc != 0 || errs != "ipvsadm arp-prep: warning: VIP 10.0.0.2 is still recorded in "+r.conf.Path+
		" and comes back at boot; --remove --persist forgets it\n" {
		t.Fatalf("--remove of a recorded VIP: rc %d, stderr %q", rc, errs)
	}
	r.must("--remove", "--persist", "10.0.0.1", "10.0.0.2")
	if got := r.confText(); got != ConfHeader+"2001:db8::1\n" || r.sys.onLo("10.0.0.1/32") || !r.sc.enabled {
		t.Fatalf("after --remove --persist of two of three: conf %q, unit enabled %v", got, r.sc.enabled)
	}

	// The last one: the file goes, the unit is disabled.
	out = r.must("--remove", "--persist", "--dry-run", "2001:db8::1")
	if out != "ip addr del 2001:db8::1/128 dev lo\nrm "+r.conf.Path+"\nsystemctl disable ipvsadm-arp-prep.service\n" {
		t.Fatalf("--remove --persist --dry-run of the last VIP:\n%s", out)
	}
	r.must("--remove", "--persist", "2001:db8::1")
	if _, err := os.Stat(r.conf.Path); !errors.Is(err, os.ErrNotExist) || r.sc.enabled || r.sys.onLo("2001:db8::1/128") {
		t.Fatalf("after the last --remove --persist: conf %v, unit enabled %v", err, r.sc.enabled)
	}
	if slices.ContainsFunc(r.sys.addrs, func(a realserver.Addr) bool { return a.Dev == "lo" && a.Prefix.Bits() > 8 }) {
		t.Errorf("VIPs left on lo: %v", r.sys.addrs)
	}
	if entries, _ := os.ReadDir(filepath.Dir(r.conf.Path)); len(entries) != 0 {
		t.Errorf("left in the conf directory: %v", entries)
	}
	// And once more: nothing to do, nothing done.
	n := len(r.sc.calls)
	r.must("--remove", "--persist", "2001:db8::1")
	if len(r.sc.calls) != n {
		t.Errorf("second --remove --persist called systemctl %q", r.sc.calls[n:])
	}
}

func TestPersistWithoutSystemd(t *testing.T) {
	r := newRunner(t)
	r.sc.absent = true
	notice := "note: no systemctl, so no unit to enable: VIPs are recorded in " + r.conf.Path +
		`, but only an init system that runs "ipvsadm arp-prep --boot" prepares them at boot`
	out := r.must("--persist", "--dry-run", "10.0.0.1")
	if !strings.HasSuffix(out, "#   10.0.0.1 dev eth0\n# "+notice+"\n") || strings.Contains(out, "systemctl enable") {
		t.Errorf("--dry-run without systemd:\n%s", out)
	}
	_, errs, rc := r.run("--persist", "10.0.0.1")
	if rc != 0 || errs != "ipvsadm arp-prep: "+notice+"\n" {
		t.Fatalf("--persist without systemd: rc %d, stderr %q", rc, errs)
	}
	if r.confText() != ConfHeader+"10.0.0.1 dev eth0\n" || !r.sys.onLo("10.0.0.1/32") {
		t.Fatalf("conf %q", r.confText())
	}
	if out := r.must("--check", "10.0.0.1"); !strings.HasSuffix(out, "\nok     persist 10.0.0.1: recorded, no systemctl\n") {
		t.Errorf("--check without systemd:\n%s", out)
	}
	_, errs, rc = r.run("--remove", "--persist", "10.0.0.1")
	if rc != 0 || errs != "" || r.confText() != "" {
		t.Errorf("--remove --persist without systemd: rc %d, stderr %q, conf %q", rc, errs, r.confText())
	}
}

// When the unit cannot be enabled, or a later step fails, every step done
// is undone: no VIP, no sysctl, no record, no state, unit as it was.
func TestPersistRefusesHalfState(t *testing.T) {
	t.Run("unit not installed", func(t *testing.T) {
		r := newRunner(t)
		r.sc.missing = true
		out, errs, rc := r.run("--persist", "10.0.0.1")
		want := "ipvsadm arp-prep: systemctl enable ipvsadm-arp-prep.service: Failed to enable unit: Unit file ipvsadm-arp-prep.service does not exist. (is ipvsadm-arp-prep.service installed? make install puts it in /lib/systemd/system)\n"
		if rc != 1 || out != "" || errs != want {
			t.Fatalf("rc %d, stdout %q, stderr %q", rc, out, errs)
		}
		if r.sys.writes != 0 || r.confText() != "" {
			t.Errorf("changed: %d writes, conf %q", r.sys.writes, r.confText())
		}
		if st, _ := r.store.Load(); !st.Empty() {
			t.Errorf("state saved: %+v", st)
		}
	})
	t.Run("kernel refuses", func(t *testing.T) {
		r := newRunner(t)
		r.must("--persist", "10.0.0.9")
		r.must("--remove", "--persist", "10.0.0.9") // leaves the unit disabled
		before := r.sys.sysctls["net.ipv4.conf.all.arp_ignore"]
		r.sys.failAdd = netip.MustParsePrefix("10.0.0.2/32")
		_, errs, rc := r.run("--persist", "10.0.0.1", "10.0.0.2")
		if rc != 1 || !strings.HasPrefix(errs, "ipvsadm arp-prep: adding") || strings.Count(errs, "\n") != 1 {
			t.Fatalf("rc %d, stderr %q", rc, errs)
		}
		if r.sc.enabled || r.confText() != "" || r.sys.onLo("10.0.0.1/32") || r.sys.sysctls["net.ipv4.conf.all.arp_ignore"] != before {
			t.Errorf("half-applied: unit enabled %v, conf %q, addrs %v, sysctls %v", r.sc.enabled, r.confText(), r.sys.addrs, r.sys.sysctls)
		}
		if !slices.Equal(r.sc.calls, []string{"enable", "disable", "enable", "disable"}) {
			t.Errorf("systemctl calls %q", r.sc.calls)
		}
		if st, _ := r.store.Load(); !st.Empty() {
			t.Errorf("state saved: %+v", st)
		}
	})
	t.Run("damaged file", func(t *testing.T) {
		r := newRunner(t)
		damaged := "# by hand\n10.0.0.5 dev eth0\n10.0.0.6 dev\n"
		os.MkdirAll(filepath.Dir(r.conf.Path), 0o755)
		if err := os.WriteFile(r.conf.Path, []byte(damaged), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"--persist", "10.0.0.1"}, {"--remove", "--persist", "10.0.0.5"}, {"--boot"}, {"--check", "10.0.0.1"}} {
			out, errs, rc := r.run(args...)
			want := "ipvsadm arp-prep: " + r.conf.Path + `:3: want VIP [dev IFACE | all-interfaces], have "10.0.0.6 dev"; fix or remove the file` + "\n"
			if rc != 1 || out != "" || errs != want {
				t.Errorf("%q: rc %d, stdout %q, stderr %q", args, rc, out, errs)
			}
		}
		if r.sys.writes != 0 || r.confText() != damaged || len(r.sc.calls) != 0 {
			t.Errorf("changed: %d writes, conf %q, systemctl %q", r.sys.writes, r.confText(), r.sc.calls)
		}
	})
}

func TestBoot(t *testing.T) {
	r := newRunner(t)
	// Nothing recorded: nothing to do, silently (the unit's condition
	// normally keeps it from running at all).
	if out, errs, rc := r.run("--boot"); rc != 0 || out != "" || errs != "" {
		t.Fatalf("--boot without a file: rc %d, %q, %q", rc, out, errs)
	}
	if out := r.must("--boot", "--dry-run"); out != "# nothing to change\n" {
		t.Fatalf("--boot --dry-run without a file: %q", out)
	}
	os.MkdirAll(filepath.Dir(r.conf.Path), 0o755)
	os.WriteFile(r.conf.Path, []byte(ConfHeader), 0o644)
	if out, errs, rc := r.run("--boot"); rc != 0 || out != "" || errs != "" || r.sys.writes != 0 {
		t.Fatalf("--boot with no VIP: rc %d, %q, %q", rc, out, errs)
	}

	// As at boot: lo down, no default route, one recorded interface not
	// there (yet).
	r.sys.loDown, r.sys.defDev = true, ""
	r.sys.links = []string{"eth0", "eth1"}
	for _, p := range []string{"arp_ignore", "arp_announce"} {
		r.sys.sysctls["net.ipv4.conf.eth1."+p] = "0"
	}
	conf := "10.0.0.1 dev eth0\n  # by hand\n\n10.0.0.2 all-interfaces\n2001:db8::1\n10.0.0.3 dev eth7\n"
	os.WriteFile(r.conf.Path, []byte(conf), 0o644)
	warn := "ipvsadm arp-prep: warning: interface eth7 (in " + r.conf.Path + ") does not exist; all covers it, and default gives it the values if it is created later\n"
	out, errs, rc := r.run("--boot", "--dry-run")
	want := `sysctl -w net.ipv4.conf.all.arp_ignore=1
sysctl -w net.ipv4.conf.all.arp_announce=2
sysctl -w net.ipv4.conf.default.arp_ignore=1
sysctl -w net.ipv4.conf.default.arp_announce=2
sysctl -w net.ipv4.conf.eth0.arp_ignore=1
sysctl -w net.ipv4.conf.eth0.arp_announce=2
sysctl -w net.ipv4.conf.eth1.arp_ignore=1
sysctl -w net.ipv4.conf.eth1.arp_announce=2
ip link set lo up
ip addr add 10.0.0.1/32 dev lo
ip addr add 10.0.0.2/32 dev lo
ip addr add 2001:db8::1/128 dev lo
ip addr add 10.0.0.3/32 dev lo
`
	if rc != 0 || out != want || errs != warn || r.sys.writes != 0 {
		t.Fatalf("--boot --dry-run: rc %d, stderr %q\n%s\nwant:\n%s", rc, errs, out, want)
	}
	r.root = false
	if _, errs, rc := r.run("--boot"); rc != 1 || !strings.Contains(errs, "must be run as root") {
		t.Fatalf("--boot as non-root: rc %d, %q", rc, errs)
	}
	r.root = true
	_, errs, rc = r.run("--boot")
	if rc != 0 || errs != warn || r.sys.writes != 13 || r.sys.loDown {
		t.Fatalf("--boot: rc %d, stderr %q, %d writes, lo down %v", rc, errs, r.sys.writes, r.sys.loDown)
	}
	if out := r.must("--boot", "--dry-run"); out != "# nothing to change\n" {
		t.Errorf("--boot --dry-run after --boot:\n%s", out)
	}
	// Booted state is undone like any other: the saved values are those
	// found at boot.
	st, _ := r.store.Load()
	if len(st.Saved) != 8 || len(st.VIPs) != 4 {
		t.Errorf("state after --boot: %+v", st)
	}
	// Removing the last VIP puts default back too.
	r.must("--remove", "10.0.0.1", "10.0.0.2", "10.0.0.3", "2001:db8::1")
	for k, v := range r.sys.sysctls {
		if v != "0" {
			t.Errorf("after --remove: %s = %s", k, v)
		}
	}
	// The file is only read.
	if r.confText() != conf || len(r.sc.calls) != 0 {
		t.Errorf("--boot changed the file or the unit: %q %q", r.confText(), r.sc.calls)
	}
}

func TestTransactUndoesNewestFirst(t *testing.T) {
	var log []string
	mk := func(name string, fail bool) step {
		return step{
			do: func() error {
				if fail {
					return errors.New(name + " failed")
				}
				log = append(log, "do "+name)
				return nil
			},
			undo: func() error { log = append(log, "undo "+name); return nil },
		}
	}
	err := transact([]step{mk("a", false), {}, mk("b", false), mk("c", true), mk("d", false)})
	if err == nil || err.Error() != "c failed" || !slices.Equal(log, []string{"do a", "do b", "undo b", "undo a"}) {
		t.Errorf("err %v, log %q", err, log)
	}
	log = nil
	bad := mk("b", false)
	bad.undo = func() error { return errors.New("b stuck") }
	err = transact([]step{mk("a", false), bad, mk("c", true)})
	if err == nil || err.Error() != "c failed; undoing the earlier changes failed too: b stuck" {
		t.Errorf("err %v", err)
	}
}

func TestQueryUnit(t *testing.T) {
	for _, tc := range []struct {
		out     string
		err     error
		want    unitState
		wantErr bool
	}{
		{"enabled\n", nil, unitState{systemd: true, enabled: true}, false},
		// Runtime enablement is gone at reboot.
		{"enabled-runtime\n", nil, unitState{systemd: true}, false},
		{"disabled\n", errExit1, unitState{systemd: true}, false},
		{"masked\n", errExit1, unitState{systemd: true}, false},
		{"", ErrNoSystemctl, unitState{}, false},
		{"", errors.New("fork/exec: permission denied"), unitState{}, true},
	} {
		got, err := queryUnit(func(args ...string) (string, error) { return tc.out, tc.err })
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("is-enabled %q, %v: got %+v, %v", tc.out, tc.err, got, err)
		}
	}
	if got, err := queryUnit(nil); got != (unitState{}) || err != nil {
		t.Errorf("nil Systemctl: %+v %v", got, err)
	}
}

// Recording from another network namespace (ipvsadm --netns NAME) warns:
// the unit prepares the VIPs in PID 1's at boot.
func TestPersistOtherNetns(t *testing.T) {
	r := newRunner(t)
	var out, errb strings.Builder
	rc := Run([]string{"--persist", "10.0.0.1"}, Env{Sys: r.sys, Store: r.store, Conf: r.conf, Systemctl: r.sc.run,
		OtherNetns: true, Root: true, Stdout: &out, Stderr: &errb})
	want := "ipvsadm arp-prep: warning: this is not the network namespace of PID 1, yet at boot ipvsadm-arp-prep.service prepares the recorded VIPs in that one\n"
	if rc != 0 || errb.String() != want || r.confText() == "" {
		t.Errorf("rc %d, stderr %q", rc, errb.String())
	}
}

// A file with no VIP, only comments, is removed by --remove --persist,
// and --dry-run says so.
func TestRemovePersistOfCommentsOnly(t *testing.T) {
	r := newRunner(t)
	os.MkdirAll(filepath.Dir(r.conf.Path), 0o755)
	os.WriteFile(r.conf.Path, []byte("# nothing\n"), 0o644)
	if out := r.must("--remove", "--persist", "--dry-run", "10.0.0.1"); out != "rm "+r.conf.Path+"\n" {
		t.Errorf("--dry-run: %q", out)
	}
	r.must("--remove", "--persist", "10.0.0.1")
	if r.confText() != "" {
		t.Errorf("file left: %q", r.confText())
	}
}
