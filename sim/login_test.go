package sim

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions/v2"

	"github.com/atg-go/atg/engine/azure"
)

// TestCustomCloudLogin: Microsoft's Go identity library signs in against the simulator's login
// endpoint (client credentials, custom authority, HTTPS with the simulator's certificate) and
// the token it gets works on ARM; the metadata and managed-identity endpoints answer too.
func TestCustomCloudLogin(t *testing.T) {
	srv := startSim(t, Options{Resources: 30, Seed: 2, Throttle: "off", TLS: true}).srv
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(srv.CertPEM)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	base := srv.ARMEndpoint

	resp, err := hc.Get(base + "/metadata/endpoints?api-version=2022-09-01")
	if err != nil {
		t.Fatal(err)
	}
	var md map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&md)
	resp.Body.Close()
	if md["resourceManager"] != base+"/" || lookupPath(md, "authentication.loginEndpoint") != base+"/" {
		t.Fatalf("metadata: %v", md)
	}

	cfg := cloud.Configuration{ActiveDirectoryAuthorityHost: base + "/", Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
		cloud.ResourceManager: {Endpoint: base, Audience: base}}}
	cred, err := azidentity.NewClientSecretCredential(srv.TenantIDs[0], "00000000-0000-4000-8000-0000000000c1", "not-a-secret",
		&azidentity.ClientSecretCredentialOptions{ClientOptions: azcore.ClientOptions{Cloud: cfg, Transport: hc}, DisableInstanceDiscovery: true})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{base + "/.default"}})
	if err != nil {
		t.Fatalf("GetToken from the simulated login endpoint: %v", err)
	}
	if c, ok := azure.ParseUnverified(tok.Token); !ok || c.TenantID != srv.TenantIDs[0] || c.Audience != base {
		t.Fatalf("token claims %+v", c)
	}
	sc, err := armsubscriptions.NewClient(cred, &arm.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: cfg, Transport: hc}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.NewListPager(nil).NextPage(context.Background()); err != nil {
		t.Fatalf("ARM with the issued token: %v", err)
	}
	if _, err := azidentity.NewClientSecretCredential("no-such-tenant", "c", "s", &azidentity.ClientSecretCredentialOptions{
		ClientOptions: azcore.ClientOptions{Cloud: cfg, Transport: hc}, DisableInstanceDiscovery: true}); err == nil {
		c2, _ := azidentity.NewClientSecretCredential("no-such-tenant", "c", "s", &azidentity.ClientSecretCredentialOptions{
			ClientOptions: azcore.ClientOptions{Cloud: cfg, Transport: hc}, DisableInstanceDiscovery: true})
		if _, err := c2.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{base + "/.default"}}); err == nil || !strings.Contains(err.Error(), "AADSTS90002") {
			t.Fatalf("unknown tenant: %v", err)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/metadata/identity/oauth2/token?api-version=2018-02-01&resource="+base, nil)
	req.Header.Set("Metadata", "true")
	resp, err = hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var mi map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&mi)
	resp.Body.Close()
	if resp.StatusCode != 200 || mi["access_token"] == nil || mi["resource"] != base {
		t.Fatalf("managed identity token: %d %v", resp.StatusCode, mi)
	}
}

// TestMSITokenSelectsTheTenant: the managed-identity endpoint issues tokens for the first tenant
// unless its path (/{tenant}/metadata/identity/oauth2/token, how an msi_endpoint names the
// target tenant) or a tenant_id parameter picks another; an unknown tenant is a 400, not a token.
func TestMSITokenSelectsTheTenant(t *testing.T) {
	srv := startSim(t, Options{Resources: 10, Tenants: 2, Seed: 3, Throttle: "off"}).srv
	if len(srv.TenantIDs) != 2 {
		t.Fatalf("tenants: %v", srv.TenantIDs)
	}
	base := srv.ARMEndpoint
	get := func(path string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Metadata", "true")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		tok, _ := m["access_token"].(string)
		c, _ := azure.ParseUnverified(tok)
		return resp.StatusCode, c.TenantID
	}
	q := "?api-version=2018-02-01&resource=" + base
	for _, tc := range []struct {
		path   string
		status int
		tenant string
	}{
		{"/metadata/identity/oauth2/token" + q, 200, srv.TenantIDs[0]},
		{"/" + srv.TenantIDs[1] + "/metadata/identity/oauth2/token" + q, 200, srv.TenantIDs[1]},
		{"/" + srv.TenantIDs[0] + "/metadata/identity/oauth2/token" + q, 200, srv.TenantIDs[0]},
		{"/metadata/identity/oauth2/token" + q + "&tenant_id=" + srv.TenantIDs[1], 200, srv.TenantIDs[1]},
		{"/no-such-tenant/metadata/identity/oauth2/token" + q, 400, ""},
	} {
		if st, tid := get(tc.path); st != tc.status || tid != tc.tenant {
			t.Errorf("%s: %d %q, want %d %q", tc.path, st, tid, tc.status, tc.tenant)
		}
	}
}
