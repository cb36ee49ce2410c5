package grammar

import (
	"fmt"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// Command is the one command an ipvsadm invocation carries.
type Command int

const (
	CmdNone        Command = iota
	CmdAdd                 // -A
	CmdEdit                // -E
	CmdDel                 // -D
	CmdFlush               // -C
	CmdList                // -L / -l
	CmdAddDest             // -a
	CmdDelDest             // -d
	CmdEditDest            // -e
	CmdTimeout             // --set
	CmdStartDaemon         // --start-daemon
	CmdStopDaemon          // --stop-daemon
	CmdRestore             // -R
	CmdSave                // -S
	CmdZero                // -Z
)

var commandNames = [...]string{"", "add-service", "edit-service", "delete-service", "flush", "list",
	"add-server", "delete-server", "edit-server", "set", "start-daemon", "stop-daemon",
	"restore", "save", "zero"}

// String is the command's name in ipvsadm's messages ("add-service").
func (c Command) String() string {
	if c < 0 || int(c) >= len(commandNames) {
		return "?"
	}
	return commandNames[c]
}

// Option bits, one per option seen on the command line (ipvsadm's OPT_*).
type Option uint64

const (
	OptNumeric Option = 1 << iota
	OptConnection
	OptService
	OptScheduler
	OptPersistent
	OptNetmask
	OptServer
	OptForward
	OptWeight
	OptUThreshold
	OptLThreshold
	OptMcast
	OptTimeout
	OptDaemon
	OptStats
	OptRate
	OptThresholds
	OptPersistentConn
	OptNoSort
	OptSyncID
	OptExact
	OptOnePacket
	OptPE
	OptSchedFlags
	OptMcastGroup
	OptMcastPort
	OptMcastTTL
	OptSyncMaxLen
	OptTunInfo
	OptTunType
	OptTunPort
	OptTunNoCsum
	OptTunCsum
	OptTunRemCsum
	optionEnd
)

// optionCount is the number of option bits.
const optionCount = 34

var optionNames = [optionCount]string{"numeric", "connection", "service-address", "scheduler", "persistent",
	"netmask", "real-server", "forwarding-method", "weight", "u-threshold", "l-threshold",
	"mcast-interface", "timeout", "daemon", "stats", "rate", "thresholds", "persistent-conn",
	"nosort", "syncid", "exact", "ops", "pe", "sched-flags", "mcast-group", "mcast-port",
	"mcast-ttl", "sync-maxlen", "tun-info", "tun-type", "tun-port", "tun-nocsum", "tun-csum",
	"tun-remcsum"}

// The array above has one name per bit.
var _ [1]struct{} = [optionEnd >> optionCount]struct{}{}

// String is the option's name in ipvsadm's messages ("service-address")
// for a single bit, "?" otherwise.
func (o Option) String() string {
	for i := range optionNames {
		if o == 1<<i {
			return optionNames[i]
		}
	}
	return "?"
}

// Format bits select how lists print (ipvsadm's FMT_*).
type Format uint32

const (
	FmtNumeric Format = 1 << iota
	FmtRule           // -S: print as rules
	FmtStats
	FmtRate
	FmtThresholds
	FmtPersistentConn
	FmtNoSort
	FmtExact
	FmtTunInfo
	// FmtJSON (--json, an addition): list views print one JSON document.
	FmtJSON
)

// Request is one parsed command line: what to do and to what. Defaults
// (weight 1, -g, /32 netmask, wlc on add/edit, mcast interface on
// start-daemon, dest port = service port for -g/-i) are already applied.
type Request struct {
	Cmd      Command
	Options  Option
	Format   Format
	Service  ipvs.Service
	Dest     ipvs.Destination
	Timeouts ipvs.Timeouts
	Daemon   ipvs.Daemon
}

// Exit is an early end of an invocation: a parse error, help, version, or
// a failure, with exactly what ipvsadm would print and its exit status.
type Exit struct {
	Status int
	Stdout string
	Stderr string
	// Return marks an error after which ipvsadm's parse_options returns
	// -1 instead of exiting (popt errors past the first option, e.g.
	// "-s: missing argument"): under -R the following lines still run.
	// Status is then 255, what the -1 becomes when it is the last word.
	Return bool
}

func (e *Exit) Error() string {
	if e.Stderr != "" {
		return e.Stderr
	}
	return fmt.Sprintf("exit status %d", e.Status)
}

// StatusSegfault is the status where ipvsadm 1.31 dies of SIGSEGV ("-b ,",
// also as a line of -R); the program then ends by that signal, so that
// shells and wait(2) see what they see with ipvsadm. 139 is what a shell
// reports for it.
const StatusSegfault = 128 + 11
