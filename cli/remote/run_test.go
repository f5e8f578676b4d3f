package remote

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/config"
)

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// jobService serves one succeeded generate-iac job whose artifact is zipBody.
func jobService(t *testing.T, zipBody []byte) *httptest.Server {
	t.Helper()
	sum := sha256.Sum256(zipBody)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/generate-iac", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		_ = json.NewEncoder(w).Encode(Job{ID: "job_g", Type: "generate-iac", Status: "queued"})
	})
	mux.HandleFunc("GET /api/v1/jobs/job_g", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(Job{ID: "job_g", Type: "generate-iac", Status: "succeeded"})
	})
	mux.HandleFunc("GET /api/v1/jobs/job_g/result", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"artifact":"iac-terraform.zip","files":2}`))
	})
	mux.HandleFunc("GET /api/v1/jobs/job_g/artifacts", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"artifacts": []Artifact{{Name: "iac-terraform.zip", Size: int64(len(zipBody)), SHA256: hex.EncodeToString(sum[:])}}})
	})
	mux.HandleFunc("GET /api/v1/jobs/job_g/artifacts/iac-terraform.zip", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(zipBody) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func genSpec(dir string, noWait bool) JobSpec {
	return JobSpec{
		Submit: func(ctx context.Context, c *Client, key string) (Job, error) {
			return c.SubmitGenerateIaC(ctx, GenerateIaCRequest{TenantID: "t", Format: "terraform"}, key)
		},
		Run: RunOptions{OutputDir: dir, ExtractZips: true, NoWait: noWait},
	}
}

func TestRunJobExtractsZipAndPrintsResult(t *testing.T) {
	srv := jobService(t, zipOf(t, map[string]string{"main.tf": "resource {}\n", "rg-a/vars.tf": "variable {}\n"}))
	var out, errOut bytes.Buffer
	ios := &cmdutil.IOStreams{Out: &out, ErrOut: &errOut}
	dir := t.TempDir()
	cfg := &config.Config{ServiceURL: srv.URL, APIKey: "atg_dev_k", Output: "text"}
	if err := RunJob(context.Background(), ios, cfg, &Flags{}, nil, genSpec(dir, false)); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	for name, want := range map[string]string{"main.tf": "resource {}\n", "rg-a/vars.tf": "variable {}\n"} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(b) != want {
			t.Fatalf("%s: %q %v", name, b, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "iac-terraform.zip")); !os.IsNotExist(err) {
		t.Fatal("the zip should be removed after extraction")
	}
	if !strings.Contains(out.String(), `"files": 2`) || !strings.Contains(errOut.String(), "extracted 2 files") {
		t.Fatalf("out %q err %q", out.String(), errOut.String())
	}
	// --no-wait: the id (text) or the job (json), nothing followed
	out.Reset()
	if err := RunJob(context.Background(), ios, cfg, &Flags{}, nil, genSpec("", true)); err != nil || out.String() != "job_g\n" {
		t.Fatalf("no-wait: %q %v", out.String(), err)
	}
	out.Reset()
	cfg.Output = "json"
	var j Job
	if err := RunJob(context.Background(), ios, cfg, &Flags{}, nil, genSpec("", true)); err != nil || json.Unmarshal(out.Bytes(), &j) != nil || j.ID != "job_g" {
		t.Fatalf("no-wait json: %q %v", out.String(), err)
	}
	// the client needs its settings: a usage error naming the missing one
	err := RunJob(context.Background(), ios, &config.Config{}, &Flags{}, nil, genSpec("", false))
	if cmdutil.ExitCodeFor(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "service URL") {
		t.Fatalf("missing url: %v", err)
	}
	err = RunJob(context.Background(), ios, &config.Config{ServiceURL: srv.URL}, &Flags{Remote: true, Local: true}, nil, genSpec("", false))
	if cmdutil.ExitCodeFor(err) != cmdutil.ExitUsage {
		t.Fatalf("--remote --local: %v", err)
	}
}

func TestExtractZipRefusesEscapes(t *testing.T) {
	srv := jobService(t, zipOf(t, map[string]string{"../evil.tf": "x"}))
	base := t.TempDir()
	dir := filepath.Join(base, "out")
	c := NewClient(srv.URL, "k")
	_, err := Follow(context.Background(), &cmdutil.IOStreams{Out: io.Discard, ErrOut: io.Discard}, c, "job_g", RunOptions{OutputDir: dir, ExtractZips: true})
	if err == nil || !strings.Contains(err.Error(), "escapes the output directory") {
		t.Fatalf("want an escape error, got %v", err)
	}
	if _, err := os.Stat(filepath.Join(base, "evil.tf")); !os.IsNotExist(err) {
		t.Fatal("a zip entry was written outside the output directory")
	}
}
