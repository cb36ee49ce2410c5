package netns

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Dir is where ip netns keeps the named namespaces.
const Dir = "/run/netns"

// Enter moves the calling thread into /run/netns/NAME (the caller locks
// it to its goroutine, or is the main thread before any other starts).
func Enter(name string) error {
	path := Dir + "/" + name
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
			return fmt.Errorf("%s: permission denied: entering a network namespace needs the CAP_SYS_ADMIN capability (run as root)", name)
		case errors.Is(err, unix.EINVAL):
			return fmt.Errorf("%s: %s is not a network namespace", name, path)
		}
		return fmt.Errorf("%s: setns: %v", name, err)
	}
	return nil
}
