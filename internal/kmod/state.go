package kmod

import (
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// State is whether a kernel module is there, and how.
type State int

// Module states. Unknown: neither /sys/module nor the module lists could
// say (they were unreadable).
const (
	Unknown State = iota
	Loaded
	Builtin
	Loadable
	Missing
)

// String is the state in words ("built in").
func (s State) String() string {
	switch s {
	case Unknown:
		return "unknown"
	case Loaded:
		return "loaded"
	case Builtin:
		return "built in"
	case Loadable:
		return "loadable"
	case Missing:
		return "missing"
	}
	return "?"
}

// StateOf judges a module from what the system says of it: whether
// /sys/module/NAME exists and has a refcnt (a loaded module; a built-in
// one has parameters there but no refcnt), and the text of
// modules.builtin and modules.dep ("" when unreadable).
func StateOf(name string, inSys, refcnt bool, builtin, dep string) State {
	switch {
	case inSys && refcnt:
		return Loaded
	case inSys:
		return Builtin
	case listsModule(builtin, name, false):
		return Builtin
	case listsModule(dep, name, true):
		return Loadable
	case builtin == "" && dep == "":
		return Unknown
	}
	return Missing
}

// listsModule says whether a modules.builtin or modules.dep text names
// the module (file names may spell '_' as '-', and be compressed).
// modules.dep names a module as loadable only left of its colon: on the
// right it is a dependency, which says nothing of this kernel's build.
func listsModule(text, name string, dep bool) bool {
	want := strings.ReplaceAll(name, "-", "_")
	for _, line := range strings.Split(text, "\n") {
		if dep {
			line, _, _ = strings.Cut(line, ":")
		}
		base := path.Base(strings.TrimSpace(line))
		for _, ext := range []string{".xz", ".zst", ".gz"} {
			base = strings.TrimSuffix(base, ext)
		}
		base, ok := strings.CutSuffix(base, ".ko")
		if ok && strings.ReplaceAll(base, "-", "_") == want {
			return true
		}
	}
	return false
}

// Lists is the running kernel's modules.builtin and modules.dep, read
// once (they are large, and a caller may ask about many modules).
type Lists struct {
	Dir          string // /lib/modules/$(uname -r) when empty
	builtin, dep *string
}

// State says whether the module is loaded, built in, loadable or missing,
// looking only: nothing is loaded. sys is the /sys/module directory.
func (l *Lists) State(sys, name string) State {
	dir := filepath.Join(sys, name)
	_, err := os.Stat(dir)
	inSys := err == nil
	_, err = os.Stat(filepath.Join(dir, "refcnt"))
	refcnt := err == nil
	if l.builtin == nil {
		mdir := l.Dir
		if mdir == "" {
			var u unix.Utsname
			if unix.Uname(&u) == nil {
				mdir = filepath.Join("/lib/modules", unix.ByteSliceToString(u.Release[:]))
			}
		}
		b, _ := os.ReadFile(filepath.Join(mdir, "modules.builtin"))
		d, _ := os.ReadFile(filepath.Join(mdir, "modules.dep"))
		bs, ds := string(b), string(d)
		l.builtin, l.dep = &bs, &ds
	}
	return StateOf(name, inSys, refcnt, *l.builtin, *l.dep)
}
