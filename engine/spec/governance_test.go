package spec_test

import (
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/discover"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/rules"
	"github.com/atg-go/atg/engine/spec"
)

// TestSpecShowsGovernance: the management group hierarchy, policy assignments and locks, with
// their scopes, are in the JSON spec and its Markdown.
func TestSpecShowsGovernance(t *testing.T) {
	const tenant = "00000000-0000-0000-0000-0000000000bb"
	root := "/providers/Microsoft.Management/managementGroups/" + tenant
	sub := "/subscriptions/00000000-0000-0000-0000-000000000001"
	rg := sub + "/resourceGroups/rg1"
	nodes := []graph.Node{
		{Label: graph.LabelManagementGroup, ID: graph.NormalizeID(root), Props: map[string]any{"id": root, "display_name": "Tenant Root Group",
			"children": []any{map[string]any{"id": root[:len(root)-len(tenant)] + "mg-platform", "type": "Microsoft.Management/managementGroups"}}}},
		{Label: graph.LabelManagementGroup, ID: "/providers/microsoft.management/managementgroups/mg-platform", Props: map[string]any{
			"id": "/providers/Microsoft.Management/managementGroups/mg-platform", "display_name": "Platform", "parent_id": root,
			"children": []any{map[string]any{"id": sub, "type": "/subscriptions"}}}},
		{Label: graph.LabelSubscription, ID: sub, Props: map[string]any{"subscription_id": sub[len("/subscriptions/"):]}},
		discover.NodeFromARM(tenant, map[string]any{"id": sub + "/providers/Microsoft.Authorization/policyAssignments/allowed-locations",
			"type": "Microsoft.Authorization/policyAssignments", "name": "allowed-locations",
			"properties": map[string]any{"scope": sub, "policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/x"}}),
		discover.NodeFromARM(tenant, map[string]any{"id": rg + "/providers/Microsoft.Authorization/policyExemptions/legacy",
			"type": "Microsoft.Authorization/policyExemptions", "name": "legacy",
			"properties": map[string]any{"policyAssignmentId": sub + "/providers/Microsoft.Authorization/policyAssignments/allowed-locations"}}),
		discover.NodeFromARM(tenant, map[string]any{"id": rg + "/providers/Microsoft.Authorization/locks/do-not-delete",
			"type": "Microsoft.Authorization/locks", "name": "do-not-delete", "properties": map[string]any{"level": "CanNotDelete"}}),
	}
	for i := range nodes {
		nodes[i].TenantID = tenant
	}
	edges := rules.ApplyAll(nodes, rules.NewIndex(nodes...)).Edges
	s, err := spec.FromGraph(tenant, nodes, edges, spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := s.Governance
	if g == nil || len(g.ManagementGroups) != 2 || len(g.PolicyAssignments) != 1 || len(g.Locks) != 1 {
		t.Fatalf("governance = %+v", g)
	}
	if len(g.PolicyExemptions) != 1 || g.PolicyExemptions[0].Scope != strings.ToLower(rg) {
		t.Errorf("exemptions: %+v", g.PolicyExemptions)
	}
	if g.PolicyAssignments[0].Scope != sub || g.Locks[0].Scope != strings.ToLower(rg) || g.Locks[0].Detail != "CanNotDelete" {
		t.Errorf("scopes: %+v %+v", g.PolicyAssignments, g.Locks)
	}
	var platform spec.ManagementGroup
	for _, m := range g.ManagementGroups {
		if strings.HasSuffix(m.ID, "mg-platform") {
			platform = m
		}
	}
	if platform.Parent != graph.NormalizeID(root) || len(platform.Children) != 1 || platform.Children[0] != sub {
		t.Errorf("platform group = %+v", platform)
	}
	md, err := s.Markdown()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Governance", "| `/providers/microsoft.management/managementgroups/mg-platform` | Platform |", "CanNotDelete"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}
