// Package boot implements `ipvsadm boot start|stop|restart|reload|status|save`,
// the one program behind the systemd units of the .deb and the .rpm. It
// reads the settings file the distribution's own ipvsadm package uses, so
// that a director's existing configuration keeps doing the same thing after
// switching:
//
//   - Debian (--debian): /etc/default/ipvsadm with AUTO (load
//     /etc/ipvsadm.rules at start, save it back at stop), DAEMON (none,
//     master, backup or both: the connection sync daemons to run), IFACE
//     and SYNCID.
//   - RHEL and Fedora (--rhel): /etc/sysconfig/ipvsadm-config with
//     IPVS_SAVE_ON_STOP, IPVS_SAVE_ON_RESTART, IPVS_STATUS_NUMERIC and
//     IPVS_MODULES_UNLOAD; the rules live in /etc/sysconfig/ipvsadm.
//
// The settings files are shell fragments the old init scripts sourced. We
// read the simple assignments they contain (KEY=value, quoted or not) and
// refuse anything else, and any value the scripts did not mean, with one
// line naming the file, the line and what is allowed. Everything is checked
// before the first change (the settings, every rules line, the sync
// interface), and a change the kernel refuses midway is undone, so a
// director never runs half-configured.
package boot
