package apply

import (
	"github.com/lvsgo/ipvsadm/internal/rule"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// Format is op as an ipvsadm command line without the program name, in the
// numeric -S style: "-A -t 10.0.0.1:80 -s wlc", "-d -t ... -r ...". The
// line parses back to the same service and destination (rule.Full).
func Format(op ipvs.Op) string {
	var b []byte
	s, d := &op.Service, &op.Dest
	switch op.Kind {
	case ipvs.OpNewService:
		b = append(b, "-A "...)
	case ipvs.OpUpdateService:
		b = append(b, "-E "...)
	case ipvs.OpDelService:
		b = append(b, "-D "...)
	case ipvs.OpNewDest:
		b = append(b, "-a "...)
	case ipvs.OpUpdateDest:
		b = append(b, "-e "...)
	case ipvs.OpDelDest:
		b = append(b, "-d "...)
	default:
		return "# unsupported change"
	}
	b = rule.AppendKey(b, s)
	switch op.Kind {
	case ipvs.OpNewService, ipvs.OpUpdateService:
		b = rule.AppendService(b, s, rule.Full)
	case ipvs.OpNewDest, ipvs.OpUpdateDest, ipvs.OpDelDest:
		b = append(b, " -r "...)
		b = rule.AppendDestAddr(b, s, d)
		if op.Kind != ipvs.OpDelDest {
			b = rule.AppendDest(b, d, rule.Full)
		}
	}
	return string(b)
}
