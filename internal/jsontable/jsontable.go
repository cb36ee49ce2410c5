// jsontable decodes an `ipvsadm --json` document into the schema's types
// (internal/jsonschema, which the producer fills in too; unknown fields are
// an error) and lays its values out as the words of the table a view prints. Tests compare those words with
// strings.Fields of the reference ipvsadm's lines, so every value of the
// table must be in the JSON under its documented name.

package jsontable

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/lvsgo/ipvsadm/internal/jsonschema"
)

// Decode reads one document; it must be a single JSON value with no
// unknown fields.
func Decode(b []byte) (*jsonschema.Doc, error) {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var d jsonschema.Doc
	if err := dec.Decode(&d); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return &d, nil
}

// View is a table layout of the reference.
type View int

const (
	List        View = iota // -L
	StatsView               // --stats --exact
	RateView                // --rate --exact
	Thresholds              // --thresholds
	PersistConn             // --persistent-conn
	TunInfo                 // --tun-info
	ConnView                // -c
	ConnPE                  // -c --persistent-conn
	Timeout                 // --timeout
	DaemonView              // --daemon
)

// Words is the document laid out as the table lines of view, each line
// as its words; numeric is -n (names are used otherwise, where the document
// has them). Header lines are not included.
func Words(d *jsonschema.Doc, v View, numeric bool) [][]string {
	var out [][]string
	switch v {
	case Timeout:
		t := d.Timeouts
		if t == nil {
			return [][]string{{"<no timeouts>"}}
		}
		return [][]string{strings.Fields(fmt.Sprintf("Timeout (tcp tcpfin udp): %d %d %d", int32(t.TCP), int32(t.TCPFin), int32(t.UDP)))}
	case DaemonView:
		for _, dm := range d.Daemons {
			s := fmt.Sprintf("%s sync daemon (mcast=%s, syncid=%d", dm.State, dm.McastInterface, dm.SyncID)
			if dm.SyncMaxLen != 0 {
				s += fmt.Sprintf(", maxlen=%d", dm.SyncMaxLen)
			}
			if dm.McastGroup != "" {
				s += ", group=" + dm.McastGroup
			}
			if dm.McastPort != 0 {
				s += fmt.Sprintf(", port=%d", dm.McastPort)
			}
			if dm.McastTTL != 0 {
				s += fmt.Sprintf(", ttl=%d", dm.McastTTL)
			}
			out = append(out, strings.Fields(s+")"))
		}
		return out
	case ConnView, ConnPE:
		for _, c := range d.Connections {
			w := []string{c.Protocol, fmt.Sprintf("%02d:%02d", c.Expires/60, c.Expires%60), c.State,
				endpoint(c.Client.Family, c.Client.Address, c.Client.Host, c.Client.Port, c.Client.PortName, numeric),
				endpoint(c.Virtual.Family, c.Virtual.Address, c.Virtual.Host, c.Virtual.Port, c.Virtual.PortName, numeric),
				endpoint(c.Destination.Family, c.Destination.Address, c.Destination.Host, c.Destination.Port, c.Destination.PortName, numeric)}
			if v == ConnPE && c.PE != "" {
				w = append(w, c.PE, c.PEData)
			}
			out = append(out, w)
		}
		return out
	}
	for _, s := range d.Services {
		out = append(out, serviceWords(&s, v, numeric))
		for _, dst := range s.Destinations {
			out = append(out, destWords(&s, &dst, v, numeric))
		}
	}
	return out
}

func endpoint(family, addr, host string, port int, portName string, numeric bool) string {
	a, p := addr, strconv.Itoa(port)
	if !numeric && host != "" {
		a = host
	}
	if !numeric && portName != "" {
		p = portName
	}
	if family != "inet" {
		a = "[" + a + "]"
	}
	s := a + ":" + p
	if len(s) > 59 {
		s = s[:59]
	}
	return s
}

func serviceWords(s *jsonschema.Service, v View, numeric bool) []string {
	var w []string
	if s.FWMark != 0 {
		w = []string{"FWM", strconv.FormatUint(uint64(s.FWMark), 10)}
		if s.Family == "inet6" {
			w = append(w, "IPv6")
		}
	} else {
		name := fmt.Sprintf("%-4s %s", s.Protocol, endpoint(s.Family, s.Address, s.Host, *s.Port, s.PortName, numeric))
		if s.Family == "inet" && len(name) > 33 { // the table cuts IPv4 service names
			name = name[:33]
		}
		w = strings.Fields(name)
	}
	switch v {
	case StatsView:
		return append(w, u(s.Stats.Conns), u(s.Stats.InPackets), u(s.Stats.OutPackets), u(s.Stats.InBytes), u(s.Stats.OutBytes))
	case RateView:
		return append(w, u(s.Rate.CPS), u(s.Rate.InPPS), u(s.Rate.OutPPS), u(s.Rate.InBPS), u(s.Rate.OutBPS))
	}
	w = append(w, s.Scheduler)
	if len(s.SchedFlags) > 0 {
		w = append(w, "("+strings.Join(s.SchedFlags, ",")+")")
	}
	if s.Persistent {
		w = append(w, "persistent", strconv.Itoa(int(s.Timeout)))
		if s.Family == "inet" && s.Netmask != "255.255.255.255" {
			w = append(w, "mask", s.Netmask)
		}
		if s.Family == "inet6" && s.PrefixLength != 128 {
			w = append(w, "mask", strconv.Itoa(s.PrefixLength))
		}
		if s.PE != "" {
			w = append(w, "pe", s.PE)
		}
	}
	if s.OnePacket {
		w = append(w, "ops")
	}
	return w
}

func destWords(s *jsonschema.Service, d *jsonschema.Dest, v View, numeric bool) []string {
	name := endpoint(d.Family, d.Address, d.Host, d.Port, d.PortName, numeric)
	if d.Family == "inet" && len(name) > 28 {
		name = name[:28]
	}
	w := []string{"->", name}
	// The reference reads a real server's counters with a 32-bit parser.
	const m = 0xffffffff
	switch v {
	case StatsView:
		return append(w, u(d.Stats.Conns&m), u(d.Stats.InPackets&m), u(d.Stats.OutPackets&m), u(d.Stats.InBytes), u(d.Stats.OutBytes))
	case RateView:
		return append(w, u(d.Rate.CPS&m), u(d.Rate.InPPS&m), u(d.Rate.OutPPS&m), u(d.Rate.InBPS&m), u(d.Rate.OutBPS&m))
	case Thresholds:
		return append(w, u(uint64(d.UpperThreshold)), u(uint64(d.LowerThreshold)), u(uint64(d.ActiveConns)), u(uint64(d.InactiveConns)))
	case PersistConn:
		return append(w, u(uint64(uint32(d.Weight))), u(uint64(d.PersistentConns)), u(uint64(d.ActiveConns)), u(uint64(d.InactiveConns)))
	case TunInfo:
		w = append(w, d.Forward)
		if d.Tunnel == nil {
			w = append(w, "n/a")
		} else {
			csum := map[string]string{"nocsum": "-c", "csum": "+c", "remcsum": "r+c"}[d.Tunnel.Csum]
			switch d.Tunnel.Type {
			case "gue":
				w = append(w, fmt.Sprintf("gue:%d:%s", d.Tunnel.Port, csum))
			case "gre":
				w = append(w, "gre:"+csum)
			default:
				w = append(w, d.Tunnel.Type)
			}
		}
	default:
		w = append(w, d.Forward)
	}
	return append(w, strconv.Itoa(int(d.Weight)), u(uint64(d.ActiveConns)), u(uint64(d.InactiveConns)))
}

func u(v uint64) string { return strconv.FormatUint(v, 10) }

// TableWords is the reference's table text as words per line, header
// lines dropped.
func TableWords(text string) [][]string {
	var out [][]string
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.TrimSpace(line) == "",
			strings.HasPrefix(line, "IP Virtual Server version"),
			strings.HasPrefix(line, "Prot LocalAddress"),
			strings.HasPrefix(line, "  -> RemoteAddress"),
			strings.HasPrefix(line, "IPVS connection entries"),
			strings.HasPrefix(line, "pro expire state"):
			continue
		}
		out = append(out, strings.Fields(line))
	}
	return out
}

// Diff is "" when want and got are the same lines of words, else the first
// difference.
func Diff(want, got [][]string) string {
	for i := 0; i < len(want) || i < len(got); i++ {
		var w, g []string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if strings.Join(w, " ") != strings.Join(g, " ") {
			return fmt.Sprintf("line %d:\n  reference: %q\n  json:      %q", i+1, w, g)
		}
	}
	return ""
}
