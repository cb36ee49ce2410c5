// Command udpsend sends its stdin as one UDP datagram to ADDR:PORT: the
// VM's busybox nc has no UDP mode, and gen.sh needs UDP and SIP traffic.
package main

import (
	"fmt"
	"io"
	"net"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: udpsend ADDR:PORT < payload")
		os.Exit(2)
	}
	msg, err := io.ReadAll(os.Stdin)
	if err == nil {
		var c net.Conn
		if c, err = net.Dial("udp", os.Args[1]); err == nil {
			_, err = c.Write(msg)
			c.Close()
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "udpsend:", err)
		os.Exit(1)
	}
}
