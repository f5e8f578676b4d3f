// Package graphtest is the conformance suite every graph.Store passes.

// Stores may be shared between subtests (Neo4j): every subtest uses its own random tenant ids
// and deletes them at cleanup, and asserts only on those tenants.
package graphtest

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
)

func testQueries(t *testing.T, s graph.Store) {
	tenant := NewTenant(t, s)
	f := smallTenant(tenant)
	load(t, s, tenant, "scan-1", f)
	s1, s2 := "11111111-0000-0000-0000-000000000001", "22222222-0000-0000-0000-000000000002"
	all := AllNodes(t, s, tenant, graph.NodeQuery{})
	if len(all) != len(f.nodes) {
		t.Fatalf("all nodes: %d, want %d", len(all), len(f.nodes))
	}
	wantAll := make([]string, len(f.nodes))
	for i, n := range f.nodes {
		wantAll[i] = graph.NormalizeID(n.ID)
	}
	eqStrings(t, "all nodes in id order", ids(all), sortedCopy(wantAll))
	cases := []struct {
		name string
		q    graph.NodeQuery
		want []string
	}{
		{"labels", graph.NodeQuery{Labels: []graph.Label{graph.LabelSubscription, graph.LabelUser}},
			[]string{SubID(s1), SubID(s2), "aaaaaaaa-0000-0000-0000-00000000000a"}},
		{"types", graph.NodeQuery{Types: []string{"Microsoft.Network/virtualNetworks"}},
			[]string{graph.NormalizeID(ResID(s1, "rg1", "Microsoft.Network/virtualNetworks", "vnet1")), graph.NormalizeID(ResID(s2, "rg1", "Microsoft.Network/virtualNetworks", "vnet2"))}},
		{"subscription", graph.NodeQuery{Labels: []graph.Label{graph.LabelResource}, Subscriptions: []string{s2}},
			[]string{graph.NormalizeID(ResID(s2, "rg1", "Microsoft.KeyVault/vaults", "kv1")), graph.NormalizeID(ResID(s2, "rg1", "Microsoft.Network/virtualNetworks", "vnet2"))}},
		{"subscription all labels", graph.NodeQuery{Subscriptions: []string{s2}},
			[]string{SubID(s2), graph.NormalizeID(RGID(s2, "rg1")), graph.NormalizeID(ResID(s2, "rg1", "Microsoft.KeyVault/vaults", "kv1")), graph.NormalizeID(ResID(s2, "rg1", "Microsoft.Network/virtualNetworks", "vnet2"))}},
		{"resource group", graph.NodeQuery{Subscriptions: []string{s1}, ResourceGroups: []string{"RG2"}},
			[]string{graph.NormalizeID(RGID(s1, "rg2")), graph.NormalizeID(ResID(s1, "rg2", "Microsoft.Compute/virtualMachines", "vm1"))}},
		{"ids, case-insensitive, missing ignored", graph.NodeQuery{IDs: []string{"ENV=PROD", "westeurope", "nope", SubID(strings.ToUpper(s1))}},
			[]string{SubID(s1), "env=prod", "westeurope"}},
		{"ids and label", graph.NodeQuery{Labels: []graph.Label{graph.LabelTag}, IDs: []string{"env=prod", "westeurope"}}, []string{"env=prod"}},
		{"no match", graph.NodeQuery{Labels: []graph.Label{graph.LabelApplication}}, nil},
	}
	for _, c := range cases {
		eqStrings(t, "nodes by "+c.name, ids(AllNodes(t, s, tenant, c.q)), sortedCopy(c.want))
	}
	// Edges: (type, from, to) order and filters.
	all2 := AllEdges(t, s, tenant, graph.EdgeQuery{})
	if len(all2) != len(f.edges) {
		t.Fatalf("all edges: %d, want %d", len(all2), len(f.edges))
	}
	if !slices.IsSortedFunc(all2, func(a, b graph.Edge) int {
		return cmpTuple([]string{string(a.Type), a.From, a.To}, []string{string(b.Type), b.From, b.To})
	}) {
		t.Errorf("edges not in (type, from, to) order: %q", edgeKeys(all2))
	}
	vm := graph.NormalizeID(ResID(s1, "rg2", "Microsoft.Compute/virtualMachines", "vm1"))
	vnet := graph.NormalizeID(ResID(s1, "rg1", "Microsoft.Network/virtualNetworks", "vnet1"))
	vnet2 := graph.NormalizeID(ResID(s2, "rg1", "Microsoft.Network/virtualNetworks", "vnet2"))
	ecases := []struct {
		name string
		q    graph.EdgeQuery
		want []string
	}{
		{"types", graph.EdgeQuery{Types: []graph.EdgeType{graph.EdgePeeredWith, graph.EdgeLocatedIn}},
			[]string{"LOCATED_IN|" + vm + "|westeurope", "LOCATED_IN|" + vnet2 + "|westeurope", "PEERED_WITH|" + vnet + "|" + vnet2, "PEERED_WITH|" + vnet2 + "|" + vnet}},
		{"from", graph.EdgeQuery{From: []string{strings.ToUpper(vm)}},
			[]string{"LOCATED_IN|" + vm + "|westeurope", "TAGGED_WITH|" + vm + "|env=prod", "USES|" + vm + "|" + graph.NormalizeID(ResID(s1, "rg1", "Microsoft.Network/networkInterfaces", "nic1")), "USES_KEY_VAULT|" + vm + "|" + graph.NormalizeID(ResID(s2, "rg1", "Microsoft.KeyVault/vaults", "kv1"))}},
		{"to and type", graph.EdgeQuery{Types: []graph.EdgeType{graph.EdgeContains}, To: []string{SubID(s1), SubID(s2)}},
			[]string{"CONTAINS|" + tenant + "|" + SubID(s1), "CONTAINS|" + tenant + "|" + SubID(s2)}},
	}
	for _, c := range ecases {
		eqStrings(t, "edges by "+c.name, edgeKeys(AllEdges(t, s, tenant, c.q)), c.want)
	}
	for _, e := range AllEdges(t, s, tenant, graph.EdgeQuery{Types: []graph.EdgeType{graph.EdgeUsesKeyVault}}) {
		if e.FromLabel != graph.LabelResource || e.ToLabel != graph.LabelResource {
			t.Errorf("edge labels: %+v", e)
		}
	}
}

func testStreaming(t *testing.T, s graph.Store) {
	tenant := NewTenant(t, s)
	const n = 2500 // more than one page in every store
	nodes := make([]graph.Node, n)
	var edges []graph.Edge
	for i := range nodes {
		nodes[i] = Resource("s1", fmt.Sprintf("rg%d", i%7), "Microsoft.Storage/storageAccounts", fmt.Sprintf("st%05d", (i*7919)%n))
		if i > 0 {
			edges = append(edges, E(graph.EdgeReferences, nodes[i], nodes[0]))
		}
	}
	mustNodes(t, s, tenant, "scan-1", nodes...)
	mustEdges(t, s, tenant, "scan-1", 0, edges...)
	got := AllNodes(t, s, tenant, graph.NodeQuery{})
	if len(got) != n || !slices.IsSorted(ids(got)) || len(slices.Compact(ids(got))) != n {
		t.Fatalf("streamed %d nodes (sorted %v), want %d distinct in order", len(got), slices.IsSorted(ids(got)), n)
	}
	ge := AllEdges(t, s, tenant, graph.EdgeQuery{})
	if len(ge) != n-1 || !slices.IsSorted(edgeKeys(ge)) {
		t.Fatalf("streamed %d edges, want %d in order", len(ge), n-1)
	}
	// fn's error stops the walk and comes back unchanged.
	stop := errors.New("stop")
	count := 0
	err := s.Nodes(ctxT(t), tenant, graph.NodeQuery{}, func(graph.Node) error {
		count++
		if count == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || count != 10 {
		t.Errorf("Nodes stop: err %v after %d calls", err, count)
	}
	count = 0
	err = s.Edges(ctxT(t), tenant, graph.EdgeQuery{}, func(graph.Edge) error { count++; return stop })
	if !errors.Is(err, stop) || count != 1 {
		t.Errorf("Edges stop: err %v after %d calls", err, count)
	}
	// fn may call the store (no deadlock on a held transaction).
	err = s.Nodes(ctxT(t), tenant, graph.NodeQuery{IDs: []string{nodes[1].ID}}, func(n graph.Node) error {
		return s.UpsertNodes(ctxT(t), tenant, "scan-2", []graph.Node{n})
	})
	if err != nil {
		t.Errorf("write from inside Nodes: %v", err)
	}
	// A cancelled context stops reads.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Nodes(ctx, tenant, graph.NodeQuery{}, func(graph.Node) error { return nil }); err == nil {
		t.Errorf("Nodes with a cancelled context: no error")
	}
}

func testStats(t *testing.T, s graph.Store) {
	tenant := NewTenant(t, s)
	empty := mustStats(t, s, tenant)
	if empty.Nodes == nil || empty.Edges == nil || empty.ResourcesByType == nil {
		t.Errorf("empty stats must have non-nil maps: %+v", empty)
	}
	eqStats(t, "empty tenant", empty, graph.Stats{})
	load(t, s, tenant, "scan-1", smallTenant(tenant))
	eqStats(t, "small tenant", mustStats(t, s, tenant), graph.Stats{
		Nodes: map[string]int{"Tenant": 1, "Subscription": 2, "ResourceGroup": 3, "Resource": 5, "User": 1, "Tag": 1, "Region": 1},
		ResourcesByType: map[string]int{"microsoft.network/virtualnetworks": 2, "microsoft.network/networkinterfaces": 1,
			"microsoft.compute/virtualmachines": 1, "microsoft.keyvault/vaults": 1},
		Edges: map[string]int{"CONTAINS": 10, "CONNECTED_TO": 1, "USES": 1, "USES_KEY_VAULT": 1, "PEERED_WITH": 2, "TAGGED_WITH": 1, "LOCATED_IN": 2},
	})
	b, err := json.Marshal(mustStats(t, s, tenant))
	if err != nil {
		t.Fatal(err)
	}
	var shape map[string]map[string]int
	if err := json.Unmarshal(b, &shape); err != nil || len(shape) != 3 || shape["nodes"] == nil || shape["resources_by_type"] == nil || shape["edges"] == nil {
		t.Errorf("stats JSON shape: %s (%v)", b, err)
	}
}

func testTenants(t *testing.T, s graph.Store) {
	a, b := NewTenant(t, s), NewTenant(t, s)
	mustNodes(t, s, a, "scan-1", Simple(graph.LabelUser, "u1"))
	mustNodes(t, s, strings.ToUpper(b), "scan-1", Simple(graph.LabelRegion, "westus"))
	ts := mustTenants(t, s)
	if !slices.Contains(ts, a) || !slices.Contains(ts, b) {
		t.Errorf("Tenants() = %v, want it to include %s and %s (tenant ids are lower-cased)", ts, a, b)
	}
	if !slices.IsSorted(ts) {
		t.Errorf("Tenants() not sorted: %v", ts)
	}
	if err := s.Ping(ctxT(t)); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func testIsolation(t *testing.T, s graph.Store) {
	a, b := NewTenant(t, s), NewTenant(t, s)
	na := Resource("s", "rg", "Microsoft.Web/sites", "app")
	nb := na
	nb.Props = map[string]any{"name": "tenant b"}
	mustNodes(t, s, a, "scan-a", na)
	mustNodes(t, s, b, "scan-b", nb, Simple(graph.LabelRegion, "westus"))
	ga, err := s.GetNode(ctxT(t), a, na.ID)
	if err != nil {
		t.Fatal(err)
	}
	gb, err := s.GetNode(ctxT(t), b, na.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ga.TenantID != a || gb.TenantID != b || ga.LastSeen != "scan-a" || gb.Props["name"] != "tenant b" || ga.Props["name"] != "app" {
		t.Errorf("tenant a: %+v\ntenant b: %+v", ga, gb)
	}
	// An edge in tenant a may not reach a node that only exists in tenant b.
	mustEdges(t, s, a, "scan-a", 1, E(graph.EdgeLocatedIn, na, Simple(graph.LabelRegion, "westus")))
	if n := len(AllNodes(t, s, a, graph.NodeQuery{})); n != 1 {
		t.Errorf("tenant a has %d nodes, want 1", n)
	}
	if _, err := s.DeleteStale(ctxT(t), a, "scan-x", graph.Scope{}); err != nil {
		t.Fatal(err)
	}
	if n := len(AllNodes(t, s, b, graph.NodeQuery{})); n != 2 {
		t.Errorf("cleanup of tenant a touched tenant b: %d nodes left, want 2", n)
	}
}

func testExportImport(t *testing.T, s graph.Store) {
	tenant := NewTenant(t, s)
	f := smallTenant(tenant)
	load(t, s, tenant, "scan-1", f)
	env := BigEnvelope(t)
	big := graph.Node{Label: graph.LabelResource, ID: env[graph.PropID].(string), Props: env}
	mustNodes(t, s, tenant, "scan-2", big, f.nodes[0]) // different first/last seen must survive
	e := E(graph.EdgeReferences, graph.Node{Label: graph.LabelResource, ID: graph.NormalizeID(big.ID)}, f.nodes[0])
	e.Props = map[string]any{graph.PropPath: "properties.x", "nested": map[string]any{"a": []any{1.0, nil}}}
	mustEdges(t, s, tenant, "scan-2", 0, e)
	want := mustStats(t, s, tenant)

	export := func() []byte {
		var buf bytes.Buffer
		res, err := graph.Export(ctxT(t), s, tenant, graph.FormatJSON, &buf)
		if err != nil {
			t.Fatalf("Export: %v", err)
		}
		if res.Nodes != len(f.nodes)+1 || res.Edges != len(f.edges)+1 {
			t.Errorf("Export counted %+v", res)
		}
		return buf.Bytes()
	}
	first := export()
	if !json.Valid(first) {
		t.Fatalf("JSON export is not valid JSON")
	}
	if !bytes.Equal(first, export()) {
		t.Errorf("JSON export is not deterministic")
	}
	if err := s.DeleteTenant(ctxT(t), tenant); err != nil {
		t.Fatal(err)
	}
	res, err := graph.Import(ctxT(t), s, tenant, bytes.NewReader(first), graph.ImportOptions{BatchSize: 4})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if res != (graph.ImportResult{Nodes: len(f.nodes) + 1, Edges: len(f.edges) + 1}) {
		t.Errorf("Import result %+v", res)
	}
	eqStats(t, "after export, delete, import", mustStats(t, s, tenant), want)
	if again := export(); !bytes.Equal(first, again) {
		t.Errorf("export after import differs (props, first_seen or last_seen lost):\n%.2000s\n---\n%.2000s", first, again)
	}
	if _, err := graph.Import(ctxT(t), s, tenant, bytes.NewReader(first), graph.ImportOptions{}); !errors.Is(err, graph.ErrTenantNotEmpty) {
		t.Errorf("Import into a non-empty tenant: %v, want ErrTenantNotEmpty", err)
	}
	extra := Simple(graph.LabelUser, "extra")
	mustNodes(t, s, tenant, "scan-9", extra)
	if _, err := graph.Import(ctxT(t), s, tenant, bytes.NewReader(first), graph.ImportOptions{Replace: true}); err != nil {
		t.Fatalf("Import with Replace: %v", err)
	}
	eqStats(t, "after replace", mustStats(t, s, tenant), want)
	// Into another tenant id (restore elsewhere).
	other := NewTenant(t, s)
	if _, err := graph.Import(ctxT(t), s, other, bytes.NewReader(first), graph.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	eqStats(t, "imported into another tenant", mustStats(t, s, other), want)
	if _, err := graph.Import(ctxT(t), s, NewTenant(t, s), strings.NewReader(`{"format":"other"}`), graph.ImportOptions{}); err == nil {
		t.Errorf("Import of a foreign format: no error")
	}

	// GraphML is well-formed XML with every node and edge.
	var gml bytes.Buffer
	if _, err := graph.Export(ctxT(t), s, tenant, graph.FormatGraphML, &gml); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Graph struct {
			Nodes []struct {
				ID string `xml:"id,attr"`
			} `xml:"node"`
			Edges []struct {
				Source string `xml:"source,attr"`
			} `xml:"edge"`
		} `xml:"graph"`
	}
	if err := xml.Unmarshal(gml.Bytes(), &doc); err != nil {
		t.Fatalf("GraphML: %v", err)
	}
	if len(doc.Graph.Nodes) != len(f.nodes)+1 || len(doc.Graph.Edges) != len(f.edges)+1 {
		t.Errorf("GraphML has %d nodes, %d edges", len(doc.Graph.Nodes), len(doc.Graph.Edges))
	}
	var cy bytes.Buffer
	if _, err := graph.Export(ctxT(t), s, tenant, graph.FormatCypher, &cy); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cy.String(), "MERGE (n:`Resource`") || !strings.Contains(cy.String(), "MERGE (a)-[r:`REFERENCES`]->(b)") {
		t.Errorf("Cypher export lacks MERGE statements")
	}
	if _, err := graph.Export(ctxT(t), s, tenant, "yaml", &cy); err == nil {
		t.Errorf("unknown export format: no error")
	}
}
