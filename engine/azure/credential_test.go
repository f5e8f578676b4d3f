package azure

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/atg-go/atg/config"
)

// newGUID returns a random GUID. Managed identity tokens are cached process-wide by MSAL (keyed
// by identity and resource), so every test uses its own identity ids.
func newGUID(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// exampleTransport sends requests for *.example.com:<port> to 127.0.0.1:<port>, trusting the
// httptest certificate (issued for example.com and *.example.com). The endpoints are then not
// loopback, so ATG takes its real-cloud credential path, while everything stays on this host.
func exampleTransport(t *testing.T, tlsSrv *httptest.Server) *http.Client {
	t.Helper()
	base, ok := tlsSrv.Client().Transport.(*http.Transport)
	if !ok {
		t.Fatalf("httptest TLS client transport is %T", tlsSrv.Client().Transport)
	}
	tr := &http.Transport{
		TLSClientConfig: base.TLSClientConfig.Clone(),
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			if host == "example.com" || strings.HasSuffix(host, ".example.com") {
				addr = net.JoinHostPort("127.0.0.1", port)
			}
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// exampleURL rewrites an httptest URL (https://127.0.0.1:port) to https://<name>.example.com:port.
func exampleURL(t *testing.T, srv *httptest.Server, name string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(strings.TrimPrefix(srv.URL, "https://"))
	if err != nil {
		t.Fatal(err)
	}
	return "https://" + name + ".example.com:" + port
}

// fakeMI is an App Service style managed identity endpoint (IDENTITY_ENDPOINT/IDENTITY_HEADER,
// the source azidentity v1.15 / MSAL pick when both are set, as on Functions Flex Consumption).
type fakeMI struct {
	mu       sync.Mutex
	requests []miRequest
	token    string
	fail     bool
}

type miRequest struct{ Resource, ClientID, Header, APIVersion string }

func (f *fakeMI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	f.requests = append(f.requests, miRequest{Resource: q.Get("resource"), ClientID: q.Get("client_id"),
		Header: r.Header.Get("X-IDENTITY-HEADER"), APIVersion: q.Get("api-version")})
	fail := f.fail
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if fail {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"invalid_request","error_description":"identity not found"}`))
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]string{
		"access_token": f.token, "token_type": "Bearer", "resource": q.Get("resource"),
		"client_id": q.Get("client_id"), "expires_on": fmt.Sprint(time.Now().Add(24 * time.Hour).Unix()),
	})
}

func (f *fakeMI) snapshot() []miRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]miRequest(nil), f.requests...)
}

// startMI serves a fake managed identity endpoint and points azidentity at it.
func startMI(t *testing.T, f *fakeMI) {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	t.Setenv("IDENTITY_ENDPOINT", srv.URL+"/msi/token")
	t.Setenv("IDENTITY_HEADER", "fake-identity-header")
	t.Setenv("IDENTITY_SERVER_THUMBPRINT", "") // not Service Fabric
	t.Setenv("MSI_ENDPOINT", "")
	t.Setenv("MSI_SECRET", "")
}

// fakeSTS is an Entra ID token service: OpenID configuration and the v2.0 token endpoint of any
// tenant. It issues "sts-<n>" tokens and records every token request.
type fakeSTS struct {
	srv      *httptest.Server
	base     string // https://login.example.com:port
	mu       sync.Mutex
	requests []stsRequest
	issued   map[string]string // access token -> scope
	other    []string          // unexpected requests
}

type stsRequest struct {
	Tenant, GrantType, ClientID, AssertionType, Assertion, Secret, Scope string
}

func startSTS(t *testing.T) *fakeSTS {
	t.Helper()
	f := &fakeSTS{issued: map[string]string{}}
	f.srv = httptest.NewTLSServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	f.base = exampleURL(t, f.srv, "login")
	return f
}

func (f *fakeSTS) serve(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodGet && len(parts) == 4 && parts[1] == "v2.0" && parts[3] == "openid-configuration":
		tenant := parts[0]
		_ = json.NewEncoder(w).Encode(map[string]string{
			"issuer":                 f.base + "/" + tenant + "/v2.0",
			"authorization_endpoint": f.base + "/" + tenant + "/oauth2/v2.0/authorize",
			"token_endpoint":         f.base + "/" + tenant + "/oauth2/v2.0/token",
		})
	case r.Method == http.MethodPost && len(parts) == 4 && parts[1] == "oauth2" && parts[3] == "token":
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		req := stsRequest{Tenant: parts[0], GrantType: r.PostForm.Get("grant_type"), ClientID: r.PostForm.Get("client_id"),
			AssertionType: r.PostForm.Get("client_assertion_type"), Assertion: r.PostForm.Get("client_assertion"),
			Secret: r.PostForm.Get("client_secret"), Scope: r.PostForm.Get("scope")}
		f.requests = append(f.requests, req)
		tok := fmt.Sprintf("sts-%d-%s", len(f.requests), parts[0])
		f.issued[tok] = req.Scope
		f.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"token_type": "Bearer", "access_token": tok, "expires_in": 3600, "ext_expires_in": 3600})
	default:
		f.mu.Lock()
		f.other = append(f.other, r.Method+" "+r.URL.String())
		f.mu.Unlock()
		http.NotFound(w, r)
	}
}

func (f *fakeSTS) snapshot() ([]stsRequest, map[string]string, []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	issued := map[string]string{}
	for k, v := range f.issued {
		issued[k] = v
	}
	return append([]stsRequest(nil), f.requests...), issued, append([]string(nil), f.other...)
}

// authRecorder is an ARM or MS Graph endpoint answering one empty-ish page and recording the
// Authorization header of each request.
type authRecorder struct {
	mu    sync.Mutex
	auths []string
}

func (a *authRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.auths = append(a.auths, r.Header.Get("Authorization"))
	a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"value":[{"id":"x"}]}`))
}

func (a *authRecorder) snapshot() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.auths...)
}

type federatedRig struct {
	mi                  *fakeMI
	sts                 *fakeSTS
	arm, graph          *authRecorder
	armURL, graphURL    string
	transport           *http.Client
	appID, miID, tenant string
	logs                *bytes.Buffer
}

func newFederatedRig(t *testing.T) *federatedRig {
	t.Helper()
	r := &federatedRig{mi: &fakeMI{}, sts: startSTS(t), arm: &authRecorder{}, graph: &authRecorder{},
		appID: newGUID(t), miID: newGUID(t), tenant: newGUID(t), logs: &bytes.Buffer{}}
	r.mi.token, _ = MintUnsignedToken(Claims{TenantID: "home-tenant", PrincipalID: r.miID, Audience: "api://AzureADTokenExchange"})
	startMI(t, r.mi)
	armSrv := httptest.NewTLSServer(r.arm)
	t.Cleanup(armSrv.Close)
	graphSrv := httptest.NewTLSServer(r.graph)
	t.Cleanup(graphSrv.Close)
	r.armURL, r.graphURL = exampleURL(t, armSrv, "arm"), exampleURL(t, graphSrv, "graph")
	r.transport = exampleTransport(t, r.sts.srv)
	t.Setenv(EnvAppClientID, r.appID)
	t.Setenv(EnvManagedIdentityClientID, r.miID)
	return r
}

func (r *federatedRig) clients(t *testing.T, tenant string) *Clients {
	t.Helper()
	c, err := NewClients(Options{Endpoints: Endpoints{ARM: r.armURL, MSGraph: r.graphURL}, TenantID: tenant,
		AuthorityHost: r.sts.base, Transport: r.transport,
		Logger: slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The service's path: app registration + user-assigned managed identity from the environment.
// The token service sees the scan's tenant, the app's client id and the managed identity's token
// (obtained for api://AzureADTokenExchange) as assertion; ARM and MS Graph see the tokens it
// issued; the managed identity is asked once; no token reaches the log.
func TestFederatedCredentialScansRequestedTenant(t *testing.T) {
	r := newFederatedRig(t)
	c := r.clients(t, r.tenant)
	if _, ok := c.Credential.(*azidentity.ClientAssertionCredential); !ok {
		t.Fatalf("credential = %T, want *azidentity.ClientAssertionCredential", c.Credential)
	}
	ctx := context.Background()
	n := 0
	if err := c.ListARM(ctx, "/subscriptions", "2022-12-01", nil, func(json.RawMessage) error { n++; return nil }); err != nil {
		t.Fatalf("ListARM: %v", err)
	}
	if err := c.ListGraph(ctx, "/v1.0/users", func(json.RawMessage) error { n++; return nil }); err != nil {
		t.Fatalf("ListGraph: %v", err)
	}
	if n != 2 {
		t.Fatalf("read %d items, want 2", n)
	}

	mis := r.mi.snapshot()
	if len(mis) != 1 {
		t.Fatalf("managed identity endpoint asked %d times, want 1 (assertion cached across ARM and Graph tokens): %+v", len(mis), mis)
	}
	if m := mis[0]; m.Resource != "api://AzureADTokenExchange" || m.ClientID != r.miID || m.Header != "fake-identity-header" {
		t.Errorf("managed identity request = %+v, want resource api://AzureADTokenExchange, client_id %s, identity header", m, r.miID)
	}

	reqs, issued, other := r.sts.snapshot()
	if len(other) > 0 {
		t.Errorf("unexpected requests to the token service: %v", other)
	}
	if len(reqs) != 2 {
		t.Fatalf("token requests = %d, want 2 (ARM and MS Graph scopes): %+v", len(reqs), reqs)
	}
	scopes := map[string]bool{}
	for _, q := range reqs {
		if q.Tenant != r.tenant {
			t.Errorf("token requested in tenant %q, want the scan's tenant %q", q.Tenant, r.tenant)
		}
		if q.ClientID != r.appID {
			t.Errorf("token client_id = %q, want the app registration %q", q.ClientID, r.appID)
		}
		if q.GrantType != "client_credentials" || q.AssertionType != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
			t.Errorf("grant %q with assertion type %q, want client_credentials with a jwt-bearer assertion", q.GrantType, q.AssertionType)
		}
		if q.Assertion != r.mi.token {
			t.Errorf("client_assertion = %q, want the managed identity's token %q", q.Assertion, r.mi.token)
		}
		if q.Secret != "" {
			t.Errorf("a client secret was sent: %q", q.Secret)
		}
		for _, s := range strings.Fields(q.Scope) {
			scopes[s] = true
		}
	}
	for _, want := range []string{r.armURL + "/.default", r.graphURL + "/.default"} {
		if !scopes[want] {
			t.Errorf("no token requested for scope %s (got %v)", want, scopes)
		}
	}

	// Each endpoint got the token issued for its own scope.
	for name, rec := range map[string]struct {
		auths []string
		scope string
	}{"ARM": {r.arm.snapshot(), r.armURL + "/.default"}, "MS Graph": {r.graph.snapshot(), r.graphURL + "/.default"}} {
		if len(rec.auths) != 1 {
			t.Fatalf("%s requests = %d, want 1", name, len(rec.auths))
		}
		tok, ok := strings.CutPrefix(rec.auths[0], "Bearer ")
		if !ok || !strings.Contains(issued[tok]+" ", rec.scope+" ") {
			t.Errorf("%s Authorization = %q; want a bearer token the token service issued for %s (issued: %v)", name, rec.auths[0], rec.scope, issued)
		}
	}

	logs := r.logs.String()
	if !strings.Contains(logs, r.appID) {
		t.Errorf("credential choice not logged (want the app client id): %s", logs)
	}
	for tok := range issued {
		if strings.Contains(logs, tok) {
			t.Errorf("log contains access token %s", tok)
		}
	}
	if strings.Contains(logs, r.mi.token) || strings.Contains(logs, "fake-identity-header") {
		t.Errorf("log contains the managed identity token or header: %s", logs)
	}
}

// A second scan of another tenant, in the same process, gets tokens from that tenant.
func TestFederatedCredentialPerScanTenant(t *testing.T) {
	r := newFederatedRig(t)
	other := newGUID(t)
	for _, tenant := range []string{r.tenant, other} {
		if err := r.clients(t, tenant).GetARM(context.Background(), "/subscriptions", "2022-12-01", nil); err != nil {
			t.Fatalf("GetARM for tenant %s: %v", tenant, err)
		}
	}
	reqs, _, _ := r.sts.snapshot()
	if len(reqs) != 2 || reqs[0].Tenant != r.tenant || reqs[1].Tenant != other {
		t.Fatalf("token requests %+v, want one in %s then one in %s", reqs, r.tenant, other)
	}
}

// A managed identity that cannot get its token stops the scan before anything is asked of the
// scanned tenant, with an error that names the federated assertion.
func TestFederatedCredentialManagedIdentityFailure(t *testing.T) {
	r := newFederatedRig(t)
	r.mi.fail = true
	err := r.clients(t, r.tenant).GetARM(context.Background(), "/subscriptions", "2022-12-01", nil)
	if err == nil {
		t.Fatal("GetARM succeeded without a managed identity token")
	}
	if !strings.Contains(err.Error(), "federated assertion") {
		t.Errorf("error %q does not say the federated assertion failed", err)
	}
	reqs, _, _ := r.sts.snapshot()
	if len(reqs) != 0 {
		t.Errorf("token service asked without an assertion: %+v", reqs)
	}
	if a := r.arm.snapshot(); len(a) != 0 {
		t.Errorf("ARM called without a token: %v", a)
	}
}

// Without an app registration, DefaultAzureCredential asks for tokens of the scanned tenant even
// where the credential itself is configured for another one (EnvironmentCredential keeps
// AZURE_TENANT_ID): a service principal or CLI login with access to several tenants scans any.
func TestDefaultCredentialRequestsScanTenant(t *testing.T) {
	sts := startSTS(t)
	home, scan, sp := newGUID(t), newGUID(t), newGUID(t)
	t.Setenv(EnvAppClientID, "")
	t.Setenv(EnvManagedIdentityClientID, "")
	t.Setenv(EnvAdditionallyAllowedTenants, "")
	t.Setenv("AZURE_TOKEN_CREDENTIALS", "EnvironmentCredential")
	t.Setenv("AZURE_TENANT_ID", home)
	t.Setenv("AZURE_CLIENT_ID", sp)
	t.Setenv("AZURE_CLIENT_SECRET", "not-a-real-secret")
	t.Setenv("AZURE_CLIENT_CERTIFICATE_PATH", "")
	t.Setenv("AZURE_USERNAME", "")
	var logs bytes.Buffer
	cred, err := NewCredentialWith(CredentialOptions{TenantID: scan, AuthorityHost: sts.base, Transport: exampleTransport(t, sts.srv),
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{DefaultARMEndpoint + "/.default"}})
	if err != nil {
		t.Fatalf("GetToken: %v", err)
	}
	reqs, issued, _ := sts.snapshot()
	if len(reqs) != 1 || reqs[0].Tenant != scan || reqs[0].ClientID != sp {
		t.Fatalf("token requests %+v, want one in the scan's tenant %s as %s (not the home tenant %s)", reqs, scan, sp, home)
	}
	if _, ok := issued[tok.Token]; !ok {
		t.Errorf("token %q was not issued by the token service", tok.Token)
	}
	if strings.Contains(logs.String(), tok.Token) || strings.Contains(logs.String(), "not-a-real-secret") {
		t.Errorf("log contains a token or secret: %s", logs.String())
	}
	// A tenant named on the request itself still wins (the wrapper fills only an empty one).
	if _, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{DefaultARMEndpoint + "/.default"}, TenantID: home}); err != nil {
		t.Fatalf("GetToken for the home tenant: %v", err)
	}
	if reqs, _, _ = sts.snapshot(); len(reqs) != 2 || reqs[1].Tenant != home {
		t.Errorf("explicit tenant not honoured: %+v", reqs)
	}
}

func TestCredentialSelection(t *testing.T) {
	t.Setenv(EnvAppClientID, "")
	t.Setenv(EnvManagedIdentityClientID, "")
	fed := &Identity{AppClientID: newGUID(t), ManagedIdentityClientID: newGUID(t)}
	sim := Endpoints{ARM: "http://127.0.0.1:9", MSGraph: "http://127.0.0.1:9"}
	cases := []struct {
		name   string
		o      CredentialOptions
		want   string
		errSub string
	}{
		{"loopback simulator", CredentialOptions{Endpoints: sim, TenantID: "t1"}, "azure.LocalCredential", ""},
		{"loopback wins over an app registration", CredentialOptions{Endpoints: sim, TenantID: "t1", Identity: fed}, "azure.LocalCredential", ""},
		{"app registration", CredentialOptions{TenantID: newGUID(t), Identity: fed}, "*azidentity.ClientAssertionCredential", ""},
		{"managed identity alone is not federation", CredentialOptions{TenantID: newGUID(t), Identity: &Identity{ManagedIdentityClientID: fed.ManagedIdentityClientID}}, "azure.tenantCredential", ""},
		{"default", CredentialOptions{TenantID: newGUID(t)}, "azure.tenantCredential", ""},
		{"no tenant", CredentialOptions{Identity: fed}, "", "tenant id is required"},
		{"plain http off loopback", CredentialOptions{Endpoints: Endpoints{ARM: "http://arm.example.com"}, TenantID: "t1"}, "", "plain http"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cred, err := NewCredentialWith(tc.o)
			if tc.errSub != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errSub) {
					t.Fatalf("err = %v, want one containing %q", err, tc.errSub)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf("%T", cred); got != tc.want {
				t.Errorf("credential = %s, want %s", got, tc.want)
			}
		})
	}
	// The environment is read when no Identity is given.
	t.Setenv(EnvAppClientID, " "+fed.AppClientID+" ")
	if id := IdentityFromEnv(); id.AppClientID != fed.AppClientID || !id.Federated() {
		t.Errorf("IdentityFromEnv = %+v, want app %s", id, fed.AppClientID)
	}
	cred, err := NewCredential(Endpoints{}, newGUID(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cred.(*azidentity.ClientAssertionCredential); !ok {
		t.Errorf("NewCredential with %s set = %T, want *azidentity.ClientAssertionCredential", EnvAppClientID, cred)
	}
}

func TestTokenExchangeAudience(t *testing.T) {
	for c, want := range map[*cloud.Configuration]string{
		&cloud.AzurePublic:     "api://AzureADTokenExchange",
		&cloud.AzureChina:      "api://AzureADTokenExchangeChina",
		&cloud.AzureGovernment: "api://AzureADTokenExchangeUSGov",
	} {
		if got := TokenExchangeAudience(*c); got != want {
			t.Errorf("TokenExchangeAudience(%s) = %s, want %s", c.ActiveDirectoryAuthorityHost, got, want)
		}
	}
	if got := TokenExchangeAudience((Endpoints{ARM: "https://management.chinacloudapi.cn"}).Cloud()); got != "api://AzureADTokenExchangeChina" {
		t.Errorf("China ARM endpoint: audience %s", got)
	}
}

// countingCred issues tok<n> tokens valid for ttl, or fails while fail is set.
type countingCred struct {
	mu     sync.Mutex
	n      int
	scopes []string
	ttl    time.Duration
	now    func() time.Time
	fail   bool
	delay  time.Duration
}

func (c *countingCred) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	time.Sleep(c.delay)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	c.scopes = append(c.scopes, o.Scopes...)
	if c.fail {
		return azcore.AccessToken{}, errors.New("IMDS unavailable")
	}
	return azcore.AccessToken{Token: fmt.Sprintf("tok%d", c.n), ExpiresOn: c.now().Add(c.ttl)}, nil
}

func (c *countingCred) calls() int { c.mu.Lock(); defer c.mu.Unlock(); return c.n }

func TestAssertionSourceCachesUntilNearExpiry(t *testing.T) {
	var mu sync.Mutex
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
	cred := &countingCred{ttl: time.Hour, now: now, delay: 10 * time.Millisecond}
	src := &assertionSource{cred: cred, scope: "api://AzureADTokenExchange/.default", now: now}
	ctx := context.Background()

	// Concurrent first callers share one fetch.
	var wg sync.WaitGroup
	var bad atomic.Int32
	for range 8 {
		wg.Go(func() {
			if a, err := src.Assertion(ctx); err != nil || a != "tok1" {
				bad.Add(1)
			}
		})
	}
	wg.Wait()
	if bad.Load() != 0 || cred.calls() != 1 {
		t.Fatalf("8 concurrent callers: %d bad answers, %d fetches; want 0 and 1", bad.Load(), cred.calls())
	}
	if cred.scopes[0] != "api://AzureADTokenExchange/.default" {
		t.Errorf("scope %q", cred.scopes[0])
	}
	advance(54 * time.Minute) // 6 minutes left: still good
	if a, _ := src.Assertion(ctx); a != "tok1" || cred.calls() != 1 {
		t.Fatalf("6 minutes before expiry: assertion %s after %d fetches, want the cached tok1", a, cred.calls())
	}
	advance(2 * time.Minute) // 4 minutes left: refresh
	if a, _ := src.Assertion(ctx); a != "tok2" || cred.calls() != 2 {
		t.Fatalf("4 minutes before expiry: assertion %s after %d fetches, want a fresh tok2", a, cred.calls())
	}
	advance(time.Hour)
	cred.mu.Lock()
	cred.fail = true
	cred.mu.Unlock()
	if _, err := src.Assertion(ctx); err == nil || !strings.Contains(err.Error(), "IMDS unavailable") {
		t.Fatalf("expired token and failing identity: err = %v", err)
	}
	if _, err := src.Assertion(ctx); err == nil {
		t.Fatal("the failure was not retried, or an expired token was handed out")
	}
	cred.mu.Lock()
	cred.fail = false
	cred.mu.Unlock()
	if a, err := src.Assertion(ctx); err != nil || a != "tok5" {
		t.Fatalf("after recovery: %q, %v; want tok5 (failures are not cached)", a, err)
	}
}

// The engine reads the variables config.Settings declares for the service's app settings.
func TestIdentityEnvMatchesConfig(t *testing.T) {
	for key, env := range map[string]string{"azure_client_id": EnvAppClientID, "azure_mi_client_id": EnvManagedIdentityClientID} {
		s, ok := config.Lookup(key)
		if !ok {
			t.Errorf("config.Settings lacks %s", key)
			continue
		}
		if len(s.Env) != 1 || s.Env[0] != env || !s.Service || s.Secret {
			t.Errorf("config setting %s: env %v service %v secret %v; want only %s, a service setting, not secret", key, s.Env, s.Service, s.Secret, env)
		}
	}
}
