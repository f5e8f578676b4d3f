// Package graphtest is the conformance suite every graph.Store passes.
//
// Stores may be shared between subtests (Neo4j): every subtest uses its own random tenant ids
// and deletes them at cleanup, and asserts only on those tenants.
package graphtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/internal/repotest"
)

// Run runs the suite; open returns an initialised store (closed by the caller's cleanup).
func Run(t *testing.T, open func(t *testing.T) graph.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s graph.Store)
	}{
		{"IdempotentUpserts", testIdempotent},
		{"PropsRoundTrip", testPropsRoundTrip},
		{"EdgeEndpointsMissing", testEdgesMissing},
		{"Queries", testQueries},
		{"StreamingPagesAndStop", testStreaming},
		{"StatsShape", testStats},
		{"DeleteStaleScoped", testDeleteStale},
		{"DeleteStaleSharedAndTenantOwned", testDeleteStaleOwners},
		{"DeleteTenant", testDeleteTenant},
		{"Tenants", testTenants},
		{"MultiTenantIsolation", testIsolation},
		{"CaseInsensitiveIDs", testCaseInsensitive},
		{"ConcurrentUpserts", testConcurrent},
		{"InvalidInput", testInvalid},
		{"ExportImportRoundTrip", testExportImport},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			if err := s.Init(context.Background()); err != nil { // Init is repeatable
				t.Fatalf("second Init: %v", err)
			}
			tc.fn(t, s)
		})
	}
}

// NewTenant returns a random tenant id that is deleted from s when the test ends.
func NewTenant(t testing.TB, s graph.Store) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	id := "test-" + hex.EncodeToString(b)
	t.Cleanup(func() {
		if err := s.DeleteTenant(context.Background(), id); err != nil {
			t.Errorf("cleanup DeleteTenant(%s): %v", id, err)
		}
	})
	return id
}

// Sub is the id of a subscription node.
func SubID(sub string) string { return "/subscriptions/" + sub }

// RGID is the id of a resource group node.
func RGID(sub, rg string) string { return SubID(sub) + "/resourceGroups/" + rg }

// ResID is the id of a resource.
func ResID(sub, rg, typ, name string) string {
	return RGID(sub, rg) + "/providers/" + typ + "/" + name
}

// Resource returns a Resource node with the usual envelope props.
func Resource(sub, rg, typ, name string) graph.Node {
	id := ResID(sub, rg, typ, name)
	return graph.Node{Label: graph.LabelResource, ID: graph.NormalizeID(id), Props: map[string]any{
		graph.PropID: id, graph.PropName: name, graph.PropType: strings.ToLower(typ), graph.PropTypeDisplay: typ,
		graph.PropLocation: "westeurope", graph.PropResourceGroup: rg, graph.PropSubscription: sub,
		graph.PropProperties: map[string]any{"provisioningState": "Succeeded"},
	}}
}

// ResourceGroup returns a ResourceGroup node.
func ResourceGroup(sub, rg string) graph.Node {
	return graph.Node{Label: graph.LabelResourceGroup, ID: graph.NormalizeID(RGID(sub, rg)), Props: map[string]any{
		graph.PropID: RGID(sub, rg), graph.PropName: rg, graph.PropSubscription: sub, graph.PropLocation: "westeurope"}}
}

// Subscription returns a Subscription node.
func Subscription(sub string) graph.Node {
	return graph.Node{Label: graph.LabelSubscription, ID: SubID(sub), Props: map[string]any{
		graph.PropID: SubID(sub), graph.PropSubscription: sub, graph.PropName: "sub " + sub, "state": "Enabled"}}
}

// Simple returns a node with just a display name.
func Simple(l graph.Label, id string) graph.Node {
	return graph.Node{Label: l, ID: id, Props: map[string]any{"display_name": "n " + id}}
}

// E returns an edge between two nodes.
func E(typ graph.EdgeType, from, to graph.Node) graph.Edge {
	return graph.Edge{Type: typ, FromLabel: from.Label, From: from.ID, ToLabel: to.Label, To: to.ID}
}

func ctxT(t *testing.T) context.Context { return t.Context() }

func mustNodes(t *testing.T, s graph.Store, tenant, scan string, nodes ...graph.Node) {
	t.Helper()
	if err := s.UpsertNodes(ctxT(t), tenant, scan, nodes); err != nil {
		t.Fatalf("UpsertNodes: %v", err)
	}
}

func mustEdges(t *testing.T, s graph.Store, tenant, scan string, wantSkipped int, edges ...graph.Edge) {
	t.Helper()
	skipped, err := s.UpsertEdges(ctxT(t), tenant, scan, edges)
	if err != nil {
		t.Fatalf("UpsertEdges: %v", err)
	}
	if skipped != wantSkipped {
		t.Fatalf("UpsertEdges skipped = %d, want %d", skipped, wantSkipped)
	}
}

func mustStats(t *testing.T, s graph.Store, tenant string) graph.Stats {
	t.Helper()
	st, err := s.Stats(ctxT(t), tenant)
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	return st
}

// AllNodes returns every node of a tenant matching q.
func AllNodes(t testing.TB, s graph.Store, tenant string, q graph.NodeQuery) []graph.Node {
	t.Helper()
	var out []graph.Node
	if err := s.Nodes(context.Background(), tenant, q, func(n graph.Node) error { out = append(out, n); return nil }); err != nil {
		t.Fatalf("Nodes: %v", err)
	}
	return out
}

// AllEdges returns every edge of a tenant matching q.
func AllEdges(t testing.TB, s graph.Store, tenant string, q graph.EdgeQuery) []graph.Edge {
	t.Helper()
	var out []graph.Edge
	if err := s.Edges(context.Background(), tenant, q, func(e graph.Edge) error { out = append(out, e); return nil }); err != nil {
		t.Fatalf("Edges: %v", err)
	}
	return out
}

func ids(nodes []graph.Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.ID
	}
	return out
}

func edgeKeys(edges []graph.Edge) []string {
	out := make([]string, len(edges))
	for i, e := range edges {
		out[i] = e.Key()
	}
	return out
}

func sortedCopy(s []string) []string { c := slices.Clone(s); slices.Sort(c); return c }

func eqStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

func eqStats(t *testing.T, what string, got, want graph.Stats) {
	t.Helper()
	norm := func(m map[string]int) map[string]int {
		if m == nil {
			return map[string]int{}
		}
		return m
	}
	if !reflect.DeepEqual(norm(got.Nodes), norm(want.Nodes)) || !reflect.DeepEqual(norm(got.Edges), norm(want.Edges)) ||
		!reflect.DeepEqual(norm(got.ResourcesByType), norm(want.ResourcesByType)) {
		t.Errorf("%s: stats\n got  %+v\n want %+v", what, got, want)
	}
}

// fixture is a small tenant: 1 tenant node, 2 subscriptions, 3 RGs, 5 resources, a user, a tag.
type fixture struct {
	nodes []graph.Node
	edges []graph.Edge
}

func smallTenant(tenant string) fixture {
	tn := graph.Node{Label: graph.LabelTenant, ID: tenant, Props: map[string]any{"display_name": "Contoso"}}
	s1, s2 := Subscription("11111111-0000-0000-0000-000000000001"), Subscription("22222222-0000-0000-0000-000000000002")
	g1 := ResourceGroup("11111111-0000-0000-0000-000000000001", "rg1")
	g2 := ResourceGroup("11111111-0000-0000-0000-000000000001", "rg2")
	g3 := ResourceGroup("22222222-0000-0000-0000-000000000002", "rg1")
	vnet := Resource("11111111-0000-0000-0000-000000000001", "rg1", "Microsoft.Network/virtualNetworks", "vnet1")
	nic := Resource("11111111-0000-0000-0000-000000000001", "rg1", "Microsoft.Network/networkInterfaces", "nic1")
	vm := Resource("11111111-0000-0000-0000-000000000001", "rg2", "Microsoft.Compute/virtualMachines", "vm1")
	kv := Resource("22222222-0000-0000-0000-000000000002", "rg1", "Microsoft.KeyVault/vaults", "kv1")
	vnet2 := Resource("22222222-0000-0000-0000-000000000002", "rg1", "Microsoft.Network/virtualNetworks", "vnet2")
	user := Simple(graph.LabelUser, "aaaaaaaa-0000-0000-0000-00000000000a")
	tag := graph.Node{Label: graph.LabelTag, ID: "env=prod", Props: map[string]any{"key": "env", "value": "prod"}}
	region := graph.Node{Label: graph.LabelRegion, ID: "westeurope", Props: map[string]any{"name": "westeurope"}}
	return fixture{
		nodes: []graph.Node{tn, s1, s2, g1, g2, g3, vnet, nic, vm, kv, vnet2, user, tag, region},
		edges: []graph.Edge{
			E(graph.EdgeContains, tn, s1), E(graph.EdgeContains, tn, s2),
			E(graph.EdgeContains, s1, g1), E(graph.EdgeContains, s1, g2), E(graph.EdgeContains, s2, g3),
			E(graph.EdgeContains, g1, vnet), E(graph.EdgeContains, g1, nic), E(graph.EdgeContains, g2, vm),
			E(graph.EdgeContains, g3, kv), E(graph.EdgeContains, g3, vnet2),
			E(graph.EdgeConnectedTo, nic, vnet), E(graph.EdgeUses, vm, nic), E(graph.EdgeUsesKeyVault, vm, kv),
			E(graph.EdgePeeredWith, vnet, vnet2), E(graph.EdgePeeredWith, vnet2, vnet),
			E(graph.EdgeTaggedWith, vm, tag), E(graph.EdgeLocatedIn, vm, region), E(graph.EdgeLocatedIn, vnet2, region),
		},
	}
}

func load(t *testing.T, s graph.Store, tenant, scan string, f fixture) {
	t.Helper()
	mustNodes(t, s, tenant, scan, f.nodes...)
	mustEdges(t, s, tenant, scan, 0, f.edges...)
}

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

// ARMExample loads a payload from the repository's testdata/arm-examples.
func ARMExample(t testing.TB, file string) map[string]any {
	t.Helper()
	path := filepath.Join(repotest.ARMExamplesDir(), file)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("arm example: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// BigEnvelope returns the props of a Resource node built from the real VNet payload, extended
// with every JSON value kind and a 300 kB property (the Python original cut at 5,000 chars).
func BigEnvelope(t testing.TB) map[string]any {
	arm := ARMExample(t, "Microsoft.Network__virtualNetworks.json")
	props := arm["properties"].(map[string]any)
	subnets := props["subnets"].([]any)
	for i := range 2000 { // a big VNet
		subnets = append(subnets, map[string]any{
			"name": fmt.Sprintf("subnet-%04d", i),
			"id":   fmt.Sprintf("%s/subnets/subnet-%04d", arm["id"], i),
			"properties": map[string]any{"addressPrefix": fmt.Sprintf("10.%d.%d.0/24", i/256, i%256),
				"serviceEndpoints":               []any{map[string]any{"service": "Microsoft.Storage", "locations": []any{"westus", "eastus"}}},
				"privateEndpointNetworkPolicies": "Disabled", "delegations": []any{}},
		})
	}
	props["subnets"] = subnets
	env := map[string]any{
		graph.PropID: arm["id"], graph.PropName: arm["name"], graph.PropType: strings.ToLower(arm["type"].(string)),
		graph.PropTypeDisplay: arm["type"], graph.PropLocation: arm["location"], graph.PropResourceGroup: "rg1",
		graph.PropSubscription: "subid", graph.PropProperties: props,
		graph.PropSKU:   map[string]any{"name": "Standard", "tier": "Regional", "capacity": 2.0},
		graph.PropZones: []any{"1", "2", "3"},
		graph.PropTags:  map[string]any{"env": "prod", "owner": "ops@contoso.com", "empty": ""},
		graph.PropKind:  nil,
		"numbers":       []any{1.0, 2.5, -3.0, 1e21},
		"bools":         []any{true, false},
		"mixed":         []any{"a", 1.0, true, nil, map[string]any{"x": []any{}}},
		"empty_list":    []any{},
		"empty_map":     map[string]any{},
		"count":         42.0,
		"ratio":         0.125,
		"enabled":       true,
		"disabled":      false,
		"unicode":       "Zürich – 東京 \u00e9 'quoted' \"double\" back\\slash",
		"big":           strings.Repeat("0123456789abcdef", 300*1024/16),
		graph.PropIdentity: map[string]any{"type": "UserAssigned", "userAssignedIdentities": map[string]any{
			"/subscriptions/subid/resourcegroups/rg1/providers/microsoft.managedidentity/userassignedidentities/id1": map[string]any{"principalId": "p", "clientId": "c"}}},
	}
	// Normalise through JSON so the expectation holds exactly what a JSON decoder yields.
	b, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
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

func diffProps(t *testing.T, got, want map[string]any) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("prop %q missing", k)
			continue
		}
		if !reflect.DeepEqual(g, w) {
			gs, ws := fmt.Sprintf("%#v", g), fmt.Sprintf("%#v", w)
			if len(gs) > 300 {
				gs = gs[:300] + "…"
			}
			if len(ws) > 300 {
				ws = ws[:300] + "…"
			}
			t.Errorf("prop %q:\n got  %s\n want %s", k, gs, ws)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected prop %q = %v", k, got[k])
		}
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

func cmpTuple(a, b []string) int {
	for i := range a {
		if c := strings.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return 0
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

func mustTenants(t *testing.T, s graph.Store) []string {
	t.Helper()
	ts, err := s.Tenants(ctxT(t))
	if err != nil {
		t.Fatalf("Tenants: %v", err)
	}
	return ts
}

func nodeSet(t *testing.T, s graph.Store, tenant string) map[string]bool {
	m := map[string]bool{}
	for _, n := range AllNodes(t, s, tenant, graph.NodeQuery{}) {
		m[n.ID] = true
	}
	return m
}

func edgeSet(t *testing.T, s graph.Store, tenant string) map[string]bool {
	m := map[string]bool{}
	for _, e := range AllEdges(t, s, tenant, graph.EdgeQuery{}) {
		m[e.Key()] = true
	}
	return m
}

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
