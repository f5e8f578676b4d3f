// Package graphtest is the conformance suite every graph.Store passes.

// Stores may be shared between subtests (Neo4j): every subtest uses its own random tenant ids
// and deletes them at cleanup, and asserts only on those tenants.
package graphtest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/atg-go/atg/engine/graph"
)

func testIdempotent(t *testing.T, s graph.Store) {
	tenant := NewTenant(t, s)
	f := smallTenant(tenant)
	load(t, s, tenant, "scan-1", f)
	st1 := mustStats(t, s, tenant)
	load(t, s, tenant, "scan-2", f)
	st2 := mustStats(t, s, tenant)
	eqStats(t, "after second upsert", st2, st1)
	if st1.Nodes["Resource"] != 5 || st1.Edges["CONTAINS"] != 10 {
		t.Errorf("stats %+v: want 5 resources, 10 CONTAINS", st1)
	}
	for _, n := range AllNodes(t, s, tenant, graph.NodeQuery{}) {
		if n.FirstSeen != "scan-1" || n.LastSeen != "scan-2" {
			t.Errorf("node %s: first_seen %q last_seen %q, want scan-1, scan-2", n.ID, n.FirstSeen, n.LastSeen)
		}
		if n.TenantID != tenant {
			t.Errorf("node %s: tenant %q, want %q", n.ID, n.TenantID, tenant)
		}
	}
	edges := AllEdges(t, s, tenant, graph.EdgeQuery{})
	if len(edges) != len(f.edges) {
		t.Fatalf("edges = %d, want %d", len(edges), len(f.edges))
	}
	for _, e := range edges {
		if e.FirstSeen != "scan-1" || e.LastSeen != "scan-2" || e.TenantID != tenant {
			t.Errorf("edge %s: first %q last %q tenant %q", e.Key(), e.FirstSeen, e.LastSeen, e.TenantID)
		}
	}
	// Props are replaced whole on upsert.
	n := f.nodes[6]
	n.Props = map[string]any{"name": "renamed"}
	mustNodes(t, s, tenant, "scan-3", n)
	got, err := s.GetNode(ctxT(t), tenant, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Props, n.Props) || got.FirstSeen != "scan-1" || got.LastSeen != "scan-3" {
		t.Errorf("after replacing props: %+v", got)
	}
	// Same id twice in one batch: one node, the last one wins.
	a, b := Simple(graph.LabelUser, "dup"), Simple(graph.LabelUser, "dup")
	b.Props = map[string]any{"display_name": "second"}
	mustNodes(t, s, tenant, "scan-3", a, b)
	got, err = s.GetNode(ctxT(t), tenant, "dup")
	if err != nil || got.Props["display_name"] != "second" {
		t.Errorf("duplicate in batch: %+v, %v", got, err)
	}
}

func testPropsRoundTrip(t *testing.T, s graph.Store) {
	tenant := NewTenant(t, s)
	env := BigEnvelope(t)
	n := graph.Node{Label: graph.LabelResource, ID: env[graph.PropID].(string), Props: env}
	mustNodes(t, s, tenant, "scan-1", n)
	got, err := s.GetNode(ctxT(t), tenant, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Label != graph.LabelResource || got.ID != graph.NormalizeID(n.ID) {
		t.Errorf("label/id = %s %s", got.Label, got.ID)
	}
	diffProps(t, got.Props, env)
	streamed := AllNodes(t, s, tenant, graph.NodeQuery{IDs: []string{n.ID}})
	if len(streamed) != 1 {
		t.Fatalf("Nodes by id: %d nodes", len(streamed))
	}
	diffProps(t, streamed[0].Props, env)
	// Edge props round trip too.
	other := Simple(graph.LabelRegion, "westus")
	mustNodes(t, s, tenant, "scan-1", other)
	e := E(graph.EdgeReferences, graph.Node{Label: graph.LabelResource, ID: graph.NormalizeID(n.ID)}, other)
	e.Props = map[string]any{graph.PropPath: "properties.subnets[0].id", "n": 1.0, "ok": true, "nested": map[string]any{"a": []any{"b"}}, "nil": nil}
	mustEdges(t, s, tenant, "scan-1", 0, e)
	edges := AllEdges(t, s, tenant, graph.EdgeQuery{})
	if len(edges) != 1 {
		t.Fatalf("edges: %d", len(edges))
	}
	diffProps(t, edges[0].Props, e.Props)
	// A node without props.
	bare := graph.Node{Label: graph.LabelRegion, ID: "northeurope"}
	mustNodes(t, s, tenant, "scan-1", bare)
	got, err = s.GetNode(ctxT(t), tenant, "northeurope")
	if err != nil || len(got.Props) != 0 {
		t.Errorf("bare node: %+v %v", got, err)
	}
}

func testEdgesMissing(t *testing.T, s graph.Store) {
	tenant := NewTenant(t, s)
	a, b := Resource("s", "rg", "Microsoft.Network/networkInterfaces", "nic"), Resource("s", "rg", "Microsoft.Network/virtualNetworks", "vnet")
	mustNodes(t, s, tenant, "scan-1", a, b)
	ghost := Resource("s", "rg", "Microsoft.Network/virtualNetworks", "ghost")
	wrongLabel := graph.Edge{Type: graph.EdgeConnectedTo, FromLabel: graph.LabelResource, From: a.ID, ToLabel: graph.LabelUser, To: b.ID}
	mustEdges(t, s, tenant, "scan-1", 3,
		E(graph.EdgeConnectedTo, a, b), E(graph.EdgeConnectedTo, a, ghost), E(graph.EdgeConnectedTo, ghost, b), wrongLabel)
	st := mustStats(t, s, tenant)
	if !reflect.DeepEqual(st.Edges, map[string]int{"CONNECTED_TO": 1}) {
		t.Errorf("edges = %v, want CONNECTED_TO: 1", st.Edges)
	}
	// No endpoint in an empty tenant.
	empty := NewTenant(t, s)
	skipped, err := s.UpsertEdges(ctxT(t), empty, "scan-1", []graph.Edge{E(graph.EdgeConnectedTo, a, b)})
	if err != nil || skipped != 1 {
		t.Errorf("edges into an empty tenant: skipped %d, %v", skipped, err)
	}
	if ts := mustTenants(t, s); slices.Contains(ts, empty) {
		t.Errorf("tenant with no nodes listed by Tenants: %v", ts)
	}
}

func testCaseInsensitive(t *testing.T, s graph.Store) {
	tenant := NewTenant(t, s)
	id := "/subscriptions/ABC/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/VNet/"
	n := graph.Node{Label: graph.LabelResource, ID: id, Props: map[string]any{graph.PropID: strings.TrimSuffix(id, "/")}}
	mustNodes(t, s, tenant, "scan-1", n)
	mustNodes(t, s, tenant, "scan-2", graph.Node{Label: graph.LabelResource, ID: strings.ToLower(id), Props: n.Props})
	got, err := s.GetNode(ctxT(t), tenant, strings.ToUpper(id))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != graph.NormalizeID(id) || got.Props[graph.PropID] != strings.TrimSuffix(id, "/") || got.FirstSeen != "scan-1" || got.LastSeen != "scan-2" {
		t.Errorf("got %+v", got)
	}
	if c := len(AllNodes(t, s, tenant, graph.NodeQuery{})); c != 1 {
		t.Errorf("%d nodes, want 1", c)
	}
	mustNodes(t, s, tenant, "scan-2", Simple(graph.LabelRegion, "WestUS"))
	mustEdges(t, s, tenant, "scan-2", 0, graph.Edge{Type: graph.EdgeLocatedIn, FromLabel: graph.LabelResource, From: strings.ToUpper(id), ToLabel: graph.LabelRegion, To: "westus"})
	mustEdges(t, s, tenant, "scan-2", 0, graph.Edge{Type: graph.EdgeLocatedIn, FromLabel: graph.LabelResource, From: id, ToLabel: graph.LabelRegion, To: "WESTUS"})
	if es := AllEdges(t, s, tenant, graph.EdgeQuery{To: []string{"WestUs"}}); len(es) != 1 || es[0].From != graph.NormalizeID(id) {
		t.Errorf("edges: %+v", es)
	}
}

func testConcurrent(t *testing.T, s graph.Store) {
	tenant := NewTenant(t, s)
	workers := max(4, runtime.GOMAXPROCS(0))
	const per, batch = 300, 50
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i += batch {
				var nodes []graph.Node
				for j := i; j < i+batch; j++ {
					// Half the ids are shared between workers.
					name := fmt.Sprintf("w%d-%d", w, j)
					if j%2 == 0 {
						name = fmt.Sprintf("shared-%d", j)
					}
					nodes = append(nodes, Resource("s", "rg", "Microsoft.Storage/storageAccounts", name))
				}
				if err := s.UpsertNodes(context.Background(), tenant, fmt.Sprintf("scan-%d", w), nodes); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent UpsertNodes: %v", err)
	}
	want := workers*per/2 + per/2
	if st := mustStats(t, s, tenant); st.Nodes["Resource"] != want {
		t.Errorf("Resource nodes = %d, want %d", st.Nodes["Resource"], want)
	}
}

func testInvalid(t *testing.T, s graph.Store) {
	tenant := NewTenant(t, s)
	bad := []graph.Node{
		{Label: "Bogus", ID: "x"},
		{Label: graph.LabelUser, ID: ""},
		{Label: graph.LabelUser, ID: "u", Props: map[string]any{graph.SysUID: "x"}},
	}
	for _, n := range bad {
		if err := s.UpsertNodes(ctxT(t), tenant, "scan-1", []graph.Node{n}); err == nil {
			t.Errorf("UpsertNodes(%+v): no error", n)
		}
	}
	if _, err := s.UpsertEdges(ctxT(t), tenant, "scan-1", []graph.Edge{{Type: "BOGUS", FromLabel: graph.LabelUser, From: "a", ToLabel: graph.LabelUser, To: "b"}}); err == nil {
		t.Errorf("UpsertEdges with unknown type: no error")
	}
	if err := s.UpsertNodes(ctxT(t), "", "scan-1", []graph.Node{Simple(graph.LabelUser, "u")}); err == nil {
		t.Errorf("UpsertNodes with empty tenant: no error")
	}
	if _, err := s.GetNode(ctxT(t), tenant, "nope"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("GetNode missing: %v, want ErrNotFound", err)
	}
	// Subscription props may carry tenant_id (its own tenant).
	sub := Subscription("s9")
	sub.Props[graph.SysTenantID] = tenant
	if err := s.UpsertNodes(ctxT(t), tenant, "scan-1", []graph.Node{sub}); err != nil {
		t.Errorf("tenant_id prop with own tenant: %v", err)
	}
	got, err := s.GetNode(ctxT(t), tenant, sub.ID)
	if err != nil || got.Props[graph.SysTenantID] != tenant {
		t.Errorf("tenant_id prop round trip: %+v %v", got.Props, err)
	}
}
