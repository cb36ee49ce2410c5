// Package dist holds what "make install" puts beside the binary that is not
// Go: the systemd units ipvsadm.service (the table, saved and restored) and
// ipvsadm-arp-prep.service (arp-prep --persist's VIPs, prepared at boot).
// Its tests run make install into a temporary DESTDIR and check the layout:
// binary, ipvsadm-save and ipvsadm-restore links, man pages, bash and zsh
// completion, unit; and they run systemd-analyze verify on every unit.
package dist
