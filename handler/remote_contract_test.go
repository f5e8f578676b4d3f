package handler

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/atg-go/atg/cli/remote"
	"github.com/atg-go/atg/handler/executors"
	"github.com/atg-go/atg/handler/jobs"
)

// TestRemoteClientContract drives this API with the CLI's RemoteClient: what the client
// decodes (jobs, lists, errors, artifacts) is what the service sends.
func TestRemoteClientContract(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(f.h)
	defer srv.Close()
	ctx := t.Context()
	alice := remote.NewClient(srv.URL, f.keys["alice"])
	bob := remote.NewClient(srv.URL, f.keys["bob"])
	alice.MaxRetries, bob.MaxRetries = 0, 0

	idem := remote.NewIdempotencyKey()
	j1, err := alice.SubmitScan(ctx, remote.ScanRequest{TenantID: tenant}, idem)
	if err != nil {
		t.Fatal(err)
	}
	j2, err := alice.SubmitScan(ctx, remote.ScanRequest{TenantID: tenant}, idem)
	if err != nil || j2.ID != j1.ID || j1.Status != "queued" || j1.Owner != "alice" || j1.Links["self"] == "" || j1.CreatedAt == nil {
		t.Fatalf("submit/replay: %+v %+v %v", j1, j2, err)
	}
	var apiErr *remote.APIError
	if _, err := alice.Result(ctx, j1.ID); !errors.As(err, &apiErr) || apiErr.Code != "job_not_finished" || apiErr.Status != 409 || apiErr.RequestID == "" {
		t.Fatalf("result while queued: %v", err)
	}
	if _, err := bob.GetJob(ctx, j1.ID); !errors.As(err, &apiErr) || apiErr.Code != "not_found" {
		t.Fatalf("other user's job: %v", err)
	}
	if _, err := alice.SubmitGenerateIaC(ctx, remote.GenerateIaCRequest{TenantID: tenant, Format: "terraform"}, ""); !errors.As(err, &apiErr) || apiErr.Code != "not_implemented" {
		t.Fatalf("generate-iac without executor: %v", err)
	}
	if _, err := alice.SubmitScan(ctx, remote.ScanRequest{TenantID: "nope"}, ""); !errors.As(err, &apiErr) || apiErr.Code != "invalid_request" ||
		!strings.Contains(apiErr.Error(), "tenant_id") {
		t.Fatalf("invalid: %v", err)
	}
	list, err := alice.ListJobs(ctx, remote.ListOptions{Status: "queued", Limit: 5})
	if err != nil || len(list.Jobs) != 1 || list.Jobs[0].ID != j1.ID {
		t.Fatalf("list: %+v %v", list, err)
	}
	// finish it with a result and an artifact
	_, _ = f.b.Jobs.Update(ctx, "alice", j1.ID, func(j *jobs.Job) error {
		_ = j.Transition(jobs.Running, time.Now())
		j.Result = json.RawMessage(`{"resources":7}`)
		return j.Transition(jobs.Succeeded, time.Now())
	})
	a, _ := f.b.Artifacts.Put(ctx, j1.ID, executors.ScanArtifact, "application/json", strings.NewReader(`{"resources":7}`+"\n"))
	res, err := alice.Result(ctx, j1.ID)
	if err != nil || string(res) != `{"resources":7}` {
		t.Fatalf("result: %s %v", res, err)
	}
	arts, err := alice.Artifacts(ctx, j1.ID)
	if err != nil || len(arts) != 1 || arts[0].SHA256 != a.SHA256 || arts[0].URL == "" {
		t.Fatalf("artifacts: %+v %v", arts, err)
	}
	var buf bytes.Buffer
	sum, n, err := alice.DownloadArtifact(ctx, j1.ID, executors.ScanArtifact, &buf)
	if err != nil || sum != a.SHA256 || n != a.Size {
		t.Fatalf("download: %s %d %v", sum, n, err)
	}
	if _, err := alice.Cancel(ctx, j1.ID); !errors.As(err, &apiErr) || apiErr.Code != "conflict" {
		t.Fatalf("cancel finished: %v", err)
	}
	h, err := alice.Health(ctx)
	if err != nil || h.Status == "" || h.Environment != "dev" || h.Checks["storage"] != "ok" {
		t.Fatalf("health: %+v %v", h, err)
	}
}
