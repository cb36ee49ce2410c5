package kernelmsg

import (
	"syscall"
	"testing"
)

func TestMessage(t *testing.T) {
	tests := []struct {
		op    Op
		errno syscall.Errno
		want  string
	}{
		{AddService, syscall.EEXIST, "Service already exists"},
		{AddDest, syscall.EEXIST, "Destination already exists"},
		{UpdateDest, syscall.EEXIST, "File exists"},
		{DelService, syscall.ESRCH, "No such service"},
		{AddDest, syscall.ESRCH, "Service not defined"},
		{DelDest, syscall.ENOENT, "No such destination"},
		{AddService, syscall.ENOENT, "Scheduler or persistence engine not found"},
		{DelService, syscall.ENOENT, "No such file or directory"},
		{StopDaemon, syscall.ESRCH, "No daemon is running"},
		{StartDaemon, syscall.EEXIST, "Daemon has already run"},
		{Flush, syscall.EPERM, "Permission denied (you must be root)"},
		{AddService, syscall.EINVAL, "Invalid operation.  Possibly wrong module version, address not unicast, ..."},
		{SetTimeout, syscall.EBUSY, "Device or resource busy"},
		{Init, syscall.ENOPROTOOPT, "Protocol not available"},
		{Init, 524, "Unknown error 524"},
	}
	for _, tt := range tests {
		if got := Message(tt.op, tt.errno); got != tt.want {
			t.Errorf("Message(%d, %d) = %q, want %q", tt.op, tt.errno, got, tt.want)
		}
	}
}
