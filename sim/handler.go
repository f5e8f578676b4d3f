package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/atg-go/atg/engine/azure"
)

// call is one request with the caller's identity.
type call struct {
	w         http.ResponseWriter
	r         *http.Request
	t         *tenant
	principal string
	base      string // scheme://host of this request, for absolute nextLinks
	api       string // arm | arg | msgraph
}

// Handler returns the simulator's HTTP handler (ARM, Resource Graph and MS Graph on one mux).
func (s *Simulator) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

func (s *Simulator) serveHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch path {
	case "/healthz":
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
		return
	case "/_sim/truth":
		writeJSON(w, http.StatusOK, s.Truth())
		return
	case "/_sim/stats":
		writeJSON(w, http.StatusOK, s.Stats())
		return
	}
	c := &call{w: w, r: r, base: baseURL(r)}
	switch {
	case path == s.opts.GraphPrefix || strings.HasPrefix(path, s.opts.GraphPrefix+"/"):
		c.api = "msgraph"
	case strings.EqualFold(path, "/providers/Microsoft.ResourceGraph/resources"):
		c.api = "arg"
	default:
		c.api = "arm"
	}
	s.stats.inc("req:" + c.api)
	w.Header().Set("x-ms-request-id", s.requestID(r))
	if !s.identify(c) {
		return
	}
	if !s.delay(r.Context(), r) {
		return
	}
	if s.fault(c) {
		return
	}
	switch c.api {
	case "msgraph":
		s.serveGraph(c)
	case "arg":
		s.serveARG(c)
	default:
		s.serveARM(c)
	}
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Simulator) requestID(r *http.Request) string {
	n := s.opSeq.Add(1)
	h := hash64(s.opts.Seed, "req", fmt.Sprint(n))
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(h), uint16(h>>32), uint16(h>>48)&0xfff, n&0xfff, h>>16&0xffffffffffff)
}

// identify reads tid/oid from the bearer token (unverified, as the loopback simulator does).
func (s *Simulator) identify(c *call) bool {
	auth := c.r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || tok == "" {
		if c.api == "msgraph" {
			graphErr(c.w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty.")
		} else {
			armErr(c.w, http.StatusUnauthorized, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
		}
		return false
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	claims, isJWT := azure.ParseUnverified(tok)
	if !isJWT {
		c.t = s.st.tenants[0]
		c.principal = tok
		return true
	}
	t := s.st.tenantBy[strings.ToLower(claims.TenantID)]
	if t == nil {
		if c.api == "msgraph" {
			graphErr(c.w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
		} else {
			armErr(c.w, http.StatusUnauthorized, "InvalidAuthenticationTokenTenant", fmt.Sprintf("The access token is from the wrong issuer 'https://sts.windows.net/%s/'. It must match one of the tenants known to this cloud.", claims.TenantID))
		}
		return false
	}
	c.t = t
	c.principal = claims.PrincipalID
	if c.principal == "" {
		c.principal = "anonymous"
	}
	return true
}

// delay sleeps the configured latency ± jitter (deterministic per request identity).
func (s *Simulator) delay(ctx context.Context, r *http.Request) bool {
	d := s.opts.Latency
	if j := s.opts.LatencyJitter; j > 0 {
		h := hash64(s.opts.Seed, "jitter", r.Method, r.URL.String(), fmt.Sprint(s.opSeq.Load()))
		d += time.Duration(int64(h%uint64(2*j+1))) - j
	}
	return sleepCtx(ctx, d)
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// fault injects a deterministic fault: the n-th attempt of the same method+URL+principal always
// gets the same outcome for a seed.
func (s *Simulator) fault(c *call) bool {
	if s.opts.Faults <= 0 {
		return false
	}
	key := c.r.Method + " " + c.r.URL.RequestURI() + " " + c.principal
	s.attemptsMu.Lock()
	n := s.attempts[key]
	s.attempts[key] = n + 1
	s.attemptsMu.Unlock()
	h := hash64(s.opts.Seed, "fault", key, fmt.Sprint(n))
	if float64(h>>11)/float64(1<<53) >= s.opts.Faults {
		return false
	}
	kinds := []string{"500", "503", "429", "reset", "slow"}
	kind := kinds[(h>>3)%uint64(len(kinds))]
	s.stats.inc("fault:" + kind)
	w := c.w
	switch kind {
	case "500":
		s.errFor(c, http.StatusInternalServerError, "InternalServerError", "Encountered internal server error. Diagnostic information: timestamp '"+time.Now().UTC().Format(time.RFC3339)+"'.")
	case "503":
		w.Header().Set("Retry-After", "1")
		if s.opts.Throttle == "fast" {
			w.Header().Set("retry-after-ms", "20")
		}
		s.errFor(c, http.StatusServiceUnavailable, "ServiceUnavailable", "The service is temporarily unavailable. Please try again later.")
	case "429":
		// Throttled without Retry-After: clients must back off on their own.
		s.errFor(c, http.StatusTooManyRequests, "TooManyRequests", "The request is being throttled.")
	case "reset":
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				if tc, ok := conn.(*net.TCPConn); ok {
					_ = tc.SetLinger(0)
				}
				_ = conn.Close()
				return true
			}
		}
		s.errFor(c, http.StatusBadGateway, "BadGateway", "The connection was reset.")
	case "slow":
		sleepCtx(c.r.Context(), c.slowDelay(s))
		return false // then answer normally
	}
	return true
}

func (c *call) slowDelay(s *Simulator) time.Duration {
	if s.opts.Throttle == "fast" {
		return 200 * time.Millisecond
	}
	return 3 * time.Second
}

func (s *Simulator) errFor(c *call, status int, code, msg string) {
	if c.api == "msgraph" {
		graphErr(c.w, status, code, msg)
		return
	}
	armErr(c.w, status, code, msg)
}

// throttled sets the retry headers for a 429 and counts it.
func (s *Simulator) retryHeaders(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", retryAfterSeconds(wait))
	if s.opts.Throttle == "fast" {
		ms := s.clk.realDuration(wait).Milliseconds() + 1
		w.Header().Set("retry-after-ms", fmt.Sprint(ms))
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	b := buf.Bytes()
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"InternalServerError","message":"encoding response failed"}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// armErr writes ARM's error body {"error":{"code","message"}}.
func armErr(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("x-ms-failure-cause", "gateway")
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg}})
}

// graphErr writes MS Graph's error body.
func graphErr(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg,
		"innerError": map[string]any{"date": time.Now().UTC().Format("2006-01-02T15:04:05"), "request-id": w.Header().Get("x-ms-request-id"),
			"client-request-id": w.Header().Get("x-ms-request-id")}}})
}
