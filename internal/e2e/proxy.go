package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Proxy is a fault-injecting reverse proxy in front of the real service: it answers chosen
// requests with an error (before or after the service saw them), corrupts response bodies,
// and records every request.
type Proxy struct {
	URL string

	mu       sync.Mutex
	faults   []*Fault
	requests []Request
}

// Fault describes what to do to the requests it matches, for its first Times matches.
type Fault struct {
	Match func(*http.Request) bool
	Times int // how many matching requests it applies to (0: every one)
	// Status answers the request with this status, an API error body and Retry-After: 0.
	Status int
	// Forward sends the request to the service first and then answers Status instead of the
	// service's response: the service acted, the client saw a failure (a lost response).
	Forward bool
	// Corrupt forwards the request and flips one byte of the response body.
	Corrupt bool

	hits int
}

// Request is one request the proxy saw and the status the client got.
type Request struct {
	Method, Path, IdempotencyKey string
	Status                       int
	Injected                     bool
}

// Route matches a method and an exact path (a trailing * matches a prefix).
func Route(method, path string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		if r.Method != method {
			return false
		}
		if p, ok := strings.CutSuffix(path, "*"); ok {
			return strings.HasPrefix(r.URL.Path, p)
		}
		return r.URL.Path == path
	}
}

// ArtifactDownload matches GET /api/v1/jobs/{id}/artifacts/{name}.
func ArtifactDownload(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v1/jobs/") && strings.Contains(r.URL.Path, "/artifacts/")
}

type faultKey struct{}

// NewProxy starts a proxy to target (a base URL) and closes it when the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatalf("proxy target %q: %v", target, err)
	}
	p := &Proxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = func(resp *http.Response) error {
		f, _ := resp.Request.Context().Value(faultKey{}).(*Fault)
		switch {
		case f == nil:
		case f.Forward:
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			body := errorBody(f.Status)
			resp.StatusCode, resp.Status = f.Status, fmt.Sprintf("%d %s", f.Status, http.StatusText(f.Status))
			resp.Header = http.Header{"Content-Type": {"application/json"}, "Retry-After": {"0"}}
			resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
			resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		case f.Corrupt:
			if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && loc != "" {
				// The service redirects downloads to a SAS URL: corrupt what that URL serves,
				// as a man in the middle of the download would.
				resp.Body.Close()
				r2, err := http.Get(loc)
				if err != nil {
					return err
				}
				resp.Body, resp.StatusCode, resp.Status = r2.Body, r2.StatusCode, r2.Status
				resp.Header.Del("Location")
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return err
			}
			if len(b) > 0 {
				b[len(b)/2] ^= 0x20
			}
			resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
			resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
		}
		return nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := p.match(r)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		if f != nil && !f.Forward && !f.Corrupt {
			body := errorBody(f.Status)
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "0")
			rec.WriteHeader(f.Status)
			_, _ = w.Write(body)
		} else {
			if f != nil {
				r = r.WithContext(context.WithValue(r.Context(), faultKey{}, f))
			}
			rp.ServeHTTP(rec, r)
		}
		p.mu.Lock()
		p.requests = append(p.requests, Request{Method: r.Method, Path: r.URL.Path, IdempotencyKey: r.Header.Get("Idempotency-Key"),
			Status: rec.status, Injected: f != nil})
		p.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

func errorBody(status int) []byte {
	code := "unavailable"
	if status != http.StatusServiceUnavailable {
		code = strings.ReplaceAll(strings.ToLower(http.StatusText(status)), " ", "_")
	}
	return []byte(`{"error":{"code":"` + code + `","message":"injected by the e2e proxy"}}` + "\n")
}

// Add installs a fault (faults are tried in the order added; the first with hits left wins).
func (p *Proxy) Add(f *Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = append(p.faults, f)
}

// Clear removes every fault.
func (p *Proxy) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = nil
}

func (p *Proxy) match(r *http.Request) *Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, f := range p.faults {
		if (f.Times == 0 || f.hits < f.Times) && f.Match(r) {
			f.hits++
			return f
		}
	}
	return nil
}

// Requests returns what the proxy saw, in order.
func (p *Proxy) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Request(nil), p.requests...)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
