package progress

import (
	"bytes"
	"os"
	"testing"
	"time"
)

// clock advances by step at each reading.
func clock(step time.Duration) func() time.Time {
	t := time.Unix(0, 0)
	return func() time.Time { t = t.Add(step); return t }
}

func TestMeterOnTerminal(t *testing.T) {
	var b bytes.Buffer
	m := newMeter(&b, true, "restore", 5000, clock(time.Second))
	for i := 0; i < Threshold-1; i++ {
		m.Add(1)
	}
	if b.Len() != 0 {
		t.Fatalf("drew below the threshold: %q", b.String())
	}
	m.Add(1)
	if got := b.String(); got != "\rrestore: 2000/5000 lines" {
		t.Fatalf("got %q", got)
	}
	b.Reset()
	m.Write([]byte("line 2001: bad\n"))
	if got := b.String(); got != "\r\x1b[Kline 2001: bad\n" {
		t.Fatalf("message not on a line of its own: %q", got)
	}
	b.Reset()
	m.Add(3000)
	m.Clear()
	if got := b.String(); got != "\rrestore: 5000/5000 lines\r\x1b[K" {
		t.Fatalf("got %q", got)
	}
	b.Reset()
	m.Clear()
	if b.Len() != 0 {
		t.Fatalf("cleared twice: %q", b.String())
	}
}

func TestMeterRateLimited(t *testing.T) {
	var b bytes.Buffer
	m := newMeter(&b, true, "apply", 0, clock(time.Millisecond))
	m.Add(Threshold)
	for i := 0; i < 50; i++ { // 50 ms: no redraw
		m.Add(1)
	}
	if got := b.String(); got != "\rapply: 2000 lines" {
		t.Fatalf("got %q", got)
	}
}

func TestMeterNotTerminal(t *testing.T) {
	var b bytes.Buffer
	m := newMeter(&b, false, "restore", 0, clock(time.Second))
	m.Add(100000)
	m.Write([]byte("msg\n"))
	m.Clear()
	if b.String() != "msg\n" {
		t.Fatalf("wrote %q without a terminal", b.String())
	}
}

func TestPipeGetsNothing(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	// New on a pipe writes nothing whatever the count.
	m := New(w, "restore", 0)
	m.Add(1 << 20)
	m.Clear()
	w.Close()
	var got bytes.Buffer
	got.ReadFrom(r)
	if got.Len() != 0 {
		t.Errorf("wrote %q to a pipe", got.String())
	}
}
