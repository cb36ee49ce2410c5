package grammar

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// The additions that act on one service (doctor, top) take it in -L's
// words: -t|-u|--sctp-service VIP:port, or -f mark with -6 for IPv6.

// serviceOpts are the -L options that name a service: whether each takes
// a value.
var serviceOpts = map[string]bool{
	"-t": true, "--tcp-service": true, "-u": true, "--udp-service": true,
	"--sctp-service": true, "-f": true, "--fwmark-service": true,
	"-6": false, "--ipv6": false,
}

// ServiceWords reports how many of the words args[i:] make the service
// option at args[i] (1, or 2 when its value is the next word), or an
// error when args[i] is not one.
func ServiceWords(args []string, i int) (int, error) {
	a := args[i]
	name := a
	if strings.HasPrefix(a, "--") {
		name, _, _ = strings.Cut(a, "=")
	} else if len(a) > 2 {
		name = a[:2] // -t192.0.2.1:80
	}
	takes, ok := serviceOpts[name]
	if !ok {
		return 0, fmt.Errorf("unknown option %q", name)
	}
	if takes && a == name {
		if i+1 >= len(args) {
			return 0, fmt.Errorf("option %s needs a value", name)
		}
		return 2, nil
	}
	return 1, nil
}

// ServiceKey reads words (those ServiceWords accepted) as -L would: the
// service's key, or the grammar's complaint in one line.
func (p *Parser) ServiceKey(words []string) (ipvs.Service, error) {
	req, ex := p.Parse("ipvsadm", append([]string{"-L"}, words...))
	if ex != nil {
		msg, _, _ := strings.Cut(strings.TrimSpace(ex.Stderr), "\n")
		return ipvs.Service{}, errors.New(msg)
	}
	return req.Service, nil
}
