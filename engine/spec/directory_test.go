package spec_test

import (
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/rules"
	"github.com/atg-go/atg/engine/spec"
)

// TestSpecShowsDirectory: devices, directory roles and the Entra relationships (owners, active
// and eligible role assignments, consent grants) are in the JSON spec and its Markdown, and
// survive the round trip; anonymized, no display name is left.
func TestSpecShowsDirectory(t *testing.T) {
	const tenant = "00000000-0000-0000-0000-0000000000aa"
	nodes := []graph.Node{
		{Label: graph.LabelUser, ID: "u1", Props: map[string]any{"display_name": "Ada Admin"}},
		{Label: graph.LabelServicePrincipal, ID: "s1", Props: map[string]any{"display_name": "api"}},
		{Label: graph.LabelServicePrincipal, ID: "s2", Props: map[string]any{"display_name": "client",
			"oauth2_grants": []any{map[string]any{"resource_id": "s1", "consent_type": "AllPrincipals", "scope": "User.Read"}}}},
		{Label: graph.LabelDevice, ID: "d1", Props: map[string]any{"display_name": "WIN-0001",
			"owners": []any{map[string]any{"id": "u1", "type": "user"}}}},
		{Label: graph.LabelDirectoryRole, ID: "62e90394-69f5-4237-9190-012177145e10", Props: map[string]any{"display_name": "Global Administrator",
			"assignments": []any{map[string]any{"principal_id": "u1"}}, "eligible": []any{map[string]any{"principal_id": "s2"}}}},
	}
	for i := range nodes {
		nodes[i].TenantID = tenant
	}
	edges := rules.ApplyAll(nodes, rules.NewIndex(nodes...)).Edges
	s, err := spec.FromGraph(tenant, nodes, edges, spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Directory == nil || len(s.Directory.Devices) != 1 || len(s.Directory.Roles) != 1 {
		t.Fatalf("directory = %+v", s.Directory)
	}
	got := map[string]bool{}
	for _, r := range s.Directory.Relationships {
		got[r.From+" "+r.Type+" "+r.To] = true
	}
	for _, want := range []string{"u1 OWNS d1", "u1 HAS_ROLE 62e90394-69f5-4237-9190-012177145e10",
		"s2 ELIGIBLE_FOR 62e90394-69f5-4237-9190-012177145e10", "s2 GRANTED s1"} {
		if !got[want] {
			t.Errorf("relationship %s missing: %v", want, got)
		}
	}
	md, err := s.Markdown()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "## Directory (Entra)") || !strings.Contains(string(md), "| Ada Admin (`u1`) | HAS_ROLE | Global Administrator") {
		t.Errorf("markdown lacks the directory section:\n%s", md)
	}
	back, err := spec.Parse(md)
	if err != nil {
		t.Fatal(err)
	}
	if back.Directory == nil || len(back.Directory.Relationships) != len(s.Directory.Relationships) {
		t.Errorf("round trip lost the directory: %+v", back.Directory)
	}
	anon, err := spec.FromGraph(tenant, nodes, edges, spec.Options{Anonymize: true})
	if err != nil {
		t.Fatal(err)
	}
	amd, err := anon.Markdown()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(amd), "Ada Admin") || strings.Contains(string(amd), "WIN-0001") || anon.Directory == nil || len(anon.Directory.Relationships) != 4 {
		t.Errorf("anonymized directory leaks names or lost relationships:\n%s", amd)
	}
}
