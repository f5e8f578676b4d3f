// Package graphtest is the conformance suite every graph.Store passes.

// Stores may be shared between subtests (Neo4j): every subtest uses its own random tenant ids
// and deletes them at cleanup, and asserts only on those tenants.
package graphtest

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
)

func testDeleteStale(t *testing.T, s graph.Store) {
	tenant, other := NewTenant(t, s), NewTenant(t, s)
	f := smallTenant(tenant)
	load(t, s, tenant, "scan-1", f)
	fo := smallTenant(other)
	load(t, s, other, "scan-1", fo) // same ids in another tenant, also all stale
	s1 := "11111111-0000-0000-0000-000000000001"
	nodes := map[string]graph.Node{}
	for _, n := range f.nodes {
		nodes[n.ID] = n
	}
	vnet := nodes[graph.NormalizeID(ResID(s1, "rg1", "Microsoft.Network/virtualNetworks", "vnet1"))]
	nic := nodes[graph.NormalizeID(ResID(s1, "rg1", "Microsoft.Network/networkInterfaces", "nic1"))]
	vm := nodes[graph.NormalizeID(ResID(s1, "rg2", "Microsoft.Compute/virtualMachines", "vm1"))]
	// scan-2 covers Resources of s1/rg1 only: it sees the NIC but the VNet is gone, and the
	// NIC's CONNECTED_TO edge was not re-emitted.
	mustNodes(t, s, tenant, "scan-2", nic)
	mustEdges(t, s, tenant, "scan-2", 0, E(graph.EdgeContains, nodes[graph.NormalizeID(RGID(s1, "rg1"))], nic))
	before := nodeSet(t, s, tenant)
	beforeEdges := edgeSet(t, s, tenant)
	beforeOther := mustStats(t, s, other)
	scope := graph.Scope{Subscriptions: []string{strings.ToUpper(s1)}, ResourceGroups: []string{"RG1"}, Labels: []graph.Label{graph.LabelResource}}
	res, err := s.DeleteStale(ctxT(t), tenant, "scan-2", scope)
	if err != nil {
		t.Fatal(err)
	}
	after := nodeSet(t, s, tenant)
	afterEdges := edgeSet(t, s, tenant)
	if after[vnet.ID] {
		t.Errorf("stale in-scope node %s kept", vnet.ID)
	}
	delete(before, vnet.ID)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("nodes other than %s changed:\n before %v\n after  %v", vnet.ID, before, after)
	}
	// Edges touching vnet (rg1 CONTAINS vnet, nic CONNECTED_TO vnet, both PEERED_WITH) go, and so
	// does nothing else: the vm's stale edges are out of scope (rg2).
	gone := []string{
		E(graph.EdgeContains, nodes[graph.NormalizeID(RGID(s1, "rg1"))], vnet).Key(),
		E(graph.EdgeConnectedTo, nic, vnet).Key(),
		"PEERED_WITH|" + vnet.ID + "|" + graph.NormalizeID(ResID("22222222-0000-0000-0000-000000000002", "rg1", "Microsoft.Network/virtualNetworks", "vnet2")),
		"PEERED_WITH|" + graph.NormalizeID(ResID("22222222-0000-0000-0000-000000000002", "rg1", "Microsoft.Network/virtualNetworks", "vnet2")) + "|" + vnet.ID,
	}
	for _, k := range gone {
		if !beforeEdges[k] {
			t.Fatalf("fixture lacks edge %s", k)
		}
		if afterEdges[k] {
			t.Errorf("edge %s kept", k)
		}
		delete(beforeEdges, k)
	}
	if !reflect.DeepEqual(beforeEdges, afterEdges) {
		t.Errorf("edges changed beyond the expected ones:\n before %v\n after  %v", beforeEdges, afterEdges)
	}
	if res != (graph.DeleteResult{Nodes: 1, Edges: 4}) {
		t.Errorf("DeleteStale result %+v, want 1 node, 4 edges", res)
	}
	eqStats(t, "other tenant untouched", mustStats(t, s, other), beforeOther)

	// An in-scope node seen again whose edge was not re-emitted loses the edge only.
	mustNodes(t, s, tenant, "scan-3", vm)
	mustNodes(t, s, tenant, "scan-3", nodes[graph.NormalizeID(RGID(s1, "rg2"))])
	res, err = s.DeleteStale(ctxT(t), tenant, "scan-3", graph.Scope{Subscriptions: []string{s1}, ResourceGroups: []string{"rg2"},
		Labels: []graph.Label{graph.LabelResource, graph.LabelResourceGroup}})
	if err != nil {
		t.Fatal(err)
	}
	// vm's USES, USES_KEY_VAULT, TAGGED_WITH, LOCATED_IN are stale and owned by vm; rg2 CONTAINS vm
	// is owned by vm (the child) and s1 CONTAINS rg2 by rg2: all stale.
	if res != (graph.DeleteResult{Nodes: 0, Edges: 6}) {
		t.Errorf("second DeleteStale %+v, want 0 nodes, 6 edges", res)
	}
	for k := range edgeSet(t, s, tenant) {
		if strings.Contains(k, "|"+vm.ID+"|") || strings.HasSuffix(k, "|"+vm.ID) {
			t.Errorf("stale edge of vm kept: %s", k)
		}
	}
	if _, err := s.GetNode(ctxT(t), tenant, vm.ID); err != nil {
		t.Errorf("vm: %v", err)
	}
	// Repeating a cleanup deletes nothing more.
	res, err = s.DeleteStale(ctxT(t), tenant, "scan-3", graph.Scope{Subscriptions: []string{s1}, ResourceGroups: []string{"rg2"},
		Labels: []graph.Label{graph.LabelResource, graph.LabelResourceGroup}})
	if err != nil || res != (graph.DeleteResult{}) {
		t.Errorf("repeated DeleteStale: %+v %v", res, err)
	}
	eqStats(t, "other tenant untouched", mustStats(t, s, other), beforeOther)
}

func testDeleteStaleOwners(t *testing.T, s graph.Store) {
	tenant := NewTenant(t, s)
	f := smallTenant(tenant)
	load(t, s, tenant, "scan-1", f)
	s1, s2 := "11111111-0000-0000-0000-000000000001", "22222222-0000-0000-0000-000000000002"
	st := mustStats(t, s, tenant)
	// Nothing re-seen. A subscription-filtered scan with every label: shared (Tag, Region) and
	// the other subscription's nodes stay; tenant-owned (Tenant, User) and s1's go.
	res, err := s.DeleteStale(ctxT(t), tenant, "scan-2", graph.Scope{Subscriptions: []string{s1}})
	if err != nil {
		t.Fatal(err)
	}
	left := nodeSet(t, s, tenant)
	want := map[string]bool{SubID(s2): true, graph.NormalizeID(RGID(s2, "rg1")): true,
		graph.NormalizeID(ResID(s2, "rg1", "Microsoft.KeyVault/vaults", "kv1")):           true,
		graph.NormalizeID(ResID(s2, "rg1", "Microsoft.Network/virtualNetworks", "vnet2")): true,
		"env=prod": true, "westeurope": true}
	if !reflect.DeepEqual(left, want) {
		t.Errorf("after subscription-scoped cleanup:\n got  %v\n want %v", left, want)
	}
	if res.Nodes != 8 {
		t.Errorf("deleted %d nodes, want 8", res.Nodes)
	}
	// An RG-filtered scan never removes subscription-owned nodes.
	tenant2 := NewTenant(t, s)
	load(t, s, tenant2, "scan-1", smallTenant(tenant2))
	if _, err := s.DeleteStale(ctxT(t), tenant2, "scan-2", graph.Scope{ResourceGroups: []string{"rg1"},
		Labels: []graph.Label{graph.LabelSubscription, graph.LabelTag}}); err != nil {
		t.Fatal(err)
	}
	eqStats(t, "rg-scoped cleanup of subscription/shared labels", mustStats(t, s, tenant2), st)
	// Tenant->Subscription CONTAINS is owned by the subscription: a scan of s1 that re-saw its
	// subscription node but not the edge drops only s1's edge.
	mustNodes(t, s, tenant2, "scan-3", Subscription(s1), Subscription(s2))
	if _, err := s.DeleteStale(ctxT(t), tenant2, "scan-3", graph.Scope{Subscriptions: []string{s1}, Labels: []graph.Label{graph.LabelSubscription}}); err != nil {
		t.Fatal(err)
	}
	got := edgeKeys(AllEdges(t, s, tenant2, graph.EdgeQuery{From: []string{tenant2}}))
	eqStrings(t, "tenant CONTAINS edges", got, []string{"CONTAINS|" + tenant2 + "|" + SubID(s2)})
	// A whole-tenant cleanup removes everything not seen.
	res, err = s.DeleteStale(ctxT(t), tenant2, "scan-3", graph.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	if left := nodeSet(t, s, tenant2); len(left) != 2 {
		t.Errorf("after whole-tenant cleanup: %v, want the two subscriptions", left)
	}
	if len(AllEdges(t, s, tenant2, graph.EdgeQuery{})) != 0 {
		t.Errorf("edges left after whole-tenant cleanup")
	}
}

func testDeleteTenant(t *testing.T, s graph.Store) {
	a, b := NewTenant(t, s), NewTenant(t, s)
	load(t, s, a, "scan-1", smallTenant(a))
	load(t, s, b, "scan-1", smallTenant(b))
	stB := mustStats(t, s, b)
	if err := s.DeleteTenant(ctxT(t), a); err != nil {
		t.Fatal(err)
	}
	eqStats(t, "deleted tenant", mustStats(t, s, a), graph.Stats{})
	if _, err := s.GetNode(ctxT(t), a, "env=prod"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("GetNode in deleted tenant: %v, want ErrNotFound", err)
	}
	eqStats(t, "other tenant", mustStats(t, s, b), stB)
	if err := s.DeleteTenant(ctxT(t), a); err != nil {
		t.Errorf("DeleteTenant twice: %v", err)
	}
	if slices.Contains(mustTenants(t, s), a) {
		t.Errorf("deleted tenant still listed")
	}
}
