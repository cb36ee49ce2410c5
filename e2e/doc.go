// Package e2e holds the tests that need a real IPVS kernel. They run inside
// the test VM (e2e/vm/run.sh, driven by `make e2e`), where the reference
// ipvsadm 1.31 is /ref/ipvsadm and ours is /host/ipvsadm. Outside the VM,
// without IPVSADM_E2E=1, they are skipped as not applicable.
package e2e
