// Package system holds the system tests: real Debian systems (bookworm and
// trixie, built by mkimage.sh from Debian's packages) booted with systemd
// under qemu, where the ipvsadm-go .deb replaces Debian's ipvsadm the way an
// administrator does it (apt install ./ipvsadm-go_*.deb) and the guest
// reboots for real (systemctl reboot) between steps. The tests have the
// build tag "system" and run on the host (make e2e-system); each boots a
// copy-on-write overlay of the cached image, so the image stays clean.
package system
