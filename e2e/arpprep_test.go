//go:build e2e

package e2e

// `ipvsadm arp-prep` against the real kernel, in a namespace of its own
// (lab-ap: dummy eth0 with a default route). arp-prep is ours alone: the
// reference has nothing to compare with, so every assertion reads the
// kernel's state back through /proc/sys and iproute2.

import (
	"encoding/json"
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
	if len(lines) != 6 {
		t.Errorf("--check printed %d lines, want 6 (4 sysctls, 2 addresses)", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "ok ") {
			t.Errorf("--check after prep: %q", l)
		}
	}
	var rep struct {
		OK    bool `json:"ok"`
		Items []struct {
			Kind, Name, Have, Want string
			OK                     bool
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(mustArpPrep(t, "--check", "--json", vip, vip6)), &rep); err != nil || !rep.OK || len(rep.Items) != 6 {
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
		{[]string{"--dev", "nosuchif0", "10.20.0.100"}, 1, `no such interface "nosuchif0"`},
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
