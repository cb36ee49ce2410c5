package diagnose

import (
	"errors"
	"net"
	"net/netip"
	"slices"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// What --probe puts on the wire, and nothing else:
//
//   - per DR VIP and interface toward its real servers, one ARP request
//     "who has VIP? tell DIP", broadcast from this director's MAC; every
//     ARP packet whose sender claims the VIP is collected for Timeout.
//   - per TCP real server, one connect: a SYN, and on a SYN-ACK the ACK
//     and at once a RST (the socket closes with SO_LINGER 0, so no data
//     and no TIME_WAIT). No answer in Timeout is a timeout.
//
// All run at once, at most maxInFlight connects at a time, from one
// goroutine with non-blocking sockets and poll(2): every socket is made
// on the caller's thread, which is the one --netns moved into the
// namespace. Probes not started within Budget are reported skipped.

const maxInFlight = 64

// probe is one probe under way.
type probe struct {
	fd       int
	deadline time.Time
	tcp      netip.AddrPort
	arp      *ARPProbe
}

// Probe implements System.
func (k *Kernel) Probe(p ProbePlan) *Probes {
	res := &Probes{TCP: map[netip.AddrPort]TCPResult{}, ARP: map[ARPKey]ARPResult{}}
	start := time.Now()
	end := start.Add(p.Budget)
	var live []probe
	for i := range p.ARP {
		a := &p.ARP[i]
		fd, own, err := startARP(*a)
		r := ARPResult{OwnMAC: own}
		if err != nil {
			r.Err = err.Error()
			res.ARP[a.ARPKey] = r
			continue
		}
		res.ARP[a.ARPKey] = r
		live = append(live, probe{fd: fd, deadline: time.Now().Add(p.Timeout), arp: a})
	}
	queue := p.TCP
	buf := make([]byte, 1500)
	for {
		now := time.Now()
		for len(queue) > 0 && len(live) < maxInFlight+len(p.ARP) && now.Before(end) {
			ap := queue[0]
			queue = queue[1:]
			fd, done, r := startTCP(ap)
			if done {
				res.TCP[ap] = r
				continue
			}
			live = append(live, probe{fd: fd, deadline: now.Add(p.Timeout), tcp: ap})
		}
		if len(live) == 0 {
			break
		}
		next := live[0].deadline
		fds := make([]unix.PollFd, len(live))
		for i, pr := range live {
			ev := int16(unix.POLLOUT)
			if pr.arp != nil {
				ev = unix.POLLIN
			}
			fds[i] = unix.PollFd{Fd: int32(pr.fd), Events: ev}
			if pr.deadline.Before(next) {
				next = pr.deadline
			}
		}
		wait := max(time.Until(next), 0)
		if _, err := unix.Poll(fds, int(wait.Milliseconds())+1); err != nil && !errors.Is(err, unix.EINTR) {
			for _, pr := range live {
				k.finish(res, pr, TCPResult{Outcome: TCPError, Err: err.Error()})
			}
			break
		}
		now = time.Now()
		kept := live[:0]
		for i, pr := range live {
			switch {
			case pr.arp != nil && fds[i].Revents&unix.POLLIN != 0:
				readARP(pr, res, buf)
			case pr.arp == nil && fds[i].Revents != 0:
				k.finish(res, pr, connectResult(pr.fd))
				continue
			}
			if !now.Before(pr.deadline) {
				k.finish(res, pr, TCPResult{Outcome: TCPTimeout})
				continue
			}
			kept = append(kept, pr)
		}
		live = kept
	}
	for _, ap := range queue {
		res.TCP[ap] = TCPResult{Outcome: TCPSkipped}
	}
	return res
}

// finish closes a probe; a TCP one gets its result.
func (k *Kernel) finish(res *Probes, pr probe, r TCPResult) {
	unix.Close(pr.fd)
	if pr.arp == nil {
		res.TCP[pr.tcp] = r
	}
}

// startTCP begins a non-blocking connect; done when it ended at once.
func startTCP(ap netip.AddrPort) (int, bool, TCPResult) {
	fam := unix.AF_INET
	var sa unix.Sockaddr = &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}
	if ap.Addr().Is6() {
		fam = unix.AF_INET6
		sa = &unix.SockaddrInet6{Port: int(ap.Port()), Addr: ap.Addr().As16()}
	}
	fd, err := unix.Socket(fam, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return 0, true, TCPResult{Outcome: TCPError, Err: err.Error()}
	}
	// Close with a reset: no FIN handshake, no TIME_WAIT left behind.
	_ = unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
	err = unix.Connect(fd, sa)
	if errors.Is(err, unix.EINPROGRESS) {
		return fd, false, TCPResult{}
	}
	unix.Close(fd)
	return 0, true, tcpOutcome(err)
}

// connectResult is how a connect under way ended (SO_ERROR).
func connectResult(fd int) TCPResult {
	v, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return TCPResult{Outcome: TCPError, Err: err.Error()}
	}
	if v == 0 {
		return TCPResult{Outcome: TCPOpen}
	}
	return tcpOutcome(unix.Errno(v))
}

func tcpOutcome(err error) TCPResult {
	switch {
	case err == nil:
		return TCPResult{Outcome: TCPOpen}
	case errors.Is(err, unix.ECONNREFUSED):
		return TCPResult{Outcome: TCPRefused}
	case errors.Is(err, unix.ETIMEDOUT):
		return TCPResult{Outcome: TCPTimeout}
	}
	return TCPResult{Outcome: TCPError, Err: err.Error()}
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// startARP opens a packet socket on the probe's interface and sends the
// request; it returns the socket and the interface's MAC.
func startARP(a ARPProbe) (int, string, error) {
	l, err := netlink.LinkByName(a.Dev)
	if err != nil {
		return 0, "", err
	}
	mac := l.Attrs().HardwareAddr
	if l.Attrs().EncapType != "ether" || len(mac) != 6 {
		return 0, mac.String(), errors.New("not an Ethernet interface")
	}
	proto := htons(etherTypeARP)
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, int(proto))
	if err != nil {
		return 0, mac.String(), err
	}
	idx := l.Attrs().Index
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: proto, Ifindex: idx}); err != nil {
		unix.Close(fd)
		return 0, mac.String(), err
	}
	to := &unix.SockaddrLinklayer{Protocol: proto, Ifindex: idx, Halen: 6}
	copy(to.Addr[:], net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	if err := unix.Sendto(fd, ARPRequest(mac, a.Src, a.VIP), 0, to); err != nil {
		unix.Close(fd)
		return 0, mac.String(), err
	}
	return fd, mac.String(), nil
}

// readARP takes every packet waiting on an ARP probe's socket and keeps
// the senders that claim its VIP.
func readARP(pr probe, res *Probes, buf []byte) {
	r := res.ARP[pr.arp.ARPKey]
	for {
		n, from, err := unix.Recvfrom(pr.fd, buf, 0)
		if err != nil {
			break
		}
		if ll, ok := from.(*unix.SockaddrLinklayer); ok && ll.Pkttype == unix.PACKET_OUTGOING {
			continue
		}
		p, ok := ParseARP(buf[:n])
		if !ok || !p.claims(pr.arp.VIP) {
			continue
		}
		if mac := p.SHA.String(); !slices.Contains(r.Replies, mac) {
			r.Replies = append(r.Replies, mac)
		}
	}
	res.ARP[pr.arp.ARPKey] = r
}
