package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/atg-go/atg/cli/remote"
	"github.com/atg-go/atg/engine/graph/graphtest"
	"github.com/atg-go/atg/engine/graph/stores"
	enginescan "github.com/atg-go/atg/engine/scan"
	"github.com/atg-go/atg/internal/atgbin"
	"github.com/atg-go/atg/internal/testenv"
	"github.com/atg-go/atg/sim"
)

func TestMain(m *testing.M) {
	code := m.Run()
	atgbin.Remove()
	os.Exit(code)
}

func decodeScan(t *testing.T, r Result) enginescan.Result {
	t.Helper()
	var res enginescan.Result
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil {
		t.Fatalf("stdout is not a scan result: %v\n%s", err, r)
	}
	return res
}

// counts is what a local and a remote scan of one tenant must agree on.
func counts(r enginescan.Result) map[string]any {
	return map[string]any{"tenant": r.TenantID, "subscriptions": r.Subscriptions, "resources": r.Resources,
		"relationships": r.Relationships, "identities": r.Identities, "role_assignments": r.RoleAssignments,
		"by_type": r.ByType, "failures": len(r.Failures)}
}

// `atg scan --remote` reports the same counts as the local scan of the same simulated tenant,
// prints the same summary (JSON and text), and --output DIR receives scan-summary.json.
func TestRemoteScanMatchesLocal(t *testing.T) {
	e := Start(t, Options{Sim: sim.Options{Resources: 250, Subscriptions: 3, Seed: 4}})
	ctx := t.Context()
	local := e.Run(ctx, append(e.LocalScanArgs(filepath.Join(e.Dir, "local.db")), "-o", "json", "--log-level", "warn")...)
	if local.Code != 0 {
		t.Fatalf("local scan: %s", local)
	}
	lres := decodeScan(t, local)
	if lres.Resources != e.Truth().Resources || lres.Resources == 0 {
		t.Fatalf("local scan found %d resources, truth %d", lres.Resources, e.Truth().Resources)
	}

	out := filepath.Join(e.Dir, "out")
	start := time.Now()
	rem := e.Run(ctx, append([]string{"scan", "--tenant-id", e.TenantID, "-o", "json", "--output", out}, e.RemoteArgs()...)...)
	if rem.Code != 0 {
		t.Fatalf("remote scan: %s\nservice log:\n%s", rem, e.ServiceLog())
	}
	rres := decodeScan(t, rem)
	t.Logf("remote scan in %s: %d subscriptions, %d resources, %d relationships, identities %+v, %d role assignments", time.Since(start).Round(time.Millisecond), rres.Subscriptions, rres.Resources, rres.Relationships, rres.Identities, rres.RoleAssignments)
	if lc, rc := counts(lres), counts(rres); !reflect.DeepEqual(lc, rc) {
		t.Fatalf("local and remote scans differ:\nlocal  %v\nremote %v", lc, rc)
	}
	if !strings.Contains(rem.Stderr, "submitted") || !regexp.MustCompile(`job_\S+ +\d+% `).MatchString(rem.Stderr) {
		t.Fatalf("no progress lines on stderr:\n%s", rem.Stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "scan-summary.json"))
	if err != nil {
		t.Fatalf("--output did not receive the artifact: %v", err)
	}
	var art enginescan.Result
	if err := json.Unmarshal(b, &art); err != nil || !reflect.DeepEqual(counts(art), counts(rres)) {
		t.Fatalf("scan-summary.json %v disagrees with the result: %s", err, b)
	}

	// the text summary has the local layout: same rows, same numbers (duration/ids aside)
	remText := e.Run(ctx, append([]string{"scan", "--tenant-id", e.TenantID}, e.RemoteArgs()...)...)
	locText := e.Run(ctx, append(e.LocalScanArgs(filepath.Join(e.Dir, "local.db")), "--log-level", "warn")...)
	if remText.Code != 0 || locText.Code != 0 {
		t.Fatalf("text scans:\n%s\n%s", remText, locText)
	}
	if a, b := stableRows(locText.Stdout), stableRows(remText.Stdout); a != b {
		t.Fatalf("text summaries differ:\n--- local\n%s--- remote\n%s", a, b)
	}
}

// stableRows drops the rows that differ between any two scans (ids, durations, api calls,
// what cleanup removed).
func stableRows(s string) string {
	var keep []string
	for _, l := range strings.SplitAfter(s, "\n") {
		k, _, _ := strings.Cut(l, "\t")
		switch k {
		case "scan", "duration", "api calls", "throttled", "removed":
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "")
}

// A service that answers 503 to the first two POST /scan — the first after it created the
// job (a lost response), the second before reaching it — is retried with one Idempotency-Key
// and yields exactly one job.
func TestRemoteSubmit503TwiceNoDuplicateJob(t *testing.T) {
	e := Start(t, Options{Sim: sim.Options{Resources: 60, Subscriptions: 1, Seed: 2}})
	p := NewProxy(t, e.ServiceURL)
	p.Add(&Fault{Match: Route(http.MethodPost, "/api/v1/scan"), Times: 1, Status: http.StatusServiceUnavailable, Forward: true})
	p.Add(&Fault{Match: Route(http.MethodPost, "/api/v1/scan"), Times: 1, Status: http.StatusServiceUnavailable})
	r := e.Run(t.Context(), "scan", "--tenant-id", e.TenantID, "--remote", "--service-url", p.URL, "--api-key-file", e.KeyFile)
	if r.Code != 0 {
		t.Fatalf("scan through the faulty proxy: %s", r)
	}
	var posts []Request
	for _, q := range p.Requests() {
		if q.Method == http.MethodPost && q.Path == "/api/v1/scan" {
			posts = append(posts, q)
		}
	}
	if len(posts) != 3 || posts[0].Status != 503 || posts[1].Status != 503 || posts[2].Status != 202 {
		t.Fatalf("want 503, 503, 202 on POST /scan, got %+v", posts)
	}
	l, err := e.Client().ListJobs(t.Context(), remote.ListOptions{Type: "scan", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Jobs) != 1 || l.Jobs[0].Status != "succeeded" {
		t.Fatalf("want exactly one succeeded scan job, got %+v", l.Jobs)
	}
	if posts[0].IdempotencyKey == "" || posts[0].IdempotencyKey != posts[1].IdempotencyKey || posts[1].IdempotencyKey != posts[2].IdempotencyKey {
		t.Fatalf("retries must reuse one Idempotency-Key: %+v", posts)
	}
	if !strings.Contains(r.Stdout, "resources\t60\n") {
		t.Fatalf("summary:\n%s", r.Stdout)
	}
}

// A wrong key fails with one clear line and exit 1, for a submit and for `atg jobs`; the key
// is not echoed.
func TestRemoteWrongKey(t *testing.T) {
	e := Start(t, Options{Sim: sim.Options{Resources: 10, Subscriptions: 1, Seed: 1}})
	wrong := "atg_dev_" + strings.Repeat("x", 43)
	kf := filepath.Join(e.Dir, "wrong-key")
	if err := os.WriteFile(kf, []byte(wrong), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"scan", "--tenant-id", e.TenantID, "--remote", "--service-url", e.ServiceURL, "--api-key-file", kf},
		{"jobs", "list", "--service-url", e.ServiceURL, "--api-key-file", kf},
	} {
		r := e.Run(t.Context(), args...)
		lines := strings.Split(strings.TrimSpace(r.Stderr), "\n")
		if r.Code != 4 || len(lines) != 1 || !strings.HasPrefix(lines[0], "error: ") || !strings.Contains(lines[0], "unauthorized") ||
			!strings.Contains(lines[0], "API key") || r.Stdout != "" {
			t.Fatalf("%v: want exit 4 (not authenticated) and one error line about the key, got %s", args[:2], r)
		}
		if strings.Contains(r.Stderr, wrong) {
			t.Fatalf("the key was printed: %s", r.Stderr)
		}
	}
	if log := e.ServiceLog(); !strings.Contains(log, "audit") || !strings.Contains(log, "401") || strings.Contains(log, wrong) ||
		strings.Contains(log, strings.TrimPrefix(e.APIKey, "atg_dev_")) {
		t.Fatalf("the service must audit the refused calls without logging keys:\n%s", log)
	}
}

func writeConfig(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A missing profile setting names itself (exit 2); a complete profile runs the scan with
// nothing on the command line but the profile's defaults (remote: true, tenant_id).
func TestRemoteProfileSettings(t *testing.T) {
	e := Start(t, Options{Sim: sim.Options{Resources: 40, Subscriptions: 1, Seed: 9}})
	t.Setenv("ATG_E2E_KEY", "")
	for _, tc := range []struct {
		name, profile string
		want          []string
	}{
		{"no service url", "    api_key_file: " + e.KeyFile + "\n", []string{"service URL", "atg config set service_url URL --profile int"}},
		{"no key source", "    service_url: " + e.ServiceURL + "\n", []string{"API key", `profile "int"'s api_key_env/api_key_file`}},
		{"key env unset", "    service_url: " + e.ServiceURL + "\n    api_key_env: ATG_E2E_KEY\n", []string{"api_key_env names ATG_E2E_KEY, which is not set"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			writeConfig(t, e.ClientConfig, "active_profile: int\nprofiles:\n  int:\n    remote: true\n    tenant_id: "+e.TenantID+"\n"+tc.profile)
			r := e.Run(t.Context(), "scan")
			if r.Code != 2 {
				t.Fatalf("want exit 2: %s", r)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.Stderr, w) {
					t.Fatalf("stderr does not name %q: %s", w, r.Stderr)
				}
			}
		})
	}
	writeConfig(t, e.ClientConfig, "active_profile: int\nprofiles:\n  int:\n    remote: true\n    tenant_id: "+e.TenantID+
		"\n    service_url: "+e.ServiceURL+"\n    api_key_env: ATG_E2E_KEY\n")
	t.Setenv("ATG_E2E_KEY", e.APIKey)
	r := e.Run(t.Context(), "scan", "-o", "json")
	if r.Code != 0 {
		t.Fatalf("scan with the profile: %s", r)
	}
	if res := decodeScan(t, r); res.TenantID != e.TenantID || res.Resources != e.Truth().Resources {
		t.Fatalf("profile scan: %+v", counts(res))
	}
	// --local wins over the profile's remote: true (and then needs no service at all)
	r = e.Run(t.Context(), append(e.LocalScanArgs(filepath.Join(e.Dir, "l.db")), "--local", "-o", "json", "--log-level", "warn")...)
	if r.Code != 0 || decodeScan(t, r).Resources != e.Truth().Resources {
		t.Fatalf("--local with a remote profile: %s", r)
	}
}

// --no-wait prints the job; `atg jobs wait` resumes it and downloads its artifacts;
// `atg jobs artifacts --download` verifies sha256 and rejects a corrupted download.
func TestNoWaitThenJobsWaitAndArtifacts(t *testing.T) {
	e := Start(t, Options{Sim: sim.Options{Resources: 80, Subscriptions: 2, Seed: 5}})
	ctx := t.Context()
	r := e.Run(ctx, append([]string{"scan", "--tenant-id", e.TenantID, "--no-wait", "-o", "json"}, e.RemoteArgs()...)...)
	var j remote.Job
	if err := json.Unmarshal([]byte(r.Stdout), &j); r.Code != 0 || err != nil || !strings.HasPrefix(j.ID, "job_") || j.Type != "scan" {
		t.Fatalf("--no-wait -o json: %v %s", err, r)
	}
	dir := filepath.Join(e.Dir, "wait")
	w := e.Run(ctx, append([]string{"jobs", "wait", j.ID, "--output-dir", dir, "-o", "json"}, e.ServiceArgs()...)...)
	if w.Code != 0 {
		t.Fatalf("jobs wait: %s", w)
	}
	var oc remote.Outcome
	if err := json.Unmarshal([]byte(w.Stdout), &oc); err != nil || oc.Job.Status != "succeeded" || len(oc.Downloads) != 1 {
		t.Fatalf("jobs wait outcome: %v %s", err, w.Stdout)
	}
	var res enginescan.Result
	if err := json.Unmarshal(oc.Result, &res); err != nil || res.Resources != e.Truth().Resources {
		t.Fatalf("result: %v %s", err, oc.Result)
	}

	arts, err := e.Client().Artifacts(ctx, j.ID)
	if err != nil || len(arts) != 1 || arts[0].Name != "scan-summary.json" {
		t.Fatalf("artifacts: %+v %v", arts, err)
	}
	dl := filepath.Join(e.Dir, "dl")
	a := e.Run(ctx, append([]string{"jobs", "artifacts", j.ID, "--download", dl}, e.ServiceArgs()...)...)
	if a.Code != 0 {
		t.Fatalf("jobs artifacts --download: %s", a)
	}
	b, err := os.ReadFile(filepath.Join(dl, "scan-summary.json"))
	sum := sha256.Sum256(b)
	if err != nil || hex.EncodeToString(sum[:]) != arts[0].SHA256 || !strings.Contains(a.Stdout, arts[0].SHA256) {
		t.Fatalf("downloaded file's sha256 differs from the listing (%v): %s", err, a)
	}

	p := NewProxy(t, e.ServiceURL)
	p.Add(&Fault{Match: ArtifactDownload, Corrupt: true})
	bad := filepath.Join(e.Dir, "bad")
	c := e.Run(ctx, "jobs", "artifacts", j.ID, "--download", bad, "--service-url", p.URL, "--api-key-file", e.KeyFile)
	if c.Code != 1 || !strings.Contains(c.Stderr, "sha256 mismatch") {
		t.Fatalf("a corrupted download must fail with exit 1: %s", c)
	}
	if _, err := os.Stat(filepath.Join(bad, "scan-summary.json")); !os.IsNotExist(err) {
		t.Fatalf("the corrupted file was left behind: %v", err)
	}
	// and the same through `atg jobs wait --output-dir`
	c = e.Run(ctx, "jobs", "wait", j.ID, "--output-dir", bad, "--service-url", p.URL, "--api-key-file", e.KeyFile)
	if c.Code != 1 || !strings.Contains(c.Stderr, "sha256 mismatch") {
		t.Fatalf("jobs wait with a corrupted download: %s", c)
	}
}

// waitForJob returns the job id once the CLI said it submitted one.
func waitForJob(t *testing.T, stderr func() string) string {
	t.Helper()
	re := regexp.MustCompile(`job (job_\S+) submitted`)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(stderr()); m != nil {
			return m[1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no job submitted:\n%s", stderr())
	return ""
}

// Ctrl-C (context cancel) while waiting leaves the job running and exits 130 with the resume
// command; `atg jobs wait` then finishes it. With --cancel-on-interrupt the job is cancelled.
func TestInterruptLeavesJobRunning(t *testing.T) {
	e := Start(t, Options{Sim: sim.Options{Resources: 300, Subscriptions: 3, Seed: 6, Latency: 40 * time.Millisecond}})
	ctx, cancel := context.WithCancel(t.Context())
	run := e.RunAsync(ctx, append([]string{"scan", "--tenant-id", e.TenantID}, e.RemoteArgs()...)...)
	id := waitForJob(t, run.Stderr)
	cancel()
	r := run.Wait()
	if r.Code != 130 || !strings.Contains(r.Stderr, "atg jobs wait "+id) {
		t.Fatalf("want exit 130 and the resume command: %s", r)
	}
	j, err := e.Client().GetJob(t.Context(), id)
	if err != nil || (j.Status != "queued" && j.Status != "running" && j.Status != "succeeded") {
		t.Fatalf("the job must be left running: %+v %v", j, err)
	}
	w := e.Run(t.Context(), append([]string{"jobs", "wait", id}, e.ServiceArgs()...)...)
	if w.Code != 0 || !strings.Contains(w.Stdout, id+" succeeded") {
		t.Fatalf("jobs wait after the interrupt: %s", w)
	}

	ctx, cancel = context.WithCancel(t.Context())
	defer cancel()
	run = e.RunAsync(ctx, append([]string{"scan", "--tenant-id", e.TenantID, "--cancel-on-interrupt"}, e.RemoteArgs()...)...)
	id = waitForJob(t, run.Stderr)
	cancel()
	if r := run.Wait(); r.Code != 130 || !strings.Contains(r.Stderr, "job "+id+" cancelled") {
		t.Fatalf("--cancel-on-interrupt: %s", r)
	}
	w = e.Run(t.Context(), append([]string{"jobs", "wait", id}, e.ServiceArgs()...)...)
	if w.Code != 1 || !strings.Contains(w.Stdout, id+" cancelled") {
		t.Fatalf("jobs wait on a cancelled job: %s", w)
	}
}

// A real SIGINT to the atg binary while it follows a job: exit status 130, job left running.
func TestBinarySIGINTExit130(t *testing.T) {
	e := Start(t, Options{Sim: sim.Options{Resources: 300, Subscriptions: 3, Seed: 8, Latency: 40 * time.Millisecond}})
	p := e.ExecStart(t.Context(), nil, append([]string{"scan", "--tenant-id", e.TenantID}, e.RemoteArgs()...)...)
	id := waitForJob(t, p.Stderr)
	if err := p.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	r := p.Wait()
	if r.Code != 130 || !strings.Contains(r.Stderr, "atg jobs wait "+id) {
		t.Fatalf("SIGINT: %s", r)
	}
	if j, err := e.Client().GetJob(t.Context(), id); err != nil || j.Status == "cancelling" || j.Status == "cancelled" {
		t.Fatalf("job after SIGINT: %+v %v", j, err)
	}
	w := e.Exec(t.Context(), nil, append([]string{"jobs", "wait", id}, e.ServiceArgs()...)...)
	if w.Code != 0 {
		t.Fatalf("jobs wait (binary): %s", w)
	}
}

// treeFiles maps every regular file under dir (slash paths) to its bytes.
func treeFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// `atg generate-iac --remote --output DIR` writes files byte-identical to the local
// `atg generate-iac --output DIR` over an identical graph, and reports like a local run.
func TestRemoteGenerateIaCByteIdentical(t *testing.T) {
	e := Start(t, Options{Sim: sim.Options{Resources: 120, Subscriptions: 2, Seed: 12}})
	ctx := t.Context()
	localGraph := filepath.Join(e.Dir, "local.db")
	if r := e.Run(ctx, append(e.LocalScanArgs(localGraph), "--log-level", "warn")...); r.Code != 0 {
		t.Fatalf("local scan: %s", r)
	}
	if r := e.Run(ctx, append([]string{"scan", "--tenant-id", e.TenantID}, e.RemoteArgs()...)...); r.Code != 0 {
		t.Fatalf("remote scan: %s", r)
	}
	for _, format := range []string{"terraform", "bicep"} {
		localDir, remoteDir := filepath.Join(e.Dir, "local-"+format), filepath.Join(e.Dir, "remote-"+format)
		if r := e.Run(ctx, "generate-iac", "--tenant-id", e.TenantID, "--format", format, "--output-dir", localDir, "--graph", localGraph, "--log-level", "warn"); r.Code != 0 {
			t.Fatalf("local generate-iac: %s", r)
		}
		rem := e.Run(ctx, append([]string{"generate-iac", "--tenant-id", e.TenantID, "--format", format, "--output-dir", remoteDir}, e.RemoteArgs()...)...)
		if rem.Code != 0 {
			t.Fatalf("remote generate-iac: %s\nservice log:\n%s", rem, e.ServiceLog())
		}
		lf, rf := treeFiles(t, localDir), treeFiles(t, remoteDir)
		if len(lf) == 0 || len(lf) != len(rf) {
			t.Fatalf("%s: local wrote %d files, remote %d", format, len(lf), len(rf))
		}
		for name, b := range lf {
			if !bytes.Equal(b, rf[name]) {
				t.Fatalf("%s: %s differs between local and remote", format, name)
			}
		}
		if !strings.Contains(rem.Stderr, "extracted") || !strings.Contains(rem.Stdout, "emitted") {
			t.Fatalf("remote generate-iac did not report like a local run:\n%s", rem)
		}
		t.Logf("%s: %d files byte-identical", format, len(lf))
	}
}

// The same remote/local comparison with the service's graph in Neo4j (skipped without Neo4j
// unless CI is set). The local scan uses an embedded file.
func TestRemoteScanNeo4jGraph(t *testing.T) {
	e := Start(t, Options{Neo4j: true, Sim: sim.Options{Resources: 150, Subscriptions: 2, Seed: 9173}})
	ctx := t.Context()
	local := e.Run(ctx, append(e.LocalScanArgs(filepath.Join(e.Dir, "local.db")), "-o", "json", "--log-level", "warn")...)
	rem := e.Run(ctx, append([]string{"scan", "--tenant-id", e.TenantID, "-o", "json"}, e.RemoteArgs()...)...)
	if local.Code != 0 || rem.Code != 0 {
		t.Fatalf("local: %s\nremote: %s\nservice:\n%s", local, rem, e.ServiceLog())
	}
	if lc, rc := counts(decodeScan(t, local)), counts(decodeScan(t, rem)); !reflect.DeepEqual(lc, rc) {
		t.Fatalf("local and remote (Neo4j) scans differ:\nlocal  %v\nremote %v", lc, rc)
	}
	if !strings.HasPrefix(e.Graph, "bolt://") && !strings.HasPrefix(e.Graph, "neo4j") {
		t.Fatalf("service graph %q is not Neo4j", e.Graph)
	}
	// The graph the service wrote to Neo4j, read back from Neo4j, equals the local embedded
	// scan's key by key: every node with its properties, every edge.
	_, user, pw := testenv.RequireNeo4j(t)
	neo, err := stores.Open(ctx, stores.Options{Graph: e.Graph, User: user, Password: pw})
	if err != nil {
		t.Fatalf("open the service's Neo4j: %v", err)
	}
	defer neo.Close(context.Background())
	bolt, err := stores.Open(ctx, stores.Options{Graph: filepath.Join(e.Dir, "local.db")})
	if err != nil {
		t.Fatalf("open the local graph: %v", err)
	}
	defer bolt.Close(context.Background())
	graphtest.RequireEqual(t, "local embedded scan vs the service's Neo4j graph",
		graphtest.MustSnapshot(t, bolt, e.TenantID), graphtest.MustSnapshot(t, neo, e.TenantID))
}
