package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/cli/remote"
	"github.com/atg-go/atg/cli/shared/clitest"
	"github.com/atg-go/atg/config"
	enginescan "github.com/atg-go/atg/engine/scan"
)

func parse(t *testing.T, cfg config.Config, argv ...string) (*Options, error) {
	t.Helper()
	f, _, _ := clitest.Factory(&cfg, false)
	var got *Options
	cmd := NewCmdScan(f, func(o *Options) error { got = o; return nil })
	cmd.SetArgs(argv)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	return got, cmd.Execute()
}

func TestArgvToOptionsRemote(t *testing.T) {
	o, err := parse(t, config.Config{}, "--remote", "--tenant-id", "T", "--subscription", "s1", "--resource-group", "rg-*",
		"--no-identities", "--no-rbac", "--output", "out", "--no-wait", "--cancel-on-interrupt", "--service-url", "http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	if !o.IsRemote || o.OutputDir != "out" || !o.Follow.NoWait || !o.Follow.CancelOnInterrupt || o.Remote.ServiceURL != "http://127.0.0.1:1" {
		t.Fatalf("options %+v", o)
	}
	req := o.ScanRequest()
	b, _ := json.Marshal(req)
	if string(b) != `{"tenant_id":"T","subscription_ids":["s1"],"resource_groups":["rg-*"],"include_identities":false,"include_rbac":false}` {
		t.Fatalf("POST /scan body %s", b)
	}
	if b, _ := json.Marshal((&Options{TenantID: "T"}).ScanRequest()); string(b) != `{"tenant_id":"T"}` {
		t.Fatalf("defaults must be left to the service: %s", b)
	}

	// local-only flags are ignored with a warning in remote mode
	{
		cfg := config.Config{}
		f, _, errOut := clitest.Factory(&cfg, false)
		cmd := NewCmdScan(f, func(o *Options) error { return nil })
		cmd.SetArgs([]string{"--remote", "--tenant-id", "T", "--concurrency", "4"})
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		if err := cmd.Execute(); err != nil || !strings.Contains(errOut.String(), "warning: --concurrency applies to local scans only") {
			t.Fatalf("warning: %q %v", errOut.String(), err)
		}
	}

	// -o json stays the format while --output names the directory
	o, err = parse(t, config.Config{}, "--tenant-id", "T", "--output", "d1", "-o", "json")
	if err != nil || o.OutputDir != "d1" || o.IsRemote {
		t.Fatalf("%+v %v", o, err)
	}
	o, err = parse(t, config.Config{}, "--tenant-id", "T", "--output-dir", "d2")
	if err != nil || o.OutputDir != "d2" {
		t.Fatalf("--output-dir: %+v %v", o, err)
	}

	// the mode: ATG_REMOTE / profile, --local wins; the profile's tenant is the default
	prof := config.Config{ActiveProfile: "int", Profiles: map[string]config.Profile{"int": {Remote: true, TenantID: "PT"}}, TenantID: "CT"}
	if o, err := parse(t, prof); err != nil || !o.IsRemote || o.TenantID != "PT" {
		t.Fatalf("profile: %+v %v", o, err)
	}
	if o, err := parse(t, prof, "--local"); err != nil || o.IsRemote || o.TenantID != "CT" {
		t.Fatalf("--local: %+v %v", o, err)
	}
	if o, err := parse(t, prof, "--tenant-id", "X"); err != nil || o.TenantID != "X" {
		t.Fatalf("flag beats profile: %+v %v", o, err)
	}
	if o, err := parse(t, config.Config{Remote: "1", TenantID: "CT"}); err != nil || !o.IsRemote || o.TenantID != "CT" {
		t.Fatalf("ATG_REMOTE: %+v %v", o, err)
	}

	for _, tc := range []struct {
		argv []string
		want string
	}{
		{[]string{"--tenant-id", "T", "--no-wait"}, "--no-wait needs remote mode"},
		{[]string{"--tenant-id", "T", "--cancel-on-interrupt"}, "--cancel-on-interrupt needs remote mode"},
		{[]string{"--tenant-id", "T", "--remote", "--local"}, "--remote and --local exclude each other"},
		{[]string{"--tenant-id", "T", "--output", "a", "--output-dir", "b"}, "different directories"},
		{[]string{"--remote"}, "--tenant-id is required"},
	} {
		_, err := parse(t, config.Config{}, tc.argv...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want %q", tc.argv, err, tc.want)
		}
		var ue *cmdutil.UsageError
		if err != nil && !errors.As(err, &ue) {
			t.Errorf("%v: not a usage error: %v", tc.argv, err)
		}
	}
}

// fakeService is a minimal /api/v1 for one scan job.
type fakeService struct {
	mu     sync.Mutex
	polls  int
	body   map[string]any
	status string // final status
	result []byte
	posts  int
}

func (s *fakeService) handler(t *testing.T) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/scan", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.posts++
		if r.Header.Get("Idempotency-Key") == "" {
			t.Errorf("submit without Idempotency-Key")
		}
		_ = json.NewDecoder(r.Body).Decode(&s.body)
		w.WriteHeader(http.StatusAccepted)
		_ = json.NewEncoder(w).Encode(remote.Job{ID: "job_1", Type: "scan", Status: "queued"})
	})
	mux.HandleFunc("GET /api/v1/jobs/job_1", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.polls++
		j := remote.Job{ID: "job_1", Type: "scan", Status: "running", Progress: &remote.Progress{Percent: 30 * s.polls, Phase: "discover",
			Counts: map[string]int{"resources": 2 * s.polls}}}
		if s.polls >= 3 {
			j.Status = api.JobStatus(s.status)
			if s.status == "failed" {
				j.Error = &remote.JobError{Code: "internal", Message: "engine exploded"}
			}
		}
		_ = json.NewEncoder(w).Encode(j)
	})
	mux.HandleFunc("GET /api/v1/jobs/job_1/result", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(s.result) })
	mux.HandleFunc("GET /api/v1/jobs/job_1/artifacts", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"artifacts": []remote.Artifact{}})
	})
	return mux
}

func runRemote(t *testing.T, cfg config.Config, tty bool, o Options, svc *fakeService) (string, string, error) {
	t.Helper()
	srv := httptest.NewServer(svc.handler(t))
	defer srv.Close()
	f, out, errOut := clitest.Factory(&cfg, tty)
	o.IO, o.Config, o.Logger, o.IsRemote = f.IO, f.Config, f.Logger, true
	o.Client = func(*config.Config) (*remote.Client, error) {
		c := remote.NewClient(srv.URL, "atg_dev_k")
		c.Sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
		return c, nil
	}
	err := scanRun(context.Background(), &o)
	return out.String(), errOut.String(), err
}

func TestRemoteOutputSameAsLocal(t *testing.T) {
	res, _ := json.Marshal(sample)
	for _, tty := range []bool{false, true} {
		for _, format := range []string{"text", "json"} {
			svc := &fakeService{status: "succeeded", result: res}
			rout, rerr, err := runRemote(t, config.Config{Output: format}, tty, Options{TenantID: "t1", NoRBAC: true}, svc)
			if err != nil {
				t.Fatalf("tty=%v %s: %v", tty, format, err)
			}
			lout, _, err := runWith(t, config.Config{Output: format}, tty, sample)
			if err != nil {
				t.Fatal(err)
			}
			if rout != lout {
				t.Fatalf("tty=%v %s: remote output differs from local:\n--- remote\n%s--- local\n%s", tty, format, rout, lout)
			}
			if !strings.Contains(rerr, "job_1") {
				t.Fatalf("no progress on stderr: %q", rerr)
			}
			if !tty && !strings.Contains(rerr, "discover") {
				t.Fatalf("progress lines missing the phase: %q", rerr)
			}
			if svc.body["include_rbac"] != false || svc.body["tenant_id"] != "t1" || svc.posts != 1 {
				t.Fatalf("request body %v (posts %d)", svc.body, svc.posts)
			}
		}
	}
}

func TestRemoteNoWait(t *testing.T) {
	out, errOut, err := runRemote(t, config.Config{Output: "text"}, false, Options{TenantID: "t1", Follow: remote.RunOptions{NoWait: true}}, &fakeService{})
	if err != nil || out != "job_1\n" || !strings.Contains(errOut, "atg jobs wait job_1") {
		t.Fatalf("text: %q %q %v", out, errOut, err)
	}
	out, _, err = runRemote(t, config.Config{Output: "json"}, false, Options{TenantID: "t1", Follow: remote.RunOptions{NoWait: true}}, &fakeService{})
	var j remote.Job
	if err != nil || json.Unmarshal([]byte(out), &j) != nil || j.ID != "job_1" || j.Status != "queued" {
		t.Fatalf("json: %q %v", out, err)
	}
}

func TestRemoteFailedJobExitOne(t *testing.T) {
	out, _, err := runRemote(t, config.Config{Output: "text"}, false, Options{TenantID: "t1"}, &fakeService{status: "failed"})
	if cmdutil.ExitCodeFor(err) != 1 || !strings.Contains(err.Error(), "job_1 failed: internal: engine exploded") || out != "" {
		t.Fatalf("exit %d err %v out %q", cmdutil.ExitCodeFor(err), err, out)
	}
	// a succeeded scan that reports failures exits 1 like the local one
	res := sample
	res.Failures = []enginescan.Failure{{Scope: "s1", ID: "/subscriptions/s1", Code: "InternalServerError", Message: "HTTP 500"}}
	b, _ := json.Marshal(res)
	out, errOut, err := runRemote(t, config.Config{Output: "text"}, false, Options{TenantID: "t1"}, &fakeService{status: "succeeded", result: b})
	if cmdutil.ExitCodeFor(err) != 1 || !strings.Contains(out, "failure\ts1") || !strings.Contains(errOut, "1 failure(s)") {
		t.Fatalf("exit %d out %q err %q", cmdutil.ExitCodeFor(err), out, errOut)
	}
}

func TestLocalOutputDirWritesSummary(t *testing.T) {
	cfg := config.Config{Output: "text"}
	f, _, _ := clitest.Factory(&cfg, false)
	dir := filepath.Join(t.TempDir(), "out")
	o := &Options{IO: f.IO, Config: f.Config, Logger: f.Logger, TenantID: "t1", Concurrency: 4, OutputDir: dir,
		Run: func(context.Context, *Options, func(enginescan.Progress)) (enginescan.Result, error) {
			return sample, nil
		}}
	if err := scanRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, SummaryFile))
	if err != nil || !bytes.Contains(b, []byte(`"resources": 3`)) || !slices.Contains([]byte{b[len(b)-1]}, '\n') {
		t.Fatalf("%s %v", b, err)
	}
}
