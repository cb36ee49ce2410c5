package doctor

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/diagnose"
)

var sample = []diagnose.Finding{
	{Status: diagnose.OK, Check: "forwarding", Message: "ipv4 forwarding is on (net.ipv4.ip_forward = 1)"},
	{Status: diagnose.OK, Check: "vip-local", Service: "TCP 172.16.1.143:80", Message: "172.16.1.143 is a local address"},
	{Status: diagnose.Fail, Check: "nat-replies", Service: "TCP 172.16.1.143:80", Server: "192.168.1.12:80",
		Message: "replies bypass the director: 14 conns, 14 in, 0 out packets", FixOn: "192.168.1.12",
		Fix: []string{"ip route replace default via 192.168.1.118"}},
	{Status: diagnose.Warn, Check: "sync-daemon", Message: "a backup sync daemon runs here", Fix: []string{"a", "b"}},
}

func TestFormatText(t *testing.T) {
	const want = `ok    director                                ipv4 forwarding is on (net.ipv4.ip_forward = 1)
ok    TCP 172.16.1.143:80                     172.16.1.143 is a local address
fail  TCP 172.16.1.143:80 -> 192.168.1.12:80  replies bypass the director: 14 conns, 14 in, 0 out packets
      fix: on 192.168.1.12: ip route replace default via 192.168.1.118
warn  director                                a backup sync daemon runs here
      fix: a
      fix: b
2 ok, 1 warn, 1 fail
`
	if got := FormatText(sample, ModeDirector); got != want {
		t.Errorf("FormatText:\n%s\nwant:\n%s", got, want)
	}
	// A subject past the cap is not padded to; real-server mode names the
	// host so.
	long := []diagnose.Finding{{Status: diagnose.OK, Check: "x", Message: "m"},
		{Status: diagnose.OK, Check: "y", Service: "TCP [2001:db8:1234:5678::1]:443", Server: "[2001:db8:1234:5678::11]:443", Message: "m"}}
	if got := FormatText(long, ModeRealServer); !strings.HasPrefix(got, "ok    this host  m\nok    TCP [2001:db8:1234:5678::1]:443 -> [2001:db8:1234:5678::11]:443  m\n") {
		t.Errorf("long subject:\n%s", got)
	}
	if got := FormatText(nil, ModeDirector); got != "0 ok, 0 warn, 0 fail\n" {
		t.Errorf("no findings: %q", got)
	}
}

func TestFormatJSON(t *testing.T) {
	got := FormatJSON(sample, ModeDirector)
	if strings.Count(got, "\n") != 1 || !strings.HasSuffix(got, "}\n") {
		t.Fatalf("not one line: %q", got)
	}
	var doc struct {
		Mode     string           `json:"mode"`
		OK       bool             `json:"ok"`
		Counts   map[string]int   `json:"counts"`
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal([]byte(got), &doc); err != nil {
		t.Fatal(err)
	}
	f := doc.Findings[2]
	if doc.Mode != "director" || doc.OK || doc.Counts["ok"] != 2 || doc.Counts["warn"] != 1 || doc.Counts["fail"] != 1 ||
		len(doc.Findings) != 4 || f["status"] != "fail" || f["check"] != "nat-replies" ||
		f["service"] != "TCP 172.16.1.143:80" || f["server"] != "192.168.1.12:80" || f["fix_on"] != "192.168.1.12" ||
		f["fix"].([]any)[0] != "ip route replace default via 192.168.1.118" || f["message"] != sample[2].Message {
		t.Errorf("document %s", got)
	}
	// Empty fields are left out; no findings is an empty list.
	if _, ok := doc.Findings[0]["server"]; ok {
		t.Errorf("empty server present: %v", doc.Findings[0])
	}
	if got := FormatJSON(nil, ModeRealServer); got != `{"mode":"real-server","ok":true,"counts":{"ok":0,"warn":0,"fail":0},"findings":[]}`+"\n" {
		t.Errorf("no findings: %s", got)
	}
}
