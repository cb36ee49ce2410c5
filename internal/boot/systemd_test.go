package boot

import "testing"

func TestUnitOfCgroup(t *testing.T) {
	for in, want := range map[string]string{
		"0::/system.slice/ipvsadm.service\n":                      "ipvsadm.service",
		"12:pids:/\n0::/system.slice/ipvsadm.service\n":           "ipvsadm.service",
		"0::/user.slice/user-0.slice/session-3.scope\n":           "",
		"0::/system.slice/ipvsadm.service/ipvsadm-helper.scope\n": "",
		"": "",
	} {
		if got := unitOfCgroup(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestRestartJob(t *testing.T) {
	jobs := "1234 ipvsadm.service restart running\n1240 other.service start waiting\n"
	for _, tt := range []struct {
		jobs, unit string
		want       bool
	}{
		{jobs, "ipvsadm.service", true},
		{jobs, "other.service", false},
		{"1234 ipvsadm.service stop running\n", "ipvsadm.service", false},
		{"", "ipvsadm.service", false},
	} {
		if got := restartJob(tt.jobs, tt.unit); got != tt.want {
			t.Errorf("%q %s: %v", tt.jobs, tt.unit, got)
		}
	}
}
