package ipvsadm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/jsontable"
	"github.com/lvsgo/ipvsadm/internal/upstream"
)

// TestJSONAgainstReferenceTables runs each list view with --json on the
// kernel state testdata/list captured and wants every value the
// reference's table shows for that view (its golden, recorded in the VM) to
// be in the document under its documented name.
func TestJSONAgainstReferenceTables(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "list")
	env := listEnv(t, dir)

	tests := []struct {
		golden  string // the reference's output for the same view
		args    string
		view    jsontable.View
		numeric bool
	}{
		{"Ln_exact", "-Ln --json", jsontable.List, true},
		{"L", "-L --json", jsontable.List, false},
		{"Ln_nosort", "-Ln --nosort --json", jsontable.List, true},
		{"Ln_stats_exact", "-Ln --stats --json", jsontable.StatsView, true},
		{"Ln_rate_exact", "-Ln --rate --json", jsontable.RateView, true},
		{"Ln_thresholds", "-Ln --thresholds --json", jsontable.Thresholds, true},
		{"L_thresholds", "-L --thresholds --json", jsontable.Thresholds, false},
		{"Ln_persistent", "-Ln --persistent-conn --json", jsontable.PersistConn, true},
		{"Ln_tun", "-Ln --tun-info --json", jsontable.TunInfo, true},
		{"Lt", "-L -t 10.0.0.100:80 --json", jsontable.List, false},
		{"Ltn_stats", "-Ln -t 10.0.0.100:80 --stats --exact --json", jsontable.StatsView, true},
		{"Lu_rate", "-Ln -u 10.0.0.100:53 --rate --json", jsontable.RateView, true},
		{"Lf", "-Ln -f 1 --json", jsontable.List, true},
		{"Lf_big", "-Ln -f 3000000000 --json", jsontable.List, true},
		{"Lf6", "-L -f 2 -6 --json", jsontable.List, false},
		{"Lt6", "-Ln -t [2001:db8::100]:80 --thresholds --json", jsontable.Thresholds, true},
		{"Lsctp", "-Ln --sctp-service 10.0.0.104:3868 --json", jsontable.List, true},
		{"timeout", "-L --timeout --json", jsontable.Timeout, true},
		{"daemon", "-L --daemon --json", jsontable.DaemonView, true},
		{"Lcn", "-Lcn --json", jsontable.ConnView, true},
		{"Lc", "-Lc --json", jsontable.ConnView, false},
		{"Lcn_pc", "-L -c -n --persistent-conn --json", jsontable.ConnPE, true},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(dir, tt.golden+".out"))
			if err != nil {
				t.Fatal(err)
			}
			env := env
			env.ConnPath = filepath.Join(dir, tt.golden+".conn")
			rc, out, stderr := call(env, "", append([]string{"ipvsadm"}, strings.Fields(tt.args)...)...)
			if rc != 0 || stderr != "" {
				t.Fatalf("ipvsadm %s: status %d, stderr %q", tt.args, rc, stderr)
			}
			doc, err := jsontable.Decode([]byte(out))
			if err != nil {
				t.Fatalf("ipvsadm %s: %v", tt.args, err)
			}
			if d := jsontable.Diff(jsontable.TableWords(upstream.Apply(upstream.Bookworm, string(want), nil)), jsontable.Words(doc, tt.view, tt.numeric)); d != "" {
				t.Errorf("ipvsadm %s vs the reference's %s:\n%s", tt.args, tt.golden, d)
			}
		})
	}
}

// TestJSONOnlyWithListViews: --json with any other command is one line and
// ipvsadm's parse-error status, before anything reaches the kernel.
func TestJSONOnlyWithListViews(t *testing.T) {
	fx := emptyTable()
	env := envFor(fx, nil, "", nil)
	for _, args := range []string{
		"-A -t 10.0.0.1:80 --json", "-S --json", "-Sn --json", "-C --json", "-Z --json",
		"-a -t 10.0.0.1:80 -r 10.0.0.2 --json", "--set 1 2 3 --json", "-R --json",
		"--start-daemon master --json", "-D -t 10.0.0.1:80 --json",
	} {
		rc, out, stderr := call(env, "", append([]string{"ipvsadm"}, strings.Fields(args)...)...)
		cmdName := strings.Fields(stderr)
		if rc != 2 || out != "" || strings.Count(stderr, "\n") != 1 ||
			!strings.HasPrefix(stderr, "Illegal 'json' option with the '") || len(cmdName) == 0 {
			t.Errorf("ipvsadm %s: status %d, stdout %q, stderr %q", args, rc, out, stderr)
		}
	}
	for _, c := range fx.Calls {
		t.Errorf("kernel call %s after a refused --json", c)
	}
	if rc, _, stderr := call(env, "", "ipvsadm", "-L", "--json", "--json"); rc != 2 ||
		stderr != "multiple 'json' options specified\n" {
		t.Errorf("--json twice: status %d, stderr %q", rc, stderr)
	}
	// An empty table is an empty list, not null.
	if rc, out, _ := call(env, "", "ipvsadm", "-Ln", "--json"); rc != 0 ||
		!strings.Contains(out, `"services":[]`) || strings.Count(out, "\n") != 1 {
		t.Errorf("empty -Ln --json: status %d, %q", rc, out)
	}
}
