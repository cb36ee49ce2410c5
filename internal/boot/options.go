package boot

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lvsgo/ipvsadm/internal/cli"
)

// Usage is the text of `ipvsadm boot --help`.
const Usage = `Usage: ipvsadm boot [--debian|--rhel] [--config FILE] [--rules FILE] COMMAND

Start or stop the IPVS table and the sync daemons as the distribution's
ipvsadm service does, from its settings file. COMMAND is one of:
  start    load the rules (Debian: when AUTO=true), start the sync daemons
  stop     save the rules where the settings say so, clear the table,
           stop the sync daemons (Debian) or unload the modules (RHEL)
  restart  stop, then start (RHEL: save first if IPVS_SAVE_ON_RESTART=yes)
  reload   load the rules again
  status   list the table (RHEL: numeric if IPVS_STATUS_NUMERIC=yes)
  save     save the table to the rules file

  --debian        /etc/default/ipvsadm and /etc/ipvsadm.rules
  --rhel          /etc/sysconfig/ipvsadm-config and /etc/sysconfig/ipvsadm
                  (default: whichever settings file exists)
  --config FILE   another settings file
  --rules FILE    another rules file
`

// Options is a parsed command line.
type Options struct {
	Flavor  Flavor // 0: find out from the files present
	Config  string
	Rules   string
	Command string
	Help    bool
}

// Commands are the words boot takes.
var Commands = []string{"start", "stop", "restart", "reload", "status", "save"}

// Command describes boot for dispatch, help and completion.
var Command = cli.Command{
	Word:  "boot",
	Row:   "ipvsadm boot COMMAND",
	Help:  "the packaged service, from Debian/RHEL settings",
	Usage: Usage,
	Options: []cli.Option{
		{Long: "debian", Help: "settings of Debian's ipvsadm package"},
		{Long: "rhel", Help: "settings of RHEL's ipvsadm package"},
		{Long: "config", Arg: "FILE", Kind: cli.File, Check: notEmpty("--config"), Help: "another settings file"},
		{Long: "rules", Arg: "FILE", Kind: cli.File, Check: notEmpty("--rules"), Help: "another rules file"},
		cli.Help,
	},
	Operands: cli.Operands{Name: "command", Kind: cli.Words, Words: Commands},
}

// notEmpty refuses an empty file name (--config=).
func notEmpty(name string) func(string) error {
	return func(v string) error {
		if v == "" {
			return fmt.Errorf("option %s needs FILE", name)
		}
		return nil
	}
}

// ParseArgs reads the command line after "boot". --config and --rules
// may be given again: the last one counts.
func ParseArgs(args []string) (Options, error) {
	var o Options
	r, err := Command.Parse(args, cli.Hooks{Operand: func(a string) error {
		if o.Command != "" {
			return fmt.Errorf("one command only, not %s and %s", o.Command, a)
		}
		if !slices.Contains(Commands, a) {
			return fmt.Errorf("unknown command %q (one of %s)", a, strings.Join(Commands, ", "))
		}
		o.Command = a
		return nil
	}})
	if r.Ended == "help" {
		return Options{Help: true}, nil
	}
	if err != nil {
		return o, err
	}
	switch flavor, err := r.Either("debian", "rhel"); {
	case err != nil:
		return o, err
	case flavor == "debian":
		o.Flavor = Debian
	case flavor == "rhel":
		o.Flavor = RHEL
	}
	o.Config, o.Rules = r.Value("config"), r.Value("rules")
	if o.Command == "" {
		return o, fmt.Errorf("a command is needed (one of %s)", strings.Join(Commands, ", "))
	}
	return o, nil
}
