package iac_test

import (
	"context"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac"
	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/model"
)

// Two resource groups whose VNets peer with each other: per-group deployments would depend on
// each other; waves put the peerings in a second deployment of each group.
func TestPeeringsAcrossGroupsDeployInWaves(t *testing.T) {
	vnet := func(rg, name string) string {
		return "/subscriptions/s1/resourceGroups/" + rg + "/providers/Microsoft.Network/virtualNetworks/" + name
	}
	env := func(id, typ string, props map[string]any) graph.Node {
		e := map[string]any{"id": id, "type": typ, "name": id[strings.LastIndex(id, "/")+1:], "properties": props}
		if !strings.Contains(typ, "virtualNetworkPeerings") {
			e["location"] = "westeurope"
		}
		return iactest.NodeFromARM(iactest.TenantID, e, "2024-07-01")
	}
	nodes := []graph.Node{
		env(vnet("rg-a", "a"), "Microsoft.Network/virtualNetworks", map[string]any{"addressSpace": map[string]any{"addressPrefixes": []any{"10.0.0.0/16"}}}),
		env(vnet("rg-b", "b"), "Microsoft.Network/virtualNetworks", map[string]any{"addressSpace": map[string]any{"addressPrefixes": []any{"10.1.0.0/16"}}}),
		env(vnet("rg-a", "a")+"/virtualNetworkPeerings/a-to-b", "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
			map[string]any{"remoteVirtualNetwork": map[string]any{"id": vnet("rg-b", "b")}, "allowVirtualNetworkAccess": true}),
		env(vnet("rg-b", "b")+"/virtualNetworkPeerings/b-to-a", "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
			map[string]any{"remoteVirtualNetwork": map[string]any{"id": vnet("rg-a", "a")}, "allowVirtualNetworkAccess": true}),
	}
	m, err := model.BuildFromNodes(iactest.TenantID, nodes, model.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	w := model.Waves(m)
	if w["a"] != 0 || w["b"] != 0 || w["a_a_to_b"] != 1 || w["b_b_to_a"] != 1 {
		t.Errorf("waves = %v", w)
	}
	files, _, err := iac.Generate(context.Background(), m, iac.FormatARM, iac.Options{})
	if err != nil {
		t.Fatal(err) // the structural validator rejects dependency cycles
	}
	if !strings.Contains(string(files["azuredeploy.json"]), `"atg-rg-a-2"`) {
		t.Error("no second-wave deployment for rg-a")
	}
	bf, _, err := iac.Generate(context.Background(), m, iac.FormatBicep, iac.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := bf["rg-rg_a-2.bicep"]; !ok {
		t.Errorf("bicep files %v", bf.Names())
	}
	// terraform references the remote VNet directly
	tf, _, err := iac.Generate(context.Background(), m, iac.FormatTerraform, iac.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(tf["main.tf"]), "remote_virtual_network_id    = azurerm_virtual_network.b.id") {
		t.Errorf("peering does not reference the remote VNet:\n%s", tf["main.tf"])
	}
}
