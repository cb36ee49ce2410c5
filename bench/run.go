package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// result is one run of an ipvsadm binary.
type result struct {
	wall, user, sys time.Duration
	// hwm is the peak resident set in KiB, read at exit (only when asked
	// for; see peakAtExit).
	hwm            int64
	status         int
	stdout, stderr []byte
}

// impl is one ipvsadm under test, copied to tmpfs so that start-up reads
// the binary from memory for both.
type impl struct {
	name string // "ref" or "ours"
	path string
}

// run runs bin with args (argv[0] is "ipvsadm" for both binaries, since
// messages quote it), stdin from the file stdin ("" for /dev/null), and
// stdout and stderr into files under dir, as a shell redirect would.
// With merged, stderr goes to the same file as stdout.
func run(bin impl, ns *netns, dir string, args []string, stdin string, merged, sampleRSS bool) (result, error) {
	var res result
	cmd := exec.Command(bin.path)
	cmd.Args = append([]string{"ipvsadm"}, args...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"}
	if stdin != "" {
		f, err := os.Open(stdin)
		if err != nil {
			return res, err
		}
		defer f.Close()
		cmd.Stdin = f
	}
	outName := filepath.Join(dir, bin.name+".out")
	errName := filepath.Join(dir, bin.name+".err")
	out, err := os.Create(outName)
	if err != nil {
		return res, err
	}
	defer out.Close()
	cmd.Stdout = out
	if merged {
		cmd.Stderr = out
	} else {
		ef, err := os.Create(errName)
		if err != nil {
			return res, err
		}
		defer ef.Close()
		cmd.Stderr = ef
	}
	// The child starts in ns: it inherits the network namespace of the
	// thread that starts it. ptrace requests, too, must come from the
	// thread that started the child.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if sampleRSS {
		cmd.SysProcAttr = &syscall.SysProcAttr{Ptrace: true}
	}
	if err := ns.enter(); err != nil {
		return res, err
	}
	start := time.Now()
	err = cmd.Start()
	if lerr := ns.leave(); lerr != nil {
		panic("bench: cannot return to the initial network namespace: " + lerr.Error())
	}
	if err != nil {
		return res, err
	}
	if sampleRSS {
		if res.hwm, err = peakAtExit(cmd.Process.Pid); err != nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			return res, err
		}
	}
	err = cmd.Wait()
	res.wall = time.Since(start)
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return res, err
	}
	ps := cmd.ProcessState
	res.status = ps.ExitCode()
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		res.user = time.Duration(ru.Utime.Nano())
		res.sys = time.Duration(ru.Stime.Nano())
	}
	if res.stdout, err = os.ReadFile(outName); err != nil {
		return res, err
	}
	if !merged {
		if res.stderr, err = os.ReadFile(errName); err != nil {
			return res, err
		}
	}
	return res, nil
}

// sameOutput compares two runs; the text says where they first differ.
func sameOutput(a, b result) (bool, string) {
	if a.status != b.status {
		return false, "exit status " + itoa(a.status) + " vs " + itoa(b.status)
	}
	if ok, where := sameBytes(a.stdout, b.stdout); !ok {
		return false, "stdout " + where
	}
	if ok, where := sameBytes(a.stderr, b.stderr); !ok {
		return false, "stderr " + where
	}
	return true, ""
}

// sameBytes compares two outputs and names the first differing line.
func sameBytes(a, b []byte) (bool, string) {
	if bytes.Equal(a, b) {
		return true, ""
	}
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y []byte
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if !bytes.Equal(x, y) || i >= len(la) || i >= len(lb) {
			return false, "line " + itoa(i+1) + ": ref " + quote(x, i < len(la)) + ", ours " + quote(y, i < len(lb))
		}
	}
	return false, "differ"
}

func quote(b []byte, present bool) string {
	if !present {
		return "(missing)"
	}
	if len(b) > 100 {
		b = append(b[:100:100], "..."...)
	}
	return "\"" + string(b) + "\""
}

// peakAtExit follows a child started under ptrace (stopped after its
// exec) to its exit and returns its peak resident set in KiB, read at that
// moment, when the process is complete but its memory not yet released.
// It leaves the child to be reaped by the caller. (wait4's ru_maxrss
// cannot be used: Go starts children with vfork, so a child's maxrss
// starts at the bench's own peak.)
//
// The peak is the larger of two readings, both short of the truth in their
// own way. VmHWM is the kernel's high-water mark, but it comes from RSS
// counters each thread batches for up to 64 page faults, and the exit stop
// comes before the final flush: a short run can show a fifth of its real
// RSS. smaps_rollup counts the page tables exactly, but only now, after
// any memory the program gave back (the reference frees its service list
// before it exits; ours keeps its heap to the end).
func peakAtExit(pid int) (int64, error) {
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(pid, &ws, 0, nil); err != nil {
		return 0, err
	}
	if !ws.Stopped() {
		return 0, fmt.Errorf("child not stopped after exec: %v", ws)
	}
	if err := syscall.PtraceSetOptions(pid, syscall.PTRACE_O_TRACEEXIT); err != nil {
		return 0, err
	}
	sig := 0
	for {
		if err := syscall.PtraceCont(pid, sig); err != nil {
			return 0, err
		}
		if _, err := syscall.Wait4(pid, &ws, syscall.WALL, nil); err != nil {
			return 0, err
		}
		switch {
		case !ws.Stopped():
			return 0, fmt.Errorf("child ended without an exit stop: %v", ws)
		case ws.TrapCause() == syscall.PTRACE_EVENT_EXIT:
			var peak int64
			for _, src := range [...]struct{ file, key string }{{"status", "VmHWM:"}, {"smaps_rollup", "Rss:"}} {
				b, err := os.ReadFile("/proc/" + itoa(pid) + "/" + src.file)
				if err != nil {
					return 0, err
				}
				v, ok := parseKB(b, src.key)
				if !ok {
					return 0, fmt.Errorf("no %s in /proc/%d/%s", src.key, pid, src.file)
				}
				peak = max(peak, v)
			}
			return peak, syscall.PtraceDetach(pid)
		case ws.StopSignal() == syscall.SIGTRAP:
			sig = 0
		default:
			sig = int(ws.StopSignal()) // deliver the child's own signals
		}
	}
}

// parseKB reads the "key  N kB" line of a /proc file (not its first).
func parseKB(s []byte, key string) (int64, bool) {
	i := bytes.Index(s, []byte("\n"+key))
	if i < 0 {
		return 0, false
	}
	f := bytes.Fields(s[i+1+len(key):])
	if len(f) < 2 || string(f[1]) != "kB" {
		return 0, false
	}
	v, err := strconv.ParseInt(string(f[0]), 10, 64)
	return v, err == nil
}

// netns is a network namespace of its own for one binary's run of the
// suite: a fresh IPVS table, and a fresh "trash" of deleted destinations.
// (After a flush the kernel keeps every deleted destination for a minute
// or two and scans all of them on every destination added, so a restore
// right after flushing a large table runs many times slower, by a
// different amount each time; neither binary should be timed on that.)
type netns struct {
	name string
	fd   int
	home int // the bench's own namespace
}

func newNetns(name string) (*netns, error) {
	for _, args := range [][]string{
		{"netns", "add", name},
		{"-n", name, "link", "set", "lo", "up"},
		// The kernel refuses a destination it has no route to.
		{"-n", name, "link", "add", "bench0", "type", "dummy"},
		{"-n", name, "addr", "add", "198.19.255.254/15", "dev", "bench0"},
		{"-n", name, "link", "set", "bench0", "up"},
	} {
		if out, err := exec.Command("/sbin/ip", args...).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("ip %v: %v %s", args, err, out)
		}
	}
	fd, err := syscall.Open("/run/netns/"+name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	home, err := syscall.Open("/proc/self/ns/net", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		syscall.Close(fd)
		return nil, err
	}
	return &netns{name: name, fd: fd, home: home}, nil
}

func (n *netns) enter() error { return setns(n.fd) }
func (n *netns) leave() error { return setns(n.home) }

func setns(fd int) error { return unix.Setns(fd, unix.CLONE_NEWNET) }

// remove deletes the namespace and waits until the kernel has torn its
// table down, so that the work does not land in the next timed run.
func (n *netns) remove() error {
	syscall.Close(n.fd)
	syscall.Close(n.home)
	if out, err := exec.Command("/sbin/ip", "netns", "del", n.name).CombinedOutput(); err != nil {
		return fmt.Errorf("ip netns del: %v %s", err, out)
	}
	settle()
	return nil
}

// settle waits (at most a minute) until the machine is idle: 90% of CPU
// time idle over a fifth of a second.
func settle() {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		t0, i0 := cpuTimes()
		time.Sleep(200 * time.Millisecond)
		t1, i1 := cpuTimes()
		if t1 > t0 && float64(i1-i0)/float64(t1-t0) >= 0.9 {
			return
		}
	}
}

// cpuTimes is the total and idle (idle + iowait) ticks of /proc/stat.
func cpuTimes() (total, idle uint64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	for i, f := range bytes.Fields(line)[1:] {
		v, _ := strconv.ParseUint(string(f), 10, 64)
		total += v
		if i == 3 || i == 4 {
			idle += v
		}
	}
	return total, idle
}
