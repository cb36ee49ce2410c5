package main

import (
	"bytes"
	"io"
	"log/slog"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/exporter/collector"
	"github.com/lvsgo/ipvsadm/internal/ipvstest"
	"github.com/lvsgo/ipvsadm/ipvs"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

func TestHandler(t *testing.T) {
	k := &ipvstest.Kernel{KernelInfo: ipvs.Info{Version: 0x010201, ConnTabSize: 4096}}
	scrapes := make(chan chan collector.Snapshot)
	go func() {
		for reply := range scrapes {
			reply <- collector.Read(collector.Config{Open: func() (ipvs.API, error) { return k, nil }})
		}
	}()
	defer close(scrapes)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector())
	h := &handler{scrapes: scrapes, self: reg, logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	body := w.Body.String()
	if ct := w.Header().Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if !strings.HasPrefix(body, "# HELP ipvs_up ") || !strings.Contains(body, "\nipvs_up 1\n") ||
		!strings.Contains(body, "\n# TYPE go_goroutines gauge\n") {
		t.Errorf("body:\n%s", body)
	}
	// The whole page passes Prometheus' linter.
	c := exec.Command(promtool(t), "check", "metrics")
	c.Stdin = strings.NewReader(body)
	if out, err := c.CombinedOutput(); err != nil || len(out) != 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		status int
		stdout string
		stderr string
	}{
		{[]string{"--bogus"}, 2, "", "ipvs_exporter: unknown long flag '--bogus' (see ipvs_exporter --help)\n"},
		{[]string{"--netns="}, 2, "", "ipvs_exporter: --netns: no namespace name given (see ipvs_exporter --help)\n"},
		{[]string{"--netns", "a/b"}, 2, "", "ipvs_exporter: --netns: \"a/b\": not a namespace name (a name under /run/netns)\n"},
		{[]string{"--no-collector.checks", "--collector.checks.probe"}, 2, "",
			"ipvs_exporter: --collector.checks.probe needs the checks (drop --no-collector.checks)\n"},
		{[]string{"--help"}, 0, "usage: ipvs_exporter [<flags>]\n", ""},
	} {
		var out, errb bytes.Buffer
		st := run(tc.args, &out, &errb)
		if st != tc.status || !strings.HasPrefix(out.String(), tc.stdout) || errb.String() != tc.stderr {
			t.Errorf("%q: status %d\nstdout %q\nstderr %q", tc.args, st, out.String(), errb.String())
		}
	}
}
