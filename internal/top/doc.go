// Package top is `ipvsadm top`: a live view of where a director's traffic
// goes, per virtual service and per real server. Each refresh reads the
// table (Take), turns two snapshots into rates from the kernel's 64-bit
// counters (Compute), and lays the result out as a screen of text (Screen)
// or a batch frame (Text, JSON). Those are pure functions; Run and the
// terminal loop only feed them the kernel, the clock and the keys.
//
// The full-screen view draws on a screen.Terminal, which rewrites only
// the lines that changed, so a refresh does not flicker, and puts the
// terminal back on every way out.
package top
