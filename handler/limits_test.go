package handler

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/atg-go/atg/handler/auth"
	"github.com/atg-go/atg/handler/httpapi"
	"github.com/atg-go/atg/handler/jobs"
)

// stalledStore is a job store whose storage stopped answering: every call waits for its
// context (what a paused Azurite does to the SDK).
type stalledStore struct{ jobs.Store }

func (stalledStore) List(ctx context.Context, q jobs.ListQuery) ([]jobs.Job, string, error) {
	<-ctx.Done()
	return nil, "", ctx.Err()
}

func (stalledStore) Get(ctx context.Context, owner, id string) (jobs.Job, error) {
	<-ctx.Done()
	return jobs.Job{}, ctx.Err()
}

func TestStorageStalledAnswers503(t *testing.T) {
	f := newFixture(t, func(d *httpapi.Deps) { d.StorageDeadline = 300 * time.Millisecond })
	f.b.Jobs = stalledStore{f.b.Jobs}
	start := time.Now()
	r := f.do("GET", "/api/v1/jobs", f.keys["alice"], "")
	if el := time.Since(start); r.code != 503 || r.header.Get("Retry-After") == "" || r.errCode(t) != "unavailable" || el > 5*time.Second {
		t.Fatalf("stalled storage: %d %v %s after %s", r.code, r.header, r.body, el)
	}
	if r := f.do("GET", "/api/v1/jobs/job_7YBQK0A9DZ766NCR7JS51ZNMFM", f.keys["alice"], ""); r.code != 503 || r.header.Get("Retry-After") == "" {
		t.Fatalf("stalled get: %d %s", r.code, r.body)
	}
}

func TestActiveJobCap(t *testing.T) {
	f := newFixture(t, func(d *httpapi.Deps) { d.MaxActiveJobs = 2 })
	f.submitScan(t, "alice")
	f.submitScan(t, "alice")
	r := f.do("POST", "/api/v1/scan", f.keys["alice"], `{"tenant_id":"`+tenant+`"}`)
	if r.code != 429 || r.header.Get("Retry-After") == "" || r.errCode(t) != "rate_limited" {
		t.Fatalf("third active job: %d %v %s", r.code, r.header, r.body)
	}
	if n := len(f.q.Drain()); n != 2 {
		t.Fatalf("%d jobs queued, want 2", n)
	}
	// another key is not affected
	f.submitScan(t, "bob")
}

func TestAnonymousRateLimit(t *testing.T) {
	f := newFixture(t, func(d *httpapi.Deps) { d.AnonLimiter = auth.NewLimiter(0.001, 3) })
	codes := []int{}
	for i := 0; i < 5; i++ {
		codes = append(codes, f.do("GET", "/api/v1/jobs", "", "").code)
	}
	if codes[0] != 401 || codes[2] != 401 || codes[3] != 429 || codes[4] != 429 {
		t.Fatalf("codes %v", codes)
	}
	// a valid key is not limited by the address bucket
	if r := f.do("GET", "/api/v1/jobs", f.keys["alice"], ""); r.code != 200 {
		t.Fatalf("with a key: %d", r.code)
	}
}

type countingPinger struct{ n atomic.Int32 }

func (c *countingPinger) Ping(context.Context) error { c.n.Add(1); return nil }

func TestHealthCached(t *testing.T) {
	p := &countingPinger{}
	f := newFixture(t, func(d *httpapi.Deps) { d.Graph = p })
	for i := 0; i < 5; i++ {
		if r := f.do("GET", "/api/v1/health", "", ""); r.code != 200 || !strings.Contains(string(r.body), `"status":"ok"`) {
			t.Fatalf("health: %d %s", r.code, r.body)
		}
	}
	if n := p.n.Load(); n != 1 {
		t.Fatalf("graph pinged %d times for 5 health requests", n)
	}
}

func TestEncodedSlashNotRouted(t *testing.T) {
	f := newFixture(t)
	id := f.submitScan(t, "alice")
	for _, path := range []string{"/api/v1/jobs/" + id + "%2Fresult", "/api/v1/jobs/" + id + "%2fartifacts", "/api/v1/jobs%2F" + id} {
		if r := f.do("GET", path, f.keys["alice"], ""); r.code != 404 || r.errCode(t) != "not_found" {
			t.Fatalf("%s: %d %s", path, r.code, r.body)
		}
	}
	if r := f.do("GET", "/api/v1/jobs/"+id, f.keys["alice"], ""); r.code != 200 {
		t.Fatalf("plain path: %d", r.code)
	}
}

type slowReader struct {
	r     io.Reader
	delay time.Duration
	slept bool
}

func (s *slowReader) Read(p []byte) (int, error) {
	if !s.slept {
		time.Sleep(s.delay)
		s.slept = true
	}
	return s.r.Read(p)
}

// TestSlowUploadNotCountedAsStorageTime: a body that takes longer than the storage deadline to
// arrive still gets its job; the deadline covers the storage calls after it.
func TestSlowUploadNotCountedAsStorageTime(t *testing.T) {
	f := newFixture(t, func(d *httpapi.Deps) { d.StorageDeadline = 100 * time.Millisecond; d.MaxActiveJobs = 5 })
	f.b.Jobs = ctxStore{f.b.Jobs}
	body := `{"tenant_id":"` + tenant + `"}`
	req := httptest.NewRequest("POST", "/api/v1/scan", &slowReader{r: strings.NewReader(body), delay: 300 * time.Millisecond})
	req.ContentLength = int64(len(body)) // a slow upload still declares its length (chunked bodies are 411)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+f.keys["alice"])
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	if rec.Code != 202 {
		t.Fatalf("slow upload: %d %s", rec.Code, rec.Body)
	}
}

// ctxStore is the memory store honouring cancellation like a real one.
type ctxStore struct{ jobs.Store }

func (c ctxStore) Create(ctx context.Context, j jobs.Job) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return c.Store.Create(ctx, j)
}

func (c ctxStore) List(ctx context.Context, q jobs.ListQuery) ([]jobs.Job, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	return c.Store.List(ctx, q)
}
