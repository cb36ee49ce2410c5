package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/alecthomas/kingpin/v2"
	"github.com/lvsgo/ipvsadm/exporter/collector"
	"github.com/lvsgo/ipvsadm/internal/diagnose"
	"github.com/lvsgo/ipvsadm/ipvs"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/exporter-toolkit/web"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"
	"golang.org/x/sys/unix"
)

// version is linked in by the Makefile (-X main.version=...).
var version string

// The main goroutine stays on the main thread, the thread group leader:
// /proc/self/net (the connection table doctor reads) follows that thread's
// namespace, and --netns moves it before anything else runs.
func init() { runtime.LockOSThread() }

const name = "ipvs_exporter"

// defaultAddress: the port is not in Prometheus' default port allocation
// list; pick another with --web.listen-address.
const defaultAddress = ":9946"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// options is the command line.
type options struct {
	web           *web.FlagConfig
	path, netns   string
	checks, probe bool
	// done: --help or --version was answered.
	done bool
}

func parse(args []string, stdout, stderr io.Writer) (options, error) {
	var o options
	a := kingpin.New(name, "Prometheus exporter of the Linux IPVS table: per-service and per-real-server counters, and ipvsadm doctor's checks.")
	a.UsageWriter(stdout)
	a.ErrorWriter(stderr)
	a.Terminate(func(int) { o.done = true })
	a.HelpFlag.Short('h')
	v := version
	if v == "" {
		if bi, ok := debug.ReadBuildInfo(); ok {
			v = bi.Main.Version
		}
	}
	a.Version(v)
	o.web = kingpinflag.AddFlags(a, defaultAddress)
	a.Flag("web.telemetry-path", "Path under which to expose metrics.").Default("/metrics").StringVar(&o.path)
	var netnsSet bool
	a.Flag("netns", "Read the IPVS table of network namespace /run/netns/NAME (the exporter still listens where it was started).").
		PlaceHolder("NAME").IsSetByUser(&netnsSet).StringVar(&o.netns)
	a.Flag("collector.checks", "Export ipvsadm doctor's director checks as ipvs_check (--no-collector.checks: not).").
		Default("true").BoolVar(&o.checks)
	a.Flag("collector.checks.probe", "Let the checks send doctor's probes at every scrape: a TCP connect to each real server, ARP requests for DR VIPs.").
		Default("false").BoolVar(&o.probe)
	_, err := a.Parse(args)
	if err == nil && netnsSet && o.netns == "" {
		err = errors.New("--netns: no namespace name given")
	}
	return o, err
}

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parse(args, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v (see %s --help)\n", name, err, name)
		return 2
	}
	if o.done {
		return 0
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	if o.probe && !o.checks {
		fmt.Fprintf(stderr, "%s: --collector.checks.probe needs the checks (drop --no-collector.checks)\n", name)
		return 2
	}
	// The listener's thread goes back to this namespace after --netns.
	home, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	if o.netns != "" {
		if err := enterNetns(o.netns); err != nil {
			fmt.Fprintf(stderr, "%s: --netns: %v\n", name, err)
			return 2
		}
	}
	cfg := collector.Config{Open: func() (ipvs.API, error) {
		c, err := ipvs.Open(ipvs.Config{NoModprobe: true})
		if err != nil {
			return nil, err
		}
		return c, nil
	}, Probe: o.probe}
	if o.checks {
		cfg.Sys = &diagnose.Kernel{}
	}
	// Check once at start that the table can be read, so that a wrong
	// namespace or a missing privilege is said at once; a module not
	// loaded yet is only logged (ipvs_up 0 until it is).
	if _, err := cfg.Open(); errors.Is(err, ipvs.ErrNotAvailable) {
		logger.Warn("IPVS is not available (the ip_vs module is not loaded): ipvs_up stays 0 until it is")
	} else if err != nil {
		logger.Warn("cannot read the IPVS table: ipvs_up stays 0 until it can", "err", err)
	}

	scrapes := make(chan chan collector.Snapshot)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	mux := http.NewServeMux()
	mux.Handle(o.path, &handler{scrapes: scrapes, self: reg, logger: logger})
	if o.path != "/" {
		lp, err := web.NewLandingPage(web.LandingConfig{Name: name, Description: "Prometheus exporter of the Linux IPVS table",
			Version: version, Links: []web.LandingLinks{{Address: o.path, Text: "Metrics"}}})
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return 1
		}
		mux.Handle("/", lp)
	}
	served := make(chan error, 1)
	go func() {
		// Listen from a thread in the namespace the exporter started in;
		// the thread stays locked, so no other goroutine inherits it.
		runtime.LockOSThread()
		if err := unix.Setns(home, unix.CLONE_NEWNET); err != nil {
			served <- fmt.Errorf("back to the starting namespace: %v", err)
			return
		}
		unix.Close(home)
		srv := &http.Server{Handler: mux}
		served <- web.ListenAndServe(srv, o.web, logger)
	}()
	for {
		select {
		case reply := <-scrapes:
			reply <- collector.Read(cfg)
		case err := <-served:
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return 1
		}
	}
}

// handler serves one scrape: the table, read on the main thread, then the
// exporter's own Go and process metrics.
type handler struct {
	scrapes chan<- chan collector.Snapshot
	self    prometheus.Gatherer
	logger  *slog.Logger
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reply := make(chan collector.Snapshot, 1)
	select {
	case h.scrapes <- reply:
	case <-r.Context().Done():
		return
	}
	var s collector.Snapshot
	select {
	case s = <-reply:
	case <-r.Context().Done():
		return
	}
	b := s.AppendText(make([]byte, 0, 1<<16))
	var own strings.Builder
	mfs, err := h.self.Gather()
	if err != nil {
		h.logger.Warn("gathering the exporter's own metrics", "err", err)
	}
	enc := expfmt.NewEncoder(&own, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		enc.Encode(mf)
	}
	w.Header().Set("Content-Type", collector.ContentType)
	w.Write(b)
	io.WriteString(w, own.String())
}
