package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/internal/repotest"
)

// pipeline is a plain azcore pipeline with a bearer token policy, as ATG's REST callers use.
func pipeline(cred azure.LocalCredential, scope string) runtime.Pipeline {
	return runtime.NewPipeline("simtest", "v0", runtime.PipelineOptions{
		PerRetry: []policy.Policy{runtime.NewBearerTokenPolicy(cred, []string{scope}, &policy.BearerTokenOptions{InsecureAllowCredentialWithHTTP: true})},
	}, &policy.ClientOptions{InsecureAllowCredentialWithHTTP: true, Retry: policy.RetryOptions{MaxRetries: -1}})
}

func do(t *testing.T, pl runtime.Pipeline, method, url string, body any) (*http.Response, map[string]any) {
	t.Helper()
	req, err := runtime.NewRequest(context.Background(), method, url)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		if err := runtime.MarshalAsJSON(req, body); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := pl.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(bytes.TrimSpace(b)) > 0 {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s %s: decoding %q: %v", method, url, b, err)
		}
	}
	return resp, m
}

func TestResourceGraphPagesWithSkipTokens(t *testing.T) {
	f := startSim(t, Options{Resources: 2600, Subscriptions: 3, Seed: 11, Throttle: "off"})
	pl := pipeline(f.cred, f.srv.ARMEndpoint+"/.default")
	url := f.srv.ARMEndpoint + "/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01"
	query := "resources | where subscriptionId in ('" + strings.Join(f.subs, "','") + "') | project id, name, type, location, properties | order by id asc"
	seen := map[string]bool{}
	var token string
	pages, total := 0, 0
	for {
		opts := map[string]any{"$top": 1000, "resultFormat": "objectArray"}
		if token != "" {
			opts["$skipToken"] = token
		}
		resp, m := do(t, pl, http.MethodPost, url, map[string]any{"subscriptions": f.subs, "query": query, "options": opts})
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %v", resp.StatusCode, m)
		}
		if resp.Header.Get("x-ms-user-quota-remaining") == "" || resp.Header.Get("x-ms-user-quota-resets-after") == "" {
			t.Fatalf("missing ARG quota headers: %v", resp.Header)
		}
		pages++
		total = int(m["totalRecords"].(float64))
		data := m["data"].([]any)
		if int(m["count"].(float64)) != len(data) || len(data) > 1000 {
			t.Fatalf("count %v vs %d rows", m["count"], len(data))
		}
		for _, row := range data {
			r := row.(map[string]any)
			id := r["id"].(string)
			if seen[id] {
				t.Fatalf("row %s returned twice", id)
			}
			seen[id] = true
			if r["type"] != strings.ToLower(r["type"].(string)) || r["properties"] == nil {
				t.Fatalf("row shape: %v", r)
			}
		}
		tok, _ := m["$skipToken"].(string)
		if tok == "" {
			break
		}
		token = tok
	}
	if pages < 2 || len(seen) != total {
		t.Fatalf("pages=%d rows=%d totalRecords=%d", pages, len(seen), total)
	}
	// ARG lists tracked resources only: no subnets, databases or containers.
	for id := range seen {
		if strings.Contains(strings.ToLower(id), "/subnets/") || strings.Contains(strings.ToLower(id), "/databases/") {
			t.Fatalf("ARG listed a proxy child: %s", id)
		}
	}
	truth := f.sim.Truth().Tenants[0]
	tracked := 0
	for ty, n := range truth.ByType {
		if strings.Count(ty, "/") == 1 && ty != "microsoft.insights/diagnosticsettings" {
			tracked += n
		}
	}
	if total != tracked {
		t.Fatalf("ARG total %d, truth has %d top-level resources", total, tracked)
	}
	// Type filter and the other tables.
	_, m := do(t, pl, http.MethodPost, url, map[string]any{"query": "resources | where type =~ 'Microsoft.Network/virtualNetworks' | project id", "options": map[string]any{"$top": 1000}})
	if int(m["totalRecords"].(float64)) != truth.ByType["microsoft.network/virtualnetworks"] {
		t.Fatalf("vnet count %v, truth %d", m["totalRecords"], truth.ByType["microsoft.network/virtualnetworks"])
	}
	_, m = do(t, pl, http.MethodPost, url, map[string]any{"query": "authorizationresources | where type =~ 'microsoft.authorization/roleassignments'", "options": map[string]any{"$top": 1000}})
	if int(m["totalRecords"].(float64)) != truth.RoleAssignments {
		t.Fatalf("role assignments %v, truth %d", m["totalRecords"], truth.RoleAssignments)
	}
	_, m = do(t, pl, http.MethodPost, url, map[string]any{"query": "resourcecontainers | where type == 'microsoft.resources/subscriptions'"})
	if int(m["totalRecords"].(float64)) != 3 {
		t.Fatalf("subscriptions via ARG: %v", m["totalRecords"])
	}
	// Unsupported KQL and $top > 1000 are 400 BadRequest.
	resp, m := do(t, pl, http.MethodPost, url, map[string]any{"query": "resources | join kind=inner (resourcecontainers) on subscriptionId"})
	if resp.StatusCode != 400 || m["error"].(map[string]any)["code"] != "BadRequest" {
		t.Fatalf("unsupported KQL: %d %v", resp.StatusCode, m)
	}
	resp, _ = do(t, pl, http.MethodPost, url, map[string]any{"query": "resources", "options": map[string]any{"$top": 1001}})
	if resp.StatusCode != 400 {
		t.Fatalf("$top 1001: %d", resp.StatusCode)
	}
}

func TestChildListsAndRoleAssignments(t *testing.T) {
	f := startSim(t, Options{Resources: 300, Subscriptions: 1, Seed: 2, Throttle: "off", PageSize: 7})
	ctx := context.Background()
	c, _ := armresources.NewClient(f.subs[0], f.cred, f.opts)
	truth := f.sim.Truth().Tenants[0]
	var vnet string
	for _, id := range truth.ResourceIDs {
		if strings.HasSuffix(id, "/virtualnetworks/"+id[strings.LastIndex(id, "/")+1:]) && strings.Contains(id, "rg-hub") {
			vnet = id
			break
		}
	}
	if vnet == "" {
		t.Fatal("no hub vnet")
	}
	pl := pipeline(f.cred, f.srv.ARMEndpoint+"/.default")
	countAll := func(url string) int {
		n := 0
		for url != "" {
			resp, m := do(t, pl, http.MethodGet, url, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d %v", url, resp.StatusCode, m)
			}
			n += len(m["value"].([]any))
			url, _ = m["nextLink"].(string)
		}
		return n
	}
	subnets := countAll(f.srv.ARMEndpoint + vnet + "/subnets?api-version=2024-07-01")
	want := 0
	for _, id := range truth.ResourceIDs {
		if strings.HasPrefix(id, vnet+"/subnets/") {
			want++
		}
	}
	if subnets != want || want == 0 {
		t.Fatalf("subnets listed %d, truth %d", subnets, want)
	}
	got, err := c.GetByID(ctx, vnet, "2024-07-01", nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(got.Properties.(map[string]any)["subnets"].([]any)); n != want {
		t.Fatalf("VNet GET inlines %d subnets, want %d", n, want)
	}
	all := countAll(f.srv.ARMEndpoint + "/subscriptions/" + f.subs[0] + "/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01")
	if all != truth.RoleAssignments {
		t.Fatalf("role assignments listed %d, truth %d", all, truth.RoleAssignments)
	}
	at := countAll(f.srv.ARMEndpoint + "/subscriptions/" + f.subs[0] + "/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=atScope()")
	if at == 0 || at >= all {
		t.Fatalf("atScope() returned %d of %d (want only subscription-scope ones)", at, all)
	}
	// Deleting a resource removes its children and shows up in the truth.
	if err := f.sim.DeleteResource(vnet); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetByID(ctx, vnet+"/subnets/snet-shared", "2024-07-01", nil); err == nil {
		t.Fatal("subnet survived its VNet")
	}
	if after := f.sim.Truth().Tenants[0].Resources; after >= truth.Resources-want {
		t.Fatalf("truth resources %d after delete (was %d)", after, truth.Resources)
	}
}

func TestMSGraphPagingAndWrites(t *testing.T) {
	f := startSim(t, Options{Resources: 2000, Subscriptions: 1, Seed: 4, Throttle: "off", Tenants: 2})
	pl := pipeline(f.cred, "https://graph.microsoft.com/.default")
	url := f.srv.MSGraphEndpoint + "/v1.0/users?$select=id,displayName,userPrincipalName&$top=7"
	n, pages := 0, 0
	for url != "" {
		resp, m := do(t, pl, http.MethodGet, url, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("%d %v", resp.StatusCode, m)
		}
		pages++
		for _, u := range m["value"].([]any) {
			if len(u.(map[string]any)) != 3 {
				t.Fatalf("$select not applied: %v", u)
			}
			n++
		}
		url, _ = m["@odata.nextLink"].(string)
		if url != "" && !strings.HasPrefix(url, f.srv.MSGraphEndpoint+"/v1.0/users?") {
			t.Fatalf("nextLink %s", url)
		}
	}
	truth := f.sim.Truth().Tenants[0]
	if n != truth.Identities.Users || pages < 2 {
		t.Fatalf("users %d in %d pages, truth %d", n, pages, truth.Identities.Users)
	}
	resp, _ := do(t, pl, http.MethodGet, f.srv.MSGraphEndpoint+"/v1.0/users?$top=1000", nil)
	if resp.StatusCode != 400 {
		t.Fatalf("$top=1000: %d", resp.StatusCode)
	}
	// Writes into the empty second tenant.
	pl2 := pipeline(azure.LocalCredential{TenantID: f.srv.TenantIDs[1], PrincipalID: "deployer"}, "https://graph.microsoft.com/.default")
	resp, u := do(t, pl2, http.MethodPost, f.srv.MSGraphEndpoint+"/v1.0/users", map[string]any{"displayName": "Ada", "userPrincipalName": "ada@contoso1.onmicrosoft.com",
		"mailNickname": "ada", "accountEnabled": true, "passwordProfile": map[string]any{"password": "x"}})
	if resp.StatusCode != 201 || u["passwordProfile"] != nil {
		t.Fatalf("create user: %d %v", resp.StatusCode, u)
	}
	resp, g := do(t, pl2, http.MethodPost, f.srv.MSGraphEndpoint+"/v1.0/groups", map[string]any{"displayName": "g", "mailNickname": "g", "mailEnabled": false, "securityEnabled": true})
	if resp.StatusCode != 201 {
		t.Fatalf("create group: %d %v", resp.StatusCode, g)
	}
	ref := map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + u["id"].(string)}
	if resp, m := do(t, pl2, http.MethodPost, f.srv.MSGraphEndpoint+"/v1.0/groups/"+g["id"].(string)+"/members/$ref", ref); resp.StatusCode != 204 {
		t.Fatalf("add member: %d %v", resp.StatusCode, m)
	}
	resp, m := do(t, pl2, http.MethodGet, f.srv.MSGraphEndpoint+"/v1.0/groups/"+g["id"].(string)+"/members", nil)
	if resp.StatusCode != 200 || len(m["value"].([]any)) != 1 || m["value"].([]any)[0].(map[string]any)["@odata.type"] != "#microsoft.graph.user" {
		t.Fatalf("members: %v", m)
	}
	if tt := f.sim.Truth().Tenants[1]; tt.Identities.Users != 1 || len(tt.Edges) == 0 {
		t.Fatalf("second tenant truth: %+v", tt.Identities)
	}
}

// TestThrottleBurstAndRecovery uses an injected clock: 250 reads pass, the next is a 429 with
// Retry-After and the documented headers, and one simulated second later 25 more pass.
func TestThrottleBurstAndRecovery(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	f := startSim(t, Options{Resources: 20, Subscriptions: 1, Seed: 1, Throttle: "real", Now: clock})
	pl := pipeline(f.cred, f.srv.ARMEndpoint+"/.default")
	url := f.srv.ARMEndpoint + "/subscriptions/" + f.subs[0] + "/resourcegroups?api-version=2021-04-01"
	ok := 0
	var last *http.Response
	for i := 0; i < 300; i++ {
		resp, _ := do(t, pl, http.MethodGet, url, nil)
		last = resp
		if resp.StatusCode == 429 {
			break
		}
		ok++
	}
	if ok != armReadBurst {
		t.Fatalf("%d reads before 429, want %d", ok, armReadBurst)
	}
	if last.StatusCode != 429 || last.Header.Get("Retry-After") != "1" || last.Header.Get("x-ms-ratelimit-remaining-subscription-reads") != "0" {
		t.Fatalf("429 headers: %d %v", last.StatusCode, last.Header)
	}
	advance(time.Second)
	ok = 0
	for i := 0; i < 40; i++ {
		if resp, _ := do(t, pl, http.MethodGet, url, nil); resp.StatusCode == 429 {
			break
		}
		ok++
	}
	if ok != int(armReadRate) {
		t.Fatalf("%d reads after 1s, want refill %d", ok, int(armReadRate))
	}
	// Another principal has its own bucket.
	other := pipeline(azure.LocalCredential{TenantID: f.srv.TenantIDs[0], PrincipalID: "other"}, f.srv.ARMEndpoint+"/.default")
	if resp, _ := do(t, other, http.MethodGet, url, nil); resp.StatusCode != 200 {
		t.Fatalf("other principal throttled: %d", resp.StatusCode)
	}
	// Resource Graph: 15 per 5 s per principal.
	argURL := f.srv.ARMEndpoint + "/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01"
	for i := 0; i < argQuota; i++ {
		resp, _ := do(t, pl, http.MethodPost, argURL, map[string]any{"query": "resources | project id"})
		if resp.StatusCode != 200 || resp.Header.Get("x-ms-user-quota-remaining") != fmt.Sprint(argQuota-1-i) {
			t.Fatalf("query %d: %d remaining=%s", i, resp.StatusCode, resp.Header.Get("x-ms-user-quota-remaining"))
		}
	}
	resp, _ := do(t, pl, http.MethodPost, argURL, map[string]any{"query": "resources | project id"})
	if resp.StatusCode != 429 || resp.Header.Get("x-ms-user-quota-resets-after") != "00:00:05" || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("ARG 16th query: %d %v", resp.StatusCode, resp.Header)
	}
	advance(argWindow)
	if resp, _ := do(t, pl, http.MethodPost, argURL, map[string]any{"query": "resources | project id"}); resp.StatusCode != 200 {
		t.Fatalf("ARG after window: %d", resp.StatusCode)
	}
	if st := f.sim.Stats(); st.Throttled["arm"] < 2 || st.Throttled["arg"] != 1 || st.ByKind["arm.read"] < 276 {
		t.Fatalf("stats: %+v", st)
	}
}

// TestFastThrottleSDKRecovers: with the fast clock, the SDK's retry policy honours
// retry-after-ms and a burst beyond the bucket completes without errors.
func TestFastThrottleSDKRecovers(t *testing.T) {
	f := startSim(t, Options{Resources: 5, Subscriptions: 1, Seed: 1, Throttle: "fast", FastFactor: 2})
	rgc, _ := armresources.NewResourceGroupsClient(f.subs[0], f.cred, f.opts)
	start := time.Now()
	for i := 0; i < armReadBurst+50; i++ {
		if _, err := rgc.Get(context.Background(), f.sim.firstRG(f.subs[0]), nil); err != nil {
			t.Fatalf("get %d: %v", i, err)
		}
	}
	if f.sim.Stats().Throttled["arm"] == 0 {
		t.Fatal("expected some 429s")
	}
	t.Logf("%d reads with throttling in %v", armReadBurst+50, time.Since(start))
}

func (s *Simulator) firstRG(sub string) string {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	best := ""
	for _, rg := range s.st.subs[sub].rgs {
		if best == "" || rg.name < best {
			best = rg.name
		}
	}
	return best
}

func TestFaultsDeterministicAndSurvivable(t *testing.T) {
	run := func() (map[string]int64, int) {
		f := startSim(t, Options{Resources: 100, Subscriptions: 1, Seed: 9, Throttle: "fast", Faults: 0.3})
		pl := pipeline(f.cred, f.srv.ARMEndpoint+"/.default")
		codes := 0
		for i := 0; i < 60; i++ {
			req, _ := runtime.NewRequest(context.Background(), http.MethodGet, fmt.Sprintf("%s/subscriptions/%s/resourcegroups?api-version=2021-04-01&i=%d", f.srv.ARMEndpoint, f.subs[0], i))
			resp, err := pl.Do(req)
			if err == nil {
				codes = codes*31 + resp.StatusCode
				resp.Body.Close()
			} else {
				codes = codes*31 + 1
			}
		}
		return f.sim.Stats().Faults, codes
	}
	a, ca := run()
	b, cb := run()
	if ca != cb || fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("faults not deterministic: %v vs %v", a, b)
	}
	var total int64
	for _, n := range a {
		total += n
	}
	if total < 8 {
		t.Fatalf("expected ~30%% faults, got %v", a)
	}
	// The SDK with its default retries gets through.
	f := startSim(t, Options{Resources: 100, Subscriptions: 1, Seed: 9, Throttle: "fast", Faults: 0.2})
	c, _ := armresources.NewClient(f.subs[0], f.cred, f.opts)
	pager := c.NewListPager(nil)
	for pager.More() {
		if _, err := pager.NextPage(context.Background()); err != nil {
			var re *azcore.ResponseError
			_ = re
			t.Fatalf("pager with faults: %v", err)
		}
	}
}

func TestFromDirRehomesExamples(t *testing.T) {
	dir := repotest.ARMExamplesDir()
	f := startSim(t, Options{FromDir: dir, FromRehome: true, Seed: 1, Throttle: "off"})
	truth := f.sim.Truth().Tenants[0]
	if truth.Resources < 60 {
		t.Fatalf("loaded %d resources", truth.Resources)
	}
	prefix := "/subscriptions/" + f.subs[0] + "/resourcegroups/" + strings.ToLower(ImportedResourceGroup) + "/"
	for _, id := range truth.ResourceIDs {
		if !strings.HasPrefix(id, prefix) {
			t.Fatalf("not re-homed: %s", id)
		}
	}
	c, _ := armresources.NewClient(f.subs[0], f.cred, f.opts)
	for _, id := range truth.ResourceIDs[:5] {
		p, _ := parsePath(id)
		info := f.sim.st.types[strings.ToLower(p.fullType())]
		if _, err := c.GetByID(context.Background(), id, info.APIVersions[len(info.APIVersions)-1], nil); err != nil {
			t.Fatalf("GetByID %s: %v", id, err)
		}
	}
	// the example VM extension carries protectedSettings: kept apart, never returned
	ext := 0
	for _, id := range truth.ResourceIDs {
		if !strings.Contains(id, "/microsoft.compute/virtualmachines/") || !strings.Contains(id, "/extensions/") {
			continue
		}
		ext++
		got, err := c.GetByID(context.Background(), id, vCompute[len(vCompute)-1], nil)
		if err != nil {
			t.Fatalf("GetByID %s: %v", id, err)
		}
		if _, ok := got.Properties.(map[string]any)["protectedSettings"]; ok {
			t.Errorf("%s: GET returns protectedSettings", id)
		}
		if _, ok := f.sim.WriteOnly(id)["protectedSettings"]; !ok {
			t.Errorf("%s: protectedSettings not kept", id)
		}
	}
	if ext == 0 {
		t.Error("no VM extension among the examples")
	}
}

// An unsupported query is ARG's 400 BadRequest with an InvalidQuery detail and a ParserFailure
// naming the offending token (kql.Error), and the table result format carries typed columns.
func TestResourceGraphInvalidQueryAndTable(t *testing.T) {
	f := startSim(t, Options{Resources: 60, Subscriptions: 1, Seed: 3, Throttle: "off"})
	pl := pipeline(f.cred, f.srv.ARMEndpoint+"/.default")
	url := f.srv.ARMEndpoint + "/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01"
	resp, m := do(t, pl, http.MethodPost, url, map[string]any{"subscriptions": f.subs, "query": "resources | bogus 1"})
	details, _ := lookupPath(m, "error.details").([]any)
	if resp.StatusCode != 400 || len(details) != 2 || lookupPath(details[0].(map[string]any), "code") != "InvalidQuery" ||
		lookupPath(details[1].(map[string]any), "code") != "ParserFailure" || lookupPath(details[1].(map[string]any), "token") != "bogus" {
		t.Fatalf("status %d: %v", resp.StatusCode, m)
	}
	resp, m = do(t, pl, http.MethodPost, url, map[string]any{"subscriptions": f.subs, "query": "resources | summarize count() by type",
		"options": map[string]any{"resultFormat": "table"}})
	cols, _ := lookupPath(m, "data.columns").([]any)
	rows, _ := lookupPath(m, "data.rows").([]any)
	if resp.StatusCode != 200 || len(cols) != 2 || lookupPath(cols[1].(map[string]any), "type") != "integer" || len(rows) == 0 {
		t.Fatalf("status %d: %v", resp.StatusCode, m)
	}
}
