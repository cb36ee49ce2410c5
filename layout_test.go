package main

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// frontEnds are the packages behind the subcommands; main wires them up.
// The exporter (a program of its own) is a front end too: it may use
// none of them.
var frontEnds = []string{"ipvsadm", "apply", "arpprep", "doctor", "top", "boot", "completion", "about"}

// TestFrontEndsImportNoFrontEnd: what two front ends share lives in a
// layer package of its own, so none imports another. Their tests may
// (several drive ipvsadm's front end to set a fake kernel up).
func TestFrontEndsImportNoFrontEnd(t *testing.T) {
	const prefix = "github.com/lvsgo/ipvsadm/internal/"
	for _, fe := range append(frontEnds, "../exporter", "../exporter/collector") {
		files, err := filepath.Glob(filepath.Join("internal", fe, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("internal/%s: no Go files (%v)", fe, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, im := range ast.Imports {
				p, _ := strconv.Unquote(im.Path.Value)
				other, ok := strings.CutPrefix(p, prefix)
				if ok && other != fe && slices.Contains(frontEnds, other) {
					t.Errorf("%s imports front end %s: move what they share into a layer package", f, p)
				}
			}
		}
	}
}
