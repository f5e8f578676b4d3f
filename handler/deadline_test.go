package handler

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/atg-go/atg/handler/httpapi"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
	"github.com/atg-go/atg/sim"
)

// slowRunner blocks until its context ends while slow is set, and succeeds otherwise.
type slowRunner struct{ slow atomic.Bool }

func (s *slowRunner) Run(ctx context.Context, _ *worker.JobContext) (json.RawMessage, error) {
	if s.slow.Load() {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return json.RawMessage(`{"ok":true}`), nil
}

// fastRunner succeeds after a short while.
type fastRunner struct{}

func (fastRunner) Run(ctx context.Context, _ *worker.JobContext) (json.RawMessage, error) {
	select {
	case <-time.After(50 * time.Millisecond):
		return json.RawMessage(`{"fast":true}`), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// One invocation over its deadline fails its attempt with the reason, the job stays
// retryable, the concurrent invocation completes, and the next delivery resumes.
func TestInvocationDeadline(t *testing.T) {
	slow := &slowRunner{}
	slow.slow.Store(true)
	f := newFixture(t, func(d *httpapi.Deps) {
		d.Executors.(*worker.Registry).RegisterRunner(jobs.TypeGenerateIaC, slow)
		d.Executors.(*worker.Registry).RegisterRunner(jobs.TypeCreateTenant, fastRunner{})
	})
	w := &worker.Worker{Backend: f.b, Executors: f.deps.Executors.(*worker.Registry), Logger: f.deps.Logger, InvocationTimeout: 300 * time.Millisecond}
	fh := NewFunctionsHandler(f.h, w, f.deps.Logger)
	now := time.Now()
	mk := func(typ string) jobs.Message {
		j := jobs.Job{ID: jobs.NewID(now), Type: typ, Status: jobs.Queued, Owner: "alice", Request: json.RawMessage(`{}`), CreatedAt: now}
		if err := f.b.Jobs.Create(t.Context(), j); err != nil {
			t.Fatal(err)
		}
		return jobs.Message{JobID: j.ID, Owner: j.Owner, Type: j.Type, Kind: jobs.KindStart}
	}
	slowMsg, fastMsg := mk(jobs.TypeGenerateIaC), mk(jobs.TypeCreateTenant)
	invoke := func(m jobs.Message, dc int) (int, worker.InvocationResponse) {
		req := httptest.NewRequest(http.MethodPost, "/"+FunctionJobsWorker, strings.NewReader(hostPayload(t, "host-jobs-worker.json", m, dc)))
		rec := httptest.NewRecorder()
		fh.ServeHTTP(rec, req)
		var out worker.InvocationResponse
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		return rec.Code, out
	}
	var wg sync.WaitGroup
	var slowCode, fastCode int
	var slowOut worker.InvocationResponse
	start := time.Now()
	wg.Add(2)
	go func() { defer wg.Done(); slowCode, slowOut = invoke(slowMsg, 1) }()
	go func() { defer wg.Done(); fastCode, _ = invoke(fastMsg, 1) }()
	wg.Wait()
	if fastCode != 200 {
		t.Fatalf("concurrent invocation: %d", fastCode)
	}
	if slowCode != 500 || len(slowOut.Logs) != 1 || !strings.Contains(slowOut.Logs[0], "deadline") {
		t.Fatalf("slow invocation: %d %+v", slowCode, slowOut)
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Fatalf("the deadline did not end the slow invocation (%s)", el)
	}
	j, err := f.b.Jobs.Get(t.Context(), "alice", slowMsg.JobID)
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != jobs.Running || j.LastError == nil || j.LastError.Code != "deadline_exceeded" || !strings.Contains(j.LastError.Message, "next delivery resumes") {
		t.Fatalf("after the deadline: %s %+v", j.Status, j.LastError)
	}
	if fj, _ := f.b.Jobs.Get(t.Context(), "alice", fastMsg.JobID); fj.Status != jobs.Succeeded {
		t.Fatalf("fast job: %s", fj.Status)
	}
	// the next delivery resumes and completes
	slow.slow.Store(false)
	if code, out := invoke(slowMsg, 2); code != 200 {
		t.Fatalf("redelivery: %d %+v", code, out)
	}
	if j, _ := f.b.Jobs.Get(t.Context(), "alice", slowMsg.JobID); j.Status != jobs.Succeeded || j.Attempts != 2 {
		t.Fatalf("after redelivery: %s attempts %d", j.Status, j.Attempts)
	}
	// at the last delivery the deadline fails the job with the reason
	slow.slow.Store(true)
	last := mk(jobs.TypeGenerateIaC)
	if code, _ := invoke(last, worker.DefaultMaxDequeueCount); code == 200 {
		t.Fatal("last delivery over its deadline answered 200")
	}
	if j, _ := f.b.Jobs.Get(t.Context(), "alice", last.JobID); j.Status != jobs.Failed || j.Error == nil || j.Error.Code != "deadline_exceeded" {
		t.Fatalf("last delivery: %s %+v", j.Status, j.Error)
	}
	if !errors.Is(&worker.DeadlineError{Limit: time.Second}, worker.ErrInvocationDeadline) {
		t.Error("DeadlineError does not match ErrInvocationDeadline")
	}
}

// TestHandlerInvocationDeadline runs the built `atg handler` with a 3 s invocation deadline
// and ARM behind a loopback proxy that hangs: the subscription shard's invocation ends at its
// deadline with the reason (500, the job keeps running), the concurrent Entra shard (MS Graph,
// not behind the proxy) completes, the process stays up, and once ARM answers again the
// redelivered shard resumes and the scan succeeds.
func TestHandlerInvocationDeadline(t *testing.T) {
	e := newServiceEnv(t, sim.Options{Resources: 30, Subscriptions: 1, Seed: 31, Throttle: "fast"})
	armAddr := freePort(t)
	arm := startProxy(t, armAddr, strings.TrimPrefix(strings.TrimPrefix(e.srv.ARMEndpoint, "http://"), "https://"))
	p := startHandler(t, e, "ATG_INVOCATION_TIMEOUT=3s", "ATG_ARM_ENDPOINT=http://"+armAddr)
	p.waitReady(t)
	c := client{base: p.base, key: e.key}
	id := c.submitScan(t, e.tenant)
	hp := newHostPlayer(t, p.base, e.conn, e.prefix)
	hp.retryAfter = time.Second
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	// the start message plans the shards while ARM answers
	hp.runUntil(ctx, time.Minute, func() bool {
		for _, r := range hp.snapshot() {
			if r.Function == FunctionJobsWorker && r.Status == http.StatusOK {
				return true
			}
		}
		return false
	})
	arm.Pause()
	hp.runUntil(ctx, time.Minute, func() bool {
		var deadlined, entraDone bool
		for _, r := range hp.snapshot() {
			deadlined = deadlined || (r.Status == http.StatusInternalServerError && strings.Contains(strings.Join(r.Logs, " "), "deadline"))
			entraDone = entraDone || (r.Function == FunctionShardsWorker && r.Message.Shard == "entra" && r.Status == http.StatusOK)
		}
		return deadlined && entraDone
	})
	az, err := jobs.OpenAzureConnectionString(ctx, e.conn, jobs.Names{Prefix: e.prefix})
	if err != nil {
		t.Fatal(err)
	}
	j, err := az.Backend.Jobs.Find(ctx, id)
	if err != nil || j.Status != jobs.Running || j.LastError == nil || j.LastError.Code != "deadline_exceeded" {
		t.Fatalf("job after the deadline: %v %s %+v", err, j.Status, j.LastError)
	}
	if p.cmd.ProcessState != nil {
		t.Fatal("the handler process exited")
	}
	p.waitReady(t) // still up and answering
	arm.Resume()
	var jv httpapi.JobView
	hp.runUntil(ctx, 2*time.Minute, func() bool {
		_, _, b := c.do(t, "GET", "/api/v1/jobs/"+id, "")
		_ = json.Unmarshal(b, &jv)
		return jv.Status.Terminal()
	})
	if jv.Status != jobs.Succeeded {
		t.Fatalf("after ARM came back: %s %+v", jv.Status, jv.Error)
	}
	c.checkScan(t, id, e.truth())
	t.Logf("scan succeeded, attempts %d, %d invocations", jv.Attempts, len(hp.snapshot()))
}
