// Package routeget asks the kernel for the routes to many addresses at
// once. Each answer is the kernel's own, as `ip route get ADDR` would
// print it (one RTM_GETROUTE request per address, the request iproute2
// and vishvananda/netlink send), but the requests go out many to a
// write on one socket, and the answers are read into one buffer: at
// 40,000 real servers a socket round trip and a 64 KiB buffer per
// address were most of doctor's time.
//
// The kernel runs the requests of one write in the writer's system call
// and queues every answer before the write returns, so a batch is read
// without waiting; an answer the full queue dropped is asked for again
// on its own.
package routeget
