package main

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// The rows a controller cares about: apply of a desired table (unchanged,
// or 1% off), -R into a table that already holds half the rules, and -L -c
// on a large connection table.

// scaleFiles writes the extra inputs of the scale rows and returns their
// paths: the rule set with 1% of its services changed, and its two halves.
func scaleFiles(n, reals int) (changed, lo, hi string, err error) {
	changed = filepath.Join(work, "rules-changed")
	lo = filepath.Join(work, "rules-lo")
	hi = filepath.Join(work, "rules-hi")
	for _, f := range []struct {
		path string
		body []byte
	}{{changed, genChanged(n, reals)}, {lo, genRulesRange(0, n/2, reals)}, {hi, genRulesRange(n/2, n, reals)}} {
		if err = os.WriteFile(f.path, f.body, 0o644); err != nil {
			return
		}
	}
	return
}

// scaleRound times the apply and -R rows once under im. The reference's
// column of "apply, same file" is our own -Sn of the same table, and that
// of "apply, 1% changed" the reference's -C then -R of the new file: the
// goals compare apply with those.
func (s *suite) scaleRound(round int, im impl, rows []*row) error {
	rules := filepath.Join(work, "rules")
	changed, lo, hi := filepath.Join(work, "rules-changed"), filepath.Join(work, "rules-lo"), filepath.Join(work, "rules-hi")
	add := func(r *row, ref bool, res ...result) {
		var sm sample
		for _, x := range res {
			sm.wall += x.wall
			sm.user += x.user
			sm.sys += x.sys
		}
		if ref {
			r.ref = append(r.ref, sm)
		} else {
			r.ours = append(r.ours, sm)
		}
	}
	// load fills a fresh namespace with a rule file through the reference.
	load := func(file string) error {
		if err := s.fresh(); err != nil {
			return err
		}
		res, err := run(s.ref, s.ns, s.dir, []string{"-R"}, file, false, false)
		if err == nil && (res.status != 0 || len(res.stderr) > 0) {
			err = fmt.Errorf("loading %s: status %d %s", file, res.status, res.stderr)
		}
		return err
	}
	settleThen := func() { settle() }
	// timed runs a command without comparing its output: these rows
	// compare kernel states, and some commands run under one binary only.
	timed := func(im impl, key string, args []string, stdin string) (result, error) {
		res, err := run(im, s.ns, s.dir, args, stdin, false, false)
		if err != nil {
			return res, fmt.Errorf("%s %s: %v", im.name, key, err)
		}
		if s.c.verbose {
			fmt.Printf("  %-4s %-22s %8.3fs status %d\n", im.name, key, res.wall.Seconds(), res.status)
		}
		return res, nil
	}

	// apply of the file the table was loaded from: nothing to change.
	if im.name == "ours" {
		if err := load(rules); err != nil {
			return err
		}
		before, err := s.snapshot()
		if err != nil {
			return err
		}
		settleThen()
		sn, err := timed(im, "-Sn (scale)", []string{"-Sn"}, "")
		if err != nil {
			return err
		}
		add(rows[0], true, sn)
		res, err := timed(im, "apply same", []string{"apply", rules}, "")
		if err != nil {
			return err
		}
		if res.status != 0 || len(res.stdout)+len(res.stderr) > 0 {
			s.t.check("apply, same file: status 0, silent", false, fmt.Sprintf("status %d, %q %q", res.status, res.stdout, res.stderr))
		}
		add(rows[0], false, res)
		if round == 0 {
			after, err := s.snapshot()
			if err != nil {
				return err
			}
			ok, note := sameBytes(before, after)
			s.t.check("apply, same file: table unchanged", ok, note)
		}
	}

	// The new desired table, 1% off: the reference flushes and restores
	// it, ours applies the difference.
	if err := load(rules); err != nil {
		return err
	}
	settleThen()
	if im.name == "ref" {
		c, err := timed(im, "-C (scale)", []string{"-C"}, "")
		if err != nil {
			return err
		}
		r, err := timed(im, "-R changed", []string{"-R"}, changed)
		if err != nil {
			return err
		}
		add(rows[1], true, c, r)
	} else {
		res, err := timed(im, "apply changed", []string{"apply", changed}, "")
		if err != nil {
			return err
		}
		if res.status != 0 {
			s.t.check("apply, 1% changed: status 0", false, fmt.Sprintf("status %d %s", res.status, res.stderr))
		}
		add(rows[1], false, res)
	}
	if round == 0 {
		if err := s.stateCheck(im, "state after apply 1% (ref: -C, -R)"); err != nil {
			return err
		}
	}

	// -R of the second half into a table holding the first.
	if err := load(lo); err != nil {
		return err
	}
	settleThen()
	res, err := s.exec(im, "-R into half", []string{"-R"}, hi, rows[2])
	if err != nil {
		return err
	}
	add(rows[2], im.name == "ref", res)
	if round == 0 {
		return s.stateCheck(im, "state after -R into a non-empty table")
	}
	return nil
}

// connBench times -L -c -n and -L -c on a connection table of conns
// entries: UDP flows from local sockets through a NAT service, each from
// its own source address and port. Both binaries read the same table; as
// its entries count down between runs, outputs are compared as sets of
// lines with the expiry column blanked.
func (s *suite) connBench(conns int, rows []*row) error {
	if err := s.fresh(); err != nil {
		return err
	}
	// A small hosts file: naming every line is the work measured, not
	// how long glibc takes to scan a large file per lookup.
	if err := os.WriteFile("/etc/hosts", []byte("127.0.0.1\tlocalhost\n198.18.253.1\tvip-conns\n"+
		"198.19.253.1\trs-conns-1\n198.19.253.2\trs-conns-2\n10.201.0.1\tclient-1\n"), 0o644); err != nil {
		return err
	}
	clients := (conns + 64511) / 64512
	for _, args := range [][]string{
		// An hour's UDP timeout: the table must not change between the
		// runs that are compared.
		{"--set", "0", "0", "3600"},
		{"-A", "-u", "198.18.253.1:9", "-s", "rr"},
		{"-a", "-u", "198.18.253.1:9", "-r", "198.19.253.1:9", "-m"},
		{"-a", "-u", "198.18.253.1:9", "-r", "198.19.253.2:9", "-m"},
	} {
		res, err := run(s.ref, s.ns, s.dir, args, "", false, false)
		if err != nil || res.status != 0 {
			return fmt.Errorf("conn service %v: %v %s", args, err, res.stderr)
		}
	}
	var srcs []netip.Addr
	for i := 1; i <= clients; i++ {
		a := netip.AddrFrom4([4]byte{10, 201, 0, byte(i)})
		if out, err := runIP("-n", s.ns.name, "addr", "add", a.String()+"/32", "dev", "lo"); err != nil {
			return fmt.Errorf("ip addr add %s: %v %s", a, err, out)
		}
		srcs = append(srcs, a)
	}
	if err := s.ns.flows(srcs, netip.MustParseAddrPort("198.18.253.1:9"), conns); err != nil {
		return err
	}
	settle()
	for round := 0; round < s.c.rounds; round++ {
		for _, im := range []impl{s.ref, s.ours} {
			for i, args := range [][]string{{"-L", "-c", "-n"}, {"-L", "-c"}} {
				if i == 1 && s.c.skip["connnames"] {
					continue
				}
				res, err := run(im, s.ns, s.dir, args, "", false, false)
				if err != nil {
					return err
				}
				if s.c.verbose {
					fmt.Printf("  %-4s %-22s %8.3fs status %d, %d lines, stderr %q\n", im.name, strings.Join(args, " "),
						res.wall.Seconds(), res.status, bytes.Count(res.stdout, []byte("\n")), res.stderr)
				}
				r := rows[i]
				sm := sample{wall: res.wall, user: res.user, sys: res.sys}
				if im.name == "ref" {
					r.ref = append(r.ref, sm)
				} else {
					r.ours = append(r.ours, sm)
				}
				key := strings.Join(args, " ")
				want, seen := s.connWant[key]
				if !seen {
					s.connWant[key] = connSet(res)
					if n := bytes.Count(res.stdout, []byte("\n")) - 2; n < conns {
						return fmt.Errorf("%s lists %d connections, want at least %d", key, n, conns)
					}
					continue
				}
				if ok, note := sameBytes(want, connSet(res)); !ok && r.same {
					r.same, r.note = false, im.name+": "+note
					s.t.ok = false
				}
			}
		}
	}
	return nil
}

var connExpiry = regexp.MustCompile(`(?m)^(\S+\s+)\d\d:\d\d`)

// connSet is a -L -c output as a sorted set of lines, expiry blanked, with
// its status and stderr.
func connSet(res result) []byte {
	lines := strings.Split(connExpiry.ReplaceAllString(string(res.stdout), "${1}--:--"), "\n")
	slices.Sort(lines)
	return []byte(strings.Join(lines, "\n") + "\n--- status " + itoa(res.status) + "\n" + string(res.stderr))
}

// flows sends one UDP datagram to dst from each of n (source address,
// port) pairs, inside the namespace: IPVS makes a connection of each.
func (n *netns) flows(srcs []netip.Addr, dst netip.AddrPort, count int) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := n.enter(); err != nil {
		return err
	}
	defer func() {
		if err := n.leave(); err != nil {
			panic("bench: cannot return to the initial network namespace: " + err.Error())
		}
	}()
	to := &unix.SockaddrInet4{Port: int(dst.Port()), Addr: dst.Addr().As4()}
	msg := []byte{0}
	sent := 0
	for _, a := range srcs {
		for port := 1024; port <= 65535 && sent < count; port++ {
			fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				return err
			}
			err = unix.Bind(fd, &unix.SockaddrInet4{Port: port, Addr: a.As4()})
			if err == nil {
				err = unix.Sendto(fd, msg, 0, to)
			}
			unix.Close(fd)
			if err != nil {
				return fmt.Errorf("flow from %s:%d: %v", a, port, err)
			}
			sent++
		}
	}
	return nil
}

// genRulesRange is genRules for services from to to-1.
func genRulesRange(from, to, reals int) []byte {
	var b []byte
	for i := from; i < to; i++ {
		b = appendService(b, genService(i), i, reals, "")
	}
	return b
}

// genChanged is the rule set of n services with 1% of them changed: every
// 300th gone, every 300th (another) with a new scheduler, and as many new
// services after the last.
func genChanged(n, reals int) []byte {
	var b []byte
	for i := 0; i < n; i++ {
		s := genService(i)
		switch i % 300 {
		case 0:
			continue
		case 150:
			b = appendService(b, s, i, reals, "nq")
		default:
			b = appendService(b, s, i, reals, "")
		}
	}
	for i := n; i < n+(n+299)/300; i++ {
		b = appendService(b, genService(i), i, reals, "")
	}
	return b
}

// appendService is service i's -A line and its real servers' -a lines;
// sched, if given, replaces the scheduler.
func appendService(b []byte, s service, i, reals int, sched string) []byte {
	opts := s.opts
	if sched != "" {
		f := strings.Fields(opts)
		f[1] = sched
		opts = strings.Join(f, " ")
	}
	b = fmt.Appendf(b, "-A %s %s\n", s.key, opts)
	for j := 0; j < reals; j++ {
		b = fmt.Appendf(b, "-a %s -r %s%s %s -w %d\n", s.key, realAddr(s.vip*reals+j), s.rport, s.method, 1+(i+j)%4)
	}
	return b
}

func runIP(args ...string) ([]byte, error) { return exec.Command("/sbin/ip", args...).CombinedOutput() }
