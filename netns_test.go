package main

import (
	"reflect"
	"testing"

	"golang.org/x/sys/unix"
)

func TestNetnsArg(t *testing.T) {
	for _, tc := range []struct {
		args, rest []string
		name       string
		ok         bool
		err        string
	}{
		{args: []string{"ipvsadm", "-Ln"}, rest: []string{"ipvsadm", "-Ln"}},
		{args: []string{"ipvsadm"}, rest: []string{"ipvsadm"}},
		{args: []string{"ipvsadm", "-Ln", "--netns", "x"}, rest: []string{"ipvsadm", "-Ln", "--netns", "x"}},
		{args: []string{"ipvsadm", "--netns", "lab1", "-Ln"}, rest: []string{"ipvsadm", "-Ln"}, name: "lab1", ok: true},
		{args: []string{"ipvsadm", "--netns=lab1", "apply", "-"}, rest: []string{"ipvsadm", "apply", "-"}, name: "lab1", ok: true},
		{args: []string{"ipvsadm", "--netns", "lab1"}, rest: []string{"ipvsadm"}, name: "lab1", ok: true},
		{args: []string{"ipvsadm", "--netns"}, ok: true, err: "no namespace name given (see ipvsadm help --netns)"},
		{args: []string{"ipvsadm", "--netns="}, ok: true, err: `"": not a namespace name (a name under /run/netns; see ipvsadm help --netns)`},
		{args: []string{"ipvsadm", "--netns", "a/b"}, ok: true, err: `"a/b": not a namespace name (a name under /run/netns; see ipvsadm help --netns)`},
		{args: []string{"ipvsadm", "--netns", ".."}, ok: true, err: `"..": not a namespace name (a name under /run/netns; see ipvsadm help --netns)`},
		{args: []string{"ipvsadm", "--netnsx", "a"}, rest: []string{"ipvsadm", "--netnsx", "a"}},
	} {
		name, rest, ok, err := netnsArg(tc.args)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if name != tc.name || ok != tc.ok || gotErr != tc.err || (err == nil && !reflect.DeepEqual(rest, tc.rest)) {
			t.Errorf("netnsArg(%q) = %q, %q, %v, %q; want %q, %q, %v, %q", tc.args, name, rest, ok, gotErr, tc.name, tc.rest, tc.ok, tc.err)
		}
	}
}

// goHere runs f on another goroutine whose thread is in the caller's
// network namespace; as a user without privileges too (no setns is needed
// when the thread is there already).
func TestGoHere(t *testing.T) {
	var want, got unix.Stat_t
	if err := unix.Stat("/proc/thread-self/ns/net", &want); err != nil {
		t.Skip(err)
	}
	done := make(chan error, 1)
	goHere(func() { done <- unix.Stat("/proc/thread-self/ns/net", &got) })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got.Ino != want.Ino || got.Dev != want.Dev {
		t.Errorf("f ran in namespace %d, the caller is in %d", got.Ino, want.Ino)
	}
}
