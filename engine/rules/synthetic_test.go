package rules

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/discover"
	"github.com/atg-go/atg/engine/graph"
)

const (
	sub   = "/subscriptions/00000000-0000-0000-0000-0000000000aa"
	rgA   = sub + "/resourcegroups/rg-a"
	vnet  = rgA + "/providers/microsoft.network/virtualnetworks/vnet1"
	snet  = vnet + "/subnets/s1"
	nsg   = rgA + "/providers/microsoft.network/networksecuritygroups/nsg1"
	rt    = rgA + "/providers/microsoft.network/routetables/rt1"
	nic   = rgA + "/providers/microsoft.network/networkinterfaces/nic1"
	vm    = rgA + "/providers/microsoft.compute/virtualmachines/vm1"
	lb    = rgA + "/providers/microsoft.network/loadbalancers/lb1"
	vault = rgA + "/providers/microsoft.keyvault/vaults/kv-one"
)

func res(id string, props map[string]any) graph.Node {
	if props == nil {
		props = map[string]any{}
	}
	if _, ok := props["type"]; !ok {
		if a, ok := armid.ParseKey(id); ok {
			props["type"] = a.Type()
		}
	}
	return graph.Node{Label: graph.LabelResource, ID: id, TenantID: testTenant, Props: props}
}

func TestContainmentAndEntra(t *testing.T) {
	tests := []struct {
		name  string
		n     graph.Node
		idx   Index
		types []graph.EdgeType
		want  []string
	}{
		{"tenant contains subscription, subscription tags",
			graph.Node{Label: graph.LabelSubscription, ID: sub, TenantID: testTenant, Props: map[string]any{"tenant_id": "ABCDEF00-0000-0000-0000-000000000000", "tags": map[string]any{"env": "prod"}}},
			nil, []graph.EdgeType{graph.EdgeContains, graph.EdgeTaggedWith},
			[]string{"CONTAINS Tenant:abcdef00-0000-0000-0000-000000000000 -> Subscription:" + sub, "TAGGED_WITH Subscription:" + sub + " -> Tag:env=prod"}},
		{"subscription without tenant_id uses the node's tenant",
			graph.Node{Label: graph.LabelSubscription, ID: sub, TenantID: testTenant}, nil, []graph.EdgeType{graph.EdgeContains},
			[]string{"CONTAINS Tenant:" + testTenant + " -> Subscription:" + sub}},
		{"subscription contains resource group",
			graph.Node{Label: graph.LabelResourceGroup, ID: rgA, TenantID: testTenant, Props: map[string]any{"location": "North Europe"}}, nil,
			[]graph.EdgeType{graph.EdgeContains, graph.EdgeLocatedIn},
			[]string{"CONTAINS Subscription:" + sub + " -> ResourceGroup:" + rgA, "LOCATED_IN ResourceGroup:" + rgA + " -> Region:northeurope"}},
		{"child resource: parent resource contains it (case and trailing slash tolerated)",
			res(strings.ToUpper(snet)+"/", map[string]any{"type": "Microsoft.Network/virtualNetworks/subnets",
				"properties": map[string]any{"networkSecurityGroup": map[string]any{"id": strings.ToUpper(nsg)}, "routeTable": map[string]any{"id": rt + "/"}}}),
			nil, []graph.EdgeType{graph.EdgeContains, graph.EdgeSecuredBy, graph.EdgeRoutesVia},
			[]string{"CONTAINS Resource:" + vnet + " -> Resource:" + snet, "SECURED_BY Resource:" + snet + " -> Resource:" + nsg, "ROUTES_VIA Resource:" + snet + " -> Resource:" + rt}},
		{"named rules ignore ids of the wrong type",
			res(snet, map[string]any{"properties": map[string]any{"networkSecurityGroup": map[string]any{"id": rt}, "routeTable": map[string]any{"id": "not an id"}}}),
			nil, []graph.EdgeType{graph.EdgeSecuredBy, graph.EdgeRoutesVia}, nil},
		{"vnet: inline subnets, their nsg and route table, peerings",
			res(vnet, map[string]any{"location": "westeurope", "properties": map[string]any{
				"subnets": []any{map[string]any{"id": snet, "properties": map[string]any{
					"networkSecurityGroup": map[string]any{"id": nsg}, "routeTable": map[string]any{"id": rt}}}},
				"virtualNetworkPeerings": []any{map[string]any{"id": vnet + "/virtualNetworkPeerings/p", "properties": map[string]any{
					"remoteVirtualNetwork": map[string]any{"id": "/subscriptions/other/resourceGroups/x/providers/Microsoft.Network/virtualNetworks/hub"}}}},
			}}),
			nil, []graph.EdgeType{graph.EdgeContains, graph.EdgeSecuredBy, graph.EdgeRoutesVia, graph.EdgePeeredWith},
			[]string{
				"CONTAINS ResourceGroup:" + rgA + " -> Resource:" + vnet,
				"CONTAINS Resource:" + vnet + " -> Resource:" + snet,
				"SECURED_BY Resource:" + snet + " -> Resource:" + nsg,
				"ROUTES_VIA Resource:" + snet + " -> Resource:" + rt,
				"PEERED_WITH Resource:" + vnet + " -> Resource:/subscriptions/other/resourcegroups/x/providers/microsoft.network/virtualnetworks/hub",
			}},
		{"vmss instance uses its scale-set NIC and disk",
			res(rgA+"/providers/Microsoft.Compute/virtualMachineScaleSets/ss/virtualMachines/0", map[string]any{"properties": map[string]any{
				"networkProfile": map[string]any{"networkInterfaces": []any{map[string]any{"id": rgA + "/providers/Microsoft.Compute/virtualMachineScaleSets/ss/virtualMachines/0/networkInterfaces/nic"}}},
				"storageProfile": map[string]any{"osDisk": map[string]any{"managedDisk": map[string]any{"id": rgA + "/providers/Microsoft.Compute/disks/ss_0_os"}}}}}),
			nil, []graph.EdgeType{graph.EdgeUses, graph.EdgeContains},
			[]string{
				"USES Resource:" + rgA + "/providers/microsoft.compute/virtualmachinescalesets/ss/virtualmachines/0 -> Resource:" + rgA + "/providers/microsoft.compute/virtualmachinescalesets/ss/virtualmachines/0/networkinterfaces/nic",
				"USES Resource:" + rgA + "/providers/microsoft.compute/virtualmachinescalesets/ss/virtualmachines/0 -> Resource:" + rgA + "/providers/microsoft.compute/disks/ss_0_os",
				"CONTAINS Resource:" + rgA + "/providers/microsoft.compute/virtualmachinescalesets/ss -> Resource:" + rgA + "/providers/microsoft.compute/virtualmachinescalesets/ss/virtualmachines/0",
			}},
		{"aks agent pool hosted on its cluster",
			res(rgA+"/providers/microsoft.containerservice/managedclusters/aks1/agentpools/np1", nil), nil,
			[]graph.EdgeType{graph.EdgeHostedOn},
			[]string{"HOSTED_ON Resource:" + rgA + "/providers/microsoft.containerservice/managedclusters/aks1/agentpools/np1 -> Resource:" + rgA + "/providers/microsoft.containerservice/managedclusters/aks1"}},
		{"manual private link connection",
			res(rgA+"/providers/microsoft.network/privateendpoints/pe1", map[string]any{"properties": map[string]any{
				"manualPrivateLinkServiceConnections": []any{map[string]any{"properties": map[string]any{"privateLinkServiceId": vault}}},
				"customDnsConfigs":                    []any{map[string]any{"fqdn": "kv-one.vault.azure.net"}}}}),
			NewIndex(res(vault, nil)), []graph.EdgeType{graph.EdgePrivateEndpointFor, graph.EdgeUsesKeyVault},
			[]string{"PRIVATE_ENDPOINT_FOR Resource:" + rgA + "/providers/microsoft.network/privateendpoints/pe1 -> Resource:" + vault}},
		{"group members by stated type, @odata.type, and the index",
			graph.Node{Label: graph.LabelGroup, ID: "g1", TenantID: testTenant, Props: map[string]any{"members": []any{
				map[string]any{"id": "U1", "type": "user"},
				map[string]any{"id": "g2", "@odata.type": "#microsoft.graph.group"},
				map[string]any{"id": "sp1", "type": "servicePrincipal"},
				map[string]any{"id": "known"},
				map[string]any{"id": "dev1", "type": "device"},
			}}},
			MapIndex{"known": graph.LabelServicePrincipal}, []graph.EdgeType{graph.EdgeMemberOf},
			[]string{"MEMBER_OF User:u1 -> Group:g1", "MEMBER_OF Group:g2 -> Group:g1", "MEMBER_OF ServicePrincipal:sp1 -> Group:g1", "MEMBER_OF ServicePrincipal:known -> Group:g1"}},
		{"group members as []map[string]any",
			graph.Node{Label: graph.LabelGroup, ID: "g1", TenantID: testTenant, Props: map[string]any{"members": []map[string]any{{"id": "u2", "type": "User"}}}},
			nil, []graph.EdgeType{graph.EdgeMemberOf}, []string{"MEMBER_OF User:u2 -> Group:g1"}},
		{"role assignment at tenant root, resource scope and unknown principal type",
			graph.Node{Label: graph.LabelRoleAssignment, ID: "/providers/microsoft.authorization/roleassignments/ra1", TenantID: testTenant, Props: map[string]any{
				"principal_id": "p1", "principal_type": "Device", "role_definition_id": "acdd72a7-3385-48ef-bd42-f606fba81ae7", "scope": "/"}},
			nil, []graph.EdgeType{graph.EdgeAssignedTo, graph.EdgeHasRole, graph.EdgeAppliesTo},
			[]string{
				"HAS_ROLE RoleAssignment:/providers/microsoft.authorization/roleassignments/ra1 -> RoleDefinition:/providers/microsoft.authorization/roledefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
				"APPLIES_TO RoleAssignment:/providers/microsoft.authorization/roleassignments/ra1 -> Tenant:" + testTenant,
			}},
		{"role assignment on a resource, read from ARM properties",
			graph.Node{Label: graph.LabelRoleAssignment, ID: vm + "/providers/Microsoft.Authorization/roleAssignments/ra2", TenantID: testTenant, Props: map[string]any{
				"properties": map[string]any{"principalId": "SP1", "principalType": "ServicePrincipal", "roleDefinitionId": sub + "/providers/Microsoft.Authorization/roleDefinitions/r1", "scope": strings.ToUpper(vm)}}},
			nil, []graph.EdgeType{graph.EdgeAssignedTo, graph.EdgeHasRole, graph.EdgeAppliesTo, graph.EdgeContains, graph.EdgeReferences},
			[]string{
				"ASSIGNED_TO RoleAssignment:" + vm + "/providers/microsoft.authorization/roleassignments/ra2 -> ServicePrincipal:sp1",
				"HAS_ROLE RoleAssignment:" + vm + "/providers/microsoft.authorization/roleassignments/ra2 -> RoleDefinition:" + sub + "/providers/microsoft.authorization/roledefinitions/r1",
				"APPLIES_TO RoleAssignment:" + vm + "/providers/microsoft.authorization/roleassignments/ra2 -> Resource:" + vm,
			}},
		{"diagnostic setting on a subscription",
			res(sub+"/providers/microsoft.insights/diagnosticSettings/d1", map[string]any{"properties": map[string]any{
				"workspaceId": rgA + "/providers/Microsoft.OperationalInsights/workspaces/law"}}),
			nil, []graph.EdgeType{graph.EdgeSendsDiagnosticsTo},
			[]string{"SENDS_DIAGNOSTICS_TO Subscription:" + sub + " -> Resource:" + rgA + "/providers/microsoft.operationalinsights/workspaces/law"}},
		{"disk encryption set: activeKey.sourceVault.id",
			res(rgA+"/providers/microsoft.compute/diskencryptionsets/des1", map[string]any{"properties": map[string]any{
				"activeKey": map[string]any{"sourceVault": map[string]any{"id": vault}, "keyUrl": "https://kv-one.vault.azure.net/keys/k/1"}}}),
			nil, []graph.EdgeType{graph.EdgeUsesKeyVault},
			[]string{"USES_KEY_VAULT Resource:" + rgA + "/providers/microsoft.compute/diskencryptionsets/des1 -> Resource:" + vault}},
		{"app settings: @Microsoft.KeyVault references by SecretUri and VaultName",
			res(rgA+"/providers/microsoft.web/sites/app1", map[string]any{"properties": map[string]any{"siteConfig": map[string]any{"appSettings": []any{
				map[string]any{"name": "A", "value": "@Microsoft.KeyVault(SecretUri=https://KV-ONE.vault.azure.net/secrets/a/)"},
				map[string]any{"name": "B", "value": "@Microsoft.KeyVault(VaultName=kv-two;SecretName=b)"},
				map[string]any{"name": "C", "value": "@Microsoft.KeyVault(VaultName=unknown;SecretName=c)"},
			}}}}),
			NewIndex(res(vault, nil), res(rgA+"/providers/microsoft.keyvault/vaults/kv-two", nil)),
			[]graph.EdgeType{graph.EdgeUsesKeyVault},
			[]string{"USES_KEY_VAULT Resource:" + rgA + "/providers/microsoft.web/sites/app1 -> Resource:" + vault,
				"USES_KEY_VAULT Resource:" + rgA + "/providers/microsoft.web/sites/app1 -> Resource:" + rgA + "/providers/microsoft.keyvault/vaults/kv-two"}},
		{"system-assigned identity known in the index; UserAssigned-only principalId ignored",
			res(vm, map[string]any{"identity": map[string]any{"type": "SystemAssigned", "principalId": "not-a-guid"}}),
			MapIndex{"not-a-guid": graph.LabelServicePrincipal}, []graph.EdgeType{graph.EdgeUsesIdentity},
			[]string{"USES_IDENTITY Resource:" + vm + " -> ServicePrincipal:not-a-guid"}},
		{"identity type None",
			res(vm, map[string]any{"identity": map[string]any{"type": "None", "principalId": "00000000-0000-0000-0000-000000000001"}}),
			nil, []graph.EdgeType{graph.EdgeUsesIdentity}, nil},
		{"tags: non-string values, empty keys, string tags tolerated",
			res(vm, map[string]any{"tags": map[string]any{"n": float64(3), "b": true, "": "x", "e": ""}}), nil,
			[]graph.EdgeType{graph.EdgeTaggedWith},
			[]string{"TAGGED_WITH Resource:" + vm + " -> Tag:n=3", "TAGGED_WITH Resource:" + vm + " -> Tag:b=true", "TAGGED_WITH Resource:" + vm + " -> Tag:e="}},
		{"tags as a string", res(vm, map[string]any{"tags": ""}), nil, []graph.EdgeType{graph.EdgeTaggedWith}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Apply(tc.n, tc.idx)
			assertEdges(t, r.Edges, tc.types, tc.want)
			for _, e := range r.Edges {
				if e.TenantID != testTenant || e.FromLabel == "" || e.ToLabel == "" || e.From == e.To {
					t.Errorf("bad edge %+v", e)
				}
			}
		})
	}
}

func TestSharedNodes(t *testing.T) {
	r := Apply(res(vm, map[string]any{"location": "West Europe", "tags": map[string]any{"env": "prod", "team": "a"}}), nil)
	got := make([]string, 0, len(r.Nodes))
	for _, n := range r.Nodes {
		if n.TenantID != testTenant {
			t.Errorf("node %s has tenant %q", n.ID, n.TenantID)
		}
		got = append(got, string(n.Label)+":"+n.ID)
	}
	want := []string{"Region:westeurope", "Tag:env=prod", "Tag:team=a"}
	if !slices.Equal(got, want) {
		t.Fatalf("nodes %v, want %v", got, want)
	}
	if r.Nodes[1].Props["key"] != "env" || r.Nodes[1].Props["value"] != "prod" {
		t.Errorf("tag props %v", r.Nodes[1].Props)
	}
}

func TestReferences(t *testing.T) {
	idx := MapIndex{vm: graph.LabelResource, lb: graph.LabelResource, snet: graph.LabelResource, nsg: graph.LabelResource,
		rgA: graph.LabelResourceGroup, vnet: graph.LabelResource}
	tests := []struct {
		name string
		n    graph.Node
		want []string // REFERENCES only
	}{
		{"known id in an unnamed field, with its path",
			res(nic, map[string]any{"properties": map[string]any{"virtualMachine": map[string]any{"id": strings.ToUpper(vm) + "/"}}}),
			[]string{"REFERENCES Resource:" + nic + " -> Resource:" + vm + " [properties.virtualMachine.id]"}},
		{"named edge wins: the subnet and nsg of a NIC are no references",
			res(nic, map[string]any{"properties": map[string]any{
				"ipConfigurations":     []any{map[string]any{"id": nic + "/ipConfigurations/c1", "properties": map[string]any{"subnet": map[string]any{"id": snet}}}},
				"networkSecurityGroup": map[string]any{"id": nsg},
				"tags":                 map[string]any{"other": nsg}}}),
			nil},
		{"sub-resource id resolves to the closest known resource; own children and parents are skipped",
			res(vnet, map[string]any{"properties": map[string]any{"subnets": []any{map[string]any{"id": snet, "properties": map[string]any{
				"ipConfigurations": []any{map[string]any{"id": lb + "/frontendIPConfigurations/fe"}}}}}}}),
			[]string{"REFERENCES Resource:" + vnet + " -> Resource:" + lb + " [properties.subnets[0].properties.ipConfigurations[0].id]"}},
		{"unknown resource in a known resource group is no reference",
			res(nic, map[string]any{"properties": map[string]any{"x": rgA + "/providers/microsoft.web/sites/nope"}}),
			nil},
		{"an exact resource group id is a reference",
			res(nic, map[string]any{"properties": map[string]any{"targetResourceGroup": rgA}}),
			nil}, // rgA is the NIC's ancestor: CONTAINS covers it
		{"ids inside URLs and expressions; smallest path kept",
			res(rgA+"/providers/microsoft.logic/workflows/wf", map[string]any{"properties": map[string]any{
				"b": "https://management.azure.com" + strings.ToUpper(vm) + "?api-version=2024-01-01",
				"a": []any{"[concat('x', '" + vm + "')]"},
			}}),
			[]string{"REFERENCES Resource:" + rgA + "/providers/microsoft.logic/workflows/wf -> Resource:" + vm + " [properties.a[0]]"}},
		{"not-an-id strings and typos", res(nic, map[string]any{"properties": map[string]any{
			"a": "/subscriptions/", "b": strings.Replace(vm, "/providers/", "/provders/", 1), "c": "hello/subscriptions/x", "d": 3.0}}),
			nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Apply(tc.n, idx)
			assertEdges(t, r.Edges, []graph.EdgeType{graph.EdgeReferences}, tc.want)
		})
	}
	// without an index, no REFERENCES at all
	if r := Apply(res(nic, map[string]any{"properties": map[string]any{"virtualMachine": map[string]any{"id": vm}}}), nil); len(ofType(r.Edges, graph.EdgeReferences)) != 0 {
		t.Errorf("REFERENCES without an index: %v", es(r.Edges))
	}
}

func TestApplyAllPrecedenceAcrossNodes(t *testing.T) {
	nodes := []graph.Node{
		res(nic, map[string]any{"properties": map[string]any{"virtualMachine": map[string]any{"id": vm}}}),
		res(vm, map[string]any{"properties": map[string]any{"networkProfile": map[string]any{"networkInterfaces": []any{map[string]any{"id": nic}}}}}),
		res(vm, map[string]any{"properties": map[string]any{"networkProfile": map[string]any{"networkInterfaces": []any{map[string]any{"id": nic}}}}}), // duplicate node
	}
	// Apply alone gives the NIC a REFERENCES to the VM …
	if r := Apply(nodes[0], NewIndex(nodes...)); len(ofType(r.Edges, graph.EdgeReferences)) != 1 {
		t.Fatalf("Apply: %v", es(r.Edges))
	}
	// … which ApplyAll drops because VM USES NIC joins the same pair; duplicates merge.
	r := ApplyAll(nodes, nil)
	assertEdges(t, r.Edges, []graph.EdgeType{graph.EdgeReferences, graph.EdgeUses},
		[]string{"USES Resource:" + vm + " -> Resource:" + nic})
	for i := 1; i < len(r.Edges); i++ {
		if r.Edges[i-1].Key() == r.Edges[i].Key() {
			t.Errorf("duplicate edge %s", r.Edges[i].Key())
		}
	}
}

func TestApplyAllResolvesVaultsFromNodes(t *testing.T) {
	kv := discover.NodeFromARM(testTenant, map[string]any{"id": vault, "type": "Microsoft.KeyVault/vaults", "name": "kv-one",
		"properties": map[string]any{"vaultUri": "https://kv-one.vault.azure.net/"}})
	app := res(rgA+"/providers/microsoft.web/sites/app1", map[string]any{"properties": map[string]any{
		"siteConfig": map[string]any{"appSettings": []any{map[string]any{"value": "@Microsoft.KeyVault(SecretUri=https://kv-one.vault.azure.net/secrets/s)"}}}}})
	r := ApplyAll([]graph.Node{app, kv}, MapIndex{})
	assertEdges(t, r.Edges, []graph.EdgeType{graph.EdgeUsesKeyVault, graph.EdgeReferences},
		[]string{"USES_KEY_VAULT Resource:" + rgA + "/providers/microsoft.web/sites/app1 -> Resource:" + vault})
}

// Every payload goes through Apply without panic, yields LOCATED_IN when it has a location,
// and only well-formed edges.
func TestEveryPayload(t *testing.T) {
	var nodes []graph.Node
	for _, f := range armFiles(t) {
		n := loadNode(t, f)
		nodes = append(nodes, n)
		r := Apply(n, NewIndex(n))
		loc := RegionCode(str(n.Props[graph.PropLocation]))
		hasLoc := len(ofType(r.Edges, graph.EdgeLocatedIn)) == 1
		if (n.Label == graph.LabelResource || n.Label == graph.LabelResourceGroup) && (loc != "") != hasLoc {
			t.Errorf("%s: location %q but LOCATED_IN %v", f, loc, hasLoc)
		}
		if n.Label == graph.LabelResource && len(ofType(r.Edges, graph.EdgeContains)) == 0 {
			t.Errorf("%s: no CONTAINS for %s", f, n.ID)
		}
		for i, e := range r.Edges {
			if e.From == "" || e.To == "" || e.From == e.To || e.FromLabel == "" || e.ToLabel == "" || e.TenantID != testTenant {
				t.Errorf("%s: bad edge %+v", f, e)
			}
			if e.Type == graph.EdgeReferences && (e.To == n.ID || related(e.To, n.ID)) {
				t.Errorf("%s: self reference %+v", f, e)
			}
			if i > 0 && edgeLess(e, r.Edges[i-1]) {
				t.Errorf("%s: edges not sorted", f)
			}
		}
	}
	r := ApplyAll(nodes, nil)
	t.Logf("%d payloads -> %d edges, %d shared nodes", len(nodes), len(r.Edges), len(r.Nodes))
}

func edgeLess(a, b graph.Edge) bool {
	es := []graph.Edge{b, a}
	sortEdges(es)
	return es[0].Key() == a.Key() && a.Key() != b.Key()
}

func TestDeterminism(t *testing.T) {
	var nodes []graph.Node
	for _, f := range armFiles(t) {
		nodes = append(nodes, loadNode(t, f))
	}
	nodes = append(nodes, synthetic(5000)...) // above the parallel threshold
	first := ApplyAll(nodes, nil)
	for i := 0; i < 3; i++ {
		shuffled := slices.Clone(nodes)
		rand.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		again := ApplyAll(shuffled, nil)
		if !reflect.DeepEqual(first, again) {
			t.Fatalf("ApplyAll differs between runs (%d vs %d edges)", len(first.Edges), len(again.Edges))
		}
	}
	prev := runtime.GOMAXPROCS(1) // sequential path gives the same result as the parallel one
	seq := ApplyAll(nodes, nil)
	runtime.GOMAXPROCS(prev)
	if !reflect.DeepEqual(first, seq) {
		t.Fatalf("parallel and sequential ApplyAll differ (%d vs %d edges)", len(first.Edges), len(seq.Edges))
	}
	for _, n := range nodes[:80] {
		if a, b := Apply(n, NewIndex(nodes...)), Apply(n, NewIndex(nodes...)); !reflect.DeepEqual(a, b) {
			t.Fatalf("Apply(%s) differs between runs", n.ID)
		}
	}
}

func TestNamedTable(t *testing.T) {
	covered := map[graph.EdgeType]bool{}
	names := map[string]bool{}
	for _, r := range Named {
		covered[r.Edge] = true
		if r.apply == nil || r.Evidence == "" || r.Name == "" || r.FromLabel == "" {
			t.Errorf("incomplete rule %+v", r)
		}
		if names[r.Name] {
			t.Errorf("duplicate rule name %s", r.Name)
		}
		names[r.Name] = true
		for _, typ := range r.Types {
			if typ != strings.ToLower(typ) || strings.Count(typ, "/") < 1 {
				t.Errorf("rule %s: type %q not a lower-cased ARM type", r.Name, typ)
			}
		}
	}
	for _, et := range graph.EdgeTypes {
		if et != graph.EdgeReferences && !covered[et] {
			t.Errorf("no named rule for %s", et)
		}
	}
}

// bigVNet is a VNet with n inline subnets, each with an NSG, a route table and two NIC ip
// configurations pointing back at it, and the index of the NICs.
func bigVNet(subnets int) (graph.Node, Index) {
	idx := NewIndex()
	var list []any
	for i := 0; i < subnets; i++ {
		s := fmt.Sprintf("%s/subnets/s%d", vnet, i)
		n := fmt.Sprintf("%s/providers/microsoft.network/networkinterfaces/n%d", rgA, i)
		idx.Add(res(n, nil))
		list = append(list, map[string]any{"id": s, "properties": map[string]any{
			"networkSecurityGroup": map[string]any{"id": nsg}, "routeTable": map[string]any{"id": rt},
			"ipConfigurations": []any{map[string]any{"id": n + "/ipConfigurations/c"}, map[string]any{"id": n + "/ipConfigurations/d"}}}})
	}
	return res(vnet, map[string]any{"properties": map[string]any{"subnets": list}}), idx
}

// A VNet with thousands of inline subnets (each pointing at NICs) gives every edge once;
// BenchmarkBigVNet measures how long it takes.
func TestBigVNet(t *testing.T) {
	const subnets = 3000
	node, idx := bigVNet(subnets)
	r := Apply(node, idx)
	count := map[graph.EdgeType]int{}
	for _, e := range r.Edges {
		count[e.Type]++
	}
	want := map[graph.EdgeType]int{graph.EdgeContains: subnets + 1, graph.EdgeSecuredBy: subnets, graph.EdgeRoutesVia: subnets, graph.EdgeReferences: subnets}
	if !reflect.DeepEqual(count, want) {
		t.Errorf("edges %v, want %v", count, want)
	}
	for _, e := range ofType(r.Edges, graph.EdgeReferences) {
		if p := e.Props[graph.PropPath].(string); !strings.HasSuffix(p, "ipConfigurations[0].id") {
			t.Fatalf("path %s is not the smallest", p)
		}
	}
}

func TestNilAndOddInputs(t *testing.T) {
	var nilIdx *NodeIndex
	var nilMap MapIndex
	odd := []graph.Node{
		{},
		{Label: graph.LabelResource, ID: "not-an-id", Props: map[string]any{"properties": "x", "identity": "y", "tags": []any{1.0}}},
		{Label: graph.LabelResource, ID: vm, Props: map[string]any{"properties": map[string]any{"networkProfile": []any{nil}, "storageProfile": map[string]any{"dataDisks": "z"}}, "identity": map[string]any{"userAssignedIdentities": []any{}}}},
		{Label: graph.LabelGroup, ID: "g", Props: map[string]any{"members": "nope"}},
		{Label: graph.LabelRoleAssignment, ID: "ra", Props: map[string]any{"scope": 3.0}},
		{Label: graph.LabelTag, ID: "a=b"},
	}
	for _, idx := range []Index{nil, nilIdx, nilMap, NewIndex(odd...)} {
		for _, n := range odd {
			_ = Apply(n, idx)
		}
		_ = ApplyAll(odd, idx)
	}
}

func BenchmarkBigVNet(b *testing.B) {
	node, idx := bigVNet(3000)
	b.ResetTimer()
	for b.Loop() {
		Apply(node, idx)
	}
}
