package iac_test

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac"
	"github.com/atg-go/atg/engine/iac/arm"
	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/iac/terraform"
)

func exampleNodes(t testing.TB) []graph.Node {
	t.Helper()
	nodes, err := iactest.LoadNodes(iactest.ExamplesDir())
	if err != nil {
		t.Fatal(err)
	}
	return nodes
}

func generate(t testing.TB, nodes []graph.Node, f iac.Format) (iac.Files, iac.Summary, *model.Model) {
	t.Helper()
	m, err := model.BuildFromNodes(iactest.TenantID, nodes, model.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	files, sum, err := iac.Generate(context.Background(), m, f, iac.Options{TerraformImports: true})
	if err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	return files, sum, m
}

// Every example payload is emitted or skipped with a reason, in every format.
func TestExamplesAllAccountedFor(t *testing.T) {
	envs, err := iactest.LoadEnvelopes(iactest.ExamplesDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range iac.Formats {
		t.Run(string(f), func(t *testing.T) {
			files, sum, m := generate(t, exampleNodes(t), f)
			accounted := map[string]bool{}
			for _, r := range m.Resources {
				accounted[strings.ToLower(r.ID)] = true
			}
			for _, s := range m.Skipped {
				accounted[strings.ToLower(s.ID)] = true
				if !bytes.Contains(files["skipped.json"], []byte(s.Reason)) {
					t.Errorf("skipped.json lacks %s", s.ID)
				}
			}
			for _, e := range envs {
				id, _ := e.Body["id"].(string)
				if !accounted[strings.ToLower(id)] {
					t.Errorf("%s: not emitted and not skipped", e.File)
				}
			}
			if sum.Emitted+sum.Skipped < len(envs) {
				t.Errorf("emitted %d + skipped %d < %d payloads", sum.Emitted, sum.Skipped, len(envs))
			}
			t.Logf("%s: emitted %d (typed %d, generic %d), skipped %d, variables %d, files %v",
				f, sum.Emitted, sum.Typed, sum.Generic, sum.Skipped, sum.Variables, sum.Files)
		})
	}
}

func TestDeterministicOutput(t *testing.T) {
	for _, f := range iac.Formats {
		a, _, _ := generate(t, exampleNodes(t), f)
		b, _, _ := generate(t, exampleNodes(t), f)
		if len(a) != len(b) {
			t.Fatalf("%s: file sets differ", f)
		}
		for n := range a {
			if !bytes.Equal(a[n], b[n]) {
				t.Errorf("%s: %s differs between two runs", f, n)
			}
		}
	}
}

func TestPlantedSecretsNeverOutput(t *testing.T) {
	for _, f := range iac.Formats {
		nodes := exampleNodes(t)
		secrets := iactest.PlantSecrets(nodes)
		if len(secrets) == 0 {
			t.Fatal("no web app to plant secrets in")
		}
		files, _, _ := generate(t, nodes, f)
		for n, b := range files {
			for _, s := range secrets {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("%s: secret %q appears in %s", f, s, n)
				}
			}
		}
	}
}

func TestARMStructurallyValid(t *testing.T) {
	files, _, m := generate(t, exampleNodes(t), iac.FormatARM)
	tmpl := files[arm.FileName]
	if probs := arm.Validate(tmpl); len(probs) > 0 {
		t.Fatalf("validator: %v", probs)
	}
	// no literal source subscription id survives in references
	for _, r := range m.Resources {
		for _, ref := range r.References {
			if ref.TargetKey == "" && ref.Variable == "" {
				t.Errorf("%s: dangling reference %s", r.Key, ref.Path)
			}
		}
	}
	// the validator catches what it should
	bad := bytes.Replace(tmpl, []byte(`"apiVersion": "2022-09-01"`), []byte(`"apiVersion": "latest"`), 1)
	if len(arm.Validate(bad)) == 0 {
		t.Error("validator accepts a bad apiVersion")
	}
	use := regexp.MustCompile(`\[parameters\('[A-Za-z0-9_]+'\)`).Find(tmpl)
	if use == nil {
		t.Fatal("the template uses no parameter: the undeclared-parameter check has nothing to corrupt")
	}
	bad = bytes.Replace(tmpl, use, []byte(`[parameters('nope')`), 1)
	if len(arm.Validate(bad)) == 0 {
		t.Error("validator accepts an undeclared parameter")
	}
}

func TestARMValidatorFindsDanglingDependsOn(t *testing.T) {
	tmpl := []byte(`{"parameters":{},"resources":[
	 {"type":"Microsoft.Resources/resourceGroups","apiVersion":"2022-09-01","name":"rg","location":"x"},
	 {"type":"Microsoft.Resources/deployments","apiVersion":"2022-09-01","name":"d","resourceGroup":"rg",
	  "dependsOn":["[subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg')]"],
	  "properties":{"mode":"Incremental","expressionEvaluationOptions":{"scope":"inner"},"template":{"resources":[
	   {"type":"Microsoft.Network/virtualNetworks/subnets","apiVersion":"2024-01-01","name":"v/s",
	    "dependsOn":["[resourceId('rg', 'Microsoft.Network/virtualNetworks', 'v')]"]}]}}}]}`)
	probs := arm.Validate(tmpl)
	if len(probs) != 1 || !strings.Contains(probs[0].Message, "names no resource") {
		t.Fatalf("problems = %v", probs)
	}
}

// Every corpus payload (one Microsoft example per ARM type) is emitted as Terraform or
// skipped with a reason, and mapping.json says for each resource what it became; a typed type
// falling back to azapi always says why.
func TestCorpusAllAccountedFor(t *testing.T) {
	envs, err := iactest.LoadEnvelopes(iactest.CorpusDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(envs) < 300 {
		t.Fatalf("corpus has %d payloads, want ≥300 types", len(envs))
	}
	nodes, err := iactest.LoadNodes(iactest.CorpusDir())
	if err != nil {
		t.Fatal(err)
	}
	files, sum, m := generate(t, nodes, iac.FormatTerraform)
	again, _, _ := generate(t, nodes, iac.FormatTerraform)
	for _, n := range []string{"main.tf", "mapping.json", "skipped.json"} {
		if !bytes.Equal(files[n], again[n]) {
			t.Errorf("corpus: %s differs between two runs", n)
		}
	}
	accounted := map[string]bool{}
	for _, r := range m.Resources {
		accounted[strings.ToLower(r.ID)] = true
	}
	for _, s := range m.Skipped {
		accounted[strings.ToLower(s.ID)] = true
	}
	for _, e := range envs {
		id, _ := e.Body["id"].(string)
		if !accounted[strings.ToLower(id)] {
			t.Errorf("%s: not emitted and not skipped", e.File)
		}
	}
	var mapping struct {
		Resources []terraform.MappingEntry `json:"resources"`
	}
	if err := json.Unmarshal(files["mapping.json"], &mapping); err != nil {
		t.Fatal(err)
	}
	if len(mapping.Resources) != len(m.Resources) {
		t.Errorf("mapping.json has %d rows for %d resources", len(mapping.Resources), len(m.Resources))
	}
	typedTypes := map[string]bool{}
	for _, me := range mapping.Resources {
		if me.Terraform != "azapi_resource" {
			typedTypes[strings.ToLower(me.ARMType)] = true
			continue
		}
		if _, inTable := terraform.Table[strings.ToLower(me.ARMType)]; inTable && len(me.Notes) == 0 {
			t.Errorf("%s (%s): typed type fell back to azapi without a reason", me.Key, me.ARMType)
		}
	}
	t.Logf("corpus: %d payloads, %d resources (%d typed, %d azapi), %d skipped; %d ARM types typed",
		len(envs), sum.Emitted, sum.Typed, sum.Generic, sum.Skipped, len(typedTypes))
}
