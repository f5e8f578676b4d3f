package remote

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// The Functions host forwards a request body only when Content-Length > 0 (and the service
// answers 411 to chunked bodies): every request of the client carries a Content-Length.
func TestClientAlwaysSendsContentLength(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.ContentLength < 0 || len(r.TransferEncoding) > 0 {
			t.Errorf("%s %s without Content-Length (transfer encoding %v)", r.Method, r.URL.Path, r.TransferEncoding)
		}
		seen[r.Method+" "+r.URL.Path] = r.Header.Get("Content-Length")
		_ = json.NewEncoder(w).Encode(Job{ID: "job_1", Type: "scan", Status: "queued"})
	}))
	defer srv.Close()
	c := NewClient(srv.URL, "atg_dev_k")
	ctx := context.Background()
	if _, err := c.SubmitScan(ctx, ScanRequest{TenantID: "t"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Cancel(ctx, "job_1"); err != nil {
		t.Fatal(err)
	}
	if seen["POST /api/v1/scan"] == "" || seen["POST /api/v1/scan"] == "0" || seen["POST /api/v1/jobs/job_1/cancel"] != "0" {
		t.Fatalf("Content-Length headers: %v", seen)
	}
}
