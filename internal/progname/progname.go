package progname

import (
	"bufio"
	"bytes"
	"io"
	"path"
	"strings"
)

// Mode is which program the binary is acting as.
type Mode int

const (
	Ipvsadm Mode = iota // any other name: ipvsadm itself
	Save                // ipvsadm-save
	Restore             // ipvsadm-restore
)

// ModeOf returns the mode for argv[0], by its base name.
func ModeOf(argv0 string) Mode {
	switch path.Base(argv0) {
	case "ipvsadm-save":
		return Save
	case "ipvsadm-restore":
		return Restore
	}
	return Ipvsadm
}

// Step is one ipvsadm invocation of a plan.
type Step struct {
	Args       []string // full argv, Args[0] the program name
	Stdin      bool     // gets the filtered standard input (restore's -R)
	KeepStatus bool     // its exit status is the plan's
}

// Plan is what an invocation under some name amounts to: either an early
// exit (Status, Stderr) or ipvsadm steps to run in order.
type Plan struct {
	Steps  []Step
	Status int    // exit status when Steps is empty
	Stderr string // printed when Steps is empty
}

// Rewrite turns a command line (args[0] included) into a Plan. For plain
// ipvsadm it is one step with the arguments unchanged.
func Rewrite(args []string) Plan {
	if len(args) == 0 {
		args = []string{"ipvsadm"}
	}
	switch ModeOf(args[0]) {
	case Save:
		save := []string{"ipvsadm", "-S"}
		numeric := false
		for _, a := range args[1:] {
			switch {
			case a == "-n":
				numeric = true
			case strings.HasPrefix(a, "-"):
				return Plan{Status: 1, Stderr: path.Base(args[0]) + ": Script to save the IPVS table to stdout.\n" +
					"   With the -n option, prints out the table in numeric format.\n"}
			}
		}
		if numeric {
			save = append(save, "-n")
		}
		return Plan{Steps: []Step{{Args: save, KeepStatus: true}}}
	case Restore:
		return Plan{Steps: []Step{
			{Args: []string{"ipvsadm", "-C"}},
			{Args: []string{"ipvsadm", "-R"}, Stdin: true, KeepStatus: true},
		}}
	}
	return Plan{Steps: []Step{{Args: args, Stdin: true, KeepStatus: true}}}
}

// FilterComments returns what ipvsadm-restore feeds to "ipvsadm -R": the
// lines of r not starting with "#", trailing newlines trimmed, one added.
func FilterComments(r io.Reader) ([]byte, error) {
	var out bytes.Buffer
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 && line[0] != '#' {
			out.Write(line)
			if line[len(line)-1] != '\n' {
				out.WriteByte('\n') // grep ends every line it prints
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	b := bytes.TrimRight(out.Bytes(), "\n")
	return append(b, '\n'), nil
}

// MainFunc runs one ipvsadm command line (the front end, with its Env bound).
type MainFunc func(args []string, stdin io.Reader, stdout, stderr io.Writer) int

// Run carries out Rewrite(args) with ipvsadm's main function and returns
// the exit status. For plain ipvsadm it is just main(args, stdin, ...).
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer, main MainFunc) int {
	p := Rewrite(args)
	if len(p.Steps) == 0 {
		io.WriteString(stderr, p.Stderr)
		return p.Status
	}
	if ModeOf(argv0(args)) == Ipvsadm {
		return main(p.Steps[0].Args, stdin, stdout, stderr)
	}
	// Like the script, read all of stdin before the first step (its grep
	// runs before ipvsadm -C); unlike it, stop if stdin cannot be read
	// rather than clear the table and restore a truncated file.
	var filtered []byte
	for _, s := range p.Steps {
		if s.Stdin {
			var err error
			if filtered, err = FilterComments(stdin); err != nil {
				io.WriteString(stderr, path.Base(argv0(args))+": "+err.Error()+"\n")
				return 1
			}
			break
		}
	}
	for _, s := range p.Steps {
		var in io.Reader = strings.NewReader("")
		if s.Stdin {
			in = bytes.NewReader(filtered)
		}
		st := main(s.Args, in, stdout, stderr)
		if s.KeepStatus {
			return st
		}
	}
	return 0
}

func argv0(args []string) string {
	if len(args) == 0 {
		return "ipvsadm"
	}
	return args[0]
}
