package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// The read-only front ends on the same table, each against one -Ln of
// the reference (the reference column): a Prometheus scrape of
// ipvs_exporter (the HTTP request alone, the exporter already running;
// doctor's checks included as by default, and without them), a frame of ipvsadm top
// (--batch 1 --interval 0.1: two reads of the table and the frame) and
// ipvsadm doctor without probes.

const exporterAddr = "127.0.0.1:9946"

func frontRows() []*row {
	return []*row{
		{name: "exporter scrape", goal: 1.3, base: "ref -Ln"},
		{name: "scrape, no checks", goal: 1.3, base: "ref -Ln"},
		{name: "top frame", goal: 1.3, base: "ref -Ln"},
		{name: "doctor", goal: 2.0, base: "ref -Ln"},
	}
}

// frontRound loads the table (through the reference) in a fresh namespace
// and times each row once, the reference's -Ln first.
func (s *suite) frontRound(rows []*row) error {
	if err := s.fresh(); err != nil {
		return err
	}
	res, err := run(s.ref, s.ns, s.dir, []string{"-R"}, filepath.Join(work, "rules"), false, false)
	if err != nil || res.status != 0 {
		return fmt.Errorf("loading the rules: %v status %d %s", err, res.status, res.stderr)
	}
	sampleOf := func(r result) sample { return sample{wall: r.wall, user: r.user, sys: r.sys} }
	settle()
	ln, err := run(s.ref, s.ns, s.dir, []string{"-Ln"}, "", false, false)
	if err != nil || ln.status != 0 {
		return fmt.Errorf("ref -Ln: %v status %d", err, ln.status)
	}
	for _, r := range rows {
		r.ref = append(r.ref, sampleOf(ln))
	}

	for i, args := range [][]string{nil, {"--no-collector.checks"}} {
		scrape, err := s.scrape(args...)
		if err != nil {
			return err
		}
		rows[i].ours = append(rows[i].ours, sample{wall: scrape})
	}

	settle()
	top, err := run(s.ours, s.ns, s.dir, []string{"top", "--batch", "1", "--interval", "0.1", "-n"}, "", false, false)
	if err != nil || top.status != 0 || !bytes.HasPrefix(top.stdout, []byte("ipvsadm top - ")) {
		return fmt.Errorf("top: %v status %d %s", err, top.status, top.stderr)
	}
	rows[2].ours = append(rows[2].ours, sampleOf(top))

	settle()
	doc, err := run(s.ours, s.ns, s.dir, []string{"doctor"}, "", false, false)
	// 1: a check failed (the bench's real servers do not exist), which
	// is doctor working.
	if err != nil || doc.status > 1 || len(doc.stdout) == 0 {
		return fmt.Errorf("doctor: %v status %d %s", err, doc.status, doc.stderr)
	}
	rows[3].ours = append(rows[3].ours, sampleOf(doc))
	return nil
}

// scrape starts ipvs_exporter on the namespace's table, waits until it
// answers, and times one GET /metrics; it checks that every real server
// is there.
func (s *suite) scrape(args ...string) (time.Duration, error) {
	if out, err := exec.Command("/sbin/ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
		return 0, fmt.Errorf("lo up: %v %s", err, out)
	}
	c := exec.Command(s.c.exporter, append([]string{"--netns", s.ns.name, "--web.listen-address=" + exporterAddr}, args...)...)
	log, err := os.Create(filepath.Join(s.dir, "exporter.log"))
	if err != nil {
		return 0, err
	}
	defer log.Close()
	c.Stdout, c.Stderr = log, log
	if err := c.Start(); err != nil {
		return 0, err
	}
	defer func() { c.Process.Kill(); c.Wait() }()
	client := &http.Client{Timeout: 10 * time.Minute}
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := client.Get("http://" + exporterAddr + "/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("the exporter does not answer: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	settle()
	start := time.Now()
	resp, err := client.Get("http://" + exporterAddr + "/metrics")
	if err != nil {
		return 0, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	wall := time.Since(start)
	if err != nil || resp.StatusCode != 200 {
		return 0, fmt.Errorf("scrape: HTTP %d %v", resp.StatusCode, err)
	}
	if n := bytes.Count(body, []byte("\nipvs_server_weight{")); !bytes.Contains(body, []byte("\nipvs_up 1\n")) || n != s.t.services*s.t.reals {
		return 0, fmt.Errorf("scrape: %d real servers, want %d", n, s.t.services*s.t.reals)
	}
	if s.c.verbose {
		fmt.Printf("  ours scrape %8.3fs %d bytes\n", wall.Seconds(), len(body))
	}
	return wall, nil
}
