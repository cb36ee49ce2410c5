package arpprep

import (
	"errors"
	"fmt"
	"strings"
)

// Unit is the systemd unit that runs `ipvsadm arp-prep --boot` at boot
// (dist/ipvsadm-arp-prep.service).
const Unit = "ipvsadm-arp-prep.service"

// Systemctl runs systemctl(1) with args and returns what it printed,
// standard output and error together. It returns ErrNoSystemctl when the
// host has none; a nil Systemctl means the same.
type Systemctl func(args ...string) (string, error)

// ErrNoSystemctl is the error of a Systemctl on a host without systemd.
var ErrNoSystemctl = errors.New("no systemctl")

// unitState is what --persist needs to know of the unit.
type unitState struct {
	systemd bool // systemctl exists
	enabled bool // enabled for the next boot
}

// queryUnit asks systemctl whether Unit is enabled. Only "enabled" counts:
// "enabled-runtime" is gone at reboot, the one thing that matters here.
func queryUnit(sc Systemctl) (unitState, error) {
	if sc == nil {
		return unitState{}, nil
	}
	out, err := sc("is-enabled", Unit)
	if errors.Is(err, ErrNoSystemctl) {
		return unitState{}, nil
	}
	first, _, _ := strings.Cut(strings.TrimSpace(out), "\n")
	if err != nil && first == "" {
		return unitState{}, fmt.Errorf("systemctl is-enabled %s: %v", Unit, err)
	}
	// is-enabled exits non-zero for every state but enabled ones, and says
	// which on standard output: not an error here.
	return unitState{systemd: true, enabled: first == "enabled"}, nil
}

// setUnit enables or disables Unit; systemctl's own message on failure.
func setUnit(sc Systemctl, enable bool) error {
	verb := "disable"
	if enable {
		verb = "enable"
	}
	out, err := sc(verb, Unit)
	if err == nil {
		return nil
	}
	msg := strings.Join(strings.Fields(out), " ")
	if msg == "" {
		msg = err.Error()
	}
	hint := ""
	if enable {
		hint = fmt.Sprintf(" (is %s installed? make install puts it in /lib/systemd/system)", Unit)
	}
	return fmt.Errorf("systemctl %s %s: %s%s", verb, Unit, msg, hint)
}
