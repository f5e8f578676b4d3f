package remote

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/atg-go/atg/errs"
)

// Client calls the ATG service's /api/v1 over net/http. It retries 429, 502, 503, 504 and
// connection errors with backoff, honouring Retry-After; submits carry one Idempotency-Key
// across their retries, so a retried POST never creates a second job.
type Client struct {
	BaseURL string // e.g. https://atg-dev.azurewebsites.net (without /api/v1)
	APIKey  string
	// KeySource names where the key came from (e.g. --api-key-file), for error hints; never the key.
	KeySource  string
	HTTP       *http.Client
	MaxRetries int
	MaxBackoff time.Duration
	Logger     *slog.Logger
	// Sleep waits between retries (a seam for tests); it must return ctx.Err() when cancelled.
	Sleep func(ctx context.Context, d time.Duration) error
}

// NewClient returns a client with sensible timeouts and retries.
func NewClient(baseURL, apiKey string) *Client {
	return &Client{
		BaseURL:    strings.TrimSuffix(baseURL, "/"),
		APIKey:     apiKey,
		HTTP:       &http.Client{Timeout: 60 * time.Second},
		MaxRetries: 5,
		MaxBackoff: 10 * time.Second,
		Logger:     slog.New(slog.DiscardHandler),
		Sleep:      sleepCtx,
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// NewIdempotencyKey returns a random key for one logical submit.
func NewIdempotencyKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusBadGateway ||
		status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}

// retryAfter parses Retry-After (seconds or HTTP date).
func retryAfter(h http.Header) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

func (c *Client) backoff(attempt int) time.Duration {
	d := time.Duration(float64(250*time.Millisecond) * math.Pow(2, float64(attempt)))
	d = min(d, c.MaxBackoff)
	return d/2 + time.Duration(mrand.Int64N(int64(d/2)+1))
}

// do sends one API call with retries and decodes a JSON response into out (if non-nil).
// For downloads, pass rawOut to receive the body stream instead (caller closes).
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body any, idemKey string, out any) error {
	resp, err := c.send(ctx, method, path, query, body, idemKey)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("decoding %s %s response: %w", method, path, err)
	}
	return nil
}

// send performs the request with retries and returns a 2xx/3xx response (body open) or an error.
func (c *Client) send(ctx context.Context, method, path string, query url.Values, body any, idemKey string) (*http.Response, error) {
	if c.BaseURL == "" {
		return nil, errors.New("remote: no service URL configured")
	}
	var payload []byte
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encoding request: %w", err)
		}
		payload = b
	}
	u := c.BaseURL + "/api/v1" + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	sleep := c.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	var lastErr error
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(payload))
		if err != nil {
			return nil, fmt.Errorf("building request: %w", err)
		}
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("Accept", "application/json")
		if c.APIKey != "" {
			req.Header.Set("Authorization", "Bearer "+c.APIKey)
		}
		if idemKey != "" {
			req.Header.Set("Idempotency-Key", idemKey)
		}
		resp, err := c.HTTP.Do(req)
		var wait time.Duration
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			lastErr = fmt.Errorf("%s %s: %w", method, path, err)
			wait = c.backoff(attempt)
		case retryable(resp.StatusCode):
			lastErr = c.parseError(resp)
			if ra, ok := retryAfter(resp.Header); ok {
				wait = min(ra, time.Minute)
			} else {
				wait = c.backoff(attempt)
			}
		case resp.StatusCode >= 400:
			return nil, c.parseError(resp)
		default:
			return resp, nil
		}
		if attempt >= c.MaxRetries {
			if err != nil {
				return nil, errs.Wrap(errs.Unavailable, lastErr, fmt.Sprintf("cannot reach the service at %s after %d attempts", c.BaseURL, attempt+1))
			}
			return nil, lastErr
		}
		c.logger().Debug("retrying service call", "method", method, "path", path, "attempt", attempt+1, "wait", wait, "error", lastErr)
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

func (c *Client) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

func (c *Client) parseError(resp *http.Response) error {
	err := parseError(resp)
	var ae *APIError
	if errors.As(err, &ae) {
		ae.KeySource = c.KeySource
	}
	return err
}

// parseError reads the API's JSON error body (and closes it).
func parseError(resp *http.Response) error {
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var env struct {
		Error *APIError `json:"error"`
	}
	e := &APIError{Status: resp.StatusCode}
	if json.Unmarshal(b, &env) == nil && env.Error != nil {
		e = env.Error
		e.Status = resp.StatusCode
	} else {
		e.Code = strings.ReplaceAll(strings.ToLower(http.StatusText(resp.StatusCode)), " ", "_")
		e.Message = strings.TrimSpace(string(b))
		if e.Message == "" {
			e.Message = http.StatusText(resp.StatusCode)
		}
	}
	e.RequestID = resp.Header.Get("X-Request-Id")
	return e
}

// SubmitScan posts a scan job.
func (c *Client) SubmitScan(ctx context.Context, r ScanRequest, idemKey string) (Job, error) {
	var j Job
	return j, c.do(ctx, http.MethodPost, "/scan", nil, r, idemKey, &j)
}

// SubmitGenerateIaC posts a generate-iac job.
func (c *Client) SubmitGenerateIaC(ctx context.Context, r GenerateIaCRequest, idemKey string) (Job, error) {
	var j Job
	return j, c.do(ctx, http.MethodPost, "/generate-iac", nil, r, idemKey, &j)
}

// SubmitCreateTenant posts a create-tenant job.
func (c *Client) SubmitCreateTenant(ctx context.Context, r CreateTenantRequest, idemKey string) (Job, error) {
	var j Job
	return j, c.do(ctx, http.MethodPost, "/create-tenant", nil, r, idemKey, &j)
}

// SubmitPosture posts a posture job.
func (c *Client) SubmitPosture(ctx context.Context, r PostureRequest, idemKey string) (Job, error) {
	var j Job
	return j, c.do(ctx, http.MethodPost, "/posture", nil, r, idemKey, &j)
}

// ListJobs lists the caller's jobs.
func (c *Client) ListJobs(ctx context.Context, o ListOptions) (JobList, error) {
	q := url.Values{}
	if o.Status != "" {
		q.Set("status", o.Status)
	}
	if o.Type != "" {
		q.Set("type", o.Type)
	}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.Cursor != "" {
		q.Set("cursor", o.Cursor)
	}
	var l JobList
	return l, c.do(ctx, http.MethodGet, "/jobs", q, nil, "", &l)
}

// GetJob returns one job.
func (c *Client) GetJob(ctx context.Context, id string) (Job, error) {
	var j Job
	return j, c.do(ctx, http.MethodGet, "/jobs/"+url.PathEscape(id), nil, nil, "", &j)
}

// Result returns a finished job's result JSON.
func (c *Client) Result(ctx context.Context, id string) (json.RawMessage, error) {
	var r json.RawMessage
	return r, c.do(ctx, http.MethodGet, "/jobs/"+url.PathEscape(id)+"/result", nil, nil, "", &r)
}

// Cancel asks the service to cancel a job.
func (c *Client) Cancel(ctx context.Context, id string) (Job, error) {
	var j Job
	return j, c.do(ctx, http.MethodPost, "/jobs/"+url.PathEscape(id)+"/cancel", nil, nil, "", &j)
}

// Artifacts lists a job's artifacts.
func (c *Client) Artifacts(ctx context.Context, id string) ([]Artifact, error) {
	var r struct {
		Artifacts []Artifact `json:"artifacts"`
	}
	err := c.do(ctx, http.MethodGet, "/jobs/"+url.PathEscape(id)+"/artifacts", nil, nil, "", &r)
	return r.Artifacts, err
}

// Health calls GET /health (no key needed). A 503 comes back as an *APIError after retries.
func (c *Client) Health(ctx context.Context) (Health, error) {
	var h Health
	return h, c.do(ctx, http.MethodGet, "/health", nil, nil, "", &h)
}

// DownloadArtifact streams one artifact into w and returns its SHA-256 (hex); callers compare
// it with the listed sha256. The service answers with the bytes or with a redirect to a
// short-lived read-only storage URL (the Functions host buffers responses): the redirect is
// followed without the API key (the URL is the credential; the key never goes to storage).
func (c *Client) DownloadArtifact(ctx context.Context, id, name string, w io.Writer) (string, int64, error) {
	dl := *c
	hc := http.Client{Timeout: 30 * time.Minute} // a large artifact may take a while
	if c.HTTP != nil {
		hc = *c.HTTP
		hc.Timeout = max(hc.Timeout, 30*time.Minute)
	}
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return fmt.Errorf("artifact %s: too many redirects", name)
		}
		req.Header.Del("Authorization")
		req.Header.Del("Idempotency-Key")
		return nil
	}
	dl.HTTP = &hc
	resp, err := dl.send(ctx, http.MethodGet, "/jobs/"+url.PathEscape(id)+"/artifacts/"+url.PathEscape(name), nil, nil, "")
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), resp.Body)
	if err != nil {
		return "", n, fmt.Errorf("downloading artifact %s: %w", name, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
