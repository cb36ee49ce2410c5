package main

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/lvsgo/ipvsadm/internal/netns"
	"golang.org/x/sys/unix"
)

// --netns NAME runs any command in the network namespace /run/netns/NAME,
// as `ip netns exec NAME ipvsadm ...` would. ipvsadm 1.31 has no such
// option; it is only recognised as the first argument, so every command
// line the reference knows keeps its meaning.
//
// The namespace must hold for everything the command touches: the netlink
// socket, /proc/net/ip_vs_conn (-L -c) and /proc/sys (arp-prep). /proc/net
// is /proc/self/net, which follows the thread group leader, and /proc/sys
// follows the opening thread; so the main goroutine is pinned to the main
// thread from init on, and setns is done there before anything else runs.
func init() { runtime.LockOSThread() }

// netnsArg splits a leading --netns NAME (or --netns=NAME) off args
// (args[0] is the program). ok is false when args do not start with it.
func netnsArg(args []string) (name string, rest []string, ok bool, err error) {
	if len(args) < 2 {
		return "", args, false, nil
	}
	a := args[1]
	switch {
	case a == "--netns":
		if len(args) < 3 {
			return "", nil, true, errors.New("no namespace name given (see ipvsadm help --netns)")
		}
		name, rest = args[2], append([]string{args[0]}, args[3:]...)
	case strings.HasPrefix(a, "--netns="):
		name, rest = a[len("--netns="):], append([]string{args[0]}, args[2:]...)
	default:
		return "", args, false, nil
	}
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return "", nil, true, fmt.Errorf("%q: not a namespace name (a name under %s; see ipvsadm help --netns)", name, netns.Dir)
	}
	return name, rest, true, nil
}

// withNetns handles a leading --netns; it returns the remaining arguments,
// or a status when the run must end here. Its errors are an addition's:
// "ipvsadm --netns: ..." whatever the program was called as, status 2.
func withNetns(args []string, stderr io.Writer) ([]string, int, bool) {
	name, rest, ok, err := netnsArg(args)
	if !ok {
		return args, 0, true
	}
	if err == nil {
		err = netns.Enter(name)
	}
	if err != nil {
		fmt.Fprintf(stderr, "ipvsadm --netns: %v\n", err)
		return nil, 2, false
	}
	return rest, 0, true
}

// goHere runs f on a goroutine of its own whose thread is in the calling
// thread's network namespace. Go starts threads from a template thread
// that --netns did not move, so the goroutine's thread joins the caller's
// namespace when it is elsewhere (only after --netns, which needed the
// privilege that setns needs); it stays locked, and so ends with the
// goroutine. Should joining fail, f runs all the same.
func goHere(f func()) {
	var here unix.Stat_t
	if err := unix.Stat("/proc/thread-self/ns/net", &here); err != nil {
		f()
		return
	}
	fd, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		f()
		return
	}
	go func() {
		defer unix.Close(fd)
		runtime.LockOSThread()
		var st unix.Stat_t
		if unix.Stat("/proc/thread-self/ns/net", &st) != nil || st.Dev != here.Dev || st.Ino != here.Ino {
			_ = unix.Setns(fd, unix.CLONE_NEWNET)
		}
		f()
	}()
}

// otherNetns reports whether this process is in another network namespace
// than PID 1 (after --netns, or under ip netns exec). When that cannot be
// told (no /proc, or no right to look at PID 1's), it says no.
func otherNetns() bool {
	var self, pid1 unix.Stat_t
	if unix.Stat("/proc/self/ns/net", &self) != nil || unix.Stat("/proc/1/ns/net", &pid1) != nil {
		return false
	}
	return self.Ino != pid1.Ino || self.Dev != pid1.Dev
}
