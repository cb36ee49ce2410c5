// Command udpsend sends UDP datagrams to ADDR:PORT: its stdin as one
// datagram, or with -n COUNT that many datagrams of -size bytes. The VM's
// busybox nc has no UDP mode, and gen.sh needs UDP and SIP traffic and
// counters past 10^9.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
)

func main() {
	n := flag.Int("n", 0, "send this many datagrams of -size zero bytes instead of stdin")
	size := flag.Int("size", 65000, "datagram size with -n")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: udpsend [-n COUNT [-size BYTES]] ADDR:PORT")
		os.Exit(2)
	}
	if err := send(flag.Arg(0), *n, *size); err != nil {
		fmt.Fprintln(os.Stderr, "udpsend:", err)
		os.Exit(1)
	}
}

func send(addr string, n, size int) error {
	c, err := net.Dial("udp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if n == 0 {
		msg, err := io.ReadAll(os.Stdin)
		if err != nil {
			return err
		}
		_, err = c.Write(msg)
		return err
	}
	msg := make([]byte, size)
	for i := 0; i < n; i++ {
		if _, err := c.Write(msg); err != nil {
			return err
		}
	}
	return nil
}
