// Package kmod looks at kernel modules: whether one is loaded, built in,
// loadable or missing (State, from /sys/module and the kernel's
// modules.builtin and modules.dep), and unloads one with the modules that
// use it, as RHEL's ipvsadm script did at stop with IPVS_MODULES_UNLOAD=yes
// (ip_vs goes only after its schedulers and helpers, which hold it).
package kmod
