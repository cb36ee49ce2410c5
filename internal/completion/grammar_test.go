package completion

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/about"
	"github.com/lvsgo/ipvsadm/internal/arpprep"
	"github.com/lvsgo/ipvsadm/internal/grammar"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// TestOptionsMatchGrammar: the completion table is the grammar's option
// table, row for row and in its order, then options the grammar does not
// parse because the program handles them before it (--netns, -R --test),
// all marked as additions.
func TestOptionsMatchGrammar(t *testing.T) {
	specs := grammar.Options()
	if len(Options) < len(specs) {
		t.Fatalf("completion has %d options, the grammar %d", len(Options), len(specs))
	}
	for i, s := range specs {
		o := Options[i]
		if o.Long != s.Long || o.Short != s.Short {
			t.Errorf("option %d: completion has --%s (-%c), the grammar --%s (-%c)", i, o.Long, o.Short, s.Long, s.Short)
			continue
		}
		var want grammar.ArgKind
		switch o.Value {
		case None:
			want = grammar.ArgNone
		case Optional:
			want = grammar.ArgOptional
		default:
			want = grammar.ArgString
		}
		if o.Value == Timeouts {
			want = grammar.ArgNone // --set takes its three values as operands
		}
		if want != s.Arg {
			t.Errorf("--%s: completion's value %v means argument kind %v, the grammar has %v", s.Long, o.Value, want, s.Arg)
		}
	}
	for _, o := range Options[len(specs):] {
		if o.Group != Extension {
			t.Errorf("--%s is not in the grammar and not marked as an addition", o.Long)
		}
	}
}

// TestValueListsMatchIPVS: the words offered after --tun-type and
// --start-daemon are the names the ipvs package gives those values.
func TestValueListsMatchIPVS(t *testing.T) {
	var tun []string
	for tt := ipvs.TunnelType(0); tt.Known(); tt++ {
		tun = append(tun, tt.String())
	}
	if len(tun) != len(TunnelTypes) {
		t.Fatalf("tunnel types %q, ipvs names %q", TunnelTypes, tun)
	}
	for i := range tun {
		if tun[i] != TunnelTypes[i] {
			t.Errorf("tunnel types %q, ipvs names %q", TunnelTypes, tun)
		}
	}
	for _, w := range DaemonStates {
		if _, ok := ipvs.ParseDaemonState(w); !ok {
			t.Errorf("daemon state %q is not one ipvs reads", w)
		}
	}
}

// TestTableMatchesAdditions: the subcommands completed are those help
// lists (internal/about), in its order, and every option marked as an
// addition is one help lists, and the other way round.
func TestTableMatchesAdditions(t *testing.T) {
	if got, want := subcommandNames(), about.Subcommands(); !reflect.DeepEqual(got, want) {
		t.Errorf("completion's subcommands %q, help's %q", got, want)
	}
	listed := map[string]bool{}
	for _, a := range about.Additions {
		if strings.HasPrefix(a.Word, "--") {
			listed[a.Word] = true
		}
	}
	for _, o := range Options {
		if o.Group == Extension && !listed["--"+o.Long] {
			t.Errorf("--%s is an addition help does not list", o.Long)
		}
		delete(listed, "--"+o.Long)
	}
	for w := range listed {
		t.Errorf("help lists %s, which completion does not complete", w)
	}
}

// TestArpPrepOptionsMatchUsage: arp-prep's completion offers exactly the
// options its usage lists (and Parse accepts).
func TestArpPrepOptionsMatchUsage(t *testing.T) {
	var table []string
	for _, s := range Subcommands {
		if s.Name == "arp-prep" {
			for _, o := range s.Options {
				table = append(table, o.Forms()...)
			}
		}
	}
	usage := regexp.MustCompile(`(?m)^\s+(-h, )?(--[a-z-]+)`).FindAllStringSubmatch(arpprep.Usage, -1)
	var listed []string
	for _, m := range usage {
		listed = append(listed, m[2])
		if m[1] != "" {
			listed = append(listed, "-h")
		}
	}
	// --help is in the usage's first line only.
	listed = append(listed, "--help", "-h")
	slices.Sort(table)
	slices.Sort(listed)
	listed = slices.Compact(listed)
	if !slices.Equal(table, listed) {
		t.Errorf("completion offers %q, arp-prep's usage lists %q", table, listed)
	}
	for _, f := range table {
		o, err := arpprep.Parse([]string{f})
		if err != nil && strings.Contains(err.Error(), "unknown option") || f == "--dev" && err == nil {
			t.Errorf("arpprep.Parse(%s): %+v, %v", f, o, err)
		}
	}
}
