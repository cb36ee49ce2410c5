package ipvs

import "testing"

func TestFamilyString(t *testing.T) {
	for _, tt := range []struct {
		f    Family
		want string
	}{
		{AFInet, "inet"},
		{AFInet6, "inet6"},
		{0, "0"},
		{7, "7"},
		{65535, "65535"},
	} {
		if got := tt.f.String(); got != tt.want {
			t.Errorf("Family(%d).String() = %q, want %q", uint16(tt.f), got, tt.want)
		}
	}
}

func TestProtocol(t *testing.T) {
	for _, tt := range []struct {
		p          Protocol
		name, word string
	}{
		{TCP, "TCP", "tcp"},
		{UDP, "UDP", "udp"},
		{SCTP, "SCTP", "sctp"},
		{0, "?", ""},
		{1, "?", ""},
		{255, "?", ""},
	} {
		if got := tt.p.String(); got != tt.name {
			t.Errorf("Protocol(%d).String() = %q, want %q", uint16(tt.p), got, tt.name)
		}
		if got := tt.p.Word(); got != tt.word {
			t.Errorf("Protocol(%d).Word() = %q, want %q", uint16(tt.p), got, tt.word)
		}
		if tt.word == "" {
			continue
		}
		if got, ok := ParseProtocol(tt.word); !ok || got != tt.p {
			t.Errorf("ParseProtocol(%q) = %d, %v; want %d, true", tt.word, uint16(got), ok, uint16(tt.p))
		}
	}
	for _, s := range []string{"", "TCP", "Udp", "icmp", "6"} {
		if got, ok := ParseProtocol(s); ok {
			t.Errorf("ParseProtocol(%q) = %d, true; want false", s, uint16(got))
		}
	}
}

func TestForwardMethod(t *testing.T) {
	for _, tt := range []struct {
		m            ForwardMethod
		known        bool
		name, option string
	}{
		{FwdMasq, true, "Masq", "-m"},
		{FwdLocal, true, "Local", "-g"},
		{FwdTunnel, true, "Tunnel", "-i"},
		{FwdDirect, true, "Route", "-g"},
		{FwdBypass, false, "(null)", "(null)"},
		{5, false, "(null)", "(null)"},
		{6, false, "(null)", "(null)"},
		{7, false, "(null)", "(null)"},
	} {
		if got := tt.m.Known(); got != tt.known {
			t.Errorf("ForwardMethod(%d).Known() = %v, want %v", uint32(tt.m), got, tt.known)
		}
		if got := tt.m.String(); got != tt.name {
			t.Errorf("ForwardMethod(%d).String() = %q, want %q", uint32(tt.m), got, tt.name)
		}
		if got := tt.m.Option(); got != tt.option {
			t.Errorf("ForwardMethod(%d).Option() = %q, want %q", uint32(tt.m), got, tt.option)
		}
	}
	// FwdMethod keeps only the forwarding bits of the connection flags.
	d := Destination{ConnFlags: uint32(FwdDirect) | 0x100}
	if got := d.FwdMethod(); got != FwdDirect {
		t.Errorf("FwdMethod() of flags %#x = %v, want %v", d.ConnFlags, got, FwdDirect)
	}
}

func TestTunnelType(t *testing.T) {
	for _, tt := range []struct {
		tun   TunnelType
		known bool
		want  string
	}{
		{TunIPIP, true, "ipip"},
		{TunGUE, true, "gue"},
		{TunGRE, true, "gre"},
		{3, false, "3"},
		{255, false, "255"},
	} {
		if got := tt.tun.Known(); got != tt.known {
			t.Errorf("TunnelType(%d).Known() = %v, want %v", uint8(tt.tun), got, tt.known)
		}
		if got := tt.tun.String(); got != tt.want {
			t.Errorf("TunnelType(%d).String() = %q, want %q", uint8(tt.tun), got, tt.want)
		}
		if !tt.known {
			continue
		}
		if got, ok := ParseTunnelType(tt.want); !ok || got != tt.tun {
			t.Errorf("ParseTunnelType(%q) = %v, %v; want %v, true", tt.want, got, ok, tt.tun)
		}
	}
	for _, s := range []string{"", "GRE", "ipip6", "0", "3"} {
		if got, ok := ParseTunnelType(s); ok {
			t.Errorf("ParseTunnelType(%q) = %v, true; want false", s, got)
		}
	}
}

func TestTunnelChecksum(t *testing.T) {
	for _, tt := range []struct {
		c                   TunnelChecksum
		known               bool
		name, short, option string
	}{
		{TunFlagNoCsum, true, "nocsum", "-c", "--tun-nocsum"},
		{TunFlagCsum, true, "csum", "+c", "--tun-csum"},
		{TunFlagRemCsum, true, "remcsum", "r+c", "--tun-remcsum"},
		{TunFlagCsum | TunFlagRemCsum, false, "", "", ""},
		{4, false, "", "", ""},
	} {
		if got := tt.c.Known(); got != tt.known {
			t.Errorf("TunnelChecksum(%d).Known() = %v, want %v", uint16(tt.c), got, tt.known)
		}
		if got := tt.c.String(); got != tt.name {
			t.Errorf("TunnelChecksum(%d).String() = %q, want %q", uint16(tt.c), got, tt.name)
		}
		if got := tt.c.Short(); got != tt.short {
			t.Errorf("TunnelChecksum(%d).Short() = %q, want %q", uint16(tt.c), got, tt.short)
		}
		if got := tt.c.Option(); got != tt.option {
			t.Errorf("TunnelChecksum(%d).Option() = %q, want %q", uint16(tt.c), got, tt.option)
		}
	}
}

func TestDaemonState(t *testing.T) {
	for _, tt := range []struct {
		s    DaemonState
		role DaemonState
		want string
	}{
		{StateNone, StateNone, ""},
		{StateMaster, StateMaster, "master"},
		{StateBackup, StateBackup, "backup"},
		{StateMaster | StateBackup, StateMaster, "master"}, // master wins
		{4, StateNone, ""},
		{4 | StateBackup, StateBackup, "backup"},
	} {
		if got := tt.s.Role(); got != tt.role {
			t.Errorf("DaemonState(%d).Role() = %d, want %d", uint32(tt.s), uint32(got), uint32(tt.role))
		}
		if got := tt.s.String(); got != tt.want {
			t.Errorf("DaemonState(%d).String() = %q, want %q", uint32(tt.s), got, tt.want)
		}
	}
	for _, s := range []DaemonState{StateMaster, StateBackup} {
		if got, ok := ParseDaemonState(s.String()); !ok || got != s {
			t.Errorf("ParseDaemonState(%q) = %d, %v; want %d, true", s.String(), uint32(got), ok, uint32(s))
		}
	}
	for _, s := range []string{"", "Master", "none", "both", "1"} {
		if got, ok := ParseDaemonState(s); ok || got != StateNone {
			t.Errorf("ParseDaemonState(%q) = %d, %v; want %d, false", s, uint32(got), ok, uint32(StateNone))
		}
	}
}

func TestOpKindString(t *testing.T) {
	for _, tt := range []struct {
		k    OpKind
		want string
	}{
		{OpNewService, "new-service"},
		{OpUpdateService, "update-service"},
		{OpDelService, "delete-service"},
		{OpNewDest, "new-dest"},
		{OpUpdateDest, "update-dest"},
		{OpDelDest, "delete-dest"},
		{OpFlush, "flush"},
		{OpZero, "zero"},
		{OpSetTimeouts, "set-timeouts"},
		{OpNewDaemon, "new-daemon"},
		{OpDelDaemon, "delete-daemon"},
		{0, "op(0)"},
		{OpDelDaemon + 1, "op(12)"},
		{255, "op(255)"},
	} {
		if got := tt.k.String(); got != tt.want {
			t.Errorf("OpKind(%d).String() = %q, want %q", uint8(tt.k), got, tt.want)
		}
	}
}
