// Package e2e holds the tests that need a real IPVS kernel. They carry the
// build tag e2e and run inside the test VM (e2e/vm/run.sh, driven by
// `make e2e`, which builds them with -tags e2e), where the reference
// ipvsadm 1.31 is /ref/ipvsadm and ours is /host/ipvsadm.
//
// Without the tag, `go test ./e2e/` finds no test files and says so
// ("[no test files]"), so a run outside the VM can never read as a pass.
// Built with the tag but run without IPVSADM_E2E=1 (that is, outside the
// VM), TestMain still refuses to touch the kernel and runs nothing.
package e2e
