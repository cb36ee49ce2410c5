//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"testing"
)

// Paths inside the VM; overridable for debugging.
var (
	refBin  = envOr("IPVSADM_REF", "/ref/ipvsadm")
	oursBin = envOr("IPVSADM_OURS", "/host/ipvsadm")
)

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func TestMain(m *testing.M) {
	// These tests change the kernel's IPVS table: only ever inside the VM.
	if os.Getenv("IPVSADM_E2E") != "1" {
		fmt.Println("e2e: not in the test VM (IPVSADM_E2E unset); nothing to run here")
		os.Exit(0)
	}
	for _, b := range []string{refBin, oursBin} {
		if _, err := os.Stat(b); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}
