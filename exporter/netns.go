package main

import (
	"fmt"
	"strings"

	"github.com/lvsgo/ipvsadm/internal/netns"
)

// enterNetns moves the calling (main) thread into /run/netns/NAME, as
// ipvsadm --netns does.
func enterNetns(name string) error {
	if name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return fmt.Errorf("%q: not a namespace name (a name under %s)", name, netns.Dir)
	}
	return netns.Enter(name)
}
