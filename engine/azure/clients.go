package azure

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"

	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/internal/buildinfo"
)

// Options configure Clients.
type Options struct {
	Endpoints Endpoints
	TenantID  string
	// Credential overrides NewCredentialWith (tests).
	Credential azcore.TokenCredential
	// Identity overrides IdentityFromEnv when the credential is chosen (see NewCredentialWith).
	Identity *Identity
	// AuthorityHost overrides the cloud's Entra ID authority for token requests (tests, private clouds).
	AuthorityHost string
	// Transport overrides the HTTP transport (tests: a stub RoundTripper).
	Transport policy.Transporter
	Throttle  ThrottleOptions
	// PageTimeout bounds each page request including its retries; default 5 minutes.
	PageTimeout time.Duration
	Logger      *slog.Logger
}

// Clients are the authenticated pipelines a scan uses: one for ARM and Resource Graph, one for
// MS Graph, both behind the same Throttle.
type Clients struct {
	Endpoints   Endpoints
	TenantID    string
	Credential  azcore.TokenCredential
	Throttle    *Throttle
	arm         *arm.Client
	armOpts     *arm.ClientOptions
	graph       runtime.Pipeline
	pageTimeout time.Duration
	logger      *slog.Logger
}

// NewClients builds the pipelines for the endpoints and tenant.
func NewClients(o Options) (*Clients, error) {
	ep := o.Endpoints.WithDefaults()
	if err := ep.Validate(); err != nil {
		return nil, err
	}
	if o.TenantID == "" {
		return nil, errors.New("azure clients: tenant id is required")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Throttle.Logger == nil {
		o.Throttle.Logger = o.Logger
	}
	cred := o.Credential
	if cred == nil {
		var err error
		if cred, err = NewCredentialWith(CredentialOptions{Endpoints: ep, TenantID: o.TenantID, Identity: o.Identity,
			AuthorityHost: o.AuthorityHost, Transport: o.Transport, Logger: o.Logger}); err != nil {
			return nil, err
		}
	}
	t := NewThrottle(o.Throttle)
	armOpts := ClientOptions(ep, t)
	if o.Transport != nil {
		armOpts.Transport = o.Transport
	}
	ac, err := arm.NewClient("atg", sdkVersion(), cred, armOpts)
	if err != nil {
		return nil, fmt.Errorf("creating ARM client: %w", err)
	}
	gopts := armOpts.ClientOptions
	t.Configure(&gopts, true)
	gopts.InsecureAllowCredentialWithHTTP = IsLoopback(ep.MSGraph)
	bearer := runtime.NewBearerTokenPolicy(cred, []string{ep.GraphScope()},
		&policy.BearerTokenOptions{InsecureAllowCredentialWithHTTP: IsLoopback(ep.MSGraph)})
	gp := runtime.NewPipeline("atg", sdkVersion(), runtime.PipelineOptions{PerRetry: []policy.Policy{bearer}}, &gopts)
	pt := o.PageTimeout
	if pt == 0 {
		pt = 5 * time.Minute
	}
	return &Clients{Endpoints: ep, TenantID: o.TenantID, Credential: cred, Throttle: t, arm: ac,
		armOpts: armOpts, graph: gp, pageTimeout: pt, logger: o.Logger}, nil
}

// sdkVersion is the module version azcore wants (vX.Y.Z) for its telemetry.
func sdkVersion() string {
	v := buildinfo.Version
	if strings.HasPrefix(v, "v") && strings.Count(v, ".") == 2 && !strings.ContainsAny(v, "-+") {
		return v
	}
	return "v0.0.0"
}

// ARMOptions returns the client options for typed ARM SDK clients (armsubscriptions, …), with
// the same retry/throttle policy.
func (c *Clients) ARMOptions() *arm.ClientOptions { o := *c.armOpts; return &o }

// armURL builds an ARM request URL from a path (BuildARMURL), or checks that an absolute
// nextLink stays on the ARM endpoint before it is followed.
func (c *Clients) armURL(pathOrURL, apiVersion string, query url.Values) (string, error) {
	if strings.HasPrefix(pathOrURL, "http://") || strings.HasPrefix(pathOrURL, "https://") {
		if err := SameOrigin(c.Endpoints.ARM, pathOrURL); err != nil {
			return "", fmt.Errorf("following ARM link: %w", err)
		}
		return pathOrURL, nil
	}
	return BuildARMURL(c.Endpoints.ARM, pathOrURL, apiVersion, query)
}

// do sends one request through a pipeline and decodes a 2xx JSON body into out. Any other status
// is returned as *azcore.ResponseError (status code and ARM error code kept) inside a coded error
// (statusCode); a request that got no answer is unavailable.
func (c *Clients) do(ctx context.Context, pl runtime.Pipeline, method, rawURL string, body any, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.pageTimeout)
	defer cancel()
	req, err := runtime.NewRequest(ctx, method, rawURL)
	if err != nil {
		return fmt.Errorf("building request %s %s: %w", method, rawURL, err)
	}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encoding request body: %w", err)
		}
		if err := req.SetBody(streaming.NopCloser(bytes.NewReader(b)), "application/json"); err != nil {
			return err
		}
	}
	req.Raw().Header.Set("Accept", "application/json")
	resp, err := pl.Do(req)
	if err != nil {
		err = fmt.Errorf("%s %s: %w", method, redact(rawURL), err)
		if ctx.Err() == nil || errors.Is(err, context.DeadlineExceeded) {
			return errs.Wrap(errs.Unavailable, err, err.Error()) // no answer: the service may answer later
		}
		return err
	}
	defer drainClose(resp.Body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		re := runtime.NewResponseError(resp)
		if code, ok := statusCode[resp.StatusCode]; ok || resp.StatusCode >= 500 {
			if !ok {
				code = errs.Unavailable
			}
			return errs.Wrap(code, re, re.Error())
		}
		return re
	}
	if out == nil {
		return nil
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("reading %s %s: %w", method, redact(rawURL), err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("decoding %s %s: %w", method, redact(rawURL), err)
	}
	return nil
}

func redact(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

// GetARM GETs an ARM path (or absolute URL) and decodes the JSON body into out.
func (c *Clients) GetARM(ctx context.Context, path, apiVersion string, out any) error {
	u, err := c.armURL(path, apiVersion, nil)
	if err != nil {
		return err
	}
	return c.do(ctx, c.arm.Pipeline(), http.MethodGet, u, nil, out)
}

// PostARM POSTs body to an ARM path and decodes the JSON answer into out.
func (c *Clients) PostARM(ctx context.Context, path, apiVersion string, body, out any) error {
	u, err := c.armURL(path, apiVersion, nil)
	if err != nil {
		return err
	}
	return c.do(ctx, c.arm.Pipeline(), http.MethodPost, u, body, out)
}

type armPage struct {
	Value    []json.RawMessage `json:"value"`
	NextLink string            `json:"nextLink"`
}

// ListARM pages an ARM list (value + nextLink, followed verbatim), calling fn per item.
func (c *Clients) ListARM(ctx context.Context, path, apiVersion string, query url.Values, fn func(json.RawMessage) error) error {
	u, err := c.armURL(path, apiVersion, query)
	if err != nil {
		return err
	}
	for u != "" {
		var page armPage
		if err := c.do(ctx, c.arm.Pipeline(), http.MethodGet, u, nil, &page); err != nil {
			return err
		}
		for _, v := range page.Value {
			if err := fn(v); err != nil {
				return err
			}
		}
		u = ""
		if page.NextLink != "" {
			if u, err = c.armURL(page.NextLink, "", nil); err != nil {
				return err
			}
		}
	}
	return nil
}

type graphPage struct {
	Value    []json.RawMessage `json:"value"`
	NextLink string            `json:"@odata.nextLink"`
}

// ListGraph pages an MS Graph collection (path relative to the endpoint, e.g.
// "/v1.0/users?$select=id&$top=999"), following @odata.nextLink, calling fn per item.
func (c *Clients) ListGraph(ctx context.Context, path string, fn func(json.RawMessage) error) error {
	u := path
	if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		u = c.Endpoints.MSGraph + "/" + strings.TrimPrefix(path, "/")
	}
	for u != "" {
		if err := SameOrigin(c.Endpoints.MSGraph, u); err != nil {
			return fmt.Errorf("MS Graph request: %w", err)
		}
		var page graphPage
		if err := c.do(ctx, c.graph, http.MethodGet, u, nil, &page); err != nil {
			return err
		}
		for _, v := range page.Value {
			if err := fn(v); err != nil {
				return err
			}
		}
		u = page.NextLink
	}
	return nil
}

type deltaPage struct {
	Value     []json.RawMessage `json:"value"`
	NextLink  string            `json:"@odata.nextLink"`
	DeltaLink string            `json:"@odata.deltaLink"`
}

// DeltaGraph runs an MS Graph delta round: it pages path (relative to the endpoint, or a link
// on it) following @odata.nextLink, calls fn per item, and returns the @odata.deltaLink of the
// last page.
func (c *Clients) DeltaGraph(ctx context.Context, path string, fn func(json.RawMessage) error) (string, error) {
	u := path
	if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		u = c.Endpoints.MSGraph + "/" + strings.TrimPrefix(path, "/")
	}
	for {
		if err := SameOrigin(c.Endpoints.MSGraph, u); err != nil {
			return "", fmt.Errorf("MS Graph request: %w", err)
		}
		var page deltaPage
		if err := c.do(ctx, c.graph, http.MethodGet, u, nil, &page); err != nil {
			return "", err
		}
		for _, v := range page.Value {
			if err := fn(v); err != nil {
				return "", err
			}
		}
		if page.NextLink == "" {
			return page.DeltaLink, nil
		}
		u = page.NextLink
	}
}

// statusCode codes the ARM and MS Graph answers whose meaning does not depend on the call (5xx:
// unavailable). 409 stays uncoded (internal, retried): ARM answers it for operations still
// settling (AnotherOperationInProgress) as well as for real conflicts.
var statusCode = map[int]errs.Code{
	http.StatusBadRequest:      errs.Invalid,
	http.StatusUnauthorized:    errs.Unauthorized,
	http.StatusForbidden:       errs.Forbidden,
	http.StatusNotFound:        errs.NotFound,
	http.StatusTooManyRequests: errs.RateLimited,
}

// ErrorCode returns the HTTP status and service error code of err, when it carries them.
func ErrorCode(err error) (status int, code string) {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		code = re.ErrorCode
		if code == "" {
			code = http.StatusText(re.StatusCode)
		}
		return re.StatusCode, code
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return 0, "Timeout"
	}
	if errors.Is(err, context.Canceled) {
		return 0, "Canceled"
	}
	return 0, "TransportError"
}
