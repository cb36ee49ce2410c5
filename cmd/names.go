package cmd

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// namer turns addresses and ports into names for lists printed without -n,
// as ipvsadm does with gethostbyaddr(3) and getservbyport(3).
type namer interface {
	// host is the name of addr, or false when it has none.
	host(addr netip.Addr) (string, bool)
	// service is the /etc/services name of port for proto, or false.
	service(port uint16, proto ipvs.Protocol) (string, bool)
}

// sysNamer resolves through the system: reverse lookups with Go's resolver
// (hosts file, then DNS, as nsswitch.conf orders them) and the services
// file parsed once. Answers are cached for the run: a list names the same
// real servers and ports over and over.
type sysNamer struct {
	servicesPath string
	hosts        map[netip.Addr]string
	services     *servicesTable
}

func newSysNamer() *sysNamer {
	return &sysNamer{servicesPath: "/etc/services", hosts: make(map[netip.Addr]string)}
}

func (n *sysNamer) host(addr netip.Addr) (string, bool) {
	if name, ok := n.hosts[addr]; ok {
		return name, name != ""
	}
	name := ""
	if names, err := net.DefaultResolver.LookupAddr(context.Background(), addr.String()); err == nil && len(names) > 0 {
		// Go answers with absolute names; gethostbyaddr does not.
		name = strings.TrimSuffix(names[0], ".")
	}
	n.hosts[addr] = name
	return name, name != ""
}

func (n *sysNamer) service(port uint16, proto ipvs.Protocol) (string, bool) {
	if n.services == nil {
		n.services = &servicesTable{}
		if f, err := os.Open(n.servicesPath); err == nil {
			n.services = readServices(f)
			f.Close()
		}
	}
	return n.services.lookup(port, proto)
}

// servicesTable maps (port, protocol) to the first name /etc/services gives
// it, the entry getservbyport returns.
type servicesTable struct {
	byKey map[servKey]string
}

type servKey struct {
	port  uint16
	proto ipvs.Protocol
}

func (t *servicesTable) lookup(port uint16, proto ipvs.Protocol) (string, bool) {
	name, ok := t.byKey[servKey{port, proto}]
	return name, ok
}

// readServices parses services(5): "name port/protocol [aliases...]",
// with # starting a comment. Malformed lines are skipped, as the C library
// skips them.
func readServices(r io.Reader) *servicesTable {
	t := &servicesTable{byKey: make(map[servKey]string)}
	tableFields(r, func(f []string) bool {
		portStr, protoStr, ok := strings.Cut(f[1], "/")
		if !ok {
			return true
		}
		port, err := strconv.ParseUint(portStr, 10, 16)
		if err != nil {
			return true
		}
		var proto ipvs.Protocol
		switch protoStr {
		case "tcp":
			proto = ipvs.TCP
		case "udp":
			proto = ipvs.UDP
		case "sctp":
			proto = ipvs.SCTP
		default:
			return true
		}
		k := servKey{uint16(port), proto}
		if _, dup := t.byKey[k]; !dup {
			t.byKey[k] = f[0]
		}
		return true
	})
	return t
}

// hostsNamer answers host names from a hosts(5) file only, the way the C
// library's "files" source does: the first line with the address gives its
// canonical name. Tests use it with the VM's files.
type hostsNamer struct {
	byAddr   map[netip.Addr]string
	services *servicesTable
}

func readHosts(r io.Reader) map[netip.Addr]string {
	m := make(map[netip.Addr]string)
	tableFields(r, func(f []string) bool {
		if a, err := netip.ParseAddr(f[0]); err == nil {
			if _, dup := m[a]; !dup {
				m[a] = f[1]
			}
		}
		return true
	})
	return m
}

// tableFields calls fn with the fields of each line of a hosts(5) or
// services(5) text that has two or more once its comment is cut off, as
// the C library reads them; fn returns false to stop.
func tableFields(r io.Reader, fn func(f []string) bool) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if f := strings.Fields(line); len(f) >= 2 && !fn(f) {
			return
		}
	}
}

func (n *hostsNamer) host(addr netip.Addr) (string, bool) {
	name, ok := n.byAddr[addr]
	return name, ok
}

func (n *hostsNamer) service(port uint16, proto ipvs.Protocol) (string, bool) {
	return n.services.lookup(port, proto)
}
