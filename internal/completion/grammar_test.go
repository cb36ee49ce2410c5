package completion

import (
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/about"
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

// TestTableMatchesAdditions: every option marked as an addition is one
// help lists (internal/about), and the other way round. (The subcommands
// completed are the registry's, as help's are: by construction.)
func TestTableMatchesAdditions(t *testing.T) {
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
