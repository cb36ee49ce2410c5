package cmd

import (
	"strconv"

	"github.com/lvsgo/ipvsadm/ipvs"
)

// listAll prints the whole table (-L, -S, or no arguments at all).
func (r *runner) listAll(f Format) error {
	if f&FmtRule == 0 {
		r.buf = appendHeader(r.buf[:0], r.info)
		r.write(r.buf)
	}
	svcs, err := r.api.Services()
	if err != nil {
		return r.kernelFail(opGetServices, err, 1)
	}
	if f&FmtNoSort == 0 {
		sortServices(svcs)
	}
	r.buf = appendTitle(r.buf[:0], f)
	r.write(r.buf)
	for i := range svcs {
		if err := r.printService(&svcs[i], f); err != nil {
			return err
		}
	}
	return nil
}

// listService prints one service (-L -t/-u/-f/--sctp-service).
func (r *runner) listService(key ipvs.Service, f Format) error {
	svc, err := r.api.Service(key)
	if err != nil {
		return r.kernelFail(opGetService, err, 1)
	}
	r.buf = appendTitle(r.buf[:0], f)
	r.write(r.buf)
	return r.printService(&svc, f)
}

// printService prints a service line and its destinations. Like ipvsadm it
// asks for the destinations before printing anything of the service.
func (r *runner) printService(s *ipvs.Service, f Format) error {
	dests, err := r.api.Destinations(*s)
	if err != nil {
		return r.kernelFail(opGetDests, err, 1)
	}
	r.name = appendServiceName(r.name[:0], s, f, r.names)
	r.buf = appendServiceLine(r.buf[:0], s, r.name, f)
	r.write(r.buf)
	if f&FmtNoSort == 0 {
		r.dsort.sort(s, dests)
	}
	for i := range dests {
		r.buf = appendDestLine(r.buf[:0], s, r.name, &dests[i], f, r.names)
		r.write(r.buf)
	}
	return nil
}

// listTimeout prints --timeout. ipvsadm exits 1 without a word when the
// kernel will not say.
func (r *runner) listTimeout() error {
	t, err := r.api.Timeouts()
	if err != nil {
		return exitStatus(1)
	}
	r.buf = appendTimeouts(r.buf[:0], t)
	r.write(r.buf)
	return nil
}

func appendTimeouts(b []byte, t ipvs.Timeouts) []byte {
	b = append(b, "Timeout (tcp tcpfin udp): "...)
	b = strconv.AppendInt(b, int64(int32(t.TCP)), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(int32(t.TCPFin)), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(int32(t.UDP)), 10)
	return append(b, '\n')
}

// listDaemon prints --daemon: at most the first two daemons the kernel
// reports (master, backup).
func (r *runner) listDaemon() error {
	ds, err := r.api.Daemons()
	if err != nil {
		return exitStatus(1)
	}
	if len(ds) > 2 {
		ds = ds[:2]
	}
	for i := range ds {
		r.buf = appendDaemon(r.buf[:0], &ds[i])
		r.write(r.buf)
	}
	return nil
}

func appendDaemon(b []byte, d *ipvs.Daemon) []byte {
	switch {
	case d.State&ipvs.StateMaster != 0:
		b = append(b, "master"...)
	case d.State&ipvs.StateBackup != 0:
		b = append(b, "backup"...)
	default:
		return b
	}
	b = append(b, " sync daemon (mcast="...)
	b = append(b, d.McastIfn...)
	b = append(b, ", syncid="...)
	b = strconv.AppendInt(b, int64(int32(d.SyncID)), 10)
	if d.SyncMaxLen != 0 {
		b = append(b, ", maxlen="...)
		b = strconv.AppendUint(b, uint64(d.SyncMaxLen), 10)
	}
	if d.McastGroup.IsValid() {
		b = append(b, ", group="...)
		if d.McastGroup.Is4() {
			b = d.McastGroup.AppendTo(b)
		} else {
			b = appendNtop6(b, d.McastGroup.As16())
		}
	}
	if d.McastPort != 0 {
		b = append(b, ", port="...)
		b = strconv.AppendUint(b, uint64(d.McastPort), 10)
	}
	if d.McastTTL != 0 {
		b = append(b, ", ttl="...)
		b = strconv.AppendUint(b, uint64(d.McastTTL), 10)
	}
	return append(b, ")\n"...)
}

// isZeroKey reports whether a service key names no service: ZERO then
// applies to all of them, as libipvs decides.
func isZeroKey(s *ipvs.Service) bool {
	return s.FWMark == 0 && s.Port == 0 && (!s.Address.IsValid() || unionBytes(s.Address) == [16]byte{})
}
