package discover

import (
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/discover/childtree"
	"github.com/atg-go/atg/engine/graph"
)

// TestChildTreeShape: the generated tree names its source, holds the collections the issue
// lists, marks the inline ones, and singleton and extension rows are well formed.
func TestChildTreeShape(t *testing.T) {
	if !strings.Contains(childtree.Source, "azure-rest-api-specs@") || len(childtree.Generated) < 900 {
		t.Fatalf("source %q, %d rows", childtree.Source, len(childtree.Generated))
	}
	has := map[string]childtree.Collection{}
	for _, c := range childtree.All() {
		has[c.Key()] = c
		switch {
		case c.Singleton:
			if !strings.Contains(c.Path, "/") || c.Inline {
				t.Errorf("%+v: a singleton names type/name and is never inline", c)
			}
		case strings.HasPrefix(c.Path, "providers/"):
			if !strings.EqualFold(strings.TrimPrefix(c.Path, "providers/"), c.Type) {
				t.Errorf("%+v: an extension collection's type is its path after providers/", c)
			}
		}
	}
	for _, k := range []string{"microsoft.web/sites|slots", "microsoft.network/dnszones|recordsets", "microsoft.network/privatednszones|all",
		"microsoft.documentdb/databaseaccounts|mongodbdatabases", "microsoft.netapp/netappaccounts|capacitypools",
		"microsoft.netapp/netappaccounts/capacitypools|volumes", "microsoft.batch/batchaccounts|applications",
		"microsoft.eventgrid/domains|topics", "microsoft.managedidentity/userassignedidentities|federatedidentitycredentials",
		"microsoft.sql/servers|keys", "microsoft.datafactory/factories|integrationruntimes", "microsoft.compute/galleries|applications"} {
		if _, ok := has[k]; !ok {
			t.Errorf("the tree lacks %s", k)
		}
	}
	for _, k := range []string{"microsoft.network/virtualnetworks|subnets", "microsoft.network/networksecuritygroups|securityrules",
		"microsoft.network/loadbalancers|frontendipconfigurations", "microsoft.keyvault/vaults|privateendpointconnections"} {
		if !has[k].Inline {
			t.Errorf("%s should be inline in its parent", k)
		}
	}
}

// TestListedChildren: a generated collection is listed only when the providers API names its
// child type; inline collections and those needing parameters never; hand-kept rows always.
func TestListedChildren(t *testing.T) {
	types := map[string]TypeInfo{"microsoft.web/sites/slots": {APIVersion: "2023-12-01"}}
	paths := func(cs []ChildCollection) map[string]bool {
		out := map[string]bool{}
		for _, c := range cs {
			out[c.Path] = true
		}
		return out
	}
	sites := paths(listedChildren("microsoft.web/sites", types))
	if !sites["slots"] || sites["hostNameBindings"] || len(sites) != 1 {
		t.Errorf("web app collections listed: %v", sites)
	}
	if got := paths(listedChildren("microsoft.web/sites", nil)); len(got) != 0 {
		t.Errorf("unregistered child types listed: %v", got)
	}
	vnet := paths(listedChildren("microsoft.network/virtualnetworks", map[string]TypeInfo{
		"microsoft.network/virtualnetworks/subnets": {APIVersion: "2024-05-01"}}))
	if vnet["subnets"] {
		t.Error("inline subnets listed")
	}
	if sql := paths(listedChildren("microsoft.sql/servers", nil)); !sql["databases"] || !sql["firewallRules"] {
		t.Errorf("hand-kept SQL collections not listed: %v", sql)
	}
	logs := paths(listedChildren("microsoft.operationalinsights/workspaces", map[string]TypeInfo{
		"microsoft.operationalinsights/workspaces/datasources": {APIVersion: "2020-08-01"}}))
	if logs["dataSources"] {
		t.Error("a collection that needs $filter was listed")
	}
}

// TestInlineChildren: subnets and peerings in a VNet body become nodes without a call (type
// filled in when the inline item lacks it); other inline children stay in the parent.
func TestInlineChildren(t *testing.T) {
	vnet := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v1"
	env := map[string]any{"id": vnet, "type": "Microsoft.Network/virtualNetworks", "properties": map[string]any{
		"subnets":                []any{map[string]any{"id": vnet + "/subnets/a", "name": "a", "properties": map[string]any{"addressPrefix": "10.0.0.0/24"}}},
		"virtualNetworkPeerings": []any{map[string]any{"id": vnet + "/virtualNetworkPeerings/p", "name": "p", "type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings"}},
	}}
	got := InlineChildren("t1", env, nil)
	if len(got) != 2 || got[0].Label != graph.LabelResource || got[0].Props[graph.PropType] != "microsoft.network/virtualnetworks/subnets" {
		t.Fatalf("inline children = %+v", got)
	}
	nsg := map[string]any{"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n", "type": "Microsoft.Network/networkSecurityGroups",
		"properties": map[string]any{"securityRules": []any{map[string]any{"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n/securityRules/r"}}}}
	if got := InlineChildren("t1", nsg, nil); len(got) != 0 {
		t.Errorf("NSG rules became nodes: %+v", got)
	}
}
