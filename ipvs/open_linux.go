package ipvs

import (
	"errors"
	"os"
	"os/exec"
	"syscall"

	"github.com/mdlayher/genetlink"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// modprobe runs modprobe as ipvsadm does: the same argv, the streams the
// caller gave.
func modprobe(cfg Config) error {
	cmd := exec.Command("/sbin/modprobe", "--", "ip_vs")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = cfg.Stdin, cfg.Stdout, cfg.Stderr
	return cmd.Run()
}

func dial(netns int) (*Client, error) {
	// mdlayher/netlink opens the socket and finds the family; requests and
	// answers then go through the raw socket (see wire.go).
	nl, err := netlink.Dial(unix.NETLINK_GENERIC, &netlink.Config{NetNS: netns})
	if err != nil {
		return nil, &OpenError{Errno: errnoOf(err, syscall.EINVAL), Err: err}
	}
	f, err := genetlink.NewConn(nl).GetFamily(genlName)
	if err != nil {
		nl.Close()
		if errors.Is(err, os.ErrNotExist) {
			return nil, &OpenError{Errno: legacyErrno(), Missing: true, Err: err}
		}
		return nil, &OpenError{Errno: errnoOf(err, syscall.EINVAL), Err: err}
	}
	rc, err := nl.SyscallConn()
	if err != nil {
		nl.Close()
		return nil, &OpenError{Errno: errnoOf(err, syscall.EINVAL), Err: err}
	}
	c := &Client{nl: nl, family: f.ID, tr: newWire(rc)}
	in, err := c.getInfo()
	if err != nil {
		nl.Close()
		return nil, &OpenError{Errno: errnoOf(err, syscall.EINVAL), Err: err}
	}
	c.info = in
	return c, nil
}

// legacyErrno is the errno ipvsadm ends up with when the netlink family is
// missing: libipvs then falls back to a raw socket and the old
// IP_VS_SO_GET_INFO getsockopt, and it is that call's errno that gets
// printed (ENOPROTOOPT as root without ip_vs, EPERM for other users).
func legacyErrno() syscall.Errno {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_RAW, unix.IPPROTO_RAW)
	if err != nil {
		return errnoOf(err, syscall.EPERM)
	}
	defer unix.Close(fd)
	const ipVSSOGetInfo = 64 + 1024 + 64 + 1 // IP_VS_BASE_CTL + 1
	var info [12]byte                        // struct ip_vs_getinfo
	l := uint32(len(info))
	_, _, e := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd), unix.IPPROTO_IP, ipVSSOGetInfo,
		uintptr(unsafePointer(&info[0])), uintptr(unsafePointer(&l)), 0)
	if e != 0 {
		return e
	}
	// The old interface answers but netlink does not: nothing we can drive.
	return syscall.ENOPROTOOPT
}
