// Package realserver holds what an LVS direct-routing (DR) or tunnelling
// real server needs, for the two front ends that care: arp-prep, which
// makes it so, and doctor, which checks it. Keeping the rules here means
// the two cannot disagree, and neither imports the other.
//
// The rules: net.ipv4.conf.{all,IFACE}.arp_ignore=1 and arp_announce=2
// (Wanted), each VIP on lo as a host address, /32 or /128, and on no other
// interface (Check, Misplaced). ParseVIP says which addresses can be a VIP;
// Addrs reads every address of this network namespace over rtnetlink,
// DefaultRoute its IPv4 default route.
//
// Everything but Addrs and DefaultRoute is pure: it works on a View of
// the kernel that the caller reads.
package realserver
