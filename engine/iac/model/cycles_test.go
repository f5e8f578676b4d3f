package model_test

import (
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/model"
)

// The reference graph of every corpus payload, loaded together as one tenant (examples of one
// service share placeholder ids, so they point at each other, read-only back-references
// included), is acyclic — and so is the example tenant.
func TestCorpusReferenceGraphAcyclic(t *testing.T) {
	for name, dir := range map[string]string{"corpus": iactest.CorpusDir(), "examples": iactest.ExamplesDir()} {
		nodes, err := iactest.LoadNodes(dir)
		if err != nil {
			t.Fatal(err)
		}
		m, err := model.BuildFromNodes(iactest.TenantID, nodes, model.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if c := model.FindCycle(m); c != nil {
			t.Errorf("%s: dependency cycle %s", name, strings.Join(c, " -> "))
		}
		breaks := 0
		for _, d := range m.Dropped {
			if model.IsCycleBreak(d) {
				breaks++
				t.Logf("%s: %s %s: %s", name, d.Key, d.Path, d.Reason)
			}
		}
		t.Logf("%s: %d resources, %d references removed to break cycles", name, len(m.Resources), breaks)
	}
}

func armNode(id, typ string, props map[string]any) graph.Node {
	return iactest.NodeFromARM(iactest.TenantID, map[string]any{"id": id, "type": typ, "name": id[strings.LastIndexByte(id, '/')+1:],
		"location": "eastus", "properties": props}, "2024-01-01")
}

// Back-references the tables do not know are still cut: a hub that lists its spokes while each
// spoke names its hub keeps the spoke's forward reference, a parent pointing at its own child
// loses that reference, and each removal is reported with the cycle it broke.
func TestBreakCyclesUnknownBackReferences(t *testing.T) {
	const rg = "/subscriptions/s1/resourceGroups/rg1/providers/"
	hub := rg + "Contoso.Test/hubs/hub1"
	spoke := rg + "Contoso.Test/spokes/spoke1"
	parent := rg + "Contoso.Test/parents/p1"
	child := parent + "/children/c1"
	nodes := []graph.Node{
		armNode(hub, "Contoso.Test/hubs", map[string]any{"spokes": []any{map[string]any{"id": spoke}}, "size": 3}),
		armNode(spoke, "Contoso.Test/spokes", map[string]any{"hub": map[string]any{"id": hub}}),
		armNode(parent, "Contoso.Test/parents", map[string]any{"defaultChild": map[string]any{"id": child}, "mode": "x"}),
		armNode(child, "Contoso.Test/parents/children", map[string]any{"weight": 1}),
		armNode(rg+"Microsoft.Network/vpnServerConfigurations/v1", "Microsoft.Network/vpnServerConfigurations",
			map[string]any{"p2SVpnGateways": []any{map[string]any{"id": rg + "Microsoft.Network/p2sVpnGateways/g1"}}}),
		armNode(rg+"Microsoft.Network/p2sVpnGateways/g1", "Microsoft.Network/p2sVpnGateways",
			map[string]any{"vpnServerConfiguration": map[string]any{"id": rg + "Microsoft.Network/vpnServerConfigurations/v1"}}),
	}
	m, err := model.BuildFromNodes(iactest.TenantID, nodes, model.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if c := model.FindCycle(m); c != nil {
		t.Fatalf("cycle left: %v", c)
	}
	idx := m.Index()
	if _, ok := idx["spoke1"].Body["hub"]; !ok {
		t.Errorf("spoke lost its forward reference: %v", idx["spoke1"].Body)
	}
	if _, ok := idx["hub1"].Body["spokes"]; ok || idx["hub1"].Body["size"] != 3 {
		t.Errorf("hub: want spokes cut and size kept, got %v", idx["hub1"].Body)
	}
	if _, ok := idx["p1"].Body["defaultChild"]; ok {
		t.Errorf("parent still points at its child: %v", idx["p1"].Body)
	}
	if idx["g1"].Body["vpnServerConfiguration"] == nil {
		t.Errorf("gateway lost its configuration: %v", idx["g1"].Body)
	}
	var reasons []string
	for _, d := range m.Dropped {
		if model.IsCycleBreak(d) {
			reasons = append(reasons, d.Key+" "+d.Path+": "+d.Reason)
		}
	}
	if len(reasons) != 2 || !strings.Contains(strings.Join(reasons, "\n"), "hub1 -> spoke1 -> hub1") {
		t.Errorf("cycle breaks reported: %q", reasons)
	}
}
