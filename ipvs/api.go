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

// API is every operation the front ends use; *Client implements it and
// internal/ipvstest fakes it. The streaming and batched forms are part of
// it so that the code users run is the code unit tests run.
type API interface {
	// Info asks the kernel for GET_INFO; CachedInfo is the answer Open
	// already read (ipvsadm asks once, at start).
	Info() (Info, error)
	CachedInfo() Info

	// EachService and EachDestination stream a dump: fn sees each entry
	// as it is decoded, in a value reused between calls.
	EachService(fn func(*Service) error) error
	EachDestination(svc Service, fn func(*Destination) error) error
	Services() ([]Service, error)
	Service(key Service) (Service, error) // GET_SERVICE for one key
	Destinations(svc Service) ([]Destination, error)

	// Exec makes one change; Batch makes many, in order, with one error
	// (or nil) per op, each what Exec would have returned.
	Exec(op *Op) error
	Batch(ops []Op) []error
	NewService(svc Service) error
	UpdateService(svc Service) error
	DelService(svc Service) error
	Flush() error
	Zero(svc *Service) error // nil: all services
	NewDestination(svc Service, d Destination) error
	UpdateDestination(svc Service, d Destination) error
	DelDestination(svc Service, d Destination) error
	Timeouts() (Timeouts, error)
	SetTimeouts(t Timeouts) error
	Daemons() ([]Daemon, error)
	NewDaemon(d Daemon) error
	DelDaemon(d Daemon) error
	Close() error
}
