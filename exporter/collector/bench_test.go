package collector

import (
	"net/netip"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/diagnose/diagnosetest"
	"github.com/lvsgo/ipvsadm/internal/ipvstest"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// bigKernel is bench's table: n services of 4 real servers each.
func bigKernel(n int) *ipvstest.Kernel {
	k := &ipvstest.Kernel{KernelInfo: ipvs.Info{Version: 0x010201, ConnTabSize: 4096}}
	for i := 0; i < n; i++ {
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		s := ipvstest.Service{Service: ipvs.Service{Family: ipvs.AFInet, Protocol: ipvs.TCP, Address: a, Port: 80,
			Scheduler: "wlc", Netmask: 0xffffffff, Stats: ipvs.Stats{Conns: uint64(i) * 1000}}}
		for j := 0; j < 4; j++ {
			s.Dests = append(s.Dests, ipvs.Destination{Address: netip.AddrFrom4([4]byte{192, 168, byte(j), byte(i)}),
				Port: 8080, Weight: 1, Stats: ipvs.Stats{Conns: uint64(i*j) * 77, InBytes: 123456789}})
		}
		k.Table = append(k.Table, s)
	}
	return k
}

// BenchmarkScrape10000 is a scrape of bench's table without the checks
// (make bench times the whole exporter, checks included, in the VM).
func BenchmarkScrape10000(b *testing.B) { benchScrape(b, Config{}) }

// BenchmarkScrapeChecks10000 is the same scrape with doctor's checks (no
// route to any real server, as in make bench's namespace).
func BenchmarkScrapeChecks10000(b *testing.B) { benchScrape(b, Config{Sys: &diagnosetest.System{}}) }

// benchScrape times scrapes of bench's table with cfg.
func benchScrape(b *testing.B, cfg Config) {
	k := bigKernel(10000)
	cfg.Open = func() (ipvs.API, error) { return k, nil }
	var buf []byte
	for b.Loop() {
		s := Read(cfg)
		buf = s.AppendText(buf[:0])
	}
	b.ReportMetric(float64(len(buf)), "bytes/scrape")
}

// textSize makes room for what AppendText writes, and not much more
// (no regrowth; at most half again), with and without the checks.
func TestTextSize(t *testing.T) {
	for _, sys := range []*diagnosetest.System{nil, {}} {
		cfg := Config{Open: func() (ipvs.API, error) { return bigKernel(500), nil }}
		if sys != nil {
			cfg.Sys = sys
		}
		s := Read(cfg)
		got, est := len(s.AppendText(nil)), s.textSize(labelNames(s.Services))
		if est < got || est > got*3/2 {
			t.Errorf("checks %v: textSize %d for %d bytes", s.Checks, est, got)
		}
	}
}
