// Package rule writes services and real servers as ipvsadm rules: the
// options of the command that makes them, as -S saves them. It is the one
// formatter behind -S (ipvsadm 1.31's lines, byte for byte), apply's
// changes and doctor's fixes, so they cannot drift apart.
//
// A rule is a key (the service's "-t 10.0.0.1:80", "-f 7 -6"; a real
// server's "-r 10.0.0.2:80"), then its settings. -S writes the keys with
// names unless -n (package show); apply and doctor use the numeric ones
// here. The settings come in two styles: Save, what ipvsadm 1.31's -S
// writes, and Full, a line that sets everything -a/-e would otherwise
// reset (thresholds too) and always parses back.
package rule
