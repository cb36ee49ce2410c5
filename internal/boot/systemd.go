package boot

import (
	"bufio"
	"os"
	"os/exec"
	"path"
	"strings"
)

// SystemdRestarting says whether systemd runs this process as the stop half of a
// restart of our unit: systemd tells ExecStop nothing about why it runs,
// but the unit's job in the queue has the type "restart".
func SystemdRestarting() bool {
	if os.Getenv("INVOCATION_ID") == "" {
		return false
	}
	cg, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return false
	}
	unit := unitOfCgroup(string(cg))
	if unit == "" {
		return false
	}
	out, err := exec.Command("systemctl", "list-jobs", "--no-legend", "--no-pager").Output()
	if err != nil {
		return false
	}
	return restartJob(string(out), unit)
}

// unitOfCgroup is the service whose cgroup /proc/self/cgroup names
// ("0::/system.slice/ipvsadm.service"), or "".
func unitOfCgroup(text string) string {
	for _, line := range strings.Split(text, "\n") {
		if p, ok := strings.CutPrefix(line, "0::"); ok {
			if base := path.Base(p); strings.HasSuffix(base, ".service") {
				return base
			}
		}
	}
	return ""
}

// restartJob says whether `systemctl list-jobs --no-legend` lists a
// restart job for unit (columns: JOB UNIT TYPE STATE).
func restartJob(listJobs, unit string) bool {
	sc := bufio.NewScanner(strings.NewReader(listJobs))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 3 && f[1] == unit && f[2] == "restart" {
			return true
		}
	}
	return false
}
