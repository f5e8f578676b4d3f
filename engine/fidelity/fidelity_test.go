package fidelity

import (
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
)

func node(sub, rg, typ, name string, props map[string]any) graph.Node {
	id := "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/" + typ + "/" + name
	return graph.Node{Label: graph.LabelResource, ID: graph.NormalizeID(id), Props: map[string]any{
		graph.PropID: id, graph.PropName: name, graph.PropType: strings.ToLower(typ), graph.PropResourceGroup: rg,
		graph.PropLocation: "eastus", graph.PropProperties: props,
	}}
}

func TestCompareCountsAndProperties(t *testing.T) {
	subnetRef := func(sub string) map[string]any {
		return map[string]any{"ipConfigurations": []any{map[string]any{"properties": map[string]any{
			"subnet":                    map[string]any{"id": "/subscriptions/" + sub + "/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/v/subnets/a"},
			"privateIPAllocationMethod": "Dynamic", "provisioningState": "Succeeded"}}}}
	}
	src := []graph.Node{
		node("s1", "rg1", "Microsoft.Network/networkInterfaces", "nic1", subnetRef("s1")),
		node("s1", "rg1", "Microsoft.Network/networkInterfaces", "nic2", map[string]any{"enableIPForwarding": true}),
		node("s1", "rg1", "Microsoft.Storage/storageAccounts", "st1", map[string]any{"minimumTlsVersion": "TLS1_2"}),
	}
	dst := []graph.Node{
		// Same NIC in another subscription: the subnet id differs only by subscription -> equal.
		node("t1", "rg1", "Microsoft.Network/networkInterfaces", "nic1", subnetRef("t1")),
		// nic2 has a different value.
		node("t1", "rg1", "Microsoft.Network/networkInterfaces", "nic2", map[string]any{"enableIPForwarding": false}),
		// st1 missing.
	}
	r := CompareNodes(src, dst, Options{SourceTenantID: "a", TargetTenantID: "b"})
	if r.Matched != 2 || r.SourceResources != 3 {
		t.Fatalf("matched %d of %d", r.Matched, r.SourceResources)
	}
	if got := r.ByType["microsoft.storage/storageaccounts"].CountFidelity; got != 0 {
		t.Fatalf("storage count fidelity %v", got)
	}
	// nic1: location, subnet id, allocation method (provisioningState ignored) = 3 equal;
	// nic2: location equal, enableIPForwarding differs.
	if r.PropertiesTotal != 5 || r.PropertiesEqual != 4 {
		t.Fatalf("properties %d/%d", r.PropertiesEqual, r.PropertiesTotal)
	}
	if len(r.Misses) != 2 {
		t.Fatalf("misses %+v", r.Misses)
	}
	md := r.Markdown()
	for _, want := range []string{"st1", "enableIPForwarding", "66.67%"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestNameSuffixAndMapName(t *testing.T) {
	src := []graph.Node{node("s", "rg", "Microsoft.Storage/storageAccounts", "st1", nil)}
	dst := []graph.Node{node("t", "rg", "Microsoft.Storage/storageAccounts", "st1x9", nil)}
	if r := CompareNodes(src, dst, Options{NameSuffix: "x9"}); r.Matched != 1 {
		t.Fatalf("suffix: matched %d", r.Matched)
	}
	if r := CompareNodes(src, dst, Options{MapName: func(_, n string) string { return n + "x9" }}); r.Matched != 1 {
		t.Fatalf("map: matched %d", r.Matched)
	}
	if r := CompareNodes(src, dst, Options{}); r.Matched != 0 || r.CountFidelity != 0 {
		t.Fatalf("no mapping must not match: %+v", r)
	}
}
