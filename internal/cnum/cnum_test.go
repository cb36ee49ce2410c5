package cnum

import (
	"strconv"
	"testing"
)

// TestDigit checks every byte against strconv's reading of it in base 16.
func TestDigit(t *testing.T) {
	for c := 0; c < 256; c++ {
		want := -1
		if v, err := strconv.ParseUint(string(rune(c)), 16, 8); err == nil && c < 128 {
			want = int(v)
		}
		if got := Digit(byte(c)); got != want {
			t.Errorf("Digit(%q) = %d, want %d", c, got, want)
		}
	}
}

func TestDigits(t *testing.T) {
	for _, tc := range []struct {
		s        string
		i        int
		base     uint64
		v        uint64
		end      int
		overflow bool
	}{
		{"123", 0, 10, 123, 3, false},
		{"123abc", 0, 10, 123, 3, false},
		{"0x1F,", 2, 16, 31, 4, false},
		{"0779", 1, 8, 077, 3, false}, // 9 is no octal digit
		{"ff", 0, 10, 0, 0, false},
		{"", 0, 16, 0, 0, false},
		{"18446744073709551615", 0, 10, 1<<64 - 1, 20, false},
		{"18446744073709551616", 0, 10, 0, 20, true}, // wraps, flagged
		{"ffffffffffffffff", 0, 16, 1<<64 - 1, 16, false},
		{"10000000000000000", 0, 16, 0, 17, true},
		{"1ffffffffffffffff", 0, 16, 1<<64 - 1, 17, true},
	} {
		v, end, of := Digits(tc.s, tc.i, tc.base)
		if v != tc.v || end != tc.end || of != tc.overflow {
			t.Errorf("Digits(%q, %d, %d) = %d, %d, %v; want %d, %d, %v",
				tc.s, tc.i, tc.base, v, end, of, tc.v, tc.end, tc.overflow)
		}
	}
}
