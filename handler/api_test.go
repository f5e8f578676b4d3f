package handler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"github.com/atg-go/atg/handler/executors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/apierr"
	"github.com/atg-go/atg/handler/auth"
	"github.com/atg-go/atg/handler/httpapi"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
)

const tenant = "11111111-2222-3333-4444-555555555555"

type fixture struct {
	h       http.Handler
	b       *jobs.Backend
	q       *jobs.MemQueue
	keys    map[string]string // name -> key
	revoked string
	prodKey string
	logs    *bytes.Buffer
	deps    httpapi.Deps
}

type nopSharded struct{}

func (nopSharded) Plan(context.Context, *worker.JobContext) (json.RawMessage, []string, error) {
	return json.RawMessage(`{}`), nil, nil
}
func (nopSharded) RunShard(context.Context, *worker.JobContext, json.RawMessage, string) (json.RawMessage, map[string]int, error) {
	return nil, nil, nil
}
func (nopSharded) Finalize(context.Context, *worker.JobContext, json.RawMessage, []json.RawMessage) (json.RawMessage, error) {
	return json.RawMessage(`{}`), nil
}

func newFixture(t testing.TB, mutate ...func(*httpapi.Deps)) *fixture {
	t.Helper()
	f := &fixture{keys: map[string]string{}, logs: &bytes.Buffer{}}
	var entries []auth.Entry
	for name, role := range map[string]auth.Role{"alice": auth.RoleUser, "bob": auth.RoleUser, "root": auth.RoleAdmin} {
		var scope []string
		if role == auth.RoleUser {
			scope = []string{tenant}
		}
		k, e, err := auth.NewKey("dev", name, role, scope...)
		if err != nil {
			t.Fatal(err)
		}
		f.keys[name] = k
		entries = append(entries, e)
	}
	f.revoked, _, _ = auth.NewKey("dev", "mallory", auth.RoleAdmin)
	f.prodKey, _, _ = auth.NewKey("prod", "alice", auth.RoleUser)
	a, err := auth.NewAuthenticator("dev", entries)
	if err != nil {
		t.Fatal(err)
	}
	f.b, f.q = jobs.NewMemoryBackend()
	reg := worker.NewRegistry()
	reg.RegisterSharded(jobs.TypeScan, nopSharded{})
	f.deps = httpapi.Deps{Backend: f.b, Auth: a, Executors: reg, CheckSpec: executors.CheckSpec, Environment: "dev", Version: "test",
		Logger: slog.New(slog.NewJSONHandler(f.logs, nil))}
	for _, m := range mutate {
		m(&f.deps)
	}
	f.h = httpapi.NewRouter(f.deps)
	return f
}

type resp struct {
	code   int
	header http.Header
	body   []byte
}

func (r resp) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response is not JSON (%d): %s", r.code, r.body)
	}
	return m
}

func (r resp) errCode(t testing.TB) string {
	t.Helper()
	e, _ := r.json(t)["error"].(map[string]any)
	if e == nil {
		t.Fatalf("no error object in %d response: %s", r.code, r.body)
	}
	if _, ok := e["message"].(string); !ok {
		t.Fatalf("error without message: %s", r.body)
	}
	c, _ := e["code"].(string)
	return c
}

func (f *fixture) do(method, path, key string, body string, hdr ...string) resp {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return resp{code: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

func (f *fixture) submitScan(t testing.TB, who string) string {
	t.Helper()
	r := f.do("POST", "/api/v1/scan", f.keys[who], `{"tenant_id":"`+tenant+`"}`)
	if r.code != 202 {
		t.Fatalf("submit: %d %s", r.code, r.body)
	}
	return r.json(t)["id"].(string)
}

func TestAuthMatrix(t *testing.T) {
	f := newFixture(t)
	id := f.submitScan(t, "alice")
	for name, key := range map[string]string{"no key": "", "malformed": "hello", "wrong env": f.prodKey, "revoked": f.revoked} {
		r := f.do("GET", "/api/v1/jobs/"+id, key, "")
		if r.code != 401 || r.errCode(t) != "unauthorized" || r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: %d %s", name, r.code, r.body)
		}
	}
	// X-API-Key works as well as Bearer
	req := httptest.NewRequest("GET", "/api/v1/jobs/"+id, nil)
	req.Header.Set("X-API-Key", f.keys["alice"])
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("X-API-Key: %d", rec.Code)
	}
	if r := f.do("GET", "/api/v1/jobs/"+id, f.keys["bob"], ""); r.code != 404 || r.errCode(t) != "not_found" {
		t.Errorf("other user: %d %s", r.code, r.body)
	}
	for _, p := range []string{"/result", "/artifacts", "/artifacts/x.json"} {
		if r := f.do("GET", "/api/v1/jobs/"+id+p, f.keys["bob"], ""); r.code != 404 {
			t.Errorf("other user %s: %d", p, r.code)
		}
	}
	if r := f.do("POST", "/api/v1/jobs/"+id+"/cancel", f.keys["bob"], ""); r.code != 404 {
		t.Errorf("other user cancel: %d", r.code)
	}
	if r := f.do("GET", "/api/v1/jobs/"+id, f.keys["root"], ""); r.code != 200 || r.json(t)["owner"] != "alice" {
		t.Errorf("admin: %d %s", r.code, r.body)
	}
	// lists: user sees own, admin sees all
	f.submitScan(t, "bob")
	if n := len(f.do("GET", "/api/v1/jobs", f.keys["bob"], "").json(t)["jobs"].([]any)); n != 1 {
		t.Errorf("bob lists %d jobs, want 1", n)
	}
	if n := len(f.do("GET", "/api/v1/jobs", f.keys["root"], "").json(t)["jobs"].([]any)); n != 2 {
		t.Errorf("admin lists %d jobs, want 2", n)
	}
	// health needs no key
	if r := f.do("GET", "/api/v1/health", "", ""); r.code != 200 {
		t.Errorf("health: %d", r.code)
	}
	// the audit log names keys, never contains them
	logs := f.logs.String()
	for _, k := range append([]string{f.revoked, f.prodKey}, f.keys["alice"], f.keys["bob"], f.keys["root"]) {
		if strings.Contains(logs, k) || strings.Contains(logs, k[8:]) {
			t.Fatal("a key appears in the logs")
		}
	}
	if !strings.Contains(logs, `"key":"alice"`) || !strings.Contains(logs, `"route":"/api/v1/jobs/{id}"`) || !strings.Contains(logs, `"job_id":"`+id+`"`) {
		t.Errorf("audit lines lack key/route/job id:\n%s", logs)
	}
}

func TestSubmitValidation(t *testing.T) {
	f := newFixture(t)
	k := f.keys["alice"]
	cases := []struct {
		name, path, body, ct string
		code                 int
		errCode, field       string
	}{
		{"missing tenant", "/api/v1/scan", `{}`, "", 400, "invalid_request", "tenant_id"},
		{"bad guid", "/api/v1/scan", `{"tenant_id":"nope"}`, "", 400, "invalid_request", "tenant_id"},
		{"bad sub", "/api/v1/scan", `{"tenant_id":"` + tenant + `","subscription_ids":["x"]}`, "", 400, "invalid_request", "subscription_ids[0]"},
		{"unknown field", "/api/v1/scan", `{"tenant_id":"` + tenant + `","tenantid":"x"}`, "", 400, "invalid_request", "tenantid"},
		{"wrong type", "/api/v1/scan", `{"tenant_id":5}`, "", 400, "invalid_request", "tenant_id"},
		{"bool type", "/api/v1/scan", `{"tenant_id":"` + tenant + `","include_rbac":"yes"}`, "", 400, "invalid_request", "include_rbac"},
		{"malformed", "/api/v1/scan", `{"tenant_id":`, "", 400, "invalid_request", ""},
		{"empty", "/api/v1/scan", ``, "application/json", 400, "invalid_request", ""},
		{"array", "/api/v1/scan", `[1]`, "", 400, "invalid_request", ""},
		{"trailing", "/api/v1/scan", `{"tenant_id":"` + tenant + `"} {}`, "", 400, "invalid_request", ""},
		{"not json", "/api/v1/scan", `tenant_id=x`, "application/x-www-form-urlencoded", 415, "unsupported_media_type", ""},
		{"no content type", "/api/v1/scan", `{}`, "none", 415, "unsupported_media_type", ""},
		{"too large", "/api/v1/scan", `{"tenant_id":"` + tenant + `","resource_groups":["` + strings.Repeat("a", httpapi.MaxBodyBytes) + `"]}`, "", 413, "payload_too_large", ""},
		{"iac not implemented", "/api/v1/generate-iac", `{"tenant_id":"` + tenant + `","format":"terraform"}`, "", 501, "not_implemented", ""},
		{"create-tenant not implemented", "/api/v1/create-tenant", `{}`, "", 501, "not_implemented", ""},
		{"unknown route", "/api/v1/nope", `{}`, "", 404, "not_found", ""},
		{"wrong method", "/api/v1/jobs", `{}`, "", 405, "method_not_allowed", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", c.path, strings.NewReader(c.body))
			switch c.ct {
			case "":
				req.Header.Set("Content-Type", "application/json; charset=utf-8")
			case "none":
			default:
				req.Header.Set("Content-Type", c.ct)
			}
			req.Header.Set("Authorization", "Bearer "+k)
			rec := httptest.NewRecorder()
			f.h.ServeHTTP(rec, req)
			r := resp{code: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
			if r.code != c.code || r.errCode(t) != c.errCode {
				t.Fatalf("%d %s, want %d %s", r.code, r.body, c.code, c.errCode)
			}
			if c.field != "" {
				fields, _ := r.json(t)["error"].(map[string]any)["details"].(map[string]any)["fields"].(map[string]any)
				if _, ok := fields[c.field]; !ok {
					t.Fatalf("details lack field %q: %s", c.field, r.body)
				}
			}
		})
	}
	if len(f.q.Messages) != 0 {
		t.Fatalf("invalid requests enqueued %d messages", len(f.q.Messages))
	}
}

type fakeRunner struct{}

func (fakeRunner) Run(context.Context, *worker.JobContext) (json.RawMessage, error) { return nil, nil }

func TestValidationOtherTypes(t *testing.T) {
	f := newFixture(t, func(d *httpapi.Deps) {
		d.Executors.(*worker.Registry).RegisterRunner(jobs.TypeGenerateIaC, fakeRunner{})
		d.Executors.(*worker.Registry).RegisterRunner(jobs.TypeCreateTenant, fakeRunner{})
	})
	k := f.keys["alice"]
	for body, field := range map[string]string{
		`{"tenant_id":"` + tenant + `"}`:                                                      "format",
		`{"tenant_id":"` + tenant + `","format":"pulumi"}`:                                    "format",
		`{"tenant_id":"` + tenant + `","format":"arm","types":["vm"]}`:                        "types[0]",
		`{"tenant_id":"` + tenant + `","format":"arm","target":{"subscription_id":"x"}}`:      "target.subscription_id",
		`{"tenant_id":"` + tenant + `","format":"arm","target":{"name_suffix":"UPPER CASE"}}`: "target.name_suffix",
		`{"tenant_id":"` + tenant + `","format":"arm","target":{"tenant_id":"a","extra":1}}`:  "extra",
	} {
		if r := f.do("POST", "/api/v1/generate-iac", k, body); r.code != 400 || !strings.Contains(string(r.body), `"`+field+`"`) {
			t.Errorf("%s: %d %s (want field %s)", body, r.code, r.body, field)
		}
	}
	if r := f.do("POST", "/api/v1/generate-iac", k, `{"tenant_id":"`+strings.ToUpper(tenant)+`","format":"Bicep","types":["Microsoft.Network/virtualNetworks"]}`); r.code != 202 {
		t.Fatalf("valid iac: %d %s", r.code, r.body)
	} else if req := r.json(t)["request"].(map[string]any); req["format"] != "bicep" || req["tenant_id"] != tenant {
		t.Fatalf("request not normalised: %v", req)
	}
	sub := `"target":{"tenant_id":"` + tenant + `","subscription_id":"` + tenant + `"}`
	for body, field := range map[string]string{
		`{` + sub + `}`: "spec",
		`{"spec":{"a":1},"source_tenant_id":"` + tenant + `",` + sub + `}`: "spec",
		`{"spec":[1],` + sub + `}`:             "spec",
		`{"spec":{"a":1}}`:                     "target.subscription_id",
		`{"source_tenant_id":"x",` + sub + `}`: "source_tenant_id",
	} {
		if r := f.do("POST", "/api/v1/create-tenant", k, body); r.code != 400 || !strings.Contains(string(r.body), `"`+field+`"`) {
			t.Errorf("%s: %d %s (want field %s)", body, r.code, r.body, field)
		}
	}
	// a valid spec of 5 MiB is accepted (the body limit is 10 MiB); an invalid one is a 400 at its path
	pad := trustSpec(t, func(m map[string]any) {
		m["model"].(map[string]any)["resources"].([]any)[2].(map[string]any)["tags"] = map[string]any{"pad": strings.Repeat("a", 5<<20)}
	})
	if r := f.do("POST", "/api/v1/create-tenant", k, `{"spec":{"x":1},`+sub+`}`); r.code != 400 || !strings.Contains(string(r.body), `"spec.x"`) {
		t.Errorf("invalid spec: %d %.300s", r.code, r.body)
	}
	big := `{"spec":` + pad + `,` + sub + `}`
	if r := f.do("POST", "/api/v1/create-tenant", k, big); r.code != 202 {
		t.Errorf("5 MiB spec: %d %.200s", r.code, r.body)
	}
	big = `{"spec":{"x":"` + strings.Repeat("a", 11<<20) + `"},` + sub + `}`
	if r := f.do("POST", "/api/v1/create-tenant", k, big); r.code != 413 {
		t.Errorf("11 MiB spec: %d %.200s", r.code, r.body)
	}
}

func TestScanDefaultsAndLifecycle(t *testing.T) {
	f := newFixture(t)
	k := f.keys["alice"]
	r := f.do("POST", "/api/v1/scan", k, `{"tenant_id":"`+tenant+`","subscription_ids":["`+strings.ToUpper(tenant)+`","`+tenant+`"]}`)
	if r.code != 202 || r.header.Get("Location") == "" || r.header.Get("X-Request-Id") == "" {
		t.Fatalf("submit: %d %v %s", r.code, r.header, r.body)
	}
	j := r.json(t)
	id := j["id"].(string)
	req := j["request"].(map[string]any)
	if req["include_identities"] != true || req["include_rbac"] != true || len(req["subscription_ids"].([]any)) != 1 {
		t.Fatalf("defaults/normalisation: %v", req)
	}
	if j["status"] != "queued" || j["owner"] != "alice" || j["links"].(map[string]any)["self"] != "/api/v1/jobs/"+id {
		t.Fatalf("job: %s", r.body)
	}
	msgs := f.q.Drain()
	if len(msgs) != 1 || msgs[0] != (jobs.Message{JobID: id, Owner: "alice", Type: "scan", Kind: jobs.KindStart}) {
		t.Fatalf("messages: %+v", msgs)
	}
	if r := f.do("GET", "/api/v1/jobs/"+id+"/result", k, ""); r.code != 409 || r.errCode(t) != "job_not_finished" {
		t.Fatalf("result while queued: %d %s", r.code, r.body)
	}
	if r := f.do("POST", "/api/v1/jobs/"+id+"/cancel", k, ""); r.code != 202 || r.json(t)["status"] != "cancelled" {
		t.Fatalf("cancel queued: %d %s", r.code, r.body)
	}
	if r := f.do("POST", "/api/v1/jobs/"+id+"/cancel", k, ""); r.code != 409 || r.errCode(t) != "conflict" {
		t.Fatalf("cancel finished: %d %s", r.code, r.body)
	}
	// a running job goes to cancelling
	id2 := f.submitScan(t, "alice")
	_, _ = f.b.Jobs.Update(t.Context(), "alice", id2, func(j *jobs.Job) error { return j.Transition(jobs.Running, time.Now()) })
	if r := f.do("POST", "/api/v1/jobs/"+id2+"/cancel", k, ""); r.code != 202 || r.json(t)["status"] != "cancelling" {
		t.Fatalf("cancel running: %d %s", r.code, r.body)
	}
	// finished with a result + artifact
	_, _ = f.b.Jobs.Update(t.Context(), "alice", id2, func(j *jobs.Job) error {
		j.Result = json.RawMessage(`{"resources":3}`)
		return j.Transition(jobs.Succeeded, time.Now())
	})
	if r := f.do("GET", "/api/v1/jobs/"+id2+"/result", k, ""); r.code != 200 || string(r.body) != `{"resources":3}` {
		t.Fatalf("result: %d %s", r.code, r.body)
	}
	if _, err := f.b.Artifacts.Put(t.Context(), id2, "scan-summary.json", "application/json", strings.NewReader(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	r = f.do("GET", "/api/v1/jobs/"+id2+"/artifacts", k, "")
	arts := r.json(t)["artifacts"].([]any)
	if r.code != 200 || len(arts) != 1 || arts[0].(map[string]any)["url"] != "/api/v1/jobs/"+id2+"/artifacts/scan-summary.json" {
		t.Fatalf("artifacts: %d %s", r.code, r.body)
	}
	r = f.do("GET", "/api/v1/jobs/"+id2+"/artifacts/scan-summary.json", k, "")
	if r.code != 200 || string(r.body) != `{"a":1}` || r.header.Get("Content-Type") != "application/json" || r.header.Get("X-Content-SHA256") == "" {
		t.Fatalf("download: %d %v %s", r.code, r.header, r.body)
	}
	for _, p := range []string{"/api/v1/jobs/job_nope", "/api/v1/jobs/" + id2 + "/artifacts/missing", "/api/v1/jobs/" + id2 + "/artifacts/..%2fx"} {
		if r := f.do("GET", p, k, ""); r.code != 404 {
			t.Errorf("%s: %d", p, r.code)
		}
	}
	// list filters and validation
	if r := f.do("GET", "/api/v1/jobs?status=succeeded&type=scan&limit=5", k, ""); r.code != 200 || len(r.json(t)["jobs"].([]any)) != 1 {
		t.Fatalf("filtered list: %d %s", r.code, r.body)
	}
	for _, q := range []string{"limit=0", "limit=101", "limit=x", "status=done", "type=x", "sort=asc", "cursor=%%%"} {
		if r := f.do("GET", "/api/v1/jobs?"+q, k, ""); r.code != 400 {
			t.Errorf("list ?%s: %d %s", q, r.code, r.body)
		}
	}
}

func TestIdempotencyKey(t *testing.T) {
	f := newFixture(t)
	k := f.keys["alice"]
	body := `{"tenant_id":"` + tenant + `"}`
	r1 := f.do("POST", "/api/v1/scan", k, body, "Idempotency-Key", "abc-1")
	r2 := f.do("POST", "/api/v1/scan", k, " {\"tenant_id\" : \""+strings.ToUpper(tenant)+"\"}", "Idempotency-Key", "abc-1")
	if r1.code != 202 || r2.code != 202 || r1.json(t)["id"] != r2.json(t)["id"] || r2.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d %s / %d %s", r1.code, r1.body, r2.code, r2.body)
	}
	if n := len(f.q.Drain()); n != 1 {
		t.Fatalf("%d messages for one idempotent submit", n)
	}
	r3 := f.do("POST", "/api/v1/scan", k, `{"tenant_id":"`+tenant+`","include_rbac":false}`, "Idempotency-Key", "abc-1")
	if r3.code != 409 || r3.errCode(t) != "conflict" {
		t.Fatalf("other body: %d %s", r3.code, r3.body)
	}
	if r := f.do("POST", "/api/v1/scan", f.keys["bob"], body, "Idempotency-Key", "abc-1"); r.code != 202 || r.json(t)["id"] == r1.json(t)["id"] {
		t.Fatalf("keys are per owner: %d %s", r.code, r.body)
	}
	if r := f.do("POST", "/api/v1/scan", k, body, "Idempotency-Key", "bad key\x01"); r.code != 400 {
		t.Fatalf("bad key: %d", r.code)
	}
	// queue down: 503 with Retry-After, job failed, key released so a retry succeeds
	f.q.Err = errors.New("queue down")
	r := f.do("POST", "/api/v1/scan", k, body, "Idempotency-Key", "abc-2")
	if r.code != 503 || r.errCode(t) != "unavailable" || r.header.Get("Retry-After") == "" || strings.Contains(string(r.body), "queue down") {
		t.Fatalf("queue down: %d %v %s", r.code, r.header, r.body)
	}
	f.q.Err = nil
	if r := f.do("POST", "/api/v1/scan", k, body, "Idempotency-Key", "abc-2"); r.code != 202 || r.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("retry after 503: %d %s", r.code, r.body)
	}
}

func TestRateLimit(t *testing.T) {
	f := newFixture(t, func(d *httpapi.Deps) { d.Limiter = auth.NewLimiter(1, 2) })
	var last resp
	for i := 0; i < 3; i++ {
		last = f.do("GET", "/api/v1/jobs", f.keys["alice"], "")
	}
	if last.code != 429 || last.errCode(t) != "rate_limited" || last.header.Get("Retry-After") != "1" {
		t.Fatalf("3rd request: %d %v %s", last.code, last.header, last.body)
	}
	if r := f.do("GET", "/api/v1/jobs", f.keys["bob"], ""); r.code != 200 {
		t.Fatalf("other key limited: %d", r.code)
	}
}

type failPinger struct{ err error }

func (p failPinger) Ping(context.Context) error { return p.err }

func TestHealth(t *testing.T) {
	f := newFixture(t, func(d *httpapi.Deps) { d.Graph = failPinger{} })
	r := f.do("GET", "/api/v1/health", "", "")
	if h := r.json(t); r.code != 200 || h["status"] != "ok" || h["environment"] != "dev" || h["checks"].(map[string]any)["graph"] != "ok" {
		t.Fatalf("health: %d %s", r.code, r.body)
	}
	f = newFixture(t, func(d *httpapi.Deps) { d.Graph = failPinger{errors.New("bolt: connection refused to 10.0.0.4")} })
	r = f.do("GET", "/api/v1/health", "", "")
	if r.code != 503 || r.header.Get("Retry-After") == "" || r.errCode(t) != "unavailable" || strings.Contains(string(r.body), "10.0.0.4") {
		t.Fatalf("graph down: %d %v %s", r.code, r.header, r.body)
	}
	if r.json(t)["checks"].(map[string]any)["graph"] != "unavailable" {
		t.Fatalf("graph check: %s", r.body)
	}
}

type downQueue struct{ jobs.Queue }

func (downQueue) Ping(context.Context) error {
	return errors.New("dial tcp 127.0.0.1:10001: connection refused")
}

func TestHealthStorageDown(t *testing.T) {
	f := newFixture(t, func(d *httpapi.Deps) { d.Graph = failPinger{} })
	f.b.Queue = downQueue{f.b.Queue}
	r := f.do("GET", "/api/v1/health", "", "")
	checks, _ := r.json(t)["checks"].(map[string]any)
	if r.code != 503 || r.header.Get("Retry-After") == "" || checks["storage"] != "unavailable" || checks["queue"] != "unavailable" ||
		checks["table"] != "ok" || strings.Contains(string(r.body), "10001") {
		t.Fatalf("queue down: %d %s", r.code, r.body)
	}
}

type panicStore struct{ jobs.Store }

func (panicStore) Get(context.Context, string, string) (jobs.Job, error) { panic("secret internals") }

type errStore struct{ jobs.Store }

func (errStore) Get(context.Context, string, string) (jobs.Job, error) {
	return jobs.Job{}, errors.New("table: dial tcp 10.1.2.3: refused")
}

func TestInternalErrorsHideInternals(t *testing.T) {
	f := newFixture(t)
	f.b.Jobs = panicStore{f.b.Jobs}
	id := jobs.NewID(time.Now())
	r := f.do("GET", "/api/v1/jobs/"+id, f.keys["alice"], "")
	if r.code != 500 || r.errCode(t) != "internal" || strings.Contains(string(r.body), "secret") {
		t.Fatalf("panic: %d %s", r.code, r.body)
	}
	rid := r.json(t)["error"].(map[string]any)["details"].(map[string]any)["request_id"]
	if rid != r.header.Get("X-Request-Id") || !strings.Contains(f.logs.String(), "secret internals") {
		t.Fatalf("request id %v / header %s; logs must keep the panic", rid, r.header.Get("X-Request-Id"))
	}
	f.b.Jobs = errStore{f.b.Jobs}
	r = f.do("GET", "/api/v1/jobs/"+id, f.keys["alice"], "")
	if r.code != 503 || strings.Contains(string(r.body), "10.1.2.3") || r.header.Get("Retry-After") == "" {
		t.Fatalf("storage error: %d %s", r.code, r.body)
	}
}

func TestErrorStatusMapRoundTrip(t *testing.T) {
	for code, status := range apierr.Status {
		rec := httptest.NewRecorder()
		apierr.Write(rec, nil, "rid", errs.Errorf(code, "m"))
		if rec.Code != status {
			t.Errorf("%s: status %d, want %d", code, rec.Code, status)
		}
		back := apierr.Decode(rec.Result())
		if back.Code != code {
			t.Errorf("%s: decoded as %s", code, back.Code)
		}
	}
}
