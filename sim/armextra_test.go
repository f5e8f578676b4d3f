package sim

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestARMAsAzureAnswers: HEAD is 204, locations, tag names, scope tags, RG $filter by tag (and
// 400 for what it does not support), VM instance view, subnet back-references, dynamic NIC
// addresses, network PUT/DELETE as async operations, ARG subnets/extend/facets/table.
func TestARMAsAzureAnswers(t *testing.T) {
	f := startSim(t, Options{Resources: 200, Seed: 3, Throttle: "off"})
	pl := pipeline(f.cred, f.srv.ARMEndpoint+"/.default")
	base := f.srv.ARMEndpoint + "/subscriptions/" + f.subs[0]
	must := func(method, path string, body any, status int) map[string]any {
		t.Helper()
		resp, m := do(t, pl, method, path, body)
		if resp.StatusCode != status {
			t.Fatalf("%s %s: %d %v (want %d)", method, path, resp.StatusCode, m, status)
		}
		if m == nil {
			m = map[string]any{}
		}
		m["_headers"] = resp.Header
		return m
	}
	must("PUT", base+"/resourcegroups/rg-x?api-version=2025-04-01", map[string]any{"location": "westeurope", "tags": map[string]any{"env": "test"}}, 201)
	must("HEAD", base+"/resourcegroups/rg-x?api-version=2025-04-01", nil, 204)
	if m := must("GET", base+"/resourcegroups?api-version=2025-04-01&$filter="+strings.ReplaceAll("tagName eq 'env' and tagValue eq 'test'", " ", "%20"), nil, 200); len(m["value"].([]any)) != 1 {
		t.Fatalf("rg tag filter: %v", m)
	}
	must("GET", base+"/resourcegroups?api-version=2025-04-01&$filter=location%20eq%20'x'", nil, 400)
	if m := must("GET", base+"/locations?api-version=2022-12-01", nil, 200); len(m["value"].([]any)) == 0 {
		t.Fatal("no locations")
	}
	if m := must("GET", base+"/tagNames?api-version=2025-04-01", nil, 200); !strings.Contains(strings.ToLower(strings.Join(names(m["value"]), ",")), "env") {
		t.Fatalf("tagNames: %v", m)
	}
	rg := base + "/resourceGroups/rg-x"
	vnet := rg + "/providers/Microsoft.Network/virtualNetworks/vnet1"
	m := must("PUT", vnet+"?api-version=2026-03-01", map[string]any{"location": "westeurope", "properties": map[string]any{
		"addressSpace": map[string]any{"addressPrefixes": []any{"10.1.0.0/16"}},
		"subnets":      []any{map[string]any{"name": "a", "properties": map[string]any{"addressPrefix": "10.1.0.0/24"}}}}}, 201)
	if h := m["_headers"].(http.Header); h.Get("Azure-AsyncOperation") == "" {
		t.Fatalf("network PUT without Azure-AsyncOperation: %v", h)
	}
	must("HEAD", vnet+"?api-version=2026-03-01", nil, 204)
	must("HEAD", rg+"/providers/Microsoft.Network/virtualNetworks/nope?api-version=2026-03-01", nil, 404)
	nic := rg + "/providers/Microsoft.Network/networkInterfaces/nic1"
	m = must("PUT", nic+"?api-version=2026-03-01", map[string]any{"location": "westeurope", "properties": map[string]any{"ipConfigurations": []any{
		map[string]any{"name": "ipconfig1", "properties": map[string]any{"subnet": map[string]any{"id": strings.TrimPrefix(vnet, f.srv.ARMEndpoint) + "/subnets/a"}}}}}}, 201)
	if ip := lookupPath(m, "properties.ipConfigurations"); !strings.Contains(jsonString(ip), `"privateIPAddress":"10.1.0.4"`) {
		t.Fatalf("dynamic NIC address: %s", jsonString(ip))
	}
	m = must("GET", vnet+"/subnets/a?api-version=2026-03-01", nil, 200)
	if !strings.Contains(jsonString(m["properties"]), "nic1/ipConfigurations/ipconfig1") {
		t.Fatalf("subnet lacks its NIC: %v", m)
	}
	// ARG: VNet rows carry their subnets; extend; facets; table format
	arg := f.srv.ARMEndpoint + "/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01"
	m = must("POST", arg, map[string]any{"query": "resources | where type =~ 'microsoft.network/virtualnetworks' and name == 'vnet1' | extend sn = properties.subnets, up = toupper(name) | project id, sn, up"}, 200)
	if s := jsonString(m["data"]); !strings.Contains(s, `"up":"VNET1"`) || !strings.Contains(s, "ipconfig1") {
		t.Fatalf("ARG vnet row: %s", s)
	}
	m = must("POST", arg, map[string]any{"query": "resources", "facets": []any{map[string]any{"expression": "location", "options": map[string]any{"$top": 2}}, map[string]any{"expression": "tolower(x)"}},
		"options": map[string]any{"resultFormat": "table", "$top": 5}}, 200)
	if s := jsonString(m); !strings.Contains(s, `"resultType":"FacetResult"`) || !strings.Contains(s, `"resultType":"FacetError"`) || !strings.Contains(s, `"columns":[`) {
		t.Fatalf("facets/table: %s", s)
	}
	for _, q := range []string{"resources | join (resourcecontainers) on subscriptionId", "resources | mv-expand properties.subnets", "resources | extend x = strcat(a, b)"} {
		must("POST", arg, map[string]any{"query": q}, 400)
	}
	// VM instance view
	vm := firstOfType(t, f, "microsoft.compute/virtualmachines")
	if m := must("GET", f.srv.ARMEndpoint+vm+"/instanceView?api-version=2026-04-01", nil, 200); !strings.Contains(jsonString(m), "PowerState/running") {
		t.Fatalf("instance view: %v", m)
	}
	if m := must("GET", f.srv.ARMEndpoint+vm+"?api-version=2026-04-01&$expand=instanceView", nil, 200); lookupPath(m, "properties.instanceView") == nil {
		t.Fatal("$expand=instanceView ignored")
	}
	// scope tags
	must("PATCH", f.srv.ARMEndpoint+vm+"/providers/Microsoft.Resources/tags/default?api-version=2025-04-01", map[string]any{"operation": "Merge", "properties": map[string]any{"tags": map[string]any{"owner": "me"}}}, 200)
	if m := must("GET", f.srv.ARMEndpoint+vm+"?api-version=2026-04-01", nil, 200); lookupPath(m, "tags.owner") != "me" {
		t.Fatalf("tags merge: %v", m["tags"])
	}
	// async network DELETE: 202, the operation, then the Location answers 204
	m = must("DELETE", nic+"?api-version=2026-03-01", nil, 202)
	h := m["_headers"].(http.Header)
	if h.Get("Azure-AsyncOperation") == "" || h.Get("Location") == "" {
		t.Fatalf("async delete headers: %v", h)
	}
	must("GET", h.Get("Azure-AsyncOperation"), nil, 200)
	must("GET", h.Get("Location"), nil, 204)
}

func names(v any) []string {
	var out []string
	arr, _ := v.([]any)
	for _, x := range arr {
		out = append(out, jsonString(x))
	}
	return out
}

func firstOfType(t *testing.T, f *fixture, ltyp string) string {
	t.Helper()
	f.sim.st.mu.RLock()
	defer f.sim.st.mu.RUnlock()
	for _, sid := range f.subs {
		for _, k := range f.sim.st.subs[sid].keys {
			if r := f.sim.st.res[k]; r != nil && r.ltyp == ltyp {
				return r.id
			}
		}
	}
	t.Fatalf("no %s", ltyp)
	return ""
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestManagementGroups: the Tenant Root Group holds the tenant's subscriptions.
func TestManagementGroups(t *testing.T) {
	f := startSim(t, Options{Resources: 20, Subscriptions: 3, Seed: 3, Throttle: "off"})
	pl := pipeline(f.cred, f.srv.ARMEndpoint+"/.default")
	base := f.srv.ARMEndpoint + "/providers/Microsoft.Management/managementGroups"
	tid := f.srv.TenantIDs[0]
	resp, m := do(t, pl, "GET", base+"?api-version=2020-05-01", nil)
	if resp.StatusCode != 200 || !strings.Contains(jsonString(m), "Tenant Root Group") {
		t.Fatalf("list: %d %v", resp.StatusCode, m)
	}
	resp, m = do(t, pl, "GET", base+"/"+tid+"?api-version=2020-05-01&$expand=children&$recurse=true", nil)
	if resp.StatusCode != 200 || len(lookupPath(m, "properties.children").([]any)) != 3 {
		t.Fatalf("get: %d %v", resp.StatusCode, m)
	}
	resp, m = do(t, pl, "GET", base+"/"+tid+"/descendants?api-version=2020-05-01", nil)
	if resp.StatusCode != 200 || len(m["value"].([]any)) != 3 {
		t.Fatalf("descendants: %d %v", resp.StatusCode, m)
	}
	if resp, m = do(t, pl, "GET", base+"/"+tid+"/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01", nil); resp.StatusCode != 200 {
		t.Fatalf("role assignments at the root group: %d %v", resp.StatusCode, m)
	}
	if resp, _ = do(t, pl, "GET", base+"/nope?api-version=2020-05-01", nil); resp.StatusCode != 404 {
		t.Fatalf("unknown group: %d", resp.StatusCode)
	}
}

// TestTemplateExportAndDeployment: a group's template exports; a template deploys its
// resources through ARM's own validation (parameters, variables, resourceGroup(), resourceId);
// an expression the simulator does not evaluate fails the deployment instead of deploying
// something else.
func TestTemplateExportAndDeployment(t *testing.T) {
	f := startSim(t, Options{Resources: 20, Seed: 3, Throttle: "off"})
	pl := pipeline(f.cred, f.srv.ARMEndpoint+"/.default")
	base := f.srv.ARMEndpoint + "/subscriptions/" + f.subs[0]
	if resp, m := do(t, pl, "PUT", base+"/resourcegroups/rg-dep?api-version=2025-04-01", map[string]any{"location": "westeurope"}); resp.StatusCode != 201 {
		t.Fatalf("rg: %v", m)
	}
	tmpl := map[string]any{
		"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
		"parameters": map[string]any{"vnetName": map[string]any{"type": "string", "defaultValue": "vnet-default"}},
		"variables":  map[string]any{"prefix": "10.50.0.0/16"},
		"resources": []any{
			map[string]any{"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01", "name": "[parameters('vnetName')]", "location": "[resourceGroup().location]",
				"properties": map[string]any{"addressSpace": map[string]any{"addressPrefixes": []any{"[variables('prefix')]"}}}},
			map[string]any{"type": "Microsoft.Network/virtualNetworks/subnets", "apiVersion": "2024-05-01", "name": "[concat(parameters('vnetName'), '/a')]",
				"properties": map[string]any{"addressPrefix": "10.50.1.0/24"}},
		},
	}
	dep := base + "/resourcegroups/rg-dep/providers/Microsoft.Resources/deployments/d1?api-version=2025-04-01"
	resp, m := do(t, pl, "PUT", dep, map[string]any{"properties": map[string]any{"mode": "Incremental", "template": tmpl, "parameters": map[string]any{"vnetName": map[string]any{"value": "vnet-dep"}}}})
	if resp.StatusCode != 400 || !strings.Contains(jsonString(m), "concat") {
		t.Fatalf("unsupported expression: %d %v", resp.StatusCode, m)
	}
	tmpl["resources"].([]any)[1].(map[string]any)["name"] = "vnet-dep/a"
	resp, m = do(t, pl, "PUT", dep, map[string]any{"properties": map[string]any{"mode": "Incremental", "template": tmpl, "parameters": map[string]any{"vnetName": map[string]any{"value": "vnet-dep"}}}})
	if resp.StatusCode != 201 || lookupPath(m, "properties.provisioningState") != "Succeeded" {
		t.Fatalf("deployment: %d %v", resp.StatusCode, m)
	}
	if resp, m = do(t, pl, "GET", base+"/resourceGroups/rg-dep/providers/Microsoft.Network/virtualNetworks/vnet-dep/subnets/a?api-version=2024-05-01", nil); resp.StatusCode != 200 {
		t.Fatalf("deployed subnet: %d %v", resp.StatusCode, m)
	}
	if _, m = do(t, pl, "GET", base+"/resourcegroups/rg-dep/providers/Microsoft.Resources/deployments?api-version=2025-04-01", nil); len(m["value"].([]any)) != 1 {
		t.Fatalf("deployments list: %v", m)
	}
	resp, m = do(t, pl, "POST", base+"/resourcegroups/rg-dep/exportTemplate?api-version=2025-04-01", map[string]any{"resources": []any{"*"}})
	if resp.StatusCode != 200 || !strings.Contains(jsonString(m), `"name":"vnet-dep/a"`) {
		t.Fatalf("export: %d %v", resp.StatusCode, m)
	}
}

// TestMoveResources: a storage account moves with its children to another group (and
// subscription); the old id is gone, the new one answers; a resource not in the source group
// is a 400.
func TestMoveResources(t *testing.T) {
	f := startSim(t, Options{Resources: 300, Subscriptions: 2, Seed: 3, Throttle: "off"})
	pl := pipeline(f.cred, f.srv.ARMEndpoint+"/.default")
	st := firstOfType(t, f, "microsoft.storage/storageaccounts")
	p, _ := parsePath(st)
	target := "/subscriptions/" + f.subs[1] + "/resourceGroups/rg-moved"
	if resp, m := do(t, pl, "PUT", f.srv.ARMEndpoint+target+"?api-version=2025-04-01", map[string]any{"location": "westeurope"}); resp.StatusCode != 201 {
		t.Fatalf("target rg: %v", m)
	}
	src := f.srv.ARMEndpoint + "/subscriptions/" + p.sub + "/resourceGroups/" + p.rg
	if resp, m := do(t, pl, "POST", src+"/moveResources?api-version=2025-04-01", map[string]any{"resources": []any{st + "x"}, "targetResourceGroup": target}); resp.StatusCode != 400 {
		t.Fatalf("unknown resource: %d %v", resp.StatusCode, m)
	}
	resp, m := do(t, pl, "POST", src+"/moveResources?api-version=2025-04-01", map[string]any{"resources": []any{st}, "targetResourceGroup": target})
	if resp.StatusCode != 202 || resp.Header.Get("Location") == "" {
		t.Fatalf("move: %d %v", resp.StatusCode, m)
	}
	if resp, _ := do(t, pl, "GET", f.srv.ARMEndpoint+st+"?api-version=2024-01-01", nil); resp.StatusCode != 404 {
		t.Fatalf("old id after the move: %d", resp.StatusCode)
	}
	moved := f.srv.ARMEndpoint + target + "/providers/Microsoft.Storage/storageAccounts/" + p.names[0]
	if resp, m := do(t, pl, "GET", moved+"?api-version=2024-01-01", nil); resp.StatusCode != 200 || !strings.EqualFold(m["id"].(string), strings.TrimPrefix(moved, f.srv.ARMEndpoint)) {
		t.Fatalf("moved id: %d %v", resp.StatusCode, m)
	}
	if resp, m := do(t, pl, "GET", moved+"/blobServices/default/containers?api-version=2024-01-01", nil); resp.StatusCode != 200 || len(m["value"].([]any)) == 0 {
		t.Fatalf("moved children: %d %v", resp.StatusCode, m)
	}
}

// TestPublishedTypesTheSimulatorDoesNotModel: a real type outside the built-in list (from
// apiversions.txt) is served as a plain resource: 404 ResourceNotFound when absent, PUT/GET/list.
func TestPublishedTypesTheSimulatorDoesNotModel(t *testing.T) {
	f := startSim(t, Options{Resources: 20, Seed: 3, Throttle: "off"})
	pl := pipeline(f.cred, f.srv.ARMEndpoint+"/.default")
	rg := f.srv.ARMEndpoint + "/subscriptions/" + f.subs[0] + "/resourceGroups/rg-x"
	do(t, pl, "PUT", rg+"?api-version=2025-04-01", map[string]any{"location": "westeurope"})
	ddos := rg + "/providers/Microsoft.Network/ddosProtectionPlans/ddos1"
	if resp, m := do(t, pl, "GET", ddos+"?api-version=2023-09-01", nil); resp.StatusCode != 404 || lookupPath(m, "error.code") != "ResourceNotFound" {
		t.Fatalf("absent: %d %v", resp.StatusCode, m)
	}
	if resp, m := do(t, pl, "PUT", ddos+"?api-version=2023-09-01", map[string]any{"location": "westeurope", "properties": map[string]any{}}); resp.StatusCode != 201 {
		t.Fatalf("put: %d %v", resp.StatusCode, m)
	}
	if resp, m := do(t, pl, "GET", rg+"/providers/Microsoft.Network/ddosProtectionPlans?api-version=2023-09-01", nil); resp.StatusCode != 200 || len(m["value"].([]any)) != 1 {
		t.Fatalf("list: %d %v", resp.StatusCode, m)
	}
	if resp, m := do(t, pl, "GET", ddos+"?api-version=1999-01-01", nil); resp.StatusCode != 400 || lookupPath(m, "error.code") != "NoRegisteredProviderFound" {
		t.Fatalf("bad version: %d %v", resp.StatusCode, m)
	}
}
