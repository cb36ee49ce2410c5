package apply

import (
	"errors"

	"github.com/lvsgo/ipvsadm/internal/cli"
)

// Command describes apply for dispatch, help and completion.
var Command = cli.Command{
	Word:  "apply",
	Row:   "ipvsadm apply FILE|-",
	Help:  "make the table equal to a -S file, no flush",
	Usage: Usage,
	Options: []cli.Option{
		{Long: "dry-run", Help: "print the changes as ipvsadm command lines, apply nothing"},
		cli.Help,
	},
	Operands: cli.Operands{Name: "rules file (- for standard input)", Kind: cli.File},
}

// options is one parsed apply command line.
type options struct {
	file   string // "-": standard input
	dryRun bool
	help   bool
}

// parseArgs reads the words after "apply".
func parseArgs(args []string) (options, error) {
	var o options
	haveFile := false
	r, err := Command.Parse(args, cli.Hooks{Operand: func(a string) error {
		if haveFile {
			return errors.New("one file only")
		}
		o.file, haveFile = a, true
		return nil
	}})
	if r.Ended == "help" {
		return options{help: true}, nil
	}
	if err != nil {
		return o, err
	}
	if !haveFile {
		return o, errors.New("no file given; use - for standard input")
	}
	o.dryRun = r.Has("dry-run")
	return o, nil
}
