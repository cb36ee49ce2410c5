package collector

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/diagnose"
	"github.com/lvsgo/ipvsadm/internal/diagnose/diagnosetest"
	"github.com/lvsgo/ipvsadm/internal/ipvstest"
	"github.com/lvsgo/ipvsadm/ipvs"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// natWant is natKernel's table with natSys's checks, as a scrape must
// show it. The fwmark service's IPv6 real server has no route (doctor
// fails "route") and weight 0 (fails "weights"); the backup daemon is
// doctor's warning (no master here).
const natWant = `# HELP ipvs_up Whether the IPVS table could be read (1) or not (0) at this scrape.
# TYPE ipvs_up gauge
ipvs_up 1
# HELP ipvs_version_info The kernel's IPVS version, as ipvsadm -L's header shows it: always 1.
# TYPE ipvs_version_info gauge
ipvs_version_info{version="1.2.1"} 1
# HELP ipvs_connection_table_size Size of the kernel's IPVS connection hash table (ip_vs conn_tab_bits).
# TYPE ipvs_connection_table_size gauge
ipvs_connection_table_size 4096
# HELP ipvs_services Number of virtual services.
# TYPE ipvs_services gauge
ipvs_services 2
# HELP ipvs_service_info A virtual service and how it schedules: always 1.
# TYPE ipvs_service_info gauge
ipvs_service_info{service="TCP 172.16.1.143:80",family="inet",protocol="TCP",address="172.16.1.143",port="80",fwmark="",scheduler="wrr",flags="",pe=""} 1
ipvs_service_info{service="FWM 7 IPv6",family="inet6",protocol="",address="",port="",fwmark="7",scheduler="sh",flags="sh-fallback,sh-port",pe=""} 1
# HELP ipvs_service_persistence_timeout_seconds Persistence timeout of the service, 0 when it is not persistent.
# TYPE ipvs_service_persistence_timeout_seconds gauge
ipvs_service_persistence_timeout_seconds{service="TCP 172.16.1.143:80"} 0
ipvs_service_persistence_timeout_seconds{service="FWM 7 IPv6"} 300
# HELP ipvs_service_connections_total Connections scheduled to the service.
# TYPE ipvs_service_connections_total counter
ipvs_service_connections_total{service="TCP 172.16.1.143:80"} 12
ipvs_service_connections_total{service="FWM 7 IPv6"} 1
# HELP ipvs_service_incoming_packets_total Packets from clients to the service.
# TYPE ipvs_service_incoming_packets_total counter
ipvs_service_incoming_packets_total{service="TCP 172.16.1.143:80"} 72
ipvs_service_incoming_packets_total{service="FWM 7 IPv6"} 0
# HELP ipvs_service_outgoing_packets_total Packets from the service to clients through this host (NAT: all of them; DR and TUN: none).
# TYPE ipvs_service_outgoing_packets_total counter
ipvs_service_outgoing_packets_total{service="TCP 172.16.1.143:80"} 60
ipvs_service_outgoing_packets_total{service="FWM 7 IPv6"} 0
# HELP ipvs_service_incoming_bytes_total Bytes from clients to the service.
# TYPE ipvs_service_incoming_bytes_total counter
ipvs_service_incoming_bytes_total{service="TCP 172.16.1.143:80"} 4800
ipvs_service_incoming_bytes_total{service="FWM 7 IPv6"} 0
# HELP ipvs_service_outgoing_bytes_total Bytes from the service to clients through this host (NAT: all of them; DR and TUN: none).
# TYPE ipvs_service_outgoing_bytes_total counter
ipvs_service_outgoing_bytes_total{service="TCP 172.16.1.143:80"} 1099511627776
ipvs_service_outgoing_bytes_total{service="FWM 7 IPv6"} 0
# HELP ipvs_server_info A real server of a service and how it is reached: always 1.
# TYPE ipvs_server_info gauge
ipvs_server_info{service="TCP 172.16.1.143:80",server="192.168.1.11:80",forwarding="Masq",tunnel=""} 1
ipvs_server_info{service="TCP 172.16.1.143:80",server="192.168.1.12:80",forwarding="Masq",tunnel=""} 1
ipvs_server_info{service="FWM 7 IPv6",server="[2001:db8::11]:0",forwarding="Tunnel",tunnel="gue"} 1
# HELP ipvs_server_connections_total Connections scheduled to the real server.
# TYPE ipvs_server_connections_total counter
ipvs_server_connections_total{service="TCP 172.16.1.143:80",server="192.168.1.11:80"} 4
ipvs_server_connections_total{service="TCP 172.16.1.143:80",server="192.168.1.12:80"} 8
ipvs_server_connections_total{service="FWM 7 IPv6",server="[2001:db8::11]:0"} 1
# HELP ipvs_server_incoming_packets_total Packets from clients forwarded to the real server.
# TYPE ipvs_server_incoming_packets_total counter
ipvs_server_incoming_packets_total{service="TCP 172.16.1.143:80",server="192.168.1.11:80"} 24
ipvs_server_incoming_packets_total{service="TCP 172.16.1.143:80",server="192.168.1.12:80"} 48
ipvs_server_incoming_packets_total{service="FWM 7 IPv6",server="[2001:db8::11]:0"} 0
# HELP ipvs_server_outgoing_packets_total Packets from the real server to clients through this host.
# TYPE ipvs_server_outgoing_packets_total counter
ipvs_server_outgoing_packets_total{service="TCP 172.16.1.143:80",server="192.168.1.11:80"} 20
ipvs_server_outgoing_packets_total{service="TCP 172.16.1.143:80",server="192.168.1.12:80"} 40
ipvs_server_outgoing_packets_total{service="FWM 7 IPv6",server="[2001:db8::11]:0"} 0
# HELP ipvs_server_incoming_bytes_total Bytes from clients forwarded to the real server.
# TYPE ipvs_server_incoming_bytes_total counter
ipvs_server_incoming_bytes_total{service="TCP 172.16.1.143:80",server="192.168.1.11:80"} 1600
ipvs_server_incoming_bytes_total{service="TCP 172.16.1.143:80",server="192.168.1.12:80"} 3200
ipvs_server_incoming_bytes_total{service="FWM 7 IPv6",server="[2001:db8::11]:0"} 0
# HELP ipvs_server_outgoing_bytes_total Bytes from the real server to clients through this host.
# TYPE ipvs_server_outgoing_bytes_total counter
ipvs_server_outgoing_bytes_total{service="TCP 172.16.1.143:80",server="192.168.1.11:80"} 1000
ipvs_server_outgoing_bytes_total{service="TCP 172.16.1.143:80",server="192.168.1.12:80"} 1099511626776
ipvs_server_outgoing_bytes_total{service="FWM 7 IPv6",server="[2001:db8::11]:0"} 0
# HELP ipvs_server_active_connections Active connections of the real server (-L's ActiveConn).
# TYPE ipvs_server_active_connections gauge
ipvs_server_active_connections{service="TCP 172.16.1.143:80",server="192.168.1.11:80"} 0
ipvs_server_active_connections{service="TCP 172.16.1.143:80",server="192.168.1.12:80"} 1
ipvs_server_active_connections{service="FWM 7 IPv6",server="[2001:db8::11]:0"} 0
# HELP ipvs_server_inactive_connections Inactive connections of the real server (-L's InActConn).
# TYPE ipvs_server_inactive_connections gauge
ipvs_server_inactive_connections{service="TCP 172.16.1.143:80",server="192.168.1.11:80"} 4
ipvs_server_inactive_connections{service="TCP 172.16.1.143:80",server="192.168.1.12:80"} 7
ipvs_server_inactive_connections{service="FWM 7 IPv6",server="[2001:db8::11]:0"} 0
# HELP ipvs_server_persistent_connections Persistence templates of the real server (-L's PersistConn).
# TYPE ipvs_server_persistent_connections gauge
ipvs_server_persistent_connections{service="TCP 172.16.1.143:80",server="192.168.1.11:80"} 0
ipvs_server_persistent_connections{service="TCP 172.16.1.143:80",server="192.168.1.12:80"} 0
ipvs_server_persistent_connections{service="FWM 7 IPv6",server="[2001:db8::11]:0"} 1
# HELP ipvs_server_weight Weight of the real server; 0 takes no new connections.
# TYPE ipvs_server_weight gauge
ipvs_server_weight{service="TCP 172.16.1.143:80",server="192.168.1.11:80"} 1
ipvs_server_weight{service="TCP 172.16.1.143:80",server="192.168.1.12:80"} 2
ipvs_server_weight{service="FWM 7 IPv6",server="[2001:db8::11]:0"} 0
# HELP ipvs_server_upper_threshold Upper connection threshold of the real server (-x), 0 for none.
# TYPE ipvs_server_upper_threshold gauge
ipvs_server_upper_threshold{service="TCP 172.16.1.143:80",server="192.168.1.11:80"} 100
ipvs_server_upper_threshold{service="TCP 172.16.1.143:80",server="192.168.1.12:80"} 0
ipvs_server_upper_threshold{service="FWM 7 IPv6",server="[2001:db8::11]:0"} 0
# HELP ipvs_server_lower_threshold Lower connection threshold of the real server (-y), 0 for none.
# TYPE ipvs_server_lower_threshold gauge
ipvs_server_lower_threshold{service="TCP 172.16.1.143:80",server="192.168.1.11:80"} 10
ipvs_server_lower_threshold{service="TCP 172.16.1.143:80",server="192.168.1.12:80"} 0
ipvs_server_lower_threshold{service="FWM 7 IPv6",server="[2001:db8::11]:0"} 0
# HELP ipvs_sync_daemon_info A running connection synchronization daemon: always 1.
# TYPE ipvs_sync_daemon_info gauge
ipvs_sync_daemon_info{state="backup",interface="eth1",syncid="3"} 1
# HELP ipvs_sync_daemon_running Whether a connection synchronization daemon of the state runs (1) or not (0).
# TYPE ipvs_sync_daemon_running gauge
ipvs_sync_daemon_running{state="master"} 0
ipvs_sync_daemon_running{state="backup"} 1
`

const checksWant = `# HELP ipvs_check Whether doctor's check passed (1) or warned or failed (0); ipvsadm doctor says why.
# TYPE ipvs_check gauge
CHECKS# HELP ipvs_check_failed Whether doctor's check failed (1) rather than passed or warned (0).
# TYPE ipvs_check_failed gauge
FAILED# HELP ipvs_checks_probing Whether the checks send doctor's probes at each scrape (1) or not (0).
# TYPE ipvs_checks_probing gauge
ipvs_checks_probing PROBE
`

// natChecks is doctor's verdict on natKernel and natSys: check, service,
// server, passed, failed.
var natChecks = []struct {
	check, service, server string
	ok, failed             bool
}{
	{"sync-daemon", "", "", false, false},
	{"forwarding", "", "", true, false},
	{"vip-local", "TCP 172.16.1.143:80", "", true, false},
	{"scheduler", "TCP 172.16.1.143:80", "", true, false},
	{"weights", "TCP 172.16.1.143:80", "", true, false},
	{"thresholds", "TCP 172.16.1.143:80", "", true, false},
	{"route", "TCP 172.16.1.143:80", "192.168.1.11:80", true, false},
	{"nat-replies", "TCP 172.16.1.143:80", "192.168.1.11:80", true, false},
	{"route", "TCP 172.16.1.143:80", "192.168.1.12:80", true, false},
	{"nat-replies", "TCP 172.16.1.143:80", "192.168.1.12:80", true, false},
	{"scheduler", "FWM 7 IPv6", "", true, false},
	{"weights", "FWM 7 IPv6", "", false, true},
	{"route", "FWM 7 IPv6", "[2001:db8::11]:0", false, true},
	// --probe's TCP connects, both answered (natSys.Probe).
	{"listen", "TCP 172.16.1.143:80", "192.168.1.11:80", true, false},
	{"listen", "TCP 172.16.1.143:80", "192.168.1.12:80", true, false},
	// The connection table against GET_INFO's size (no conn_tab_bits,
	// no ip_vs_status in natSys): far from full.
	{"conn-table", "", "", true, false},
}

func b01(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// checksText is checksWant for natChecks, ordered as want (doctor's
// order); probe is ipvs_checks_probing.
func checksText(order []int, probe bool) string {
	var c, f strings.Builder
	for _, i := range order {
		k := natChecks[i]
		l := `{check="` + k.check + `",service="` + k.service + `",server="` + k.server + `"} `
		c.WriteString("ipvs_check" + l + b01(k.ok) + "\n")
		f.WriteString("ipvs_check_failed" + l + b01(k.failed) + "\n")
	}
	r := strings.NewReplacer("CHECKS", c.String(), "FAILED", f.String(), "PROBE", b01(probe))
	return r.Replace(checksWant)
}

func TestAppendText(t *testing.T) {
	for _, tc := range []struct {
		name   string
		kernel func() *ipvstest.Kernel
		open   error
		sys    bool
		probe  bool
		want   func(t *testing.T, got string) string
	}{
		{name: "table only", kernel: natKernel, want: func(*testing.T, string) string { return natWant }},
		{name: "empty table", kernel: func() *ipvstest.Kernel {
			return &ipvstest.Kernel{KernelInfo: ipvs.Info{Version: 0x010203, ConnTabSize: 1 << 20}}
		}, want: func(*testing.T, string) string {
			return `# HELP ipvs_up Whether the IPVS table could be read (1) or not (0) at this scrape.
# TYPE ipvs_up gauge
ipvs_up 1
# HELP ipvs_version_info The kernel's IPVS version, as ipvsadm -L's header shows it: always 1.
# TYPE ipvs_version_info gauge
ipvs_version_info{version="1.2.3"} 1
# HELP ipvs_connection_table_size Size of the kernel's IPVS connection hash table (ip_vs conn_tab_bits).
# TYPE ipvs_connection_table_size gauge
ipvs_connection_table_size 1048576
# HELP ipvs_services Number of virtual services.
# TYPE ipvs_services gauge
ipvs_services 0
` + emptyFamilies + `# HELP ipvs_sync_daemon_info A running connection synchronization daemon: always 1.
# TYPE ipvs_sync_daemon_info gauge
# HELP ipvs_sync_daemon_running Whether a connection synchronization daemon of the state runs (1) or not (0).
# TYPE ipvs_sync_daemon_running gauge
ipvs_sync_daemon_running{state="master"} 0
ipvs_sync_daemon_running{state="backup"} 0
`
		}},
		{name: "no ip_vs", kernel: natKernel, open: ipvs.ErrNotAvailable, sys: true, want: func(*testing.T, string) string {
			return "# HELP ipvs_up Whether the IPVS table could be read (1) or not (0) at this scrape.\n# TYPE ipvs_up gauge\nipvs_up 0\n"
		}},
		{name: "not root", kernel: natKernel, open: &ipvs.OpenError{Errno: syscall.EPERM}, want: func(*testing.T, string) string {
			return "# HELP ipvs_up Whether the IPVS table could be read (1) or not (0) at this scrape.\n# TYPE ipvs_up gauge\nipvs_up 0\n"
		}},
		{name: "dump fails", kernel: func() *ipvstest.Kernel {
			k := natKernel()
			k.Fail = map[string]*ipvstest.Failure{"GET_DEST": {Errno: syscall.EINVAL}}
			return k
		}, want: func(*testing.T, string) string {
			return "# HELP ipvs_up Whether the IPVS table could be read (1) or not (0) at this scrape.\n# TYPE ipvs_up gauge\nipvs_up 0\n"
		}},
		{name: "checks", kernel: natKernel, sys: true, want: func(t *testing.T, got string) string {
			// The services in doctor's order (fwmark after address
			// services), then the checks in doctor's order.
			return natWant + checksText([]int{0, 1, 15, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, false)
		}},
		{name: "probes", kernel: natKernel, sys: true, probe: true, want: func(t *testing.T, got string) string {
			// Each real server's listen check after its others.
			return natWant + checksText([]int{0, 1, 15, 2, 3, 4, 5, 6, 7, 13, 8, 9, 14, 10, 11, 12}, true)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := tc.kernel()
			cfg := Config{Open: func() (ipvs.API, error) {
				if tc.open != nil {
					return nil, tc.open
				}
				return k, nil
			}, Probe: tc.probe}
			var sys *diagnosetest.System
			if tc.sys {
				sys = natSys()
				cfg.Sys = sys
			}
			s := Read(cfg)
			got := string(s.AppendText(nil))
			if want := tc.want(t, got); got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
			for _, c := range k.Calls {
				if !strings.HasPrefix(c, "GET_") {
					t.Errorf("a scrape asked the kernel for %s", c)
				}
			}
			if sys != nil && slices.Contains(sys.Calls, "probe") != tc.probe {
				t.Errorf("probed: %v, probe %v", sys.Calls, tc.probe)
			}
			parses(t, got)
			promtoolCheck(t, got)
		})
	}
}

// emptyFamilies is every per-service and per-server family's header.
var emptyFamilies = func() string {
	var b []byte
	b = header(b, "service_info", "gauge", "A virtual service and how it schedules: always 1.")
	for _, f := range serviceFamilies {
		b = header(b, f.name, f.typ, f.help)
	}
	b = header(b, "server_info", "gauge", "A real server of a service and how it is reached: always 1.")
	for _, f := range destFamilies {
		b = header(b, f.name, f.typ, f.help)
	}
	return string(b)
}()

func TestLabelEscaping(t *testing.T) {
	s := Snapshot{Up: true, Daemons: []ipvs.Daemon{{State: ipvs.StateMaster, McastIfn: `a"b\c` + "\n", SyncID: 1}}}
	got := string(s.AppendText(nil))
	if want := `ipvs_sync_daemon_info{state="master",interface="a\"b\\c\n",syncid="1"} 1` + "\n"; !strings.Contains(got, want) {
		t.Errorf("no %q in\n%s", want, got)
	}
	parses(t, got)
}

// parses checks that Prometheus' own parser reads text, with every
// sample's value what the text says.
func parses(t *testing.T, text string) {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("expfmt: %v", err)
	}
	n := 0
	for _, mf := range mfs {
		n += len(mf.Metric)
	}
	if want := strings.Count(text, "\n") - 2*strings.Count(text, "# HELP "); n != want {
		t.Errorf("%d samples parsed, %d lines of samples", n, want)
	}
}

// promtool is Debian's (make deps fetches it into .cache/prometheus, see
// exporter/fetch-prometheus.sh); PROMTOOL names it. When PROMTOOL is set
// (make unit sets it) it must be there; otherwise a missing one skips.
func promtool(t *testing.T) string {
	t.Helper()
	p := os.Getenv("PROMTOOL")
	if p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("PROMTOOL: %v", err)
		}
		return p
	}
	for _, c := range []string{"../../.cache/prometheus/usr/bin/promtool", "../.cache/prometheus/usr/bin/promtool"} {
		if _, err := os.Stat(c); err == nil {
			p, _ := filepath.Abs(c)
			return p
		}
	}
	if p, err := exec.LookPath("promtool"); err == nil {
		return p
	}
	t.Skip("no promtool (make deps fetches Debian's into .cache/prometheus)")
	return ""
}

// promtoolCheck runs promtool check metrics (Prometheus' linter) on text.
func promtoolCheck(t *testing.T, text string) {
	t.Helper()
	c := exec.Command(promtool(t), "check", "metrics")
	c.Stdin = strings.NewReader(text)
	out, err := c.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	if err != nil || len(out) != 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

// A subject's worst finding counts, also when its findings are not
// together; subjects keep the order of their first finding.
func TestAppendChecksWorst(t *testing.T) {
	f := func(check, server string, st diagnose.Status) diagnose.Finding {
		return diagnose.Finding{Check: check, Service: "TCP 10.0.0.1:80", Server: server, Status: st}
	}
	got := string(appendChecks(nil, []diagnose.Finding{
		f("route", "a", diagnose.OK), f("route", "b", diagnose.Warn), f("route", "a", diagnose.Fail),
		f("route", "a", diagnose.OK), f("listen", "b", diagnose.OK), f("route", "b", diagnose.OK),
	}, false))
	var lines []string
	for _, l := range strings.Split(got, "\n") {
		if strings.HasPrefix(l, "ipvs_check") && !strings.HasPrefix(l, "ipvs_checks_probing") {
			lines = append(lines, strings.Replace(l, `service="TCP 10.0.0.1:80",`, "", 1))
		}
	}
	want := []string{
		`ipvs_check{check="route",server="a"} 0`,
		`ipvs_check{check="route",server="b"} 0`,
		`ipvs_check{check="listen",server="b"} 1`,
		`ipvs_check_failed{check="route",server="a"} 1`,
		`ipvs_check_failed{check="route",server="b"} 0`,
		`ipvs_check_failed{check="listen",server="b"} 0`,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}
