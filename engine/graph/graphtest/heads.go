package graphtest

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
)

// testNodeHeads: NodeHeads yields every node of the tenant once — key, label, scan ids and the
// scoping facts of its props — and nothing of other tenants; fn's error stops the walk.
func testNodeHeads(t *testing.T, s graph.Store) {
	tenant, other := NewTenant(t, s), NewTenant(t, s)
	f := smallTenant(tenant)
	load(t, s, tenant, "scan-1", f)
	load(t, s, other, "scan-1", smallTenant(other))
	mustNodes(t, s, tenant, "scan-2", f.nodes[7]) // a node seen again keeps its first scan
	var want []graph.NodeHead
	for _, n := range AllNodes(t, s, tenant, graph.NodeQuery{}) {
		sc, _ := graph.NodeSchemaFor(n.Label)
		want = append(want, graph.NodeHead{Label: n.Label, ID: n.ID, FirstSeen: n.FirstSeen, LastSeen: n.LastSeen, Facts: sc.Facts(n.Props)})
	}
	var got []graph.NodeHead
	if err := s.NodeHeads(ctxT(t), tenant, func(h graph.NodeHead) error { got = append(got, h); return nil }); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(got, func(a, b graph.NodeHead) int { return strings.Compare(a.ID, b.ID) })
	if !slices.Equal(got, want) {
		t.Errorf("NodeHeads:\n got  %+v\n want %+v", got, want)
	}
	if len(want) != len(f.nodes) || want[0].FirstSeen != "scan-1" {
		t.Fatalf("fixture: %d nodes", len(want))
	}
	seen := false
	for _, h := range got {
		if h.ID == graph.NormalizeID(f.nodes[7].ID) {
			seen = h.FirstSeen == "scan-1" && h.LastSeen == "scan-2" && h.Facts.Subscription != "" && h.Facts.Type != ""
		}
	}
	if !seen {
		t.Errorf("the node seen again: want first scan-1, last scan-2 and its facts")
	}
	stop := errors.New("stop")
	calls := 0
	if err := s.NodeHeads(ctxT(t), tenant, func(graph.NodeHead) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Errorf("stopping the walk: %v after %d calls", err, calls)
	}
	if err := s.NodeHeads(ctxT(t), NewTenant(t, s), func(graph.NodeHead) error { return errors.New("an empty tenant has no nodes") }); err != nil {
		t.Error(err)
	}
}
