package replicate

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/spec"
	"github.com/atg-go/atg/internal/repotest"
)

const (
	guardTenant = "11111111-2222-3333-4444-555555555555"
	guardSub    = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
	otherSub    = "99999999-8888-7777-6666-555555555555"
)

// listener counts every request that reaches it: the attacker's host.
func listener(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func guardSpec(t testing.TB) map[string]any {
	t.Helper()
	b, err := os.ReadFile(repotest.Testdata("specs", "valid-spec.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// exfilScopes are the forms of the token-exfiltration report (issue 14): each would turn
// "endpoint + id" into a URL on the listener's host.
func exfilScopes(host string) map[string]any {
	return map[string]any{
		"at host":        "@" + host + "/x",
		"dot host":       ".evil.example/x",
		"double slash":   "//" + host + "/subscriptions/" + guardSub,
		"encoded slash":  "/subscriptions/" + guardSub + "/resourceGroups/rg%2F..%2F..%2F@" + host,
		"backslash":      `/subscriptions/` + guardSub + `/resourceGroups/rg\@` + host,
		"encoded at":     "/subscriptions/" + guardSub + "%40" + host + "/resourceGroups/rg",
		"other sub":      "/subscriptions/" + otherSub + "/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v",
		"tenant level":   "/providers/Microsoft.Management/managementGroups/mg",
		"var default @":  varScope("@" + host + "/x"),
		"var default //": varScope("//" + host + "/x"),
		"var other sub":  varScope("/subscriptions/" + otherSub + "/resourceGroups/rg"),
		"suffix @":       map[string]any{"$ref": "vau_5be63b59", "suffix": "@" + host},
	}
}

type varScope string

func applyScope(m map[string]any, scope any) {
	md := m["model"].(map[string]any)
	r := md["resources"].([]any)[3].(map[string]any)
	if v, ok := scope.(varScope); ok {
		md["variables"] = append(md["variables"].([]any), map[string]any{"name": "evil", "kind": "reference", "description": "x", "default": string(v)})
		r["scope"] = map[string]any{"$var": "evil"}
		return
	}
	r["scope"] = scope
}

// TestExfiltrationScopesRefused: the validator and, without it, the planner refuse every form;
// a plan whose ids were tampered with is refused by Deploy before any request, dry-run or real.
func TestExfiltrationScopesRefused(t *testing.T) {
	srv, hits := listener(t)
	host := strings.TrimPrefix(srv.URL, "http://")
	for name, scope := range exfilScopes(host) {
		t.Run(name, func(t *testing.T) {
			m := guardSpec(t)
			applyScope(m, scope)
			b, _ := json.Marshal(m)
			_, err := CheckSpec(context.Background(), b, guardTenant, []string{guardSub})
			var ve *spec.ValidationError
			if !errors.As(err, &ve) || !strings.HasPrefix(ve.Path, "model.resources[3].scope") {
				t.Fatalf("CheckSpec: %v, want a validation error at model.resources[3].scope", err)
			}
			// the planner alone (no validator) refuses it too, naming the resource
			s, err := spec.Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			_, err = MakePlan(context.Background(), Input{Model: s.Model, TargetTenantID: guardTenant, TargetSubscriptions: []string{guardSub}})
			if err == nil || !strings.Contains(err.Error(), "vau_5be63b59_dia_b2055ba1") {
				t.Fatalf("MakePlan: %v, want a refusal naming the resource", err)
			}
		})
	}
	// a valid plan whose target ids are then tampered with: Deploy refuses up front
	armHits := atomic.Int64{}
	arm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		armHits.Add(1)
		w.WriteHeader(http.StatusNotFound)
	}))
	t.Cleanup(arm.Close)
	clients, err := azure.NewClients(azure.Options{Endpoints: azure.Endpoints{ARM: arm.URL, MSGraph: arm.URL}, TenantID: guardTenant})
	if err != nil {
		t.Fatal(err)
	}
	for _, dry := range []bool{true, false} {
		for _, tamper := range []string{"@" + host + "/x", "//" + host + "/subscriptions/" + guardSub, "/subscriptions/" + otherSub + "/resourceGroups/rg"} {
			s, err := spec.Validate(mustJSON(t, guardSpec(t)))
			if err != nil {
				t.Fatal(err)
			}
			p, err := MakePlan(context.Background(), Input{Model: s.Model, TargetTenantID: guardTenant, TargetSubscriptions: []string{guardSub}})
			if err != nil {
				t.Fatal(err)
			}
			p.Items[len(p.Items)-1].TargetID = tamper
			if _, err := Deploy(context.Background(), p, Options{Azure: clients, DryRun: dry}); !errors.Is(err, ErrOutsideTarget) {
				t.Fatalf("Deploy(dry=%v, %s): %v, want ErrOutsideTarget", dry, tamper, err)
			}
		}
	}
	if n := hits.Load() + armHits.Load(); n != 0 {
		t.Fatalf("%d requests were sent (listener %d)", n, hits.Load())
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPlanSelfScopeAndNull: inputs that crashed the process (issue 14) are plan errors.
func TestPlanSelfScopeAndNull(t *testing.T) {
	m := guardSpec(t)
	applyScope(m, map[string]any{"$ref": "vau_5be63b59_dia_b2055ba1"})
	s, err := spec.Parse(mustJSON(t, m))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := MakePlan(context.Background(), Input{Model: s.Model, TargetTenantID: guardTenant, TargetSubscriptions: []string{guardSub}}); !errors.Is(err, ErrPlanLimit) {
		t.Fatalf("self scope: %v", err)
	}
	m = guardSpec(t)
	m["model"].(map[string]any)["resources"] = []any{nil}
	s, err = spec.Parse(mustJSON(t, m))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := MakePlan(context.Background(), Input{Model: s.Model, TargetTenantID: guardTenant, TargetSubscriptions: []string{guardSub}}); err == nil || !strings.Contains(err.Error(), "null resource") {
		t.Fatalf("null resource: %v", err)
	}
}

func TestCheckSpecAcceptsValid(t *testing.T) {
	b := mustJSON(t, guardSpec(t))
	if _, err := CheckSpec(context.Background(), b, guardTenant, []string{guardSub}); err != nil {
		t.Fatal(err)
	}
}

// TestMinimalSpecLandsInTarget: a hand-written spec without subscriptions plans into the first
// target subscription (and passes the submit check).
func TestMinimalSpecLandsInTarget(t *testing.T) {
	b := []byte(`{"format":"atg-spec/v1","model":{"resources":[
	 {"key":"rg","type":"Microsoft.Resources/resourceGroups","api_version":"2022-09-01","name":"rg1","location":"westeurope","level":"subscription"},
	 {"key":"vnet","type":"Microsoft.Network/virtualNetworks","api_version":"2023-05-01","name":"v1","resource_group":"rg1","location":"westeurope",
	  "properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/16"]}}},
	 {"key":"lock","type":"Microsoft.Authorization/locks","api_version":"2020-05-01","name":"l1","scope":{"$ref":"vnet"},"properties":{"level":"CanNotDelete"}}]}}`)
	s, err := CheckSpec(context.Background(), b, guardTenant, []string{guardSub})
	if err != nil {
		t.Fatal(err)
	}
	p, err := MakePlan(context.Background(), Input{Model: s.Model, TargetTenantID: guardTenant, TargetSubscriptions: []string{guardSub}})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range p.Items {
		if !strings.HasPrefix(it.TargetID, "/subscriptions/"+guardSub+"/resourceGroups/rg1") {
			t.Errorf("%s: %s", it.Key, it.TargetID)
		}
	}
}
