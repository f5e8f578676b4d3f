package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream))
}

// clock is simulated time for throttling: real time from now(), sped up by scale
// ("fast" throttling keeps Azure's numbers but lets simulated seconds pass scale times faster).
type clock struct {
	now   func() time.Time
	scale float64
	start time.Time
}

func newClock(now func() time.Time, scale float64) *clock {
	return &clock{now: now, scale: scale, start: now()}
}

// Now returns simulated time.
func (c *clock) Now() time.Time {
	real := c.now().Sub(c.start)
	return c.start.Add(time.Duration(float64(real) * c.scale))
}

// realDuration converts a simulated duration into wall-clock time.
func (c *clock) realDuration(d time.Duration) time.Duration {
	return time.Duration(float64(d) / c.scale)
}

// Limits (documented Azure numbers).
const (
	armReadBurst, armReadRate     = 250, 25.0
	armWriteBurst, armWriteRate   = 200, 10.0
	armDeleteBurst, armDeleteRate = 200, 10.0
	argQuota                      = 15
	argWindow                     = 5 * time.Second
	graphBurst, graphRate         = 2000, 200.0
)

type bucket struct {
	tokens float64
	last   time.Time
}

type window struct {
	start time.Time
	used  int
}

type throttler struct {
	clk     *clock
	enabled bool
	mu      sync.Mutex
	buckets map[string]*bucket
	windows map[string]*window
}

func newThrottler(clk *clock, enabled bool) *throttler {
	return &throttler{clk: clk, enabled: enabled, buckets: map[string]*bucket{}, windows: map[string]*window{}}
}

// verdict is a throttling decision.
type verdict struct {
	ok        bool
	remaining int
	wait      time.Duration // simulated time until a token is available (when !ok)
	resets    time.Duration // ARG: time until the window resets
}

// take consumes a token from the bucket key (burst, refill per simulated second).
func (t *throttler) take(key string, burst int, rate float64) verdict {
	if !t.enabled {
		return verdict{ok: true, remaining: burst - 1}
	}
	now := t.clk.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buckets[key]
	if b == nil {
		b = &bucket{tokens: float64(burst), last: now}
		t.buckets[key] = b
	}
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = math.Min(float64(burst), b.tokens+el*rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return verdict{ok: true, remaining: int(b.tokens)}
	}
	wait := time.Duration((1 - b.tokens) / rate * float64(time.Second))
	return verdict{ok: false, remaining: 0, wait: wait}
}

// window consumes one unit of a fixed window quota (Resource Graph).
func (t *throttler) window(key string, quota int, length time.Duration) verdict {
	if !t.enabled {
		return verdict{ok: true, remaining: quota - 1, resets: length}
	}
	now := t.clk.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.windows[key]
	if w == nil || now.Sub(w.start) >= length {
		w = &window{start: now}
		t.windows[key] = w
	}
	resets := length - now.Sub(w.start)
	if w.used >= quota {
		return verdict{ok: false, remaining: 0, wait: resets, resets: resets}
	}
	w.used++
	return verdict{ok: true, remaining: quota - w.used, resets: resets}
}

// retryAfterSeconds renders a simulated wait as whole seconds (at least 1).
func retryAfterSeconds(d time.Duration) string {
	s := int(math.Ceil(d.Seconds()))
	if s < 1 {
		s = 1
	}
	return fmt.Sprint(s)
}

// hms renders a duration as hh:mm:ss (x-ms-user-quota-resets-after).
func hms(d time.Duration) string {
	s := int(math.Ceil(d.Seconds()))
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}

// CallStats counts the requests the simulator served.
type CallStats struct {
	Requests  map[string]int64 `json:"requests"`  // by api: arm, arg, msgraph, other
	ByKind    map[string]int64 `json:"by_kind"`   // arm.read, arm.write, arm.delete, arg.query, msgraph.read, msgraph.write
	Throttled map[string]int64 `json:"throttled"` // 429s served by the throttle, by api
	Faults    map[string]int64 `json:"faults"`    // injected faults by kind: 500, 503, 429, reset, slow
}

type statsCounters struct {
	mu sync.Mutex
	m  map[string]*atomic.Int64
}

func (c *statsCounters) init() { c.m = map[string]*atomic.Int64{} }

func (c *statsCounters) inc(key string) {
	c.mu.Lock()
	v := c.m[key]
	if v == nil {
		v = new(atomic.Int64)
		c.m[key] = v
	}
	c.mu.Unlock()
	v.Add(1)
}

// Stats returns a snapshot of the request counters.
func (s *Simulator) Stats() CallStats {
	out := CallStats{Requests: map[string]int64{}, ByKind: map[string]int64{}, Throttled: map[string]int64{}, Faults: map[string]int64{}}
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	for k, v := range s.stats.m {
		var group, name string
		for i := 0; i < len(k); i++ {
			if k[i] == ':' {
				group, name = k[:i], k[i+1:]
				break
			}
		}
		switch group {
		case "req":
			out.Requests[name] = v.Load()
		case "kind":
			out.ByKind[name] = v.Load()
		case "429":
			out.Throttled[name] = v.Load()
		case "fault":
			out.Faults[name] = v.Load()
		}
	}
	return out
}
