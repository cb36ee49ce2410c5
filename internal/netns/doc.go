// Package netns enters a named network namespace (/run/netns/NAME, as
// ip netns makes them) for ipvsadm --netns and ipvs_exporter --netns, with
// one line saying why it cannot.
package netns
