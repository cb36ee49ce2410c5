package dist

import (
	"compress/gzip"
	"crypto/sha256"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// The .deb and .rpm that "make deb rpm" builds, in three versions: v1 with
// the version git describe gives, v2 above it with the same files, v3
// above that with another /etc/ipvsadm.rules (a conffile the package
// changed, for the upgrade rules of changed conffiles).
type pkgSet struct {
	dir      string
	versions [3]string
	debs     [3]string
	rpms     [3]string
	rules3   string // v3's /etc/ipvsadm.rules
}

// builtDir is built's folder, for TestMain to remove.
var builtDir string

var built = sync.OnceValues(func() (*pkgSet, error) {
	dir, err := os.MkdirTemp("", "ipvsadm-pkg-")
	if err != nil {
		return nil, err
	}
	builtDir = dir
	p := &pkgSet{dir: dir}
	bin := "BIN=" + filepath.Join(dir, "ipvsadm")
	mk := func(args ...string) error {
		out, err := exec.Command("make", append([]string{"-C", ".."}, args...)...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("make %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	v1 := filepath.Join(dir, "v1")
	if err := mk("deb", "rpm", "PKGDIR="+v1, bin); err != nil {
		return p, err
	}
	// The name of the .deb tells the version make derived.
	debs, _ := filepath.Glob(filepath.Join(v1, "*.deb"))
	if len(debs) != 1 {
		return p, fmt.Errorf("make deb made %q, want one .deb", debs)
	}
	name := filepath.Base(debs[0])
	p.versions[0] = strings.TrimSuffix(strings.TrimPrefix(name, "ipvsadm-go_"), "_"+runtime.GOARCH+".deb")
	p.versions[1] = p.versions[0] + "+1"
	p.versions[2] = p.versions[0] + "+2"
	if err := mk("deb", "rpm", "PKGDIR="+filepath.Join(dir, "v2"), bin, "PKGVERSION="+p.versions[1]); err != nil {
		return p, err
	}
	v3 := filepath.Join(dir, "v3")
	if err := mk("pkg-stage", "PKGDIR="+v3, bin, "PKGVERSION="+p.versions[2]); err != nil {
		return p, err
	}
	rules, err := os.ReadFile("ipvsadm.rules")
	if err != nil {
		return p, err
	}
	p.rules3 = string(rules) + "# (a line v3 added)\n"
	if err := os.WriteFile(filepath.Join(v3, "stage", "etc", "ipvsadm.rules"), []byte(p.rules3), 0o644); err != nil {
		return p, err
	}
	if err := mk("-o", "pkg-stage", "deb", "rpm", "PKGDIR="+v3, bin, "PKGVERSION="+p.versions[2]); err != nil {
		return p, err
	}
	for i := range 3 {
		d := filepath.Join(dir, "v"+fmt.Sprint(i+1))
		p.debs[i] = filepath.Join(d, "ipvsadm-go_"+p.versions[i]+"_"+runtime.GOARCH+".deb")
		rpms, _ := filepath.Glob(filepath.Join(d, "*.rpm"))
		if len(rpms) != 1 {
			return p, fmt.Errorf("make rpm made %q, want one .rpm", rpms)
		}
		p.rpms[i] = rpms[0]
		if _, err := os.Stat(p.debs[i]); err != nil {
			return p, err
		}
	}
	return p, nil
})

func pkgs(t *testing.T) *pkgSet {
	t.Helper()
	p, err := built()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func need(t *testing.T, cmds ...string) {
	t.Helper()
	for _, c := range cmds {
		if _, err := exec.LookPath(c); err != nil {
			t.Skipf("%s not found (make deps installs it)", c)
		}
	}
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: dpkg and rpm --root change owners and chroot into the root")
	}
}

// run runs a command and returns its combined output and exit status.
func run(t *testing.T, dir string, env []string, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader("")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return string(out), 0
}

// mustRun is run that fails the test on a non-zero status.
func mustRun(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, st := run(t, "", nil, name, args...)
	if st != 0 {
		t.Fatalf("%s %s: status %d\n%s", name, strings.Join(args, " "), st, out)
	}
	return out
}

// The version make derives from git describe, as dist/pkgversion.sh says.
func TestPkgVersionScript(t *testing.T) {
	for _, c := range []struct{ describe, count, want string }{
		{"v1.2.3", "", "1.2.3"},
		{"v1.2.3-dirty", "", "1.2.3+dirty"},
		{"v1.2.3-4-gabc1234", "", "1.2.3+git4.gabc1234"},
		{"v1.2.3-4-gabc1234-dirty", "", "1.2.3+git4.gabc1234.dirty"},
		{"v1.3.0-rc1", "", "1.3.0~rc1"},
		{"v1.3.0-rc1-2-gdeadbee", "", "1.3.0~rc1+git2.gdeadbee"},
		{"c8a370f", "121", "0.0~git121.gc8a370f"},
		{"c8a370f-dirty", "121", "0.0~git121.gc8a370f.dirty"},
		{"0123456789abcdef0123456789abcdef01234567", "7", "0.0~git7.g0123456789abcdef0123456789abcdef01234567"},
	} {
		out, st := run(t, "", nil, "sh", "pkgversion.sh", c.describe, c.count)
		if st != 0 || out != c.want+"\n" {
			t.Errorf("pkgversion.sh %q %q = %q, status %d; want %q", c.describe, c.count, out, st, c.want)
		}
	}
	for _, c := range []struct{ describe, count string }{
		{"unknown", "3"},  // no git
		{"c8a370f", ""},   // no count
		{"c8a370f", "x"},  // not a count
		{"1.2.3", "3"},    // a tag without v
		{"v1.2_3", ""},    // not a version character
		{"", "1"},         // nothing
		{"v1.2.3 x", "1"}, // a space
	} {
		out, st := run(t, "", nil, "sh", "pkgversion.sh", c.describe, c.count)
		if st != 2 || strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "pkgversion.sh: ") || !strings.Contains(out, "set PKGVERSION") {
			t.Errorf("pkgversion.sh %q %q: status %d, %q; want 2 and one line", c.describe, c.count, st, out)
		}
	}

	// Each version sorts above the one before it, for dpkg.
	if _, err := exec.LookPath("dpkg"); err == nil {
		order := []string{"0.0~git5.gabc1234", "0.0~git6.g0bcd123", "0.0~git6.g0bcd123.dirty", "1.2.3~rc1",
			"1.2.3~rc1+git2.gdeadbee", "1.2.3", "1.2.3+dirty", "1.2.3+git1.gabc1234", "1.2.3+git10.gabc1234", "1.2.4"}
		for i := 1; i < len(order); i++ {
			if _, st := run(t, "", nil, "dpkg", "--compare-versions", order[i-1], "lt", order[i]); st != 0 {
				t.Errorf("dpkg: %s is not below %s", order[i-1], order[i])
			}
		}
	}
}

// make deb and make rpm name their files after the version git describe
// gives, through pkgversion.sh.
func TestPackageVersion(t *testing.T) {
	p := pkgs(t)
	need(t, "git")
	desc := strings.TrimSpace(mustRun(t, "git", "-C", "..", "describe", "--tags", "--always", "--dirty"))
	count := strings.TrimSpace(mustRun(t, "git", "-C", "..", "rev-list", "--count", "HEAD"))
	want := strings.TrimSpace(mustRun(t, "sh", "pkgversion.sh", desc, count))
	if p.versions[0] != want {
		t.Errorf("make deb made version %q, want %q (git describe %s, %s commits)", p.versions[0], want, desc, count)
	}
	if base := filepath.Base(p.rpms[0]); !strings.HasPrefix(base, "ipvsadm-go-"+want+"-1.") {
		t.Errorf("make rpm made %s, want ipvsadm-go-%s-1.ARCH.rpm", base, want)
	}

	// A PKGVERSION given that dpkg or rpm would not take: one line, 2.
	for _, v := range []string{"1.2-3", "v1.2", "1.2 3"} {
		dir := t.TempDir()
		out, st := runMake(t, "", "deb", "PKGDIR="+dir, "BIN="+filepath.Join(p.dir, "ipvsadm"), "PKGVERSION="+v)
		if st != 2 || !strings.Contains(out, "make: PKGVERSION '"+v+"' must start with a digit and hold only letters, digits and . + ~\n") {
			t.Errorf("make deb PKGVERSION=%q: status %d\n%s", v, st, out)
		}
		if ents, _ := os.ReadDir(dir); len(ents) > 0 {
			t.Errorf("make deb PKGVERSION=%q made %d entries", v, len(ents))
		}
	}
}

// tree describes each file and link under root: "f MODE SHA256", "gz
// MODE SHA256" (of the content gunzipped) or "l TARGET"; directories are
// left out.
func tree(t *testing.T, root string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			m[rel] = "l " + target
		case fi.Mode().IsRegular() && strings.HasSuffix(p, ".gz"):
			m[rel] = gzDesc(fi.Mode().Perm(), gunzip(t, p))
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			m[rel] = fileDesc(fi.Mode().Perm(), string(b))
		case !fi.IsDir():
			m[rel] = "other " + fi.Mode().String()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func fileDesc(mode os.FileMode, content string) string {
	return fmt.Sprintf("f %04o %x", mode, sha256.Sum256([]byte(content)))
}

func gzDesc(mode os.FileMode, content string) string {
	return fmt.Sprintf("gz %04o %x", mode, sha256.Sum256([]byte(content)))
}

func gunzip(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return string(b)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type conffile struct {
	src  string
	mode os.FileMode
}

// bootConffiles are the settings (and, for RHEL, rules) files of the
// distribution's ipvsadm package that ours ships for ipvsadm boot.
func bootConffiles(kind string) map[string]conffile {
	if kind == "deb" {
		return map[string]conffile{"etc/default/ipvsadm": {"deb/ipvsadm.default", 0o644}}
	}
	return map[string]conffile{
		"etc/sysconfig/ipvsadm-config": {"rpm/ipvsadm-config", 0o600},
		"etc/sysconfig/ipvsadm":        {"rpm/ipvsadm.rules", 0o600},
	}
}

// contents is what the package of the given kind ("deb" or "rpm") must
// hold, as tree describes it; the binary is the one make built, the man
// pages gzipped, the units every dist/*.service. The Debian changelog,
// made at build time, is checked apart.
func contents(t *testing.T, kind string) map[string]string {
	t.Helper()
	p := pkgs(t)
	bin := readFile(t, filepath.Join(p.dir, "ipvsadm"))
	m := map[string]string{
		"usr/sbin/ipvsadm":                                      fileDesc(0o755, bin),
		"usr/sbin/ipvsadm-save":                                 "l ipvsadm",
		"usr/sbin/ipvsadm-restore":                              "l ipvsadm",
		"usr/share/bash-completion/completions/ipvsadm":         fileDesc(0o644, script(t, "bash")),
		"usr/share/bash-completion/completions/ipvsadm-save":    "l ipvsadm",
		"usr/share/bash-completion/completions/ipvsadm-restore": "l ipvsadm",
		"usr/share/zsh/vendor-completions/_ipvsadm":             fileDesc(0o644, script(t, "zsh")),
		"etc/ipvsadm.rules":                                     fileDesc(0o644, readFile(t, "ipvsadm.rules")),
	}
	m["usr/share/man/man8/ipvsadm.8.gz"] = gzDesc(0o644, readFile(t, "../ipvsadm.8"))
	m["usr/sbin/ipvs_exporter"] = fileDesc(0o755, readFile(t, "../ipvs_exporter"))
	m["usr/share/man/man8/ipvs_exporter.8.gz"] = gzDesc(0o644, readFile(t, "../exporter/ipvs_exporter.8"))
	for _, f := range []string{"ipvs-alerts.yml", "ipvs-alerts_test.yml", "grafana-dashboard.json"} {
		m["usr/share/ipvs_exporter/"+f] = fileDesc(0o644, readFile(t, "../exporter/monitoring/"+f))
	}
	for _, n := range []string{"ipvsadm-save", "ipvsadm-restore"} {
		m["usr/share/man/man8/"+n+".8.gz"] = gzDesc(0o644, ".so man8/ipvsadm.8\n")
	}
	for _, u := range units() {
		src := u
		if u == "ipvsadm.service" {
			src = kind + "/ipvsadm.service" // the package's own, running ipvsadm boot
		}
		m["usr/lib/systemd/system/"+u] = fileDesc(0o644, readFile(t, src))
	}
	for path, c := range bootConffiles(kind) {
		m[path] = fileDesc(c.mode, readFile(t, c.src))
	}
	switch kind {
	case "deb":
		m["usr/share/doc/ipvsadm-go/copyright"] = fileDesc(0o644, readFile(t, "copyright"))
		m["usr/share/lintian/overrides/ipvsadm-go"] = fileDesc(0o644, readFile(t, "lintian-overrides"))
		m["usr/share/doc/ipvsadm-go/changelog.gz"] = "(checked apart)"
	case "rpm":
		m["usr/share/licenses/ipvsadm-go/LICENSE"] = fileDesc(0o644, readFile(t, "../LICENSE"))
	}
	return m
}

// checkTree compares the package's files under root with contents (files
// under root that are not the package's are left alone, and so are the
// paths in skip).
func checkTree(t *testing.T, root, kind, version string, skip ...string) {
	t.Helper()
	got := tree(t, root)
	for path, want := range contents(t, kind) {
		g, ok := got[path]
		switch {
		case slices.Contains(skip, path):
		case !ok:
			t.Errorf("%s: missing", path)
		case path == "usr/share/doc/ipvsadm-go/changelog.gz":
			if cl := gunzip(t, filepath.Join(root, path)); !strings.HasPrefix(cl, "ipvsadm-go ("+version+") unstable; urgency=medium\n") {
				t.Errorf("changelog: %q", cl)
			}
		case g != want:
			t.Errorf("%s: %s, want %s", path, g, want)
		}
	}
}

func TestDebControl(t *testing.T) {
	need(t, "dpkg-deb")
	p := pkgs(t)
	deb := p.debs[0]
	fields := []string{"Package", "Version", "Architecture", "Section", "Priority", "Conflicts",
		"Replaces", "Provides", "Depends", "Pre-Depends", "Breaks", "Homepage"}
	got := mustRun(t, "dpkg-deb", append([]string{"-f", deb}, fields...)...)
	want := "Package: ipvsadm-go\nVersion: " + p.versions[0] + "\nArchitecture: " + runtime.GOARCH +
		"\nSection: net\nPriority: optional\nConflicts: ipvsadm\nReplaces: ipvsadm\n" +
		"Provides: ipvsadm (= 1:1.31)\nHomepage: https://github.com/lvsgo/ipvsadm\n"
	if got != want {
		t.Errorf("control fields:\n%s\nwant:\n%s", got, want)
	}
	if m := mustRun(t, "dpkg-deb", "-f", deb, "Maintainer"); !strings.Contains(m, "<") {
		t.Errorf("Maintainer %q has no address", m)
	}
	// apt show and the package managers' search tell what it adds.
	desc := mustRun(t, "dpkg-deb", "-f", deb, "Description")
	for _, w := range []string{`"ipvsadm doctor"`, `"ipvsadm top"`, `"ipvsadm arp-prep"`, `"ipvsadm apply"`} {
		if !strings.Contains(desc, w) {
			t.Errorf("Description does not name %s:\n%s", w, desc)
		}
	}
	ctl := t.TempDir()
	mustRun(t, "dpkg-deb", "-e", deb, ctl)
	var names []string
	ents, _ := os.ReadDir(ctl)
	for _, e := range ents {
		names = append(names, e.Name())
	}
	// the preinst that refuses to lose files, and the scripts that hand
	// Debian's ipvsadm's boot-time job to our unit (e2e/system tests them)
	if strings.Join(names, " ") != "conffiles control md5sums postinst postrm preinst prerm" {
		t.Errorf("control members %q", names)
	}
	if c := readFile(t, filepath.Join(ctl, "conffiles")); c != "/etc/default/ipvsadm\n/etc/ipvsadm.rules\n" {
		t.Errorf("conffiles = %q", c)
	}
	for _, s := range []string{"preinst", "postinst", "prerm", "postrm"} {
		if c := readFile(t, filepath.Join(ctl, s)); c != readFile(t, "deb-"+s) {
			t.Errorf("%s is not dist/deb-%s", s, s)
		}
	}
}

func TestDebFiles(t *testing.T) {
	need(t, "dpkg-deb")
	p := pkgs(t)
	x := t.TempDir()
	mustRun(t, "dpkg-deb", "-x", p.debs[0], x)
	checkTree(t, x, "deb", p.versions[0])
	want := contents(t, "deb")
	for path := range tree(t, x) {
		if _, ok := want[path]; !ok {
			t.Errorf("%s: in the .deb, not expected", path)
		}
	}
}

// lintian finds no error and no warning (it shows both by default); the
// one tag overridden is dist/lintian-overrides' statically-linked-binary.
// (--fail-on counts shown overrides, so the output is what is checked.)
func TestDebLintian(t *testing.T) {
	need(t, "lintian")
	p := pkgs(t)
	out, st := run(t, "", nil, "lintian", "--fail-on", "none", "--show-overrides", p.debs[0])
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l != "" && !strings.Contains(l, "running with root privileges") {
			lines = append(lines, l)
		}
	}
	want := []string{"O: ipvsadm-go: statically-linked-binary [usr/sbin/ipvs_exporter]",
		"O: ipvsadm-go: statically-linked-binary [usr/sbin/ipvsadm]"}
	if st != 0 || !slices.Equal(withoutNotes(lines), want) {
		t.Errorf("lintian: status %d\n%s", st, out)
	}
}

// withoutNotes drops lintian's "N:" lines (the overrides' comments).
func withoutNotes(lines []string) []string {
	var out []string
	for _, l := range lines {
		if !strings.HasPrefix(l, "N:") {
			out = append(out, l)
		}
	}
	return out
}

// A dpkg root: an empty dpkg database, the merged /usr of Debian since
// bookworm (/bin, /sbin, /lib links into /usr), /dev/null, a static busybox
// as sh and the few commands maintainer scripts run, the host's dpkg-query
// with its libraries (our preinst asks it), stand-in entries for the
// packages named in standins (installed, no files), and stubs that log to
// /tmp/calls.log for the init system helpers that Debian's ipvsadm
// scripts call.
func newDpkgRoot(t *testing.T, standins ...string) string {
	t.Helper()
	needRoot(t)
	need(t, "dpkg", "dpkg-query", "ldd")
	// not t.TempDir: a test name can put a % in the path, and apt's
	// configuration reads %3a in a quoted string as ':'
	r, err := os.MkdirTemp("", "dpkg-root-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(r) })
	for _, d := range []string{"var/lib/dpkg/info", "var/lib/dpkg/updates", "usr/bin", "usr/sbin",
		"usr/lib", "usr/lib64", "etc", "tmp", "dev"} {
		if err := os.MkdirAll(filepath.Join(r, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range []string{"bin", "sbin", "lib", "lib64"} {
		if err := os.Symlink("usr/"+l, filepath.Join(r, l)); err != nil {
			t.Fatal(err)
		}
	}
	// a character device where mknod is allowed, else a file: the
	// scripts only write to it
	if err := syscall.Mknod(filepath.Join(r, "dev/null"), syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Logf("mknod /dev/null in the root: %v; a plain file instead", err)
		os.WriteFile(filepath.Join(r, "dev/null"), nil, 0o666)
	}
	os.Chmod(filepath.Join(r, "dev/null"), 0o666)

	// the host's dpkg-query and what ldd says it loads
	dq, _ := exec.LookPath("dpkg-query")
	copyFile(t, dq, filepath.Join(r, "usr/bin/dpkg-query"), 0o755)
	for _, f := range strings.Fields(mustRun(t, "ldd", dq)) {
		if strings.HasPrefix(f, "/") {
			copyFile(t, f, filepath.Join(r, f), 0o755)
		}
	}
	for _, s := range []string{"update-rc.d", "invoke-rc.d", "deb-systemd-helper", "deb-systemd-invoke", "systemctl"} {
		stub := "#!/bin/sh\necho \"" + s + " $*\" >> /tmp/calls.log\n"
		if err := os.WriteFile(filepath.Join(r, "usr/sbin", s), []byte(stub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// busybox as sh and the other commands, where no file is yet
	bb := staticBusybox(t)
	copyFile(t, bb, filepath.Join(r, "usr/bin/busybox"), 0o755)
	for _, applet := range strings.Fields(mustRun(t, bb, "--list")) {
		if strings.Contains(applet, "/") {
			continue
		}
		if _, err := os.Lstat(filepath.Join(r, "usr/sbin", applet)); err == nil {
			continue
		}
		os.Symlink("busybox", filepath.Join(r, "usr/bin", applet)) // fails where a file is
	}

	// base-files owns the top directories, as on a real system: else
	// dpkg removes /sbin (the link) with the last package that has it
	var status strings.Builder
	for _, p := range append([]string{"base-files"}, standins...) {
		fmt.Fprintf(&status, "Package: %s\nStatus: install ok installed\nMaintainer: stand-in <nobody@example.org>\n"+
			"Architecture: all\nVersion: 99:1\nDescription: stand-in for a dependency\n\n", p)
		var list string
		if p == "base-files" {
			list = "/.\n/bin\n/etc\n/lib\n/lib64\n/sbin\n/usr\n/usr/bin\n/usr/lib\n/usr/lib64\n/usr/sbin\n/usr/share\n/var\n"
		}
		os.WriteFile(filepath.Join(r, "var/lib/dpkg/info", p+".list"), []byte(list), 0o644)
	}
	os.WriteFile(filepath.Join(r, "var/lib/dpkg/status"), []byte(status.String()), 0o644)
	os.WriteFile(filepath.Join(r, "var/lib/dpkg/available"), nil, 0o644)
	return r
}

// staticBusybox finds a busybox that needs no library (busybox-static).
func staticBusybox(t *testing.T) string {
	t.Helper()
	bb, err := exec.LookPath("busybox")
	if err != nil {
		t.Skip("busybox not found (make deps installs busybox-static)")
	}
	f, err := elf.Open(bb)
	if err != nil {
		t.Skipf("%s: %v", bb, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Skipf("%s is not statically linked (make deps installs busybox-static)", bb)
		}
	}
	return bb
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
}

// dpkgStatus: "STATUS VERSION" of pkg in the root, or "" when dpkg knows
// nothing of it.
func dpkgStatus(t *testing.T, r, pkg string) string {
	t.Helper()
	out, st := run(t, "", nil, "dpkg-query", "--admindir="+filepath.Join(r, "var/lib/dpkg"), "-W", "-f=${Status} ${Version}", pkg)
	if st != 0 {
		return ""
	}
	return out
}

func dpkgRoot(t *testing.T, r string, args ...string) (string, int) {
	t.Helper()
	return run(t, "", nil, "dpkg", append([]string{"--root=" + r}, args...)...)
}

func mustDpkgRoot(t *testing.T, r string, args ...string) string {
	t.Helper()
	out, st := dpkgRoot(t, r, args...)
	if st != 0 {
		t.Fatalf("dpkg --root %s: status %d\n%s", strings.Join(args, " "), st, out)
	}
	return out
}

// leftovers: files under r that are neither the root's scaffolding (those
// newDpkgRoot made) nor dpkg's own database.
func leftovers(t *testing.T, r string, scaffold map[string]string) []string {
	t.Helper()
	var left []string
	for p := range tree(t, r) {
		if _, ok := scaffold[p]; !ok && !strings.HasPrefix(p, "var/lib/dpkg/") {
			left = append(left, p)
		}
	}
	sort.Strings(left)
	return left
}

// Install into an empty root, upgrade keeping the administrator's rules,
// remove (the conffile stays), purge (it goes).
func TestDebLifecycle(t *testing.T) {
	need(t, "dpkg-deb")
	p := pkgs(t)
	r := newDpkgRoot(t)
	scaffold := tree(t, r)
	rules := filepath.Join(r, "etc/ipvsadm.rules")

	mustDpkgRoot(t, r, "-i", p.debs[0])
	if st := dpkgStatus(t, r, "ipvsadm-go"); st != "install ok installed "+p.versions[0] {
		t.Fatalf("after install: %q", st)
	}
	checkTree(t, r, "deb", p.versions[0])
	conff := mustRun(t, "dpkg-query", "--admindir="+filepath.Join(r, "var/lib/dpkg"), "-W", "-f=${Conffiles}", "ipvsadm-go")
	if f := strings.Fields(conff); len(f) != 4 || f[0] != "/etc/default/ipvsadm" || f[2] != "/etc/ipvsadm.rules" {
		t.Errorf("conffiles of the installed package: %q", conff)
	}
	// man reads the gzipped pages and follows the .so of the two others
	if _, err := exec.LookPath("man"); err == nil {
		for _, n := range []string{"ipvsadm", "ipvsadm-save", "ipvsadm-restore"} {
			out, st := run(t, "", []string{"MANPAGER=cat", "PAGER=cat", "MANWIDTH=80", "LC_ALL=C.UTF-8", "MANPATH="},
				"man", "-M", filepath.Join(r, "usr/share/man"), "8", n)
			if st != 0 || !strings.Contains(out, "IPVSADM(8)") {
				t.Errorf("man %s from the package: status %d\n%.300s", n, st, out)
			}
		}
	}

	// Upgrade with the same rules shipped: the administrator's stay, and
	// dpkg asks nothing (stdin is empty: a question would fail).
	mine := "-A -t 192.0.2.1:80 -s rr\n"
	if err := os.WriteFile(rules, []byte(mine), 0o644); err != nil {
		t.Fatal(err)
	}
	mustDpkgRoot(t, r, "-i", p.debs[1])
	if st := dpkgStatus(t, r, "ipvsadm-go"); st != "install ok installed "+p.versions[1] {
		t.Errorf("after upgrade: %q", st)
	}
	if got := readFile(t, rules); got != mine {
		t.Errorf("upgrade changed the administrator's rules to %q", got)
	}
	checkTree(t, r, "deb", p.versions[1], "etc/ipvsadm.rules")
	// Upgrade shipping other rules: dpkg would ask; kept with confold,
	// the package's beside them as .dpkg-dist.
	mustDpkgRoot(t, r, "--force-confold", "-i", p.debs[2])
	if got := readFile(t, rules); got != mine {
		t.Errorf("upgrade (confold) changed the administrator's rules to %q", got)
	}
	if got := readFile(t, rules+".dpkg-dist"); got != p.rules3 {
		t.Errorf("ipvsadm.rules.dpkg-dist = %q, want v3's rules", got)
	}
	os.Remove(rules + ".dpkg-dist")

	// Remove: the conffile stays, all else goes.
	mustDpkgRoot(t, r, "-r", "ipvsadm-go")
	if st := dpkgStatus(t, r, "ipvsadm-go"); st != "deinstall ok config-files "+p.versions[2] {
		t.Errorf("after remove: %q", st)
	}
	if left := leftovers(t, r, scaffold); !slices.Equal(left, []string{"etc/default/ipvsadm", "etc/ipvsadm.rules"}) {
		t.Errorf("after remove, left: %q", left)
	}
	if got := readFile(t, rules); got != mine {
		t.Errorf("remove changed the administrator's rules to %q", got)
	}
	// Purge: nothing is left.
	mustDpkgRoot(t, r, "-P", "ipvsadm-go")
	if st := dpkgStatus(t, r, "ipvsadm-go"); st != "" && !strings.HasPrefix(st, "unknown ok not-installed") {
		t.Errorf("after purge: %q", st)
	}
	if left := leftovers(t, r, scaffold); len(left) > 0 {
		t.Errorf("after purge, left: %q", left)
	}
	if log, err := os.ReadFile(filepath.Join(r, "tmp/calls.log")); err == nil {
		t.Errorf("our package ran init system commands:\n%s", log)
	}
}

// debianDebs: Debian's own ipvsadm packages to test the replacement
// against: $IPVSADM_DEBS (paths, space-separated), or those the VM tests
// cached ($CACHE/debs), or the host's candidate through apt-get download.
func debianDebs(t *testing.T) []string {
	t.Helper()
	if env := os.Getenv("IPVSADM_DEBS"); env != "" {
		return strings.Fields(env)
	}
	cache := os.Getenv("CACHE")
	if cache == "" {
		cache = "../.cache"
	}
	if debs, _ := filepath.Glob(filepath.Join(cache, "debs", "ipvsadm_*.deb")); len(debs) > 0 {
		return debs
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		t.Skip("no Debian ipvsadm package: set IPVSADM_DEBS, or run make e2e (caches one), or install apt")
	}
	d := t.TempDir()
	out, st := run(t, d, nil, "apt-get", "-q", "download", "ipvsadm")
	debs, _ := filepath.Glob(filepath.Join(d, "ipvsadm_*.deb"))
	if st != 0 || len(debs) != 1 {
		t.Skipf("no Debian ipvsadm package: apt-get download ipvsadm: status %d\n%s", st, out)
	}
	return debs
}

// depNames: the package names in a .deb's Depends and Pre-Depends.
func depNames(t *testing.T, deb string) []string {
	t.Helper()
	var names []string
	for _, field := range []string{"Depends", "Pre-Depends"} {
		out := mustRun(t, "dpkg-deb", "-f", deb, field)
		for _, dep := range strings.Split(out, ",") {
			alt := strings.TrimSpace(strings.Split(dep, "|")[0])
			if name := strings.Fields(alt); len(name) > 0 {
				names = append(names, name[0])
			}
		}
	}
	return names
}

// aptInRoot runs apt-get on the root r with a configuration of its own:
// none of the host's apt.conf.d (its DPkg::Post-Invoke hooks would run on
// the host), no sources, every state and cache in r, dpkg --root=r.
func aptInRoot(t *testing.T, r, dir string, args ...string) (string, int) {
	t.Helper()
	for _, d := range []string{"etc/apt/apt.conf.d", "etc/apt/sources.list.d", "etc/apt/preferences.d",
		"var/lib/apt/lists/partial", "var/cache/apt/archives/partial", "var/log/apt"} {
		os.MkdirAll(filepath.Join(r, d), 0o755)
	}
	conf := filepath.Join(r, "apt.conf")
	c := fmt.Sprintf(`Dir::Etc::Parts "%[1]s/etc/apt/apt.conf.d";
Dir::Etc::Main "/dev/null";
Dir::Etc::SourceList "/dev/null";
Dir::Etc::SourceParts "%[1]s/etc/apt/sources.list.d";
Dir::Etc::Preferences "/dev/null";
Dir::Etc::PreferencesParts "%[1]s/etc/apt/preferences.d";
Dir::State "%[1]s/var/lib/apt";
Dir::State::status "%[1]s/var/lib/dpkg/status";
Dir::Cache "%[1]s/var/cache/apt";
Dir::Log "%[1]s/var/log/apt";
Debug::NoLocking "true";
APT::Sandbox::User "root";
DPkg::Options { "--root=%[1]s"; "--force-confold"; };
`, r)
	if err := os.WriteFile(conf, []byte(c), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"APT_CONFIG=" + conf, "DEBIAN_FRONTEND=noninteractive"}
	if out, _ := run(t, "", env, "apt-config", "dump"); strings.Contains(strings.ToLower(out), "invoke") {
		t.Fatalf("apt configuration of the root still has hooks:\n%s", out)
	}
	return run(t, dir, env, "apt-get", append([]string{"-y", "-q"}, args...)...)
}

// Replacing Debian's ipvsadm with ours and going back, as the README says
// (apt install ./ipvsadm-go_*.deb, apt install ipvsadm), in a root where
// Debian's is installed with the administrator's rules: our files in
// place, the rules kept. And dpkg -i over Debian's ipvsadm with /sbin
// programs is refused, with nothing lost.
func TestDebReplacesDebian(t *testing.T) {
	need(t, "dpkg-deb")
	p := pkgs(t)
	for _, deb := range debianDebs(t) {
		t.Run(filepath.Base(deb), func(t *testing.T) {
			r := newDpkgRoot(t, depNames(t, deb)...)
			x := t.TempDir()
			mustRun(t, "dpkg-deb", "-x", deb, x)
			theirs := tree(t, x)
			sbin := "usr/sbin/ipvsadm"
			if _, ok := theirs["sbin/ipvsadm"]; ok {
				sbin = "sbin/ipvsadm"
			}
			theirBin := theirs[sbin]

			mustDpkgRoot(t, r, "-i", deb)
			if st := dpkgStatus(t, r, "ipvsadm"); !strings.HasPrefix(st, "install ok installed ") {
				t.Fatalf("Debian's ipvsadm: %q", st)
			}
			rules := filepath.Join(r, "etc/ipvsadm.rules")
			mine := "-A -t 192.0.2.1:80 -s rr\n"
			if err := os.WriteFile(rules, []byte(mine), 0o644); err != nil {
				t.Fatal(err)
			}
			// A director that loads its rules and runs a sync daemon at
			// boot keeps these settings, which ipvsadm boot reads.
			settings := filepath.Join(r, "etc/default/ipvsadm")
			mySettings := "AUTO=\"true\"\nDAEMON=\"master\"\nIFACE=\"eth1\"\nSYNCID=\"7\"\n"
			if err := os.WriteFile(settings, []byte(mySettings), 0o644); err != nil {
				t.Fatal(err)
			}

			if sbin == "sbin/ipvsadm" {
				out, st := dpkgRoot(t, r, "-i", p.debs[0])
				if st == 0 || !strings.Contains(out, "ipvsadm-go: dpkg would delete /usr/sbin/ipvsadm through the /sbin link when it removes ipvsadm: use apt install ./ipvsadm-go_*.deb, or dpkg -r ipvsadm first\n") {
					t.Errorf("dpkg -i over Debian's ipvsadm with /sbin programs: status %d\n%s", st, out)
				}
				if st := dpkgStatus(t, r, "ipvsadm"); !strings.HasPrefix(st, "install ok installed ") {
					t.Errorf("after the refused dpkg -i, Debian's ipvsadm: %q", st)
				}
				if got := tree(t, r)["usr/sbin/ipvsadm"]; got != theirBin {
					t.Errorf("after the refused dpkg -i, /usr/sbin/ipvsadm is %s, want Debian's", got)
				}
			}

			if _, err := exec.LookPath("apt-get"); err != nil {
				t.Log("apt-get not found: replacing with dpkg -r ipvsadm, dpkg -i ours")
				mustDpkgRoot(t, r, "-r", "ipvsadm")
				mustDpkgRoot(t, r, "--force-confold", "-i", p.debs[0])
			} else {
				out, st := aptInRoot(t, r, filepath.Dir(p.debs[0]), "install", "./"+filepath.Base(p.debs[0]))
				if st != 0 {
					t.Fatalf("apt install ./ipvsadm-go: status %d\n%s", st, out)
				}
			}
			if st := dpkgStatus(t, r, "ipvsadm-go"); st != "install ok installed "+p.versions[0] {
				t.Errorf("ipvsadm-go after the switch: %q", st)
			}
			if st := dpkgStatus(t, r, "ipvsadm"); strings.HasPrefix(st, "install ") {
				t.Errorf("Debian's ipvsadm after the switch: %q", st)
			}
			if got := readFile(t, rules); got != mine {
				t.Errorf("the switch changed the administrator's rules to %q", got)
			}
			if got := readFile(t, settings); got != mySettings {
				t.Errorf("the switch changed the administrator's /etc/default/ipvsadm to %q", got)
			}
			owner := mustRun(t, "dpkg-query", "--admindir="+filepath.Join(r, "var/lib/dpkg"), "-S", "/etc/default/ipvsadm")
			if strings.TrimSpace(owner) != "ipvsadm-go: /etc/default/ipvsadm" {
				t.Errorf("/etc/default/ipvsadm belongs to %q after the switch", owner)
			}
			os.Remove(rules + ".dpkg-dist")
			os.Remove(settings + ".dpkg-dist")
			checkTree(t, r, "deb", p.versions[0], "etc/ipvsadm.rules", "etc/default/ipvsadm")

			// Back to Debian's: apt removes ours through our Conflicts.
			if _, err := exec.LookPath("apt-get"); err != nil {
				mustDpkgRoot(t, r, "-r", "ipvsadm-go")
				mustDpkgRoot(t, r, "--force-confold", "-i", deb)
			} else {
				out, st := aptInRoot(t, r, filepath.Dir(deb), "install", "./"+filepath.Base(deb))
				if st != 0 {
					t.Fatalf("apt install ./%s: status %d\n%s", filepath.Base(deb), st, out)
				}
			}
			if st := dpkgStatus(t, r, "ipvsadm"); !strings.HasPrefix(st, "install ok installed ") {
				t.Errorf("Debian's ipvsadm after going back: %q", st)
			}
			if st := dpkgStatus(t, r, "ipvsadm-go"); strings.HasPrefix(st, "install ") {
				t.Errorf("ipvsadm-go after going back: %q", st)
			}
			now := tree(t, r)
			if now["usr/sbin/ipvsadm"] != theirBin {
				t.Errorf("after going back, /usr/sbin/ipvsadm is %s, want Debian's", now["usr/sbin/ipvsadm"])
			}
			for _, f := range []string{"usr/share/bash-completion/completions/ipvsadm", "usr/share/zsh/vendor-completions/_ipvsadm"} {
				if _, ok := now[f]; ok {
					t.Errorf("after going back, our %s is still there", f)
				}
			}
			if got := readFile(t, rules); got != mine {
				t.Errorf("going back changed the administrator's rules to %q", got)
			}
		})
	}
}

// nfpmPackage builds a small package with nfpm (the tool of ../tools)
// from config (nfpm.yaml text, with absolute paths) into dir and returns
// its path.
func nfpmPackage(t *testing.T, dir, config, packager string) string {
	t.Helper()
	conf := filepath.Join(dir, "nfpm.yaml")
	if err := os.WriteFile(conf, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out-"+packager)
	os.MkdirAll(out, 0o755)
	cmd := exec.Command("go", "tool", "nfpm", "package", "-f", conf, "-p", packager, "-t", out)
	cmd.Dir = "../tools"
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nfpm: %v\n%s", err, b)
	}
	ps, _ := filepath.Glob(filepath.Join(out, "*"))
	if len(ps) != 1 {
		t.Fatalf("nfpm made %q", ps)
	}
	return ps[0]
}

// Debian's keepalived and ldirectord depend on ipvsadm, some with a
// version: ours satisfies them through its versioned Provides.
func TestDebProvides(t *testing.T) {
	need(t, "dpkg-deb")
	p := pkgs(t)
	r := newDpkgRoot(t)
	d := t.TempDir()
	user := nfpmPackage(t, d, `name: ldirectord-standin
arch: all
version: 1.0.0
maintainer: test <nobody@example.org>
description: depends on ipvsadm
depends: ["ipvsadm (>= 1:1.26)"]
`, "deb")
	if out, st := dpkgRoot(t, r, "-i", user); st == 0 {
		t.Fatalf("a package that needs ipvsadm installed without it:\n%s", out)
	}
	mustDpkgRoot(t, r, "-i", p.debs[0])
	mustDpkgRoot(t, r, "--configure", "-a")
	if st := dpkgStatus(t, r, "ldirectord-standin"); st != "install ok installed 1.0.0" {
		t.Errorf("ipvsadm (>= 1:1.26) with ipvsadm-go installed: %q", st)
	}
}

// rpmRoot runs rpm on the root r, its database at /var/lib/rpm there
// (Debian's rpm would keep it under $HOME).
func rpmRoot(t *testing.T, r string, args ...string) (string, int) {
	t.Helper()
	return run(t, "", nil, "rpm", append([]string{"--root", r, "--dbpath", "/var/lib/rpm"}, args...)...)
}

func mustRPMRoot(t *testing.T, r string, args ...string) string {
	t.Helper()
	out, st := rpmRoot(t, r, args...)
	if st != 0 {
		t.Fatalf("rpm --root %s: status %d\n%s", strings.Join(args, " "), st, out)
	}
	return out
}

// lines: the non-empty lines of s, sorted.
func lines(s string) []string {
	var ls []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			ls = append(ls, l)
		}
	}
	sort.Strings(ls)
	return ls
}

func TestRPMQuery(t *testing.T) {
	need(t, "rpm")
	p := pkgs(t)
	q := func(args ...string) []string {
		t.Helper()
		out, st := run(t, "", nil, "rpm", append([]string{"-qp"}, append(args, p.rpms[0])...)...)
		if st != 0 {
			t.Fatalf("rpm -qp %s: status %d\n%s", strings.Join(args, " "), st, out)
		}
		return lines(out)
	}
	if got, want := q("--qf", "%{NAME} %{VERSION} %{RELEASE} %{LICENSE}\n"), "ipvsadm-go "+p.versions[0]+" 1 GPL-2.0-or-later"; len(got) != 1 || got[0] != want {
		t.Errorf("rpm header %q, want %q", got, want)
	}
	if got, want := q("--provides"), []string{"ipvsadm = 1.31", "ipvsadm-go = " + p.versions[0] + "-1"}; !slices.Equal(got, want) {
		t.Errorf("Provides %q, want %q", got, want)
	}
	if got := q("--conflicts"); !slices.Equal(got, []string{"ipvsadm"}) {
		t.Errorf("Conflicts %q, want ipvsadm", got)
	}
	if got := q("--obsoletes"); len(got) > 0 {
		t.Errorf("Obsoletes %q, want none", got)
	}
	for _, r := range q("--requires") {
		if !strings.HasPrefix(r, "rpmlib(") {
			t.Errorf("requires %q: the binary is static, it needs nothing", r)
		}
	}
	// %config(noreplace) and %license; no script
	var files []string
	for _, l := range q("--qf", "[%{FILEFLAGS:fflags}:%{FILENAMES}\n]") {
		files = append(files, l)
	}
	var want []string
	for path := range contents(t, "rpm") {
		flags := ""
		switch path {
		case "etc/ipvsadm.rules", "etc/sysconfig/ipvsadm", "etc/sysconfig/ipvsadm-config":
			flags = "cn"
		case "usr/share/licenses/ipvsadm-go/LICENSE":
			flags = "l"
		}
		want = append(want, flags+":/"+path)
	}
	sort.Strings(want)
	if !slices.Equal(files, want) {
		t.Errorf("files with flags:\n%s\nwant:\n%s", strings.Join(files, "\n"), strings.Join(want, "\n"))
	}
	if got := q("--scripts"); len(got) > 0 {
		t.Errorf("scripts %q, want none", got)
	}
}

// Install into an empty root, erase (an unchanged rules file goes);
// install, upgrade keeping the administrator's rules (%config(noreplace):
// the package's new ones as .rpmnew), erase (theirs saved as .rpmsave).
func TestRPMLifecycle(t *testing.T) {
	need(t, "rpm")
	needRoot(t)
	p := pkgs(t)
	r := t.TempDir()
	rules := filepath.Join(r, "etc/ipvsadm.rules")
	left := func() []string {
		var l []string
		for path := range tree(t, r) {
			if !strings.HasPrefix(path, "var/lib/rpm/") {
				l = append(l, path)
			}
		}
		sort.Strings(l)
		return l
	}

	mustRPMRoot(t, r, "-i", p.rpms[0])
	if got := strings.TrimSpace(mustRPMRoot(t, r, "-q", "--qf", "%{NAME} %{VERSION}", "ipvsadm-go")); got != "ipvsadm-go "+p.versions[0] {
		t.Errorf("rpm -q after install: %q", got)
	}
	checkTree(t, r, "rpm", p.versions[0])
	if got := lines(mustRPMRoot(t, r, "-qc", "ipvsadm-go")); !slices.Equal(got, []string{"/etc/ipvsadm.rules", "/etc/sysconfig/ipvsadm", "/etc/sysconfig/ipvsadm-config"}) {
		t.Errorf("rpm -qc: %q", got)
	}
	mustRPMRoot(t, r, "-e", "ipvsadm-go")
	if l := left(); len(l) > 0 {
		t.Errorf("after erase, left: %q", l)
	}

	mustRPMRoot(t, r, "-i", p.rpms[0])
	mine := "-A -t 192.0.2.1:80 -s rr\n"
	if err := os.WriteFile(rules, []byte(mine), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRPMRoot(t, r, "-U", p.rpms[1])
	if got := readFile(t, rules); got != mine {
		t.Errorf("upgrade changed the administrator's rules to %q", got)
	}
	if _, err := os.Stat(rules + ".rpmnew"); err == nil {
		t.Errorf("upgrade with the same rules shipped made an .rpmnew")
	}
	checkTree(t, r, "rpm", p.versions[1], "etc/ipvsadm.rules")
	mustRPMRoot(t, r, "-U", p.rpms[2])
	if got := readFile(t, rules); got != mine {
		t.Errorf("upgrade (new rules shipped) changed the administrator's rules to %q", got)
	}
	if got := readFile(t, rules+".rpmnew"); got != p.rules3 {
		t.Errorf("ipvsadm.rules.rpmnew = %q, want v3's rules", got)
	}
	os.Remove(rules + ".rpmnew")
	mustRPMRoot(t, r, "-e", "ipvsadm-go")
	if l := left(); !slices.Equal(l, []string{"etc/ipvsadm.rules.rpmsave"}) {
		t.Errorf("after erase, left: %q", l)
	}
	if got := readFile(t, rules+".rpmsave"); got != mine {
		t.Errorf("ipvsadm.rules.rpmsave = %q, want the administrator's rules", got)
	}
}

// Against an rpm named ipvsadm (as Fedora's): rpm refuses to install both;
// a package that requires ipvsadm >= 1.26 is satisfied by ours.
func TestRPMConflictsProvides(t *testing.T) {
	need(t, "rpm")
	needRoot(t)
	p := pkgs(t)
	d := t.TempDir()
	os.WriteFile(filepath.Join(d, "ipvsadm"), []byte("#!/bin/sh\n"), 0o755)
	distro := nfpmPackage(t, d, `name: ipvsadm
arch: all
version: 1.31
maintainer: test <nobody@example.org>
description: stands in for the distribution's ipvsadm
contents:
  - {src: `+filepath.Join(d, "ipvsadm")+`, dst: /usr/sbin/ipvsadm}
`, "rpm")
	d2 := t.TempDir()
	user := nfpmPackage(t, d2, `name: ldirectord-standin
arch: all
version: 1.0.0
maintainer: test <nobody@example.org>
description: requires ipvsadm
depends: ["ipvsadm >= 1.26"]
`, "rpm")

	r := t.TempDir()
	mustRPMRoot(t, r, "-i", distro)
	if out, st := rpmRoot(t, r, "-i", p.rpms[0]); st == 0 || !strings.Contains(out, "conflicts with") {
		t.Errorf("rpm -i ipvsadm-go over ipvsadm: status %d\n%s", st, out)
	}
	// what dnf install --allowerasing does in one transaction
	mustRPMRoot(t, r, "-e", "ipvsadm")
	mustRPMRoot(t, r, "-i", p.rpms[0])
	checkTree(t, r, "rpm", p.versions[0])
	mustRPMRoot(t, r, "-i", user)
	if out, st := rpmRoot(t, r, "-i", distro); st == 0 || !strings.Contains(out, "conflicts with") {
		t.Errorf("rpm -i ipvsadm over ipvsadm-go: status %d\n%s", st, out)
	}
}
