// Command bench times the reference ipvsadm 1.31 against ours on a large
// rule set and checks that both leave the same kernel state and print the
// same bytes. It runs only inside the test VM (IPVSADM_E2E=1), where it
// owns the IPVS table; `make bench` builds it and starts it there.
//
// Each measured command runs alternately under the reference and under ours
// for several rounds; the table shows medians and the ratio ours/reference.
package main
