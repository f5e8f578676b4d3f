package jobs

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/cli/remote"
	"github.com/atg-go/atg/config"
)

var created = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// service fakes the jobs endpoints: job_ok (a succeeded scan with one artifact), job_bad
// (failed), anything else 404.
func service(t *testing.T, artifact []byte, listedSHA string) *httptest.Server {
	t.Helper()
	scanRes := `{"tenant_id":"t1","scan_id":"scan_1","subscriptions":2,"resources":7,"relationships":9,"identities":{"users":1,"groups":0,"service_principals":0,"applications":0},"by_type":{"microsoft.network/virtualnetworks":7},"failures":[]}`
	mux := http.NewServeMux()
	ok := remote.Job{ID: "job_ok", Type: "scan", Status: "succeeded", CreatedAt: &created, Owner: "alice", Progress: &remote.Progress{Percent: 100, Phase: "done"}}
	bad := remote.Job{ID: "job_bad", Type: "generate-iac", Status: "failed", CreatedAt: &created, Error: &remote.JobError{Code: "invalid_request", Message: "nothing to generate"}}
	mux.HandleFunc("GET /api/v1/jobs", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("limit") != "20" {
			t.Errorf("limit %q", r.URL.Query().Get("limit"))
		}
		_ = json.NewEncoder(w).Encode(remote.JobList{Jobs: []remote.Job{ok, bad}})
	})
	mux.HandleFunc("GET /api/v1/jobs/{id}", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("id") {
		case "job_ok":
			_ = json.NewEncoder(w).Encode(ok)
		case "job_bad":
			_ = json.NewEncoder(w).Encode(bad)
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":{"code":"not_found","message":"job not found"}}`))
		}
	})
	mux.HandleFunc("GET /api/v1/jobs/job_ok/result", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(scanRes)) })
	mux.HandleFunc("GET /api/v1/jobs/job_ok/artifacts", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"artifacts": []remote.Artifact{{Name: "scan-summary.json", Size: int64(len(artifact)),
			ContentType: "application/json", SHA256: listedSHA}}})
	})
	mux.HandleFunc("GET /api/v1/jobs/job_ok/artifacts/scan-summary.json", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(artifact) })
	mux.HandleFunc("POST /api/v1/jobs/job_ok/cancel", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusConflict)
		_, _ = w.Write([]byte(`{"error":{"code":"conflict","message":"job already finished"}}`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func run(t *testing.T, srv *httptest.Server, output string, tty bool, args ...string) (string, string, error) {
	t.Helper()
	return runIO(t, srv, output, tty, tty, args...)
}

// runIO runs with stdout and stderr terminals chosen separately.
func runIO(t *testing.T, srv *httptest.Server, output string, stdoutTTY, stderrTTY bool, args ...string) (string, string, error) {
	t.Helper()
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	cfg := &config.Config{ServiceURL: srv.URL, APIKey: "atg_dev_k", Output: output}
	f := &cmdutil.Factory{IO: &cmdutil.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut, StdoutTTY: stdoutTTY, StderrTTY: stderrTTY},
		Config: func() (*config.Config, error) { return cfg, nil },
		Logger: func() *slog.Logger { return slog.New(slog.DiscardHandler) }}
	cmd := NewCmdJobs(f)
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmd.Execute()
	return out.String(), errOut.String(), err
}

func TestList(t *testing.T) {
	srv := service(t, nil, "")
	out, _, err := run(t, srv, "text", false, "list")
	if err != nil || out != "job_ok\tscan\tsucceeded\t100% done\t2026-11-25T12:00:00Z\njob_bad\tgenerate-iac\tfailed\t-\t2026-11-25T12:00:00Z\n" {
		t.Fatalf("pipe: %q %v", out, err)
	}
	out, _, err = run(t, srv, "text", true, "list")
	if err != nil || !strings.HasPrefix(out, "ID ") || !strings.Contains(out, "job_ok   scan") {
		t.Fatalf("tty: %q %v", out, err)
	}
	// `atg jobs list 2>/dev/tty | cat`: stdout is a pipe, stderr a terminal — stdout decides:
	// tab-separated rows, no header.
	out, _, err = runIO(t, srv, "text", false, true, "list")
	if err != nil || out != "job_ok\tscan\tsucceeded\t100% done\t2026-11-25T12:00:00Z\njob_bad\tgenerate-iac\tfailed\t-\t2026-11-25T12:00:00Z\n" {
		t.Fatalf("stdout piped, stderr a terminal: %q %v", out, err)
	}
	// And the other way round: stdout a terminal gets the table whatever stderr is.
	if out, _, err = runIO(t, srv, "text", true, false, "list"); err != nil || !strings.HasPrefix(out, "ID ") {
		t.Fatalf("stdout a terminal, stderr piped: %q %v", out, err)
	}
	// artifacts: the header row only on a terminal stdout
	if out, _, err = runIO(t, srv, "text", false, true, "artifacts", "job_ok"); err != nil || strings.Contains(out, "NAME") || !strings.HasPrefix(out, "scan-summary.json\t") {
		t.Fatalf("artifacts piped: %q %v", out, err)
	}
	out, _, err = run(t, srv, "json", false, "list")
	var l remote.JobList
	if err != nil || json.Unmarshal([]byte(out), &l) != nil || len(l.Jobs) != 2 {
		t.Fatalf("json: %q %v", out, err)
	}
	if _, _, err := run(t, srv, "text", false, "list", "--limit", "500"); cmdutil.ExitCodeFor(err) != cmdutil.ExitUsage {
		t.Fatalf("--limit 500: %v", err)
	}
}

func TestShowCancelResult(t *testing.T) {
	srv := service(t, nil, "")
	out, _, err := run(t, srv, "text", false, "show", "job_bad")
	if err != nil || !strings.Contains(out, "status:    failed") || !strings.Contains(out, "error:     invalid_request: nothing to generate") {
		t.Fatalf("show: %q %v", out, err)
	}
	_, _, err = run(t, srv, "text", false, "show", "job_nope")
	if cmdutil.ExitCodeFor(err) != cmdutil.ExitNotFound || !strings.Contains(err.Error(), "not_found") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("show missing: %v", err)
	}
	if _, _, err := run(t, srv, "text", false, "cancel", "job_ok"); cmdutil.ExitCodeFor(err) != 1 || !strings.Contains(err.Error(), "conflict") {
		t.Fatalf("cancel finished: %v", err)
	}
	out, _, err = run(t, srv, "text", false, "result", "job_ok")
	var m map[string]any
	if err != nil || json.Unmarshal([]byte(out), &m) != nil || m["resources"] != float64(7) {
		t.Fatalf("result: %q %v", out, err)
	}
}

func TestWait(t *testing.T) {
	body := []byte(`{"resources": 7}` + "\n")
	sum := sha256.Sum256(body)
	srv := service(t, body, hex.EncodeToString(sum[:]))
	dir := filepath.Join(t.TempDir(), "out")
	out, errOut, err := run(t, srv, "text", false, "wait", "job_ok", "--output", dir)
	if err != nil || !strings.HasPrefix(out, "job job_ok succeeded\ndownloaded ") || !strings.Contains(out, "resources\t7\n") {
		t.Fatalf("wait: %q %q %v", out, errOut, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "scan-summary.json")); err != nil || !bytes.Equal(b, body) {
		t.Fatalf("download: %q %v", b, err)
	}
	out, _, err = run(t, srv, "json", false, "wait", "job_ok")
	var oc remote.Outcome
	if err != nil || json.Unmarshal([]byte(out), &oc) != nil || oc.Job.Status != "succeeded" || len(oc.Result) == 0 {
		t.Fatalf("wait json: %q %v", out, err)
	}
	out, _, err = run(t, srv, "text", false, "wait", "job_bad")
	if cmdutil.ExitCodeFor(err) != 1 || out != "job job_bad failed\n" || !strings.Contains(err.Error(), "nothing to generate") {
		t.Fatalf("failed job: %q %v", out, err)
	}
	if _, _, err := run(t, srv, "text", false, "wait", "job_ok", "--output", "a", "--output-dir", "b"); cmdutil.ExitCodeFor(err) != 2 {
		t.Fatalf("conflicting dirs: %v", err)
	}
}

func TestArtifactsDownloadVerifiesSHA(t *testing.T) {
	body := []byte(`{"resources": 7}` + "\n")
	sum := sha256.Sum256(body)
	srv := service(t, body, hex.EncodeToString(sum[:]))
	out, _, err := run(t, srv, "text", false, "artifacts", "job_ok")
	if err != nil || strings.Join(strings.Fields(out), " ") != "scan-summary.json 17 application/json "+hex.EncodeToString(sum[:]) {
		t.Fatalf("list: %q %v", out, err)
	}
	dir := t.TempDir()
	out, _, err = run(t, srv, "json", false, "artifacts", "job_ok", "--download", dir)
	var r struct{ Downloads []remote.Download }
	if err != nil || json.Unmarshal([]byte(out), &r) != nil || len(r.Downloads) != 1 || r.Downloads[0].SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("download: %q %v", out, err)
	}

	wrong := service(t, body, strings.Repeat("0", 64))
	dir = t.TempDir()
	_, _, err = run(t, wrong, "text", false, "artifacts", "job_ok", "--download", dir)
	if cmdutil.ExitCodeFor(err) != 1 || !strings.Contains(err.Error(), "sha256 mismatch") {
		t.Fatalf("mismatch: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "scan-summary.json")); !os.IsNotExist(err) {
		t.Fatal("a mismatching download was left behind")
	}
}
