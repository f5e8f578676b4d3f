package sim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/azure"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestChangeFeeds: Mutate's changes are served by resourcechanges and resourcecontainerchanges
// with Resource Graph's row shape, filtered by timestamp and kept 14 days; MS Graph delta links
// taken before return the changed and deleted users and the groups' members@delta.
func TestChangeFeeds(t *testing.T) {
	clk := &testClock{t: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)}
	f := startSim(t, Options{Resources: 400, Subscriptions: 2, Seed: 3, Throttle: "off", Now: clk.Now})
	tid := f.srv.TenantIDs[0]
	pl := pipeline(f.cred, f.srv.ARMEndpoint+"/.default")
	argURL := f.srv.ARMEndpoint + "/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01"
	query := func(q string) (int, map[string]any) {
		resp, m := do(t, pl, http.MethodPost, argURL, map[string]any{"subscriptions": f.subs, "query": q, "options": map[string]any{"$top": 1000}})
		return resp.StatusCode, m
	}
	tok := mint(t, azure.Claims{TenantID: tid, PrincipalID: "app", Audience: "https://graph.microsoft.com", Expires: time.Now().Add(time.Hour).Unix()})
	graph := func(path string) map[string]any {
		t.Helper()
		resp, body := rawGet(t, f, path, tok)
		var m map[string]any
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &m) != nil {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
		}
		return m
	}
	link := func(m map[string]any) string {
		u, err := url.Parse(m["@odata.deltaLink"].(string))
		if err != nil {
			t.Fatal(err)
		}
		return u.RequestURI()
	}
	users := link(graph("/v1.0/users/delta?$select=id,displayName&$deltatoken=latest"))
	groups := link(graph("/v1.0/groups/delta?$select=id,members&$deltatoken=latest"))

	start := clk.Now()
	if code, m := query("resourcechanges | where properties.changeAttributes.timestamp > datetime(" + start.Format(time.RFC3339) + ")"); code != 200 || m["totalRecords"].(float64) != 0 {
		t.Fatalf("changes before any change: %d %v", code, m)
	}
	clk.add(time.Hour)
	mr, err := f.sim.Mutate(tid, MutateOptions{Fraction: 0.02, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	code, m := query("resourcechanges | where properties.changeAttributes.timestamp > datetime(" + start.Format(time.RFC3339) + ") | order by id asc")
	if code != 200 {
		t.Fatalf("resourcechanges: %d %v", code, m)
	}
	kinds := map[string]map[string]bool{"Create": {}, "Update": {}, "Delete": {}}
	for _, raw := range m["data"].([]any) {
		row := raw.(map[string]any)
		p := row["properties"].(map[string]any)
		attrs := p["changeAttributes"].(map[string]any)
		target := strings.ToLower(p["targetResourceId"].(string))
		kind := p["changeType"].(string)
		if row["type"] != "microsoft.resources/changes" || !strings.HasPrefix(strings.ToLower(row["id"].(string)), target+"/providers/microsoft.resources/changes/") ||
			p["targetResourceType"] != strings.ToLower(p["targetResourceType"].(string)) || attrs["timestamp"] != clk.Now().Format("2006-01-02T15:04:05.000Z") ||
			kinds[kind] == nil {
			t.Fatalf("row shape: %v", row)
		}
		if (kind == "Create") != (attrs["previousResourceSnapshotId"] == nil) || (kind == "Delete") != (attrs["newResourceSnapshotId"] == "") {
			t.Fatalf("snapshot ids of a %s: %v", kind, attrs)
		}
		if kind == "Update" && (attrs["changesCount"].(float64) == 0 || len(p["changes"].(map[string]any)) == 0) {
			t.Fatalf("an update without changes: %v", p)
		}
		kinds[kind][target] = true
	}
	for kind, ids := range map[string][]string{"Create": mr.Created, "Update": mr.Updated, "Delete": mr.Deleted} {
		for _, id := range ids {
			if !kinds[kind][strings.ToLower(id)] {
				t.Errorf("no %s row for %s", kind, id)
			}
		}
	}
	code, m = query("resourcecontainerchanges | where properties.changeAttributes.timestamp > datetime(" + start.Format(time.RFC3339) + ") | project id, target = properties.targetResourceId, kind = properties.changeType")
	if code != 200 || m["totalRecords"].(float64) < 3 {
		t.Fatalf("resourcecontainerchanges: %d %v", code, m)
	}
	b, _ := json.Marshal(m["data"])
	for _, want := range []string{mr.ResourceGroupsCreated[0], mr.ResourceGroupsDeleted[0], `"kind":"Delete"`, `"kind":"Create"`} {
		if !strings.Contains(string(b), want) {
			t.Fatalf("container changes lack %s: %s", want, b)
		}
	}
	if code, m := query("resourcechanges | where properties.changeAttributes.timestamp > datetime(" + clk.Now().Format(time.RFC3339) + ")"); code != 200 || m["totalRecords"].(float64) != 0 {
		t.Fatalf("changes after the last one: %d %v", code, m)
	}
	if code, _ := query("resourcechanges | where properties.changeAttributes.timestamp > datetime(yesterday)"); code != 400 {
		t.Fatalf("a bad datetime: %d", code)
	}

	// MS Graph delta since the links
	d := graph(users)
	b, _ = json.Marshal(d)
	for _, id := range append(mr.UsersUpdated, mr.UsersCreated...) {
		if !strings.Contains(string(b), id) {
			t.Errorf("users delta lacks changed user %s", id)
		}
	}
	if !strings.Contains(string(b), `{"@odata.type":"#microsoft.graph.user","@removed":{"reason":"deleted"},"id":"`+mr.UsersDeleted[0]+`"}`) {
		t.Errorf("users delta lacks the deleted user: %s", b)
	}
	if d["@odata.deltaLink"] == nil {
		t.Fatalf("users delta without a deltaLink: %s", b)
	}
	if again := graph(link(d)); len(again["value"].([]any)) != 0 {
		t.Fatalf("nothing changed since, yet: %v", again["value"])
	}
	d = graph(groups)
	b, _ = json.Marshal(d)
	if !strings.Contains(string(b), `"members@delta":[{`) || !strings.Contains(string(b), mr.GroupsUpdated[0]) {
		t.Fatalf("groups delta: %s", b)
	}

	// 14-day retention
	clk.add(15 * 24 * time.Hour)
	if code, m := query("resourcechanges | where properties.changeAttributes.timestamp > datetime(" + start.Format(time.RFC3339) + ")"); code != 200 || m["totalRecords"].(float64) != 0 {
		t.Fatalf("changes past retention: %d %v", code, m["totalRecords"])
	}
}
