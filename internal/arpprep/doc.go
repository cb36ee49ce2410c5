// Package arpprep implements `ipvsadm arp-prep`, which prepares a real server
// for LVS direct routing (DR) and tunnelling: the server must accept packets
// for the virtual IP without ever answering ARP for it.
//
// Preparing means, in this order:
//
//  1. net.ipv4.conf.{all,IFACE}.arp_ignore=1 and arp_announce=2, where IFACE
//     is --dev, the interface of the default route, or (--all-interfaces)
//     every non-loopback interface. Only for IPv4 VIPs: IPv6 has no ARP.
//  2. each VIP on lo as a host address (/32, or /128 for IPv6), via rtnetlink.
//
// Every run compares the wanted state with what the kernel has and changes
// only the difference, so a second run changes nothing. The sysctl values
// found before the first change are saved under /run; --remove takes the VIPs
// away again and, once no prepared VIP is left, puts those values back
// (kernel defaults, 0, when nothing was saved). --check changes nothing and
// reports every item as ok or wrong; --dry-run prints the equivalent
// sysctl(8) and ip(8) commands.
//
// The package is split the usual way: Parse (argv → Options), Plan/Check
// (pure: wanted state and observed View → actions or report), format
// (commands, text, JSON), and the System that reads and changes the kernel.
//
// Exit status: 0 done (or all ok), 1 a check found something wrong or the
// kernel refused a change (nothing is left half-applied), 2 bad usage.
package arpprep
