package terraform

import (
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/iac/model"
)

func envModel(body map[string]any) *model.Model {
	rg := &model.Resource{Key: "rg1", ID: "/subscriptions/s/resourceGroups/rg1", Type: model.TypeResourceGroup, APIVersion: "2022-09-01",
		Name: "rg1", Location: "eastus", ResourceGroup: "rg1", Level: model.LevelSubscription}
	env := &model.Resource{Key: "env1", ID: "/subscriptions/s/resourceGroups/rg1/providers/Microsoft.App/managedEnvironments/env1",
		Type: "Microsoft.App/managedEnvironments", APIVersion: "2024-03-01", Name: "env1", Location: "eastus", ResourceGroup: "rg1",
		Level: model.LevelResourceGroup, Body: body}
	return &model.Model{Resources: []*model.Resource{rg, env}}
}

// A consumption-only container app environment (no infrastructure subnet) with zoneRedundant
// false is typed without zone_redundancy_enabled (azurerm: required with
// infrastructure_subnet_id); a zone-redundant one without a subnet goes to azapi with a reason.
func TestContainerEnvZoneRedundancyNeedsSubnet(t *testing.T) {
	res, err := Emit(envModel(map[string]any{"zoneRedundant": false}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	main := string(res.Files["main.tf"])
	if res.Types["env1"] != "azurerm_container_app_environment" || strings.Contains(main, "zone_redundancy_enabled") {
		t.Errorf("consumption-only environment: %s\n%s", res.Types["env1"], main)
	}
	res, err = Emit(envModel(map[string]any{"zoneRedundant": true}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Types["env1"] != "azapi_resource" {
		t.Errorf("zone-redundant environment without a subnet became %s", res.Types["env1"])
	}
	for _, me := range res.Mapping {
		if me.Key == "env1" && len(me.Notes) == 0 {
			t.Error("fallback without a reason in mapping.json")
		}
	}
}

// A typed block that breaks an argument constraint of the provider's source (here an NSG rule
// with both an address prefix and application security groups: exactly one is allowed) is
// emitted as azapi instead, with the constraint in mapping.json.
func TestConstraintViolationFallsBackToAzapi(t *testing.T) {
	nsg := "/subscriptions/s/resourceGroups/rg1/providers/Microsoft.Network/networkSecurityGroups/nsg1"
	mm := envModel(nil)
	mm.Resources = mm.Resources[:1]
	rule := &model.Resource{Key: "rule1", ID: nsg + "/securityRules/rule1", Type: "Microsoft.Network/networkSecurityGroups/securityRules",
		APIVersion: "2024-05-01", Name: "nsg1/rule1", ResourceGroup: "rg1", Level: model.LevelResourceGroup,
		Body: map[string]any{"protocol": "Tcp", "access": "Allow", "priority": 100.0, "direction": "Inbound",
			"sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationPortRange": "443", "destinationAddressPrefix": "10.0.0.0/24",
			"destinationApplicationSecurityGroups": []any{map[string]any{"id": "/subscriptions/s/resourceGroups/rg1/providers/Microsoft.Network/applicationSecurityGroups/asg1"}}}}
	mm.Resources = append(mm.Resources, rule)
	res, err := Emit(mm, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Types["rule1"] != "azapi_resource" {
		t.Fatalf("rule became %s", res.Types["rule1"])
	}
	for _, me := range res.Mapping {
		if me.Key == "rule1" && (len(me.Notes) == 0 || !strings.Contains(me.Notes[0], "exactly one of destination_address_prefix")) {
			t.Errorf("notes %q", me.Notes)
		}
	}
	delete(rule.Body, "destinationApplicationSecurityGroups")
	if res, err = Emit(mm, Options{}); err != nil || res.Types["rule1"] != "azurerm_network_security_rule" {
		t.Errorf("valid rule became %s (%v)", res.Types["rule1"], err)
	}
}
