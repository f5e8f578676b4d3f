package sim

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/atg-go/atg/engine/azure"
)

// What clients configured for a custom cloud (the Terraform providers, azure-identity,
// MSAL) ask of it before ARM: the ARM metadata endpoint, a login endpoint issuing tokens
// (OAuth2 client credentials, v1 and v2, with OpenID discovery) and a managed-identity token
// endpoint (msi_endpoint). Tokens are the simulator's unsigned JWTs (tid, oid, aud, exp); no
// secret is checked (loopback only), but the tenant must exist and a client id is required.

var (
	reTokenPath   = regexp.MustCompile(`^/([^/]+)/oauth2/(v2\.0/)?token$`)
	reMSIPath     = regexp.MustCompile(`^/([^/]+)/metadata/identity/oauth2/token$`)
	reOpenIDPath  = regexp.MustCompile(`^/([^/]+)/(v2\.0/)?\.well-known/openid-configuration$`)
	tokenLifetime = time.Hour
)

// serveUnauthenticated answers the endpoints that need no token; false when path is not one.
func (s *Simulator) serveUnauthenticated(w http.ResponseWriter, r *http.Request) bool {
	path := r.URL.Path
	switch {
	case path == "/metadata/endpoints":
		s.stats.inc("req:login")
		writeJSON(w, http.StatusOK, s.cloudMetadata(baseURL(r)))
	case path == "/metadata/identity/oauth2/token":
		s.stats.inc("req:login")
		s.msiToken(w, r, "")
	case reMSIPath.MatchString(path): // the tenant-selecting form: /{tenant}/metadata/identity/oauth2/token
		s.stats.inc("req:login")
		s.msiToken(w, r, reMSIPath.FindStringSubmatch(path)[1])
	case path == "/common/discovery/instance":
		s.stats.inc("req:login")
		host := r.Host
		writeJSON(w, http.StatusOK, map[string]any{"tenant_discovery_endpoint": baseURL(r) + "/common/v2.0/.well-known/openid-configuration",
			"api-version": "1.1", "metadata": []any{map[string]any{"preferred_network": host, "preferred_cache": host, "aliases": []any{host}}}})
	case reOpenIDPath.MatchString(path):
		s.stats.inc("req:login")
		m := reOpenIDPath.FindStringSubmatch(path)
		b := baseURL(r) + "/" + m[1]
		writeJSON(w, http.StatusOK, map[string]any{"issuer": b + "/v2.0", "token_endpoint": b + "/oauth2/v2.0/token",
			"authorization_endpoint": b + "/oauth2/v2.0/authorize", "device_authorization_endpoint": b + "/oauth2/v2.0/devicecode",
			"jwks_uri": b + "/discovery/v2.0/keys", "tenant_region_scope": "EU", "cloud_instance_name": "microsoftonline.com",
			"response_types_supported":              []any{"code", "id_token", "code id_token", "token id_token", "token"},
			"token_endpoint_auth_methods_supported": []any{"client_secret_post", "private_key_jwt", "client_secret_basic"}})
	case reTokenPath.MatchString(path) && r.Method == http.MethodPost:
		s.stats.inc("req:login")
		m := reTokenPath.FindStringSubmatch(path)
		s.oauthToken(w, r, m[1], m[2] != "")
	default:
		return false
	}
	return true
}

// cloudMetadata is ARM's /metadata/endpoints document with every endpoint pointing at the simulator.
func (s *Simulator) cloudMetadata(base string) map[string]any {
	b := base + "/"
	return map[string]any{
		"name": "AzureSimulator", "portal": b, "resourceManager": b, "graph": b, "graphAudience": b, "media": b,
		"batch": b, "gallery": b, "sqlManagement": b, "vmImageAliasDoc": b + "vmImageAliasDoc",
		"microsoftGraphResourceId": b, "activeDirectoryDataLake": b, "appInsightsResourceId": b,
		"appInsightsTelemetryChannelResourceId": b, "attestationResourceId": b, "synapseAnalyticsResourceId": b,
		"logAnalyticsResourceId": b, "ossrDbmsResourceId": b,
		"authentication": map[string]any{"loginEndpoint": b, "audiences": []any{b, base}, "tenant": "common", "identityProvider": "AAD"},
		"suffixes": map[string]any{"acrLoginServer": "azurecr.io", "keyVaultDns": "vault.azure.net", "storage": "core.windows.net",
			"sqlServerHostname": "database.windows.net", "mhsmDns": "managedhsm.azure.net", "azureFrontDoorEndpointSuffix": "azurefd.net",
			"storageSyncEndpointSuffix": "afs.azure.net", "mysqlServerEndpoint": "mysql.database.azure.com",
			"postgresqlServerEndpoint": "postgres.database.azure.com", "mariadbServerEndpoint": "mariadb.database.azure.com",
			"synapseAnalytics": "dev.azuresynapse.net", "attestationEndpoint": "attest.azure.net",
			"azureDataLakeStoreFileSystem": "azuredatalakestore.net", "azureDataLakeAnalyticsCatalogAndJob": "azuredatalakeanalytics.net"},
	}
}

// tokenFor mints a token for tenant t, principal oid and the requested scope or resource.
func tokenFor(t *tenant, oid, scope string) (string, int64, error) {
	aud := strings.TrimSuffix(strings.Fields(scope + " ")[0], "/.default")
	exp := time.Now().Add(tokenLifetime).Unix()
	tok, err := azure.MintUnsignedToken(azure.Claims{TenantID: t.id, PrincipalID: oid, Audience: aud, Expires: exp})
	return tok, exp, err
}

// principalOf maps a client (app) id to its service principal's object id when the tenant has one.
func (s *Simulator) principalOf(t *tenant, clientID string) string {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	for _, id := range t.order["servicePrincipal"] {
		if strings.EqualFold(fmt.Sprint(t.objects[id].body["appId"]), clientID) {
			return id
		}
	}
	return clientID
}

func (s *Simulator) tenantNamed(name string) *tenant {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	if t := s.st.tenantBy[strings.ToLower(name)]; t != nil {
		return t
	}
	for _, t := range s.st.tenants {
		if strings.EqualFold(t.domain, name) {
			return t
		}
	}
	if name == "common" || name == "organizations" {
		return s.st.tenants[0]
	}
	return nil
}

func aadErr(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]any{"error": code, "error_description": desc, "error_codes": []any{},
		"timestamp": time.Now().UTC().Format("2006-01-02 15:04:05Z"), "trace_id": "", "correlation_id": ""})
}

// oauthToken serves POST /{tenant}/oauth2[/v2.0]/token for the client credentials grant (a
// secret, a certificate assertion or a federated assertion).
func (s *Simulator) oauthToken(w http.ResponseWriter, r *http.Request, tenantName string, v2 bool) {
	if err := r.ParseForm(); err != nil {
		aadErr(w, http.StatusBadRequest, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'grant_type'.")
		return
	}
	t := s.tenantNamed(tenantName)
	if t == nil {
		aadErr(w, http.StatusBadRequest, "invalid_request", fmt.Sprintf("AADSTS90002: Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", tenantName))
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		aadErr(w, http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("AADSTS70003: The app requested an unsupported grant type '%s'. The simulator issues client_credentials tokens.", gt))
		return
	}
	client := r.PostForm.Get("client_id")
	if client == "" {
		aadErr(w, http.StatusBadRequest, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'client_id'.")
		return
	}
	scope := r.PostForm.Get("scope")
	if !v2 {
		scope = r.PostForm.Get("resource")
	}
	if scope == "" {
		aadErr(w, http.StatusBadRequest, "invalid_scope", "AADSTS1002012: The provided value for scope or resource is not valid.")
		return
	}
	tok, exp, err := tokenFor(t, s.principalOf(t, client), scope)
	if err != nil {
		aadErr(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	out := map[string]any{"token_type": "Bearer", "expires_in": int(tokenLifetime.Seconds()), "ext_expires_in": int(tokenLifetime.Seconds()), "access_token": tok}
	if !v2 {
		out["expires_on"] = fmt.Sprint(exp)
		out["resource"] = scope
	}
	writeJSON(w, http.StatusOK, out)
}

// msiToken serves the managed-identity endpoint in the shapes azidentity and the providers
// speak: IMDS (GET, Metadata: true), App Service (GET, X-IDENTITY-HEADER; IDENTITY_ENDPOINT) and
// Cloud Shell (POST form, Metadata: true; MSI_ENDPOINT); ?resource= (or the form's);
// client_id / object_id / msi_res_id pick the identity. The token is for the first tenant unless
// the endpoint's path (/{tenant}/metadata/identity/oauth2/token, tenantName) or a tenant_id
// parameter names another — real IMDS has one tenant per machine, the simulator many, so an
// msi_endpoint carrying the tenant lets providers apply into a second (target) tenant.
func (s *Simulator) msiToken(w http.ResponseWriter, r *http.Request, tenantName string) {
	if !strings.EqualFold(r.Header.Get("Metadata"), "true") && r.Header.Get("X-IDENTITY-HEADER") == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request", "error_description": "Required metadata header not specified"})
		return
	}
	_ = r.ParseForm() // query and, for POST, the form body
	q := r.Form
	resource := q.Get("resource")
	if resource == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request", "error_description": "Required query variable 'resource' is missing"})
		return
	}
	if tenantName == "" {
		tenantName = q.Get("tenant_id")
	}
	var t *tenant
	if tenantName == "" {
		s.st.mu.RLock()
		t = s.st.tenants[0]
		s.st.mu.RUnlock()
	} else if t = s.tenantNamed(tenantName); t == nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request", "error_description": fmt.Sprintf("tenant %q not found", tenantName)})
		return
	}
	oid := "managed-identity"
	switch {
	case q.Get("object_id") != "":
		oid = q.Get("object_id")
	case q.Get("client_id") != "":
		oid = s.principalOf(t, q.Get("client_id"))
	case q.Get("msi_res_id") != "" || q.Get("mi_res_id") != "":
		oid = "mi:" + strings.ToLower(q.Get("msi_res_id")+q.Get("mi_res_id"))
	}
	tok, exp, err := tokenFor(t, oid, resource)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"error": "server_error", "error_description": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "client_id": q.Get("client_id"), "expires_in": fmt.Sprint(int(tokenLifetime.Seconds())),
		"expires_on": fmt.Sprint(exp), "ext_expires_in": fmt.Sprint(int(tokenLifetime.Seconds())), "not_before": fmt.Sprint(exp - int64(tokenLifetime.Seconds())),
		"resource": resource, "token_type": "Bearer"})
}
