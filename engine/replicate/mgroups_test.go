package replicate

import (
	"context"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac/model"
)

// create-tenant writes only under the target subscriptions: management groups are reported
// as not deployed, with the reason, and never planned.
func TestPlanSkipsManagementGroups(t *testing.T) {
	id := "/providers/Microsoft.Management/managementGroups/platform"
	mg := graph.Node{Label: graph.LabelManagementGroup, ID: graph.NormalizeID(id), Props: map[string]any{
		graph.PropID: id, graph.PropName: "platform", "parent_id": "/providers/Microsoft.Management/managementGroups/src",
		"children": []any{map[string]any{"id": "/subscriptions/" + subA}}}}
	st := storeWith(t, "src", rgNode(subA, "rg1"), mg)
	p, err := MakePlan(context.Background(), Input{Store: st, SourceTenantID: "src", TargetTenantID: "dst", TargetSubscriptions: []string{tgt1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range p.Items {
		if strings.Contains(strings.ToLower(it.SourceID), "managementgroups") {
			t.Errorf("management group planned: %s", it.SourceID)
		}
	}
	found := false
	for _, s := range p.Skipped {
		if s.Type == model.TypeManagementGroup && strings.EqualFold(s.ID, id) && strings.Contains(s.Reason, "target subscriptions") {
			found = true
		}
	}
	if !found {
		t.Errorf("management group not reported as skipped: %+v", p.Skipped)
	}
}
