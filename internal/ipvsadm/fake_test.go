package ipvsadm

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/internal/ipvstest"
	"github.com/lvsgo/ipvsadm/internal/netdb"
	"github.com/lvsgo/ipvsadm/internal/show"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// envFor is an Env over the shared fake kernel k: names from n, -L -c
// from the file conn, command lines read with p (numeric only if nil).
// Tests fill in the streams, or use call.
func envFor(k *ipvstest.Kernel, n show.Namer, conn string, p *grammar.Parser) Env {
	if n == nil {
		n = netdb.Empty()
	}
	if p == nil {
		p = &grammar.Parser{}
	}
	return Env{Open: func() (ipvs.API, error) { return k, nil }, Parser: p, Names: n, ConnPath: conn}
}

// call runs one command line (args[0] included) in env with stdin, and
// returns its status and what it printed.
func call(env Env, stdin string, args ...string) (rc int, stdout, stderr string) {
	var out, errb bytes.Buffer
	env.Stdin, env.Stdout, env.Stderr = strings.NewReader(stdin), &out, &errb
	rc = Run(args, env)
	return rc, out.String(), errb.String()
}

// loadKernel is the kernel state testdata/list/capture recorded in a file.
func loadKernel(t testing.TB, path string) *ipvstest.Kernel {
	t.Helper()
	k, err := ipvstest.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// emptyTable is a kernel like the VM's (IPVS 1.2.1) with no services.
func emptyTable() *ipvstest.Kernel {
	return &ipvstest.Kernel{KernelInfo: ipvs.Info{Version: 0x010201, ConnTabSize: 4096}}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
