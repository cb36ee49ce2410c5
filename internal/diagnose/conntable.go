package diagnose

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// ConnTable is what the kernel says of its connection hash table.
//
// From 7.x on, IPVS's connection and service tables are resizable hash
// tables: /proc/net/ip_vs_status reports them (lines "Key:\tvalue", such
// as "Conns:\t0" and "Conn buckets:\t256 (8 bits, lfactor -4)") and the
// sysctls net.ipv4.vs.conn_lfactor and svc_lfactor set how loaded a table
// may get before it grows. Older kernels have one table of fixed size,
// 2^conn_tab_bits buckets (ip_vs's module parameter, read at load time),
// whose chains grow with the connections.
type ConnTable struct {
	// Status is /proc/net/ip_vs_status in order; nil without that file.
	Status []StatusField
	// TabBits is ip_vs's conn_tab_bits; 0 when unknown.
	TabBits int
}

// StatusField is one line of /proc/net/ip_vs_status.
type StatusField struct{ Key, Value string }

// ParseIPVSStatus reads /proc/net/ip_vs_status: "Key:\tvalue" lines; a
// line without a colon is skipped.
func ParseIPVSStatus(text string) []StatusField {
	var out []StatusField
	for _, l := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(l, ":")
		if !ok || strings.TrimSpace(k) == "" {
			continue
		}
		out = append(out, StatusField{strings.TrimSpace(k), strings.TrimSpace(v)})
	}
	return out
}

func (t *ConnTable) field(key string) (string, bool) {
	for _, f := range t.Status {
		if f.Key == key {
			return f.Value, true
		}
	}
	return "", false
}

// Buckets is a table's size line: "256 (8 bits, lfactor -4)".
type Buckets struct {
	N, Bits, LFactor int
}

// ParseBuckets reads a "Conn buckets" or "Service buckets" value.
func ParseBuckets(v string) (Buckets, bool) {
	var b Buckets
	n, rest, _ := strings.Cut(v, " ")
	var err error
	if b.N, err = strconv.Atoi(n); err != nil {
		return b, false
	}
	rest = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(rest), "("), ")")
	for _, part := range strings.Split(rest, ",") {
		f := strings.Fields(part)
		if len(f) != 2 {
			continue
		}
		switch {
		case f[1] == "bits":
			b.Bits, _ = strconv.Atoi(f[0])
		case f[0] == "lfactor":
			b.LFactor, _ = strconv.Atoi(f[1])
		}
	}
	return b, true
}

// Chains longer than this on average are a table far too small: each
// packet of a connection walks its chain.
const maxChain = 8

// conn_tab_bits' range in the kernels with a fixed table.
const maxTabBits = 20

// checkConnTable reports the connection table's state: on 7.x what
// ip_vs_status and the lfactor sysctls say; before, whether the
// connections far exceed the fixed table (more than maxChain per bucket),
// with the module option that makes it bigger.
func checkConnTable(s *Snapshot) []Finding {
	t := s.ConnTable
	if t == nil {
		return nil
	}
	if t.Status != nil {
		return []Finding{statusFinding(s, t)}
	}
	if t.TabBits <= 0 {
		return nil
	}
	size := 1 << t.TabBits
	n := len(s.Conns)
	if n <= maxChain*size {
		return []Finding{{Status: OK, Check: "conn-table",
			Message: fmt.Sprintf("%d connection entries in a fixed table of %d buckets (ip_vs conn_tab_bits=%d)", n, size, t.TabBits)}}
	}
	want := bits.Len(uint(n - 1)) // 2^want >= n: chains of about one
	want = min(max(want, t.TabBits+1), maxTabBits)
	f := Finding{Status: Warn, Check: "conn-table",
		Message: fmt.Sprintf("%d connection entries in a fixed table of %d buckets (ip_vs conn_tab_bits=%d): %d per bucket on average, each packet walks such a chain",
			n, size, t.TabBits, n/size)}
	if want > t.TabBits {
		f.Fix = []string{
			fmt.Sprintf("echo 'options ip_vs conn_tab_bits=%d' > /etc/modprobe.d/ip_vs.conf", want),
			"# takes effect when ip_vs is loaded again (reboot, or ipvsadm -C and modprobe -r ip_vs after saving the rules)",
		}
	}
	return []Finding{f}
}

func statusFinding(s *Snapshot, t *ConnTable) Finding {
	var parts []string
	describe := func(what, countKey, bucketsKey, sysctlKey string) {
		c, okc := t.field(countKey)
		b, okb := t.field(bucketsKey)
		if !okc || !okb {
			return
		}
		p := fmt.Sprintf("%s %s", c, what)
		if bk, ok := ParseBuckets(b); ok {
			p += fmt.Sprintf(" in %d buckets (2^%d, lfactor %d)", bk.N, bk.Bits, bk.LFactor)
		}
		if v, ok := s.Sysctls[sysctlKey]; ok {
			p += fmt.Sprintf(", %s %s", sysctlKey, v)
		}
		parts = append(parts, p)
	}
	describe("connections", "Conns", "Conn buckets", key("net", "ipv4", "vs", "conn_lfactor"))
	describe("services", "Services", "Service buckets", key("net", "ipv4", "vs", "svc_lfactor"))
	msg := "resizable hash tables (/proc/net/ip_vs_status)"
	if len(parts) > 0 {
		msg += ": " + strings.Join(parts, "; ")
	}
	return Finding{Status: OK, Check: "conn-table", Message: msg}
}
