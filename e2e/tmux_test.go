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
// The terminal has no status line (the program has all w×h cells) and TERM
// is tmux-256color. The program runs under a shell (tmuxWrapper) that
// outlives it, so its screen and exit status are there to read after it
// ends.
type tmuxSession struct {
	t    *testing.T
	name string
}

// tmuxWrapper runs the program ("$@") in the pane and, when it has ended,
// sets the pane's title to "$0 STATUS" (OSC 2) and sleeps. tmux would
// lose the end of a pane's output were the pane's own process to exit:
// it closes the terminal of a reaped child as soon as nothing is waiting
// to be read, and output written just before the exit may not have
// crossed the pseudo-terminal yet. Here the program's last bytes come
// before the title's in the same stream: once tmux shows the title, the
// screen holds all of them. The shell survives the program's C-c and C-\
// (a trap, which the program does not inherit).
const tmuxWrapper = `trap : INT QUIT; "$@"; st=$?; printf '\033]2;%s %d\033\\' "$0" "$st"; exec sleep 2147483647`

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
		// Should the shell die, the screen stays.
		"set-option", "-g", "remain-on-exit", "on", ";",
		"new-session", "-d", "-s", s.name, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), "--", "env",
	}
	for _, a := range env {
		args = append(args, tmuxArg(a))
	}
	args = append(args, "sh", "-c", tmuxArg(tmuxWrapper), s.name)
	for _, a := range argv {
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
	scr, ok := s.WaitUntil(d, func(scr string) bool { return strings.Contains(scr, substr) })
	if !ok {
		s.t.Fatalf("tmux %s: no %q on the screen after %v; the screen:\n%s", s.name, substr, d, scr)
	}
	return scr
}

// WaitUntil polls the screen until done(screen) holds and returns that
// screen and true; after d it returns the last screen and false. A check of
// a whole screen waits this way rather than testing the first screen that
// shows one line of it: capture-pane can catch a frame half drawn (the new
// header over the old rows, a line the shell has not yet printed).
func (s *tmuxSession) WaitUntil(d time.Duration, done func(scr string) bool) (string, bool) {
	s.t.Helper()
	deadline := time.Now().Add(d)
	for {
		scr := s.Screen()
		if done(scr) {
			return scr, true
		}
		if time.Now().After(deadline) {
			return scr, false
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
// (128+N for death by signal N, as the shell reports it); after d it fails
// the test with the last screen. The screen, all of the program's output
// on it, stays readable.
func (s *tmuxSession) Exited(d time.Duration) (status int) {
	s.t.Helper()
	deadline := time.Now().Add(d)
	for {
		f := s.Format("#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}:#{pane_title}")
		title := strings.SplitN(f, ":", 4)[3]
		if st, ok := strings.CutPrefix(title, s.name+" "); ok {
			if n, err := strconv.Atoi(st); err == nil {
				return n
			}
		}
		if strings.HasPrefix(f, "1:") {
			s.t.Fatalf("tmux %s: the shell around the program ended (pane_dead:status:signal:title %q); the screen:\n%s",
				s.name, f, s.Screen())
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
[ "$a" = "$b" ] && m=restored || m=changed; echo "top exited $st, terminal $m"
read -r x; echo "got $x"`)
	scr := s.WaitFor(tmuxWait, "PID")
	for _, w := range []string{"Mem:", "Load average:", "COMMAND"} {
		if !strings.Contains(scr, w) {
			t.Errorf("top's screen has no %q:\n%s", w, scr)
		}
	}
	s.Keys("q")
	s.WaitFor(tmuxWait, "top exited 0, terminal restored")
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

// TestTmuxInterrupt: C-c reaches the program, not the shell around it,
// and its death by SIGINT is the status 130.
func TestTmuxInterrupt(t *testing.T) {
	s := startTmux(t, 80, 24, nil, "cat")
	s.Type("line")
	s.Keys("Enter")
	s.WaitFor(tmuxWait, "line\nline\n") // the terminal's echo, then cat's
	s.Keys("C-c")
	if st := s.Exited(tmuxWait); st != 130 {
		t.Errorf("exit status %d, want 130 (SIGINT)", st)
	}
}
