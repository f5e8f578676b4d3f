package main

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

func TestCurveVerdicts(t *testing.T) {
	c := newCurve([]point{{N: 1, Seconds: 30}, {N: 2, Seconds: 16}, {N: 4, Seconds: 9.5}}, 0.2)
	want := []struct {
		ideal, speedup float64
		within         bool
	}{{30, 1, true}, {15, 30.0 / 16, true}, {7.5, 30 / 9.5, false}}
	for i, w := range want {
		p := c.Points[i]
		if !near(p.Ideal, w.ideal) || !near(p.Speedup, w.speedup) || p.Within != w.within {
			t.Errorf("N=%d: ideal %.3f speedup %.3f within %v, want %.3f %.3f %v", p.N, p.Ideal, p.Speedup, p.Within, w.ideal, w.speedup, w.within)
		}
	}
	if c.AllWithin {
		t.Error("9.5 s at N=4 is 27% above 7.5 s: the curve is not within 20%")
	}
	// exactly at the tolerance counts as within
	if c := newCurve([]point{{N: 1, Seconds: 10}, {N: 2, Seconds: 6}}, 0.2); !c.AllWithin {
		t.Errorf("6 s at N=2 is exactly 1.2 x 5 s: %+v", c.Points)
	}
	rows := c.rows("out/fanout.svg")
	if !strings.Contains(rows, "fanout|N=4 scan time|9.50 s, 3.16x, 1.27 of ideal|≤ 9.00 s") || !strings.Contains(rows, "fanout|within 20% of 1/N|no|yes") {
		t.Errorf("rows:\n%s", rows)
	}
	tbl := c.table()
	if !strings.Contains(tbl, "within 20% of 1/N for every N: no") || strings.Count(tbl, "\n") != 5 {
		t.Errorf("table:\n%s", tbl)
	}
}

// The chart is well-formed XML with one marker per point, a red one where a point misses.
func TestCurveSVG(t *testing.T) {
	c := newCurve([]point{{N: 1, Seconds: 31.2}, {N: 2, Seconds: 15.9}, {N: 4, Seconds: 9.6}}, 0.2)
	c.Resources, c.Subscriptions, c.Latency = 3000, 32, "50ms"
	s := c.svg()
	dec := xml.NewDecoder(strings.NewReader(s))
	circles, red := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("svg is not well-formed: %v\n%s", err, s)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "circle" {
			circles++
			for _, a := range se.Attr {
				if a.Name.Local == "fill" && a.Value == "#c0392b" {
					red++
				}
			}
		}
	}
	if circles != 3 || red != 1 {
		t.Errorf("%d markers (%d red), want 3 (1 red: N=4 is 28%% above ideal)", circles, red)
	}
	if !strings.Contains(s, "3000 resources, 32 subscriptions, latency 50ms") {
		t.Error("the title does not describe the run")
	}
}

func TestNiceCeil(t *testing.T) {
	for v, want := range map[float64]float64{0.3: 1, 1: 1, 7: 10, 12: 20, 36: 50, 51: 100, 200: 200} {
		if got := niceCeil(v); got != want {
			t.Errorf("niceCeil(%v) = %v, want %v", v, got, want)
		}
	}
}

func near(a, b float64) bool { d := a - b; return d < 1e-9 && d > -1e-9 }
