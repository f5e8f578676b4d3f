package scan

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/engine/graph/graphtest"
)

// The incremental Finalize on hand-made changes whose effects cross from changed nodes to
// unchanged ones: the graph it leaves equals a full Finalize over the final nodes.
func TestFinalizeIncrementalEdgeCases(t *testing.T) {
	const tenant = "00000000-0000-0000-0000-0000000000bb"
	const sub = "11111111-0000-0000-0000-000000000001"
	rg := "/subscriptions/" + sub + "/resourcegroups/rg1"
	pr := rg + "/providers/"
	res := func(id, typ string, props map[string]any, tags map[string]any) graph.Node {
		p := map[string]any{graph.PropID: id, graph.PropType: typ, graph.PropSubscription: sub, graph.PropResourceGroup: "rg1",
			graph.PropLocation: "westeurope", graph.PropProperties: props}
		if tags != nil {
			p[graph.PropTags] = tags
		}
		return graph.Node{Label: graph.LabelResource, ID: id, TenantID: tenant, Props: p}
	}
	vnet := pr + "microsoft.network/virtualnetworks/v1"
	nsg := pr + "microsoft.network/networksecuritygroups/n1"
	nic := pr + "microsoft.network/networkinterfaces/nic1"
	vnet3 := pr + "microsoft.network/virtualnetworks/v3"
	base := []graph.Node{
		{Label: graph.LabelTenant, ID: tenant, TenantID: tenant, Props: map[string]any{}},
		{Label: graph.LabelSubscription, ID: "/subscriptions/" + sub, TenantID: tenant, Props: map[string]any{graph.PropSubscription: sub, "tenant_id": tenant}},
		{Label: graph.LabelResourceGroup, ID: rg, TenantID: tenant, Props: map[string]any{graph.PropSubscription: sub, graph.PropName: "rg1", graph.PropLocation: "westeurope"}},
		res(vnet, "microsoft.network/virtualnetworks", map[string]any{}, nil),
		res(vnet+"/subnets/s1", "microsoft.network/virtualnetworks/subnets", map[string]any{}, nil),
		res(vnet3, "microsoft.network/virtualnetworks", map[string]any{}, nil),
		// unchanged: mentions the NSG, a REFERENCES that yields once the VNet's inline subnet
		// names it (SECURED_BY, derived by the VNet)
		res(vnet+"/subnets/s2", "microsoft.network/virtualnetworks/subnets", map[string]any{"note": nsg}, nil),
		// unchanged: mentions a subnet that does not exist yet (REFERENCES its VNet until it does)
		res(pr+"microsoft.web/sites/app1", "microsoft.web/sites", map[string]any{"a": vnet3 + "/subnets/s9"}, nil),
		// unchanged: mentions below a subnet that will be deleted (REFERENCES s1, then the VNet)
		res(pr+"microsoft.web/sites/app2", "microsoft.web/sites", map[string]any{"b": vnet + "/subnets/s1/x/y"}, nil),
		// unchanged: mentions the NIC, a REFERENCES that yields once the NIC names it as its NSG
		res(nsg, "microsoft.network/networksecuritygroups", map[string]any{"note": nic}, map[string]any{"env": "prod"}),
		res(nic, "microsoft.network/networkinterfaces", map[string]any{}, map[string]any{"team": "a"}),
	}
	// the changes: s9 created, s1 deleted, the VNet lists s2 inline with the NSG, the NIC names
	// the NSG and loses its only-used tag
	vnet2 := res(vnet, "microsoft.network/virtualnetworks", map[string]any{"subnets": []any{map[string]any{"id": vnet + "/subnets/s2",
		"properties": map[string]any{"networkSecurityGroup": map[string]any{"id": nsg}}}}}, nil)
	nic2 := res(nic, "microsoft.network/networkinterfaces", map[string]any{"networkSecurityGroup": map[string]any{"id": nsg}}, map[string]any{"team": "b"})
	s9 := res(vnet3+"/subnets/s9", "microsoft.network/virtualnetworks/subnets", map[string]any{}, nil)
	var final []graph.Node
	for _, n := range base {
		switch n.ID {
		case vnet + "/subnets/s1":
		case nic:
			final = append(final, nic2)
		case vnet:
			final = append(final, vnet2)
		default:
			final = append(final, n)
		}
	}
	final = append(final, s9)

	ctx := context.Background()
	open := func(name string) graph.Store {
		st, err := boltstore.Open(filepath.Join(t.TempDir(), name), boltstore.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close(ctx) })
		if err := st.Init(ctx); err != nil {
			t.Fatal(err)
		}
		return st
	}
	engine := func(st graph.Store) *Engine {
		return &Engine{Store: st, Azure: &azure.Clients{}, FinalizeChunk: 3}
	}
	plan := func(scan, mode string) Plan {
		return Plan{ScanID: scan, Mode: mode, Request: Request{TenantID: tenant, Incremental: mode == ModeIncremental},
			Subscriptions: []Subscription{{SubscriptionID: sub}},
			Shards:        []Shard{{ID: "subscriptions-000", Kind: ShardSubscription, SubscriptionIDs: []string{sub}}}}
	}
	shard := []ShardResult{{ShardID: "subscriptions-000", Mode: ModeFull}}

	// incremental: the first graph, then what a shard writes (the changed nodes and the ones it
	// always re-reads) and the drop it reports
	inc := open("inc.db")
	if err := inc.UpsertNodes(ctx, tenant, "s1", base); err != nil {
		t.Fatal(err)
	}
	if _, err := engine(inc).Finalize(ctx, plan("s1", ModeFull), shard); err != nil {
		t.Fatal(err)
	}
	if err := inc.UpsertNodes(ctx, tenant, "s2", []graph.Node{base[0], base[1], nic2, vnet2, s9}); err != nil {
		t.Fatal(err)
	}
	r, err := engine(inc).Finalize(ctx, plan("s2", ModeIncremental), []ShardResult{{ShardID: "subscriptions-000", Mode: ModeIncremental,
		Drop: []string{vnet + "/subnets/s1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Mode != ModeIncremental {
		t.Fatalf("mode %q", r.Mode)
	}

	// reference: a full Finalize over the final nodes
	ref := open("ref.db")
	if err := ref.UpsertNodes(ctx, tenant, "f1", final); err != nil {
		t.Fatal(err)
	}
	want, err := engine(ref).Finalize(ctx, plan("f1", ModeFull), shard)
	if err != nil {
		t.Fatal(err)
	}
	a, b := graphtest.MustSnapshot(t, inc, tenant), graphtest.MustSnapshot(t, ref, tenant)
	graphtest.RequireEqual(t, "incremental vs full", a, b)
	if r.Relationships != want.Relationships {
		t.Errorf("relationships %d, want %d", r.Relationships, want.Relationships)
	}
	// the cases happened: the new subnet took the reference, the REFERENCES yielded, a tag went
	for _, k := range []string{
		"REFERENCES Resource:" + pr + "microsoft.web/sites/app1 -> Resource:" + vnet3 + "/subnets/s9",
		"REFERENCES Resource:" + pr + "microsoft.web/sites/app2 -> Resource:" + vnet,
		"SECURED_BY Resource:" + nic + " -> Resource:" + nsg,
		"SECURED_BY Resource:" + vnet + "/subnets/s2 -> Resource:" + nsg,
	} {
		if _, ok := a.Edges[k]; !ok {
			t.Errorf("edge %s missing; edges %v", k, a.Edges)
		}
	}
	if _, ok := a.Edges["REFERENCES Resource:"+nsg+" -> Resource:"+nic]; ok {
		t.Error("the NSG's REFERENCES to the NIC did not yield to SECURED_BY")
	}
	if _, ok := a.Edges["REFERENCES Resource:"+vnet+"/subnets/s2 -> Resource:"+nsg]; ok {
		t.Error("the subnet's REFERENCES to the NSG did not yield to SECURED_BY from the VNet")
	}
	if _, ok := a.Nodes["Tag team=a"]; ok {
		t.Error("the unused tag team=a stayed")
	}
}
