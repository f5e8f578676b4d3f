package httpapi

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/auth"
	"github.com/atg-go/atg/handler/jobs"
)

// Deadlines and quotas of the API (issue 14).
const (
	// StorageDeadline bounds a request until it starts answering: a storage outage answers 503
	// with Retry-After within it instead of hanging on retries. Streaming an artifact, once
	// started, is not cut.
	StorageDeadline = 8 * time.Second
	// HealthCacheTTL is how long a /health answer is reused (it costs a call to each of Table,
	// Queue and Blob storage and the graph store).
	HealthCacheTTL = 3 * time.Second
	// AnonRate and AnonBurst limit requests without a valid key, per client address.
	AnonRate  = 5.0
	AnonBurst = 50.0
	// DefaultMaxActiveJobs is api_max_active_jobs' default.
	DefaultMaxActiveJobs = 20
	// retryAfterBusy is the Retry-After of a refused submit (too many active jobs).
	retryAfterBusy = 30 * time.Second
)

// NewAnonLimiter returns the per-address limiter for unauthenticated requests.
func NewAnonLimiter() *auth.Limiter { return auth.NewLimiter(AnonRate, AnonBurst) }

// startedWriter records whether the response has started.
type startedWriter struct {
	http.ResponseWriter
	started atomic.Bool
}

func (s *startedWriter) WriteHeader(code int) {
	s.started.Store(true)
	s.ResponseWriter.WriteHeader(code)
}

func (s *startedWriter) Write(b []byte) (int, error) {
	s.started.Store(true)
	return s.ResponseWriter.Write(b)
}

func (s *startedWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *startedWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// errDeadline is the cause of a request cancelled by the storage deadline.
var errDeadline = errors.New("request deadline: storage did not answer in time")

// deadline cancels a request's context when it has not started answering within
// StorageDeadline, so every storage call it makes is bounded; storageError renders the
// cancellation as 503 + Retry-After.
func (s *server) deadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctl := &deadlineCtl{parent: r.Context(), sw: &startedWriter{ResponseWriter: w}, d: s.storageDeadline()}
		defer ctl.stop()
		next.ServeHTTP(ctl.sw, r.WithContext(ctl.fresh(r.Context())))
	})
}

// deadlineCtl hands out request contexts that end when the client goes away, or when the
// response has not started StorageDeadline after they were made.
type deadlineCtl struct {
	parent context.Context // the request's own context: the client's lifetime
	sw     *startedWriter
	d      time.Duration
	mu     sync.Mutex
	stops  []func()
}

type deadlineKey struct{}

// fresh returns a context with cur's values, the client's lifetime and a new deadline.
func (c *deadlineCtl) fresh(cur context.Context) context.Context {
	ctx, cancel := context.WithCancelCause(context.WithoutCancel(cur))
	unlink := context.AfterFunc(c.parent, func() { cancel(context.Cause(c.parent)) })
	t := time.AfterFunc(c.d, func() {
		if !c.sw.started.Load() {
			cancel(errDeadline)
		}
	})
	c.mu.Lock()
	c.stops = append(c.stops, func() { t.Stop(); unlink(); cancel(nil) })
	c.mu.Unlock()
	return context.WithValue(ctx, deadlineKey{}, c)
}

func (c *deadlineCtl) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range c.stops {
		f()
	}
}

// withFreshDeadline returns ctx with a full StorageDeadline for the storage calls that follow:
// reading a large body and checking it is not storage time.
func withFreshDeadline(ctx context.Context) context.Context {
	if c, ok := ctx.Value(deadlineKey{}).(*deadlineCtl); ok {
		return c.fresh(ctx)
	}
	return ctx
}

func (s *server) storageDeadline() time.Duration {
	if s.StorageDeadline > 0 {
		return s.StorageDeadline
	}
	return StorageDeadline
}

// clientAddr is the caller's address for the unauthenticated rate limit: the connection's
// peer, or behind a loopback proxy (the Functions host) the address it appended last to
// X-Forwarded-For.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if last := strings.TrimSpace(parts[len(parts)-1]); last != "" {
				if h, _, err := net.SplitHostPort(last); err == nil {
					return h
				}
				return last
			}
		}
	}
	return host
}

// limitAnonymous applies the per-address limit to a request that carries no valid key.
func (s *server) limitAnonymous(r *http.Request) error {
	if ok, wait := s.AnonLimiter.Allow("addr:" + clientAddr(r)); !ok {
		return &errs.Error{Code: errs.RateLimited, Message: "too many requests without a valid API key from this address", RetryAfter: wait}
	}
	return nil
}

// limitProbe applies the per-address limit to a request for an unknown path without a valid
// key (probing).
func (s *server) limitProbe(r *http.Request) error {
	if s.AnonLimiter == nil || s.Auth == nil {
		return nil
	}
	if _, err := s.Auth.Authenticate(auth.KeyFromRequest(r)); err == nil {
		return nil
	}
	return s.limitAnonymous(r)
}

// checkActiveJobs refuses a submit when the key already has MaxActiveJobs queued or running.
func (s *server) checkActiveJobs(ctx context.Context, owner string) error {
	limit := s.MaxActiveJobs
	if limit <= 0 {
		return nil
	}
	n := 0
	for _, st := range []jobs.Status{jobs.Queued, jobs.Running, jobs.Cancelling} {
		list, _, err := s.Backend.Jobs.List(ctx, jobs.ListQuery{Owner: owner, Status: st, Limit: min(limit+1, 100)})
		if err != nil {
			return storageError("counting active jobs", err)
		}
		n += len(list)
		if n >= limit {
			return &errs.Error{Code: errs.RateLimited, RetryAfter: retryAfterBusy,
				Message: "this API key has " + strconv.Itoa(limit) + " or more queued or running jobs (the limit); wait for some to finish or cancel them"}
		}
	}
	return nil
}

// healthCache reuses one /health answer for HealthCacheTTL; concurrent callers share the
// check in flight.
type healthCache struct {
	mu      sync.Mutex
	at      time.Time
	status  int
	header  http.Header
	body    []byte
	pending chan struct{}
}

type bufferWriter struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (b *bufferWriter) Header() http.Header { return b.header }
func (b *bufferWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.buf.Write(p)
}

func (s *server) cachedHealth(next http.Handler) http.Handler {
	c := &healthCache{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.limitAnonymous(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		for {
			c.mu.Lock()
			if c.body != nil && s.Now().Sub(c.at) < HealthCacheTTL {
				status, header, body := c.status, c.header, c.body
				c.mu.Unlock()
				for k, v := range header {
					w.Header()[k] = v
				}
				w.WriteHeader(status)
				_, _ = w.Write(body)
				return
			}
			if c.pending != nil {
				ch := c.pending
				c.mu.Unlock()
				select {
				case <-ch:
					continue
				case <-r.Context().Done():
					s.writeError(w, r, storageError("checking health", r.Context().Err()))
					return
				}
			}
			ch := make(chan struct{})
			c.pending = ch
			c.mu.Unlock()
			bw := &bufferWriter{header: http.Header{}}
			func() {
				defer func() {
					c.mu.Lock()
					if bw.status != 0 {
						c.at, c.status, c.header, c.body = s.Now(), bw.status, bw.header.Clone(), bw.buf.Bytes()
					}
					c.pending = nil
					c.mu.Unlock()
					close(ch)
				}()
				next.ServeHTTP(bw, r)
			}()
			for k, v := range bw.header {
				w.Header()[k] = v
			}
			if bw.status == 0 {
				bw.status = http.StatusOK
			}
			w.WriteHeader(bw.status)
			_, _ = w.Write(bw.buf.Bytes())
			return
		}
	})
}
