package discover

import (
	"context"
	"testing"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/rules"
	"github.com/atg-go/atg/sim"
)

// TestGovernanceEqualsSimulatorTruth: the management group hierarchy (one call), policy
// assignments and locks (one list each per subscription) discovered from the simulator become
// CONTAINS, ASSIGNED_TO and LOCKS edges equal to its governance truth.
func TestGovernanceEqualsSimulatorTruth(t *testing.T) {
	s, tenant, d := simDiscoverer(t, sim.Options{Resources: 200, Subscriptions: 3, Seed: 5, Throttle: "off", Governance: true}, 8)
	counter := &azure.Counter{}
	ctx := azure.WithCounter(context.Background(), counter)
	var nodes []graph.Node
	emit := func(n graph.Node) { nodes = append(nodes, n) }
	if err := d.ManagementGroups(ctx, tenant, emit); err != nil {
		t.Fatal(err)
	}
	sink := &Sink{}
	subs := s.SubscriptionIDs(tenant)
	for _, sub := range subs {
		d.Governance(ctx, tenant, sub, emit, sink)
	}
	if f := sink.Failed(); len(f) > 0 {
		t.Fatalf("failures: %+v", f)
	}
	if calls := counter.Snapshot().Total(); calls != 1+6*len(subs) {
		t.Errorf("calls = %d, want %d (one hierarchy read, six lists per subscription)", calls, 1+6*len(subs))
	}
	kindsFound := map[string]int{}
	for _, n := range nodes {
		if typ, _ := n.Props[graph.PropType].(string); typ != "" {
			kindsFound[typ]++
		}
	}
	for _, typ := range []string{"microsoft.authorization/policyassignments", "microsoft.authorization/policyexemptions",
		"microsoft.authorization/policydefinitions", "microsoft.authorization/locks"} {
		if kindsFound[typ] == 0 {
			t.Errorf("no %s discovered: %v", typ, kindsFound)
		}
	}
	got := map[string]bool{}
	for _, e := range rules.ApplyAll(nodes, rules.NewIndex(nodes...)).Edges {
		switch e.Type {
		case graph.EdgeAssignedTo, graph.EdgeLocks:
			got[string(e.Type)+" "+e.From+" "+e.To] = true
		case graph.EdgeContains:
			if e.FromLabel == graph.LabelManagementGroup || e.ToLabel == graph.LabelManagementGroup {
				got[string(e.Type)+" "+e.From+" "+e.To] = true
			}
		}
	}
	want := map[string]bool{}
	kinds := map[string]int{}
	for _, e := range s.GovernanceTruth(tenant) {
		want[e.Type+" "+e.From+" "+e.To] = true
		kinds[e.Type]++
	}
	if missing, extra := diffKeys(want, got); len(missing)+len(extra) > 0 {
		t.Errorf("governance edges differ: missing %v, extra %v", missing, extra)
	}
	if kinds["CONTAINS"] < 3+len(subs) || kinds["ASSIGNED_TO"] == 0 || kinds["LOCKS"] == 0 {
		t.Errorf("truth too small to test: %v", kinds)
	}
	t.Logf("governance edges: %v", kinds)
}
