package httpapi

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/apierr"
)

func (s *server) registerHealthRoutes(r *mux.Router) {
	r.Handle("/health", s.cachedHealth(s.handle(s.health))).Methods(http.MethodGet)
}

// HealthResponse is GET /health (api.Health).
type HealthResponse = api.Health

// health checks Table, Queue and Blob storage and the graph store concurrently. Failures
// are logged; the response names only which dependency is down.
func (s *server) health(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	checks := map[string]func(context.Context) error{
		"table": s.Backend.Jobs.Ping,
		"queue": s.Backend.Queue.Ping,
		"blob":  s.Backend.Blobs.Ping,
	}
	if s.Graph != nil {
		checks["graph"] = s.Graph.Ping
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	failed := map[string]bool{}
	for name, fn := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(ctx); err != nil {
				s.Logger.Warn("health check failed", "request_id", requestIDFrom(r.Context()), "check", name, "err", err)
				mu.Lock()
				failed[name] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res := HealthResponse{Status: "ok", Version: s.Version, Environment: s.Environment, Checks: map[string]string{}}
	res.Checks["storage"] = "ok"
	for _, n := range []string{"table", "queue", "blob"} {
		if failed[n] {
			res.Checks["storage"] = "unavailable"
			res.Checks[n] = "unavailable"
		} else {
			res.Checks[n] = "ok"
		}
	}
	switch {
	case s.Graph == nil:
		res.Checks["graph"] = "not_configured"
		res.Status = "degraded"
	case failed["graph"]:
		res.Checks["graph"] = "unavailable"
		if st, ok := s.Graph.(interface{ State() string }); ok && st.State() != "ok" { // executors.GraphOK
			res.Checks["graph"] = st.State() // LazyStore not open yet: connecting | unavailable
		}
	default:
		res.Checks["graph"] = "ok"
	}
	if s.Keys != nil {
		// api_keys: ok | none (no entries: every call 401, e.g. a new environment) |
		// unresolved_reference | stale (degraded: see warnings).
		st := s.Keys.State()
		res.Checks["api_keys"] = st.Status
		if st.Reason != "" {
			res.Warnings = append(res.Warnings, st.Reason)
		}
		if st.Degraded() && res.Status == "ok" {
			res.Status = "degraded"
		}
	}
	if len(failed) > 0 {
		res.Status = "unavailable"
		res.Error = &apierr.BodyError{Code: string(errs.Unavailable), Message: "a dependency is unavailable", Details: map[string]any{"checks": res.Checks}}
		w.Header().Set("Retry-After", "30")
		return writeJSON(w, http.StatusServiceUnavailable, res)
	}
	return writeJSON(w, http.StatusOK, res)
}
