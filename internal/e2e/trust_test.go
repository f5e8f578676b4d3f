package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/atg-go/atg/internal/repotest"
	"github.com/atg-go/atg/sim"
)

// TestServeRefusesExfiltrationSpecs plays the token-exfiltration report (issue 14) against
// `atg serve`: every scope form is a 400 at submit, dry run or real, no job is created, and
// zero requests reach the attacker's listener; `atg create-tenant --remote --spec` stops at the
// same check with the JSON path. A valid spec still runs (dry run).
func TestServeRefusesExfiltrationSpecs(t *testing.T) {
	var hits atomic.Int64
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer evil.Close()
	host := strings.TrimPrefix(evil.URL, "http://")
	e := Start(t, Options{Sim: sim.Options{Resources: 20, Subscriptions: 1, Seed: 4, Tenants: 2}})
	target := e.Sim.TenantIDs()[1]
	sub := e.Sim.SubscriptionIDs(target)[0]
	raw, err := os.ReadFile(repotest.Testdata("specs", "valid-spec.json"))
	if err != nil {
		t.Fatal(err)
	}
	spec := func(scope any) []byte {
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		md := m["model"].(map[string]any)
		switch s := scope.(type) {
		case nil:
		case string:
			if v, ok := strings.CutPrefix(s, "var:"); ok {
				md["variables"] = append(md["variables"].([]any), map[string]any{"name": "evil", "kind": "reference", "description": "x", "default": v})
				scope = map[string]any{"$var": "evil"}
			}
			md["resources"].([]any)[3].(map[string]any)["scope"] = scope
		default:
			md["resources"].([]any)[3].(map[string]any)["scope"] = scope
		}
		b, _ := json.Marshal(m)
		return b
	}
	post := func(body string) (int, string) {
		req, _ := http.NewRequest("POST", e.ServiceURL+"/api/v1/create-tenant", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+e.APIKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	scopes := []any{"@" + host + "/x", ".evil.example/x", "//" + host + "/subscriptions/" + sub,
		"/subscriptions/" + sub + "/resourceGroups/rg%2F..%2F@" + host, `/subscriptions/` + sub + `/resourceGroups/rg\@` + host,
		"/subscriptions/" + sub + "%40" + host, "var:@" + host + "/x", "var://" + host + "/x",
		map[string]any{"$ref": "vau_5be63b59_dia_b2055ba1"}}
	for _, scope := range scopes {
		for _, dry := range []bool{true, false} {
			code, body := post(fmt.Sprintf(`{"spec":%s,"target":{"tenant_id":%q,"subscription_id":%q},"dry_run":%v}`, spec(scope), target, sub, dry))
			if code != 400 || !strings.Contains(body, "spec.model.resources[3].scope") {
				t.Fatalf("scope %v (dry %v): %d %s", scope, dry, code, body)
			}
		}
	}
	code, body := post(fmt.Sprintf(`{"spec":{"format":"atg-spec/v1","model":{"resources":[null]}},"target":{"tenant_id":%q,"subscription_id":%q}}`, target, sub))
	if code != 400 || !strings.Contains(body, "spec.model.resources[0]") {
		t.Fatalf("null resource: %d %s", code, body)
	}
	// the CLI, remote: the same refusal, exit 1 (or 2), the path in the message
	file := filepath.Join(e.Dir, "evil.json")
	if err := os.WriteFile(file, spec("@"+host+"/x"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := e.Run(t.Context(), append([]string{"create-tenant", "--spec", file, "--target-tenant-id", target, "--target-subscription", sub}, e.RemoteArgs()...)...)
	if r.Code == 0 || !strings.Contains(r.Stderr, "model.resources[3].scope") {
		t.Fatalf("remote CLI: %s", r)
	}
	if n := len(e.listJobs(t)); n != 0 {
		t.Fatalf("%d jobs exist after refused submits", n)
	}
	// a valid spec runs (dry run) and still sends nothing to the listener
	code, body = post(fmt.Sprintf(`{"spec":%s,"target":{"tenant_id":%q,"subscription_id":%q},"dry_run":true}`, spec(nil), target, sub))
	if code != 202 {
		t.Fatalf("valid spec: %d %s", code, body)
	}
	var jv struct{ ID string }
	_ = json.Unmarshal([]byte(body), &jv)
	deadline := time.Now().Add(60 * time.Second)
	for {
		j := e.getJob(t, jv.ID)
		if j == "succeeded" {
			break
		}
		if j == "failed" || time.Now().After(deadline) {
			t.Fatalf("valid spec dry run: %s\n%s", j, e.ServiceLog())
		}
		time.Sleep(200 * time.Millisecond)
	}
	if hits.Load() != 0 {
		t.Fatalf("%d requests reached the listener", hits.Load())
	}
}

func (e *Env) apiGet(t *testing.T, path string, out any) {
	req, _ := http.NewRequest("GET", e.ServiceURL+"/api/v1"+path, nil)
	req.Header.Set("Authorization", "Bearer "+e.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

func (e *Env) listJobs(t *testing.T) []any {
	var out struct{ Jobs []any }
	e.apiGet(t, "/jobs", &out)
	return out.Jobs
}

func (e *Env) getJob(t *testing.T, id string) string {
	var out struct{ Status string }
	e.apiGet(t, "/jobs/"+id, &out)
	return out.Status
}
