package terraform

import (
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/iac/model"
)

func lbResource(key, name string, pools ...string) *model.Resource {
	var ps []any
	for _, p := range pools {
		ps = append(ps, map[string]any{"name": p, "properties": map[string]any{}})
	}
	return &model.Resource{Key: key, ID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/" + name,
		Type: "Microsoft.Network/loadBalancers", APIVersion: "2024-07-01", Name: name, Location: "westus", ResourceGroup: "rg",
		Level: model.LevelResourceGroup, SKU: map[string]any{"name": "Standard"},
		Body: map[string]any{"backendAddressPools": ps, "frontendIPConfigurations": []any{map[string]any{"name": "fe", "properties": map[string]any{}}}}}
}

// Sub-resources of different owners whose derived local names meet (a + b_c, a_b + c) get
// distinct addresses, and references to them resolve to those addresses.
func TestSubResourceNamesUnique(t *testing.T) {
	a, ab := lbResource("a", "a", "b_c"), lbResource("a_b", "a-b", "c")
	nic := &model.Resource{Key: "nic", ID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic",
		Type: "Microsoft.Network/networkInterfaces", APIVersion: "2024-07-01", Name: "nic", Location: "westus", ResourceGroup: "rg",
		Level: model.LevelResourceGroup, Body: map[string]any{"ipConfigurations": []any{map[string]any{"name": "ip1", "properties": map[string]any{
			"subnet": map[string]any{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"},
			"loadBalancerBackendAddressPools": []any{
				map[string]any{"id": model.Ref{Target: "a", Suffix: "/backendAddressPools/b_c"}},
				map[string]any{"id": model.Ref{Target: "a_b", Suffix: "/backendAddressPools/c"}},
			}}}}}}
	m := &model.Model{Resources: []*model.Resource{a, ab, nic}}
	res, err := Emit(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	main := string(res.Files["main.tf"])
	if n := strings.Count(main, `resource "azurerm_lb_backend_address_pool" "a_b_c"`); n != 1 {
		t.Errorf("a_b_c declared %d times:\n%s", n, main)
	}
	if !strings.Contains(main, `resource "azurerm_lb_backend_address_pool" "a_b_c_2"`) {
		t.Errorf("no a_b_c_2:\n%s", main)
	}
	for _, want := range []string{"azurerm_lb_backend_address_pool.a_b_c.id", "azurerm_lb_backend_address_pool.a_b_c_2.id"} {
		if !strings.Contains(main, "backend_address_pool_id = "+want) {
			t.Errorf("the NIC does not join %s:\n%s", want, main)
		}
	}
	if res.Typed != 3 || res.Generic != 0 {
		t.Errorf("typed %d generic %d, want 3 and 0", res.Typed, res.Generic)
	}
}

// An AKS cluster's default pool declared as an agentPools child is not a second pool: the child
// becomes a comment, gets no import block, and references to it go through the cluster's id.
func TestAKSDefaultPoolInline(t *testing.T) {
	base := "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/k"
	pool := map[string]any{"name": "system", "mode": "System", "count": 1.0, "vmSize": "Standard_D2s_v5", "osType": "Linux"}
	cluster := &model.Resource{Key: "k", ID: base, Type: "Microsoft.ContainerService/managedClusters", APIVersion: "2024-09-01", Name: "k",
		Location: "westus", ResourceGroup: "rg", Level: model.LevelResourceGroup, Identity: &model.Identity{Type: "SystemAssigned"},
		Body: map[string]any{"dnsPrefix": "k", "agentPoolProfiles": []any{pool,
			map[string]any{"name": "user", "mode": "User", "count": 2.0, "vmSize": "Standard_D4s_v5", "osType": "Linux"}}}}
	child := &model.Resource{Key: "k_system", ID: base + "/agentPools/system", Type: "Microsoft.ContainerService/managedClusters/agentPools",
		APIVersion: "2024-09-01", Name: "k/system", ResourceGroup: "rg", Level: model.LevelResourceGroup, Parent: "k", Body: pool}
	ra := &model.Resource{Key: "ra", ID: base + "/agentPools/system/providers/Microsoft.Authorization/roleAssignments/00000000-0000-0000-0000-0000000000aa",
		Type: "Microsoft.Authorization/roleAssignments", APIVersion: "2022-04-01", Name: "00000000-0000-0000-0000-0000000000aa", ResourceGroup: "rg",
		Level: model.LevelResourceGroup, Scope: model.Ref{Target: "k_system"},
		Body: map[string]any{"roleDefinitionId": model.SubRel{Path: "/providers/Microsoft.Authorization/roleDefinitions/r"}, "principalId": "p"}}
	machine := &model.Resource{Key: "m1", ID: base + "/agentPools/system/machines/m1", Type: "Microsoft.ContainerService/managedClusters/agentPools/machines",
		APIVersion: "2024-09-01", Name: "k/system/m1", ResourceGroup: "rg", Level: model.LevelResourceGroup, Parent: "k_system"}
	res, err := Emit(&model.Model{Resources: []*model.Resource{cluster, child, machine, ra}}, Options{Imports: true})
	if err != nil {
		t.Fatal(err)
	}
	main := string(res.Files["main.tf"])
	for _, want := range []string{
		`resource "azurerm_kubernetes_cluster" "k"`,
		`resource "azurerm_kubernetes_cluster_node_pool" "k_user"`,
		"# Microsoft.ContainerService/managedClusters/agentPools k/system is declared inline by azurerm_kubernetes_cluster.k",
		`scope              = "${azurerm_kubernetes_cluster.k.id}/agentPools/system"`,
		`parent_id = "${azurerm_kubernetes_cluster.k.id}/agentPools/system"`, // a child of the inline pool
	} {
		if !strings.Contains(main, want) {
			t.Errorf("main.tf lacks %s:\n%s", want, main)
		}
	}
	if strings.Contains(main, `"k_system"`) || strings.Contains(string(res.Files["imports.tf"]), "k_system") {
		t.Errorf("the default pool got a resource or import of its own")
	}
	if res.Types["k_system"] != "azurerm_kubernetes_cluster" {
		t.Errorf("k_system became %s", res.Types["k_system"])
	}
}
