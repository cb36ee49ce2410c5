package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// promtool is Debian's, unpacked by fetch-prometheus.sh; PROMTOOL (set
// by make unit) must name it, otherwise a missing one skips.
func promtool(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("PROMTOOL"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("PROMTOOL: %v", err)
		}
		return p
	}
	if p, err := filepath.Abs("../.cache/prometheus/usr/bin/promtool"); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("promtool"); err == nil {
		return p
	}
	t.Skip("no promtool (make deps fetches Debian's into .cache/prometheus)")
	return ""
}

// TestAlertRules runs the shipped rules' own tests.
func TestAlertRules(t *testing.T) {
	p := promtool(t)
	for _, args := range [][]string{{"check", "rules", "ipvs-alerts.yml"}, {"test", "rules", "ipvs-alerts_test.yml"}} {
		c := exec.Command(p, args...)
		c.Dir = "monitoring"
		if out, err := c.CombinedOutput(); err != nil || !strings.Contains(string(out), "SUCCESS") {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// Dashboard is the part of a Grafana dashboard the tests read.
type Dashboard struct {
	Templating struct {
		List []struct {
			Name, Query string
		}
	}
	Panels []struct {
		Title   string
		Targets []struct{ Expr string }
	}
}

// TestDashboard: every panel has queries, over ipvs_ metrics, using only
// the dashboard's own variables (the VM test runs each against a real
// Prometheus).
func TestDashboard(t *testing.T) {
	b, err := os.ReadFile("monitoring/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var d Dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	vars := map[string]bool{"__rate_interval": true}
	for _, v := range d.Templating.List {
		vars[v.Name] = true
	}
	if len(d.Panels) == 0 {
		t.Fatal("no panels")
	}
	for _, p := range d.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("%s: no queries", p.Title)
		}
		for _, q := range p.Targets {
			if !strings.Contains(q.Expr, "ipvs_") {
				t.Errorf("%s: %q reads no ipvs_ metric", p.Title, q.Expr)
			}
			for _, f := range strings.Split(q.Expr, "$")[1:] {
				n := strings.FieldsFunc(f, func(r rune) bool { return !(r == '_' || r >= 'a' && r <= 'z') })
				if len(n) == 0 || !vars[n[0]] {
					t.Errorf("%s: %q uses an unknown variable", p.Title, q.Expr)
				}
			}
		}
	}
}
