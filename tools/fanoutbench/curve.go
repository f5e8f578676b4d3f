package main

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// point is one measured scan: N worker processes took Seconds.
type point struct {
	N                int       `json:"n"`
	Seconds          float64   `json:"seconds"`
	Speedup          float64   `json:"speedup"`
	Ideal            float64   `json:"ideal_seconds"`    // the baseline's time divided by N / baseline N
	Ratio            float64   `json:"ratio"`            // Seconds / Ideal
	Within           bool      `json:"within"`           // Ratio <= 1 + tolerance
	ShardsS          float64   `json:"shards_seconds"`   // planned -> last shard done (fanned out)
	FinalizeS        float64   `json:"finalize_seconds"` // last shard done -> finalized (one process)
	ShardsPerProcess []int     `json:"shards_per_process,omitempty"`
	Runs             []float64 `json:"runs_seconds,omitempty"` // every run's time; Seconds is the fastest
}

// curve is the fan-out curve: every point against the ideal T_base * base / N.
type curve struct {
	Resources     int     `json:"resources"`
	Subscriptions int     `json:"subscriptions"`
	Latency       string  `json:"latency"`
	Workers       int     `json:"workers_per_process"`
	Concurrency   int     `json:"calls_per_shard"`
	RunsPerN      int     `json:"runs_per_n"`
	Tolerance     float64 `json:"tolerance"`
	Points        []point `json:"points"`
	AllWithin     bool    `json:"all_within"`
}

// newCurve derives speedup, ideal and verdict of each point from the first one (the baseline).
func newCurve(pts []point, tolerance float64) curve {
	c := curve{Tolerance: tolerance, Points: pts, AllWithin: len(pts) > 0}
	if len(pts) == 0 {
		return c
	}
	base := pts[0]
	for i := range c.Points {
		p := &c.Points[i]
		p.Ideal = base.Seconds * float64(base.N) / float64(p.N)
		if p.Seconds > 0 {
			p.Speedup = base.Seconds / p.Seconds
		}
		if p.Ideal > 0 {
			p.Ratio = p.Seconds / p.Ideal
		}
		p.Within = p.Ratio <= 1+tolerance+1e-9
		c.AllWithin = c.AllWithin && p.Within
	}
	return c
}

// rows are the bench summary's lines (step|figure|value|goal): each N's time beside its goal
// (at most 1 + tolerance times T1/N) and its ratio to the ideal, then the verdict and the chart.
func (c curve) rows(chart string) string {
	var b strings.Builder
	for i, p := range c.Points {
		goal := ""
		if i > 0 {
			goal = fmt.Sprintf("≤ %.2f s (%.1f × T%d·%d/%d)", p.Ideal*(1+c.Tolerance), 1+c.Tolerance, firstN(c), firstN(c), p.N)
		}
		fmt.Fprintf(&b, "fanout|N=%d scan time|%.2f s, %.2fx, %.2f of ideal|%s\n", p.N, p.Seconds, p.Speedup, p.Ratio, goal)
	}
	fmt.Fprintf(&b, "fanout|within %.0f%% of 1/N|%s|yes\n", c.Tolerance*100, yesNo(c.AllWithin))
	fmt.Fprintf(&b, "fanout|chart|%s|\n", chart)
	return b.String()
}

func secondsHeader(runs int) string {
	if runs > 1 {
		return fmt.Sprintf("s (best/%d)", runs)
	}
	return "seconds"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// table is the printed curve; its last line is the verdict.
func (c curve) table() string {
	var b strings.Builder
	tol := fmt.Sprintf("within %.0f%%", c.Tolerance*100)
	fmt.Fprintf(&b, "%4s  %12s  %8s  %14s  %8s  %-10s  %8s  %10s  %s\n", "N", secondsHeader(c.RunsPerN), "speedup", "ideal (1/N) s", "T/ideal", tol,
		"shards s", "finalize s", "shards per process")
	for _, p := range c.Points {
		fmt.Fprintf(&b, "%4d  %12.2f  %7.2fx  %14.2f  %8.2f  %-10s  %8.2f  %10.2f  %v\n", p.N, p.Seconds, p.Speedup, p.Ideal, p.Ratio, yesNo(p.Within),
			p.ShardsS, p.FinalizeS, p.ShardsPerProcess)
	}
	fmt.Fprintf(&b, "fan-out within %.0f%% of 1/N for every N: %s\n", c.Tolerance*100, yesNo(c.AllWithin))
	return b.String()
}

// svg draws the curve: measured seconds per N (solid, labelled), the ideal T1/N (dashed) and
// the tolerance band above it. Hand-written SVG 1.1, no dependencies.
func (c curve) svg() string {
	const w, h = 640.0, 420.0
	const left, right, top, bottom = 70.0, 30.0, 50.0, 60.0
	pw, ph := w-left-right, h-top-bottom
	maxN, maxY := 1, 0.0
	for _, p := range c.Points {
		maxN = max(maxN, p.N)
		maxY = math.Max(maxY, math.Max(p.Seconds, p.Ideal*(1+c.Tolerance)))
	}
	maxY = niceCeil(maxY)
	minN := maxN
	for _, p := range c.Points {
		minN = min(minN, p.N)
	}
	if minN == maxN {
		minN = maxN - 1
	}
	x := func(n float64) float64 { return left + (n-float64(minN))/float64(maxN-minN)*pw }
	y := func(s float64) float64 { return top + ph - s/maxY*ph }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="12">`+"\n", w, h, w, h)
	fmt.Fprintf(&b, `<rect width="%.0f" height="%.0f" fill="white"/>`+"\n", w, h)
	title := fmt.Sprintf("Scan fan-out: %d resources, %d subscriptions, latency %s", c.Resources, c.Subscriptions, c.Latency)
	fmt.Fprintf(&b, `<text x="%.0f" y="22" text-anchor="middle" font-size="15" font-weight="bold">%s</text>`+"\n", w/2, html.EscapeString(title))
	sub := fmt.Sprintf("per worker process: %d message(s) x %d calls per shard; ideal = T(%d)·%d/N", c.Workers, c.Concurrency, firstN(c), firstN(c))
	fmt.Fprintf(&b, `<text x="%.0f" y="39" text-anchor="middle" fill="#555">%s</text>`+"\n", w/2, html.EscapeString(sub))

	// grid and axes
	for i := 0; i <= 5; i++ {
		v := maxY * float64(i) / 5
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", left, y(v), left+pw, y(v))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", left-6, y(v)+4, trimFloat(v))
	}
	for _, p := range c.Points {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#eee"/>`+"\n", x(float64(p.N)), top, x(float64(p.N)), top+ph)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%d</text>`+"\n", x(float64(p.N)), top+ph+18, p.N)
	}
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", left, top+ph, left+pw, top+ph)
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", left, top, left, top+ph)
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">worker processes (N)</text>`+"\n", left+pw/2, h-18)
	fmt.Fprintf(&b, `<text x="18" y="%.1f" text-anchor="middle" transform="rotate(-90 18 %.1f)">scan time (s)</text>`+"\n", top+ph/2, top+ph/2)

	if len(c.Points) > 0 {
		// the tolerance band over the ideal curve, sampled finely between the measured Ns
		var upper, lower []string
		steps := 60
		for i := 0; i <= steps; i++ {
			n := float64(minN) + float64(maxN-minN)*float64(i)/float64(steps)
			ideal := c.Points[0].Seconds * float64(c.Points[0].N) / n
			upper = append(upper, fmt.Sprintf("%.1f,%.1f", x(n), y(ideal*(1+c.Tolerance))))
			lower = append([]string{fmt.Sprintf("%.1f,%.1f", x(n), y(ideal))}, lower...)
		}
		fmt.Fprintf(&b, `<polygon points="%s" fill="#cfe8cf" fill-opacity="0.6" stroke="none"/>`+"\n", strings.Join(append(upper, lower...), " "))
		var ideal []string
		for i := 0; i <= steps; i++ {
			n := float64(minN) + float64(maxN-minN)*float64(i)/float64(steps)
			ideal = append(ideal, fmt.Sprintf("%.1f,%.1f", x(n), y(c.Points[0].Seconds*float64(c.Points[0].N)/n)))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#2a7d2a" stroke-width="2" stroke-dasharray="6,4"/>`+"\n", strings.Join(ideal, " "))
		var shards []string // the fanned-out phase alone (without plan and finalize), when known
		for _, p := range c.Points {
			if p.ShardsS > 0 {
				shards = append(shards, fmt.Sprintf("%.1f,%.1f", x(float64(p.N)), y(p.ShardsS)))
			}
		}
		if len(shards) == len(c.Points) {
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#8a8a8a" stroke-width="1.5" stroke-dasharray="2,3"/>`+"\n", strings.Join(shards, " "))
		}
		var meas []string
		for _, p := range c.Points {
			meas = append(meas, fmt.Sprintf("%.1f,%.1f", x(float64(p.N)), y(p.Seconds)))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#1f5fbf" stroke-width="2.5"/>`+"\n", strings.Join(meas, " "))
		for _, p := range c.Points {
			color := "#1f5fbf"
			if !p.Within {
				color = "#c0392b"
			}
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4.5" fill="%s"/>`+"\n", x(float64(p.N)), y(p.Seconds), color)
			anchor, dx := "start", 7.0
			if p.N == maxN { // the right edge: label to the left of the marker
				anchor, dx = "end", -7
			}
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="%s" fill="%s">%.1f s (%.2fx)</text>`+"\n", x(float64(p.N))+dx, y(p.Seconds)-8, anchor, color, p.Seconds, p.Speedup)
		}
	}
	// legend
	lx, ly := left+pw-210, top+10
	fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="205" height="80" fill="white" stroke="#bbb"/>`+"\n", lx, ly)
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#1f5fbf" stroke-width="2.5"/><text x="%.1f" y="%.1f">measured</text>`+"\n", lx+8, ly+15, lx+38, ly+15, lx+45, ly+19)
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#2a7d2a" stroke-width="2" stroke-dasharray="6,4"/><text x="%.1f" y="%.1f">ideal 1/N</text>`+"\n", lx+8, ly+33, lx+38, ly+33, lx+45, ly+37)
	fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="30" height="10" fill="#cfe8cf"/><text x="%.1f" y="%.1f">within %.0f%% of ideal</text>`+"\n", lx+8, ly+45, lx+45, ly+55, c.Tolerance*100)
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#8a8a8a" stroke-width="1.5" stroke-dasharray="2,3"/><text x="%.1f" y="%.1f">shard phase only</text>`+"\n", lx+8, ly+69, lx+38, ly+69, lx+45, ly+73)
	b.WriteString("</svg>\n")
	return b.String()
}

func firstN(c curve) int {
	if len(c.Points) == 0 {
		return 1
	}
	return c.Points[0].N
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten (at least 1).
func niceCeil(v float64) float64 {
	if v <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func trimFloat(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	return strings.TrimSuffix(s, ".0")
}
