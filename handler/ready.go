package handler

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/apierr"
	"github.com/atg-go/atg/handler/httpapi"
	"github.com/atg-go/atg/handler/worker"
)

// Readiness under the Functions host. The host polls GET / until it gets any answer and
// releases queued, timer and HTTP invocations at that moment (azure-functions-host
// DefaultHttpWorkerService / HttpFunctionInvocationDispatcher). A 503 to a queue invocation
// counts as a failed delivery and a timer invocation is not retried, so `atg handler` listens
// at once but answers nothing until the app can work:
//
//   - GET / waits for readiness; after ProbeWait it drops the connection without a response
//     (the host counts that as "not ready yet" and probes again).
//   - invocations (POST /<function>) wait up to InvocationWait, then answer 500 so the host
//     redelivers the message (in practice the host sends none before GET / is answered).
//   - forwarded API requests wait up to APIWait, then answer 503 + Retry-After (the API's
//     shape for a dependency that is not there yet).

// Default waits of a Gate.
const (
	DefaultProbeWait      = 50 * time.Second
	DefaultInvocationWait = 2 * time.Minute
	DefaultAPIWait        = 20 * time.Second
)

// Gate holds requests until Open is called with the handler that serves them.
type Gate struct {
	ProbeWait      time.Duration
	InvocationWait time.Duration
	APIWait        time.Duration
	Logger         *slog.Logger

	once  sync.Once
	ready chan struct{}
	h     http.Handler
}

func (g *Gate) init() {
	g.once.Do(func() {
		g.ready = make(chan struct{})
		if g.ProbeWait <= 0 {
			g.ProbeWait = DefaultProbeWait
		}
		if g.InvocationWait <= 0 {
			g.InvocationWait = DefaultInvocationWait
		}
		if g.APIWait <= 0 {
			g.APIWait = DefaultAPIWait
		}
		if g.Logger == nil {
			g.Logger = slog.New(slog.DiscardHandler)
		}
	})
}

// Open releases the held requests to h (call once).
func (g *Gate) Open(h http.Handler) {
	g.init()
	g.h = h
	close(g.ready)
}

// Ready reports whether Open was called.
func (g *Gate) Ready() bool {
	g.init()
	select {
	case <-g.ready:
		return true
	default:
		return false
	}
}

// wait blocks until the gate opens (true), d passes or ctx ends (false).
func (g *Gate) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-g.ready:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return g.Ready()
}

func (g *Gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.init()
	if g.Ready() {
		g.h.ServeHTTP(w, r)
		return
	}
	start := time.Now()
	switch {
	case r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		if !g.wait(r.Context(), g.ProbeWait) {
			g.Logger.Debug("readiness probe: still starting; no answer", "waited_ms", time.Since(start).Milliseconds())
			panic(http.ErrAbortHandler) // no response at all: the host keeps probing
		}
	case strings.HasPrefix(r.URL.Path, "/api/"):
		if !g.wait(r.Context(), g.APIWait) {
			rid := httpapi.RequestIDOf(r)
			w.Header().Set("X-Request-Id", rid)
			apierr.Write(w, g.Logger, rid, &errs.Error{Code: errs.Unavailable,
				Message: "the service is starting", RetryAfter: 5 * time.Second, Err: errors.New("storage not open yet")})
			return
		}
	default: // an invocation
		if !g.wait(r.Context(), g.InvocationWait) {
			g.Logger.Warn("invocation arrived before the handler could work; failing it so the host retries",
				"path", r.URL.Path, "invocation_id", r.Header.Get(worker.InvocationIDHeader), "waited_ms", time.Since(start).Milliseconds())
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_ = json.NewEncoder(w).Encode(worker.InvocationResponse{Outputs: map[string]any{},
				Logs: []string{"atg handler is still starting (storage not open); the host will retry"}})
			return
		}
	}
	g.h.ServeHTTP(w, r)
}

// StorageUnavailableError marks a failure to reach storage while opening the app: worth
// retrying (the handler keeps listening and tries again), unlike a configuration error.
type StorageUnavailableError struct{ Err error }

func (e *StorageUnavailableError) Error() string { return e.Err.Error() }
func (e *StorageUnavailableError) Unwrap() error { return e.Err }

// ErrorCode makes it unavailable (errs.CodeOf): `atg serve` exits 5 when storage is down.
func (e *StorageUnavailableError) ErrorCode() errs.Code { return errs.Unavailable }

// IsStorageUnavailable reports whether err is a StorageUnavailableError.
func IsStorageUnavailable(err error) bool {
	var se *StorageUnavailableError
	return errors.As(err, &se)
}
