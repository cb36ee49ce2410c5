package main

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

const netnsDir = "/run/netns"

// enterNetns moves the calling (main) thread into /run/netns/NAME, as
// ipvsadm --netns does.
func enterNetns(name string) error {
	if name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return fmt.Errorf("%q: not a namespace name (a name under %s)", name, netnsDir)
	}
	path := netnsDir + "/" + name
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, unix.ENOENT) {
			return fmt.Errorf("%s: no such network namespace (%s does not exist; see ip netns add)", name, path)
		}
		return fmt.Errorf("%s: cannot open %s: %v", name, path, err)
	}
	defer unix.Close(fd)
	if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
		switch {
		case errors.Is(err, unix.EPERM):
			return fmt.Errorf("%s: permission denied: entering a network namespace needs CAP_SYS_ADMIN (run as root)", name)
		case errors.Is(err, unix.EINVAL):
			return fmt.Errorf("%s: %s is not a network namespace", name, path)
		}
		return fmt.Errorf("%s: setns: %v", name, err)
	}
	return nil
}
