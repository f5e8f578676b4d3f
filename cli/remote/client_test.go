package remote

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/cli/cmdutil"
)

func noSleep(ctx context.Context, d time.Duration) error { return ctx.Err() }

// A service that answers 503 twice, then creates the job: the client retries with the same
// Idempotency-Key, so the service sees one logical submit.
func TestSubmitRetries503WithOneIdempotencyKey(t *testing.T) {
	var mu sync.Mutex
	keys := map[string]int{}
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if r.Header.Get("Authorization") != "Bearer atg_dev_k" {
			t.Errorf("missing bearer key")
		}
		k := r.Header.Get("Idempotency-Key")
		keys[k]++
		if calls <= 2 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"error":{"code":"unavailable","message":"storage down"}}`))
			return
		}
		w.WriteHeader(http.StatusAccepted)
		_ = json.NewEncoder(w).Encode(Job{ID: "job_1", Type: "scan", Status: "queued"})
	}))
	defer srv.Close()
	c := NewClient(srv.URL, "atg_dev_k")
	c.Sleep = noSleep
	j, err := c.SubmitScan(context.Background(), ScanRequest{TenantID: "t"}, NewIdempotencyKey())
	if err != nil {
		t.Fatal(err)
	}
	if j.ID != "job_1" || calls != 3 {
		t.Fatalf("job %q after %d calls", j.ID, calls)
	}
	if len(keys) != 1 {
		t.Fatalf("want one idempotency key across retries, got %v", keys)
	}
}

func TestAPIErrorIsReadable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-9")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":{"code":"unauthorized","message":"invalid API key"}}`))
	}))
	defer srv.Close()
	c := NewClient(srv.URL, "atg_dev_wrong")
	_, err := c.GetJob(context.Background(), "job_1")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 401 || ae.Code != "unauthorized" || ae.RequestID != "req-9" {
		t.Fatalf("got %#v", err)
	}
	if bytes.Contains([]byte(err.Error()), []byte("\n")) {
		t.Fatalf("error should be one line: %q", err)
	}
	if cmdutil.ExitCodeFor(err) != cmdutil.ExitAuth {
		t.Fatalf("exit code %d", cmdutil.ExitCodeFor(err))
	}
}

func TestFollowDownloadsAndVerifiesSHA(t *testing.T) {
	body := []byte(`{"resources": 3}`)
	sum := sha256.Sum256(body)
	polls := 0
	bad := false
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/jobs/job_1", func(w http.ResponseWriter, r *http.Request) {
		polls++
		st := "running"
		if polls >= 3 {
			st = "succeeded"
		}
		_ = json.NewEncoder(w).Encode(Job{ID: "job_1", Status: api.JobStatus(st), Progress: &Progress{Percent: polls * 30, Phase: "discover"}})
	})
	mux.HandleFunc("GET /api/v1/jobs/job_1/result", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) })
	mux.HandleFunc("GET /api/v1/jobs/job_1/artifacts", func(w http.ResponseWriter, r *http.Request) {
		h := hex.EncodeToString(sum[:])
		if bad {
			h = "00"
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"artifacts": []Artifact{{Name: "scan-summary.json", Size: int64(len(body)), SHA256: h}}})
	})
	mux.HandleFunc("GET /api/v1/jobs/job_1/artifacts/scan-summary.json", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := NewClient(srv.URL, "k")
	c.Sleep = noSleep
	var errBuf bytes.Buffer
	ios := &cmdutil.IOStreams{Out: &bytes.Buffer{}, ErrOut: &errBuf}
	dir := t.TempDir()
	out, err := Follow(context.Background(), ios, c, "job_1", RunOptions{OutputDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "scan-summary.json"))
	if err != nil || !bytes.Equal(got, body) || string(out.Result) != string(body) {
		t.Fatalf("download %q result %q err %v", got, out.Result, err)
	}
	if !bytes.Contains(errBuf.Bytes(), []byte("discover")) {
		t.Fatalf("progress not reported: %q", errBuf.String())
	}
	bad, polls = true, 5
	dir2 := t.TempDir()
	if _, err := Follow(context.Background(), ios, c, "job_1", RunOptions{OutputDir: dir2}); err == nil {
		t.Fatal("sha256 mismatch not detected")
	}
	if _, err := os.Stat(filepath.Join(dir2, "scan-summary.json")); !os.IsNotExist(err) {
		t.Fatal("a mismatching download must not be left behind")
	}
}

func TestFollowInterruptLeavesJobRunning(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			t.Errorf("must not cancel without --cancel-on-interrupt")
		}
		_ = json.NewEncoder(w).Encode(Job{ID: "job_2", Status: "running"})
	}))
	defer srv.Close()
	c := NewClient(srv.URL, "k")
	ctx, cancel := context.WithCancel(context.Background())
	c.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	var errBuf bytes.Buffer
	_, err := Follow(ctx, &cmdutil.IOStreams{Out: &bytes.Buffer{}, ErrOut: &errBuf}, c, "job_2", RunOptions{})
	if cmdutil.ExitCodeFor(err) != cmdutil.ExitInterrupted {
		t.Fatalf("exit code %d (%v)", cmdutil.ExitCodeFor(err), err)
	}
	if !bytes.Contains(errBuf.Bytes(), []byte("atg jobs wait job_2")) {
		t.Fatalf("no resume hint: %q", errBuf.String())
	}
}
