package kmod

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Modules is the module list of one system: Sys is its /sys/module
// directory and Delete the delete_module(2) call (both replaceable in
// tests).
type Modules struct {
	Sys    string
	Delete func(name string) error
}

// System is this machine's modules.
func System() Modules {
	return Modules{Sys: "/sys/module", Delete: func(name string) error {
		return unix.DeleteModule(name, unix.O_NONBLOCK)
	}}
}

// Loaded says whether the module is loaded (built-in modules have no
// refcnt file and cannot be unloaded; they count as not loaded here).
func (m Modules) Loaded(name string) bool {
	_, err := os.Stat(filepath.Join(m.Sys, name, "refcnt"))
	return err == nil
}

// Unload removes the module after, recursively, the modules holding it.
// A module that is not loaded is no error.
func (m Modules) Unload(name string) error {
	return m.unload(name, 0)
}

func (m Modules) unload(name string, depth int) error {
	if depth > 32 {
		return fmt.Errorf("%s: module holders nest too deep", name)
	}
	if !m.Loaded(name) {
		return nil
	}
	holders, err := os.ReadDir(filepath.Join(m.Sys, name, "holders"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	for _, h := range holders {
		if err := m.unload(h.Name(), depth+1); err != nil {
			return err
		}
	}
	if err := m.Delete(name); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	return nil
}
