// Package apply makes the kernel's IPVS table equal to a table written in
// ipvsadm's -S format, changing only what differs.
//
// `ipvsadm -C; ipvsadm -R` leaves a window with no services, and -R applies
// line by line, so a bad line leaves a half-applied table. apply instead
// parses the whole file first (any bad line: nothing is applied), reads the
// current table, computes the difference (Diff) and sends only that:
// services and destinations to add or edit first, then those to delete, so
// a service that is in both tables never disappears.
//
// Diff and Format are pure; Read and Exec talk to the kernel through
// ipvs.API (Exec sends the changes through its Batch). Run takes what it
// uses (the kernel, the parser, stdio) as an Env.
package apply
