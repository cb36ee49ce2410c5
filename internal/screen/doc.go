// Package screen is a full-screen text terminal for ipvsadm top: raw mode
// and the terminal's size through golang.org/x/term, the alternate screen,
// redraws that rewrite only the lines that changed, and the keys a
// terminal sends, parsed into Key values (ParseKeys, a pure function).
//
// It writes ECMA-48 (ANSI) sequences itself instead of using a terminal
// UI library: every library measured (tcell) costs every ipvsadm call its
// package initialisation, 0.5 MiB of peak RSS and a third more start-up
// time in the VM (docs/performance.md); these sequences are understood by
// every terminal still in use (xterm and its kind, VTE, tmux, screen, the
// Linux console).
package screen
