package sim

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/azure"
)

// What the Terraform providers read besides the resource: implicit singletons (answered, not
// listed), POST actions, inline sub-resources by their own id, server defaults on PUT.
func TestImplicitChildrenActionsAndDefaults(t *testing.T) {
	f := startSim(t, Options{Resources: 100, Seed: 7, Throttle: "off"})
	pl := pipeline(f.cred, f.srv.ARMEndpoint+"/.default")
	var st, lb string
	for _, id := range f.sim.Truth().Tenants[0].ResourceIDs {
		switch {
		case st == "" && strings.Contains(id, "/microsoft.storage/storageaccounts/") && strings.Count(id, "/") == 8:
			st = id
		case lb == "" && strings.Contains(id, "/microsoft.network/loadbalancers/") && strings.Count(id, "/") == 8:
			lb = id
		}
	}
	if st == "" || lb == "" {
		t.Fatalf("no storage account or load balancer in the tenant (%q, %q)", st, lb)
	}
	must := func(method, path string, body any, status int) map[string]any {
		t.Helper()
		resp, m := do(t, pl, method, f.srv.ARMEndpoint+path, body)
		if resp.StatusCode != status {
			t.Fatalf("%s %s: %d %v (want %d)", method, path, resp.StatusCode, m, status)
		}
		return m
	}
	if m := must("GET", st+"/fileServices/default?api-version=2025-08-01", nil, 200); m["type"] != "Microsoft.Storage/storageAccounts/fileServices" || !strings.HasSuffix(m["id"].(string), "/fileServices/default") {
		t.Fatalf("file service: %v", m)
	}
	must("GET", st+"/fileServices/default?api-version=1999-01-01", nil, 400)
	// it exists already: a PUT updates it (200), and the stored one is answered from then on
	must("PUT", st+"/fileServices/default?api-version=2025-08-01", map[string]any{"properties": map[string]any{"shareDeleteRetentionPolicy": map[string]any{"enabled": false}}}, 200)
	if m := must("GET", st+"/fileServices/default?api-version=2025-08-01", nil, 200); lookupPath(m, "properties.shareDeleteRetentionPolicy.enabled") != false {
		t.Fatalf("stored file service: %v", m)
	}
	must("GET", st+"/fileServices/other?api-version=2025-08-01", nil, 404)
	if m := must("POST", st+"/listKeys?api-version=2025-08-01", nil, 200); len(m["keys"].([]any)) != 2 {
		t.Fatalf("listKeys: %v", m)
	}
	if m := must("GET", lb+"/probes/https?api-version=2025-01-01", nil, 200); lookupPath(m, "properties.probeThreshold") == nil || m["name"] != "https" {
		t.Fatalf("inline probe: %v", m)
	}
	must("GET", lb+"/probes/nope?api-version=2025-01-01", nil, 404)
	// server defaults fill what a PUT omits
	rg := "/subscriptions/" + f.subs[0] + "/resourceGroups/rg-defaults"
	must("PUT", rg+"?api-version=2025-04-01", map[string]any{"location": "westeurope"}, 201)
	m := must("PUT", rg+"/providers/Microsoft.Storage/storageAccounts/stdefaults?api-version=2025-08-01", map[string]any{"location": "westeurope",
		"kind": "StorageV2", "sku": map[string]any{"name": "Standard_LRS"}, "properties": map[string]any{"minimumTlsVersion": "TLS1_2"}}, 200)
	if lookupPath(m, "properties.primaryEndpoints.blob") != "https://stdefaults.blob.core.windows.net/" || lookupPath(m, "properties.minimumTlsVersion") != "TLS1_2" ||
		lookupPath(m, "properties.networkAcls.defaultAction") != "Allow" {
		t.Fatalf("storage account defaults: %s", jsonString(m))
	}
}

// With HTTPS_PROXY at the simulator, data-plane hosts its certificate names are answered by it:
// Key Vault's bearer challenge, then 404 for contacts; other hosts are refused, never dialled.
func TestDataPlaneProxy(t *testing.T) {
	f := startSim(t, Options{Resources: 10, Seed: 7, Throttle: "off", TLS: true})
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(f.srv.CertPEM)
	proxy, _ := url.Parse(f.srv.ARMEndpoint)
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: http.ProxyURL(proxy), TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	get := func(u, auth string) (*http.Response, error) {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return resp, err
	}
	resp, err := get("https://kv-test.vault.azure.net/certificates/contacts?api-version=7.4", "")
	if err != nil || resp.StatusCode != 401 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), `resource="https://vault.azure.net"`) {
		t.Fatalf("challenge: %v %+v", err, resp)
	}
	if resp, err = get("https://kv-test.vault.azure.net/certificates/contacts?api-version=7.4", "Bearer x"); err != nil || resp.StatusCode != 404 {
		t.Fatalf("contacts: %v %+v", err, resp)
	}
	if _, err = get("https://example.com/", ""); err == nil {
		t.Fatal("the proxy tunnelled to a host outside its data-plane suffixes")
	}
}

// TestSubscriptionActionsForCreates: what azurerm reads before a create answers — App Service's
// name check and the (empty) lists of soft-deleted workspaces and vaults.
func TestSubscriptionActionsForCreates(t *testing.T) {
	s, err := New(Options{Resources: 10, Seed: 3, Throttle: "off"})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	sub := s.SubscriptionIDs(s.TenantIDs()[0])[0]
	tok := mint(t, azure.Claims{TenantID: s.TenantIDs()[0], PrincipalID: "app", Audience: "https://management.azure.com", Expires: time.Now().Add(time.Hour).Unix()})
	for _, tc := range []struct{ method, path, want string }{
		{"POST", "/subscriptions/" + sub + "/providers/Microsoft.Web/checknameavailability?api-version=2023-01-01", `"nameAvailable":true`},
		{"GET", "/subscriptions/" + sub + "/providers/Microsoft.OperationalInsights/deletedWorkspaces?api-version=2025-07-01", `"value":[]`},
		{"GET", "/subscriptions/" + sub + "/providers/Microsoft.KeyVault/deletedVaults?api-version=2023-07-01", `"value":[]`},
	} {
		req := httptest.NewRequest(tc.method, "http://sim"+tc.path, strings.NewReader(`{"name":"x","type":"Microsoft.Web/sites"}`))
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, rec.Code, rec.Body.String())
		}
	}
}
