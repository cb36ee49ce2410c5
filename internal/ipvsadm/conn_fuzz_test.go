package ipvsadm

import (
	"bufio"
	"bytes"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/netdb"
)

// FuzzConnList: any /proc/net/ip_vs_conn content is printed or refused
// without a panic, in every -L -c format.
func FuzzConnList(f *testing.F) {
	hdr := "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n"
	f.Add([]byte(hdr + "TCP 0A000001 9C40 0A000064 0050 0A000002 0050 ESTABLISHED     899\n"))
	f.Add([]byte(hdr + "UDP 0A000001 13C4 0A000064 13C4 0A000002 13C4 UDP             299 sip 3a6b\n"))
	f.Add([]byte(hdr + "TCP 2001:0db8:0000:0000:0000:0000:0000:0001 9C40 2001:0db8:0000:0000:0000:0000:0000:0064 0050 2001:0db8:0000:0000:0000:0000:0000:0002 0050 SYN_RECV 59\n"))
	f.Add([]byte(hdr + "\n \nTCP\nTCP 0A zz\n"))
	f.Add([]byte(hdr + strings.Repeat("A", 600) + "\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fm := range []grammar.Format{0, grammar.FmtNumeric, grammar.FmtNumeric | grammar.FmtPersistentConn, grammar.FmtPersistentConn} {
			var out, errw bytes.Buffer
			r := &runner{
				prog:     "ipvsadm",
				out:      bufio.NewWriter(&out),
				errw:     &errw,
				names:    netdb.Empty(),
				connPath: "/proc/net/ip_vs_conn",
			}
			err := r.printConns(bytes.NewReader(data), fm)
			_ = r.out.Flush()
			if err != nil {
				if _, ok := err.(exitStatus); !ok {
					t.Fatalf("error %v is not an exit", err)
				}
			}
		}
	})
}
