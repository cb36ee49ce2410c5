package netdb

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// System answers as the C library does on the machine: host names through
// Go's resolver (hosts file, then DNS, as nsswitch.conf orders them),
// services from the services file. Reverse answers are cached for the run:
// a list names the same real servers and ports over and over.
type System struct {
	HostsPath    string // hosts(5), for names glibc's files backend misses
	ServicesPath string // services(5)

	hosts    map[netip.Addr]string
	services *servicesTable
}

// NewSystem is System over /etc/hosts and /etc/services.
func NewSystem() *System {
	return &System{HostsPath: "/etc/hosts", ServicesPath: "/etc/services"}
}

// Host4 is gethostbyname(3): the first IPv4 address of name.
func (s *System) Host4(name string) (netip.Addr, bool) {
	if name == "" || allDigitsDots(name) || strings.Contains(name, ":") {
		// glibc answers numeric-looking names from the string itself
		// (and inet_aton has already said no); no host name has a ':'.
		return netip.Addr{}, false
	}
	if strings.HasSuffix(name, ".") && inHostsFile(s.HostsPath, name[:len(name)-1]) {
		// glibc's files backend compares names as written, so "web." misses
		// the /etc/hosts entry "web" (Go's resolver would drop the dot and
		// hit it). The DNS answer a real resolver could still give for
		// such a name is not told apart here: files answered first.
		return netip.Addr{}, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip4", name)
	if err != nil {
		return netip.Addr{}, false
	}
	for _, a := range addrs {
		if a.Unmap().Is4() {
			return a.Unmap(), true
		}
	}
	return netip.Addr{}, false
}

// Port is getservbyname(3): the port of service name for proto ("tcp",
// "udp" or "sctp"), from the services file.
func (s *System) Port(name, proto string) (uint16, bool) {
	f, err := os.Open(s.ServicesPath)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	return lookupService(f, name, proto)
}

// Host is gethostbyaddr(3): the name of addr, or false when it has none.
func (s *System) Host(addr netip.Addr) (string, bool) {
	if s.hosts == nil {
		s.hosts = make(map[netip.Addr]string)
	}
	if name, ok := s.hosts[addr]; ok {
		return name, name != ""
	}
	name := ""
	if names, err := net.DefaultResolver.LookupAddr(context.Background(), addr.String()); err == nil && len(names) > 0 {
		// Go answers with absolute names; gethostbyaddr does not.
		name = strings.TrimSuffix(names[0], ".")
	}
	s.hosts[addr] = name
	return name, name != ""
}

// Service is getservbyport(3): the services file's name of port for
// proto, or false. The file is read once.
func (s *System) Service(port uint16, proto ipvs.Protocol) (string, bool) {
	if s.services == nil {
		s.services = &servicesTable{}
		if f, err := os.Open(s.ServicesPath); err == nil {
			s.services = readServices(f)
			f.Close()
		}
	}
	return s.services.lookup(port, proto)
}

// Files answers from a hosts and a services file only, the way the C
// library's "files" source does, with no DNS: tests use it with the
// files the reference ipvsadm saw in the VM.
type Files struct {
	byName   map[string]netip.Addr // lower case: glibc compares names so
	byAddr   map[netip.Addr]string
	services []byte
	table    *servicesTable
}

// Empty answers no name at all.
func Empty() *Files { return &Files{table: &servicesTable{}} }

// ReadFiles reads a hosts(5) and a services(5) file.
func ReadFiles(hostsPath, servicesPath string) (*Files, error) {
	h, err := os.ReadFile(hostsPath)
	if err != nil {
		return nil, err
	}
	s, err := os.ReadFile(servicesPath)
	if err != nil {
		return nil, err
	}
	f := &Files{byName: map[string]netip.Addr{}, byAddr: map[netip.Addr]string{}, services: s,
		table: readServices(strings.NewReader(string(s)))}
	tableFields(strings.NewReader(string(h)), func(fields []string) bool {
		a, err := netip.ParseAddr(fields[0])
		if err != nil {
			return true
		}
		if _, dup := f.byAddr[a]; !dup {
			f.byAddr[a] = fields[1]
		}
		if !a.Is4() {
			return true
		}
		for _, n := range fields[1:] {
			if _, dup := f.byName[strings.ToLower(n)]; !dup {
				f.byName[strings.ToLower(n)] = a
			}
		}
		return true
	})
	return f, nil
}

// Host4 is the first IPv4 line naming name (any case).
func (f *Files) Host4(name string) (netip.Addr, bool) {
	a, ok := f.byName[strings.ToLower(name)]
	return a, ok
}

// Port is the first services line naming name for proto.
func (f *Files) Port(name, proto string) (uint16, bool) {
	return lookupService(strings.NewReader(string(f.services)), name, proto)
}

// Host is the first name of the first hosts line with addr.
func (f *Files) Host(addr netip.Addr) (string, bool) {
	name, ok := f.byAddr[addr]
	return name, ok
}

// Service is the first services name of port for proto.
func (f *Files) Service(port uint16, proto ipvs.Protocol) (string, bool) {
	return f.table.lookup(port, proto)
}

func allDigitsDots(s string) bool {
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && s[i] != '.' {
			return false
		}
	}
	return true
}

// inHostsFile reports whether name (case-insensitively, as glibc compares)
// is a host name or alias in the hosts file at path.
func inHostsFile(path, name string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	found := false
	tableFields(f, func(fields []string) bool {
		for _, h := range fields[1:] {
			if strings.EqualFold(h, name) {
				found = true
			}
		}
		return !found
	})
	return found
}

// lookupService finds name (or an alias) for proto in an /etc/services
// text: "name port/proto [alias...] [# comment]", first match wins.
func lookupService(r io.Reader, name, proto string) (uint16, bool) {
	var port uint64
	found := false
	tableFields(r, func(f []string) bool {
		num, p, ok := strings.Cut(f[1], "/")
		if !ok || p != proto {
			return true
		}
		n, err := strconv.ParseUint(num, 10, 32)
		if err != nil {
			return true
		}
		for _, alias := range append([]string{f[0]}, f[2:]...) {
			if alias == name {
				port, found = n, true
				return false
			}
		}
		return true
	})
	if found {
		return uint16(port), true
	}
	return 0, false
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
		proto, ok := ipvs.ParseProtocol(protoStr)
		if !ok {
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
