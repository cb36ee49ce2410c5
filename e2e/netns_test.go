//go:build e2e

package e2e

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// --netns NAME: ours run with it must do in the namespace exactly what the
// reference does under `ip netns exec NAME`, and leave the root namespace
// alone.

func netnsAdd(t *testing.T, name string) {
	t.Helper()
	relMust(t, "", "/sbin/ip", "netns", "add", name)
	t.Cleanup(func() { exec.Command("/sbin/ip", "netns", "del", name).Run() })
	for _, args := range [][]string{
		{"link", "set", "lo", "up"},
		{"link", "add", "nsd0", "type", "dummy"},
		{"link", "set", "nsd0", "up"},
		{"addr", "add", "10.50.0.254/24", "dev", "nsd0"},
	} {
		relMust(t, "", append([]string{"/sbin/ip", "-n", name}, args...)...)
	}
}

func TestNetns(t *testing.T) {
	relClean(t)
	rootBefore := relMust(t, "", refBin, "-Sn")
	netnsAdd(t, "relref")
	netnsAdd(t, "relours")
	steps := []struct {
		args  []string
		stdin string
	}{
		{args: []string{"-A", "-u", "10.50.0.1:53", "-s", "rr"}},
		{args: []string{"-a", "-u", "10.50.0.1:53", "-r", "10.50.0.2", "-m", "-w", "3"}},
		{args: []string{"-A", "-u", "10.50.0.1:53"}}, // exists: an error
		{args: []string{"-R"}, stdin: "-A -t 10.50.0.1:80 -s wlc -p 60\n-a -t 10.50.0.1:80 -r 10.50.0.3 -g\n-d -t 10.50.0.1:80 -r 10.50.0.9\n"},
		{args: []string{"-Ln"}},
		{args: []string{"-Sn"}},
		{args: []string{"-Ln", "--stats"}},
		{args: []string{"--set", "100", "20", "30"}},
		{args: []string{"-L", "--timeout"}},
		{args: []string{"-Lnc"}},
		{args: []string{"-Z"}},
		{args: []string{"-E", "-t", "10.50.0.1:80", "-s", "sh"}},
		{args: []string{"-D", "-t", "10.50.0.1:81"}},
		{args: []string{}},
	}
	for _, st := range steps {
		ref := relExec(t, -1, st.stdin, append([]string{"/sbin/ip", "netns", "exec", "relref", refBin}, st.args...)...)
		ours := relExec(t, -1, st.stdin, append([]string{oursBin, "--netns", "relours"}, st.args...)...)
		if ref != ours {
			t.Errorf("ipvsadm %s:\nreference (ip netns exec): %s\nours (--netns): %s", strings.Join(st.args, " "), ref, ours)
		}
	}
	refTab := relMust(t, "", "/sbin/ip", "netns", "exec", "relref", refBin, "-Sn")
	oursTab := relMust(t, "", "/sbin/ip", "netns", "exec", "relours", refBin, "-Sn")
	if refTab != oursTab || !strings.Contains(oursTab, "-A -t 10.50.0.1:80 -s sh") {
		t.Errorf("namespace tables differ:\nreference:\n%s\nours:\n%s", refTab, oursTab)
	}
	if got := relMust(t, "", refBin, "-Sn"); got != rootBefore {
		t.Errorf("the root namespace's table changed:\n%s", got)
	}

	// -L -c reads the namespace's /proc/net/ip_vs_conn: traffic inside
	// relours shows there and not in the root namespace.
	relMust(t, "", "/sbin/ip", "netns", "exec", "relours", "sh", "-c", "nc -w 1 10.50.0.1 80 </dev/null || true")
	// Expiry counts down between the two listings: mask it.
	expiry := regexp.MustCompile(`(?m)^(\S+ +)\d\d:\d\d `)
	conns := expiry.ReplaceAllString(relMust(t, "", oursBin, "--netns", "relours", "-Lnc"), "${1}MM:SS ")
	refConns := expiry.ReplaceAllString(relMust(t, "", "/sbin/ip", "netns", "exec", "relours", refBin, "-Lnc"), "${1}MM:SS ")
	if conns != refConns || !strings.Contains(conns, "10.50.0.1:80") {
		t.Errorf("-Lnc in the namespace:\nours:\n%s\nreference:\n%s", conns, refConns)
	}
	if root := relMust(t, "", oursBin, "-Lnc"); strings.Contains(root, "10.50.0.1") {
		t.Errorf("the namespace's connection shows in the root namespace:\n%s", root)
	}

	// apply and -R --test take --netns too.
	if o := relExec(t, -1, "-A -t 10.50.0.7:80 -s rr\n", oursBin, "--netns", "relours", "apply", "-"); o != (cmdResult{}) {
		t.Errorf("apply in the namespace: %s", o)
	}
	if got := relMust(t, "", "/sbin/ip", "netns", "exec", "relours", refBin, "-Sn"); got != "-A -t 10.50.0.7:80 -s rr\n" {
		t.Errorf("after apply in the namespace:\n%s", got)
	}
	if o := relExec(t, -1, "-A -t 10.50.0.8\n", oursBin, "--netns=relours", "-R", "--test"); o.status != 2 ||
		o.stderr != "ipvsadm -R --test: line 1: Zero port specified for non-persistent service\n" {
		t.Errorf("-R --test in the namespace: %s", o)
	}
	if got := relMust(t, "", refBin, "-Sn"); got != rootBefore {
		t.Errorf("the root namespace's table changed:\n%s", got)
	}

	// Bad names fail in one line and run nothing.
	for _, tc := range []struct{ args, stderr string }{
		{"--netns nosuch -C", "ipvsadm --netns: nosuch: no such network namespace (/run/netns/nosuch does not exist; see ip netns add)\n"},
		{"--netns ../etc -C", "ipvsadm --netns: \"../etc\": not a namespace name (a name under /run/netns; see ipvsadm help --netns)\n"},
		{"--netns", "ipvsadm --netns: no namespace name given (see ipvsadm help --netns)\n"},
	} {
		o := relExec(t, -1, "", append([]string{oursBin}, strings.Fields(tc.args)...)...)
		if o != (cmdResult{stderr: tc.stderr, status: 2}) {
			t.Errorf("ipvsadm %s: %s\nwant status 2, stderr %q", tc.args, o, tc.stderr)
		}
	}
	// Elsewhere on the line it is no ipvsadm option: the reference's error.
	ref := relExec(t, -1, "", refBin, "-Ln", "--netns", "relours")
	ours := relExec(t, -1, "", oursBin, "-Ln", "--netns", "relours")
	if ref != ours || ref.status == 0 {
		t.Errorf("ipvsadm -Ln --netns relours:\nreference: %s\nours: %s", ref, ours)
	}
}
