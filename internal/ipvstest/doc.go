// Package ipvstest is the one fake kernel of the tests: Kernel implements
// the whole ipvs.API (streaming dumps, batched changes, cached info) over
// an in-memory table, answers with the kernel's errnos, records the
// commands it was asked and fails the ones a test names.
package ipvstest
