//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestDoctorConnTable: doctor reports the kernel's connection table as
// the kernel has it: on 7.x the resizable tables of /proc/net/ip_vs_status
// (the buckets it lists, the lfactor sysctls), before it the fixed table
// of 2^conn_tab_bits buckets, the size -L's header shows.
func TestDoctorConnTable(t *testing.T) {
	t.Cleanup(func() { exec.Command(refBin, "-C").Run() })
	if r := execute(exec.Command(refBin, "-A", "-t", "10.0.0.1:80", "-s", "rr"), ""); r.status != 0 {
		t.Fatalf("ref -A: %s", r)
	}
	r := execute(exec.Command(oursBin, "doctor", "--json"), "")
	var rep doctorReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("doctor --json: %v\n%s", err, r)
	}
	var got []finding
	for _, f := range rep.Findings {
		if f.Check == "conn-table" {
			got = append(got, f)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%d conn-table findings in %+v", len(got), rep.Findings)
	}
	f := got[0]
	t.Logf("conn-table: %s: %s", f.Status, f.Message)
	if f.Status != "ok" {
		t.Errorf("status %s, want ok (an empty table)", f.Status)
	}
	status, err := os.ReadFile("/proc/net/ip_vs_status")
	if err == nil {
		m := regexp.MustCompile(`(?m)^Conn buckets:\t(\d+) \((\d+) bits, lfactor (-?\d+)\)$`).FindStringSubmatch(string(status))
		if m == nil {
			t.Fatalf("no Conn buckets line in /proc/net/ip_vs_status:\n%s", status)
		}
		lf, err := os.ReadFile("/proc/sys/net/ipv4/vs/conn_lfactor")
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("connections in %s buckets (2^%s, lfactor %s), net.ipv4.vs.conn_lfactor %s",
			m[1], m[2], m[3], strings.TrimSpace(string(lf)))
		if !strings.HasPrefix(f.Message, "resizable hash tables (/proc/net/ip_vs_status): ") ||
			!strings.Contains(f.Message, want) || !strings.Contains(f.Message, "1 services in ") {
			t.Errorf("message %q, want one with %q and 1 services", f.Message, want)
		}
		return
	}
	bits, err := os.ReadFile("/sys/module/ip_vs/parameters/conn_tab_bits")
	if err != nil {
		t.Fatalf("neither /proc/net/ip_vs_status nor conn_tab_bits: %v", err)
	}
	head := regexp.MustCompile(`\(size=(\d+)\)`).FindStringSubmatch(relMust(t, "", refBin, "-Ln"))
	if head == nil {
		t.Fatal("no size= in the reference's -Ln")
	}
	want := fmt.Sprintf("entries in a fixed table of %s buckets (ip_vs conn_tab_bits=%s)", head[1], strings.TrimSpace(string(bits)))
	if !strings.Contains(f.Message, want) {
		t.Errorf("message %q, want one with %q", f.Message, want)
	}
}
