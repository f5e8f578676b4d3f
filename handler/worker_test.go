package handler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/httpapi"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
)

// fakeScan is a Sharded executor: one shard per subscription plus "entra"; each
// subscription shard finds 10 resources, entra 3 identities.
type fakeScan struct {
	mu       sync.Mutex
	runs     map[string]int
	failWith error // every RunShard fails with it
	block    chan struct{}
	// finalize hooks: finalizeBlock holds the first Finalize; finalizeFail fails the first one
	finalizes     int
	finalizeBlock chan struct{}
	finalizeFail  bool
}

type fakePlan struct {
	Subs []string `json:"subs"`
}

func (f *fakeScan) Plan(_ context.Context, jc *worker.JobContext) (json.RawMessage, []string, error) {
	var req api.ScanRequest
	if err := json.Unmarshal(jc.Request, &req); err != nil {
		return nil, nil, err
	}
	subs := req.SubscriptionIDs
	if len(subs) == 0 {
		subs = []string{"sub-a", "sub-b"}
	}
	b, _ := json.Marshal(fakePlan{Subs: subs})
	return b, append(append([]string{}, subs...), "entra"), nil
}

func (f *fakeScan) RunShard(ctx context.Context, _ *worker.JobContext, _ json.RawMessage, shard string) (json.RawMessage, map[string]int, error) {
	f.mu.Lock()
	if f.runs == nil {
		f.runs = map[string]int{}
	}
	f.runs[shard]++
	f.mu.Unlock()
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
	if f.failWith != nil {
		return nil, nil, f.failWith
	}
	if shard == "entra" {
		return json.RawMessage(`{"identities":3}`), map[string]int{"identities": 3}, nil
	}
	return json.RawMessage(`{"resources":10}`), map[string]int{"resources": 10}, nil
}

func (f *fakeScan) Finalize(ctx context.Context, jc *worker.JobContext, _ json.RawMessage, results []json.RawMessage) (json.RawMessage, error) {
	f.mu.Lock()
	f.finalizes++
	n, fail, block := f.finalizes, f.finalizeFail, f.finalizeBlock
	f.mu.Unlock()
	if n == 1 && block != nil {
		<-block
	}
	if n == 1 && fail {
		return nil, errors.New("finalizer died")
	}
	sum := map[string]int{}
	for _, r := range results {
		var m map[string]int
		if err := json.Unmarshal(r, &m); err != nil {
			return nil, err
		}
		for k, v := range m {
			sum[k] += v
		}
	}
	b, _ := json.Marshal(sum)
	if _, err := jc.PutArtifact(ctx, "scan-summary.json", "application/json", strings.NewReader(string(b))); err != nil {
		return nil, err
	}
	return b, nil
}

type hostFixture struct {
	*fixture
	scan *fakeScan
	w    *worker.Worker
	fh   http.Handler
}

func newHostFixture(t *testing.T) *hostFixture {
	fs := &fakeScan{}
	f := newFixture(t, func(d *httpapi.Deps) { d.Executors.(*worker.Registry).RegisterSharded(jobs.TypeScan, fs) })
	w := &worker.Worker{Backend: f.b, Executors: f.deps.Executors.(*worker.Registry), Logger: f.deps.Logger, ProgressEvery: time.Nanosecond, CancelPoll: 10 * time.Millisecond}
	return &hostFixture{fixture: f, scan: fs, w: w, fh: NewFunctionsHandler(f.h, w, f.deps.Logger)}
}

// payload renders a testdata host payload for message m.
func payload(t *testing.T, file string, m jobs.Message, dequeue int) string {
	t.Helper()
	if strings.HasPrefix(file, "host-") {
		return hostPayload(t, file, m, dequeue)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "host", file))
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := json.Marshal(m)
	once, _ := json.Marshal(string(msg))
	twice, _ := json.Marshal(string(once))
	s := strings.NewReplacer("{{MSG_JSON_STRING_TWICE}}", string(twice), "{{MSG_JSON_STRING}}", string(once),
		"{{MSG}}", string(msg), "{{DEQUEUE}}", strconv.Itoa(dequeue)).Replace(string(b))
	if !json.Valid([]byte(s)) {
		t.Fatalf("%s renders invalid JSON: %s", file, s)
	}
	return s
}

func (h *hostFixture) invoke(t *testing.T, function, body string) (int, worker.InvocationResponse) {
	t.Helper()
	req := httptest.NewRequest("POST", "/"+function, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.fh.ServeHTTP(rec, req)
	var out worker.InvocationResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s answered non-JSON %d: %s", function, rec.Code, rec.Body)
	}
	if out.Outputs == nil || out.Logs == nil || !strings.Contains(rec.Body.String(), `"ReturnValue":null`) {
		t.Fatalf("response breaks the contract: %s", rec.Body)
	}
	return rec.Code, out
}

func functionFor(m jobs.Message) string {
	if m.Kind == jobs.KindShard {
		return FunctionShardsWorker
	}
	return FunctionJobsWorker
}

func (h *hostFixture) job(t *testing.T, id string) jobs.Job {
	t.Helper()
	j, err := h.b.Jobs.Find(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestHostFanOutAndDuplicates(t *testing.T) {
	h := newHostFixture(t)
	id := h.submitScan(t, "alice")
	files := []string{"host-shards-worker.json", "queue-double-encoded.json", "queue-string-message.json", "queue-object-message.json", "queue-dequeue-string.json"}
	start := h.q.Drain()
	if len(start) != 1 {
		t.Fatalf("start messages: %v", start)
	}
	if code, out := h.invoke(t, FunctionJobsWorker, payload(t, "host-jobs-worker.json", start[0], 1)); code != 200 {
		t.Fatalf("start: %d %v", code, out.Logs)
	}
	shards := h.q.Drain()
	if len(shards) != 3 {
		t.Fatalf("want 3 shard messages (2 subs + entra), got %v", shards)
	}
	if j := h.job(t, id); j.Status != jobs.Running || j.Progress == nil || j.Progress.Counts["shards_total"] != 3 || j.Attempts != 1 {
		t.Fatalf("after plan: %+v %+v", j, j.Progress)
	}
	// first shard delivered twice (duplicate message): counted once
	for i, m := range append([]jobs.Message{shards[0]}, shards...) {
		code, out := h.invoke(t, functionFor(m), payload(t, files[i%len(files)], m, 1))
		if code != 200 {
			t.Fatalf("shard %s: %d %v", m.Shard, code, out.Logs)
		}
		if i == 1 {
			if j := h.job(t, id); j.Progress.Counts["shards_done"] != 1 || j.Progress.Counts["resources"] != 10 {
				t.Fatalf("progress after duplicate: %+v", j.Progress)
			}
		}
	}
	j := h.job(t, id)
	if j.Status != jobs.Succeeded || string(j.Result) != `{"identities":3,"resources":20}` || j.Progress.Percent != 100 {
		t.Fatalf("final: %s %s %+v", j.Status, j.Result, j.Progress)
	}
	if h.scan.runs[shards[0].Shard] != 1 {
		t.Fatalf("duplicate shard ran %d times; a done shard must be skipped", h.scan.runs[shards[0].Shard])
	}
	// redelivered start and shard messages after success are acknowledged and change nothing
	for _, m := range append(start, shards...) {
		if code, _ := h.invoke(t, functionFor(m), payload(t, "queue-string-message.json", m, 2)); code != 200 {
			t.Fatalf("late redelivery: %d", code)
		}
	}
	if len(h.q.Drain()) != 0 || string(h.job(t, id).Result) != string(j.Result) {
		t.Fatal("late redelivery changed the job")
	}
	// result + artifact through the forwarded API
	req := httptest.NewRequest("GET", "/api/v1/jobs/"+id+"/artifacts/scan-summary.json", nil)
	req.Header.Set("Authorization", "Bearer "+h.keys["alice"])
	rec := httptest.NewRecorder()
	h.fh.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Body.String() != string(j.Result) {
		t.Fatalf("artifact via functions handler: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	h.fh.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 200 {
		t.Fatalf("readiness probe GET /: %d", rec.Code)
	}
}

func TestHostRetriesThenFails(t *testing.T) {
	h := newHostFixture(t)
	h.scan.failWith = errors.New("ARM said 500 for sub-a")
	id := h.submitScan(t, "alice")
	start := h.q.Drain()[0]
	if code, _ := h.invoke(t, FunctionJobsWorker, payload(t, "host-jobs-worker.json", start, 1)); code != 200 {
		t.Fatal("plan failed")
	}
	shard := h.q.Drain()[0]
	for dc := 1; dc <= 5; dc++ {
		code, out := h.invoke(t, FunctionShardsWorker, payload(t, "host-shards-worker.json", shard, dc))
		if code == 200 {
			t.Fatalf("attempt %d succeeded: %v", dc, out.Logs)
		}
		j := h.job(t, id)
		if dc < 5 && (j.Status != jobs.Running || j.Attempts != dc) {
			t.Fatalf("attempt %d: %s attempts %d", dc, j.Status, j.Attempts)
		}
	}
	j := h.job(t, id)
	if j.Status != jobs.Failed || j.Error == nil || !strings.Contains(j.Error.Message, "ARM said 500") || j.FinishedAt == nil || j.Attempts != 5 {
		t.Fatalf("after 5 attempts: %s %+v attempts %d", j.Status, j.Error, j.Attempts)
	}
	// the host then moves it to poison: the poison function acknowledges, job stays failed
	if code, _ := h.invoke(t, FunctionShardsPoison, payload(t, "host-shards-poison.json", shard, 1)); code != 200 {
		t.Fatalf("poison: %d", code)
	}
	if j2 := h.job(t, id); j2.Status != jobs.Failed || j2.Error.Message != j.Error.Message {
		t.Fatalf("after poison: %+v", j2)
	}
}

func TestPoisonFailsJobWithLastError(t *testing.T) {
	h := newHostFixture(t)
	h.scan.failWith = errors.New("throttled forever")
	id := h.submitScan(t, "bob")
	start := h.q.Drain()[0]
	h.invoke(t, FunctionJobsWorker, payload(t, "host-jobs-worker.json", start, 1))
	shard := h.q.Drain()[0]
	h.invoke(t, FunctionShardsWorker, payload(t, "host-jobs-worker.json", shard, 1)) // one failed attempt
	if j := h.job(t, id); j.Status != jobs.Running || j.LastError == nil {
		t.Fatalf("after one failure: %+v", j)
	}
	// e.g. the host's own limit hit before the worker's (crashes): the poison function ends it
	if code, _ := h.invoke(t, FunctionShardsPoison, payload(t, "host-shards-poison.json", shard, 1)); code != 200 {
		t.Fatal("poison failed")
	}
	if j := h.job(t, id); j.Status != jobs.Failed || !strings.Contains(j.Error.Message, "throttled forever") {
		t.Fatalf("after poison: %s %+v", j.Status, j.Error)
	}
}

func TestHostCancellation(t *testing.T) {
	h := newHostFixture(t)
	id := h.submitScan(t, "alice")
	start := h.q.Drain()[0]
	h.invoke(t, FunctionJobsWorker, payload(t, "host-jobs-worker.json", start, 1))
	shards := h.q.Drain()
	// cancel while a shard is running: the watcher stops it, the job ends cancelled
	h.scan.block = make(chan struct{})
	done := make(chan int)
	go func() {
		code, _ := h.invoke(t, FunctionShardsWorker, payload(t, "host-jobs-worker.json", shards[0], 1))
		done <- code
	}()
	for h.job(t, id).Status == jobs.Running && func() bool { h.scan.mu.Lock(); defer h.scan.mu.Unlock(); return h.scan.runs[shards[0].Shard] == 0 }() {
		time.Sleep(time.Millisecond)
	}
	if r := h.do("POST", "/api/v1/jobs/"+id+"/cancel", h.keys["alice"], ""); r.code != 202 {
		t.Fatalf("cancel: %d %s", r.code, r.body)
	}
	select {
	case code := <-done:
		if code != 200 {
			t.Fatalf("cancelled shard answered %d", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("running shard did not notice the cancellation")
	}
	if j := h.job(t, id); j.Status != jobs.Cancelled || j.FinishedAt == nil {
		t.Fatalf("after cancel: %s", j.Status)
	}
	// remaining shards are acknowledged without running
	close(h.scan.block)
	for _, m := range shards[1:] {
		if code, _ := h.invoke(t, FunctionShardsWorker, payload(t, "host-jobs-worker.json", m, 1)); code != 200 {
			t.Fatal("shard after cancel")
		}
		if h.scan.runs[m.Shard] != 0 {
			t.Fatalf("shard %s ran after cancellation", m.Shard)
		}
	}
}

type countingRunner struct {
	calls atomic.Int32
	err   error
}

func (c *countingRunner) Run(ctx context.Context, jc *worker.JobContext) (json.RawMessage, error) {
	c.calls.Add(1)
	jc.Progress(jobs.Progress{Percent: 50, Phase: "emit"})
	if c.err != nil {
		return nil, c.err
	}
	return json.RawMessage(`{"files":2}`), nil
}

func TestRunnerJobsAndPermanentErrors(t *testing.T) {
	r := &countingRunner{}
	h := newHostFixture(t)
	h.deps.Executors.(*worker.Registry).RegisterRunner(jobs.TypeGenerateIaC, r)
	resp := h.do("POST", "/api/v1/generate-iac", h.keys["alice"], `{"tenant_id":"`+tenant+`","format":"terraform"}`)
	if resp.code != 202 {
		t.Fatalf("submit: %d %s", resp.code, resp.body)
	}
	id := resp.json(t)["id"].(string)
	m := h.q.Drain()[0]
	if code, _ := h.invoke(t, FunctionJobsWorker, payload(t, "queue-double-encoded.json", m, 1)); code != 200 {
		t.Fatal("run failed")
	}
	if j := h.job(t, id); j.Status != jobs.Succeeded || string(j.Result) != `{"files":2}` {
		t.Fatalf("runner job: %+v", j)
	}
	// a permanent (application) error fails at once and acknowledges the message
	r.err = errs.Errorf(errs.NotFound, "tenant %s has no graph; scan it first", tenant)
	resp = h.do("POST", "/api/v1/generate-iac", h.keys["alice"], `{"tenant_id":"`+tenant+`","format":"bicep"}`)
	id = resp.json(t)["id"].(string)
	m = h.q.Drain()[0]
	if code, _ := h.invoke(t, FunctionJobsWorker, payload(t, "host-jobs-worker.json", m, 1)); code != 200 {
		t.Fatal("permanent error should be acknowledged")
	}
	if j := h.job(t, id); j.Status != jobs.Failed || j.Error.Code != "not_found" || !strings.Contains(j.Error.Message, "scan it first") {
		t.Fatalf("permanent error: %+v", j.Error)
	}
}

func TestInvocationDecoding(t *testing.T) {
	h := newHostFixture(t)
	for name, body := range map[string]string{
		"not json":      `nope`,
		"no binding":    `{"Data":{"other":"x"},"Metadata":{}}`,
		"plain string":  `{"Data":{"msg":"\"hello\""},"Metadata":{"DequeueCount":"1"}}`,
		"missing owner": `{"Data":{"msg":"{\"job_id\":\"job_x\",\"kind\":\"start\"}"},"Metadata":{"DequeueCount":1}}`,
	} {
		if code, out := h.invoke(t, FunctionJobsWorker, body); code < 400 || len(out.Logs) == 0 {
			t.Errorf("%s: worker answered %d %v", name, code, out.Logs)
		}
		if name != "not json" {
			if code, _ := h.invoke(t, FunctionJobsPoison, body); code != 200 {
				t.Errorf("%s: poison answered %d, want 200 (nothing to retry)", name, code)
			}
		}
	}
	// unknown job: acknowledged
	m := jobs.Message{JobID: jobs.NewID(time.Now()), Owner: "alice", Type: "scan", Kind: jobs.KindStart}
	if code, _ := h.invoke(t, FunctionJobsWorker, payload(t, "host-jobs-worker.json", m, 1)); code != 200 {
		t.Errorf("unknown job: %d", code)
	}
	_ = fmt.Sprint()
}

// Two last shards finishing together must not both finalize (the job's result and its
// artifact would come from different runs); the claiming shard's redelivery resumes the step.
func TestFinalizeRunsOnce(t *testing.T) {
	h := newHostFixture(t)
	h.scan.finalizeBlock = make(chan struct{})
	h.scan.finalizeFail = true
	id := h.submitScan(t, "alice")
	start := h.q.Drain()
	if code, _ := h.invoke(t, FunctionJobsWorker, payload(t, "queue-object-message.json", start[0], 1)); code != 200 {
		t.Fatal("start failed")
	}
	shards := h.q.Drain()
	if len(shards) != 3 {
		t.Fatalf("shards %v", shards)
	}
	// The first shard runs alone; the other two complete before either finalizes.
	if code, _ := h.invoke(t, FunctionShardsWorker, payload(t, "queue-object-message.json", shards[0], 1)); code != 200 {
		t.Fatal("shard 0 failed")
	}
	if code, _ := h.invoke(t, FunctionShardsWorker, payload(t, "queue-object-message.json", shards[1], 1)); code != 200 {
		t.Fatal("shard 1 failed")
	}
	// shard 2 is the last: it claims finalize and blocks inside it...
	done := make(chan int, 1)
	go func() {
		code, _ := h.invoke(t, FunctionShardsWorker, payload(t, "queue-object-message.json", shards[2], 1))
		done <- code
	}()
	for deadline := time.Now().Add(5 * time.Second); ; {
		h.scan.mu.Lock()
		n := h.scan.finalizes
		h.scan.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the last shard never finalized")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// ...while a redelivered (already done) shard 1 also sees every shard done: it must leave.
	if code, out := h.invoke(t, FunctionShardsWorker, payload(t, "queue-object-message.json", shards[1], 2)); code != 200 {
		t.Fatalf("concurrent last shard: %d %v", code, out.Logs)
	}
	if h.scan.finalizes != 1 {
		t.Fatalf("finalize ran %d times concurrently", h.scan.finalizes)
	}
	// The claimer dies in Finalize: its message fails and is redelivered, and it finishes.
	close(h.scan.finalizeBlock)
	if code := <-done; code == 200 {
		t.Fatal("a failed finalize must fail the invocation so the host redelivers it")
	}
	if j := h.job(t, id); j.Status != jobs.Running {
		t.Fatalf("job %s after a failed finalize", j.Status)
	}
	if code, out := h.invoke(t, FunctionShardsWorker, payload(t, "queue-object-message.json", shards[2], 2)); code != 200 {
		t.Fatalf("redelivered claimer: %d %v", code, out.Logs)
	}
	if j := h.job(t, id); j.Status != jobs.Succeeded || string(j.Result) != `{"identities":3,"resources":20}` {
		t.Fatalf("final: %s %s", j.Status, j.Result)
	}
	if h.scan.finalizes != 2 {
		t.Fatalf("finalize ran %d times, want 2 (failed once, then resumed by the claimer)", h.scan.finalizes)
	}
}

// The worker retries iff errs.Retryable: each code, wrapped as an executor would, either fails
// the job at once (message acknowledged, job failed with that code) or keeps it running with
// LastError and asks for a redelivery.
func TestRetryIffRetryable(t *testing.T) {
	h := newHostFixture(t)
	r := &countingRunner{}
	h.deps.Executors.(*worker.Registry).RegisterRunner(jobs.TypeGenerateIaC, r)
	for _, code := range errs.Codes {
		r.err = fmt.Errorf("generating: %w", errs.Errorf(code, "step failed with %s", code))
		resp := h.do("POST", "/api/v1/generate-iac", h.keys["alice"], `{"tenant_id":"`+tenant+`","format":"terraform"}`)
		if resp.code != 202 {
			t.Fatalf("submit: %d %s", resp.code, resp.body)
		}
		id := resp.json(t)["id"].(string)
		m := h.q.Drain()[0]
		status, _ := h.invoke(t, FunctionJobsWorker, payload(t, "host-jobs-worker.json", m, 1))
		j := h.job(t, id)
		if errs.Retryable(r.err) {
			if status != 500 || j.Status != jobs.Running || j.LastError == nil || j.Error != nil {
				t.Errorf("%s must be retried: invocation %d, job %s, last error %+v", code, status, j.Status, j.LastError)
			}
			continue
		}
		want := string(code)
		if code == errs.Internal {
			want = "execution_failed"
		}
		if status != 200 || j.Status != jobs.Failed || j.Error == nil || j.Error.Code != want {
			t.Errorf("%s must fail at once: invocation %d, job %s, error %+v", code, status, j.Status, j.Error)
		}
	}
	// retried codes: unavailable, rate_limited, internal; the rest fail at once
	retried := 0
	for _, c := range errs.Codes {
		if errs.Retryable(errs.Errorf(c, "x")) {
			retried++
		}
	}
	if retried != 3 {
		t.Errorf("%d retryable codes, want 3 (internal, unavailable, rate_limited)", retried)
	}
}
