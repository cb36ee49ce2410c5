//go:build system

package system

import (
	"strings"
	"testing"
)

// debianSetUp: a director run by Debian's ipvsadm as its package sets it up,
// configured as the administrator does: AUTO="true" and a master sync
// daemon in /etc/default/ipvsadm, a table saved to /etc/ipvsadm.rules by
// Debian's init script, then Debian's service restarted to load it (which
// flushes the table and loads the file, and starts the daemon). Prints the
// table and the daemon Debian's package runs.
const debianSetUp = `
sec debian-enabled
ls /etc/rc2.d | grep ipvsadm || true
systemctl is-enabled ipvsadm.service || true
cat > /etc/default/ipvsadm <<'END'
AUTO="true"
DAEMON="master"
IFACE="eth0"
SYNCID="7"
END
ipvsadm -C
ipvsadm -A -t 192.0.2.1:80 -s wlc
ipvsadm -a -t 192.0.2.1:80 -r 10.0.2.20:80 -m -w 3
ipvsadm -a -t 192.0.2.1:80 -r 10.0.2.21:80 -m -w 1
ipvsadm -A -u 192.0.2.2:53 -s rr -p 60
ipvsadm -a -u 192.0.2.2:53 -r 10.0.2.22:53 -g
ipvsadm -A -f 7 -s sh
sec debian-save
/etc/init.d/ipvsadm save
systemctl restart ipvsadm.service
sec debian-table
ipvsadm -S -n
sec debian-daemon
ipvsadm -L --daemon
`

// afterBoot: what the tests check of our unit after a boot.
const afterBoot = `
sec active
systemctl is-active ipvsadm.service || true
sec status
st=0; systemctl status ipvsadm.service --no-pager >/dev/null 2>&1 || st=$?; echo $st
sec enabled
systemctl is-enabled ipvsadm.service || true
sec masked
masked
sec fragment
systemctl show -p FragmentPath -p SourcePath ipvsadm.service
sec owner
dpkg-query -S /usr/lib/systemd/system/ipvsadm.service 2>&1 || true
sec table
ipvsadm -S -n
sec daemon
ipvsadm -L --daemon
sec journal
journalctl -b -u ipvsadm.service --no-pager -o cat || true
sec blame
systemd-analyze blame --no-pager | head -n 5
`

// checkOurs: after a boot, our unit is the one that ran, active and
// enabled, nothing masked, and it loaded wantTable and started wantDaemon
// (Debian's, before the switch).
func checkOurs(t *testing.T, rel string, b boot, wantTable, wantDaemon string) {
	t.Helper()
	if got := b.section("active"); got != "active" {
		t.Errorf("%s: systemctl is-active ipvsadm: %q\njournal:\n%s", rel, got, b.section("journal"))
	}
	if got := b.section("status"); got != "0" {
		t.Errorf("%s: systemctl status ipvsadm: exit status %s", rel, got)
	}
	if got := b.section("enabled"); got != "enabled" {
		t.Errorf("%s: systemctl is-enabled ipvsadm: %q", rel, got)
	}
	if got := b.section("masked"); got != "" {
		t.Errorf("%s: masked units: %q", rel, got)
	}
	// bookworm's systemd finds it through /lib, the same directory
	if got := strings.Replace(b.section("fragment"), "=/lib/", "=/usr/lib/", 1); got != "FragmentPath=/usr/lib/systemd/system/ipvsadm.service\nSourcePath=" {
		t.Errorf("%s: ipvsadm.service is not our unit file: %q", rel, got)
	}
	if got := b.section("owner"); got != "ipvsadm-go: /usr/lib/systemd/system/ipvsadm.service" {
		t.Errorf("%s: unit file's package: %q", rel, got)
	}
	if got := b.section("table"); got != wantTable {
		t.Errorf("%s: table after boot:\n%s\nwant (Debian's before the switch):\n%s\njournal:\n%s", rel, got, wantTable, b.section("journal"))
	}
	if got := b.section("daemon"); got != wantDaemon {
		t.Errorf("%s: sync daemon after boot: %q, want %q", rel, got, wantDaemon)
	}
}

// Switching a director from Debian's ipvsadm to ours with apt install
// ./ipvsadm-go_*.deb, as the README says: after a reboot our unit loads the
// rules Debian's saved and runs the same sync daemon, and what Debian's
// package had enabled (bookworm: its sysv script's rc links; trixie: its own
// ipvsadm.service) stays enabled, with nothing masked.
func TestSwitchFromDebian(t *testing.T) {
	ours := deb(t, "SYSTEM_DEB")
	perRelease(t, func(t *testing.T, rel string) {
		res := run(t, rel, map[string]string{"ipvsadm-go.deb": ours},
			debianSetUp+`
sec apt
$APT install /job/ipvsadm-go.deb
sec switched-active
systemctl is-active ipvsadm.service || true
sec switched-table
ipvsadm -S -n
`, afterBoot)
		before := res[0]
		en := before.section("debian-enabled")
		if rel == "bookworm" && !strings.Contains(en, "S01ipvsadm") || rel == "trixie" && !strings.HasSuffix(en, "enabled") {
			t.Fatalf("%s: Debian's ipvsadm is not enabled as installed: %q", rel, en)
		}
		table := before.section("debian-table")
		if !strings.Contains(table, "-A -t 192.0.2.1:80 -s wlc") || !strings.Contains(table, "-A -f 7 -s sh") {
			t.Fatalf("%s: Debian's ipvsadm did not load the saved table:\n%s", rel, table)
		}
		daemon := before.section("debian-daemon")
		if !strings.HasPrefix(daemon, "master sync daemon (mcast=eth0, syncid=7,") {
			t.Fatalf("%s: Debian's sync daemon: %q", rel, daemon)
		}
		// the switch itself starts ours in place of Debian's (whose
		// removal flushed the table, AUTO="true")
		if got := before.section("switched-active"); got != "active" {
			t.Errorf("%s: after apt install, systemctl is-active ipvsadm: %q\n%s", rel, got, before.section("apt"))
		}
		if got := before.section("switched-table"); got != table {
			t.Errorf("%s: after apt install, table:\n%s\nwant:\n%s", rel, got, table)
		}
		checkOurs(t, rel, res[1], table, daemon)
		t.Logf("%s: slowest units of the second boot:\n%s", rel, res[1].section("blame"))
	})
}
