package handler

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azqueue"

	"github.com/atg-go/atg/handler/httpapi"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
	"github.com/atg-go/atg/sim"
)

func TestGateHoldsUntilOpen(t *testing.T) {
	g := &Gate{ProbeWait: 5 * time.Second, InvocationWait: 5 * time.Second, APIWait: 5 * time.Second}
	srv := httptest.NewServer(g)
	defer srv.Close()
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "served "+r.URL.Path) })

	type answer struct {
		code int
		body string
		at   time.Time
	}
	var wg sync.WaitGroup
	answers := make([]answer, 3)
	for i, req := range []struct{ method, path string }{{"GET", "/"}, {"POST", "/jobs_worker"}, {"GET", "/api/v1/health"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, _ := http.NewRequest(req.method, srv.URL+req.path, strings.NewReader("{}"))
			resp, err := http.DefaultClient.Do(r)
			if err != nil {
				t.Errorf("%s %s: %v", req.method, req.path, err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			answers[i] = answer{resp.StatusCode, string(b), time.Now()}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	opened := time.Now()
	g.Open(inner)
	wg.Wait()
	for i, want := range []string{"served /", "served /jobs_worker", "served /api/v1/health"} {
		if answers[i].code != 200 || answers[i].body != want || answers[i].at.Before(opened) {
			t.Errorf("request %d: %+v, want %q after the gate opened", i, answers[i], want)
		}
	}
}

func TestGateBoundedWaits(t *testing.T) {
	g := &Gate{ProbeWait: 100 * time.Millisecond, InvocationWait: 100 * time.Millisecond, APIWait: 100 * time.Millisecond}
	srv := httptest.NewServer(g)
	defer srv.Close()
	// the readiness probe gets no answer at all (the host keeps probing)
	if resp, err := http.Get(srv.URL + "/"); err == nil {
		resp.Body.Close()
		t.Fatalf("GET / answered %d before the app was ready", resp.StatusCode)
	}
	// an invocation gets 500 with the response contract: the host retries it
	resp, err := http.Post(srv.URL+"/shards_worker", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	var out worker.InvocationResponse
	_ = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if resp.StatusCode != 500 || out.Outputs == nil || len(out.Logs) != 1 {
		t.Fatalf("held invocation: %d %+v", resp.StatusCode, out)
	}
	// the API answers 503 in its error shape
	resp, err = http.Get(srv.URL + "/api/v1/jobs")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(b), `"code":"unavailable"`) {
		t.Fatalf("API before ready: %d %s", resp.StatusCode, b)
	}
}

// submitScanVia queues a scan job through an in-process API on the env's storage (the job
// and its start message are what the handler under test then works on).
func submitScanVia(t *testing.T, e *serviceEnv) string {
	t.Helper()
	st := openStore(t, filepath.Join(t.TempDir(), "submit.db"))
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	app, err := NewApp(t.Context(), AppOptions{Config: e.config(), Graph: st})
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(app.API)
	defer api.Close()
	return client{base: api.URL, key: e.key}.submitScan(t, e.tenant)
}

// TestHandlerWaitsForStorage: `atg handler` starts while storage is unreachable. It does not
// answer the host's readiness probe, holds a queue invocation instead of failing it, and
// serves both once storage comes up: the invocation succeeds on its first delivery.
func TestHandlerWaitsForStorage(t *testing.T) {
	e := newServiceEnv(t, sim.Options{Resources: 40, Subscriptions: 1, Seed: 7, Throttle: "fast"})
	id := submitScanVia(t, e)
	realConn := e.conn
	down, routes := divertStorage(t, e.conn)
	e.conn = down
	p := startHandler(t, e)
	e.conn = realConn

	// the host's probe: no answer while storage is down (the port is open, nothing answers)
	for deadline := time.Now().Add(30 * time.Second); ; {
		c, err := net.Dial("tcp", strings.TrimPrefix(p.base, "http://"))
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("atg handler does not listen")
		}
		time.Sleep(20 * time.Millisecond)
	}
	probed := make(chan time.Time, 1)
	go func() {
		for {
			resp, err := http.Get(p.base + "/")
			if err == nil {
				resp.Body.Close()
				probed <- time.Now()
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	// the start message, delivered as the host would (first delivery)
	h := newHostPlayer(t, p.base, realConn, e.prefix)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	var start jobs.Message
	var body []byte
	for deadline := time.Now().Add(20 * time.Second); body == nil; {
		qc := h.queues[FunctionJobsWorker]
		vt := int32(120)
		resp, err := qc.DequeueMessages(ctx, &azqueue.DequeueMessagesOptions{VisibilityTimeout: &vt})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range resp.Messages {
			text, _ := base64.StdEncoding.DecodeString(*m.MessageText)
			start, _ = jobs.ParseMessage(text)
			body, _ = json.Marshal(hostQueueInvocation(h.fixture, text, m, FunctionJobsWorker))
		}
		if body == nil && time.Now().After(deadline) {
			t.Fatal("no start message")
		}
	}
	done := make(chan invocationResult, 1)
	sent := time.Now()
	go func() {
		done <- h.invoke(FunctionJobsWorker, body, start, 1, worker.InvocationIDHeader, "7d2b4c1e-0000-4000-8000-000000000001")
	}()

	time.Sleep(11 * time.Second) // longer than one attempt at storage (10 s): the handler retries
	select {
	case r := <-done:
		t.Fatalf("invocation answered %d before storage was reachable: %v", r.Status, r.Logs)
	case at := <-probed:
		t.Fatalf("GET / answered %s after start, before storage was reachable", at.Sub(sent))
	default:
	}
	up := time.Now()
	for addr, target := range routes {
		startProxy(t, addr, target)
	}
	var r invocationResult
	select {
	case r = <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("held invocation never answered")
	}
	if r.Status != 200 {
		t.Fatalf("invocation after storage came up: %d %v", r.Status, r.Logs)
	}
	select {
	case at := <-probed:
		if at.Before(up) {
			t.Fatal("GET / answered before storage came up")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("GET / never answered")
	}
	t.Logf("storage up → invocation answered after %s", time.Since(up).Round(time.Millisecond))
	c := client{base: p.base, key: e.key}
	code, _, b := c.do(t, "GET", "/api/v1/jobs/"+id, "")
	var j httpapi.JobView
	_ = json.Unmarshal(b, &j)
	if code != 200 || j.Attempts != 1 || j.Status.Terminal() && j.Status != jobs.Succeeded {
		t.Fatalf("job after the held invocation: %d attempts %d status %s %s", code, j.Attempts, j.Status, b)
	}
	for _, inv := range h.snapshot() {
		if inv.Status == http.StatusServiceUnavailable {
			t.Fatalf("a 503 reached the host: %+v", inv)
		}
	}
	if !strings.Contains(p.stderr.String(), "storage unavailable") {
		t.Errorf("no warning about storage in stderr:\n%s", p.stderr)
	}
	// and the rest of the job runs as usual
	h.runUntil(ctx, 2*time.Minute, func() bool {
		_, _, b := c.do(t, "GET", "/api/v1/jobs/"+id, "")
		_ = json.Unmarshal(b, &j)
		return j.Status.Terminal()
	})
	if j.Status != jobs.Succeeded {
		t.Fatalf("job %s: %+v", j.Status, j.Error)
	}
}
