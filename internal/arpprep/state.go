package arpprep

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// DefaultStatePath is where the saved sysctl values and prepared VIPs live
// when the network namespace cannot be told. /run is cleared at boot,
// exactly when the kernel forgets both.
const DefaultStatePath = "/run/ipvsadm/arp-prep.json"

// StatePath is the state file of the caller's network namespace: sysctls and
// addresses belong to a namespace, and several namespaces (containers, the
// test labs) share one /run. A namespace's inode number is unique while it
// lives, and /run does not outlive the boot.
func StatePath() string {
	var st syscall.Stat_t
	if err := syscall.Stat("/proc/self/ns/net", &st); err != nil {
		return DefaultStatePath
	}
	return fmt.Sprintf("/run/ipvsadm/arp-prep-net%d.json", st.Ino)
}

// Store keeps State between runs.
type Store interface {
	Load() (State, error)
	Save(State) error // an empty State removes the record
}

// FileStore is a Store in one JSON file.
type FileStore struct {
	Path string
}

// Load implements Store; a missing file is an empty State.
func (f FileStore) Load() (State, error) {
	var st State
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("reading saved state: %v", err)
	}
	// Keys are validated while decoding (sysctl.Key.UnmarshalText).
	if err := json.Unmarshal(b, &st); err != nil {
		return State{}, fmt.Errorf("saved state %s is damaged: %v", f.Path, err)
	}
	return st, nil
}

// Save implements Store, replacing the file atomically.
func (f FileStore) Save(st State) error {
	if st.Empty() {
		if err := os.Remove(f.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("removing saved state: %v", err)
		}
		return nil
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(f.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("saving state: %v", err)
	}
	tmp, err := os.CreateTemp(dir, ".arp-prep-*")
	if err != nil {
		return fmt.Errorf("saving state: %v", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("saving state: %v", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving state: %v", err)
	}
	if err := os.Rename(tmp.Name(), f.Path); err != nil {
		return fmt.Errorf("saving state: %v", err)
	}
	return nil
}
