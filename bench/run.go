package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// result is one run of an ipvsadm binary.
type result struct {
	wall, user, sys time.Duration
	// hwm is the peak resident set in KiB: VmHWM of /proc/PID/status,
	// sampled while the program runs (only when asked for). wait4's
	// ru_maxrss cannot be used: Go starts children with vfork, and the
	// child's maxrss then starts at the bench's own peak.
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
func run(bin impl, dir string, args []string, stdin string, merged, sampleRSS bool) (result, error) {
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
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return res, err
	}
	var hwm chan int64
	if sampleRSS {
		hwm = make(chan int64)
		go sampleHWM(cmd.Process.Pid, hwm)
	}
	err = cmd.Wait()
	res.wall = time.Since(start)
	if hwm != nil {
		hwm <- 0 // stop sampling
		res.hwm = <-hwm
	}
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

// sampleHWM polls VmHWM of pid every millisecond until told to stop, then
// sends the highest value seen. Samples are taken only once pid runs
// ipvsadm (before the exec it still shares the bench's memory). VmHWM is a
// high-water mark, so a sample misses only growth in the last interval.
func sampleHWM(pid int, ch chan int64) {
	path := "/proc/" + itoa(pid) + "/status"
	var peak int64
	buf := make([]byte, 4096)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		if v, ok := readHWM(path, buf); ok && v > peak {
			peak = v
		}
		select {
		case <-ch:
			ch <- peak
			return
		case <-tick.C:
		}
	}
}

func readHWM(path string, buf []byte) (int64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	n, _ := f.Read(buf)
	f.Close()
	s := buf[:n]
	if !bytes.HasPrefix(s, []byte("Name:\tipvsadm\n")) {
		return 0, false
	}
	i := bytes.Index(s, []byte("\nVmHWM:"))
	if i < 0 {
		return 0, false
	}
	s = s[i+len("\nVmHWM:"):]
	var v int64
	seen := false
	for _, c := range s {
		switch {
		case c == ' ' || c == '\t':
			if seen {
				return v, true
			}
		case c >= '0' && c <= '9':
			v, seen = v*10+int64(c-'0'), true
		default:
			return v, seen
		}
	}
	return v, seen
}
