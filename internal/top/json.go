package top

import (
	"bytes"
	"encoding/json"
	"math"

	"github.com/lvsgo/ipvsadm/internal/jsonschema"
	"github.com/lvsgo/ipvsadm/internal/show"
)

// A JSON frame takes -L --json's objects for services and real servers and
// replaces what top measures itself: "rate" is over the refresh interval
// from the counters (-L's is the kernel's estimator), with fractions.

type jsonFrame struct {
	Time          string        `json:"time"`     // RFC 3339, milliseconds
	Interval      float64       `json:"interval"` // seconds the rates are over
	Version       string        `json:"version"`
	ConnTableSize uint32        `json:"conn_table_size"`
	Totals        jsonTotals    `json:"totals"`
	Services      []jsonService `json:"services"`
}

type jsonRate struct {
	CPS    float64 `json:"cps"`
	InPPS  float64 `json:"in_pps"`
	OutPPS float64 `json:"out_pps"`
	InBPS  float64 `json:"in_bps"`
	OutBPS float64 `json:"out_bps"`
}

type jsonTotals struct {
	Rate          jsonRate `json:"rate"`
	NewConns      uint64   `json:"new_conns"`
	ActiveConns   uint64   `json:"active_conns"`
	InactiveConns uint64   `json:"inactive_conns"`
}

type jsonService struct {
	jsonschema.Service
	Rate          jsonRate   `json:"rate"`
	NewConns      uint64     `json:"new_conns"` // scheduled in the interval
	ActiveConns   uint64     `json:"active_conns"`
	InactiveConns uint64     `json:"inactive_conns"`
	ConnShare     *float64   `json:"conn_share"` // of all services' new connections; null without any
	Destinations  []jsonDest `json:"destinations"`
}

type jsonDest struct {
	jsonschema.Dest
	Rate     jsonRate `json:"rate"`
	NewConns uint64   `json:"new_conns"`
	// ConnShare is its share of the service's new connections (null
	// without any), WeightShare its weight's of the service's weights.
	ConnShare   *float64 `json:"conn_share"`
	WeightShare *float64 `json:"weight_share"`
}

// round3 keeps three decimals: rates and shares are measurements.
func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

func share(f float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	f = round3(f)
	return &f
}

func jsonRateOf(r *Rates) jsonRate {
	return jsonRate{round3(r.CPS), round3(r.InPPS), round3(r.OutPPS), round3(r.InBPS), round3(r.OutBPS)}
}

// JSON is one frame as a line of JSON: the services in the view's order
// and filter, names as -L --json has them. A frame while measuring has no
// rates; batch mode never prints one.
func JSON(t *Table, v *View) []byte {
	f := jsonFrame{
		Time:          t.Time.Format("2006-01-02T15:04:05.000Z07:00"),
		Interval:      round3(t.Elapsed.Seconds()),
		Version:       t.Info.Version.String(),
		ConnTableSize: t.Info.ConnTabSize,
		Services:      []jsonService{},
	}
	ls := v.Lines(t)
	tot := v.totals(t, ls)
	f.Totals = jsonTotals{Rate: jsonRateOf(&tot.Rates), NewConns: tot.Conns,
		ActiveConns: tot.Active, InactiveConns: tot.Inactive}
	var cur *jsonService
	for _, x := range ls {
		r := x.row
		if r.Dest == nil {
			f.Services = append(f.Services, jsonService{
				Service: show.Service(r.Service, nil, show.Numeric(v.Numeric), v.Names),
				Rate:    jsonRateOf(&r.Rates), NewConns: r.Conns,
				ActiveConns: r.Active, InactiveConns: r.Inactive,
				ConnShare:    share(r.ConnShare, r.HasConnShare),
				Destinations: []jsonDest{},
			})
			cur = &f.Services[len(f.Services)-1]
			continue
		}
		cur.Destinations = append(cur.Destinations, jsonDest{
			Dest: show.Dest(r.Service, r.Dest, show.Numeric(v.Numeric), v.Names),
			Rate: jsonRateOf(&r.Rates), NewConns: r.Conns,
			ConnShare:   share(r.ConnShare, r.HasConnShare),
			WeightShare: share(r.WeightShare, r.HasWeightShare),
		})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // as -L --json
	enc.Encode(f)
	return b.Bytes()
}
