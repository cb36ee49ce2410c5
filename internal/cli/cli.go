package cli

import (
	"fmt"
	"io"
	"strings"
)

// Kind is what an option's value or an operand is: what completion
// offers for it.
type Kind int

const (
	Text       Kind = iota // anything; nothing to offer
	Number                 // a number
	Interface              // a network interface's name
	Address                // an IP address or host name
	File                   // a file name
	Words                  // one of a fixed list of words
	Subcommand             // the word of a subcommand (help's operand)
)

// Option is one option of a subcommand.
type Option struct {
	Long  string // without the leading "--"
	Short byte   // 0: no short form
	// Arg names the value in the usage and in messages ("IFACE"); "" for
	// a flag.
	Arg   string
	Kind  Kind     // what the value is, for completion
	Words []string // Kind Words: the values it takes
	Once  bool     // given twice is an error
	Help  string   // one short line, no trailing period
	// Check, if set, validates the value as it is read, so that errors
	// come in the order of the words.
	Check func(value string) error
	// Ends stops the parse at this option, the words after it unread
	// (--help: it wins over anything that follows).
	Ends bool
}

// Forms returns the spellings of o: "-n", "--numeric".
func (o Option) Forms() []string {
	var f []string
	if o.Short != 0 {
		f = append(f, "-"+string(o.Short))
	}
	return append(f, "--"+o.Long)
}

// Help is the --help option every subcommand but help and version has
// (those two words with -h or --help are ipvsadm 1.31's).
var Help = Option{Long: "help", Short: 'h', Help: "print the usage", Ends: true}

// Operands says what a subcommand takes after its options.
type Operands struct {
	Name  string   // what one is called ("vip", "file"); "": none
	Kind  Kind     // what it is, for completion
	Words []string // Kind Words: the values
	Many  bool     // more than one
}

// Command describes one subcommand: everything dispatch, help, --help and
// completion need to know of it.
type Command struct {
	Word  string // what the subcommand is called: ipvsadm WORD
	Row   string // its row in `ipvsadm help`, short: "ipvsadm apply FILE|-"
	Help  string // what it does, one short line
	Usage string // what `ipvsadm WORD --help` and `ipvsadm help WORD` print
	// Options are those Parse reads.
	Options  []Option
	Operands Operands
	// Service: it also takes one service as -L does (-t|-u|--sctp-service
	// VIP:port, -f mark, -6), which the grammar reads, not Parse.
	Service bool
}

// Option returns c's option called long, or false.
func (c *Command) Option(long string) (Option, bool) {
	for _, o := range c.Options {
		if o.Long == long {
			return o, true
		}
	}
	return Option{}, false
}

// See is where a bad command line points: the subcommand's --help, or
// `ipvsadm help WORD` for one without it.
func (c *Command) See() string {
	if _, ok := c.Option("help"); ok {
		return "see ipvsadm " + c.Word + " --help"
	}
	return "see ipvsadm help " + c.Word
}

// Fail prints err as the one line of a bad command line, "ipvsadm WORD:
// err (see ...)", and returns its exit status, 2.
func (c *Command) Fail(w io.Writer, err error) int {
	fmt.Fprintf(w, "ipvsadm %s: %v (%s)\n", c.Word, err, c.See())
	return 2
}

// Hooks are the parts of a parse that belong to the subcommand.
type Hooks struct {
	// Other reads args[i], a word that starts with "-" and is none of the
	// options, and returns how many words it takes (at least 1). Nil:
	// such a word is an unknown option.
	Other func(args []string, i int) (int, error)
	// Operand, if set, checks each operand as it is read.
	Operand func(word string) error
}

// Result is a parsed command line.
type Result struct {
	values   map[string][]string
	Operands []string // the words that are no option, in order
	Other    []string // the words Hooks.Other took, in order
	Ended    string   // the Long of the Ends option that stopped the parse; "" none
}

// Has reports whether the option called long was given.
func (r Result) Has(long string) bool { return len(r.values[long]) > 0 }

// Value is the option's value, the last one if it was given more than
// once; "" without it.
func (r Result) Value(long string) string {
	v := r.values[long]
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// Either is which of two options that exclude each other was given: a,
// b, or "" for neither; both is an error.
func (r Result) Either(a, b string) (string, error) {
	switch {
	case r.Has(a) && r.Has(b):
		return "", fmt.Errorf("--%s and --%s do not go together", a, b)
	case r.Has(a):
		return a, nil
	case r.Has(b):
		return b, nil
	}
	return "", nil
}

// Values are all the values given to the option, in order.
func (r Result) Values(long string) []string { return r.values[long] }

// Parse reads args, the words after the subcommand's, with c's options:
// --long, --long=value or --long value, -s or -s value (a short option is
// a word of its own); "--" ends the options and "-" is an operand. The
// error is one line without a prefix; Fail prints it.
func (c *Command) Parse(args []string, h Hooks) (Result, error) {
	r := Result{values: map[string][]string{}}
	operand := func(w string) error {
		if h.Operand != nil {
			if err := h.Operand(w); err != nil {
				return err
			}
		}
		r.Operands = append(r.Operands, w)
		return nil
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			for _, w := range args[i+1:] {
				if err := operand(w); err != nil {
					return r, err
				}
			}
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			if err := operand(a); err != nil {
				return r, err
			}
			continue
		}
		o, name, val, attached := c.lookup(a)
		if o == nil {
			if h.Other == nil {
				return r, fmt.Errorf("unknown option %q", name)
			}
			n, err := h.Other(args, i)
			if err != nil {
				return r, err
			}
			n = max(n, 1)
			r.Other = append(r.Other, args[i:min(i+n, len(args))]...)
			i += n - 1
			continue
		}
		switch {
		case o.Arg == "" && attached:
			return r, fmt.Errorf("option %s takes no value", name)
		case o.Arg != "" && !attached:
			if i+1 >= len(args) {
				return r, fmt.Errorf("option %s needs %s", name, o.Arg)
			}
			i++
			val = args[i]
		}
		if o.Once && r.Has(o.Long) {
			return r, fmt.Errorf("option %s given twice", name)
		}
		if o.Check != nil {
			if err := o.Check(val); err != nil {
				return r, err
			}
		}
		r.values[o.Long] = append(r.values[o.Long], val)
		if o.Ends {
			r.Ended = o.Long
			return r, nil
		}
	}
	return r, nil
}

// lookup finds the option word a is: the option (nil if none), its name
// as written (before any "="), and the value attached with "=".
func (c *Command) lookup(a string) (o *Option, name, val string, attached bool) {
	name = a
	if strings.HasPrefix(a, "--") {
		name, val, attached = strings.Cut(a, "=")
	}
	for i := range c.Options {
		opt := &c.Options[i]
		if name == "--"+opt.Long || !attached && opt.Short != 0 && name == "-"+string(opt.Short) {
			return opt, name, val, attached
		}
	}
	return nil, name, val, attached
}

// ErrOperand is an operand a subcommand does not take.
func ErrOperand(w string) error { return fmt.Errorf("unexpected argument %q", w) }

// OneOf checks that a value is one of words, for Option.Check: what is
// bad is named with the words it could have been.
func OneOf(what string, words []string) func(string) error {
	return func(v string) error {
		for _, w := range words {
			if v == w {
				return nil
			}
		}
		return fmt.Errorf("invalid %s %q: %s", what, v, strings.Join(words, ", "))
	}
}
