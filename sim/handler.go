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
	// graphPrefix is the MS Graph version prefix of this request (/v1.0, /beta or Options.GraphPrefix).
	graphPrefix string
}

// graphPrefixOf returns the MS Graph prefix path starts with ("" for ARM): Options.GraphPrefix,
// and Graph's own /v1.0 and /beta, so clients calling the beta endpoint (AzureHound) are
// served (and throttled) as Graph.
func (s *Simulator) graphPrefixOf(path string) string {
	for _, p := range []string{s.opts.GraphPrefix, "/v1.0", "/beta"} {
		if path == p || strings.HasPrefix(path, p+"/") {
			return p
		}
	}
	return ""
}

// Handler returns the simulator's HTTP handler (ARM, Resource Graph and MS Graph on one mux).
func (s *Simulator) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

func (s *Simulator) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect { // the data-plane proxy (dataplane.go)
		s.serveConnect(w, r)
		return
	}
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
	case "/_sim/mutate":
		s.serveMutate(w, r)
		return
	}
	if s.serveUnauthenticated(w, r) { // ARM metadata, login and managed-identity token endpoints
		return
	}
	c := &call{w: w, r: r, base: baseURL(r)}
	switch {
	case s.graphPrefixOf(path) != "":
		c.api = "msgraph"
		c.graphPrefix = s.graphPrefixOf(path)
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

// identify reads tid/oid from the bearer token (its signature is not verified, as the loopback
// simulator does) and checks what Azure checks without a key: expiry and audience. Every 401
// carries WWW-Authenticate, which clients' token refresh (CAE, azure-identity) reads.
func (s *Simulator) identify(c *call) bool {
	auth := c.r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || tok == "" {
		if c.api == "msgraph" {
			s.unauthorized(c, "", "InvalidAuthenticationToken", "Access token is empty.")
		} else {
			s.unauthorized(c, "", "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
		}
		return false
	}
	s.st.mu.RLock()
	claims, isJWT := azure.ParseUnverified(tok)
	var t *tenant
	if !isJWT {
		t = s.st.tenants[0]
	} else {
		t = s.st.tenantBy[strings.ToLower(claims.TenantID)]
	}
	s.st.mu.RUnlock()
	if !isJWT {
		c.t = t
		c.principal = tok
		return true
	}
	if t == nil {
		if c.api == "msgraph" {
			s.unauthorized(c, "", "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
		} else {
			s.unauthorized(c, "", "InvalidAuthenticationTokenTenant", fmt.Sprintf("The access token is from the wrong issuer 'https://sts.windows.net/%s/'. It must match one of the tenants known to this cloud.", claims.TenantID))
		}
		return false
	}
	if now := time.Now(); claims.Expires != 0 && !now.Before(time.Unix(claims.Expires, 0)) {
		exp := time.Unix(claims.Expires, 0).UTC().Format("01/02/2006 15:04:05")
		if c.api == "msgraph" {
			s.unauthorized(c, t.id, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")
		} else {
			s.unauthorized(c, t.id, "ExpiredAuthenticationToken", fmt.Sprintf("The access token expiry UTC time '%s' is earlier than current UTC time '%s'.", exp, now.UTC().Format("01/02/2006 15:04:05")))
		}
		return false
	}
	if claims.Audience != "" && !s.audienceOK(c, claims.Audience) {
		if c.api == "msgraph" {
			s.unauthorized(c, t.id, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
		} else {
			s.unauthorized(c, t.id, "InvalidAuthenticationTokenAudience", fmt.Sprintf("The access token has been obtained for wrong audience or resource '%s'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.", claims.Audience))
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

// audienceOK: ARM accepts tokens for Azure Resource Manager, MS Graph for Graph; both accept a
// token for the simulator itself (any loopback URL, as custom-cloud clients ask for their endpoint).
func (s *Simulator) audienceOK(c *call, aud string) bool {
	a := strings.TrimSuffix(strings.ToLower(aud), "/")
	if azure.IsLoopback(a) {
		return true
	}
	switch c.api {
	case "msgraph":
		return a == "https://graph.microsoft.com" || a == "00000003-0000-0000-c000-000000000000"
	default:
		return a == "https://management.azure.com" || a == "https://management.core.windows.net" || a == "797f4846-ba00-4fd7-ba43-dac1f8f63013"
	}
}

// unauthorized writes a 401 with Azure's WWW-Authenticate challenge.
func (s *Simulator) unauthorized(c *call, tenantID, code, msg string) {
	authority := "https://login.microsoftonline.com/common"
	if tenantID != "" {
		authority = "https://login.microsoftonline.com/" + tenantID
	}
	if c.api == "msgraph" {
		c.w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="", authorization_uri="%s/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="invalid_token", error_description=%q`, authority, msg))
		graphErr(c.w, http.StatusUnauthorized, code, msg)
		return
	}
	c.w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer authorization_uri="%s", error="invalid_token", error_description=%q`, authority, msg))
	armErr(c.w, http.StatusUnauthorized, code, msg)
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
		s.retryHeaders(w, time.Second)
		s.errFor(c, http.StatusServiceUnavailable, "ServiceUnavailable", "The service is temporarily unavailable. Please try again later.")
	case "429":
		// Azure's 429s always say when to come back (the Python SDK does not retry a POST's 429 without it).
		s.retryHeaders(w, time.Second)
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

// retryHeaders sets Retry-After (whole seconds) for a simulated wait. With --throttle fast the
// clock runs FastFactor times faster, so both headers carry the wall-clock wait: Retry-After
// rounded up to whole seconds (clients such as the Python SDK honour it first) and
// retry-after-ms exactly (azcore honours it first).
func (s *Simulator) retryHeaders(w http.ResponseWriter, wait time.Duration) {
	if s.opts.Throttle == "fast" {
		real := s.clk.realDuration(wait)
		w.Header().Set("Retry-After", retryAfterSeconds(real))
		w.Header().Set("retry-after-ms", fmt.Sprint(real.Milliseconds()+1))
		return
	}
	w.Header().Set("Retry-After", retryAfterSeconds(wait))
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
