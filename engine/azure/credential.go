package azure

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// Environment variables that choose how ATG authenticates against a real cloud. config.Settings
// declares them too (azure_client_id, azure_mi_client_id), so the service's app settings carry
// them; the engine reads them here because every caller (CLI, handler, tests) must get the same
// choice without passing it along.
const (
	// EnvAppClientID is the client (application) id of ATG's multi-tenant app registration. Set
	// together with a managed identity, a scan of tenant T authenticates to T as this app, with the
	// managed identity's token as client assertion (workload identity federation, no secret).
	EnvAppClientID = "ATG_AZURE_CLIENT_ID"
	// EnvManagedIdentityClientID is the client id of the user-assigned managed identity whose
	// token is the assertion. Empty: the system-assigned identity.
	EnvManagedIdentityClientID = "ATG_AZURE_MI_CLIENT_ID"
	// EnvAdditionallyAllowedTenants is azidentity's own list (";"-separated) of further tenants
	// DefaultAzureCredential may get tokens for; ATG adds the scan's tenant to it.
	EnvAdditionallyAllowedTenants = "AZURE_ADDITIONALLY_ALLOWED_TENANTS"
)

// Identity is who a scan against a real cloud authenticates as. The zero value means
// DefaultAzureCredential (CLI login, environment, workload identity, managed identity).
type Identity struct {
	// AppClientID is the multi-tenant app registration that trusts the managed identity through
	// a federated identity credential (EnvAppClientID).
	AppClientID string
	// ManagedIdentityClientID is the user-assigned managed identity presenting its token to the
	// app registration; empty means system-assigned (EnvManagedIdentityClientID).
	ManagedIdentityClientID string
}

// IdentityFromEnv reads Identity from EnvAppClientID and EnvManagedIdentityClientID.
func IdentityFromEnv() Identity {
	return Identity{
		AppClientID:             strings.TrimSpace(os.Getenv(EnvAppClientID)),
		ManagedIdentityClientID: strings.TrimSpace(os.Getenv(EnvManagedIdentityClientID)),
	}
}

// Federated reports whether the identity authenticates as the app registration with a managed
// identity assertion.
func (i Identity) Federated() bool { return i.AppClientID != "" }

// CredentialOptions configure NewCredentialWith.
type CredentialOptions struct {
	Endpoints Endpoints
	// TenantID is the tenant being scanned; every token is requested for it.
	TenantID string
	// Identity overrides IdentityFromEnv.
	Identity *Identity
	// AuthorityHost overrides the Entra ID authority of the endpoints' cloud (an https URL: a
	// private cloud, or a fake token service in tests). Instance discovery is then off: the host
	// is trusted as given.
	AuthorityHost string
	// Transport overrides the HTTP transport of the token requests (tests).
	Transport policy.Transporter
	Logger    *slog.Logger
}

// NewCredential returns the credential for the endpoints and the scanned tenant, with the
// identity from the environment: see NewCredentialWith.
func NewCredential(e Endpoints, tenantID string) (azcore.TokenCredential, error) {
	return NewCredentialWith(CredentialOptions{Endpoints: e, TenantID: tenantID})
}

// NewCredentialWith is the one place ATG chooses its credential:
//
//   - loopback endpoints (a local simulator), and only then: LocalCredential;
//   - an app registration (Identity.AppClientID): ClientAssertionCredential for the scanned tenant
//     as that app, whose assertion is the managed identity's token for the token-exchange
//     audience (api://AzureADTokenExchange in the public cloud), cached until near expiry;
//   - otherwise DefaultAzureCredential, asked for tokens of the scanned tenant (TenantID, and the
//     tenant allowed in AdditionallyAllowedTenants), so one CLI login with access to several
//     tenants scans any of them.
//
// Tokens are never logged.
func NewCredentialWith(o CredentialOptions) (azcore.TokenCredential, error) {
	e := o.Endpoints.WithDefaults()
	if err := e.Validate(); err != nil {
		return nil, err
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if e.Loopback() {
		log.Debug("azure credential: local unsigned tokens for the loopback simulator", "tenant", o.TenantID)
		return LocalCredential{TenantID: o.TenantID, PrincipalID: "atg-scanner"}, nil
	}
	if o.TenantID == "" {
		return nil, errors.New("azure credential: tenant id is required")
	}
	id := IdentityFromEnv()
	if o.Identity != nil {
		id = *o.Identity
	}
	copts := policy.ClientOptions{Cloud: e.Cloud(), Transport: o.Transport}
	discoveryOff := false
	if o.AuthorityHost != "" {
		copts.Cloud.ActiveDirectoryAuthorityHost = strings.TrimRight(o.AuthorityHost, "/") + "/"
		discoveryOff = true
	}
	if id.Federated() {
		return newFederatedCredential(o.TenantID, id, copts, discoveryOff, log)
	}
	allowed := []string{o.TenantID}
	for _, t := range strings.Split(os.Getenv(EnvAdditionallyAllowedTenants), ";") {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(allowed, t) {
			allowed = append(allowed, t)
		}
	}
	dac, err := azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{
		ClientOptions:              copts,
		TenantID:                   o.TenantID,
		AdditionallyAllowedTenants: allowed,
		DisableInstanceDiscovery:   discoveryOff,
	})
	if err != nil {
		return nil, fmt.Errorf("creating DefaultAzureCredential: %w", err)
	}
	log.Debug("azure credential: DefaultAzureCredential", "tenant", o.TenantID)
	return tenantCredential{cred: dac, tenantID: o.TenantID}, nil
}

// tenantCredential asks its credential for tokens of one tenant. DefaultAzureCredential's
// TenantID reaches the CLI and workload identity credentials but not EnvironmentCredential (it
// keeps AZURE_TENANT_ID); naming the tenant on every request reaches them all, and
// AdditionallyAllowedTenants lets them honour it.
type tenantCredential struct {
	cred     azcore.TokenCredential
	tenantID string
}

// GetToken implements azcore.TokenCredential.
func (c tenantCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if opts.TenantID == "" {
		opts.TenantID = c.tenantID
	}
	return c.cred.GetToken(ctx, opts)
}

// TokenExchangeAudience is the audience of the managed identity token presented as a federated
// assertion: the value the app registration's federated identity credential must list.
func TokenExchangeAudience(c cloud.Configuration) string {
	host := strings.ToLower(c.ActiveDirectoryAuthorityHost)
	switch {
	case strings.Contains(host, "chinacloudapi.cn"):
		return "api://AzureADTokenExchangeChina"
	case strings.Contains(host, "microsoftonline.us"):
		return "api://AzureADTokenExchangeUSGov"
	}
	return "api://AzureADTokenExchange"
}

func newFederatedCredential(tenantID string, id Identity, copts policy.ClientOptions, discoveryOff bool, log *slog.Logger) (azcore.TokenCredential, error) {
	miOpts := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: copts}
	if id.ManagedIdentityClientID != "" {
		miOpts.ID = azidentity.ClientID(id.ManagedIdentityClientID)
	}
	mi, err := azidentity.NewManagedIdentityCredential(miOpts)
	if err != nil {
		return nil, fmt.Errorf("creating managed identity credential for the federated assertion: %w", err)
	}
	src := &assertionSource{cred: mi, scope: TokenExchangeAudience(copts.Cloud) + "/.default", log: log}
	cred, err := azidentity.NewClientAssertionCredential(tenantID, id.AppClientID, src.Assertion,
		&azidentity.ClientAssertionCredentialOptions{ClientOptions: copts, DisableInstanceDiscovery: discoveryOff})
	if err != nil {
		return nil, fmt.Errorf("creating client assertion credential for app %s in tenant %s: %w", id.AppClientID, tenantID, err)
	}
	log.Debug("azure credential: app registration with managed identity assertion", "tenant", tenantID,
		"app_client_id", id.AppClientID, "mi_client_id", id.ManagedIdentityClientID, "assertion_scope", src.scope)
	return cred, nil
}

// assertionRefreshMargin is how long before expiry a cached assertion is replaced: the token
// service must still accept it when it arrives, and clocks differ.
const assertionRefreshMargin = 5 * time.Minute

// assertionSource hands out the managed identity's token for the token-exchange audience,
// fetching it once and again only when it is within assertionRefreshMargin of expiry. Safe for
// concurrent use; a failed fetch is not cached.
type assertionSource struct {
	cred  azcore.TokenCredential
	scope string
	log   *slog.Logger
	now   func() time.Time // nil: time.Now

	mu  sync.Mutex
	tok azcore.AccessToken
}

// Assertion is the getAssertion callback of ClientAssertionCredential.
func (s *assertionSource) Assertion(ctx context.Context) (string, error) {
	now := time.Now
	if s.now != nil {
		now = s.now
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok.Token != "" && now().Add(assertionRefreshMargin).Before(s.tok.ExpiresOn) {
		return s.tok.Token, nil
	}
	tok, err := s.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{s.scope}})
	if err != nil {
		return "", fmt.Errorf("managed identity token for %s (federated assertion): %w", s.scope, err)
	}
	if tok.Token == "" {
		return "", fmt.Errorf("managed identity token for %s (federated assertion): empty token", s.scope)
	}
	s.tok = tok
	if s.log != nil {
		s.log.Debug("azure credential: managed identity assertion refreshed", "scope", s.scope, "expires_on", tok.ExpiresOn.UTC())
	}
	return tok.Token, nil
}
