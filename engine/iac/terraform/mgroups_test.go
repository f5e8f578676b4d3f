package terraform

import (
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac/model"
)

// The management group hierarchy becomes azurerm_management_group blocks: the tenant root
// group is skipped (it exists in every tenant), parents come first and children reference
// them, a generated subscription is the target subscription, every argument is in the
// provider's schema, and imports.tf adopts the groups.
func TestManagementGroups(t *testing.T) {
	const tenant = "11111111-1111-1111-1111-111111111111"
	const sub = "22222222-2222-2222-2222-222222222222"
	mg := func(name, parent string, kids ...string) graph.Node {
		id := "/providers/Microsoft.Management/managementGroups/" + name
		var children []any
		for _, k := range kids {
			children = append(children, map[string]any{"id": k})
		}
		p := map[string]any{graph.PropID: id, graph.PropName: name, "display_name": strings.ToUpper(name), "children": children}
		if parent != "" {
			p["parent_id"] = "/providers/Microsoft.Management/managementGroups/" + parent
		}
		return graph.Node{Label: graph.LabelManagementGroup, ID: graph.NormalizeID(id), TenantID: tenant, Props: p}
	}
	rg := graph.Node{Label: graph.LabelResourceGroup, ID: "/subscriptions/" + sub + "/resourcegroups/rg1", Props: map[string]any{
		graph.PropID: "/subscriptions/" + sub + "/resourceGroups/rg1", graph.PropName: "rg1", graph.PropLocation: "westeurope"}}
	nodes := []graph.Node{mg("corp", "platform", "/subscriptions/"+sub, "/subscriptions/33333333-3333-3333-3333-333333333333"),
		mg(tenant, "", "/providers/Microsoft.Management/managementGroups/platform"), mg("platform", tenant), rg}
	m, err := model.BuildFromNodes(tenant, nodes, model.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.ManagementGroups) != 2 || m.ManagementGroups[0].Name != "platform" || m.ManagementGroups[1].Parent != m.ManagementGroups[0].Key {
		t.Fatalf("groups %+v: want platform, then corp under it", m.ManagementGroups)
	}
	rootSkipped := false
	for _, s := range m.Skipped {
		rootSkipped = rootSkipped || (s.Type == model.TypeManagementGroup && strings.Contains(s.Reason, "root"))
	}
	if !rootSkipped {
		t.Errorf("tenant root group not skipped: %+v", m.Skipped)
	}
	res, err := Emit(m, Options{Imports: true})
	if err != nil {
		t.Fatal(err)
	}
	main := string(res.Files["main.tf"])
	for _, want := range []string{`resource "azurerm_management_group" "mg_platform"`, `resource "azurerm_management_group" "mg_corp"`,
		"parent_management_group_id = azurerm_management_group.mg_platform.id",
		`subscription_ids           = [var.subscription_id, "33333333-3333-3333-3333-333333333333"]`} {
		if !strings.Contains(main, want) {
			t.Errorf("main.tf lacks %s:\n%s", want, main)
		}
	}
	if strings.Contains(main, `"`+tenant+`"`) {
		t.Error("the tenant root group is generated")
	}
	if !strings.Contains(string(res.Files["imports.tf"]), `id = "/providers/Microsoft.Management/managementGroups/corp"`) {
		t.Error("imports.tf does not adopt the groups")
	}
	schema := azurermSchema()[tfManagementGroup]
	in := false
	for _, line := range strings.Split(main, "\n") {
		switch {
		case strings.HasPrefix(line, "resource "):
			in = strings.HasPrefix(line, `resource "`+tfManagementGroup+`"`)
			continue
		case !in:
			continue
		}
		if f := strings.Fields(line); len(f) > 1 && f[1] == "=" && strings.HasPrefix(line, "  ") {
			if _, ok := schema[f[0]]; !ok && f[0] != "name" {
				t.Errorf("argument %s is not in the azurerm_management_group schema", f[0])
			}
		}
	}
	n := 0
	for _, me := range res.Mapping {
		if me.Terraform == tfManagementGroup {
			n++
		}
	}
	if n != 2 {
		t.Errorf("mapping report has %d management groups, want 2", n)
	}
	// a tenant with only its root group has no hierarchy to generate and nothing to report
	if only, err := model.BuildFromNodes(tenant, []graph.Node{mg(tenant, ""), rg}, model.Filter{}); err != nil || len(only.ManagementGroups) != 0 || len(only.Skipped) != 0 {
		t.Errorf("root only: groups %+v, skipped %+v, err %v", only.ManagementGroups, only.Skipped, err)
	}
	if az, _ := Emit(m, Options{AzapiOnly: true}); strings.Contains(string(az.Files["main.tf"]), tfManagementGroup) {
		t.Error("the azapi-only rendering has azurerm management groups")
	}
}
