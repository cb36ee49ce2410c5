// Package sysctl reads and writes kernel parameters as plain files under
// /proc/sys, the way sysctl(8) does, without shelling out.
//
// Keys are typed and validated: every segment is checked so that a key can
// never name a path outside /proc/sys, and Write refuses any key outside a
// short allow-list (today only the per-interface ARP parameters that
// `ipvsadm arp-prep` manages). Reading is allowed for any valid key.
package sysctl
