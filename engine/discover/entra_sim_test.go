package discover

import (
	"context"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/rules"
	"github.com/atg-go/atg/sim"
)

// TestEntraEqualsSimulatorTruth: owners (groups, applications, service principals, devices),
// active and PIM-eligible directory roles, OAuth2 consent grants, app role assignments and
// group and administrative-unit memberships discovered from the
// simulator, turned into edges by the rules, equal the simulator's directory truth; every
// device is a node.
func TestEntraEqualsSimulatorTruth(t *testing.T) {
	s, tenant, d := simDiscoverer(t, sim.Options{Resources: 300, Subscriptions: 1, Seed: 11, Throttle: "off"}, 8)
	var nodes []graph.Node
	sink := &Sink{}
	if err := d.Entra(context.Background(), tenant, func(n graph.Node) { nodes = append(nodes, n) }, sink); err != nil {
		t.Fatal(err)
	}
	if f := sink.Failed(); len(f) > 0 {
		t.Fatalf("failures: %+v", f)
	}
	want, devices := s.DirectoryTruth(tenant)
	if len(want) == 0 || devices == 0 {
		t.Fatal("simulator truth has no directory edges or devices")
	}
	got := map[string]bool{}
	for _, e := range rules.ApplyAll(nodes, rules.NewIndex(nodes...)).Edges {
		switch e.Type {
		case graph.EdgeOwns, graph.EdgeHasRole, graph.EdgeEligibleFor, graph.EdgeGranted, graph.EdgeHasAppRole, graph.EdgeMemberOf:
			got[string(e.Type)+" "+e.From+" "+e.To] = true
		}
	}
	// memberships of groups and administrative units are the simulator's MEMBER_OF truth edges
	for _, e := range s.Truth().Tenants[0].Edges {
		if e.Type == graph.EdgeMemberOf {
			want = append(want, sim.DirectoryEdge{Type: string(e.Type), From: e.From, To: e.To})
		}
	}
	wantSet := map[string]bool{}
	kinds := map[string]int{}
	for _, e := range want {
		k := e.Type + " " + e.From + " " + e.To
		wantSet[k] = true
		kinds[e.Type]++
	}
	if missing, extra := diffKeys(wantSet, got); len(missing)+len(extra) > 0 {
		t.Errorf("directory edges differ from the truth: missing %d %v, extra %d %v", len(missing), head(missing), len(extra), head(extra))
	}
	units := 0
	for _, nd := range nodes {
		if nd.Label == graph.LabelAdministrativeUnit {
			units++
		}
	}
	if units == 0 {
		t.Error("no administrative unit discovered")
	}
	for _, k := range []string{"OWNS", "HAS_ROLE", "ELIGIBLE_FOR", "GRANTED", "HAS_APP_ROLE", "MEMBER_OF"} {
		if kinds[k] == 0 {
			t.Errorf("truth has no %s edge: the test would not see it missing", k)
		}
	}
	n := 0
	for _, nd := range nodes {
		if nd.Label == graph.LabelDevice {
			n++
		}
	}
	if n != devices {
		t.Errorf("devices = %d, truth %d", n, devices)
	}
	t.Logf("directory edges: %v, devices %d", kinds, devices)
}
