// Package upstream names the known differences between the ipvsadm 1.31
// that Debian ships and ours: two fixes that one or both Debian releases
// lack. Each Fix
// rewrites a line of a reference's output into what upstream (and ours)
// prints, so that the tests comparing ours against a reference (the
// golden files, the differential suite in the VM) can expect exactly
// these differences and no other.
//
//   - the message for -6 without -f: bookworm's 1:1.31-1 says "-6 used
//     before -f", upstream (since Jeremy Sowden's patch, January 2025) and
//     trixie's 1:1.31-5 say "-6 must follow -f";
//   - fwmarks of 2^31 and above: both releases print them as a signed
//     32-bit number ("FWM  -1294967296" in -L, "-f -1294967296" in -S,
//     which -R then refuses); ours prints them unsigned, as the kernel and
//     the command line take them.
package upstream
