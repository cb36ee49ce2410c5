//go:build e2e

package e2e

// `ipvsadm arp-prep` against the real kernel, in a namespace of its own
// (lab-ap: dummy eth0 with a default route). arp-prep is ours alone: the
// reference has nothing to compare with, so every assertion reads the
// kernel's state back through /proc/sys and iproute2.

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

const apNS = "lab-ap"

// apSnapshot is everything arp-prep may touch in lab-ap: the four ARP
// sysctls and every address.
func apSnapshot(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, k := range []string{"all/arp_ignore", "all/arp_announce", "eth0/arp_ignore", "eth0/arp_announce"} {
		v := mustNS(t, apNS, "cat", "/proc/sys/net/ipv4/conf/"+k)
		b.WriteString(k + "=" + v)
	}
	for _, l := range strings.Split(mustNS(t, apNS, ipCmd, "-o", "addr", "show"), "\n") {
		// Keep "dev family prefix": lifetimes and flags are noise here.
		if f := strings.Fields(l); len(f) >= 4 {
			b.WriteString(f[1] + " " + f[2] + " " + f[3] + "\n")
		}
	}
	return b.String()
}

// sysctlLines is the sysctl part of an apSnapshot (its first four lines).
func sysctlLines(snap string) string {
	return strings.Join(strings.SplitN(snap, "\n", 5)[:4], "\n")
}

func arpPrep(args ...string) cmdResult {
	return inNS(apNS, "", append([]string{oursBin, "arp-prep"}, args...)...)
}

func mustArpPrep(t *testing.T, args ...string) string {
	t.Helper()
	r := arpPrep(args...)
	if r.status != 0 {
		t.Fatalf("arp-prep %q: exit %d\n%s%s", args, r.status, r.stdout, r.stderr)
	}
	return r.stdout
}

func TestArpPrep(t *testing.T) {
	labUp(t, "ap")
	const vip, vip6 = "10.20.0.100", "2001:db8::100"
	// A non-default prior value, to see --remove restore it rather than 0.
	mustNS(t, apNS, "sysctl", "-qw", "net.ipv4.conf.all.arp_announce=1")
	before := apSnapshot(t)

	if r := arpPrep("--check", vip); r.status != 1 || !strings.Contains(r.stdout, "wrong  address "+vip+": not on lo") {
		t.Fatalf("--check before prep: exit %d\n%s%s", r.status, r.stdout, r.stderr)
	}

	// --dry-run prints the commands and changes nothing.
	out := mustArpPrep(t, "--dry-run", vip, vip6)
	want := `sysctl -w net.ipv4.conf.all.arp_ignore=1
sysctl -w net.ipv4.conf.all.arp_announce=2
sysctl -w net.ipv4.conf.eth0.arp_ignore=1
sysctl -w net.ipv4.conf.eth0.arp_announce=2
ip addr add 10.20.0.100/32 dev lo
ip addr add 2001:db8::100/128 dev lo
`
	if out != want {
		t.Errorf("--dry-run printed\n%s\nwant\n%s", out, want)
	}
	if s := apSnapshot(t); s != before {
		t.Fatalf("--dry-run changed the kernel:\n%s\nwas\n%s", s, before)
	}

	// --all-interfaces: every non-loopback interface, never lo.
	out = mustArpPrep(t, "--all-interfaces", "--dry-run", vip)
	if !strings.Contains(out, "sysctl -w net.ipv4.conf.eth0.arp_ignore=1\n") || strings.Contains(out, ".lo.") {
		t.Errorf("--all-interfaces --dry-run:\n%s", out)
	}

	mustArpPrep(t, vip, vip6)
	prepared := apSnapshot(t)
	for _, w := range []string{"all/arp_ignore=1\n", "all/arp_announce=2\n", "eth0/arp_ignore=1\n", "eth0/arp_announce=2\n",
		"lo inet " + vip + "/32\n", "lo inet6 " + vip6 + "/128\n"} {
		if !strings.Contains(prepared, w) {
			t.Errorf("after prep, no %q in\n%s", w, prepared)
		}
	}

	// A second run changes nothing and says so when asked.
	mustArpPrep(t, vip, vip6)
	if s := apSnapshot(t); s != prepared {
		t.Errorf("second prep changed the kernel:\n%s\nwas\n%s", s, prepared)
	}
	if out := mustArpPrep(t, "--dry-run", vip, vip6); out != "# nothing to change\n" {
		t.Errorf("--dry-run after prep: %q", out)
	}

	out = mustArpPrep(t, "--check", vip, vip6)
	t.Logf("--check after prep:\n%s", out)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 8 {
		t.Fatalf("--check printed %d lines, want 8 (4 sysctls, 2 addresses, 2 persist)", len(lines))
	}
	for _, l := range lines[:6] {
		if !strings.HasPrefix(l, "ok ") {
			t.Errorf("--check after prep: %q", l)
		}
	}
	// Prepared without --persist: a warning each, not a failure.
	for i, v := range []string{vip, vip6} {
		if want := "warn   persist " + v + ": not recorded (lost at reboot; --persist records it)"; lines[6+i] != want {
			t.Errorf("--check after prep: %q, want %q", lines[6+i], want)
		}
	}
	var rep struct {
		OK    bool `json:"ok"`
		Items []struct {
			Kind, Name, Have, Want string
			OK, Warning            bool
		} `json:"items"`
	}
	js := mustArpPrep(t, "--check", "--json", vip, vip6)
	if strings.Count(js, "\n") != 1 || !strings.HasPrefix(js, `{"ok":true,"items":[{"kind":"sysctl",`) {
		t.Errorf("--check --json is not one compact line:\n%s", js)
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil || !rep.OK || len(rep.Items) != 8 || !rep.Items[7].Warning {
		t.Errorf("--check --json: %v %+v", err, rep)
	}

	// A VIP elsewhere than lo, or with another prefix, is wrong.
	mustNS(t, apNS, ipCmd, "addr", "add", vip+"/24", "dev", "eth0")
	r := arpPrep("--check", vip)
	if r.status != 1 || !strings.Contains(r.stdout, "wrong  address "+vip+"/24 dev eth0: on an interface other than lo") {
		t.Errorf("--check with the VIP on eth0: exit %d\n%s%s", r.status, r.stdout, r.stderr)
	}
	mustNS(t, apNS, ipCmd, "addr", "del", vip+"/24", "dev", "eth0")

	// --remove takes everything back, prior values included.
	mustArpPrep(t, "--remove", vip6)
	if s := apSnapshot(t); strings.Contains(s, vip6) || !strings.Contains(s, "all/arp_ignore=1\n") {
		t.Errorf("after removing the IPv6 VIP only:\n%s", s)
	}
	mustArpPrep(t, "--remove", vip)
	if s := apSnapshot(t); s != before {
		t.Errorf("after --remove:\n%s\nwant as before prep:\n%s", s, before)
	}
	if r := arpPrep("--check", vip); r.status != 1 {
		t.Errorf("--check after --remove: exit %d, want 1\n%s", r.status, r.stdout)
	}
	mustArpPrep(t, "--remove", vip) // idempotent too
	if s := apSnapshot(t); s != before {
		t.Errorf("second --remove changed the kernel:\n%s", s)
	}

	// IPv6 alone needs no ARP sysctls.
	mustArpPrep(t, vip6)
	if s := apSnapshot(t); !strings.Contains(s, "lo inet6 "+vip6+"/128\n") || sysctlLines(s) != sysctlLines(before) {
		t.Errorf("IPv6-only prep:\n%s", s)
	}
	mustArpPrep(t, "--remove", vip6)
	if s := apSnapshot(t); s != before {
		t.Errorf("after IPv6 --remove:\n%s", s)
	}
}

func TestArpPrepRefuses(t *testing.T) {
	labUp(t, "ap")
	before := apSnapshot(t)
	for _, tc := range []struct {
		args   []string
		rc     int
		stderr string
	}{
		{[]string{"--dev", "../../../etc", "10.20.0.100"}, 2, "invalid interface name"},
		{[]string{"--dev", "..", "10.20.0.100"}, 2, "invalid interface name"},
		{[]string{"--dev", "a/b", "10.20.0.100"}, 2, "invalid interface name"},
		{[]string{"--dev", "", "10.20.0.100"}, 2, "empty interface name"},
		{[]string{"--dev", "abcdefghijklmnop", "10.20.0.100"}, 2, "longer than 15 bytes"},
		{[]string{"--remove", "--dev", "../all", "10.20.0.100"}, 2, "invalid interface name"},
		{[]string{"--check", "--dev=eth0/..", "10.20.0.100"}, 2, "invalid interface name"},
		{[]string{"--dev", "nosuchif0", "10.20.0.100"}, 2, "ipvsadm arp-prep: --dev nosuchif0: no such interface (see ip link)\n"},
		{[]string{"--check", "--dev", "nosuchif0", "10.20.0.100"}, 2, "--dev nosuchif0: no such interface (see ip link)"},
		{[]string{"--boot", "10.20.0.100"}, 2, "--boot takes no VIP"},
		{[]string{"--check", "--persist", "10.20.0.100"}, 2, "drop --persist"},
		{[]string{"224.0.0.1"}, 2, "multicast"},
		{[]string{"0.0.0.0"}, 2, "unspecified"},
		{[]string{"127.0.0.1"}, 2, "loopback"},
		{[]string{"255.255.255.255"}, 2, "broadcast"},
		{[]string{"ff02::1"}, 2, "multicast"},
		{[]string{"10.20.0.100/24"}, 2, "give the address alone"},
		{[]string{"../../etc/passwd"}, 2, "invalid VIP"},
		{[]string{"10.20.0.100", "banana"}, 2, "not an IP address"},
		{nil, 2, "no VIP given"},
	} {
		r := arpPrep(tc.args...)
		if r.status != tc.rc || !strings.HasPrefix(r.stderr, "ipvsadm arp-prep: ") || !strings.Contains(r.stderr, tc.stderr) ||
			strings.Count(r.stderr, "\n") != 1 || r.stdout != "" {
			t.Errorf("arp-prep %q: exit %d, stdout %q, stderr %q; want exit %d and one line with %q",
				tc.args, r.status, r.stdout, r.stderr, tc.rc, tc.stderr)
		}
	}
	if s := apSnapshot(t); s != before {
		t.Errorf("refused commands changed the kernel:\n%s\nwas\n%s", s, before)
	}

	// Not root: one line, exit 1, nothing changed (in the VM's own namespace).
	readAll := func() string {
		b, _ := os.ReadFile("/proc/sys/net/ipv4/conf/all/arp_ignore")
		return string(b)
	}
	was := readAll()
	c := exec.Command(oursBin, "arp-prep", "--dev", "lo", "10.20.0.100")
	c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	var errb strings.Builder
	c.Stderr = &errb
	err := c.Run()
	ee, _ := err.(*exec.ExitError)
	if ee == nil || ee.ExitCode() != 1 || errb.String() != "ipvsadm arp-prep: must be run as root to change sysctls and addresses (--check and --dry-run need not)\n" {
		t.Errorf("non-root: %v, stderr %q", err, errb.String())
	}
	if readAll() != was {
		t.Error("non-root run changed all.arp_ignore")
	}
}

// unitExecStart is the command ipvsadm-arp-prep.service runs at boot, read
// from the unit, with our binary in place of the installed path.
func unitExecStart(t *testing.T) []string {
	t.Helper()
	for _, p := range []string{"dist/ipvsadm-arp-prep.service", "../dist/ipvsadm-arp-prep.service"} {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			if cmd, ok := strings.CutPrefix(l, "ExecStart="); ok {
				f := strings.Fields(cmd)
				if f[0] != "/usr/sbin/ipvsadm" {
					t.Fatalf("the unit runs %q, not /usr/sbin/ipvsadm", f[0])
				}
				return append([]string{oursBin}, f[1:]...)
			}
		}
		t.Fatalf("%s has no ExecStart", p)
	}
	t.Fatal("dist/ipvsadm-arp-prep.service not found")
	return nil
}

// freshNS makes a network namespace as the kernel has it at boot: only lo,
// down (and an eth0, down, unconfigured, if withEth0), sysctls as a new
// namespace gets them. Gone when the test ends.
func freshNS(t *testing.T, name string, withEth0 bool) {
	t.Helper()
	exec.Command(ipCmd, "netns", "del", name).Run() // an earlier run's
	if out, err := exec.Command(ipCmd, "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s: %v\n%s", name, err, out)
	}
	t.Cleanup(func() { exec.Command(ipCmd, "netns", "del", name).Run() })
	if withEth0 {
		mustNS(t, name, ipCmd, "link", "add", "eth0", "type", "dummy")
	}
	if l := mustNS(t, name, ipCmd, "-o", "link", "show", "lo"); strings.Contains(l, ",UP") {
		t.Fatalf("lo is up in a fresh namespace: %s", l)
	}
	for _, k := range []string{"arp_ignore", "arp_announce"} {
		if v := mustNS(t, name, "cat", "/proc/sys/net/ipv4/conf/all/"+k); v != "0\n" {
			t.Fatalf("all.%s is %q in a fresh namespace, want 0", k, v)
		}
	}
}

// --persist records; a reboot, simulated by a fresh network namespace in
// which the unit's ExecStart runs, prepares the VIPs again; --remove
// --persist forgets them.
func TestArpPrepPersist(t *testing.T) {
	labUp(t, "ap")
	const vip, vip6 = "10.20.0.101", "2001:db8::101"
	// The file the installed binary and unit use: the VM is thrown away,
	// and no other test reads it.
	const conf = "/etc/ipvsadm/arp-prep.conf"
	if _, err := os.Stat(conf); !os.IsNotExist(err) {
		t.Fatalf("%s is there before the test (%v)", conf, err)
	}
	t.Cleanup(func() { os.Remove(conf) })
	ap := func(ns string, args ...string) cmdResult {
		return inNS(ns, "", append([]string{oursBin, "arp-prep"}, args...)...)
	}
	before := apSnapshot(t)

	// The VM has no systemd: --persist records, prepares, and says in one
	// line that nothing will run at boot on its own. And lab-ap is not the
	// namespace the unit would prepare at boot: a warning says so.
	r := ap(apNS, "--persist", vip, vip6)
	warnNS := "ipvsadm arp-prep: warning: this is not the network namespace of PID 1, yet at boot ipvsadm-arp-prep.service prepares the recorded VIPs in that one\n"
	notice := "ipvsadm arp-prep: note: no systemctl, so no unit to enable: VIPs are recorded in " + conf +
		`, but only an init system that runs "ipvsadm arp-prep --boot" prepares them at boot` + "\n"
	if r.status != 0 || r.stdout != "" || r.stderr != warnNS+notice {
		t.Fatalf("--persist: %v", r)
	}
	b, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	// The default route's interface, by name.
	if !strings.HasSuffix(string(b), "\n10.20.0.101 dev eth0\n2001:db8::101\n") || !strings.HasPrefix(string(b), "# ") {
		t.Errorf("%s:\n%s", conf, b)
	}
	if s := apSnapshot(t); !strings.Contains(s, "all/arp_ignore=1\n") || !strings.Contains(s, "lo inet "+vip+"/32\n") {
		t.Errorf("after --persist:\n%s", s)
	}
	r = ap(apNS, "--check", vip, vip6)
	if r.status != 0 || !strings.HasSuffix(r.stdout, "\nok     persist "+vip+": recorded, no systemctl\nok     persist "+vip6+": recorded, no systemctl\n") {
		t.Errorf("--check after --persist: %v", r)
	}

	// Reboot, with eth0 there but not configured yet.
	exe := unitExecStart(t)
	freshNS(t, "lab-apboot", true)
	r = inNS("lab-apboot", "", exe...)
	if r.status != 0 || r.stdout != "" || r.stderr != "" {
		t.Fatalf("boot (%q): %v", exe, r)
	}
	for _, k := range []string{"all/arp_ignore", "eth0/arp_ignore", "all/arp_announce", "eth0/arp_announce"} {
		want := "1\n"
		if strings.HasSuffix(k, "announce") {
			want = "2\n"
		}
		if v := mustNS(t, "lab-apboot", "cat", "/proc/sys/net/ipv4/conf/"+k); v != want {
			t.Errorf("after boot: %s = %q, want %q", k, v, want)
		}
	}
	lo := mustNS(t, "lab-apboot", ipCmd, "-o", "addr", "show", "dev", "lo")
	if !strings.Contains(lo, " inet "+vip+"/32 ") || !strings.Contains(lo, " inet6 "+vip6+"/128 ") {
		t.Errorf("after boot, lo has:\n%s", lo)
	}
	if l := mustNS(t, "lab-apboot", ipCmd, "-o", "link", "show", "lo"); !strings.Contains(l, ",UP") {
		t.Errorf("after boot, lo is not up: %s", l)
	}
	// No default route yet: without --dev, a bad argument.
	if r := ap("lab-apboot", "--check", vip); r.status != 2 || r.stderr !=
		"ipvsadm arp-prep: no IPv4 default route to take the interface from (name it with --dev IFACE, or use --all-interfaces)\n" {
		t.Errorf("--check without a default route: %v", r)
	}
	if r := ap("lab-apboot", "--check", "--dev", "eth0", vip, vip6); r.status != 0 || strings.Contains(r.stdout, "wrong") {
		t.Errorf("--check after boot: %v", r)
	}
	// Booted state is undone like any other (and leaves no state in /run).
	if r := ap("lab-apboot", "--remove", vip, vip6); r.status != 0 || !strings.Contains(r.stderr, "still recorded") {
		t.Errorf("--remove after boot: %v", r)
	}

	// Reboot with the NIC not there yet: a warning; all covers it, and it
	// takes the values from default when it comes.
	freshNS(t, "lab-apboot2", false)
	r = inNS("lab-apboot2", "", exe...)
	warn := "ipvsadm arp-prep: warning: interface eth0 (in " + conf + ") does not exist; all covers it, and default gives it the values if it is created later\n"
	if r.status != 0 || r.stderr != warn {
		t.Errorf("boot without eth0: %v", r)
	}
	mustNS(t, "lab-apboot2", ipCmd, "link", "add", "eth0", "type", "dummy")
	for _, k := range []string{"all/arp_ignore=1", "all/arp_announce=2", "default/arp_ignore=1", "eth0/arp_ignore=1", "eth0/arp_announce=2"} {
		name, want, _ := strings.Cut(k, "=")
		if v := mustNS(t, "lab-apboot2", "cat", "/proc/sys/net/ipv4/conf/"+name); v != want+"\n" {
			t.Errorf("boot without eth0, then eth0 created: %s = %q, want %s", name, v, want)
		}
	}
	if lo := mustNS(t, "lab-apboot2", ipCmd, "-o", "addr", "show", "dev", "lo"); !strings.Contains(lo, " inet "+vip+"/32 ") {
		t.Errorf("boot without eth0, lo has:\n%s", lo)
	}
	ap("lab-apboot2", "--remove", vip, vip6)

	// --remove --persist: live state undone, the file gone, --boot idle.
	r = ap(apNS, "--remove", "--persist", vip, vip6)
	if r.status != 0 || r.stdout != "" || r.stderr != "" {
		t.Fatalf("--remove --persist: %v", r)
	}
	if _, err := os.Stat(conf); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s after --remove --persist: %v", conf, err)
	}
	if s := apSnapshot(t); s != before {
		t.Errorf("after --remove --persist:\n%s\nwant as before:\n%s", s, before)
	}
	if r := ap(apNS, "--boot"); r.status != 0 || r.stdout != "" || r.stderr != "" {
		t.Errorf("--boot with nothing recorded: %v", r)
	}
	if s := apSnapshot(t); s != before {
		t.Errorf("--boot with nothing recorded changed the kernel:\n%s", s)
	}
}
