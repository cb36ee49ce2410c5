package cnum

// Digit is the value of the hex digit c (either case), or -1.
func Digit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// Digits reads the digits of base (2 to 16) in s from i on, as strtoul's
// loop does: v is their value, wrapped modulo 2^64, end is where they
// stop, and overflow tells whether the value passed 2^64-1.
func Digits(s string, i int, base uint64) (v uint64, end int, overflow bool) {
	for ; i < len(s); i++ {
		d := Digit(s[i])
		if d < 0 || uint64(d) >= base {
			break
		}
		if v > (1<<64-1-uint64(d))/base {
			overflow = true
		}
		v = v*base + uint64(d)
	}
	return v, i, overflow
}
