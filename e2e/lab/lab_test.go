//go:build labvm

// Package lab holds the tutorial's labs (lab.sh), the shell of `make lab`
// (shell.sh), and the test that drives `make lab` as a person does: in a
// real terminal (tmux on the host), typing at the VM's console and reading
// the screen. It runs on the host (make lab-test, part of make test), not
// in the VM: it starts the VM itself.
package lab

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Bounds for a loaded 2-core machine running the VM under TCG: ample, and
// only ever waited out by polling for what the screen should show.
const (
	bootWait = 15 * time.Minute // fetch, initramfs, boot and both labs
	cmdWait  = 3 * time.Minute
)

type term struct {
	t    *testing.T
	name string
	n    int
}

func (s *term) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.name}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// screen is the pane's whole history, lines joined (a long line the
// console wrapped is one line again).
func (s *term) screen() string {
	return s.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", s.name)
}

// waitFor polls until the screen matches re, and returns the screen.
func (s *term) waitFor(re *regexp.Regexp, limit time.Duration) string {
	s.t.Helper()
	end := time.Now().Add(limit)
	for {
		sc := s.screen()
		if re.MatchString(sc) {
			return sc
		}
		if time.Now().After(end) {
			s.t.Fatalf("after %v the screen has no %q:\n%s", limit, re, sc)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// run types cmd at the lab's prompt and returns what it printed: the lines
// between the command and the marker echoed after it.
func (s *term) run(cmd string) string {
	s.t.Helper()
	s.n++
	mark := fmt.Sprintf("done-%d", s.n)
	s.tmux("send-keys", "-t", s.name, "-l", cmd+"; echo "+mark)
	s.tmux("send-keys", "-t", s.name, "Enter")
	sc := s.waitFor(regexp.MustCompile(`(?m)^`+mark+`$`), cmdWait)
	i := strings.LastIndex(sc, "lab# "+cmd+"; echo "+mark)
	j := strings.LastIndex(sc, "\n"+mark+"\n")
	if i < 0 || j < i {
		s.t.Fatalf("%s: cannot find its output:\n%s", cmd, sc)
	}
	out := sc[i:j]
	_, out, _ = strings.Cut(out, "\n")
	return out
}

func TestMakeLab(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal(err)
	}
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root += "/../.."
	s := &term{t: t, name: fmt.Sprintf("labtest%d", os.Getpid())}
	// The pane's title says make's status when it ends (tmux may lose a
	// pane's last output, never its title).
	s.tmux("set-option", "-g", "remain-on-exit", "on", ";",
		"new-session", "-d", "-s", s.name, "-x", "132", "-y", "43", "--",
		"sh", "-c", `make -s -C "$1" lab; printf '\033]2;lab-exit %d\033\\' $?; exec sleep 100000`, "sh", root)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("last screen:\n%s", s.screen())
		}
		exec.Command("tmux", "-L", s.name, "kill-server").Run()
	})
	start := time.Now()
	s.waitFor(regexp.MustCompile(`(?m)^lab# ?$`), bootWait)
	t.Logf("lab ready after %v", time.Since(start).Round(time.Second))

	// ipvsadm in the lab is ours, and shows the NAT director's table as
	// the reference ipvsadm 1.31 does.
	ours := s.run("on nat-dir ipvsadm -Ln")
	ref := s.run("on nat-dir /ref/ipvsadm -Ln")
	if ours != ref || !strings.Contains(ours, "TCP  172.16.1.143:80 wrr") {
		t.Errorf("on nat-dir: ours -Ln:\n%s\nreference:\n%s", ours, ref)
	}
	if out := s.run("readlink -f $(command -v ipvsadm)"); strings.TrimSpace(out) != "/host/ipvsadm" {
		t.Errorf("ipvsadm on PATH is %q", out)
	}
	// ip is iproute2's (busybox's has no netns).
	if out := s.run("ip -V"); !strings.Contains(out, "iproute2") {
		t.Errorf("ip -V: %q", out)
	}

	// NAT: break, doctor names the server and the fix, repair. The lab has
	// had no traffic yet, so each of rs2's connections is stuck in
	// SYN_RECV and doctor's verdict does not wait for the kernel's rate
	// estimate of rs2's replies to decay.
	s.run("lab break nat")
	if out := s.run("get nat 6"); !strings.Contains(out, "(no answer)") {
		t.Errorf("NAT lab broken, yet every request was answered: %q", out)
	}
	doc := s.run("on nat-dir ipvsadm doctor")
	if !regexp.MustCompile(`(?m)^fail .*192\.168\.1\.12:80 +replies bypass the director`).MatchString(doc) ||
		!strings.Contains(doc, "fix: on 192.168.1.12: ip route replace default via 192.168.1.118") {
		t.Errorf("doctor on the broken NAT lab:\n%s", doc)
	}
	s.run("lab repair nat")
	if out := s.run("get nat 3"); strings.Count(out, "rs") != 3 {
		t.Errorf("NAT lab repaired, yet get nat 3: %q", out)
	}

	// DR: rs1 answers ARP for the VIP; doctor --probe sees who answered.
	s.run("lab break dr")
	doc = s.run("on dr-dir ipvsadm doctor --probe")
	if !regexp.MustCompile(`(?m)^fail .*192\.168\.2\.11 \([0-9a-f:]+\) answers ARP for the VIP 192\.168\.2\.143`).MatchString(doc) ||
		!strings.Contains(doc, "fix: on 192.168.2.11: ipvsadm arp-prep 192.168.2.143") {
		t.Errorf("doctor --probe on the broken DR lab:\n%s", doc)
	}
	s.run("lab repair dr")
	doc = s.run("on dr-dir ipvsadm doctor --probe")
	if !regexp.MustCompile(`(?m)^\d+ ok, 0 warn, 0 fail$`).MatchString(doc) {
		t.Errorf("doctor --probe on the repaired DR lab:\n%s", doc)
	}
	if out := s.run("get dr 2"); strings.Count(out, "rs") != 2 {
		t.Errorf("get dr 2: %q", out)
	}

	// exit powers the VM off and make lab succeeds.
	s.tmux("send-keys", "-t", s.name, "-l", "exit")
	s.tmux("send-keys", "-t", s.name, "Enter")
	end := time.Now().Add(cmdWait)
	for {
		title := strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, "#{pane_title}"))
		if title == "lab-exit 0" {
			break
		}
		if strings.HasPrefix(title, "lab-exit ") || time.Now().After(end) {
			t.Fatalf("after exit: pane title %q", title)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
