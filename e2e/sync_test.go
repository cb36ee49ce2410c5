//go:build e2e

package e2e

// The connection synchronisation daemon: two directors in separate
// namespaces (lab-dir master, lab-dir2 backup, same syncid) joined by the
// link sync0. After client traffic through the master, the backup's
// connection table holds the same connections.

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestLabSync(t *testing.T) {
	labUp(t, "sync")
	svc := natVIP + ":80"
	director(t, "lab-dir", "-A", "-t", svc, "-s", "rr")
	director(t, "lab-dir", "-a", "-t", svc, "-r", "192.168.1.11:80", "-m")
	director(t, "lab-dir", "-a", "-t", svc, "-r", "192.168.1.12:80", "-m")
	director(t, "lab-dir", "--start-daemon", "master", "--mcast-interface", "sync0", "--syncid", "7")
	director(t, "lab-dir2", "--start-daemon", "backup", "--mcast-interface", "sync0", "--syncid", "7")
	t.Cleanup(func() {
		inNS("lab-dir", "", labIpvsadm, "--stop-daemon", "master")
		inNS("lab-dir2", "", labIpvsadm, "--stop-daemon", "backup")
	})
	for _, c := range []struct{ ns, want string }{
		{"lab-dir", "master sync daemon (mcast=sync0, syncid=7,"},
		{"lab-dir2", "backup sync daemon (mcast=sync0, syncid=7,"},
	} {
		if out := director(t, c.ns, "-L", "--daemon"); !strings.Contains(out, c.want) {
			t.Fatalf("[%s] -L --daemon:\n%s\nwant %q", c.ns, out, c.want)
		}
	}
	if cs := parseConns(director(t, "lab-dir2", "-L", "-c", "-n")); len(cs) != 0 {
		t.Fatalf("backup has connections before any traffic: %v", cs)
	}

	got := requests(t, natVIP, 4)
	if count(got, "rs1") != 2 || count(got, "rs2") != 2 {
		t.Fatalf("requests went to %q, want 2 to each", got)
	}
	master := parseConns(director(t, "lab-dir", "-L", "-c", "-n"))
	if len(master) != 4 {
		t.Fatalf("master has %d connections, want 4: %v", len(master), master)
	}

	// The master sends what it has gathered at least every couple of
	// seconds; poll the backup until every master connection is there.
	var out string
	eventually(t, 20*time.Second, func() string {
		out = director(t, "lab-dir2", "-L", "-c", "-n")
		backup := parseConns(out)
		for _, m := range master {
			found := false
			for _, b := range backup {
				if b.proto == m.proto && b.src == m.src && b.vip == m.vip && b.dst == m.dst {
					found = true
				}
			}
			if !found {
				return fmt.Sprintf("backup lacks %+v; backup -L -c -n:\n%s", m, out)
			}
		}
		return ""
	})
	t.Logf("backup -L -c -n:\n%s", out)
	sameAsRef(t, "lab-dir2", out, "-L", "-c", "-n")
}
