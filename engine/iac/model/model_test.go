package model_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/model"
)

func loadModel(t *testing.T, f model.Filter) *model.Model {
	t.Helper()
	nodes, err := iactest.LoadNodes(iactest.ExamplesDir())
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.BuildFromNodes(iactest.TenantID, nodes, f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestExamplesEveryResourceAccountedFor(t *testing.T) {
	envs, err := iactest.LoadEnvelopes(iactest.ExamplesDir())
	if err != nil {
		t.Fatal(err)
	}
	m := loadModel(t, model.Filter{})
	seen := map[string]string{}
	for _, r := range m.Resources {
		seen[strings.ToLower(r.ID)] = "emitted"
	}
	for _, s := range m.Skipped {
		if s.Reason == "" {
			t.Errorf("skipped %s without reason", s.ID)
		}
		seen[strings.ToLower(s.ID)] = "skipped"
	}
	for _, e := range envs {
		id, _ := e.Body["id"].(string)
		if seen[strings.ToLower(id)] == "" {
			t.Errorf("%s (%s): neither emitted nor skipped", e.File, id)
		}
	}
	keys := map[string]bool{}
	for _, r := range m.Resources {
		if keys[r.Key] {
			t.Errorf("duplicate key %s", r.Key)
		}
		keys[r.Key] = true
		if model.Sanitize(r.Key) != r.Key {
			t.Errorf("key %q is not sanitized", r.Key)
		}
	}
	if os.Getenv("IAC_DUMP") != "" {
		b, _ := json.MarshalIndent(m, "", "  ")
		_ = os.WriteFile(os.Getenv("IAC_DUMP"), b, 0o644)
	}
}

func TestReadOnlyAndSecretsStripped(t *testing.T) {
	nodes, err := iactest.LoadNodes(iactest.ExamplesDir())
	if err != nil {
		t.Fatal(err)
	}
	secrets := iactest.PlantSecrets(nodes)
	m, err := model.BuildFromNodes(iactest.TenantID, nodes, model.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			t.Errorf("secret %q leaked into the model", sec)
		}
	}
	for _, ro := range []string{`"provisioningState"`, `"resourceGuid"`, `"etag"`} {
		if strings.Contains(s, ro) {
			t.Errorf("read-only field %s kept", ro)
		}
	}
	if len(m.Dropped) < 4 {
		t.Errorf("dropped = %d, want the planted secrets listed", len(m.Dropped))
	}
	// the SQL server needs an admin password variable; the VM an admin password
	var sqlVar, vmVar bool
	for _, v := range m.Variables {
		if v.Kind == model.VarSecret && strings.HasSuffix(v.Name, "administrator_login_password") {
			sqlVar = true
		}
		if v.Kind == model.VarSecret && strings.HasSuffix(v.Name, "admin_password") {
			vmVar = true
		}
		if v.Kind == model.VarSecret && v.Default != nil {
			t.Errorf("secret variable %s has a default", v.Name)
		}
	}
	if !sqlVar || !vmVar {
		t.Errorf("secret variables: sql %v vm %v", sqlVar, vmVar)
	}
}

func TestFilterPullsDependencies(t *testing.T) {
	m := loadModel(t, model.Filter{Types: []string{"Microsoft.Network/virtualNetworks/subnets"}})
	byType := map[string]int{}
	for _, r := range m.Resources {
		byType[r.LowerType()]++
	}
	if byType["microsoft.network/virtualnetworks/subnets"] != 1 {
		t.Errorf("subnet missing: %v", byType)
	}
	// the subnet's delegation points into test-vnet: pulled in, with the load balancer it references
	if byType["microsoft.network/virtualnetworks"] != 1 || byType["microsoft.network/loadbalancers"] != 1 {
		t.Errorf("dependencies not pulled in: %v", byType)
	}
	if byType["microsoft.storage/storageaccounts"] != 0 {
		t.Errorf("unrelated resources selected: %v", byType)
	}
	for _, r := range m.Resources {
		if r.IsResourceGroup() {
			continue
		}
		if m.Resource(r.Key) == nil {
			t.Fatal("index broken")
		}
	}
}

func TestReferencesAreSymbolic(t *testing.T) {
	m := loadModel(t, model.Filter{})
	subnet := m.Resource("vnetname_subnet1")
	if subnet == nil {
		t.Fatal("no subnet")
	}
	// delegations[0].id pointed into test-vnet (in the model): now a Ref with a suffix or stripped
	b, _ := json.Marshal(subnet.Body)
	if strings.Contains(string(b), "/subscriptions/") {
		t.Errorf("subnet body keeps a literal id: %s", b)
	}
	for _, r := range m.Resources {
		for _, ref := range r.References {
			if ref.TargetKey == "" && ref.Variable == "" {
				t.Errorf("%s: reference %s has no target", r.Key, ref.Path)
			}
			if ref.Variable != "" && m.Variable(ref.Variable) == nil {
				t.Errorf("%s: reference %s names undeclared variable %s", r.Key, ref.Path, ref.Variable)
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	a, _ := json.Marshal(loadModel(t, model.Filter{}))
	b, _ := json.Marshal(loadModel(t, model.Filter{}))
	if string(a) != string(b) {
		t.Error("two builds differ")
	}
}
