package diagnose

// For the tests of package diagnose_test, which use the shared fake
// System (diagnosetest imports diagnose, so this package's own tests
// cannot).
var GatherConnTable = gatherConnTable

const Status72 = status72
