package fidelity

import (
	"testing"

	"github.com/atg-go/atg/engine/graph"
)

// Two copies of a resource that differ only in what ARM does not fix — the order of named
// collections and zones, a singular value against its one-element list, an address Azure
// assigned — compare equal; a real difference still shows.
func TestCanonicalEquivalences(t *testing.T) {
	rule := func(name string, prio float64, port string) map[string]any {
		return map[string]any{"name": name, "properties": map[string]any{"priority": prio, "destinationPortRange": port}}
	}
	src := graph.Node{ID: "a", Props: map[string]any{graph.PropType: "microsoft.network/networksecuritygroups", graph.PropID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n",
		graph.PropZones: []any{"1", "2", "3"},
		graph.PropProperties: map[string]any{
			"securityRules": []any{rule("allow-https", 100, "443"), rule("deny-all", 4096, "*")},
			"subnets":       []any{map[string]any{"name": "s1", "properties": map[string]any{"addressPrefix": "10.0.0.0/24"}}},
			"ipConfigurations": []any{map[string]any{"name": "ip", "properties": map[string]any{
				"privateIPAllocationMethod": "Dynamic", "privateIPAddress": "10.0.0.4"}}},
		}}}
	dst := graph.Node{ID: "b", Props: map[string]any{graph.PropType: "microsoft.network/networksecuritygroups", graph.PropID: "/subscriptions/t/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n",
		graph.PropZones: []any{"3", "1", "2"},
		graph.PropProperties: map[string]any{
			"securityRules": []any{rule("deny-all", 4096, "*"), map[string]any{"name": "allow-https", "properties": map[string]any{"priority": 100.0, "destinationPortRanges": []any{"443"}}}},
			"subnets":       []any{map[string]any{"name": "s1", "properties": map[string]any{"addressPrefixes": []any{"10.0.0.0/24"}}}},
			"ipConfigurations": []any{map[string]any{"name": "ip", "properties": map[string]any{
				"privateIPAllocationMethod": "Dynamic", "privateIPAddress": "10.0.0.9"}}},
		}}}
	total, equal, diffs := compareProps(src, dst, nil)
	if total == 0 || total != equal {
		t.Fatalf("%d of %d equal, diffs %v", equal, total, diffs)
	}
	dst.Props[graph.PropProperties].(map[string]any)["securityRules"].([]any)[0].(map[string]any)["properties"].(map[string]any)["priority"] = 4000.0
	if _, _, diffs := compareProps(src, dst, nil); len(diffs) != 1 {
		t.Errorf("a changed priority: diffs %v, want one", diffs)
	}
}
