//go:build system

package system

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// bootTimeout bounds one boot of the guest with its step: generous, as TCG
// on a loaded 2-core machine is slow; a boot that takes longer has hung.
const bootTimeout = 10 * time.Minute

// releases: the Debian releases to test, $SYSTEM_RELEASES or both.
func releases() []string {
	if r := os.Getenv("SYSTEM_RELEASES"); r != "" {
		return strings.Fields(r)
	}
	return []string{"bookworm", "trixie"}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	r, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func cacheDir(t *testing.T) string {
	if c := os.Getenv("CACHE"); c != "" {
		return c
	}
	return filepath.Join(repoRoot(t), ".cache")
}

// images: one build of each release's image per test run, shared by the
// parallel tests that boot it (mkimage.sh also locks, for other processes).
var images sync.Map // release -> func() (string, error)

// image builds (or finds cached) the release's image and returns its
// directory.
func image(t *testing.T, rel string) string {
	t.Helper()
	root, cache := repoRoot(t), cacheDir(t)
	build, _ := images.LoadOrStore(rel, sync.OnceValues(func() (string, error) {
		cmd := exec.Command(filepath.Join(root, "e2e/system/mkimage.sh"), rel)
		cmd.Env = append(os.Environ(), "CACHE="+cache)
		if b, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("mkimage.sh %s: %v\n%s", rel, err, b)
		}
		return filepath.Join(cache, "system-"+rel), nil
	}))
	dir, err := build.(func() (string, error))()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// debs: the ipvsadm-go packages make e2e-system built: $SYSTEM_DEB (the
// current one) and $SYSTEM_DEB_OLD (an older version, for the upgrade).
func deb(t *testing.T, env string) string {
	t.Helper()
	p := os.Getenv(env)
	if p == "" {
		t.Fatalf("$%s is not set: run make e2e-system", env)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// boot is one step's result: its output (sections split by "==== name"
// lines), its exit status and the boot's systemd-analyze time.
type boot struct {
	out  string
	rc   int
	time string
}

// section: the lines after "==== name" up to the next section.
func (b boot) section(name string) string {
	var out []string
	in := false
	for _, l := range strings.Split(b.out, "\n") {
		if strings.HasPrefix(l, "==== ") {
			in = l == "==== "+name
			continue
		}
		if in {
			out = append(out, l)
		}
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// stepLib: shell functions every step has.
const stepLib = `sec() { echo "==== $1"; }
# a loaded host slows the guest's systemd past systemctl's 25 s bus timeout
export SYSTEMD_BUS_TIMEOUT=600
# masked: the ipvsadm units masked (linked to /dev/null) in /etc or /run
masked() {
	for f in /etc/systemd/system/ipvsadm*.service /run/systemd/system/ipvsadm*.service; do
		[ "$(readlink "$f")" != /dev/null ] || echo "$f"
	done
}
export DEBIAN_FRONTEND=noninteractive
APT="apt-get -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold"
`

// run boots the release's image on a fresh overlay with the files (name in
// /job: host path) and runs steps[i] at boot i+1, the guest rebooting
// between them and powering off after the last. Each step must exit 0.
func run(t *testing.T, rel string, files map[string]string, steps ...string) []boot {
	t.Helper()
	img := image(t, rel)
	tmp := t.TempDir()
	job := filepath.Join(tmp, "job")
	if err := os.Mkdir(job, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, from := range files {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(job, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range steps {
		if err := os.WriteFile(filepath.Join(job, fmt.Sprintf("step%d.sh", i+1)), []byte(stepLib+s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	overlay := filepath.Join(tmp, "disk.qcow2")
	if b, err := exec.Command("qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw",
		"-b", filepath.Join(img, "disk.img"), overlay).CombinedOutput(); err != nil {
		t.Fatalf("qemu-img create: %v\n%s", err, b)
	}
	console := filepath.Join(tmp, "console.log")
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(len(steps))*bootTimeout)
	defer cancel()
	// One host thread for both vCPUs, as e2e/vm/run.sh (QEMU 7.2's MTTCG
	// races the kernel's live patching); the guest's reboots stay in this
	// qemu (no -no-reboot), its poweroff ends it.
	cmd := exec.CommandContext(ctx, "qemu-system-x86_64", "-accel", "tcg,thread=single",
		"-m", "1024", "-smp", "2", "-no-user-config", "-nodefaults", "-nographic",
		"-kernel", filepath.Join(img, "vmlinuz"), "-initrd", filepath.Join(img, "initrd.img"),
		"-append", "root=/dev/vda rw console=ttyS0 net.ifnames=0 quiet",
		"-drive", "file="+overlay+",if=virtio,format=qcow2",
		"-virtfs", "local,path="+job+",mount_tag=job,security_model=none,id=job",
		"-netdev", "user,id=n0,restrict=on", "-device", "virtio-net-pci,netdev=n0,romfile=",
		"-serial", "file:"+console, "-monitor", "none")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	tail := func() string {
		b, _ := os.ReadFile(console)
		s := strings.ReplaceAll(string(b), "\r", "")
		if len(s) > 6000 {
			s = s[len(s)-6000:]
		}
		return s
	}
	if ctx.Err() != nil {
		t.Fatalf("%s: the guest did not power off within %v (%d steps); console:\n%s", rel, time.Duration(len(steps))*bootTimeout, len(steps), tail())
	}
	if err != nil {
		t.Fatalf("%s: qemu: %v\n%s\nconsole:\n%s", rel, err, out, tail())
	}
	var res []boot
	for i := range steps {
		n := i + 1
		o, err := os.ReadFile(filepath.Join(job, fmt.Sprintf("out%d", n)))
		if err != nil {
			t.Fatalf("%s: boot %d ran no step (%v); console:\n%s", rel, n, err, tail())
		}
		rcb, _ := os.ReadFile(filepath.Join(job, fmt.Sprintf("rc%d", n)))
		rc, err := strconv.Atoi(strings.TrimSpace(string(rcb)))
		if err != nil {
			t.Fatalf("%s: boot %d: no exit status (%q)", rel, n, rcb)
		}
		tb, _ := os.ReadFile(filepath.Join(job, fmt.Sprintf("time%d", n)))
		b := boot{out: string(o), rc: rc, time: strings.TrimSpace(strings.SplitN(string(tb), "\n", 2)[0])}
		t.Logf("%s boot %d: %s", rel, n, b.time)
		if rc != 0 {
			t.Fatalf("%s: step %d: exit status %d\n%s", rel, n, rc, o)
		}
		res = append(res, b)
	}
	if nb, _ := os.ReadFile(filepath.Join(job, "boots")); strings.TrimSpace(string(nb)) != strconv.Itoa(len(steps)) {
		t.Fatalf("%s: %s boots, want %d", rel, strings.TrimSpace(string(nb)), len(steps))
	}
	t.Logf("%s: %d boots in %v", rel, len(steps), took.Round(time.Second))
	return res
}

// perRelease runs f as a parallel subtest for each release, the test itself
// parallel too: the VMs of all tests share -parallel (GOMAXPROCS) slots.
func perRelease(t *testing.T, f func(t *testing.T, rel string)) {
	t.Parallel()
	for _, rel := range releases() {
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			f(t, rel)
		})
	}
}
