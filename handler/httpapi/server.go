// Package httpapi is the service's /api/v1 HTTP API (gorilla/mux): the router chain in
// NewRouter, auth and tenant scopes, limits and deadlines, the submit, job, backup, admin and
// MCP routes, and the one error renderer. It knows the engine only through what Deps hands it
// (job types, the spec check, the MCP servers): handler/executors is the engine's side.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/apierr"
	"github.com/atg-go/atg/handler/auth"
	"github.com/atg-go/atg/handler/backup"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
)

// Pinger is anything with a health check (the graph store).
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps are what the API needs.
type Deps struct {
	Backend *jobs.Backend
	Auth    KeyAuthenticator
	Limiter *auth.Limiter // nil: no rate limit
	// AnonLimiter limits requests without a valid key per client address; nil: no limit.
	AnonLimiter *auth.Limiter
	// MaxActiveJobs caps the queued + running jobs of one key (429 beyond); 0: no cap.
	MaxActiveJobs int
	// StorageDeadline bounds a request until it answers (503 beyond); 0: StorageDeadline.
	StorageDeadline time.Duration
	Executors       JobTypes // job types that can run; others answer 501
	Graph           Pinger   // nil: graph not configured (health "degraded")
	Logger          *slog.Logger
	Environment     string
	Version         string
	Now             func() time.Time
	// Graph backups (admin endpoints): nil answers 501.
	Backups             backup.BackupStore
	BackupsContainer    string
	BackupRetentionDays int
	// StreamArtifacts streams artifact downloads even when the store can sign a URL to
	// redirect to (artifact_redirect.go).
	StreamArtifacts bool
	// MCPServer builds the MCP server of one tenant for /api/v1/mcp (executors.MCPServers);
	// nil answers 501.
	MCPServer func(tenantID string) (*mcp.Server, error)
	// CheckSpec checks a create-tenant request's spec before a job exists (executors.CheckSpec:
	// schema, limits, a plan against the target); nil: the request's own validation only.
	CheckSpec func(ctx context.Context, req *api.CreateTenantRequest) error
	// Keys, when set, reports the key entries' state to /health and lists them for admins.
	Keys *auth.Keys
}

// JobTypes says which job types can run (worker.Registry).
type JobTypes interface {
	Has(typ string) bool
}

type noJobTypes struct{}

func (noJobTypes) Has(string) bool { return false }

// KeyAuthenticator turns a presented API key into its principal (*auth.Authenticator for fixed
// entries, *auth.Keys for entries re-read while the service runs).
type KeyAuthenticator interface {
	Authenticate(key string) (auth.Principal, error)
}

type server struct {
	Deps
}

// NewRouter returns the whole API: recover -> request id -> audit log -> deadline ->
// Content-Length required (411) -> routes, where every route but /health sits behind the auth
// (and rate limit) subrouter. Paths are routed as sent: an encoded slash (%2F) stays inside
// its segment.
func NewRouter(d Deps) http.Handler {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Executors == nil {
		d.Executors = noJobTypes{}
	}
	s := &server{Deps: d}

	r := mux.NewRouter().SkipClean(true).UseEncodedPath() // no redirects: "../" never reaches a handler
	s.setFallbacks(r)
	r.Use(s.routeTemplate)

	api := r.PathPrefix("/api/v1").Subrouter()
	s.registerHealthRoutes(api)

	authed := api.NewRoute().Subrouter()
	authed.Use(s.authenticate)
	s.registerSubmitRoutes(authed)
	s.registerJobRoutes(authed)
	s.registerBackupRoutes(authed)
	s.registerMCPRoutes(authed)
	s.registerAdminRoutes(authed)

	return s.recoverer(s.requestID(s.audit(s.deadline(s.requireLength(r)))))
}

// requireLength answers 411 to a request whose body has no Content-Length (chunked): the
// Functions host forwards a body only when Content-Length > 0, so such a body would arrive
// empty there; `atg serve` refuses it too, so both hostings behave alike.
func (s *server) requireLength(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength < 0 {
			s.writeError(w, r, errs.Errorf(apierr.LengthRequired, "request bodies need a Content-Length (chunked transfer encoding is not supported)"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// setFallbacks gives the router JSON 404s and 405s. gorilla loses method mismatches across
// sibling subrouters, so the 404 handler probes the other methods itself.
func (s *server) setFallbacks(root *mux.Router) {
	root.NotFoundHandler = s.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := s.limitProbe(r); err != nil {
			return err
		}
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if m == r.Method {
				continue
			}
			probe := r.Clone(r.Context())
			probe.Method = m
			var rm mux.RouteMatch
			if root.Match(probe, &rm) && rm.MatchErr == nil {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			return errs.Errorf(apierr.MethodNotAllowed, "method %s not allowed here", r.Method)
		}
		return errs.Errorf(errs.NotFound, "no such endpoint: %s", r.URL.Path)
	})
	root.MethodNotAllowedHandler = s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return errs.Errorf(apierr.MethodNotAllowed, "method %s not allowed here", r.Method)
	})
}

// handlerFunc is a handler that returns its error; handle renders it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *server) handle(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// writeError is the one place errors become responses.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	info := auditFrom(r.Context())
	if info != nil {
		info.code = string(errs.CodeOf(err))
	}
	rid := requestIDFrom(r.Context())
	if rid == "" { // outside the request-id layer (recoverer): it is on the response already
		rid = w.Header().Get("X-Request-Id")
	}
	apierr.Write(w, s.Logger, rid, err)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
	return nil
}

// ---- middleware ----

type ctxKey int

const (
	requestIDKey ctxKey = iota
	auditKey
)

// RequestIDOf returns r's X-Request-Id when it is acceptable, else a new id: for answers
// written before the router (the readiness gate's 503).
func RequestIDOf(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); requestIDRE.MatchString(id) {
		return id
	}
	return newRequestID()
}

var requestIDRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// requestID takes a sane incoming X-Request-Id or makes one, and echoes it.
func (s *server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !requestIDRE.MatchString(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

// recoverer turns a panic into a 500 with no internals, logging the stack under the request id.
func (s *server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Logger.Error("panic", "request_id", rec.Header().Get("X-Request-Id"), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if !rec.wrote {
					s.writeError(rec, r, fmt.Errorf("panic: %v", v))
				}
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// auditInfo is filled in by inner layers and logged by audit.
type auditInfo struct {
	key, route, jobID, code, tenant string
}

func auditFrom(ctx context.Context) *auditInfo {
	a, _ := ctx.Value(auditKey).(*auditInfo)
	return a
}

// setJobID records the job a request touched, for the audit line.
func setJobID(r *http.Request, id string) {
	if a := auditFrom(r.Context()); a != nil {
		a.jobID = id
	}
}

// audit logs one line per request: key name, method, route template, status, job id,
// duration. Never the key, never bodies.
func (s *server) audit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &auditInfo{}
		rec, ok := w.(*statusRecorder)
		if !ok {
			rec = &statusRecorder{ResponseWriter: w}
		}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), auditKey, info)))
		route := info.route
		if route == "" {
			route = "unmatched"
		}
		attrs := []any{"request_id", requestIDFrom(r.Context()), "key", info.key, "method", r.Method, "route", route,
			"status", rec.status(), "duration_ms", float64(time.Since(start).Microseconds()) / 1000}
		if info.jobID != "" {
			attrs = append(attrs, "job_id", info.jobID)
		}
		if id := r.Header.Get(worker.InvocationIDHeader); id != "" && len(id) <= 64 { // forwarded by the Functions host
			attrs = append(attrs, "invocation_id", id)
		}
		if info.code != "" {
			attrs = append(attrs, "code", info.code)
		}
		if info.tenant != "" {
			attrs = append(attrs, "tenant", info.tenant)
		}
		s.Logger.Info("audit", attrs...)
	})
}

// routeTemplate records the matched route's template (metrics and audit never use raw paths).
func (s *server) routeTemplate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := auditFrom(r.Context()); a != nil {
			if cr := mux.CurrentRoute(r); cr != nil {
				if t, err := cr.GetPathTemplate(); err == nil {
					a.route = t
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// authenticate resolves the API key into a principal and applies the per-key rate limit.
func (s *server) authenticate(next http.Handler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.Auth.Authenticate(auth.KeyFromRequest(r))
		if err != nil {
			if lerr := s.limitAnonymous(r); lerr != nil {
				return lerr
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="atg"`)
			return auth.AuthError(err)
		}
		if a := auditFrom(r.Context()); a != nil {
			a.key = p.Name
		}
		if ok, wait := s.Limiter.Allow(p.Name); !ok {
			return &errs.Error{Code: errs.RateLimited, Message: "rate limit exceeded for this key", RetryAfter: wait}
		}
		if err := requireScope(p); err != nil {
			return err
		}
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
		return nil
	})
}

type statusRecorder struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wrote {
		s.code, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if !s.wrote {
		s.code, s.wrote = http.StatusOK, true
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) status() int {
	if !s.wrote {
		return http.StatusOK
	}
	return s.code
}

// Flush supports streaming downloads.
func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the real writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
