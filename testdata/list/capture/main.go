// Command capture dumps the kernel's IPVS table, as our ipvs client decodes
// it, to stdout as JSON: the fixture the list golden tests format. gen.sh
// runs it in the VM right before and after the reference ipvsadm prints
// the same table. CAPTURE_ONLY=daemons dumps just the sync daemons.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/lvsgo/ipvsadm/ipvs"
)

type service struct {
	Service ipvs.Service
	Dests   []ipvs.Destination
}

type fixture struct {
	Info     ipvs.Info
	Services []service // kernel order
	Timeouts ipvs.Timeouts
	Daemons  []ipvs.Daemon
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "capture:", err)
		os.Exit(1)
	}
}

// step logs progress to stderr when CAPTURE_DEBUG is set.
func step(s string) {
	if os.Getenv("CAPTURE_DEBUG") != "" {
		fmt.Fprintln(os.Stderr, "capture:", s)
	}
}

func run() error {
	step("open")
	c, err := ipvs.Open(ipvs.Config{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
	if err != nil {
		return err
	}
	defer c.Close()
	var fx fixture
	if os.Getenv("CAPTURE_ONLY") == "daemons" {
		step("daemons")
		if fx.Daemons, err = c.Daemons(); err != nil {
			return err
		}
		return dump(struct{ Daemons []ipvs.Daemon }{fx.Daemons})
	}
	fx.Info = c.Info()
	step("services")
	svcs, err := c.Services()
	if err != nil {
		return err
	}
	for _, s := range svcs {
		step("dests " + s.Address.String())
		d, err := c.Destinations(s)
		if err != nil {
			return err
		}
		fx.Services = append(fx.Services, service{s, d})
	}
	step("timeouts")
	if fx.Timeouts, err = c.Timeouts(); err != nil {
		return err
	}
	step("daemons")
	if fx.Daemons, err = c.Daemons(); err != nil {
		return err
	}
	return dump(fx)
}

func dump(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "\t")
	return enc.Encode(v)
}
