//go:build e2e

package e2e

// Full-screen programs driven as a person would: in a detached tmux
// terminal, keys typed with send-keys, the screen read with capture-pane.
// The VM has Debian's tmux (e2e/vm/mkinitrd.sh).

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// tmuxWait bounds what a program in tmux is given to draw or to end: ample
// for a loaded TCG VM, never a sleep (the helpers poll).
const tmuxWait = 20 * time.Second

var tmuxSessions atomic.Int64

// tmuxSession is a program running in a detached tmux terminal of w×h
// cells. Each session has a tmux server of its own (socket name = session
// name), so options and sessions of one test never meet another's.
//
// The terminal: no status line (the program has all w×h cells), TERM is
// tmux-256color, and the pane stays after the program ends
// (remain-on-exit, with an empty remain-on-exit-format so that tmux
// writes nothing over the final screen): Screen then shows what the
// program left and Exited its exit status.
type tmuxSession struct {
	t    *testing.T
	name string
}

// startTmux runs argv (executed directly, without a shell; through
// env(1), which first sets the NAME=VALUE entries of env) in a new w×h
// terminal. The session is killed when the test ends; a failed test logs
// its last screen first.
func startTmux(t *testing.T, w, h int, env []string, argv ...string) *tmuxSession {
	t.Helper()
	if len(argv) == 0 {
		t.Fatal("startTmux: no program")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatalf("startTmux: %v", err)
	}
	s := &tmuxSession{t: t, name: fmt.Sprintf("e2e%d-%d", os.Getpid(), tmuxSessions.Add(1))}
	args := []string{
		"set-option", "-g", "status", "off", ";",
		"set-option", "-g", "default-terminal", "tmux-256color", ";",
		"set-option", "-g", "remain-on-exit", "on", ";",
		"set-option", "-g", "remain-on-exit-format", "", ";",
		// One command list runs whole before the server reaps a child: the
		// options above hold for the pane from its first instant.
		"new-session", "-d", "-s", s.name, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), "--", "env",
	}
	for _, a := range append(append([]string(nil), env...), argv...) {
		args = append(args, tmuxArg(a))
	}
	if _, err := s.run(args...); err != nil {
		t.Fatalf("tmux new-session %q: %v", argv, err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			if scr, err := s.run("capture-pane", "-p", "-t", s.name); err == nil {
				t.Logf("tmux %s: last screen:\n%s", s.name, scr)
			}
		}
		if _, err := s.run("kill-server"); err != nil {
			t.Logf("tmux %s: kill-server: %v", s.name, err)
		}
	})
	return s
}

// tmuxArg protects an argument of ours from tmux's command parser, which
// takes a trailing ";" as the end of a command (and "\;" for a literal one).
func tmuxArg(a string) string {
	if strings.HasSuffix(a, ";") {
		return a[:len(a)-1] + `\;`
	}
	return a
}

// run runs one tmux client command list on the session's server.
func (s *tmuxSession) run(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), tmuxWait)
	defer cancel()
	c := exec.CommandContext(ctx, "tmux", append([]string{"-L", s.name, "-f", "/dev/null"}, args...)...)
	// Not nested in a tmux the tests themselves might run in (on a desktop).
	c.Env = append(os.Environ(), "TMUX=")
	c.WaitDelay = time.Second
	r := execute(c, "")
	if r.status != 0 {
		return r.stdout, fmt.Errorf("tmux %q: status %d: %s", args, r.status, strings.TrimSpace(r.stderr))
	}
	return r.stdout, nil
}

func (s *tmuxSession) must(args ...string) string {
	s.t.Helper()
	out, err := s.run(args...)
	if err != nil {
		s.t.Fatal(err)
	}
	return out
}

// Keys presses keys, each a tmux key name (q, Enter, Escape, Up, Down,
// PageDown, C-c, F1...); a string that names no key is typed as text.
func (s *tmuxSession) Keys(keys ...string) {
	s.t.Helper()
	args := []string{"send-keys", "-t", s.name, "--"}
	for _, k := range keys {
		args = append(args, tmuxArg(k))
	}
	s.must(args...)
}

// Type types text literally (send-keys -l): no key names.
func (s *tmuxSession) Type(text string) {
	s.t.Helper()
	s.must("send-keys", "-l", "-t", s.name, "--", tmuxArg(text))
}

// Screen is the terminal's content now: h lines, trailing blanks of each
// line cut (capture-pane -p).
func (s *tmuxSession) Screen() string {
	s.t.Helper()
	return s.must("capture-pane", "-p", "-t", s.name)
}

// Format expands a tmux format (#{cursor_x}, #{pane_dead}...) for the
// session's pane.
func (s *tmuxSession) Format(f string) string {
	s.t.Helper()
	return strings.TrimSuffix(s.must("display-message", "-p", "-t", s.name, f), "\n")
}

// AltScreen reports whether the program has the terminal's alternate
// screen on (smcup without rmcup).
func (s *tmuxSession) AltScreen() bool {
	s.t.Helper()
	return s.Format("#{alternate_on}") == "1"
}

// WaitFor polls the screen until it contains substr and returns that
// screen; after d it fails the test with the last screen.
func (s *tmuxSession) WaitFor(d time.Duration, substr string) string {
	s.t.Helper()
	deadline := time.Now().Add(d)
	for {
		scr := s.Screen()
		if strings.Contains(scr, substr) {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("tmux %s: no %q on the screen after %v; the screen:\n%s", s.name, substr, d, scr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Resize makes the terminal w×h cells and returns once the program's
// terminal has that size (tmux sets it a moment after the command; the
// kernel then sends the program SIGWINCH).
func (s *tmuxSession) Resize(w, h int) {
	s.t.Helper()
	s.must("resize-window", "-t", s.name, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h))
	tty := s.Format("#{pane_tty}")
	deadline := time.Now().Add(tmuxWait)
	for {
		ws, err := ttySize(tty)
		if err != nil {
			s.t.Fatalf("tmux %s: %v", s.name, err)
		}
		if int(ws.Col) == w && int(ws.Row) == h {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("tmux %s: %s is %dx%d after %v, not %dx%d", s.name, tty, ws.Col, ws.Row, tmuxWait, w, h)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ttySize is the window size of the terminal device path.
func ttySize(path string) (*unix.Winsize, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return nil, fmt.Errorf("%s: TIOCGWINSZ: %w", path, err)
	}
	return ws, nil
}

// Exited waits up to d for the program to end and returns its exit status
// (128+N for death by signal N, as a shell reports it); after d it fails
// the test with the last screen. The program has ended when tmux has both
// read the end of its output and reaped it; the screen, all of the
// program's output on it, stays readable.
func (s *tmuxSession) Exited(d time.Duration) (status int) {
	s.t.Helper()
	deadline := time.Now().Add(d)
	for {
		f := strings.Split(s.Format("#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}"), ":")
		if len(f) == 3 && f[0] == "1" {
			if n, err := strconv.Atoi(f[1]); err == nil {
				return n
			}
			if n, err := strconv.Atoi(f[2]); err == nil {
				return 128 + n
			}
			// The end of its output is in, the news of its end not yet. tmux
			// 3.3a can miss the SIGCHLD of a pane's program (seen in the VM:
			// the program a zombie for good, the pane dead without a
			// status); another SIGCHLD makes it reap every child that ended.
			if pid, err := strconv.Atoi(s.Format("#{pid}")); err == nil {
				syscall.Kill(pid, syscall.SIGCHLD)
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("tmux %s: the program still runs after %v; the screen:\n%s", s.name, d, s.Screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestTmuxWorks: a program in tmux sees a w×h terminal, the environment
// given, TERM=tmux-256color and typed text; a resize reaches it; its exit
// status and final screen are read after it ends.
func TestTmuxWorks(t *testing.T) {
	s := startTmux(t, 80, 24, []string{"GREETING=hello"}, "sh", "-c",
		`stty size; printf '%s\n' "$GREETING"; read -r x; echo "got $x"; stty size; echo "TERM=$TERM"; exit 3`)
	s.WaitFor(tmuxWait, "hello")
	s.Resize(100, 30)
	s.Type("abc;") // a trailing ";" is tmux's command separator: escaped
	s.Keys("Enter")
	if st := s.Exited(tmuxWait); st != 3 {
		t.Errorf("exit status %d, want 3", st)
	}
	want := "24 80\nhello\nabc;\ngot abc;\n30 100\nTERM=tmux-256color"
	if got := strings.TrimRight(s.Screen(), "\n"); got != want {
		t.Errorf("final screen:\n%s\nwant:\n%s", got, want)
	}
}

// TestTmuxTop: busybox top, a real full-screen program, drawn in tmux and
// ended with q gives the terminal back: its modes restored (the shell that
// started it compares stty -g from before and after), no alternate screen,
// and typed text echoed by the line discipline again.
func TestTmuxTop(t *testing.T) {
	s := startTmux(t, 80, 24, nil, "sh", "-c",
		`echo before; a=$(stty -g); busybox top; st=$?; b=$(stty -g)
echo "top exited $st"; [ "$a" = "$b" ] && echo "terminal restored"
read -r x; echo "got $x"`)
	scr := s.WaitFor(tmuxWait, "PID")
	for _, w := range []string{"Mem:", "Load average:", "COMMAND"} {
		if !strings.Contains(scr, w) {
			t.Errorf("top's screen has no %q:\n%s", w, scr)
		}
	}
	s.Keys("q")
	scr = s.WaitFor(tmuxWait, "top exited 0")
	if !strings.Contains(scr, "terminal restored") {
		t.Errorf("top left the terminal's modes changed:\n%s", scr)
	}
	if s.AltScreen() {
		t.Errorf("the alternate screen is still on after top")
	}
	s.Type("typed")
	s.WaitFor(tmuxWait, "\ntyped\n") // echoed at once: canonical mode and echo are back
	s.Keys("Enter")
	if st := s.Exited(tmuxWait); st != 0 {
		t.Errorf("exit status %d, want 0", st)
	}
	if scr := s.Screen(); !strings.Contains(scr, "\ngot typed\n") {
		t.Errorf("final screen:\n%s", scr)
	}
}
