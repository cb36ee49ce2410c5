package dist

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// script is the completion script of shell as this source tree's
// program prints it (go run .. completion SHELL): the program passes its
// registry of subcommands to the generator, which only main holds.
func script(t *testing.T, shell string) string {
	t.Helper()
	s, err := scripts(shell)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var scripts = func() func(string) (string, error) {
	var mu sync.Mutex
	done := map[string]string{}
	return func(shell string) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		if s, ok := done[shell]; ok {
			return s, nil
		}
		cmd := exec.Command("go", "run", "..", "completion", shell)
		out, err := cmd.Output()
		if err != nil {
			return "", fmt.Errorf("go run .. completion %s: %v", shell, err)
		}
		done[shell] = string(out)
		return string(out), nil
	}
}()

// installed runs "make install" once into a temporary DESTDIR (building
// the binary into it too, so the work tree's ./ipvsadm is left alone) and
// returns DESTDIR.
var installed = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "ipvsadm-install-")
	if err != nil {
		return "", err
	}
	installedDir = dir
	cmd := exec.Command("make", "-C", "..", "install", "DESTDIR="+dir, "BIN="+filepath.Join(dir, "build", "ipvsadm"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return dir, &makeError{err, out}
	}
	return dir, nil
})

// installedDir is installed's DESTDIR, for TestMain to remove.
var installedDir string

type makeError struct {
	err error
	out []byte
}

func (e *makeError) Error() string { return "make install: " + e.err.Error() + "\n" + string(e.out) }

func destdir(t *testing.T) string {
	t.Helper()
	dir, err := installed()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestMain(m *testing.M) {
	st := m.Run()
	for _, dir := range []string{installedDir, builtDir} {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	os.Exit(st)
}

func TestInstallLayout(t *testing.T) {
	d := destdir(t)
	read := func(rel string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(d, rel))
		if err != nil {
			t.Error(err)
		}
		return string(b)
	}
	mode := func(rel string, want os.FileMode) {
		t.Helper()
		fi, err := os.Lstat(filepath.Join(d, rel))
		if err != nil {
			t.Error(err)
			return
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", rel, fi.Mode(), want)
		}
	}
	link := func(rel, want string) {
		t.Helper()
		got, err := os.Readlink(filepath.Join(d, rel))
		if err != nil || got != want {
			t.Errorf("%s: link to %q (%v), want %q", rel, got, err, want)
		}
	}

	mode("usr/sbin/ipvsadm", 0o755)
	built, _ := os.ReadFile(filepath.Join(d, "build", "ipvsadm"))
	if inst := read("usr/sbin/ipvsadm"); len(built) == 0 || inst != string(built) {
		t.Errorf("usr/sbin/ipvsadm is not the built binary")
	}
	link("usr/sbin/ipvsadm-save", "ipvsadm")
	link("usr/sbin/ipvsadm-restore", "ipvsadm")

	page, _ := os.ReadFile("../ipvsadm.8")
	mode("usr/share/man/man8/ipvsadm.8", 0o644)
	if read("usr/share/man/man8/ipvsadm.8") != string(page) {
		t.Errorf("installed ipvsadm.8 differs from ./ipvsadm.8")
	}
	for _, n := range []string{"ipvsadm-save", "ipvsadm-restore"} {
		rel := "usr/share/man/man8/" + n + ".8"
		mode(rel, 0o644)
		if got := read(rel); got != ".so man8/ipvsadm.8\n" {
			t.Errorf("%s = %q, want a .so link to ipvsadm.8", rel, got)
		}
	}

	mode("usr/share/bash-completion/completions/ipvsadm", 0o644)
	if read("usr/share/bash-completion/completions/ipvsadm") != script(t, "bash") {
		t.Errorf("installed bash completion differs from ipvsadm completion bash")
	}
	// bash-completion loads a completion by command name.
	link("usr/share/bash-completion/completions/ipvsadm-save", "ipvsadm")
	link("usr/share/bash-completion/completions/ipvsadm-restore", "ipvsadm")
	mode("usr/share/zsh/vendor-completions/_ipvsadm", 0o644)
	if read("usr/share/zsh/vendor-completions/_ipvsadm") != script(t, "zsh") {
		t.Errorf("installed zsh completion differs from ipvsadm completion zsh")
	}

	if !slices.Contains(units(), "ipvsadm.service") {
		t.Errorf("dist/*.service = %q, want ipvsadm.service among them", units())
	}
	for _, u := range units() {
		unit, _ := os.ReadFile(u)
		mode("lib/systemd/system/"+u, 0o644)
		if read("lib/systemd/system/"+u) != string(unit) {
			t.Errorf("with PREFIX=/usr the unit %s must be installed unchanged", u)
		}
	}

	rules, _ := os.ReadFile("ipvsadm.rules")
	mode("etc/ipvsadm.rules", 0o644)
	if read("etc/ipvsadm.rules") != string(rules) {
		t.Errorf("installed etc/ipvsadm.rules differs from dist/ipvsadm.rules")
	}
	for _, l := range strings.SplitAfter(string(rules), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			t.Errorf("dist/ipvsadm.rules must hold only comments, has %q", l)
		}
	}

	// Nothing else.
	want := expected()
	var extra []string
	filepath.Walk(d, func(p string, fi os.FileInfo, err error) error {
		rel, _ := filepath.Rel(d, p)
		if err == nil && !fi.IsDir() && !strings.HasPrefix(rel, "build/") && !want[rel] {
			extra = append(extra, rel)
		}
		return nil
	})
	if len(extra) > 0 {
		t.Errorf("unexpected files installed: %q", extra)
	}
}

// expected: what make install puts under DESTDIR with the default
// variables, each dist/*.service among it.
func expected() map[string]bool {
	m := map[string]bool{
		"usr/sbin/ipvsadm": true, "usr/sbin/ipvsadm-save": true, "usr/sbin/ipvsadm-restore": true,
		"usr/share/man/man8/ipvsadm.8": true, "usr/share/man/man8/ipvsadm-save.8": true,
		"usr/share/man/man8/ipvsadm-restore.8":                  true,
		"usr/share/bash-completion/completions/ipvsadm":         true,
		"usr/share/bash-completion/completions/ipvsadm-save":    true,
		"usr/share/bash-completion/completions/ipvsadm-restore": true,
		"usr/share/zsh/vendor-completions/_ipvsadm":             true,
		"etc/ipvsadm.rules":                                     true,
		"usr/sbin/ipvs_exporter":                                true,
		"usr/share/man/man8/ipvs_exporter.8":                    true,
		"usr/share/ipvs_exporter/ipvs-alerts.yml":               true,
		"usr/share/ipvs_exporter/ipvs-alerts_test.yml":          true,
		"usr/share/ipvs_exporter/grafana-dashboard.json":        true,
	}
	for _, u := range units() {
		m["lib/systemd/system/"+u] = true
	}
	return m
}

// units: the names of the systemd units in dist/.
func units() []string {
	us, _ := filepath.Glob("*.service")
	return us
}

// man finds ipvsadm-save and ipvsadm-restore in the installed tree and
// shows the ipvsadm page for them.
func TestInstalledManLinks(t *testing.T) {
	d := destdir(t)
	man, err := exec.LookPath("man")
	if err != nil {
		t.Fatal("man not found: apt-get install man-db")
	}
	for _, n := range []string{"ipvsadm", "ipvsadm-save", "ipvsadm-restore"} {
		cmd := exec.Command(man, "-M", filepath.Join(d, "usr/share/man"), "8", n)
		cmd.Env = append(os.Environ(), "MANPAGER=cat", "PAGER=cat", "MANWIDTH=80", "LC_ALL=C.UTF-8", "MANPATH=")
		out, err := cmd.CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte("IPVSADM(8)")) || !bytes.Contains(out, []byte("ipvsadm-restore")) {
			t.Errorf("man %s: %v\n%.300s", n, err, out)
		}
	}
}

// With another PREFIX the unit runs the binaries from there; installed
// that way (no DESTDIR) the unit's commands exist, so systemd-analyze can
// verify it.
func TestInstallPrefixUnit(t *testing.T) {
	d := destdir(t)
	p := t.TempDir()
	// An existing rules file is the administrator's: install keeps it.
	if err := os.MkdirAll(filepath.Join(p, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	mine := "-A -t 192.0.2.1:80 -s rr\n"
	if err := os.WriteFile(filepath.Join(p, "etc", "ipvsadm.rules"), []byte(mine), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("make", "-C", "..", "install",
		"PREFIX="+p+"/usr", "UNITDIR="+p+"/unit", "SYSCONFDIR="+p+"/etc", "BIN="+filepath.Join(d, "build", "ipvsadm"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make install PREFIX=%s: %v\n%s", p, err, out)
	}
	if b, _ := os.ReadFile(filepath.Join(p, "etc", "ipvsadm.rules")); string(b) != mine {
		t.Errorf("make install overwrote an existing ipvsadm.rules with %q", b)
	}
	unit, err := os.ReadFile(filepath.Join(p, "unit", "ipvsadm.service"))
	if err != nil {
		t.Fatal(err)
	}
	var execs []string
	for _, l := range strings.Split(string(unit), "\n") {
		if strings.HasPrefix(l, "Exec") {
			execs = append(execs, l)
		}
	}
	want := []string{
		"ExecStart=" + p + "/usr/sbin/ipvsadm-restore",
		"ExecReload=" + p + "/usr/sbin/ipvsadm-restore",
		"ExecStop=/bin/sh -c '" + p + "/usr/sbin/ipvsadm-save -n > " + p + "/etc/ipvsadm.rules.new && mv -f " + p + "/etc/ipvsadm.rules.new " + p + "/etc/ipvsadm.rules'",
		"ExecStop=" + p + "/usr/sbin/ipvsadm -C",
	}
	if strings.Join(execs, "\n") != strings.Join(want, "\n") {
		t.Errorf("unit commands:\n%s\nwant:\n%s", strings.Join(execs, "\n"), strings.Join(want, "\n"))
	}
	for _, l := range []string{"Type=oneshot", "RemainAfterExit=yes", "ConditionFileNotEmpty=" + p + "/etc/ipvsadm.rules",
		"StandardInput=file:" + p + "/etc/ipvsadm.rules", "After=network-online.target", "WantedBy=multi-user.target"} {
		if !strings.Contains(string(unit), "\n"+l+"\n") {
			t.Errorf("unit lacks %s", l)
		}
	}
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("systemd-analyze not installed: unit syntax not verified by systemd")
		return
	}
	out, err := exec.Command(sa, "verify", "--man=no", filepath.Join(p, "unit", "ipvsadm.service")).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// The installed binary answers to its names: these need main.go to hand
// "completion" to completion.Main and argv[0] to progname.Run. Neither
// touches IPVS, so they are safe on the host.
func TestInstalledBinary(t *testing.T) {
	d := destdir(t)
	sbin := filepath.Join(d, "usr", "sbin")
	run := func(argv0 string, args ...string) (string, string, int) {
		cmd := exec.Command(filepath.Join(sbin, argv0), args...)
		cmd.Stdin = strings.NewReader("")
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		st := 0
		if ee, ok := err.(*exec.ExitError); ok {
			st = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errb.String(), st
	}
	for _, sh := range []string{"bash", "zsh"} {
		want := script(t, sh)
		if out, errs, st := run("ipvsadm", "completion", sh); st != 0 || out != want || errs != "" {
			t.Errorf("ipvsadm completion %s: status %d, stderr %q, stdout matches: %v", sh, st, errs, out == want)
		}
	}
	if out, errs, st := run("ipvsadm", "completion", "fish"); st != 2 || out != "" || strings.Count(errs, "\n") != 1 {
		t.Errorf("ipvsadm completion fish: status %d, stdout %q, stderr %q; want 2 and one line", st, out, errs)
	}
	help := "ipvsadm-save: Script to save the IPVS table to stdout.\n" +
		"   With the -n option, prints out the table in numeric format.\n"
	if out, errs, st := run("ipvsadm-save", "-x"); st != 1 || out != "" || errs != help {
		t.Errorf("ipvsadm-save -x: status %d, stdout %q, stderr %q; want 1 and the help", st, out, errs)
	}
}

// pathWithoutGo is $PATH less each directory that holds a go command, as
// sudo's secure_path is when Go lives in /usr/local/go/bin.
func pathWithoutGo(t *testing.T) string {
	t.Helper()
	var keep []string
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if fi, err := os.Stat(filepath.Join(dir, "go")); err == nil && !fi.IsDir() {
			continue
		}
		keep = append(keep, dir)
	}
	p := strings.Join(keep, string(filepath.ListSeparator))
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatal(err)
	}
	return p
}

// runMake runs make in the repository with PATH set to path ("" keeps it)
// and returns its output and exit status.
func runMake(t *testing.T, path string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command("make", append([]string{"-C", ".."}, args...)...)
	if path != "" {
		env := []string{"PATH=" + path}
		for _, e := range os.Environ() {
			if !strings.HasPrefix(e, "PATH=") {
				env = append(env, e)
			}
		}
		cmd.Env = env
	}
	out, err := cmd.CombinedOutput()
	st := 0
	if ee, ok := err.(*exec.ExitError); ok {
		st = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), st
}

// "make && sudo make install": the second make has no Go on its PATH and
// must install the binary the first one built, not build it again.
func TestInstallWithoutGo(t *testing.T) {
	d := destdir(t)
	bin := filepath.Join(d, "build", "ipvsadm")
	before, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	path := pathWithoutGo(t)
	dest := t.TempDir()
	out, st := runMake(t, path, "install", "DESTDIR="+dest, "BIN="+bin)
	if st != 0 {
		t.Fatalf("make install without go on PATH: status %d\n%s", st, out)
	}
	if strings.Contains(out, "go build") {
		t.Errorf("make install built the binary again:\n%s", out)
	}
	if after, err := os.Stat(bin); err != nil || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("make install touched the built binary: %v", err)
	}
	got, _ := os.ReadFile(filepath.Join(dest, "usr/sbin/ipvsadm"))
	want, _ := os.ReadFile(bin)
	if len(got) == 0 || string(got) != string(want) {
		t.Errorf("installed usr/sbin/ipvsadm is not the built binary")
	}
	if b, _ := os.ReadFile(filepath.Join(dest, "usr/share/bash-completion/completions/ipvsadm")); string(b) != script(t, "bash") {
		t.Errorf("bash completion made without go differs from ipvsadm completion bash")
	}

	// A binary older than its sources (here: none at all) with no Go to
	// build it: one clear line, make's status 2, nothing installed.
	dest2 := t.TempDir()
	out, st = runMake(t, path, "install", "DESTDIR="+dest2, "BIN="+filepath.Join(t.TempDir(), "ipvsadm"))
	if st != 2 || !strings.Contains(out, "the Go toolchain is not found: run make as the user who has Go first") {
		t.Errorf("make install, no binary and no go: status %d\n%s", st, out)
	}
	if ents, _ := os.ReadDir(dest2); len(ents) != 0 {
		t.Errorf("make install without a binary installed %d entries", len(ents))
	}
}

// make uninstall takes away what make install put there: nothing but
// directories is left, and the rules file only while it is unchanged.
func TestUninstall(t *testing.T) {
	d := destdir(t)
	bin := filepath.Join(d, "build", "ipvsadm")
	files := func(root string) []string {
		var fs []string
		filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
			if err == nil && !fi.IsDir() {
				rel, _ := filepath.Rel(root, p)
				fs = append(fs, rel)
			}
			return nil
		})
		return fs
	}

	dest := t.TempDir()
	if out, st := runMake(t, "", "install", "DESTDIR="+dest, "BIN="+bin); st != 0 {
		t.Fatalf("make install: %d\n%s", st, out)
	}
	if n := len(files(dest)); n != len(expected()) {
		t.Fatalf("make install put %d files, want %d", n, len(expected()))
	}
	// uninstall needs no binary and no Go
	out, st := runMake(t, pathWithoutGo(t), "uninstall", "DESTDIR="+dest, "BIN="+filepath.Join(t.TempDir(), "none"))
	if st != 0 {
		t.Fatalf("make uninstall: %d\n%s", st, out)
	}
	if left := files(dest); len(left) > 0 {
		t.Errorf("make uninstall left %q", left)
	}

	// The administrator's rules stay, with a note on stderr.
	dest = t.TempDir()
	if out, st := runMake(t, "", "install", "DESTDIR="+dest, "BIN="+bin); st != 0 {
		t.Fatalf("make install: %d\n%s", st, out)
	}
	rules := filepath.Join(dest, "etc", "ipvsadm.rules")
	mine := "-A -t 192.0.2.1:80 -s rr\n"
	if err := os.WriteFile(rules, []byte(mine), 0o644); err != nil {
		t.Fatal(err)
	}
	out, st = runMake(t, "", "uninstall", "DESTDIR="+dest)
	if st != 0 || !strings.Contains(out, "ipvsadm.rules is kept: it is not the file install wrote") {
		t.Errorf("make uninstall with changed rules: status %d\n%s", st, out)
	}
	if b, _ := os.ReadFile(rules); string(b) != mine {
		t.Errorf("make uninstall changed the administrator's rules to %q", b)
	}
	if left := files(dest); len(left) != 1 || left[0] != "etc/ipvsadm.rules" {
		t.Errorf("make uninstall left %q, want only etc/ipvsadm.rules", left)
	}
}
