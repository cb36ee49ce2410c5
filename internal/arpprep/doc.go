// Package arpprep implements `ipvsadm arp-prep`, which prepares a real server
// for LVS direct routing (DR) and tunnelling: the server must accept packets
// for the virtual IP without ever answering ARP for it.
//
// Preparing means, in this order:
//
//  1. net.ipv4.conf.{all,IFACE}.arp_ignore=1 and arp_announce=2, where IFACE
//     is --dev, the interface of the default route, or (--all-interfaces)
//     every non-loopback interface. Only for IPv4 VIPs: IPv6 has no ARP.
//  2. each VIP on lo as a host address (/32, or /128 for IPv6), via rtnetlink,
//     lo brought up first if it is down.
//
// Every run compares the wanted state with what the kernel has and changes
// only the difference, so a second run changes nothing. The sysctl values
// found before the first change are saved under /run; --remove takes the VIPs
// away again and, once no prepared VIP is left, puts those values back
// (kernel defaults, 0, when nothing was saved). --check changes nothing and
// reports every item as ok or wrong; --dry-run prints the equivalent
// sysctl(8) and ip(8) commands.
//
// The kernel forgets all of it at reboot. --persist also records the VIPs,
// each with its interface choice, in /etc/ipvsadm/arp-prep.conf (conf.go)
// and enables ipvsadm-arp-prep.service (unit.go), which runs --boot early
// at boot to prepare them again; --remove --persist forgets them. A run's
// changes (unit, saved state, kernel, file) are steps of one transaction:
// if one fails, those done are undone.
//
// The package is split the usual way: Parse (argv → Options), Plan/Check
// (pure: wanted state and observed View → actions or report; the rules
// themselves, shared with doctor, are package realserver's), format
// (commands, text, JSON), the configuration file's format and store, and
// the System and Systemctl that read and change the kernel and systemd.
//
// Exit status: 0 done (or all ok; a VIP that does not persist only warns),
// 1 a check found something wrong, the kernel or systemctl refused a
// change, or the configuration file is damaged (nothing is left
// half-applied), 2 bad usage, or a --dev that does not exist.
package arpprep
