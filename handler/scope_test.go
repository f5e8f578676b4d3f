package handler

import (
	"bytes"
	"fmt"
	"github.com/atg-go/atg/handler/executors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/handler/auth"
	"github.com/atg-go/atg/handler/httpapi"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
)

const otherTenant = "66666666-7777-8888-9999-000000000000"

// scopeFixture: user keys scoped to one tenant, admin keys with scope "*" and without any
// (an entry from before scopes), and a user entry without a scope.
type scopeFixture struct {
	b     *jobs.Backend
	keys  map[string]string
	ents  map[string]auth.Entry
	logs  *bytes.Buffer
	reg   *worker.Registry
	store graph.Store
}

func newScopeFixture(t *testing.T) *scopeFixture {
	f := &scopeFixture{keys: map[string]string{}, ents: map[string]auth.Entry{}, logs: &bytes.Buffer{}, reg: worker.NewRegistry()}
	for name, spec := range map[string]struct {
		role    auth.Role
		tenants []string
	}{
		"userA": {auth.RoleUser, []string{tenant}}, "userB": {auth.RoleUser, []string{otherTenant}},
		"userAB": {auth.RoleUser, []string{tenant, otherTenant}}, "adminStar": {auth.RoleAdmin, []string{"*"}},
		"adminOld": {auth.RoleAdmin, nil}, "userOld": {auth.RoleUser, nil},
	} {
		k, e, err := auth.NewKey("dev", name, spec.role, spec.tenants...)
		if err != nil {
			t.Fatal(err)
		}
		f.keys[name], f.ents[name] = k, e
	}
	f.b, _ = jobs.NewMemoryBackend()
	f.reg.RegisterSharded(jobs.TypeScan, nopSharded{})
	f.reg.RegisterRunner(jobs.TypeGenerateIaC, fakeRunner{})
	f.reg.RegisterRunner(jobs.TypeCreateTenant, fakeRunner{})
	f.reg.RegisterRunner(jobs.TypePosture, fakeRunner{})
	return f
}

// router builds the API over the shared backend with the entries as configured now (entries
// are re-read: a narrowed scope applies to existing jobs).
func (f *scopeFixture) router(t *testing.T, mutate func(map[string]auth.Entry)) http.Handler {
	ents := map[string]auth.Entry{}
	for k, v := range f.ents {
		ents[k] = v
	}
	if mutate != nil {
		mutate(ents)
	}
	// round-trip through the ATG_API_KEYS form
	var items []string
	for _, e := range ents {
		items = append(items, e.String())
	}
	parsed, err := auth.ParseEntries(strings.Join(items, ","))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := auth.NewAuthenticator("dev", parsed)
	return httpapi.NewRouter(httpapi.Deps{Backend: f.b, Auth: a, Executors: f.reg, Environment: "dev", Logger: slog.New(slog.NewJSONHandler(f.logs, nil)),
		MCPServer: executors.MCPServers(f.graph(t), nil), CheckSpec: executors.CheckSpec})
}

func call(h http.Handler, method, path, key, body string) resp {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream") // what MCP clients send
	req.Header.Set("Authorization", "Bearer "+key)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return resp{code: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// TestTenantScopeMatrix: user key × {own tenant, other tenant} × {scan, generate-iac,
// create-tenant source, create-tenant target, job read}, and the admin keys × all.
func TestTenantScopeMatrix(t *testing.T) {
	f := newScopeFixture(t)
	h := f.router(t, nil)
	const sub = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
	ops := map[string]func(x string) (string, string){
		"scan": func(x string) (string, string) { return "/api/v1/scan", `{"tenant_id":"` + x + `"}` },
		"generate-iac": func(x string) (string, string) {
			return "/api/v1/generate-iac", `{"tenant_id":"` + x + `","format":"terraform"}`
		},
		"create-tenant source": func(x string) (string, string) {
			return "/api/v1/create-tenant", fmt.Sprintf(`{"source_tenant_id":%q,"target":{"tenant_id":%q,"subscription_id":%q}}`, x, tenant, sub)
		},
		"posture": func(x string) (string, string) { return "/api/v1/posture", `{"tenant_id":"` + x + `"}` },
		"mcp": func(x string) (string, string) {
			return "/api/v1/mcp?tenant_id=" + x, `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}`
		},
		"create-tenant target": func(x string) (string, string) {
			return "/api/v1/create-tenant", fmt.Sprintf(`{"source_tenant_id":%q,"target":{"tenant_id":%q,"subscription_id":%q}}`, tenant, x, sub)
		},
	}
	cells := 0
	for op, mk := range ops {
		for _, c := range []struct {
			key    string
			tenant string
			want   int
		}{
			{"userA", tenant, 202}, {"userA", otherTenant, 403},
			{"adminStar", tenant, 202}, {"adminStar", otherTenant, 202},
			{"adminOld", tenant, 202}, {"adminOld", otherTenant, 202},
			{"userOld", tenant, 403},
		} {
			path, body := mk(c.tenant)
			r := call(h, "POST", path, f.keys[c.key], body)
			want := c.want
			if strings.HasPrefix(path, "/api/v1/mcp") && want == 202 {
				want = 200 // the MCP endpoint answers the JSON-RPC exchange itself
			}
			if r.code != want {
				t.Errorf("%s by %s on %s: %d %s, want %d", op, c.key, c.tenant, r.code, r.body, want)
				continue
			}
			cells++
			if r.code == 403 {
				msg := string(r.body)
				if r.errCode(t) != "forbidden" || (c.key == "userA" && !strings.Contains(msg, c.tenant)) || (c.key == "userOld" && !strings.Contains(msg, "re-issue")) {
					t.Errorf("%s by %s: %s", op, c.key, msg)
				}
			}
		}
	}
	if !strings.Contains(f.logs.String(), `"tenant":"`+otherTenant+`"`) {
		t.Error("the audit line does not record the tenant")
	}
	// job reads: userAB owns jobs on both tenants; narrowing its scope to A hides B's job
	jobA := call(h, "POST", "/api/v1/scan", f.keys["userAB"], `{"tenant_id":"`+tenant+`"}`).json(t)["id"].(string)
	jobB := call(h, "POST", "/api/v1/scan", f.keys["userAB"], `{"tenant_id":"`+otherTenant+`"}`).json(t)["id"].(string)
	narrowed := f.router(t, func(m map[string]auth.Entry) {
		e := m["userAB"]
		e.Tenants = []string{tenant}
		m["userAB"] = e
	})
	for _, c := range []struct {
		h    http.Handler
		key  string
		id   string
		want int
	}{
		{h, "userAB", jobA, 200}, {h, "userAB", jobB, 200},
		{narrowed, "userAB", jobA, 200}, {narrowed, "userAB", jobB, 403},
		{narrowed, "adminStar", jobB, 200}, {narrowed, "adminOld", jobB, 200},
		{narrowed, "userB", jobB, 404}, // not its job: ownership still hides it
	} {
		for _, suffix := range []string{"", "/result", "/artifacts"} {
			r := call(c.h, "GET", "/api/v1/jobs/"+c.id+suffix, f.keys[c.key], "")
			want := c.want
			if want == 200 && suffix == "/result" {
				want = 409 // not finished: no executor ran
			}
			if r.code != want {
				t.Errorf("job read %s by %s (%s): %d %s, want %d", suffix, c.key, c.id, r.code, r.body, want)
				continue
			}
			cells++
		}
	}
	list := call(narrowed, "GET", "/api/v1/jobs", f.keys["userAB"], "")
	if strings.Contains(string(list.body), jobB) || !strings.Contains(string(list.body), jobA) {
		t.Errorf("list with a narrowed scope: %s", list.body)
	}
	t.Logf("%d matrix cells as specified", cells)
}

func TestScopeEntries(t *testing.T) {
	for _, bad := range []string{
		"a:user:" + strings.Repeat("ab", 32) + ":*",
		"a:user:" + strings.Repeat("ab", 32) + ":",
		"a:user:" + strings.Repeat("ab", 32) + ":nope",
		"a:admin:" + strings.Repeat("ab", 32) + ":*+" + tenant,
		"a:user:" + strings.Repeat("ab", 32) + ":" + tenant + ":x",
	} {
		if _, err := auth.ParseEntries(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	es, err := auth.ParseEntries("a:user:" + strings.Repeat("ab", 32) + ":" + strings.ToUpper(tenant) + "+" + otherTenant + ",b:admin:" + strings.Repeat("cd", 32))
	if err != nil || len(es[0].Tenants) != 2 || es[0].Tenants[0] != tenant || es[1].Tenants != nil {
		t.Fatalf("%+v %v", es, err)
	}
}

// graph is an empty embedded store for the MCP endpoint (one per fixture).
func (f *scopeFixture) graph(t *testing.T) graph.Store {
	if f.store == nil {
		f.store = openBolt(t)
	}
	return f.store
}
