package diagnose

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lvsgo/ipvsadm/internal/sysctl"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The file-reading half of Kernel, on a made-up /proc, /sys and
// /lib/modules.
func TestKernelFiles(t *testing.T) {
	dir := t.TempDir()
	k := &Kernel{
		FS:         sysctl.FS{Root: filepath.Join(dir, "sys")},
		ConnPath:   filepath.Join(dir, "ip_vs_conn"),
		ProcNet:    filepath.Join(dir, "net"),
		SysModule:  filepath.Join(dir, "module"),
		ModulesDir: filepath.Join(dir, "lib"),
	}
	write(t, k.ConnPath, "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n"+
		"TCP AC10010A 9C40 AC10018F 0050 C0A8010C 0050 SYN_RECV         58\n")
	write(t, filepath.Join(dir, "sys/net/ipv4/ip_forward"), "1\n")
	write(t, filepath.Join(dir, "net/tcp"), "  sl  local_address ...\n   0: "+procHex(netip.MustParseAddrPort("0.0.0.0:80"))+
		" 00000000:0000 0A 0 0 0 0 0 0 1 1\n")
	write(t, filepath.Join(dir, "module/ip_vs_rr/refcnt"), "1\n")
	write(t, filepath.Join(dir, "lib/modules.dep"), "kernel/net/netfilter/ipvs/ip_vs_wlc.ko.xz:\n")
	write(t, filepath.Join(dir, "lib/modules.builtin"), "kernel/net/netfilter/ipvs/ip_vs.ko\n")

	cs, err := k.Conns()
	if err != nil || len(cs) != 1 || cs[0].State != "SYN_RECV" || cs[0].Dest != ap(rs2, 80) {
		t.Errorf("Conns = %+v, %v", cs, err)
	}
	if v, ok, err := k.Sysctl(sysctl.Key{"net", "ipv4", "ip_forward"}); v != "1" || !ok || err != nil {
		t.Errorf("Sysctl = %q %v %v", v, ok, err)
	}
	if _, ok, err := k.Sysctl(sysctl.Key{"net", "ipv4", "conf", "eth9", "forwarding"}); ok || err != nil {
		t.Errorf("missing sysctl: %v %v", ok, err)
	}
	// tcp6 is absent, as without IPv6: not an error.
	if ls, err := k.Listeners(); err != nil || len(ls) != 1 || ls[0] != netip.MustParseAddrPort("0.0.0.0:80") {
		t.Errorf("Listeners = %v, %v", ls, err)
	}
	for name, want := range map[string]ModState{"ip_vs_rr": ModLoaded, "ip_vs_wlc": ModLoadable, "ip_vs": ModBuiltin, "ip_vs_mh": ModMissing} {
		if got := k.Module(name); got != want {
			t.Errorf("Module(%s) = %v, want %v", name, got, want)
		}
	}
	k.ConnPath = filepath.Join(dir, "none")
	if _, err := k.Conns(); err == nil {
		t.Error("Conns of a missing file: no error")
	}
}

// The probe loop for real, on loopback only: a listener, a closed port,
// an ARP probe on lo (no Ethernet: refused before anything is sent), and
// a budget that runs out.
func TestKernelProbeLoopback(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no loopback TCP here: %v", err)
	}
	defer ln.Close()
	open := netip.MustParseAddrPort(ln.Addr().String())
	closed := netip.AddrPortFrom(open.Addr(), 1) // tcpmux: nothing listens there in a test box
	if c, err := net.DialTimeout("tcp4", closed.String(), time.Second); err == nil {
		c.Close()
		t.Skip("something listens on 127.0.0.1:1")
	}
	k := &Kernel{}
	lo := ARPProbe{ARPKey{netip.MustParseAddr("127.0.0.2"), "lo"}, netip.MustParseAddr("127.0.0.1")}
	res := k.Probe(ProbePlan{TCP: []netip.AddrPort{open, closed}, ARP: []ARPProbe{lo}, Timeout: time.Second, Budget: 2 * time.Second})
	if res.TCP[open].Outcome != TCPOpen || res.TCP[closed].Outcome != TCPRefused {
		t.Errorf("TCP results %+v", res.TCP)
	}
	if r := res.ARP[lo.ARPKey]; r.Err != "not an Ethernet interface" {
		t.Errorf("ARP on lo: %+v", r)
	}
	res = k.Probe(ProbePlan{TCP: []netip.AddrPort{open}, Timeout: time.Second})
	if res.TCP[open].Outcome != TCPSkipped {
		t.Errorf("no budget: %+v", res.TCP)
	}
}

func TestKernelRouteLoopback(t *testing.T) {
	r := (&Kernel{}).Routes([]netip.Addr{netip.MustParseAddr("127.0.0.1")})[0]
	if r.Type != RouteLocal || r.Dev != "lo" {
		t.Errorf("route to 127.0.0.1 = %+v, want local dev lo", r)
	}
}
