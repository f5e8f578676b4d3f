package scan

import (
	"context"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/rules"
	"github.com/atg-go/atg/internal/testenv"
	"github.com/atg-go/atg/sim"
)

// derivedOffNode are nodes whose edges do not touch them: the exceptions the derivers table
// names (an inline subnet's NSG and route table, a peering or DNS link child, diagnostic settings
// at resource and tenant level).
func derivedOffNode(tenant string) []graph.Node {
	const rg = "/subscriptions/11111111-0000-0000-0000-000000000001/resourcegroups/rg1/providers/"
	res := func(id, typ string, props map[string]any) graph.Node {
		return graph.Node{Label: graph.LabelResource, ID: id, TenantID: tenant, Props: map[string]any{graph.PropType: typ, graph.PropProperties: props}}
	}
	vnet := rg + "microsoft.network/virtualnetworks/v1"
	return []graph.Node{
		res(vnet, "microsoft.network/virtualnetworks", map[string]any{"subnets": []any{map[string]any{"id": vnet + "/subnets/s1",
			"properties": map[string]any{"networkSecurityGroup": map[string]any{"id": rg + "microsoft.network/networksecuritygroups/n1"},
				"routeTable": map[string]any{"id": rg + "microsoft.network/routetables/r1"}}}}}),
		res(vnet+"/virtualnetworkpeerings/p1", "microsoft.network/virtualnetworks/virtualnetworkpeerings",
			map[string]any{"remoteVirtualNetwork": map[string]any{"id": rg + "microsoft.network/virtualnetworks/v2"}}),
		res(rg+"microsoft.network/privatednszones/z.local/virtualnetworklinks/l1", "microsoft.network/privatednszones/virtualnetworklinks",
			map[string]any{"virtualNetwork": map[string]any{"id": vnet}}),
		res(vnet+"/providers/microsoft.insights/diagnosticsettings/d1", "microsoft.insights/diagnosticsettings",
			map[string]any{"workspaceId": rg + "microsoft.operationalinsights/workspaces/w1"}),
		res("/providers/microsoft.aadiam/diagnosticsettings/d2", "microsoft.aadiam/diagnosticsettings",
			map[string]any{"workspaceId": rg + "microsoft.operationalinsights/workspaces/w1"}),
	}
}

// checkDerivers fails when a node derives an edge the derivers table does not name it for.
func checkDerivers(t *testing.T, tenant string, nodes []graph.Node) (offNode int) {
	t.Helper()
	fam := newFamily(tenant)
	for _, n := range nodes {
		n.ID = graph.NormalizeID(n.ID)
		fam.add(n)
	}
	idx := rules.NewIndex(nodes...)
	for _, n := range nodes {
		self := graph.NormalizeID(n.ID)
		for _, e := range rules.Apply(n, idx).Edges {
			e.From, e.To = graph.NormalizeID(e.From), graph.NormalizeID(e.To)
			if e.From != self && e.To != self {
				offNode++
			}
			found := false
			fam.derivers(e, func(d string) { found = found || d == self })
			if !found {
				t.Errorf("%s derives %s, but the derivers table does not name it", self, e.Key())
			}
		}
	}
	return offNode
}

// TestDeriversCover: every edge the rules derive from a node names that node among its
// derivers (family.derivers), on the exceptions and on a simulated tenant's whole graph — the
// incremental Finalize re-derives an edge only through them.
func TestDeriversCover(t *testing.T) {
	tenant := "00000000-0000-0000-0000-0000000000aa"
	if n := checkDerivers(t, tenant, derivedOffNode(tenant)); n < 6 {
		t.Errorf("the exceptions derived %d edges that do not touch their node, want at least 6", n)
	}
	testenv.Integration(t)
	env := startSim(t, sim.Options{Resources: 1500, Subscriptions: 3, Seed: 11, Throttle: "off"})
	if _, err := env.engine(t).Run(context.Background(), fullRequest(env.tenant)); err != nil {
		t.Fatal(err)
	}
	var nodes []graph.Node
	if err := env.store.Nodes(context.Background(), env.tenant, graph.NodeQuery{}, func(n graph.Node) error {
		nodes = append(nodes, n)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	off := checkDerivers(t, env.tenant, nodes)
	t.Logf("%d nodes, %d edges derived off their node", len(nodes), off)
}
