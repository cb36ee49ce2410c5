// Package diffcase reads the differential test cases of testdata/diff (the
// format is described in testdata/diff/README) and compares transcripts
// line by line. It is pure: running the cases against the kernel is the
// job of package e2e, inside the test VM.
package diffcase
