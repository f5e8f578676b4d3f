package handler

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/atg-go/atg/handler/worker"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/cli/remote"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/handler/executors"
	"github.com/atg-go/atg/handler/jobs"
)

// TestPostureJob runs POST /posture with the real executor over a small graph: the job
// succeeds with the three reports as artifacts; bad requests are 400; an empty tenant fails
// permanently with not_found.
func TestPostureJob(t *testing.T) {
	ctx := context.Background()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "g.db"), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	if err := st.Init(ctx); err != nil {
		t.Fatal(err)
	}
	kvID := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-weak"
	kv := graph.Node{Label: graph.LabelResource, ID: kvID, Props: map[string]any{"id": kvID, "name": "kv-weak", "type": "microsoft.keyvault/vaults",
		"properties": map[string]any{"enableSoftDelete": false, "publicNetworkAccess": "Enabled"}}}
	if err := st.UpsertNodes(ctx, tenant, "scan-1", []graph.Node{kv}); err != nil {
		t.Fatal(err)
	}
	h := newHostFixture(t)
	h.deps.Executors.(*worker.Registry).RegisterRunner(jobs.TypePosture, &executors.PostureExecutor{Store: st})
	for _, bad := range []string{`{"tenant_id":"nope"}`, `{"tenant_id":"` + tenant + `","rules":["DROP TABLE"]}`, `{"tenant_id":"` + tenant + `","max_paths":-5}`, `{"tenant_id":"` + tenant + `","extra":1}`} {
		if r := h.do("POST", "/api/v1/posture", h.keys["alice"], bad); r.code != 400 {
			t.Errorf("%s: %d %s", bad, r.code, r.body)
		}
	}
	resp := h.do("POST", "/api/v1/posture", h.keys["alice"], `{"tenant_id":"`+strings.ToUpper(tenant)+`","rules":["atg-dp-001","ATG-NET-008"]}`)
	if resp.code != 202 {
		t.Fatalf("submit: %d %s", resp.code, resp.body)
	}
	id := resp.json(t)["id"].(string)
	if code, _ := h.invoke(t, FunctionJobsWorker, payload(t, "queue-double-encoded.json", h.q.Drain()[0], 1)); code != 200 {
		t.Fatal("run failed")
	}
	j := h.job(t, id)
	if j.Status != jobs.Succeeded {
		t.Fatalf("posture job: %s %+v", j.Status, j.Error)
	}
	var res executors.PostureResult
	if err := json.Unmarshal(j.Result, &res); err != nil || res.Findings != 2 || res.RulesRun != 2 || len(res.Artifacts) != 3 {
		t.Fatalf("result %s (%v)", j.Result, err)
	}
	arts := h.do("GET", "/api/v1/jobs/"+id+"/artifacts", h.keys["alice"], "")
	for _, name := range []string{"posture.md", "posture.json", "posture.sarif"} {
		if !strings.Contains(string(arts.body), name) {
			t.Errorf("artifacts lack %s: %s", name, arts.body)
		}
	}
	sarif := h.do("GET", "/api/v1/jobs/"+id+"/artifacts/posture.sarif", h.keys["alice"], "")
	if sarif.code != 200 || !strings.Contains(string(sarif.body), `"ATG-DP-001"`) {
		t.Errorf("sarif artifact: %d %.200s", sarif.code, sarif.body)
	}
	// another tenant is outside alice's scope (403); an admin's job on a tenant without a
	// graph fails permanently
	if r := h.do("POST", "/api/v1/posture", h.keys["alice"], `{"tenant_id":"99999999-2222-3333-4444-555555555555"}`); r.code != 403 {
		t.Errorf("posture of a tenant outside the key's scope: %d %s", r.code, r.body)
	}
	resp = h.do("POST", "/api/v1/posture", h.keys["root"], `{"tenant_id":"99999999-2222-3333-4444-555555555555"}`)
	id = resp.json(t)["id"].(string)
	if code, _ := h.invoke(t, FunctionJobsWorker, payload(t, "queue-double-encoded.json", h.q.Drain()[0], 1)); code != 200 {
		t.Fatal("a permanent failure must be acknowledged")
	}
	if j := h.job(t, id); j.Status != jobs.Failed || j.Error.Code != "not_found" {
		t.Fatalf("empty tenant: %s %+v", j.Status, j.Error)
	}
	// the CLI's remote client speaks the same contract
	srv := httptest.NewServer(h.h)
	defer srv.Close()
	c := remote.NewClient(srv.URL, h.keys["alice"])
	c.MaxRetries = 0
	if j, err := c.SubmitPosture(ctx, remote.PostureRequest{TenantID: tenant, Rules: []string{"ATG-LOG-001"}}, ""); err != nil || j.Type != jobs.TypePosture || j.Status != "queued" {
		t.Fatalf("remote submit: %+v %v", j, err)
	}
	var apiErr *remote.APIError
	if _, err := c.SubmitPosture(ctx, remote.PostureRequest{TenantID: tenant, MaxPaths: 99999}, ""); !errors.As(err, &apiErr) || apiErr.Code != "invalid_request" {
		t.Fatalf("remote invalid: %v", err)
	}
}
