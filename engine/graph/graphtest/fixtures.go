// Package graphtest is the conformance suite every graph.Store passes.

// Stores may be shared between subtests (Neo4j): every subtest uses its own random tenant ids
// and deletes them at cleanup, and asserts only on those tenants.
package graphtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/internal/repotest"
)

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

func cmpTuple(a, b []string) int {
	for i := range a {
		if c := strings.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return 0
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
