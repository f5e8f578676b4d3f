package handler

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/engine/graph/graphtest"
	"github.com/atg-go/atg/handler/auth"
	"github.com/atg-go/atg/handler/executors"
	"github.com/atg-go/atg/handler/httpapi"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
	"github.com/atg-go/atg/internal/atgbin"
	"github.com/atg-go/atg/internal/testenv"
	"github.com/atg-go/atg/sim"
	"github.com/atg-go/atg/sim/simtest"
)

// serviceEnv is a simulator plus storage settings for a service under test.
type serviceEnv struct {
	sim    *sim.Simulator
	srv    *sim.Server
	tenant string
	conn   string
	prefix string
	key    string
	entry  string
}

func newServiceEnv(t *testing.T, opts sim.Options) *serviceEnv {
	t.Helper()
	testenv.Integration(t)
	conn := testenv.RequireAzurite(t)
	s, srv := simtest.Start(t, opts)
	key, entry, err := auth.NewKey("dev", "alice", auth.RoleUser, srv.TenantIDs...)
	if err != nil {
		t.Fatal(err)
	}
	e := &serviceEnv{sim: s, srv: srv, tenant: srv.TenantIDs[0], conn: conn, prefix: "e" + hex.EncodeToString(randBytes(5)), key: key, entry: entry.String()}
	t.Cleanup(func() { e.dropStorage() })
	return e
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = io.ReadFull(strings.NewReader(fmt.Sprintf("%032x", time.Now().UnixNano())), b)
	sum := sha256.Sum256(append(b, []byte(fmt.Sprint(time.Now().UnixNano()))...))
	return sum[:n]
}

func (e *serviceEnv) config() *config.Config {
	return &config.Config{Storage: e.conn, StoragePrefix: e.prefix, APIKeys: e.entry, Environment: "dev",
		ARMEndpoint: e.srv.ARMEndpoint, MSGraphEndpoint: e.srv.MSGraphEndpoint, APIRateLimit: "0", APIRateBurst: "1", Workers: "4"}
}

func (e *serviceEnv) dropStorage() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if az, err := jobs.OpenAzureConnectionString(ctx, e.conn, jobs.Names{Prefix: e.prefix}); err == nil {
		az.DropAll(ctx)
	}
}

func (e *serviceEnv) truth() sim.TenantTruth { return e.sim.Truth().Tenant(e.tenant) }

type client struct {
	base, key string
}

func (c client) do(t testing.TB, method, path, body string) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+c.key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func (c client) submitScan(t testing.TB, tenant string) string {
	t.Helper()
	code, _, b := c.do(t, "POST", "/api/v1/scan", `{"tenant_id":"`+tenant+`"}`)
	if code != 202 {
		t.Fatalf("submit: %d %s", code, b)
	}
	var j httpapi.JobView
	_ = json.Unmarshal(b, &j)
	return j.ID
}

// runJob submits a job (POST path with body: 202), waits up to timeout for it to succeed and
// returns its id and its result JSON; what names the job in failures.
func (c client) runJob(t testing.TB, what, path, body string, timeout time.Duration) (string, []byte) {
	t.Helper()
	code, _, b := c.do(t, "POST", path, body)
	if code != 202 {
		t.Fatalf("%s: %d %s", what, code, b)
	}
	var jv httpapi.JobView
	_ = json.Unmarshal(b, &jv)
	j, _ := c.wait(t, jv.ID, timeout, nil)
	if j.Status != jobs.Succeeded {
		t.Fatalf("%s: %s %+v", what, j.Status, j.Error)
	}
	_, _, rb := c.do(t, "GET", "/api/v1/jobs/"+jv.ID+"/result", "")
	return jv.ID, rb
}

// artifactZip GETs a job's zip artifact and opens it.
func (c client) artifactZip(t testing.TB, id, name string) *zip.Reader {
	t.Helper()
	code, _, zb := c.do(t, "GET", "/api/v1/jobs/"+id+"/artifacts/"+name, "")
	zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
	if code != 200 || err != nil {
		t.Fatalf("zip artifact %s: %d %v", name, code, err)
	}
	return zr
}

// wait polls the job until it is final, returning it and the distinct progress states seen.
func (c client) wait(t testing.TB, id string, timeout time.Duration, onPoll func(httpapi.JobView)) (httpapi.JobView, []string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var seen []string
	for {
		code, _, b := c.do(t, "GET", "/api/v1/jobs/"+id, "")
		if code != 200 {
			t.Fatalf("poll: %d %s", code, b)
		}
		var j httpapi.JobView
		if err := json.Unmarshal(b, &j); err != nil {
			t.Fatal(err)
		}
		if j.Progress != nil {
			s := fmt.Sprintf("%s %d%% %s", j.Status, j.Progress.Percent, j.Progress.Phase)
			if len(seen) == 0 || seen[len(seen)-1] != s {
				seen = append(seen, s)
			}
		}
		if onPoll != nil {
			onPoll(j)
		}
		if j.Status.Terminal() {
			return j, seen
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s after %s; progress seen %v", id, j.Status, timeout, seen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type scanResult struct {
	Subscriptions   int `json:"subscriptions"`
	Resources       int `json:"resources"`
	Relationships   int `json:"relationships"`
	RoleAssignments int `json:"role_assignments"`
	Identities      struct {
		Users, Groups, ServicePrincipals, Applications int
	} `json:"identities"`
	Failures []any `json:"failures"`
}

func (c client) checkScan(t testing.TB, id string, tr sim.TenantTruth) scanResult {
	t.Helper()
	code, _, b := c.do(t, "GET", "/api/v1/jobs/"+id+"/result", "")
	if code != 200 {
		t.Fatalf("result: %d %s", code, b)
	}
	var r scanResult
	var raw map[string]json.RawMessage
	_ = json.Unmarshal(b, &raw)
	_ = json.Unmarshal(b, &r)
	var ids struct {
		Users             int `json:"users"`
		Groups            int `json:"groups"`
		ServicePrincipals int `json:"service_principals"`
		Applications      int `json:"applications"`
	}
	_ = json.Unmarshal(raw["identities"], &ids)
	if r.Resources != tr.Resources || r.Subscriptions != len(tr.Subscriptions) || r.RoleAssignments != tr.RoleAssignments ||
		ids.Users != tr.Identities.Users || ids.Groups != tr.Identities.Groups || ids.ServicePrincipals != tr.Identities.ServicePrincipals ||
		ids.Applications != tr.Identities.Applications || len(r.Failures) != 0 {
		t.Fatalf("result %s\ndiffers from truth: resources %d subs %d role assignments %d identities %+v", b, tr.Resources,
			len(tr.Subscriptions), tr.RoleAssignments, tr.Identities)
	}
	// the summary artifact downloads with the sha256 it is listed with
	code, _, b = c.do(t, "GET", "/api/v1/jobs/"+id+"/artifacts", "")
	var arts struct {
		Artifacts []httpapi.ArtifactView `json:"artifacts"`
	}
	if err := json.Unmarshal(b, &arts); code != 200 || err != nil || len(arts.Artifacts) != 1 || arts.Artifacts[0].Name != executors.ScanArtifact {
		t.Fatalf("artifacts: %d %s", code, b)
	}
	a := arts.Artifacts[0]
	code, hdr, body := c.download(t, a.URL)
	sum := sha256.Sum256(body)
	if code != 200 || hex.EncodeToString(sum[:]) != a.SHA256 || int64(len(body)) != a.Size || hdr.Get("X-Content-SHA256") != a.SHA256 {
		t.Fatalf("download: %d, sha256 %x vs listed %s, %d bytes vs %d", code, sum, a.SHA256, len(body), a.Size)
	}
	return r
}

// download GETs an artifact: on Azure storage (Azurite) the service answers 302 to a
// read-only SAS URL valid at most 15 minutes, fetched without the API key. The returned
// header carries the service's X-Content-SHA256.
func (c client) download(t testing.TB, path string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+c.key)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return resp.StatusCode, resp.Header, b
	}
	hdr := resp.Header
	loc, err := url.Parse(hdr.Get("Location"))
	if err != nil {
		t.Fatalf("redirect Location: %v", err)
	}
	q := loc.Query()
	se, err := time.Parse(time.RFC3339, q.Get("se"))
	if q.Get("sig") == "" || q.Get("sp") != "r" || err != nil || time.Until(se) > 15*time.Minute || time.Until(se) < time.Minute {
		t.Fatalf("artifact redirect is not a read-only SAS valid <= 15 min: sp=%q se=%q sig? %v", q.Get("sp"), q.Get("se"), q.Get("sig") != "")
	}
	resp, err = http.Get(loc.String()) // no API key
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == 200 { // read-only: writing through it is refused
		put, _ := http.NewRequest("PUT", loc.String(), strings.NewReader("x"))
		put.Header.Set("x-ms-blob-type", "BlockBlob")
		if pr, err := http.DefaultClient.Do(put); err == nil {
			pr.Body.Close()
			if pr.StatusCode < 400 {
				t.Errorf("PUT through the artifact URL answered %d", pr.StatusCode)
			}
		}
	}
	return resp.StatusCode, hdr, b
}

func openStore(t *testing.T, path string) graph.Store {
	st, err := boltstore.Open(path, boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// dupQueue enqueues every shard message twice once on (at-least-once delivery, worst case).
type dupQueue struct {
	jobs.Queue
	on   atomic.Bool
	dups atomic.Int32
}

func (d *dupQueue) Enqueue(ctx context.Context, m jobs.Message) error {
	if err := d.Queue.Enqueue(ctx, m); err != nil {
		return err
	}
	if m.Kind == jobs.KindShard && d.on.Load() {
		d.dups.Add(1)
		return d.Queue.Enqueue(ctx, m)
	}
	return nil
}

// TestServeEndToEnd runs the service in-process as `atg serve` does (API + queue poller on
// Azurite, engine on a simulated tenant): 202, progress, succeeded, counts equal the
// simulator's truth, artifact sha256 verified; then the same scan with every shard message
// duplicated gives identical counts and graph.
func TestServeEndToEnd(t *testing.T) {
	e := newServiceEnv(t, sim.Options{Resources: 400, Subscriptions: 3, Seed: 11, Throttle: "fast", Latency: 5 * time.Millisecond})
	st := openStore(t, filepath.Join(t.TempDir(), "graph.db"))
	defer st.Close(context.Background())
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	app, err := NewApp(ctx, AppOptions{Config: e.config(), Graph: st})
	if err != nil {
		t.Fatal(err)
	}
	dq := &dupQueue{Queue: app.Azure.Backend.Queue}
	app.Azure.Backend.Queue = dq // before anything runs: the backend is shared by API and workers
	api := httptest.NewServer(app.API)
	defer api.Close()
	p := app.Poller(3, 10*time.Second)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = p.Run(ctx) }()
	defer func() { cancel(); wg.Wait() }()

	c := client{base: api.URL, key: e.key}
	tr := e.truth()
	start := time.Now()
	id := c.submitScan(t, e.tenant)
	j, seen := c.wait(t, id, 90*time.Second, nil)
	if j.Status != jobs.Succeeded {
		t.Fatalf("scan %s: %+v", j.Status, j.Error)
	}
	t.Logf("scan of %d resources in %d subscriptions: %s, attempts %d, progress %v", tr.Resources, len(tr.Subscriptions), time.Since(start).Round(time.Millisecond), j.Attempts, seen)
	if j.Progress == nil || j.Progress.Counts["shards_total"] != len(tr.Subscriptions)+1 || j.Progress.Counts["resources"] != tr.Resources {
		t.Fatalf("final progress %+v: want one shard per subscription + entra, resources %d", j.Progress, tr.Resources)
	}
	first := c.checkScan(t, id, tr)
	snap1 := graphtest.MustSnapshot(t, st, e.tenant)

	// The same scan with every shard message delivered twice, on an empty graph again (so it
	// cannot lean on what the first scan wrote): the same nodes, properties and edges.
	if err := st.DeleteTenant(ctx, e.tenant); err != nil {
		t.Fatal(err)
	}
	if n := len(graphtest.MustSnapshot(t, st, e.tenant).Nodes); n != 0 {
		t.Fatalf("graph not emptied: %d nodes", n)
	}
	dq.on.Store(true)
	id2 := c.submitScan(t, e.tenant)
	j2, _ := c.wait(t, id2, 90*time.Second, nil)
	if j2.Status != jobs.Succeeded {
		t.Fatalf("duplicated scan %s: %+v", j2.Status, j2.Error)
	}
	second := c.checkScan(t, id2, tr)
	if first.Resources != second.Resources || first.Relationships != second.Relationships {
		t.Fatalf("duplicated shard messages changed the outcome: %+v vs %+v", first, second)
	}
	if dq.dups.Load() == 0 {
		t.Fatal("no shard message was duplicated")
	}
	graphtest.RequireEqual(t, "scan vs the same scan with duplicated shard messages", snap1, graphtest.MustSnapshot(t, st, e.tenant))
	if j2.Progress.Counts["resources"] != tr.Resources {
		t.Fatalf("duplicates double-counted progress: %+v", j2.Progress.Counts)
	}

	// generate-iac over the scanned graph: a zip artifact of the Terraform files
	for _, format := range []string{"terraform", "bicep"} {
		id, rb := c.runJob(t, "generate-iac "+format, "/api/v1/generate-iac", `{"tenant_id":"`+e.tenant+`","format":"`+format+`"}`, 90*time.Second)
		var ir executors.IaCResult
		if err := json.Unmarshal(rb, &ir); err != nil || ir.Files == 0 || ir.Summary.Emitted == 0 || ir.Artifact != "iac-"+format+".zip" {
			t.Fatalf("generate-iac result: %s", rb)
		}
		if zr := c.artifactZip(t, id, ir.Artifact); len(zr.File) != ir.Files {
			t.Fatalf("zip artifact: %d files, result says %d", len(zr.File), ir.Files)
		}
		t.Logf("generate-iac %s: %d files, %d resources emitted", format, ir.Files, ir.Summary.Emitted)
	}
	// an empty selection fails at once (no retries) with the engine's reason
	code, _, b := c.do(t, "POST", "/api/v1/generate-iac", `{"tenant_id":"`+e.tenant+`","format":"arm","resource_groups":["no-such-rg"]}`)
	var jv httpapi.JobView
	_ = json.Unmarshal(b, &jv)
	if ji, _ := c.wait(t, jv.ID, 30*time.Second, nil); code != 202 || ji.Status != jobs.Failed || ji.Attempts != 1 || !strings.Contains(ji.Error.Message, "nothing to generate") {
		t.Fatalf("empty selection: %d %s %+v attempts %d", code, ji.Status, ji.Error, ji.Attempts)
	}
}

type alwaysFail struct{}

func (a *alwaysFail) Run(context.Context, *worker.JobContext) (json.RawMessage, error) {
	return nil, errors.New("engine exploded: disk full")
}

// TestServePoisonAfterFiveAttempts: a worker that always fails ends the job failed after 5
// deliveries with its error, and the message lands in the poison queue.
func TestServePoisonAfterFiveAttempts(t *testing.T) {
	e := newServiceEnv(t, sim.Options{Resources: 10, Subscriptions: 1, Seed: 1, Throttle: "off"})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	app, err := NewApp(ctx, AppOptions{Config: e.config()})
	if err != nil {
		t.Fatal(err)
	}
	app.Deps.Executors.(*worker.Registry).RegisterRunner(jobs.TypeGenerateIaC, &alwaysFail{})
	c := e.runService(t, ctx, app, httpapi.NewRouter(app.Deps), 2, 5*time.Second, time.Millisecond)
	code, _, b := c.do(t, "POST", "/api/v1/generate-iac", `{"tenant_id":"`+e.tenant+`","format":"terraform"}`)
	if code != 202 {
		t.Fatalf("submit: %d %s", code, b)
	}
	var jv httpapi.JobView
	_ = json.Unmarshal(b, &jv)
	j, _ := c.wait(t, jv.ID, 60*time.Second, nil)
	if j.Status != jobs.Failed || j.Attempts != 5 || j.Error == nil || !strings.Contains(j.Error.Message, "disk full") {
		t.Fatalf("want failed after 5 attempts with the error, got %s attempts %d error %+v", j.Status, j.Attempts, j.Error)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		props, err := app.Azure.QueueClient(jobs.PoisonQueue(app.Azure.Names.JobsQueue())).GetProperties(ctx, nil)
		if err == nil && props.ApproximateMessagesCount != nil && *props.ApproximateMessagesCount == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("poison queue does not hold the message: %v %v", props.ApproximateMessagesCount, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestServeKill9MidScan builds atg, runs `atg serve` as a subprocess and kills it with
// SIGKILL in each phase of a scan in turn — discovery, ingest (shard node writes) and
// finalize — landed by a failpoint, not by timing; it restarts the service (without the
// failpoint) and expects the job to complete with the truth's counts and graph.
func TestServeKill9MidScan(t *testing.T) {
	bin := atgbin.Build(t)
	for _, phase := range []string{"scan.discover", "scan.ingest", "scan.finalize"} {
		t.Run(phase, func(t *testing.T) { kill9At(t, bin, phase) })
	}
}

func kill9At(t *testing.T, bin, failpoint string) {
	e := newServiceEnv(t, sim.Options{Resources: 300, Subscriptions: 3, Seed: 5, Throttle: "fast", Latency: 2 * time.Millisecond})
	dir := t.TempDir()
	graphPath := filepath.Join(dir, "graph.db")
	port := freePort(t)
	base := "http://" + port

	start := func(armed bool) (*exec.Cmd, <-chan struct{}) {
		cmd := exec.Command(bin, "serve", "--addr", port, "--workers", "3", "--visibility-timeout", "3s", "--grace", "2s")
		cmd.Env = append(os.Environ(), "AzureWebJobsStorage="+e.conn, "ATG_STORAGE_PREFIX="+e.prefix, "ATG_API_KEYS="+e.entry,
			"ATG_ENVIRONMENT=dev", "ATG_ARM_ENDPOINT="+e.srv.ARMEndpoint, "ATG_MSGRAPH_ENDPOINT="+e.srv.MSGraphEndpoint,
			"ATG_GRAPH="+graphPath, "ATG_CONFIG="+filepath.Join(dir, "none.yaml"), "ATG_API_RATE_LIMIT=0")
		if armed {
			cmd.Env = append(cmd.Env, "ATG_FAILPOINTS="+failpoint+"=hang")
		}
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ready, reached := make(chan struct{}), make(chan struct{})
		go func() {
			sc := bufio.NewScanner(stderr)
			var readyOnce, reachedOnce sync.Once
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "listening on") {
					readyOnce.Do(func() { close(ready) })
				}
				if sc.Text() == "failpoint "+failpoint+" reached" {
					reachedOnce.Do(func() { close(reached) })
				}
				if os.Getenv("ATG_TEST_LOG") != "" {
					t.Log(sc.Text())
				}
			}
		}()
		select {
		case <-ready:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatal("atg serve did not become ready")
		}
		return cmd, reached
	}

	cmd, reached := start(true)
	c := client{base: base, key: e.key}
	id := c.submitScan(t, e.tenant)
	select {
	case <-reached:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("the scan never reached %s", failpoint)
	}
	var before httpapi.JobView
	if code, _, b := c.do(t, "GET", "/api/v1/jobs/"+id, ""); code != 200 || json.Unmarshal(b, &before) != nil {
		t.Fatalf("job before the kill: %d %s", code, b)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_, _ = cmd.Process.Wait()
	t.Logf("killed atg serve at %s (job %s, progress %+v)", failpoint, before.Status, before.Progress)
	cmd, _ = start(false)
	defer func() { _ = cmd.Process.Signal(syscall.SIGTERM); _, _ = cmd.Process.Wait() }()
	j, _ := c.wait(t, id, 90*time.Second, nil)
	if j.Status != jobs.Succeeded {
		t.Fatalf("after a kill at %s and a restart: %s %+v", failpoint, j.Status, j.Error)
	}
	c.checkScan(t, id, e.truth())
	t.Logf("completed after kill -9 at %s + restart, attempts %d", failpoint, j.Attempts)
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestMain(m *testing.M) {
	code := m.Run()
	atgbin.Remove()
	os.Exit(code)
}

// TestServeCreateTenant scans a simulated source tenant, then replicates it into the
// simulator's empty second tenant through POST /create-tenant (dry run, then for real).
func TestServeCreateTenant(t *testing.T) {
	e := newServiceEnv(t, sim.Options{Resources: 120, Subscriptions: 1, Seed: 21, Tenants: 2, Throttle: "fast"})
	st := openStore(t, filepath.Join(t.TempDir(), "graph.db"))
	defer st.Close(context.Background())
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	app, err := NewApp(ctx, AppOptions{Config: e.config(), Graph: st})
	if err != nil {
		t.Fatal(err)
	}
	c := e.runService(t, ctx, app, app.API, 3, 10*time.Second, 0)
	if j, _ := c.wait(t, c.submitScan(t, e.tenant), 60*time.Second, nil); j.Status != jobs.Succeeded {
		t.Fatalf("scan: %s %+v", j.Status, j.Error)
	}
	dst := e.srv.TenantIDs[1]
	subs := e.sim.SubscriptionIDs(dst)
	if len(subs) == 0 {
		t.Fatal("simulator's second tenant has no subscription")
	}
	for _, dry := range []bool{true, false} {
		body := fmt.Sprintf(`{"source_tenant_id":%q,"target":{"tenant_id":%q,"subscription_id":%q,"location":"westeurope"},"dry_run":%v}`, e.tenant, dst, subs[0], dry)
		_, rb := c.runJob(t, fmt.Sprintf("create-tenant dry_run=%v", dry), "/api/v1/create-tenant", body, 120*time.Second)
		var rep struct {
			DryRun  bool `json:"dry_run"`
			Planned int  `json:"planned"`
			Created int  `json:"created"`
			Failed  int  `json:"failed"`
		}
		if err := json.Unmarshal(rb, &rep); err != nil || rep.DryRun != dry || rep.Planned == 0 || rep.Failed != 0 {
			t.Fatalf("report: %s", rb)
		}
		t.Logf("create-tenant dry_run=%v: planned %d, created %d", dry, rep.Planned, rep.Created)
	}
	dstResources := e.sim.Truth().Tenant(dst).Resources
	if dstResources == 0 {
		t.Fatal("nothing was deployed into the target tenant")
	}
	t.Logf("target tenant now has %d resources (source %d)", dstResources, e.truth().Resources)
}

// runService serves h over HTTP and runs app's poller (workers, visibility timeout; a non-zero
// retryDelay shortens the redelivery wait) until the test ends, and returns a client of e's key.
func (e *serviceEnv) runService(t *testing.T, ctx context.Context, app *App, h http.Handler, workers int, visibility, retryDelay time.Duration) client {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	api := httptest.NewServer(h)
	p := app.Poller(workers, visibility)
	if retryDelay > 0 {
		p.RetryDelay = retryDelay
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = p.Run(ctx) }()
	t.Cleanup(func() { cancel(); wg.Wait(); api.Close() })
	return client{base: api.URL, key: e.key}
}
