package about

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/lvsgo/ipvsadm/internal/cli"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// Compat is the ipvsadm release whose command lines and output we keep.
const Compat = "1.31"

// Info is what version reports.
type Info struct {
	Version  string // ours: linked, else the module's, else "devel"
	Commit   string // VCS revision; "" when the build did not record it
	Modified bool   // the work tree had changes
	Go       string // toolchain, e.g. go1.26.8
	Platform string // GOOS/GOARCH
	Kernel   Kernel
}

// Kernel is the kernel's IPVS as version found it.
type Kernel struct {
	Available   bool
	Version     ipvs.Version
	ConnTabSize uint32
	Reason      string // why not available, a few words
}

// VersionString is the IPVS version as X.Y.Z.
func (k Kernel) VersionString() string { return k.Version.String() }

func (k Kernel) String() string {
	if !k.Available {
		return "not available (" + k.Reason + ")"
	}
	return fmt.Sprintf("%s (connection table size %d)", k.VersionString(), k.ConnTabSize)
}

// Describe is the build's part of Info: linked and linkedCommit are the
// version and commit the Makefile linked in, bi the build information
// (nil if none). The linked commit counts only when the build recorded
// none itself (GOFLAGS=-buildvcs=false, or a work tree Go does not see).
func Describe(linked, linkedCommit string, bi *debug.BuildInfo) Info {
	in := Info{Version: "devel", Go: "unknown", Platform: "unknown"}
	if bi != nil {
		// go install module@version records the version; since Go 1.24
		// a build in a work tree records a pseudo-version from it.
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			in.Version = v
		}
		if bi.GoVersion != "" {
			in.Go = bi.GoVersion
		}
		var goos, goarch string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				in.Commit = s.Value
			case "vcs.modified":
				in.Modified = s.Value == "true"
			case "GOOS":
				goos = s.Value
			case "GOARCH":
				goarch = s.Value
			}
		}
		if goos != "" && goarch != "" {
			in.Platform = goos + "/" + goarch
		}
	}
	if linked != "" && linked != "unknown" {
		in.Version = linked
	}
	if in.Commit == "" && linkedCommit != "" {
		in.Commit = linkedCommit
		in.Modified = strings.HasSuffix(linked, "-dirty")
	}
	return in
}

// KernelOf is the Kernel part of Info from what asking IPVS gave.
func KernelOf(info ipvs.Info, err error, root bool) Kernel {
	if err == nil {
		return Kernel{Available: true, Version: info.Version, ConnTabSize: info.ConnTabSize}
	}
	return Kernel{Reason: reason(err, root)}
}

// reason says in a few words why IPVS could not be asked.
func reason(err error, root bool) string {
	var en syscall.Errno
	switch {
	case errors.Is(err, ipvs.ErrNotAvailable) && root:
		return "no ip_vs module in this kernel"
	case errors.Is(err, ipvs.ErrNotAvailable):
		return "ip_vs not loaded, and loading it needs root"
	case errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES):
		if root {
			return "permission denied"
		}
		return "needs root"
	case errors.As(err, &en):
		return en.Error()
	}
	return err.Error()
}

// Text is what `ipvsadm version` prints.
func (in Info) Text() string {
	commit := in.Commit
	switch {
	case commit == "":
		commit = "not recorded"
	case in.Modified:
		commit += " (modified)"
	}
	return fmt.Sprintf("ipvsadm in Go %s, a drop-in for ipvsadm %s\n"+
		"commit:      %s\n"+
		"go:          %s %s\n"+
		"kernel IPVS: %s\n", in.Version, Compat, commit, in.Go, in.Platform, in.Kernel)
}

// JSON is what `ipvsadm version --json` prints: one line. commit and
// modified are left out when the build recorded no commit.
func (in Info) JSON() string {
	type kernel struct {
		Available     bool   `json:"available"`
		Version       string `json:"version,omitempty"`
		ConnTableSize uint32 `json:"conn_table_size,omitempty"`
		Reason        string `json:"reason,omitempty"`
	}
	doc := struct {
		Version    string `json:"version"`
		Compatible string `json:"compatible"`
		Commit     string `json:"commit,omitempty"`
		Modified   *bool  `json:"modified,omitempty"`
		Go         string `json:"go"`
		Platform   string `json:"platform"`
		Kernel     kernel `json:"kernel_ipvs"`
	}{Version: in.Version, Compatible: Compat, Commit: in.Commit, Go: in.Go, Platform: in.Platform,
		Kernel: kernel{Available: in.Kernel.Available, Reason: in.Kernel.Reason}}
	if in.Commit != "" {
		doc.Modified = &in.Modified
	}
	if in.Kernel.Available {
		doc.Kernel.Version = in.Kernel.VersionString()
		doc.Kernel.ConnTableSize = in.Kernel.ConnTabSize
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(doc) // only strings, bools and numbers: cannot fail
	return b.String()
}

// Version runs `ipvsadm version [--json]`. It fails only on a bad
// argument: without IPVS it says why and exits 0.
func Version(args []string, env Env) int {
	r, err := VersionCommand.Parse(args, cli.Hooks{Operand: func(a string) error {
		return cli.ErrOperand(a)
	}})
	if err != nil {
		return VersionCommand.Fail(env.Stderr, err)
	}
	asJSON := r.Has("json")
	in := Describe(env.Linked, env.LinkedCommit, env.Build)
	if env.Kernel != nil {
		info, err := env.Kernel()
		in.Kernel = KernelOf(info, err, env.Root)
	} else {
		in.Kernel = Kernel{Reason: "not asked"}
	}
	if asJSON {
		io.WriteString(env.Stdout, in.JSON())
	} else {
		io.WriteString(env.Stdout, in.Text())
	}
	return 0
}
