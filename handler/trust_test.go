package handler

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/safego"
	"github.com/atg-go/atg/handler/executors"
	"github.com/atg-go/atg/handler/httpapi"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
	"github.com/atg-go/atg/internal/repotest"
	"github.com/atg-go/atg/sim"
)

const trustSub = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"

func trustSpec(t testing.TB, mut func(m map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile(repotest.Testdata("specs", "valid-spec.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if mut != nil {
		mut(m)
	}
	out, _ := json.Marshal(m)
	return string(out)
}

// diagScope sets the scope of the spec's extension resource (model.resources[3]); a string
// starting with "var:" becomes a $var whose default is the rest.
func diagScope(scope any) func(m map[string]any) {
	return func(m map[string]any) {
		md := m["model"].(map[string]any)
		r := md["resources"].([]any)[3].(map[string]any)
		if s, ok := scope.(string); ok && strings.HasPrefix(s, "var:") {
			md["variables"] = append(md["variables"].([]any), map[string]any{"name": "evil", "kind": "reference", "description": "x", "default": s[4:]})
			r["scope"] = map[string]any{"$var": "evil"}
			return
		}
		r["scope"] = scope
	}
}

func countingServer(t *testing.T, status int) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"error":{"code":"ResourceNotFound","message":"not found"}}`))
	}))
	t.Cleanup(s.Close)
	return s, &n
}

// TestCreateTenantExfiltrationRefused plays the token-exfiltration report (issue 14) against
// the service: every scope form is a 400 at submit naming the JSON path, no job exists, and
// zero requests reach the attacker's listener, dry-run or real. A valid spec still runs (dry
// run against a fake ARM endpoint), and every request it makes goes to that endpoint.
func TestCreateTenantExfiltrationRefused(t *testing.T) {
	evil, evilHits := countingServer(t, 200)
	arm, armHits := countingServer(t, 404)
	host := strings.TrimPrefix(evil.URL, "http://")
	h := newHostFixture(t)
	h.deps.Executors.(*worker.Registry).RegisterRunner(jobs.TypeCreateTenant, &executors.TenantExecutor{Endpoints: azure.Endpoints{ARM: arm.URL, MSGraph: arm.URL}})
	scopes := map[string]any{
		"at host":         "@" + host + "/x",
		"dot host":        ".evil.example/x",
		"double slash":    "//" + host + "/subscriptions/" + trustSub,
		"encoded slash":   "/subscriptions/" + trustSub + "/resourceGroups/rg%2F..%2F@" + host,
		"backslash":       `/subscriptions/` + trustSub + `/resourceGroups/rg\@` + host,
		"encoded at":      "/subscriptions/" + trustSub + "%40" + host + "/resourceGroups/rg",
		"other sub":       "/subscriptions/99999999-8888-7777-6666-555555555555/resourceGroups/rg",
		"var @host":       "var:@" + host + "/x",
		"var //host":      "var://" + host + "/x",
		"var other sub":   "var:/subscriptions/99999999-8888-7777-6666-555555555555/resourceGroups/rg",
		"self reference":  map[string]any{"$ref": "vau_5be63b59_dia_b2055ba1"},
		"suffix at host":  map[string]any{"$ref": "vau_5be63b59", "suffix": "@" + host},
		"url scope":       "http://" + host + "/subscriptions/" + trustSub,
		"tenant provider": "/providers/Microsoft.Management/managementGroups/evil",
	}
	submit := func(spec string, dry bool) resp {
		body := fmt.Sprintf(`{"spec":%s,"target":{"tenant_id":%q,"subscription_id":%q},"dry_run":%v}`, spec, tenant, trustSub, dry)
		return h.do("POST", "/api/v1/create-tenant", h.keys["alice"], body)
	}
	for name, scope := range scopes {
		for _, dry := range []bool{true, false} {
			r := submit(trustSpec(t, diagScope(scope)), dry)
			if r.code != 400 || r.errCode(t) != "invalid_request" {
				t.Fatalf("%s (dry %v): %d %s", name, dry, r.code, r.body)
			}
			e := r.json(t)["error"].(map[string]any)
			if p, _ := e["details"].(map[string]any)["path"].(string); !strings.HasPrefix(p, "spec.model.resources[3].scope") {
				t.Fatalf("%s: path %q in %s", name, p, r.body)
			}
		}
	}
	// the process-killers of the report
	for name, mut := range map[string]func(map[string]any){
		"null resource": func(m map[string]any) { m["model"].(map[string]any)["resources"] = []any{nil} },
		"null entries": func(m map[string]any) {
			md := m["model"].(map[string]any)
			md["resources"] = append(md["resources"].([]any), nil)
		},
	} {
		if r := submit(trustSpec(t, mut), false); r.code != 400 || !strings.Contains(string(r.body), "null") {
			t.Fatalf("%s: %d %s", name, r.code, r.body)
		}
	}
	if n := len(h.q.Drain()); n != 0 {
		t.Fatalf("%d jobs were queued for refused specs", n)
	}
	if list, _, _ := h.b.Jobs.List(context.Background(), jobs.ListQuery{Limit: 100}); len(list) != 0 {
		t.Fatalf("%d jobs exist", len(list))
	}
	// a valid spec runs; its requests go to the ARM endpoint only
	r := submit(trustSpec(t, nil), true)
	if r.code != 202 {
		t.Fatalf("valid spec: %d %s", r.code, r.body)
	}
	id := r.json(t)["id"].(string)
	m := h.q.Drain()[0]
	h.invoke(t, FunctionJobsWorker, payload(t, "queue-double-encoded.json", m, 1))
	if j := h.job(t, id); j.Status != jobs.Succeeded {
		t.Fatalf("valid spec dry run: %s %+v", j.Status, j.Error)
	}
	if evilHits.Load() != 0 || armHits.Load() == 0 {
		t.Fatalf("listener got %d requests, ARM %d", evilHits.Load(), armHits.Load())
	}
}

type panicky struct{ calls atomic.Int32 }

func (p *panicky) Run(context.Context, *worker.JobContext) (json.RawMessage, error) {
	if p.calls.Add(1) == 1 {
		var m map[string]int
		//lint:ignore SA5000 the injected bug: a nil map write panics in the executor
		m["boom"]++
	}
	return json.RawMessage(`{"ok":true}`), nil
}

// TestExecutorPanicFailsOnlyThatJob: a panic in an executor fails that job at once (internal,
// with its id), the process keeps serving, and the next job succeeds.
func TestExecutorPanicFailsOnlyThatJob(t *testing.T) {
	h := newHostFixture(t)
	h.deps.Executors.(*worker.Registry).RegisterRunner(jobs.TypeGenerateIaC, &panicky{})
	var ids []string
	for i := 0; i < 2; i++ {
		r := h.do("POST", "/api/v1/generate-iac", h.keys["alice"], `{"tenant_id":"`+tenant+`","format":"terraform"}`)
		if r.code != 202 {
			t.Fatalf("submit: %d %s", r.code, r.body)
		}
		ids = append(ids, r.json(t)["id"].(string))
	}
	for _, m := range h.q.Drain() {
		if code, _ := h.invoke(t, FunctionJobsWorker, payload(t, "queue-double-encoded.json", m, 1)); code != 200 {
			t.Fatalf("invocation answered %d", code)
		}
	}
	j := h.job(t, ids[0])
	if j.Status != jobs.Failed || j.Error == nil || j.Error.Code != "internal" || !strings.Contains(j.Error.Message, ids[0]) || j.Attempts != 1 {
		t.Fatalf("panicking job: %s %+v attempts %d", j.Status, j.Error, j.Attempts)
	}
	if strings.Contains(j.Error.Message, "nil map") {
		t.Fatalf("panic value leaked to the client: %s", j.Error.Message)
	}
	if j := h.job(t, ids[1]); j.Status != jobs.Succeeded {
		t.Fatalf("next job: %s %+v", j.Status, j.Error)
	}
	if !strings.Contains(h.logs.String(), "panic in job executor") || !strings.Contains(h.logs.String(), "goroutine") {
		t.Fatal("the stack is not in the log")
	}
}

// panickyShards panics inside an engine goroutine (safego) of its only shard.
type panickyShards struct{ nopSharded }

func (panickyShards) Plan(context.Context, *worker.JobContext) (json.RawMessage, []string, error) {
	return json.RawMessage(`{}`), []string{"s1"}, nil
}

func (panickyShards) RunShard(ctx context.Context, _ *worker.JobContext, _ json.RawMessage, _ string) (json.RawMessage, map[string]int, error) {
	g, _ := safego.WithContext(ctx)
	g.Go(func() error {
		var p *struct{ x int }
		return fmt.Errorf("%d", p.x) // nil dereference in a worker goroutine
	})
	return nil, nil, g.Wait()
}

// TestEngineGoroutinePanicFailsJob: a panic in a goroutine the engine started (a scan shard)
// fails the job once with internal, and the process is still there to say so.
func TestEngineGoroutinePanicFailsJob(t *testing.T) {
	h := newHostFixture(t)
	h.deps.Executors.(*worker.Registry).RegisterSharded(jobs.TypeScan, panickyShards{})
	id := h.submitScan(t, "alice")
	for i := 0; i < 3; i++ {
		for _, m := range h.q.Drain() {
			h.invoke(t, functionFor(m), payload(t, "queue-double-encoded.json", m, 1))
		}
	}
	j := h.job(t, id)
	if j.Status != jobs.Failed || j.Error == nil || j.Error.Code != "internal" || j.Attempts != 1 {
		t.Fatalf("job: %s %+v attempts %d", j.Status, j.Error, j.Attempts)
	}
	if !strings.Contains(h.logs.String(), "nil pointer") {
		t.Fatal("the panic is not in the log")
	}
}

// TestServePanicFailsOneJob: under `atg serve`'s poller (Azurite queues), a panic injected in an
// executor fails that job at once (internal) and the next job in the same process succeeds.
func TestServePanicFailsOneJob(t *testing.T) {
	e := newServiceEnv(t, sim.Options{Resources: 5, Subscriptions: 1, Seed: 1, Throttle: "off"})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	app, err := NewApp(ctx, AppOptions{Config: e.config()})
	if err != nil {
		t.Fatal(err)
	}
	app.Deps.Executors.(*worker.Registry).RegisterRunner(jobs.TypeGenerateIaC, &panicky{})
	c := e.runService(t, ctx, app, httpapi.NewRouter(app.Deps), 1, 5*time.Second, time.Millisecond)
	var states []httpapi.JobView
	for i := 0; i < 2; i++ {
		code, _, b := c.do(t, "POST", "/api/v1/generate-iac", `{"tenant_id":"`+e.tenant+`","format":"terraform"}`)
		if code != 202 {
			t.Fatalf("submit: %d %s", code, b)
		}
		var jv httpapi.JobView
		_ = json.Unmarshal(b, &jv)
		j, _ := c.wait(t, jv.ID, 30*time.Second, nil)
		states = append(states, j)
	}
	if j := states[0]; j.Status != jobs.Failed || j.Error == nil || j.Error.Code != "internal" || j.Attempts != 1 {
		t.Fatalf("panicking job: %s %+v attempts %d", j.Status, j.Error, j.Attempts)
	}
	if j := states[1]; j.Status != jobs.Succeeded {
		t.Fatalf("next job: %s %+v", j.Status, j.Error)
	}
}
