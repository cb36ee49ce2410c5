//go:build !linux

package ipvs

import (
	"errors"
	"syscall"
)

// IPVS is Linux's: elsewhere the package builds (its types, encodings and
// the API are the same, so code that uses them compiles and tests against a
// fake anywhere) but Open always fails with ErrNotAvailable.

var errNotLinux = errors.New("ipvs: IPVS exists only in the Linux kernel")

func dial(int) (*Client, error) {
	return nil, &OpenError{Errno: syscall.ENOPROTOOPT, Missing: true, Err: errNotLinux}
}

func modprobe(Config) error { return errNotLinux }
