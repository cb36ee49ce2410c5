//go:build e2e

package e2e

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// help and version: ipvsadm 1.31 refuses both words; ours answers them
// with or without IPVS and root, and gives way where 1.31 acts on a line
// that starts with them (popt finds -h and -v anywhere).
func TestHelpVersion(t *testing.T) {
	relClean(t) // ip_vs loaded
	const nobody = 65534

	for _, args := range [][]string{{"help"}, {"version"}} {
		if ref := relExec(t, -1, "", append([]string{refBin}, args...)...); ref.status == 0 {
			t.Errorf("the reference accepts ipvsadm %s: %s", args[0], ref)
		}
	}
	for _, args := range [][]string{{"help", "-h"}, {"help", "--help"}, {"version", "-v"}, {"version", "--version"}} {
		ref := relExec(t, -1, "", append([]string{refBin}, args...)...)
		ours := relExec(t, -1, "", append([]string{oursBin}, args...)...)
		if ref != ours || ref.status != 0 {
			t.Errorf("ipvsadm %s:\nreference: %s\nours: %s", strings.Join(args, " "), ref, ours)
		}
	}

	// The kernel's version and table size, as -Ln's first line has them.
	head := regexp.MustCompile(`^IP Virtual Server version (\S+) \(size=(\d+)\)\n`).FindStringSubmatch(relMust(t, "", refBin, "-Ln"))
	if head == nil {
		t.Fatal("no version line in the reference's -Ln")
	}
	kernel := "kernel IPVS: " + head[1] + " (connection table size " + head[2] + ")\n"

	for _, tc := range []struct {
		uid    int
		kernel string
	}{
		{-1, kernel},
		{nobody, "kernel IPVS: not available (needs root)\n"},
	} {
		o := relExec(t, tc.uid, "", oursBin, "version")
		if o.status != 0 || o.stderr != "" || !strings.HasPrefix(o.stdout, "ipvsadm in Go ") ||
			!strings.HasSuffix(o.stdout, "\n"+tc.kernel) || strings.Count(o.stdout, "\n") != 4 {
			t.Errorf("version as uid %d: %s\nwant 4 lines, the last %q", tc.uid, o, tc.kernel)
		}
		if strings.HasPrefix(o.stdout, "ipvsadm in Go devel,") || strings.HasPrefix(o.stdout, "ipvsadm in Go unknown,") {
			t.Errorf("version as uid %d: make linked no version in: %q", tc.uid, o.stdout)
		}
		h := relExec(t, tc.uid, "", oursBin, "help")
		if h.status != 0 || h.stderr != "" || !strings.Contains(h.stdout, "\n  ipvsadm version [--json]  ") {
			t.Errorf("help as uid %d: %s", tc.uid, h)
		}
	}

	o := relExec(t, -1, "", oursBin, "version", "--json")
	var doc struct {
		Version string `json:"version"`
		Kernel  struct {
			Available bool   `json:"available"`
			Version   string `json:"version"`
			Size      int    `json:"conn_table_size"`
		} `json:"kernel_ipvs"`
	}
	if o.status != 0 || strings.Count(o.stdout, "\n") != 1 || json.Unmarshal([]byte(o.stdout), &doc) != nil ||
		!doc.Kernel.Available || doc.Kernel.Version != head[1] || doc.Version == "" {
		t.Errorf("version --json: %s", o)
	}
}
