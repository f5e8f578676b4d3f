package replicate

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"runtime/debug"

	"strings"
	"testing"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/spec"
	"github.com/atg-go/atg/internal/repotest"
)

// FuzzSpec feeds specs to the submit-time check (validator + planner, CheckSpec) and plans what
// it accepts: no panic, no unbounded recursion (the stack is capped), and every id of an
// accepted plan is a clean ARM id under the target subscription whose request URL stays on the
// ARM endpoint. The seed corpus (testdata/fuzz/FuzzSpec, plus the seeds added here) runs in
// every `go test`; `go test -fuzz FuzzSpec ./engine/replicate` explores further.
func FuzzSpec(f *testing.F) {
	valid, err := os.ReadFile(repotest.Testdata("specs", "valid-spec.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	for _, scope := range exfilScopes("127.0.0.1:1") {
		var m map[string]any
		if err := json.Unmarshal(valid, &m); err != nil {
			f.Fatal(err)
		}
		applyScope(m, scope)
		b, _ := json.Marshal(m)
		f.Add(b)
	}
	f.Add([]byte(`{"format":"atg-spec/v1","model":{"resources":[null]}}`))
	f.Add([]byte(`{"format":"atg-spec/v1","model":{"resources":[{"key":"a","type":"Microsoft.Authorization/locks","api_version":"2020-05-01","name":"a","scope":{"$ref":"a"}}]}}`))
	const endpoint = "https://management.azure.com"
	debug.SetMaxStack(256 << 20) // runaway recursion fails fast instead of eating a gigabyte
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		if _, err := CheckSpec(ctx, data, guardTenant, []string{guardSub}); err != nil {
			return
		}
		s, err := spec.Parse(data)
		if err != nil {
			t.Fatalf("CheckSpec accepted what Parse refuses: %v", err)
		}
		p, err := MakePlan(ctx, Input{Model: s.Model, TargetTenantID: guardTenant, TargetSubscriptions: []string{guardSub}})
		if err != nil {
			t.Fatalf("CheckSpec accepted what MakePlan refuses: %v", err)
		}
		for _, it := range p.Items {
			if !strings.HasPrefix(strings.ToLower(it.TargetID), "/subscriptions/"+guardSub+"/") {
				t.Fatalf("item %s: target %q is outside the target subscription", it.Key, it.TargetID)
			}
			u, err := azure.BuildARMURL(endpoint, it.TargetID, it.APIVersion, nil)
			if err != nil {
				t.Fatalf("item %s: %v", it.Key, err)
			}
			pu, err := url.Parse(u)
			if err != nil || pu.Host != "management.azure.com" || pu.Scheme != "https" {
				t.Fatalf("item %s: URL %q leaves the endpoint", it.Key, u)
			}
		}
	})
}
