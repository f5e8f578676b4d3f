package discover

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/discover/childtree"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/rules"
)

func TestChildrenTableInvariants(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range childtree.All() {
		if c.Parent != strings.ToLower(c.Parent) {
			t.Errorf("%+v: parent type must be lower-case", c)
		}
		if c.Path == "" || strings.HasPrefix(c.Path, "/") || c.APIVersion == "" {
			t.Errorf("%+v: path and fallback api-version required, path relative", c)
		}
		// the child type extends the parent type, except extension resources under providers/
		if !strings.HasPrefix(c.Path, "providers/") && !strings.HasPrefix(strings.ToLower(c.Type), c.Parent+"/") {
			t.Errorf("%+v: child type does not extend the parent type", c)
		}
		if c.Inline && c.Required != "" {
			t.Errorf("%+v: an inline collection needs no list parameters", c)
		}
		k := c.Key()
		if seen[k] {
			t.Errorf("%+v: duplicate row", c)
		}
		seen[k] = true
	}
}

func TestNewestStable(t *testing.T) {
	if v := newestStable([]string{"2024-01-01", "2025-01-01-preview", "2023-05-01"}); v != "2024-01-01" {
		t.Errorf("got %s", v)
	}
	if v := newestStable([]string{"2017-05-01-preview", "2021-05-01-preview"}); v != "2021-05-01-preview" {
		t.Errorf("got %s", v)
	}
}

// fakeAzure serves just enough ARM, Resource Graph and MS Graph for the discoverer's calls.
func fakeAzure(t *testing.T, routes map[string]any) (*Discoverer, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		body, ok := routes[r.Method+" "+r.URL.Path]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"error":{"code":"NotFound","message":"` + r.URL.Path + `"}}`))
			return
		}
		if f, ok := body.(func(*http.Request) any); ok {
			body = f(r)
		}
		json.NewEncoder(w).Encode(body)
	}))
	t.Cleanup(srv.Close)
	c, err := azure.NewClients(azure.Options{Endpoints: azure.Endpoints{ARM: srv.URL, MSGraph: srv.URL}, TenantID: "t1"})
	if err != nil {
		t.Fatal(err)
	}
	return New(c, nil, 4), &calls
}

func TestResourcesPagesAndGetsOnlyIncompleteRows(t *testing.T) {
	vnet := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v1"
	vm := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"
	var queries []string
	d, _ := fakeAzure(t, map[string]any{
		"POST /providers/Microsoft.ResourceGraph/resources": func(r *http.Request) any {
			var req argRequest
			json.NewDecoder(r.Body).Decode(&req)
			queries = append(queries, req.Query+"|"+req.Options.SkipToken)
			if req.Options.SkipToken == "" {
				return map[string]any{"data": []any{map[string]any{"id": vnet, "type": "microsoft.network/virtualnetworks", "properties": map[string]any{"a": 1}}}, "$skipToken": "p2"}
			}
			return map[string]any{"data": []any{map[string]any{"id": vm, "type": "microsoft.compute/virtualmachines"}}}
		},
		"GET " + vm: map[string]any{"id": vm, "type": "Microsoft.Compute/virtualMachines", "location": "westeurope", "properties": map[string]any{"vmId": "x"}},
	})
	types := map[string]TypeInfo{
		"microsoft.network/virtualnetworks": {Display: "Microsoft.Network/virtualNetworks", APIVersion: "2024-05-01"},
		"microsoft.compute/virtualmachines": {Display: "Microsoft.Compute/virtualMachines", APIVersion: "2024-07-01"},
	}
	var nodes []graph.Node
	sink := &Sink{}
	seen, err := d.Resources(context.Background(), "t1", []string{"s1"}, types, nil, func(n graph.Node) { nodes = append(nodes, n) }, sink)
	if err != nil {
		t.Fatal(err)
	}
	if len(queries) != 2 || !strings.Contains(queries[0], "where subscriptionId in ('s1')") || !strings.HasSuffix(queries[1], "|p2") {
		t.Fatalf("queries = %v", queries)
	}
	if len(nodes) != 2 || len(sink.Failed()) != 0 || !seen["microsoft.compute/virtualmachines"] {
		t.Fatalf("nodes %d failures %v seen %v", len(nodes), sink.Failed(), seen)
	}
	for _, n := range nodes {
		if n.Label != graph.LabelResource || n.Props[graph.PropAPIVersion] == nil || n.Props[graph.PropProperties] == nil {
			t.Errorf("node %+v", n)
		}
		if n.ID == strings.ToLower(vnet) && n.Props[graph.PropTypeDisplay] != "Microsoft.Network/virtualNetworks" {
			t.Errorf("type casing not restored: %v", n.Props[graph.PropTypeDisplay])
		}
	}
}

func TestWalkChildrenRecordsFailuresAndRecurses(t *testing.T) {
	st := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1"
	d, _ := fakeAzure(t, map[string]any{
		"GET " + st + "/blobServices": map[string]any{"value": []any{map[string]any{"id": st + "/blobServices/default", "name": "default", "type": "Microsoft.Storage/storageAccounts/blobServices"}}},
		"GET " + st + "/blobServices/default/containers": map[string]any{"value": []any{
			map[string]any{"id": st + "/blobServices/default/containers/c1", "name": "c1", "type": "Microsoft.Storage/storageAccounts/blobServices/containers"}}},
	})
	parent := graph.Node{Label: graph.LabelResource, ID: strings.ToLower(st), Props: map[string]any{
		graph.PropID: st, graph.PropType: "microsoft.storage/storageaccounts", graph.PropSubscription: "s1"}}
	kv := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1"
	broken := graph.Node{Label: graph.LabelResource, ID: strings.ToLower(kv), Props: map[string]any{
		graph.PropID: kv, graph.PropType: "microsoft.keyvault/vaults", graph.PropSubscription: "s1"}}
	var got []string
	sink := &Sink{}
	// the vault's diagnostic settings list answers 404 (gone): not a failure
	err := d.WalkChildren(context.Background(), "t1", nil, []graph.Node{parent, broken}, nil, map[string]bool{}, func(n graph.Node) { got = append(got, n.ID) }, sink)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !strings.HasSuffix(got[1], "/containers/c1") {
		t.Fatalf("children = %v", got)
	}
	if len(sink.Failed()) != 0 {
		t.Fatalf("failures = %v", sink.Failed())
	}
}

func TestEntraGroupsWithMembers(t *testing.T) {
	d, calls := fakeAzure(t, map[string]any{
		"GET /v1.0/users": func(r *http.Request) any {
			if r.URL.Query().Get("$top") != "999" || !strings.Contains(r.URL.Query().Get("$select"), "userPrincipalName") {
				t.Errorf("users query %s", r.URL.RawQuery)
			}
			if r.URL.Query().Get("page") == "" {
				return map[string]any{"value": []any{map[string]any{"id": "U1"}}, "@odata.nextLink": "http://" + r.Host + "/v1.0/users?page=2&$top=999&$select=userPrincipalName"}
			}
			return map[string]any{"value": []any{map[string]any{"id": "U2"}}}
		},
		"GET /v1.0/groups": map[string]any{"value": []any{map[string]any{"id": "G1", "displayName": "g",
			"owners": []any{map[string]any{"id": "U2", "@odata.type": "#microsoft.graph.user"}}}}},
		"GET /v1.0/groups/G1/members": map[string]any{"value": []any{map[string]any{"id": "U1", "@odata.type": "#microsoft.graph.user"}}},
		"GET /v1.0/servicePrincipals": map[string]any{"value": []any{map[string]any{"id": "S1", "appRoles": []any{map[string]any{"id": "R"}}}, map[string]any{"id": "S2"}}},
		"GET /v1.0/servicePrincipals/S1/appRoleAssignedTo": map[string]any{"value": []any{
			map[string]any{"id": "a1", "principalId": "S2", "principalType": "ServicePrincipal", "resourceId": "S1", "appRoleId": "R"}}},
		"GET /v1.0/directory/administrativeUnits": map[string]any{"value": []any{map[string]any{"id": "AU1", "displayName": "Europe"}}},
		"GET /v1.0/directory/administrativeUnits/AU1/members": map[string]any{"value": []any{
			map[string]any{"id": "U2", "@odata.type": "#microsoft.graph.user"}}},
		"GET /v1.0/applications": map[string]any{"value": []any{map[string]any{"id": "A1", "appId": "x", "owners": twentyOwners()}}},
		"GET /v1.0/applications/A1/owners": map[string]any{"value": append(twentyOwners(),
			map[string]any{"id": "S1", "@odata.type": "#microsoft.graph.servicePrincipal"})},
		"GET /v1.0/devices": map[string]any{"value": []any{map[string]any{"id": "D1",
			"registeredOwners": []any{map[string]any{"id": "U1", "@odata.type": "#microsoft.graph.user"}}}}},
		"GET /v1.0/roleManagement/directory/roleDefinitions": map[string]any{"value": []any{
			map[string]any{"id": "R1", "templateId": "R1", "displayName": "Global Administrator", "isBuiltIn": true}}},
		"GET /v1.0/roleManagement/directory/roleAssignments": map[string]any{"value": []any{
			map[string]any{"id": "x", "principalId": "U1", "roleDefinitionId": "R1", "directoryScopeId": "/"}}},
		"GET /v1.0/roleManagement/directory/roleEligibilitySchedules": map[string]any{"value": []any{
			map[string]any{"id": "y", "principalId": "G1", "roleDefinitionId": "R1", "directoryScopeId": "/"}}},
		"GET /v1.0/oauth2PermissionGrants": map[string]any{"value": []any{
			map[string]any{"id": "g1", "clientId": "S2", "resourceId": "S1", "consentType": "AllPrincipals", "scope": "User.Read"}}},
	})
	byLabel := map[graph.Label][]graph.Node{}
	sink := &Sink{}
	if err := d.Entra(context.Background(), "t1", func(n graph.Node) { byLabel[n.Label] = append(byLabel[n.Label], n) }, sink); err != nil {
		t.Fatal(err)
	}
	if len(byLabel[graph.LabelUser]) != 2 || len(byLabel[graph.LabelGroup]) != 1 || len(byLabel[graph.LabelApplication]) != 1 {
		t.Fatalf("found %v", byLabel)
	}
	members := byLabel[graph.LabelGroup][0].Props["members"].([]any)
	if len(members) != 1 || members[0].(map[string]any)["type"] != "user" || members[0].(map[string]any)["id"] != "u1" {
		t.Fatalf("members = %v", members)
	}
	if len(sink.Failed()) != 0 || calls.Load() != 15 {
		t.Fatalf("failures %v calls %d", sink.Failed(), calls.Load())
	}
	var nodes []graph.Node
	for _, ns := range byLabel {
		nodes = append(nodes, ns...)
	}
	edges := map[string]bool{}
	for _, e := range rules.ApplyAll(nodes, rules.NewIndex(nodes...)).Edges {
		edges[string(e.Type)+" "+e.From+" "+e.To] = true
	}
	// owners expanded (groups), past the expansion limit read in full (applications: the 21st
	// owner), registered owners of devices; active and eligible directory roles; consent grants
	for _, want := range []string{"OWNS u2 g1", "OWNS s1 a1", "OWNS u1 d1", "HAS_ROLE u1 r1", "ELIGIBLE_FOR g1 r1", "GRANTED s2 s1", "MEMBER_OF u1 g1", "HAS_APP_ROLE s2 s1", "MEMBER_OF u2 au1"} {
		if !edges[want] {
			t.Errorf("edge %s missing; have %v", want, edges)
		}
	}
}

func twentyOwners() []any {
	var out []any
	for i := 0; i < ExpandLimit; i++ {
		out = append(out, map[string]any{"id": fmt.Sprintf("U%d", 100+i), "@odata.type": "#microsoft.graph.user"})
	}
	return out
}
