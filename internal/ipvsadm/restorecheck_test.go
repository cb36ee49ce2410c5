package ipvsadm

import (
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/grammar"
)

func TestCheckRestore(t *testing.T) {
	for _, tc := range []struct {
		name, in, errs string
		status         int
	}{
		{"good", "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2 -m\n\n-Ln\n", "", 0},
		{"empty", "", "", 0},
		{"every bad line, numbered",
			"-A -t 10.0.0.1:80\n\n-a -t 10.0.0.1:80 -r 10.0.0.2 -m -g\n-A -t 10.0.0.1\n-A -t 10.0.0.1:80 -s\n-A -u 10.0.0.1:53 -x\n",
			"ipvsadm -R --test: line 3: multiple 'forwarding-method' options specified\n" +
				"ipvsadm -R --test: line 4: Zero port specified for non-persistent service\n" +
				"ipvsadm -R --test: line 5: -s: missing argument\n" +
				"ipvsadm -R --test: line 6: -x: missing argument\n", 2},
		{"popt error first", "-A -t 10.0.0.1:80 -s\n-A -t 10.0.0.1\n",
			"ipvsadm -R --test: line 1: -s: missing argument\n" +
				"ipvsadm -R --test: line 2: Zero port specified for non-persistent service\n", 255},
		{"no command", "foo\n", "ipvsadm -R --test: line 1: not a valid ipvsadm command line\n", 255},
		{"nested -R", "-R\n", "ipvsadm -R --test: line 1: -R inside -R is refused\n", 255},
		{"help", "-A -t 10.0.0.1:80\n-h\n", "ipvsadm -R --test: line 2: prints help or version and ends the restore there\n", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var errw strings.Builder
			st := CheckRestore("./ipvsadm", &grammar.Parser{}, strings.NewReader(tc.in), &errw)
			if got := errw.String(); got != tc.errs {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, tc.errs)
			}
			if st != tc.status {
				t.Errorf("status %d, want %d", st, tc.status)
			}
		})
	}
}
