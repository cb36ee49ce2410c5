// Package dist holds what "make install" and the packages put beside the
// binary that is not Go: the systemd units (every *.service here:
// ipvsadm.service, the table saved and restored, and
// ipvsadm-arp-prep.service, arp-prep --persist's VIPs prepared at boot;
// deb/ and rpm/ hold each package's own ipvsadm.service), the
// commented ipvsadm.rules, and for "make deb" and "make rpm" nfpm.yaml
// (one configuration for both), deb-preinst, copyright, lintian-overrides
// and pkgversion.sh (the package version from git describe).
//
// Its tests run make install and uninstall into temporary DESTDIRs (with
// and without Go on PATH), build the packages in three versions, check
// their metadata and files, run lintian, and install, upgrade, remove and
// purge them with dpkg --root and rpm --root in throwaway roots, including
// over Debian's own ipvsadm package and back (apt-get with a configuration
// of its own). What a test needs and does not find (dpkg, lintian, rpm,
// a static busybox, root) makes it skip and say so; make deps installs
// the tools. TestUnitsVerify runs systemd-analyze verify on every unit.
package dist
