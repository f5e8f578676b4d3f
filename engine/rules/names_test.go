package rules

import (
	"testing"

	"github.com/atg-go/atg/engine/graph"
)

func TestRegionCodeAndVaultNames(t *testing.T) {
	for in, want := range map[string]string{"West US": "westus", "westus": "westus", "East US 2": "eastus2", " Global ": "global", "": ""} {
		if got := RegionCode(in); got != want {
			t.Errorf("RegionCode(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"https://My-Vault.vault.azure.net/secrets/x":                          "my-vault",
		"@Microsoft.KeyVault(SecretUri=https://kv1.vault.azure.cn/secrets/a)": "kv1",
		"@Microsoft.KeyVault(VaultName=kv2;SecretName=b)":                     "kv2",
		"https://sample.vault-int.azure-int.net":                              "sample",
		"https://kv/secret":                                                   "",
		"vault":                                                               "",
		"https://x.vaultcore.example.com":                                     "",
		"kv3.vault.azure.net":                                                 "",
	} {
		got := vaultNamesIn(in)
		if (want == "" && len(got) != 0) || (want != "" && (len(got) != 1 || got[0] != want)) {
			t.Errorf("vaultNamesIn(%q) = %v, want %q", in, got, want)
		}
	}
}

func TestNodeFromARM(t *testing.T) {
	vm := loadNode(t, "Microsoft.Compute__virtualMachines.json")
	if vm.Label != graph.LabelResource || vm.ID != "/subscriptions/{subscription-id}/resourcegroups/myresourcegroup/providers/microsoft.compute/virtualmachines/myvm" || vm.TenantID != testTenant {
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
	n := NodeFromARM(testTenant, map[string]any{"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/a/slots/b"})
	if n.Props["type"] != "microsoft.web/sites/slots" || n.Props["type_display"] != nil {
		t.Errorf("derived type %v / %v", n.Props["type"], n.Props["type_display"])
	}
	s := NodeFromARM(testTenant, map[string]any{"id": "/subscriptions/ABC", "subscriptionId": "ABC", "displayName": "Prod", "state": "Enabled", "tenantId": "T1"})
	if s.Label != graph.LabelSubscription || s.ID != "/subscriptions/abc" || s.Props["name"] != "Prod" || s.Props["tenant_id"] != "t1" || s.Props["subscription_id"] != "abc" {
		t.Errorf("subscription node %+v", s)
	}
	if n := NodeFromARM(testTenant, map[string]any{}); n.ID != "" || n.Label != graph.LabelResource {
		t.Errorf("empty envelope %+v", n)
	}
}
