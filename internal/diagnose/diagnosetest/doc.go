// Package diagnosetest is the one fake diagnose.System the tests of
// doctor, diagnose and the exporter give in place of the kernel: it
// answers from fixed values and records what was asked.
package diagnosetest
