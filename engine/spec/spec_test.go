package spec_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/spec"
)

func build(t *testing.T, anonymize bool, plant bool) (*spec.Spec, []string) {
	t.Helper()
	nodes, err := iactest.LoadNodes(iactest.ExamplesDir())
	if err != nil {
		t.Fatal(err)
	}
	var secrets []string
	if plant {
		secrets = iactest.PlantSecrets(nodes)
	}
	st := iactest.NewMemStore()
	ctx := context.Background()
	nodes = append(nodes, graph.Node{Label: graph.LabelTenant, ID: iactest.TenantID,
		Props: map[string]any{"display_name": "Contoso Ltd", "default_domain": "contoso.onmicrosoft.com"}})
	if err := st.UpsertNodes(ctx, iactest.TenantID, "scan1", nodes); err != nil {
		t.Fatal(err)
	}
	s, err := spec.Build(ctx, st, iactest.TenantID, spec.Options{Anonymize: anonymize})
	if err != nil {
		t.Fatal(err)
	}
	return s, secrets
}

func TestMarkdownRoundTrip(t *testing.T) {
	s, secrets := build(t, false, true)
	md, err := s.Markdown()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(md, []byte("```json")) != 1 || !bytes.HasSuffix(md, []byte("```\n")) {
		t.Error("markdown must end in exactly one json block")
	}
	for _, sec := range secrets {
		if bytes.Contains(md, []byte(sec)) {
			t.Errorf("secret %q in spec", sec)
		}
	}
	for _, want := range []string{"# Tenant specification: Contoso Ltd", "## Resources by type", "### Resource group", "Relationships:", "role assignment"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	back, err := spec.Parse(md)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := s.JSON()
	b, _ := back.JSON()
	if !bytes.Equal(a, b) {
		t.Error("Parse(Markdown()) differs from the spec")
	}
	// symbolic references survive the round trip as typed values
	found := false
	for _, r := range back.Model.Resources {
		model.Rewrite(r.Body, func(v any) any {
			if _, ok := v.(model.Ref); ok {
				found = true
			}
			return v
		})
	}
	if !found {
		t.Error("no Ref value after parsing")
	}
	if _, err := spec.Parse([]byte("# nothing here")); err == nil {
		t.Error("Parse accepted a document without a spec")
	}
}

func TestAnonymize(t *testing.T) {
	plain, _ := build(t, false, false)
	a1, _ := build(t, true, false)
	a2, _ := build(t, true, false)
	j1, _ := a1.JSON()
	j2, _ := a2.JSON()
	if !bytes.Equal(j1, j2) {
		t.Error("anonymisation is not stable")
	}
	md, _ := a1.Markdown()
	for _, r := range plain.Model.Resources {
		name := r.LastName()
		if len(name) < 5 || !strings.ContainsAny(name, "0123456789") {
			continue
		}
		if bytes.Contains(bytes.ToLower(md), []byte(strings.ToLower(name))) {
			t.Errorf("source name %q appears in the anonymised spec", name)
		}
	}
	for _, s := range []string{"Contoso", "contoso.onmicrosoft.com", iactest.TenantID} {
		if bytes.Contains(md, []byte(s)) {
			t.Errorf("%q appears in the anonymised spec", s)
		}
	}
	// same-named resource groups of different subscriptions get different pseudonyms (full
	// scope), so nothing may be lost, only fewer merged
	if n, p := nonRG(a1), nonRG(plain); n < p {
		t.Errorf("anonymised spec has %d resources, plain %d (collisions?)", n, p)
	}
	var v map[string]any
	if err := json.Unmarshal(j1, &v); err != nil {
		t.Fatal(err)
	}
}

func nonRG(s *spec.Spec) int {
	n := 0
	for _, r := range s.Model.Resources {
		if !r.IsResourceGroup() {
			n++
		}
	}
	return n
}
