package dist

import (
	"os"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/boot"
)

// The settings files the packages ship hold the distributions' defaults,
// and each package's unit runs `ipvsadm boot` with its own flavour.
func TestBootFiles(t *testing.T) {
	for _, tt := range []struct {
		flavor         boot.Flavor
		settings, unit string
	}{
		{boot.Debian, "deb/ipvsadm.default", "deb/ipvsadm.service"},
		{boot.RHEL, "rpm/ipvsadm-config", "rpm/ipvsadm.service"},
	} {
		text, err := os.ReadFile(tt.settings)
		if err != nil {
			t.Fatal(err)
		}
		c, err := boot.Parse(tt.flavor, string(text))
		if err != nil {
			t.Errorf("%s: %v", tt.settings, err)
		}
		if c != boot.Defaults(tt.flavor) {
			t.Errorf("%s: %+v, want the defaults %+v", tt.settings, c, boot.Defaults(tt.flavor))
		}
		vars, _ := boot.ParseVars(string(text))
		if len(vars) < 3 {
			t.Errorf("%s sets %d settings; it should show them", tt.settings, len(vars))
		}
		unit, err := os.ReadFile(tt.unit)
		if err != nil {
			t.Fatal(err)
		}
		for _, cmd := range []string{"start", "stop", "reload"} {
			want := "=/usr/sbin/ipvsadm boot --" + tt.flavor.String() + " " + cmd + "\n"
			if !strings.Contains(string(unit), want) {
				t.Errorf("%s: no Exec line %q", tt.unit, want)
			}
		}
	}
}
