package discover

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/internal/repotest"
)

const armTenant = "11111111-1111-1111-1111-111111111111"

// loadNode shapes one arm-examples payload as a node.
func loadNode(t *testing.T, file string) graph.Node {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repotest.ARMExamplesDir(), file))
	if err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	var env map[string]any
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatalf("decode %s: %v", file, err)
	}
	return NodeFromARM(armTenant, env)
}

func TestNodeFromARM(t *testing.T) {
	vm := loadNode(t, "Microsoft.Compute__virtualMachines.json")
	if vm.Label != graph.LabelResource || vm.ID != "/subscriptions/{subscription-id}/resourcegroups/myresourcegroup/providers/microsoft.compute/virtualmachines/myvm" || vm.TenantID != armTenant {
		t.Fatalf("vm node %s %s %s", vm.Label, vm.ID, vm.TenantID)
	}
	for k, want := range map[string]any{
		"type": "microsoft.compute/virtualmachines", "type_display": "Microsoft.Compute/virtualMachines", "resource_group": "myresourcegroup",
		"subscription_id": "{subscription-id}", "location": "West US", "name": "myVM", "etag": "\"1\"",
		"id":         "/subscriptions/{subscription-id}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/virtualMachines/myVM",
		"managed_by": "/subscriptions/{subscription-id}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/virtualMachineScaleSets/{MyVmss}",
	} {
		if vm.Props[k] != want {
			t.Errorf("vm prop %s = %v, want %v", k, vm.Props[k], want)
		}
	}
	if _, ok := vm.Props["properties"].(map[string]any)["storageProfile"]; !ok {
		t.Error("vm properties not kept whole")
	}
	if _, ok := vm.Props["resources"]; !ok {
		t.Error("unknown envelope keys must be kept")
	}
	if c := loadNode(t, "Microsoft.Insights__components.json"); c.Props["tags"] != nil {
		t.Errorf(`tags "" must be dropped, got %v`, c.Props["tags"])
	}
	rg := loadNode(t, "Microsoft.Resources__resourceGroups.json")
	if rg.Label != graph.LabelResourceGroup || rg.Props["subscription_id"] != "00000000-0000-0000-0000-000000000000" || rg.Props["location"] != "westus2" {
		t.Errorf("rg node %+v", rg)
	}
	ra := loadNode(t, "Microsoft.Authorization__roleAssignments.json")
	if ra.Label != graph.LabelRoleAssignment || ra.Props["principal_id"] != "ce2ce14e-85d7-4629-bdbc-454d0519d987" || ra.Props["principal_type"] != "User" ||
		ra.Props["scope"] != "/subscriptions/a925f2f7-5c63-4b7b-8799-25a5f97bc3b2" || ra.Props["subscription_id"] != "a925f2f7-5c63-4b7b-8799-25a5f97bc3b2" {
		t.Errorf("role assignment node %+v", ra.Props)
	}
	rd := loadNode(t, "Microsoft.Authorization__roleDefinitions.json")
	if rd.Label != graph.LabelRoleDefinition || rd.Props["role_name"] != "Role name" || rd.Props["assignable_scopes"] == nil || rd.Props["permissions"] == nil {
		t.Errorf("role definition node %+v", rd.Props)
	}
	// type missing: derived from the id; subscription envelopes
	n := NodeFromARM(armTenant, map[string]any{"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/a/slots/b"})
	if n.Props["type"] != "microsoft.web/sites/slots" || n.Props["type_display"] != nil {
		t.Errorf("derived type %v / %v", n.Props["type"], n.Props["type_display"])
	}
	s := NodeFromARM(armTenant, map[string]any{"id": "/subscriptions/ABC", "subscriptionId": "ABC", "displayName": "Prod", "state": "Enabled", "tenantId": "T1"})
	if s.Label != graph.LabelSubscription || s.ID != "/subscriptions/abc" || s.Props["name"] != "Prod" || s.Props["tenant_id"] != "t1" || s.Props["subscription_id"] != "abc" {
		t.Errorf("subscription node %+v", s)
	}
	if n := NodeFromARM(armTenant, map[string]any{}); n.ID != "" || n.Label != graph.LabelResource {
		t.Errorf("empty envelope %+v", n)
	}
}
