package azure

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// API names a family of endpoints for call counting and throttling budgets.
type API string

// The APIs a scan calls.
const (
	APIARM     API = "arm"
	APIARG     API = "arg"
	APIMSGraph API = "msgraph"
)

// Counter counts HTTP attempts per API, throttled (429) responses and retries. It is safe for
// concurrent use. A scan attaches one to a context (WithCounter) to count only its own calls.
type Counter struct {
	arm, arg, msgraph  atomic.Int64
	throttled, retries atomic.Int64
}

// CallStats is a snapshot of a Counter.
type CallStats struct {
	ARM       int `json:"arm"`
	ARG       int `json:"arg"`
	MSGraph   int `json:"msgraph"`
	Throttled int `json:"throttled"`
	Retries   int `json:"retries"`
}

// Total is the number of HTTP attempts.
func (s CallStats) Total() int { return s.ARM + s.ARG + s.MSGraph }

// Map returns the calls per API as the scan result's api_calls map.
func (s CallStats) Map() map[string]int {
	return map[string]int{string(APIARM): s.ARM, string(APIARG): s.ARG, string(APIMSGraph): s.MSGraph}
}

// Snapshot returns the current counts.
func (c *Counter) Snapshot() CallStats {
	if c == nil {
		return CallStats{}
	}
	return CallStats{ARM: int(c.arm.Load()), ARG: int(c.arg.Load()), MSGraph: int(c.msgraph.Load()),
		Throttled: int(c.throttled.Load()), Retries: int(c.retries.Load())}
}

func (c *Counter) call(api API) {
	if c == nil {
		return
	}
	switch api {
	case APIARG:
		c.arg.Add(1)
	case APIMSGraph:
		c.msgraph.Add(1)
	default:
		c.arm.Add(1)
	}
}

func (c *Counter) throttle() {
	if c != nil {
		c.throttled.Add(1)
	}
}

func (c *Counter) retry() {
	if c != nil {
		c.retries.Add(1)
	}
}

type counterKey struct{}

// WithCounter returns a context whose HTTP calls are also counted in c.
func WithCounter(ctx context.Context, c *Counter) context.Context {
	return context.WithValue(ctx, counterKey{}, c)
}

func counterFrom(ctx context.Context) *Counter {
	c, _ := ctx.Value(counterKey{}).(*Counter)
	return c
}

// ThrottleOptions tunes the retry/throttle policy. Zero values take the defaults.
type ThrottleOptions struct {
	MaxRetries int           // attempts after the first; default 10
	BaseDelay  time.Duration // first backoff without Retry-After (azcore RetryDelay); default 250ms
	// MaxDelay caps the backoff, and a Retry-After longer than it gives the response back
	// instead of waiting (azcore MaxRetryDelay); default 60s.
	MaxDelay time.Duration
	// ARMReserve is how many ARM reads to keep in hand before pacing starts; default 10.
	ARMReserve int
	Logger     *slog.Logger
}

// Throttle is ATG's one retry/throttle policy. Retries are azcore's own retry policy
// (RetryOptions: 408/429/5xx and transport errors, honouring Retry-After / retry-after-ms /
// x-ms-retry-after-ms, exponential backoff with jitter otherwise, waits that respect the
// context). The pacer (per attempt) counts calls and retries and paces requests from the
// remaining-quota headers of ARM (x-ms-ratelimit-remaining-subscription-reads, token bucket) and
// Resource Graph (x-ms-user-quota-remaining / x-ms-user-quota-resets-after, fixed window), and
// stops every request of a budget while a 429's Retry-After runs, so that 429s stay rare.
// Configure puts both into a client's options.
type Throttle struct {
	opts    ThrottleOptions
	total   Counter
	mu      sync.Mutex
	buckets map[string]*bucket
}

// NewThrottle returns a Throttle with opts (defaults filled in).
func NewThrottle(opts ThrottleOptions) *Throttle {
	if opts.MaxRetries == 0 {
		opts.MaxRetries = 10
	}
	if opts.BaseDelay == 0 {
		opts.BaseDelay = 250 * time.Millisecond
	}
	if opts.MaxDelay == 0 {
		opts.MaxDelay = 60 * time.Second
	}
	if opts.ARMReserve == 0 {
		opts.ARMReserve = 10
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Throttle{opts: opts, buckets: map[string]*bucket{}}
}

// Stats returns the process-wide counts of this Throttle.
func (t *Throttle) Stats() CallStats { return t.total.Snapshot() }

// retryStatusCodes are the responses worth another attempt.
var retryStatusCodes = []int{http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
	http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}

// RetryOptions returns the options of azcore's retry policy for this Throttle. Transport errors
// are retried unless azcore marks them non-retriable.
func (t *Throttle) RetryOptions() policy.RetryOptions {
	return policy.RetryOptions{MaxRetries: int32(t.opts.MaxRetries), RetryDelay: t.opts.BaseDelay,
		MaxRetryDelay: t.opts.MaxDelay, StatusCodes: retryStatusCodes}
}

// Configure sets o up for this Throttle: azcore's retry policy with RetryOptions, a per-call
// marker so the pacer can tell a retry from a first attempt, and the pacer on every attempt (the
// MS Graph budget when graph is set, else ARM and Resource Graph).
func (t *Throttle) Configure(o *policy.ClientOptions, graph bool) {
	o.Retry = t.RetryOptions()
	o.PerCallPolicies = []policy.Policy{callPolicy{}}
	o.PerRetryPolicies = []policy.Policy{pacerPolicy{t: t, graph: graph}}
}

// callState is one call's attempt count, shared by its attempts (azcore operation value).
type callState struct{ tries int }

// callPolicy runs once per call, before azcore's retry policy.
type callPolicy struct{}

func (callPolicy) Do(req *policy.Request) (*http.Response, error) {
	req.SetOperationValue(&callState{})
	return req.Next()
}

// RetryAfter returns the server-requested delay of a response (retry-after-ms,
// x-ms-retry-after-ms, Retry-After seconds or HTTP date), or 0.
func RetryAfter(resp *http.Response) time.Duration {
	if resp == nil {
		return 0
	}
	for _, h := range []string{"retry-after-ms", "x-ms-retry-after-ms"} {
		if v := resp.Header.Get(h); v != "" {
			if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
				return time.Duration(ms * float64(time.Millisecond))
			}
		}
	}
	if v := resp.Header.Get("Retry-After"); v != "" {
		if s, err := strconv.ParseFloat(v, 64); err == nil && s > 0 {
			return time.Duration(s * float64(time.Second))
		}
		if at, err := http.ParseTime(v); err == nil {
			return time.Until(at)
		}
	}
	return 0
}

type pacerPolicy struct {
	t     *Throttle
	graph bool
}

// classify returns the API and throttling budget of a request.
func (p pacerPolicy) classify(r *http.Request) (API, string, string) {
	if p.graph {
		return APIMSGraph, "msgraph", ""
	}
	path := strings.ToLower(r.URL.Path)
	if strings.Contains(path, "/providers/microsoft.resourcegraph/") {
		return APIARG, "arg", "x-ms-user-quota-remaining"
	}
	verb := "reads"
	switch r.Method {
	case http.MethodPut, http.MethodPatch, http.MethodPost:
		verb = "writes"
	case http.MethodDelete:
		verb = "deletes"
	}
	if rest, ok := strings.CutPrefix(path, "/subscriptions/"); ok {
		sub, _, _ := strings.Cut(rest, "/")
		if sub != "" {
			return APIARM, "arm:" + sub + ":" + verb, "x-ms-ratelimit-remaining-subscription-" + verb
		}
	}
	return APIARM, "arm:tenant:" + verb, "x-ms-ratelimit-remaining-tenant-" + verb
}

func (t *Throttle) bucket(key string, reserve int) *bucket {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buckets[key]
	if b == nil {
		b = &bucket{remaining: -1, interval: 40 * time.Millisecond, reserve: reserve}
		t.buckets[key] = b
	}
	return b
}

func (p pacerPolicy) Do(req *policy.Request) (*http.Response, error) {
	ctx := req.Raw().Context()
	api, key, header := p.classify(req.Raw())
	reserve := 0
	if api == APIARM {
		reserve = p.t.opts.ARMReserve
	}
	var st *callState
	if req.OperationValue(&st) && st != nil {
		if st.tries++; st.tries > 1 {
			p.t.total.retry()
			counterFrom(ctx).retry()
			p.t.opts.Logger.Debug("retrying", "method", req.Raw().Method, "url", req.Raw().URL.Path, "try", st.tries)
		}
	}
	b := p.t.bucket(key, reserve)
	if err := b.acquire(ctx); err != nil {
		return nil, err
	}
	resp, err := req.Next()
	p.t.total.call(api)
	counterFrom(ctx).call(api)
	b.release(resp, header)
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		p.t.total.throttle()
		counterFrom(ctx).throttle()
		p.t.opts.Logger.Debug("throttled", "api", api, "budget", key, "retry_after", RetryAfter(resp))
	}
	return resp, err
}

// bucket tracks one throttling budget as the server reports it.
type bucket struct {
	mu           sync.Mutex
	remaining    int       // last reported remaining quota; -1 unknown
	resetAt      time.Time // fixed-window budgets (Resource Graph): when the quota refills
	blockedUntil time.Time // after a 429: no request before this
	inflight     int
	reserve      int
	interval     time.Duration // pacing interval once the budget runs low (token buckets)
	nextSlot     time.Time
	// refill estimate of a token bucket: remaining R at sampleAt, n responses since
	sampleAt   time.Time
	sampleRem  int
	sampleResp int
	rate       float64 // estimated refill per second; 0 unknown
}

const maxPace = 2 * time.Second

// sameWindow is how close two reported reset times must be to belong to one quota window.
const sameWindow = 250 * time.Millisecond

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (b *bucket) acquire(ctx context.Context) error {
	for {
		b.mu.Lock()
		now := time.Now()
		var wait time.Duration
		switch {
		case now.Before(b.blockedUntil):
			wait = b.blockedUntil.Sub(now)
		case !b.resetAt.IsZero() && !now.Before(b.resetAt):
			// the window has reset: the quota is unknown until the next response reports it.
			b.remaining, b.resetAt = -1, time.Time{}
		case b.remaining >= 0 && b.remaining-b.inflight <= b.reserve:
			if !b.resetAt.IsZero() {
				wait = b.resetAt.Sub(now)
			} else if now.Before(b.nextSlot) {
				wait = b.nextSlot.Sub(now)
			} else {
				b.nextSlot = now.Add(b.interval)
				b.inflight++
				b.mu.Unlock()
				return nil
			}
		}
		if wait <= 0 && (b.remaining < 0 || b.remaining-b.inflight > b.reserve) {
			b.inflight++
			b.mu.Unlock()
			return nil
		}
		b.mu.Unlock()
		if wait <= 0 {
			continue
		}
		timer := time.NewTimer(min(wait, maxPace))
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
	}
}

// parseResetsAfter reads "hh:mm:ss[.fffffff]" as a duration.
func parseResetsAfter(v string) (time.Duration, bool) {
	parts := strings.Split(strings.TrimSpace(v), ":")
	if len(parts) != 3 {
		return 0, false
	}
	h, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	s, err3 := strconv.ParseFloat(parts[2], 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, false
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s*float64(time.Second)), true
}

func (b *bucket) release(resp *http.Response, header string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.inflight--
	if resp == nil {
		return
	}
	now := time.Now()
	if resp.StatusCode == http.StatusTooManyRequests {
		// the server said when: nobody on this budget goes before then. (A 429 without
		// Retry-After backs off only its own request, in the retry policy.)
		if d := RetryAfter(resp); d > 0 {
			if until := now.Add(d); until.After(b.blockedUntil) {
				b.blockedUntil = until
			}
		}
	}
	if header == "" {
		return
	}
	v := resp.Header.Get(header)
	if v == "" {
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return
	}
	if ra, ok := parseResetsAfter(resp.Header.Get("x-ms-user-quota-resets-after")); ok {
		reset := now.Add(ra)
		// Responses of one window can arrive out of order (concurrent requests): within the
		// same window the quota only goes down, so keep the lowest count reported.
		if b.remaining >= 0 && !b.resetAt.IsZero() && now.Before(b.resetAt) && reset.Before(b.resetAt.Add(sameWindow)) {
			n = min(n, b.remaining)
			reset = later(reset, b.resetAt)
		}
		b.resetAt = reset
	} else {
		b.estimateRefill(now, n)
	}
	b.remaining = n
}

// estimateRefill learns a token bucket's refill rate from the remaining counts the server
// reports: over a sample period, refill = (R_now - R_then + requests served) / elapsed. The pacing
// interval is its inverse, so once the burst is spent requests go out at the refill rate.
func (b *bucket) estimateRefill(now time.Time, remaining int) {
	if b.sampleAt.IsZero() {
		b.sampleAt, b.sampleRem, b.sampleResp = now, remaining, 0
		return
	}
	b.sampleResp++
	dt := now.Sub(b.sampleAt)
	if dt < 500*time.Millisecond || b.sampleResp < 4 {
		return
	}
	est := float64(remaining-b.sampleRem+b.sampleResp) / dt.Seconds()
	b.sampleAt, b.sampleRem, b.sampleResp = now, remaining, 0
	if est <= 0 {
		return
	}
	if b.rate == 0 {
		b.rate = est
	} else {
		b.rate = 0.5*b.rate + 0.5*est
	}
	b.interval = min(max(time.Duration(float64(time.Second)/b.rate), time.Millisecond), maxPace)
}

// drainClose reads and closes a body so the connection can be reused.
func drainClose(r io.ReadCloser) {
	if r != nil {
		_, _ = io.Copy(io.Discard, r)
		_ = r.Close()
	}
}
