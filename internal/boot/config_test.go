package boot

import (
	"strings"
	"testing"
)

func TestParseDebian(t *testing.T) {
	// Debian's own /etc/default/ipvsadm, as its package ships it (with
	// the tab after IFACE's value).
	shipped := "# ipvsadm\n\n# if you want to start ipvsadm on boot set this to true\nAUTO=\"false\"\n\n" +
		"# daemon method (none|master|backup)\nDAEMON=\"none\"\n\n# use interface (eth0,eth1...)\nIFACE=\"eth0\"\t\n\n" +
		"# syncid to use \n# (0 means no filtering of syncids happen, that is the default)\n# SYNCID=\"0\"\n"
	tests := []parseTest{
		{"missing file", "", Defaults(Debian), ""},
		{"shipped", shipped, Config{Flavor: Debian, Iface: "eth0"}, ""},
		{"master", "AUTO=true\nDAEMON=master\nIFACE=eth1\nSYNCID=7\n", Config{Flavor: Debian, Auto: true, Daemon: DaemonMaster, Iface: "eth1", SyncID: 7}, ""},
		{"both, single quotes, export, comment", "export DAEMON='both' # two daemons\nIFACE=bond0", Config{Flavor: Debian, Daemon: DaemonBoth, Iface: "bond0"}, ""},
		{"RHEL names are not Debian's", "IPVS_SAVE_ON_STOP=yes\n", Defaults(Debian), ""},
		{"AUTO=yes", "AUTO=yes\n", Config{}, `line 1: AUTO="yes": must be true or false`},
		{"DAEMON=slave", "AUTO=true\nDAEMON=slave", Config{}, `line 2: DAEMON="slave": must be none, master, backup or both`},
		{"SYNCID=256", "SYNCID=256", Config{}, `line 1: SYNCID="256": must be a number from 0 to 255`},
		{"SYNCID=x", "SYNCID=x", Config{}, `must be a number from 0 to 255`},
		{"IFACE empty", "IFACE=", Config{}, `line 1: IFACE="": not an interface name`},
		{"IFACE too long", "IFACE=abcdefghijklmnop", Config{}, `not an interface name`},
		{"command", "AUTO=true\nmodprobe ip_vs\n", Config{}, `line 2: not a NAME=value assignment: modprobe ip_vs`},
		{"expansion", "IFACE=$DEV\n", Config{}, `line 1: IFACE: expansions and commands are not supported`},
		{"expansion in quotes", "IFACE=\"$DEV\"\n", Config{}, `line 1: IFACE: expansions are not supported`},
		{"two words", "IFACE=eth0 eth1\n", Config{}, `line 1: IFACE: more than one word`},
		{"unterminated", "IFACE=\"eth0\n", Config{}, `line 1: IFACE: unterminated quote`},
	}
	checkParse(t, Debian, tests)
}

func TestParseRHEL(t *testing.T) {
	// The settings RHEL's ipvsadm-config ships, at their defaults.
	shipped := "# Unload modules on restart and stop\nIPVS_MODULES_UNLOAD=\"yes\"\n\n# Save current ipvs rules on stop.\nIPVS_SAVE_ON_STOP=\"no\"\n\n" +
		"IPVS_SAVE_ON_RESTART=\"no\"\n\nIPVS_STATUS_NUMERIC=\"yes\"\n"
	tests := []parseTest{
		{"missing file", "", Config{Flavor: RHEL, StatusNumeric: true, ModulesUnload: true}, ""},
		{"shipped", shipped, Defaults(RHEL), ""},
		{"all flipped", "IPVS_MODULES_UNLOAD=no\nIPVS_SAVE_ON_STOP=yes\nIPVS_SAVE_ON_RESTART=yes\nIPVS_STATUS_NUMERIC=no\n",
			Config{Flavor: RHEL, SaveOnStop: true, SaveOnRestart: true}, ""},
		{"Debian names are not RHEL's", "AUTO=true\n", Defaults(RHEL), ""},
		{"true is not yes", "IPVS_SAVE_ON_STOP=true", Config{}, `line 1: IPVS_SAVE_ON_STOP="true": must be yes or no`},
	}
	checkParse(t, RHEL, tests)
}

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args []string
		want Options
		err  string
	}{
		{[]string{"start"}, Options{Command: "start"}, ""},
		{[]string{"--rhel", "--rules", "/r", "--config=/c", "stop"}, Options{Flavor: RHEL, Rules: "/r", Config: "/c", Command: "stop"}, ""},
		{[]string{"--debian", "status"}, Options{Flavor: Debian, Command: "status"}, ""},
		{nil, Options{}, "a command is needed"},
		{[]string{"begin"}, Options{}, `unknown command "begin"`},
		{[]string{"start", "stop"}, Options{}, "one command only"},
		{[]string{"--debian", "--rhel", "start"}, Options{}, "--debian and --rhel do not go together"},
		{[]string{"start", "--rules"}, Options{}, "option --rules needs FILE"},
		{[]string{"--config=", "start"}, Options{}, "option --config needs FILE"},
		{[]string{"--config=/a", "--config", "/b", "save"}, Options{Config: "/b", Command: "save"}, ""},
		{[]string{"-x", "start"}, Options{}, `unknown option "-x"`},
		{[]string{"start", "--help"}, Options{Help: true}, ""},
	}
	for _, tt := range tests {
		got, err := ParseArgs(tt.args)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.args, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q: got %+v, %v; want %+v", tt.args, got, err, tt.want)
		}
	}
}

type parseTest struct {
	name, text string
	want       Config
	err        string // a part of the error wanted; "" for none
}

func checkParse(t *testing.T, f Flavor, tests []parseTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(f, tt.text)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
