//go:build e2e

package e2e

// ipvs_exporter against the real kernel, scraped by a real Prometheus
// (Debian's, run from the 9p share) while the NAT lab carries traffic at
// wrr 1:2: the counters Prometheus stored split 1:2, the shipped rules
// load, and every query of the shipped Grafana dashboard returns data.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var (
	exporterBin   = envOr("IPVS_EXPORTER", "/host/ipvs_exporter")
	prometheusBin = envOr("PROMETHEUS", "/host/.cache/prometheus/usr/bin/prometheus")
	monitoringDir = envOr("IPVS_MONITORING", "/host/exporter/monitoring")
)

const (
	exporterAddr = "127.0.0.1:9946"
	promAddr     = "127.0.0.1:9090"
	// The exporter's basic auth: user prom, password lab-secret (bcrypt,
	// cost 4).
	webUser   = "prom"
	webPass   = "lab-secret"
	webBcrypt = "$2a$04$y7YZAXZNfvMtnp/lA2YQBOtYtM2tjEgTkbjYCZNJ92hW9uCFI5Gj6"
)

// startDaemon starts argv in the background, stopped and reaped at the
// end of the test; its output goes to log.
func startDaemon(t *testing.T, log *os.File, argv ...string) {
	t.Helper()
	c := exec.Command(argv[0], argv[1:]...)
	c.Stdout, c.Stderr = log, log
	if err := c.Start(); err != nil {
		t.Fatalf("%s: %v", argv[0], err)
	}
	t.Cleanup(func() {
		c.Process.Kill()
		c.Wait()
	})
}

// poll calls f until it says done, at most bound; f's last complaint is
// the failure.
func poll(t *testing.T, what string, bound time.Duration, f func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for {
		ok, why := f()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v: %s", what, bound, why)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func get(user, pass, u string) (int, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

type promSample struct {
	Metric map[string]string
	Value  float64
}

// promQuery evaluates expr at time at (zero: now) through Prometheus'
// HTTP API.
func promQuery(expr string, at float64) ([]promSample, error) {
	q := url.Values{"query": {expr}}
	if at != 0 {
		q.Set("time", strconv.FormatFloat(at, 'f', 3, 64))
	}
	st, body, err := get("", "", "http://"+promAddr+"/api/v1/query?"+q.Encode())
	if err != nil {
		return nil, err
	}
	var r struct {
		Status string
		Error  string
		Data   struct {
			Result []struct {
				Metric map[string]string
				Value  [2]any
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil || r.Status != "success" {
		return nil, fmt.Errorf("query %q: HTTP %d %v %s", expr, st, err, body)
	}
	var out []promSample
	for _, s := range r.Data.Result {
		vs, _ := s.Value[1].(string)
		v, err := strconv.ParseFloat(vs, 64)
		if err != nil {
			return nil, fmt.Errorf("query %q: value %q", expr, vs)
		}
		out = append(out, promSample{s.Metric, v})
	}
	return out, nil
}

func TestExporterPrometheus(t *testing.T) {
	for _, p := range []string{exporterBin, prometheusBin} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%v (make build; exporter/fetch-prometheus.sh)", err)
		}
	}
	svc := natService(t, "wrr")
	svcLabel := "TCP " + svc
	if r := execute(exec.Command(ipCmd, "link", "set", "lo", "up"), ""); r.status != 0 {
		t.Fatalf("lo up: %v", r)
	}
	dir := t.TempDir()
	webConf := filepath.Join(dir, "web.yml")
	promConf := filepath.Join(dir, "prometheus.yml")
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(webConf, "basic_auth_users:\n  "+webUser+": "+webBcrypt+"\n")
	write(promConf, `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - `+monitoringDir+`/ipvs-alerts.yml
scrape_configs:
  - job_name: ipvs
    basic_auth:
      username: `+webUser+`
      password: `+webPass+`
    static_configs:
      - targets: ['`+exporterAddr+`']
`)
	log, err := os.Create(filepath.Join(dir, "log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(log.Name())
			t.Logf("exporter and prometheus output:\n%s", b)
		}
	})

	// The exporter reads lab-dir's table and listens here, in the root
	// namespace, behind basic auth.
	startDaemon(t, log, exporterBin, "--netns", "lab-dir", "--web.listen-address="+exporterAddr,
		"--web.config.file="+webConf)
	var page string
	poll(t, "the exporter answers", time.Minute, func() (bool, string) {
		st, body, err := get(webUser, webPass, "http://"+exporterAddr+"/metrics")
		page = body
		return err == nil && st == 200, fmt.Sprintf("HTTP %d %v", st, err)
	})
	for _, want := range []string{"\nipvs_up 1\n", `ipvs_service_info{service="` + svcLabel + `",family="inet",protocol="TCP",address="172.16.1.143",port="80",fwmark="",scheduler="wrr",flags="",pe=""} 1`,
		`ipvs_server_weight{service="` + svcLabel + `",server="192.168.1.12:80"} 2`, "\n# TYPE go_goroutines gauge\n"} {
		if !strings.Contains(page, want) {
			t.Errorf("no %q in the page:\n%s", want, page)
		}
	}
	if st, _, err := get("", "", "http://"+exporterAddr+"/metrics"); err != nil || st != http.StatusUnauthorized {
		t.Errorf("without credentials: HTTP %d %v, want 401", st, err)
	}
	if st, _, err := get(webUser, "wrong", "http://"+exporterAddr+"/metrics"); err != nil || st != http.StatusUnauthorized {
		t.Errorf("wrong password: HTTP %d %v, want 401", st, err)
	}

	storage := filepath.Join(dir, "data")
	startDaemon(t, log, prometheusBin, "--config.file="+promConf, "--storage.tsdb.path="+storage,
		"--web.listen-address="+promAddr)
	poll(t, "Prometheus is ready", 3*time.Minute, func() (bool, string) {
		st, body, err := get("", "", "http://"+promAddr+"/-/ready")
		return err == nil && st == 200, fmt.Sprintf("HTTP %d %v %s", st, err, body)
	})

	// Traffic until Prometheus has stored at least 15 connections (at T1),
	// then 30 more (at T2).
	conns := `ipvs_server_connections_total{service="` + svcLabel + `"}`
	total := func(at float64) (float64, int) {
		ss, err := promQuery("sum("+conns+")", at)
		if err != nil || len(ss) != 1 {
			return -1, 0
		}
		return ss[0].Value, len(ss)
	}
	trafficUntil := func(min float64) (at, v float64) {
		start := time.Now()
		for n := 0; ; n++ {
			httpGet(t, natVIP)
			now := float64(time.Now().UnixMilli()) / 1000
			if v, _ := total(now); v >= min {
				t.Logf("%d requests in %v: Prometheus has %v connections", n+1, time.Since(start).Round(time.Millisecond), v)
				return now, v
			}
			if time.Since(start) > 5*time.Minute {
				t.Fatalf("Prometheus has %v connections after %d requests", v, n+1)
			}
		}
	}
	t1, v1 := trafficUntil(15)
	t2, v2 := trafficUntil(v1 + 30)

	// Prometheus' counters at one instant are the kernel's exact
	// counts: once traffic stops, what ipvsadm 1.31 shows.
	ref := mustNS(t, "lab-dir", refBin, "-L", "-n", "--stats", "--exact", "-t", svc)
	want := map[string]float64{}
	for _, m := range regexp.MustCompile(`(?m)^  -> (\S+) +(\d+)`).FindAllStringSubmatch(ref, -1) {
		want[m[1]], _ = strconv.ParseFloat(m[2], 64)
	}
	if len(want) != 2 {
		t.Fatalf("ipvsadm -L --stats:\n%s", ref)
	}
	poll(t, "Prometheus has the kernel's counters", time.Minute, func() (bool, string) {
		ss, err := promQuery(conns, 0)
		if err != nil || len(ss) != 2 {
			return false, fmt.Sprint(ss, err)
		}
		for _, s := range ss {
			if want[s.Metric["server"]] != s.Value {
				return false, fmt.Sprintf("%v, the kernel's %v", ss, want)
			}
		}
		return true, ""
	})

	// The split, in PromQL: each real server's share of the service's
	// connections, all of them (at one instant) and those between T1
	// and T2 (the counters' increase over that range); wrr at 1:2 is
	// exact up to one period of 3, whatever the timing.
	weights := map[string]float64{"192.168.1.11:80": 1.0 / 3, "192.168.1.12:80": 2.0 / 3}
	for _, q := range []struct {
		what, share, k string
		at             float64
	}{
		{"all connections", conns + ` / on (service) group_left sum by (service) (` + conns + `)`, "sum(" + conns + ")", 0},
		{"connections from T1 to T2",
			fmt.Sprintf(`(%[1]s - %[1]s offset %[2]dms) / on (service) group_left sum by (service) (%[1]s - %[1]s offset %[2]dms)`, conns, int64((t2-t1)*1000)),
			fmt.Sprintf(`sum(%[1]s - %[1]s offset %[2]dms)`, conns, int64((t2-t1)*1000)), t2},
	} {
		ks, err := promQuery(q.k, q.at)
		if err != nil || len(ks) != 1 {
			t.Fatalf("%s: %v %v", q.what, ks, err)
		}
		k := ks[0].Value
		if k < 12 {
			t.Fatalf("%s: %v connections, too few to measure shares", q.what, k)
		}
		ss, err := promQuery(q.share, q.at)
		if err != nil || len(ss) != 2 {
			t.Fatalf("%s: %v %v", q.what, ss, err)
		}
		for _, s := range ss {
			wrrShare(t, q.what+" "+s.Metric["server"], s.Value, weights[s.Metric["server"]], k, 1e-9)
		}
		t.Logf("%s (%v): %v", q.what, k, ss)
	}
	_ = v2

	// doctor's checks came along; the lab's VIP is local.
	if ss, err := promQuery(`ipvs_check{check="vip-local",service="`+svcLabel+`"}`, 0); err != nil || len(ss) != 1 || ss[0].Value != 1 {
		t.Errorf("vip-local check: %v %v", ss, err)
	}

	// The shipped rules load and evaluate.
	poll(t, "the rules are evaluated", time.Minute, func() (bool, string) {
		_, body, err := get("", "", "http://"+promAddr+"/api/v1/rules")
		if err != nil {
			return false, err.Error()
		}
		var r struct {
			Data struct {
				Groups []struct {
					Rules []struct {
						Name, Health, LastError string
					}
				}
			}
		}
		json.Unmarshal([]byte(body), &r)
		n := 0
		for _, g := range r.Data.Groups {
			for _, rule := range g.Rules {
				if rule.Health != "ok" {
					return false, fmt.Sprintf("%s: %s %s", rule.Name, rule.Health, rule.LastError)
				}
				n++
			}
		}
		return n == 5, body
	})

	// Every query of the dashboard, its variables as "All", returns data.
	b, err := os.ReadFile(filepath.Join(monitoringDir, "grafana-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Templating struct {
			List []struct{ Name, Query string }
		}
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	vars := strings.NewReplacer("$__rate_interval", "1m", "$instance", ".+", "$service", ".+")
	var exprs []string
	for _, v := range d.Templating.List {
		// label_values(METRIC{...}, LABEL): METRIC has the label.
		if m := regexp.MustCompile(`^label_values\((.*), (\w+)\)$`).FindStringSubmatch(v.Query); m != nil {
			exprs = append(exprs, "count by ("+m[2]+") ("+m[1]+")")
		}
	}
	for _, p := range d.Panels {
		for _, q := range p.Targets {
			exprs = append(exprs, q.Expr)
		}
	}
	for _, e := range exprs {
		e = vars.Replace(e)
		poll(t, "dashboard query "+e, time.Minute, func() (bool, string) {
			ss, err := promQuery(e, 0)
			return err == nil && len(ss) > 0, fmt.Sprint(ss, err)
		})
	}
	t.Logf("%d dashboard queries return data", len(exprs))
}
