package diffcase

import (
	"fmt"
	"strings"
)

// Diff returns a unified-style diff from want to got ("-" want, "+" got)
// with ctx lines of context, or "" when they are equal. Transcripts are
// small, so a plain LCS table is fine.
func Diff(want, got string, ctx int) string {
	if want == got {
		return ""
	}
	a := splitLines(want)
	b := splitLines(got)
	// lcs[i][j] = length of the LCS of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type op struct {
		tag  byte // ' ', '-', '+'
		text string
		ai   int // line number in a (1-based) of this or the next a line
		bi   int
	}
	var ops []op
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			ops = append(ops, op{' ', a[i], i + 1, j + 1})
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, op{'-', a[i], i + 1, j + 1})
			i++
		default:
			ops = append(ops, op{'+', b[j], i + 1, j + 1})
			j++
		}
	}
	var out strings.Builder
	for k := 0; k < len(ops); {
		if ops[k].tag == ' ' {
			k++
			continue
		}
		// A hunk: from ctx lines before this change to ctx lines after the
		// last change that is within 2*ctx of the previous one.
		start := max(0, k-ctx)
		end := k
		for end < len(ops) {
			if ops[end].tag != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].tag == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*ctx {
				end = min(len(ops), end+ctx)
				break
			}
			end = run
		}
		fmt.Fprintf(&out, "@@ want line %d, got line %d @@\n", ops[start].ai, ops[start].bi)
		for _, o := range ops[start:end] {
			fmt.Fprintf(&out, "%c%s\n", o.tag, o.text)
		}
		k = end
	}
	return out.String()
}

func splitLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
