package conntab

import (
	"strings"
	"testing"
)

func TestLineReaderSplitsLikeFgets(t *testing.T) {
	long := strings.Repeat("a", 300) + "\nb\n"
	lr := NewReader(strings.NewReader(long))
	var got []int
	for {
		s, ok := lr.Next()
		if !ok {
			break
		}
		got = append(got, len(s))
	}
	if len(got) != 3 || got[0] != 255 || got[1] != 46 || got[2] != 2 {
		t.Errorf("chunks %v, want [255 46 2]", got)
	}
}
