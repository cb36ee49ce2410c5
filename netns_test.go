package main

import (
	"reflect"
	"testing"
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
		{args: []string{"ipvsadm", "--netns"}, ok: true, err: "--netns needs a namespace name"},
		{args: []string{"ipvsadm", "--netns="}, ok: true, err: `--netns "": not a namespace name (a name under /run/netns)`},
		{args: []string{"ipvsadm", "--netns", "a/b"}, ok: true, err: `--netns "a/b": not a namespace name (a name under /run/netns)`},
		{args: []string{"ipvsadm", "--netns", ".."}, ok: true, err: `--netns "..": not a namespace name (a name under /run/netns)`},
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
