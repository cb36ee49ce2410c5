// Package conntab reads the kernel's IPVS connection table,
// /proc/net/ip_vs_conn, the way ipvsadm 1.31 does: fgets into 256 bytes
// (Reader) and one sscanf per line (Scan), odd input included, so that
// -L -c prints what the reference prints. Formatting is the front end's.
package conntab
