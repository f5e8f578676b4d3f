package sim

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/azure"
)

// graphGet sends a GET with a token for the simulator and optional headers.
func rawGet(t *testing.T, f *fixture, path string, tok string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.srv.ARMEndpoint+path, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func mint(t *testing.T, c azure.Claims) string {
	t.Helper()
	tok, err := azure.MintUnsignedToken(c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestGraphODataAsGraph: /beta is Graph (not ARM-throttled), unquoted booleans in $filter,
// $orderby, $search and $count need ConsistencyLevel, $expand, navigation lists, /me, delta,
// devices and directory roles.
func TestGraphODataAsGraph(t *testing.T) {
	f := startSim(t, Options{Resources: 300, Seed: 5, Throttle: "real"})
	tid := f.srv.TenantIDs[0]
	app := mint(t, azure.Claims{TenantID: tid, PrincipalID: "app-principal", Audience: "https://graph.microsoft.com", Expires: time.Now().Add(time.Hour).Unix()})
	q := url.QueryEscape
	check := func(path string, wantStatus int, wantIn string, hdr ...string) string {
		t.Helper()
		resp, body := rawGet(t, f, path, app, hdr...)
		if resp.StatusCode != wantStatus || !strings.Contains(body, wantIn) {
			t.Fatalf("GET %s: %d %s (want %d containing %q)", path, resp.StatusCode, body, wantStatus, wantIn)
		}
		if strings.HasPrefix(path, "/beta/") && resp.Header.Get("x-ms-ratelimit-remaining-tenant-reads") != "" {
			t.Fatalf("/beta throttled as ARM: %v", resp.Header)
		}
		return body
	}
	check("/beta/groups?$filter="+q("securityEnabled eq true"), 200, `"securityEnabled":true`)
	check("/v1.0/groups?$filter="+q("securityEnabled eq false"), 200, `"value":[]`)
	check("/v1.0/users?$filter="+q("startswith(displayName,'zz') or accountEnabled eq true")+"&$select=id", 200, `"value":[{`)
	check("/v1.0/groups?$filter="+q("groupTypes/any(c:c eq 'Unified')"), 200, `"value":[]`)
	check("/v1.0/users?$filter="+q("displayName eq "), 400, "Invalid filter clause")
	body := check("/v1.0/users?$orderby="+q("displayName desc")+"&$select=displayName&$top=3", 200, "displayName")
	if strings.Count(body, `"displayName":`) != 3 || !strings.Contains(body, "Tim Allen") {
		t.Fatalf("orderby/top: %s", body)
	}
	check("/v1.0/users?$search="+q(`"displayName:a"`), 400, "ConsistencyLevel")
	check("/v1.0/users?$search="+q(`"displayName:a"`)+"&$count=true", 200, `"@odata.count"`, "ConsistencyLevel", "eventual")
	check("/v1.0/users?$count=true", 400, "ConsistencyLevel")
	check("/v1.0/users/$count", 200, "", "ConsistencyLevel", "eventual")
	check("/v1.0/groups?$expand=members&$top=2", 200, `"members":[`)
	check("/v1.0/groups?$expand=nope", 400, "Could not find a property named 'nope'")
	check("/beta/devices", 200, `"operatingSystem"`)
	roles := check("/v1.0/directoryRoles", 200, "Global Administrator")
	_ = roles
	check("/v1.0/roleManagement/directory/roleAssignments", 200, `"roleDefinitionId":"62e90394-69f5-4237-9190-012177145e10"`)
	check("/v1.0/me", 400, "delegated")
	// delta: the first round ends with a deltaLink; nothing new since.
	body = check("/v1.0/users/delta", 200, "@odata.deltaLink")
	dl := body[strings.Index(body, `"@odata.deltaLink":"`)+len(`"@odata.deltaLink":"`):]
	dl = dl[:strings.IndexByte(dl, '"')]
	u, _ := url.Parse(dl)
	check(u.Path+"?"+u.RawQuery, 200, `"value":[]`)

	// a user token: /me, memberOf, transitiveMemberOf, group transitiveMembers
	s := f.sim
	s.st.mu.RLock()
	user := s.st.tenants[0].order["user"][0]
	group := s.st.tenants[0].order["group"][0]
	s.st.mu.RUnlock()
	ut := mint(t, azure.Claims{TenantID: tid, PrincipalID: user, Audience: "https://graph.microsoft.com"})
	for path, want := range map[string]string{
		"/v1.0/me":                    user,
		"/v1.0/me/memberOf":           "#microsoft.graph.group",
		"/v1.0/me/transitiveMemberOf": "#microsoft.graph.directoryRole",
		"/v1.0/groups/" + group + "/transitiveMembers": "#microsoft.graph.user",
		"/v1.0/groups/" + group + "/owners":            "#microsoft.graph.user",
		"/v1.0/users/" + user + "/registeredDevices":   "#microsoft.graph.device",
		"/v1.0/users/" + user + "?$expand=memberOf":    `"memberOf":[`,
		"/v1.0/directoryObjects/" + user:               "#microsoft.graph.user",
		"/beta/users/" + user + "/transitiveMemberOf":  "Global Administrator",
		"/v1.0/users/" + user + "/appRoleAssignments":  `"value":[]`,
	} {
		resp, body := rawGet(t, f, path, ut)
		if resp.StatusCode != 200 || !strings.Contains(body, want) {
			t.Errorf("GET %s: %d %s (want %q)", path, resp.StatusCode, body, want)
		}
	}
}

// TestTokensExpiryAudienceChallenge: expired and wrong-audience tokens are 401 with a
// WWW-Authenticate challenge, on ARM and MS Graph.
func TestTokensExpiryAudienceChallenge(t *testing.T) {
	f := startSim(t, Options{Resources: 20, Seed: 5, Throttle: "off"})
	tid := f.srv.TenantIDs[0]
	sub := "/subscriptions/" + f.subs[0] + "?api-version=2022-12-01"
	for _, tc := range []struct {
		name, path string
		claims     azure.Claims
		code       string
	}{
		{"arm expired", sub, azure.Claims{TenantID: tid, PrincipalID: "p", Expires: time.Now().Add(-time.Minute).Unix()}, "ExpiredAuthenticationToken"},
		{"arm graph audience", sub, azure.Claims{TenantID: tid, PrincipalID: "p", Audience: "https://graph.microsoft.com"}, "InvalidAuthenticationTokenAudience"},
		{"graph arm audience", "/v1.0/users", azure.Claims{TenantID: tid, PrincipalID: "p", Audience: "https://management.azure.com/"}, "InvalidAuthenticationToken"},
		{"graph expired", "/v1.0/users", azure.Claims{TenantID: tid, PrincipalID: "p", Expires: 1}, "InvalidAuthenticationToken"},
	} {
		resp, body := rawGet(t, f, tc.path, mint(t, tc.claims))
		if resp.StatusCode != 401 || !strings.Contains(body, tc.code) || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "authorization_uri=") {
			t.Errorf("%s: %d %s %v", tc.name, resp.StatusCode, body, resp.Header)
		}
	}
	resp, _ := rawGet(t, f, sub, "")
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("no token: %d %v", resp.StatusCode, resp.Header)
	}
	for _, aud := range []string{"https://management.azure.com/", "https://management.core.windows.net/", f.srv.ARMEndpoint} {
		if resp, body := rawGet(t, f, sub, mint(t, azure.Claims{TenantID: tid, PrincipalID: "p", Audience: aud})); resp.StatusCode != 200 {
			t.Errorf("audience %s: %d %s", aud, resp.StatusCode, body)
		}
	}
}
