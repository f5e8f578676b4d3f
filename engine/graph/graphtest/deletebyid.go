package graphtest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
)

// testDeleteNodes: DeleteNodes removes exactly the named nodes (any label, ids in any case)
// with every edge into or out of them; unknown ids and other tenants are untouched.
func testDeleteNodes(t *testing.T, s graph.Store) {
	tenant, other := NewTenant(t, s), NewTenant(t, s)
	f := smallTenant(tenant)
	load(t, s, tenant, "scan-1", f)
	load(t, s, other, "scan-1", smallTenant(other))
	beforeOther := mustStats(t, s, other)
	nodes := map[string]graph.Node{}
	for _, n := range f.nodes {
		nodes[n.ID] = n
	}
	vnet := nodes[graph.NormalizeID(ResID("11111111-0000-0000-0000-000000000001", "rg1", "Microsoft.Network/virtualNetworks", "vnet1"))]
	before, beforeEdges := nodeSet(t, s, tenant), edgeSet(t, s, tenant)
	// the VNet (by its original casing), the Tag node, and an id that does not exist
	res, err := s.DeleteNodes(ctxT(t), tenant, []string{strings.ToUpper(vnet.ID), "env=prod", "/subscriptions/nope"})
	if err != nil {
		t.Fatal(err)
	}
	after, afterEdges := nodeSet(t, s, tenant), edgeSet(t, s, tenant)
	delete(before, vnet.ID)
	delete(before, "env=prod")
	if !reflect.DeepEqual(before, after) {
		t.Errorf("nodes after DeleteNodes:\n got  %v\n want %v", after, before)
	}
	want := 0
	for k := range beforeEdges {
		if strings.Contains(k, "|"+vnet.ID+"|") || strings.HasSuffix(k, "|"+vnet.ID) || strings.HasSuffix(k, "|env=prod") {
			delete(beforeEdges, k)
			want++
		}
	}
	if want != 5 { // rg1 CONTAINS, nic CONNECTED_TO, two PEERED_WITH, vm TAGGED_WITH
		t.Fatalf("fixture: %d edges touch the deleted nodes, want 5", want)
	}
	if !reflect.DeepEqual(beforeEdges, afterEdges) {
		t.Errorf("edges after DeleteNodes:\n got  %v\n want %v", afterEdges, beforeEdges)
	}
	if res != (graph.DeleteResult{Nodes: 2, Edges: want}) {
		t.Errorf("DeleteNodes result %+v, want 2 nodes, %d edges", res, want)
	}
	eqStats(t, "other tenant untouched", mustStats(t, s, other), beforeOther)
	// again: nothing left to delete; an empty list is fine
	if res, err := s.DeleteNodes(ctxT(t), tenant, []string{vnet.ID}); err != nil || res != (graph.DeleteResult{}) {
		t.Errorf("second DeleteNodes = %+v, %v; want nothing, no error", res, err)
	}
	if res, err := s.DeleteNodes(ctxT(t), tenant, nil); err != nil || res != (graph.DeleteResult{}) {
		t.Errorf("DeleteNodes(nil) = %+v, %v", res, err)
	}
	if _, err := s.DeleteNodes(ctxT(t), "", []string{vnet.ID}); err == nil {
		t.Error("DeleteNodes without a tenant: no error")
	}
}

// testDeleteEdges: DeleteEdges removes exactly the edges with the given keys (labels and props
// of the argument do not matter); missing keys are ignored; an invalid key is an error.
func testDeleteEdges(t *testing.T, s graph.Store) {
	tenant, other := NewTenant(t, s), NewTenant(t, s)
	f := smallTenant(tenant)
	load(t, s, tenant, "scan-1", f)
	load(t, s, other, "scan-1", smallTenant(other))
	beforeOther := mustStats(t, s, other)
	beforeNodes, beforeEdges := nodeSet(t, s, tenant), edgeSet(t, s, tenant)
	peer, uses := f.edges[13], f.edges[11] // vnet PEERED_WITH vnet2, vm USES nic
	if peer.Type != graph.EdgePeeredWith || uses.Type != graph.EdgeUses {
		t.Fatalf("fixture order changed: %s, %s", peer.Key(), uses.Key())
	}
	missing := peer
	missing.Type = graph.EdgeRoutesVia
	key := graph.Edge{Type: uses.Type, From: strings.ToUpper(uses.From), To: uses.To} // no labels, other casing
	n, err := s.DeleteEdges(ctxT(t), tenant, []graph.Edge{peer, key, missing, peer})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("DeleteEdges removed %d, want 2", n)
	}
	delete(beforeEdges, peer.Key())
	delete(beforeEdges, uses.Key())
	if got := edgeSet(t, s, tenant); !reflect.DeepEqual(got, beforeEdges) {
		t.Errorf("edges after DeleteEdges:\n got  %v\n want %v", got, beforeEdges)
	}
	if got := nodeSet(t, s, tenant); !reflect.DeepEqual(got, beforeNodes) {
		t.Errorf("DeleteEdges changed the nodes:\n got  %v\n want %v", got, beforeNodes)
	}
	reverse := f.edges[14] // vnet2 PEERED_WITH vnet stays
	if !edgeSet(t, s, tenant)[reverse.Key()] {
		t.Errorf("the reverse edge %s went too", reverse.Key())
	}
	eqStats(t, "other tenant untouched", mustStats(t, s, other), beforeOther)
	if n, err := s.DeleteEdges(ctxT(t), tenant, nil); err != nil || n != 0 {
		t.Errorf("DeleteEdges(nil) = %d, %v", n, err)
	}
	if _, err := s.DeleteEdges(ctxT(t), tenant, []graph.Edge{{Type: "NOPE", From: "a", To: "b"}}); err == nil {
		t.Error("DeleteEdges with an unknown type: no error")
	}
	if _, err := s.DeleteEdges(ctxT(t), tenant, []graph.Edge{{Type: graph.EdgeUses, From: " ", To: "b"}}); err == nil {
		t.Error("DeleteEdges with an empty endpoint: no error")
	}
}
