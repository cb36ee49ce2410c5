// Package kmod tells whether a kernel module is loaded and unloads one
// with the modules that use it, as RHEL's ipvsadm script did at stop with
// IPVS_MODULES_UNLOAD=yes (ip_vs goes only after its schedulers and
// helpers, which hold it).
package kmod
