package ipvs

// This file fixes the Client's API; the netlink work lives in client.go.
// The front ends (internal/ipvsadm, internal/apply) code against API.

import (
	"errors"
	"fmt"
	"syscall"
)

// Error is a failed IPVS netlink operation. Errno is the raw kernel errno
// (e.g. syscall.EEXIST) so the front end can print ipvsadm's message for it.
// Op is the kernel's command name without IPVS_CMD_: NEW_SERVICE,
// SET_SERVICE, DEL_SERVICE, GET_SERVICE, NEW_DEST, SET_DEST, DEL_DEST,
// GET_DEST, NEW_DAEMON, DEL_DAEMON, GET_DAEMON, SET_CONFIG (timeouts),
// GET_CONFIG, GET_INFO, ZERO, FLUSH.
type Error struct {
	Op    string // e.g. "NEW_SERVICE"
	Errno syscall.Errno
}

func (e *Error) Error() string { return fmt.Sprintf("ipvs %s: %s", e.Op, e.Errno.Error()) }
func (e *Error) Unwrap() error { return e.Errno }

// ErrNotAvailable is returned by Open when the kernel has no IPVS family even
// after trying to load the ip_vs module.
var ErrNotAvailable = errors.New("ipvs: IP Virtual Server is not available in this kernel")

// API is what the front ends use: the reads, Exec and Batch for every
// change, and Close. *Client implements it and internal/ipvstest fakes it.
// The streaming and batched forms are the only ones, so that the code
// users run is the code unit tests run; Services and Destinations below,
// and the Client's own shorthands (NewService, Flush, ...), are built on
// them.
type API interface {
	// Info is the GET_INFO answer read when the connection was opened
	// (ipvsadm asks once, at start; neither field changes while ip_vs
	// stays loaded).
	Info() Info

	// EachService and EachDestination stream a dump: fn sees each entry
	// as it is decoded, in a value reused between calls.
	EachService(fn func(*Service) error) error
	EachDestination(svc Service, fn func(*Destination) error) error
	Service(key Service) (Service, error) // GET_SERVICE for one key
	Timeouts() (Timeouts, error)
	Daemons() ([]Daemon, error)

	// Exec makes one change; Batch makes many, in order, with one error
	// (or nil) per op, each what Exec would have returned.
	Exec(op *Op) error
	Batch(ops []Op) []error
	Close() error
}

// Services lists every virtual service, in kernel order.
func Services(api API) ([]Service, error) {
	var out []Service
	err := api.EachService(func(s *Service) error {
		out = append(out, *s)
		return nil
	})
	return out, err
}

// Destinations lists svc's real servers, in kernel order.
func Destinations(api API, svc Service) ([]Destination, error) {
	var out []Destination
	err := api.EachDestination(svc, func(d *Destination) error {
		out = append(out, *d)
		return nil
	})
	return out, err
}
