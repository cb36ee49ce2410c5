//go:build system

package system

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// switchToOurs: the step lines that replace Debian's ipvsadm with ours.
const switchToOurs = `
sec apt
$APT install /job/ipvsadm-go.deb
`

// arp-prep --persist, then a reboot: ipvsadm-arp-prep.service has set the
// sysctls and put the VIP on lo before network-pre.target (the unit's
// timestamps and the journal's order), before systemd-networkd, the network
// manager, started; and a peer on a veth (from a netns in the guest) gets
// no ARP answer for the VIP, while it gets one for the guest's own address
// on that link.
func TestArpPrepBoot(t *testing.T) {
	ours := deb(t, "SYSTEM_DEB")
	perRelease(t, func(t *testing.T, rel string) {
		res := run(t, rel, map[string]string{"ipvsadm-go.deb": ours}, switchToOurs+`
sec persist
ipvsadm arp-prep --persist --dev eth0 10.0.2.100
systemctl is-enabled ipvsadm-arp-prep.service
`, `
sec check
ipvsadm arp-prep --check --dev eth0 10.0.2.100
sec sysctl
sysctl -n net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce net.ipv4.conf.eth0.arp_ignore net.ipv4.conf.eth0.arp_announce
sec lo
ip -4 -o addr show dev lo | awk '{print $4}'
sec stamps
for u in ipvsadm-arp-prep.service network-pre.target systemd-networkd.service; do
	systemctl show -p ActiveEnterTimestampMonotonic -p InactiveExitTimestampMonotonic "$u" | tr '\n' ' '
	echo
done
sec journal
journalctl -b -o short-monotonic --no-pager | grep -e 'Prepare LVS direct-routing' -e 'Reached target.*[Pp]reparation for [Nn]etwork' -e 'Network Configuration' || true
sec arping
ip netns add peer
ip link add v0 type veth peer name v1
ip link set v1 netns peer
ip addr add 10.9.0.1/24 dev v0
ip link set v0 up
ip -n peer addr add 10.9.0.2/24 dev v1
ip -n peer link set v1 up
ip netns exec peer arping -c 3 -w 20 -I v1 10.9.0.1 || true
sec arping-vip
ip netns exec peer arping -c 3 -w 5 -I v1 10.0.2.100 || true
`)
		b := res[1]
		if out := b.section("check"); strings.Contains(out, "wrong") {
			t.Errorf("%s: arp-prep --check after boot:\n%s", rel, out)
		}
		if got := strings.Fields(b.section("sysctl")); strings.Join(got, " ") != "1 2 1 2" {
			t.Errorf("%s: arp_ignore/arp_announce (all, eth0) after boot: %q, want 1 2 1 2", rel, got)
		}
		if lo := b.section("lo"); !strings.Contains(lo, "10.0.2.100/32") {
			t.Errorf("%s: VIP not on lo after boot: %q", rel, lo)
		}
		stamps := map[string]map[string]int64{}
		for _, l := range strings.Split(b.section("stamps"), "\n") {
			m := map[string]int64{}
			for _, f := range strings.Fields(l) {
				k, v, _ := strings.Cut(f, "=")
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					t.Fatalf("%s: unit timestamps: %q", rel, l)
				}
				m[k] = n
			}
			stamps[strconv.Itoa(len(stamps))] = m
		}
		prep, pre, nd := stamps["0"], stamps["1"], stamps["2"]
		if prep == nil || pre == nil || nd == nil {
			t.Fatalf("%s: unit timestamps:\n%s", rel, b.section("stamps"))
		}
		// the oneshot is active once arp-prep --boot has finished
		done, reached, ndStart := prep["ActiveEnterTimestampMonotonic"], pre["ActiveEnterTimestampMonotonic"], nd["InactiveExitTimestampMonotonic"]
		if done == 0 || reached == 0 || ndStart == 0 || done > reached || reached > ndStart {
			t.Errorf("%s: arp-prep done at %d µs, network-pre.target reached at %d, systemd-networkd started at %d: want them in this order\njournal:\n%s",
				rel, done, reached, ndStart, b.section("journal"))
		}
		t.Logf("%s: arp-prep done %d µs, network-pre.target %d µs, systemd-networkd %d µs after boot\n%s", rel, done, reached, ndStart, b.section("journal"))
		// the count arping prints (its exit status on a deadline
		// differs between releases)
		if own := b.section("arping"); !strings.Contains(own, "Received 3 response(s)") {
			t.Errorf("%s: arping the guest's own address on the veth: want 3 answers:\n%s", rel, own)
		}
		if vip := b.section("arping-vip"); !strings.Contains(vip, "Received 0 response(s)") {
			t.Errorf("%s: arping the VIP: want no answer:\n%s", rel, vip)
		}
	})
}

// confState: the step lines that print the conffiles, their package's
// view, and the enablement.
const confState = `
md5sum /etc/default/ipvsadm /etc/ipvsadm.rules
ls /etc/default/ipvsadm.* /etc/ipvsadm.rules.* 2>/dev/null || true
systemctl is-enabled ipvsadm.service || true
`

// Upgrade from an older ipvsadm-go to this one after the switch: the
// conffiles the administrator changed stay as they are (no .dpkg-dist or
// .dpkg-old beside them), the unit stays enabled and active; then back to
// Debian's ipvsadm (apt install of its .deb, offline): it replaces ours,
// and after a reboot Debian's package loads the same rules and runs the
// same daemon as before the switch.
func TestUpgradeAndBack(t *testing.T) {
	ours, old := deb(t, "SYSTEM_DEB"), deb(t, "SYSTEM_DEB_OLD")
	perRelease(t, func(t *testing.T, rel string) {
		res := run(t, rel, map[string]string{"ipvsadm-go.deb": ours, "old.deb": old}, debianSetUp+`
sec apt-old
$APT install /job/old.deb
sec old-version
dpkg-query -W -f '${Version}\n' ipvsadm-go
sec old-state`+confState+`
sec apt-new
$APT install /job/ipvsadm-go.deb
sec new-version
dpkg-query -W -f '${Version}' ipvsadm-go
echo " $(dpkg-deb -f /job/ipvsadm-go.deb Version)"
sec new-state`+confState+`
sec new-active
systemctl is-active ipvsadm.service || true
sec apt-back
$APT install /root/debs/ipvsadm_*.deb
sec back-status
dpkg-query -W -f '${db:Status-Abbrev}${Package}\n' ipvsadm ipvsadm-go
# bookworm's has its programs in /sbin, trixie's in /usr/sbin
dpkg-query -S /sbin/ipvsadm /usr/sbin/ipvsadm 2>/dev/null || true
`, `
sec back-active
systemctl is-active ipvsadm.service || true
sec back-masked
masked
sec back-table
ipvsadm -S -n
sec back-daemon
ipvsadm -L --daemon
sec back-journal
journalctl -b -u ipvsadm.service --no-pager -o cat || true
`)
		a, b := res[0], res[1]
		if v := a.section("old-version"); v != "0~old1" {
			t.Fatalf("%s: older ipvsadm-go installed as %q", rel, v)
		}
		if v := strings.Fields(a.section("new-version")); len(v) != 2 || v[0] != v[1] {
			t.Errorf("%s: after the upgrade, version (installed, package): %q\n%s", rel, v, a.section("apt-new"))
		}
		oldState := a.section("old-state")
		if !strings.HasSuffix(oldState, "\nenabled") {
			t.Errorf("%s: after switching to the older ipvsadm-go, state:\n%s", rel, oldState)
		}
		if got := a.section("new-state"); got != oldState {
			t.Errorf("%s: the upgrade changed conffiles or enablement:\n%s\nbefore:\n%s", rel, got, oldState)
		}
		if got := a.section("new-active"); got != "active" {
			t.Errorf("%s: after the upgrade, ipvsadm.service: %q", rel, got)
		}
		if got := a.section("back-status"); !strings.Contains(got, "ii ipvsadm\n") || strings.Contains(got, "ii ipvsadm-go") ||
			!strings.HasSuffix(got, "ipvsadm: /usr/sbin/ipvsadm") && !strings.HasSuffix(got, "ipvsadm: /sbin/ipvsadm") {
			t.Errorf("%s: after apt install ipvsadm (Debian's):\n%s\n%s", rel, got, a.section("apt-back"))
		}
		table, daemon := a.section("debian-table"), a.section("debian-daemon")
		if got := b.section("back-active"); got != "active" {
			t.Errorf("%s: Debian's ipvsadm.service after going back and a reboot: %q\n%s", rel, got, b.section("back-journal"))
		}
		if got := b.section("back-masked"); got != "" {
			t.Errorf("%s: masked: %q", rel, got)
		}
		if got := b.section("back-table"); got != table {
			t.Errorf("%s: after going back and a reboot, table:\n%s\nwant:\n%s\njournal:\n%s", rel, got, table, b.section("back-journal"))
		}
		if got := b.section("back-daemon"); got != daemon {
			t.Errorf("%s: after going back and a reboot, daemon %q, want %q", rel, got, daemon)
		}
	})
}

// keepalived beside ours: apt installs Debian's keepalived (which
// recommends ipvsadm) without pulling Debian's ipvsadm in, our Provides
// satisfying it; keepalived programs the virtual servers of its
// configuration, and our ipvsadm -L -n prints keepalived's table byte for
// byte as Debian's ipvsadm (unpacked from its .deb into /ref) does.
func TestKeepalived(t *testing.T) {
	ours := deb(t, "SYSTEM_DEB")
	perRelease(t, func(t *testing.T, rel string) {
		res := run(t, rel, map[string]string{"ipvsadm-go.deb": ours}, switchToOurs+`
sec apt-keepalived
$APT install /root/debs/keepalived_*.deb
sec status
dpkg-query -W -f '${db:Status-Abbrev}${Package}\n' ipvsadm ipvsadm-go keepalived 2>&1 || true
mkdir -p /etc/keepalived /ref
dpkg-deb -x /root/debs/ipvsadm_*.deb /ref
cat > /etc/keepalived/keepalived.conf <<'END'
global_defs {
	router_id e2e
}
virtual_server 192.0.2.10 80 {
	delay_loop 60
	lb_algo wrr
	lb_kind NAT
	persistence_timeout 300
	protocol TCP
	real_server 10.0.2.30 80 {
		weight 2
	}
	real_server 10.0.2.31 80 {
		weight 5
	}
}
virtual_server 192.0.2.11 53 {
	delay_loop 60
	lb_algo sh
	lb_kind DR
	protocol UDP
	real_server 10.0.2.32 53 {
		weight 1
	}
}
virtual_server fwmark 9 {
	delay_loop 60
	lb_algo lc
	lb_kind TUN
	real_server 10.0.2.33 0 {
		weight 3
	}
}
END
systemctl restart keepalived.service
# keepalived programs the table after it starts: wait for its last real
# server (bounded)
i=0
until ipvsadm -S -n | grep -q '^-a -f 9 -r 10.0.2.33'; do
	i=$((i + 1))
	[ $i -le 120 ] || { echo "keepalived did not program the table"; journalctl -u keepalived --no-pager -o cat; exit 1; }
	sleep 1
done
sec ours
ipvsadm -L -n
sec ref
# bookworm's has it in /sbin, trixie's in /usr/sbin; its libraries stay
# installed (apt removed only the package)
"$(ls /ref/sbin/ipvsadm /ref/usr/sbin/ipvsadm 2>/dev/null | head -n 1)" -L -n
`)
		b := res[0]
		st := strings.Split(b.section("status"), "\n")
		if !slices.Contains(st, "ii ipvsadm-go") || !slices.Contains(st, "ii keepalived") || slices.Contains(st, "ii ipvsadm") {
			t.Errorf("%s: after installing keepalived:\n%s\n%s", rel, b.section("status"), b.section("apt-keepalived"))
		}
		ours, ref := b.section("ours"), b.section("ref")
		if !strings.Contains(ref, "192.0.2.10:80 wrr persistent 300") || !strings.Contains(ref, "FWM  9 lc") {
			t.Fatalf("%s: keepalived's table (reference ipvsadm):\n%s", rel, ref)
		}
		if ours != ref {
			t.Errorf("%s: our ipvsadm -L -n:\n%s\nreference's:\n%s", rel, ours, ref)
		}
		t.Logf("%s: keepalived's table, ipvsadm -L -n:\n%s", rel, ours)
	})
}
