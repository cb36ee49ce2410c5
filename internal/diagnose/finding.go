package diagnose

// Status is how a check came out.
type Status int

// Statuses, in increasing gravity.
const (
	OK Status = iota
	Warn
	Fail
)

var statusNames = [...]string{OK: "ok", Warn: "warn", Fail: "fail"}

// String is "ok", "warn" or "fail".
func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return "?"
	}
	return statusNames[s]
}

// MarshalText makes a Status its word in JSON.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Finding is the outcome of one check.
type Finding struct {
	Status Status `json:"status"`
	// Check names the check, stable for scripts: "vip-local",
	// "nat-replies", ... (the list is in docs/doctor.md).
	Check string `json:"check"`
	// Service and Server say what was checked, as -L -n prints them
	// ("TCP 172.16.1.143:80", "FWM 7"; "192.168.1.12:80"); empty for a
	// check of the host as a whole. In real-server mode Service is the
	// VIP argument it concerns.
	Service string `json:"service,omitempty"`
	Server  string `json:"server,omitempty"`
	// Message is what was found, with its evidence.
	Message string `json:"message"`
	// FixOn is the host the fix is for (a real server's address); empty:
	// the host doctor runs on.
	FixOn string `json:"fix_on,omitempty"`
	// Fix is the commands that repair it, one per element; none when
	// nothing is wrong or no command would do.
	Fix []string `json:"fix,omitempty"`
}

// Subject is what a finding is about, in text output.
func (f Finding) Subject(host string) string {
	switch {
	case f.Service != "" && f.Server != "":
		return f.Service + " -> " + f.Server
	case f.Service != "":
		return f.Service
	case f.Server != "":
		return f.Server
	}
	return host
}

// Failed reports whether any finding failed.
func Failed(fs []Finding) bool {
	for _, f := range fs {
		if f.Status == Fail {
			return true
		}
	}
	return false
}
