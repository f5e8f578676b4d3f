package sim

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestGeneratedWorkloads: a generated tenant has application gateways (own public IP, a subnet
// nothing else uses), Cosmos DB accounts behind private endpoints, container apps environments
// (delegated subnet or none) with apps, and NICs in their load balancer's backend pool, listed
// back by the pool; the truth has the edges these imply and no secret.
func TestGeneratedWorkloads(t *testing.T) {
	s, err := New(Options{Resources: 3000, Subscriptions: 2, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	tt := s.Truth().Tenants[0]
	for _, typ := range []string{"microsoft.network/applicationgateways", "microsoft.documentdb/databaseaccounts",
		"microsoft.app/managedenvironments", "microsoft.app/containerapps"} {
		if tt.ByType[typ] == 0 {
			t.Errorf("no %s generated", typ)
		}
	}
	spokes := tt.ByType["microsoft.network/loadbalancers"]
	if n := tt.ByType["microsoft.network/applicationgateways"]; n*3 > spokes {
		t.Errorf("%d application gateways for %d spokes: not a minority", n, spokes)
	}
	edges := map[string]bool{}
	for _, e := range tt.Edges {
		edges[string(e.Type)+"|"+e.From+"|"+e.To] = true
	}
	members, inVNet, consumption := 0, 0, 0
	for _, r := range s.st.res {
		props, _ := r.body["properties"].(map[string]any)
		switch r.ltyp {
		case "microsoft.network/networkinterfaces":
			for _, ic := range arr(props["ipConfigurations"]) {
				for _, p := range arr(mget(ic, "properties", "loadBalancerBackendAddressPools")) {
					members++
					pool := strings.ToLower(sget(p, "id"))
					lb := s.st.res[pool[:strings.Index(pool, "/backendaddresspools/")]]
					if lb == nil || lb.rg != r.rg {
						t.Fatalf("NIC %s joins %s: no load balancer in its resource group", r.id, pool)
					}
					found := false
					for _, x := range arr(mget(lb.body, "properties", "backendAddressPools")) {
						for _, b := range arr(mget(x, "properties", "backendIPConfigurations")) {
							found = found || strings.EqualFold(sget(b, "id"), r.id+"/ipConfigurations/"+sget(ic, "name"))
						}
					}
					if !found {
						t.Fatalf("pool %s does not list NIC %s back", pool, r.id)
					}
				}
			}
		case "microsoft.network/loadbalancers":
			for _, x := range arr(props["backendAddressPools"]) {
				for _, b := range arr(mget(x, "properties", "backendIPConfigurations")) {
					id := strings.ToLower(sget(b, "id"))
					if s.st.res[id[:strings.Index(id, "/ipconfigurations/")]] == nil {
						t.Fatalf("LB %s lists a NIC that does not exist: %s", r.id, id)
					}
				}
			}
		case "microsoft.network/applicationgateways":
			pip := strings.ToLower(sget(arr(props["frontendIPConfigurations"])[0], "properties", "publicIPAddress", "id"))
			if !edges["HAS_PUBLIC_IP|"+r.key+"|"+pip] {
				t.Errorf("no HAS_PUBLIC_IP edge %s -> %s", r.key, pip)
			}
			sn := strings.ToLower(sget(arr(props["gatewayIPConfigurations"])[0], "properties", "subnet", "id"))
			if user := s.st.otherSubnetUser(s.st.subs[r.sub].tenant, sn, r.id); user != "" || !strings.HasSuffix(sn, "/snet-appgw") {
				t.Errorf("application gateway %s: subnet %s used by %q", r.id, sn, user)
			}
		case "microsoft.documentdb/databaseaccounts":
			pe := strings.ToLower(sget(arr(props["privateEndpointConnections"])[0], "properties", "privateEndpoint", "id"))
			if !edges["PRIVATE_ENDPOINT_FOR|"+pe+"|"+r.key] {
				t.Errorf("no PRIVATE_ENDPOINT_FOR edge %s -> %s", pe, r.key)
			}
		case "microsoft.app/managedenvironments":
			if sn := sget(props, "vnetConfiguration", "infrastructureSubnetId"); sn != "" {
				inVNet++
				subnet := s.st.res[strings.ToLower(sn)]
				if subnet == nil || sget(arr(mget(subnet.body, "properties", "delegations"))[0], "properties", "serviceName") != "Microsoft.App/environments" {
					t.Errorf("environment %s: subnet %s missing or not delegated", r.id, sn)
				}
			} else {
				consumption++
			}
			la := sget(props, "appLogsConfiguration", "destination") == "log-analytics"
			if la != (r.secrets["appLogsConfiguration.logAnalyticsConfiguration.sharedKey"] != nil) {
				t.Errorf("environment %s: log destination %v, write-only shared key %v", r.id, la, r.secrets)
			}
		case "microsoft.app/containerapps":
			env := strings.ToLower(sget(props, "managedEnvironmentId"))
			if s.st.res[env] == nil || !edges["HOSTED_ON|"+r.key+"|"+env] {
				t.Errorf("container app %s: environment %s missing or no HOSTED_ON edge", r.id, env)
			}
		}
	}
	if members == 0 || inVNet == 0 || consumption == 0 {
		t.Errorf("pool members %d, environments in a VNet %d, consumption-only %d", members, inVNet, consumption)
	}
	b, _ := json.Marshal(s.Truth())
	if strings.Contains(string(b), fakeLogAnalyticsSharedKey) {
		t.Error("the shared key is in the truth")
	}
}

// TestWorkloadWrites: the write path validates what the new types need, checks a NIC's backend
// pool reference down to the pool, keeps the pool's back-references, and keeps a container
// app's secret value write-only.
func TestWorkloadWrites(t *testing.T) {
	f, w, subs := targetFixture(t)
	rg := "/subscriptions/" + subs[0] + "/resourceGroups/rg"
	nic := network(w, subs[0])
	subnet := rg + "/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/default"
	lb := rg + "/providers/Microsoft.Network/loadBalancers/lb1"
	pip := rg + "/providers/Microsoft.Network/publicIPAddresses/pip1"
	w.must("PUT", pip, vmAPI, map[string]any{"location": "westeurope", "sku": map[string]any{"name": "Standard"},
		"properties": map[string]any{"publicIPAllocationMethod": "Static"}}, 201)
	lbFE := []any{map[string]any{"name": "fe", "properties": map[string]any{"publicIPAddress": map[string]any{"id": pip}}}}
	w.must("PUT", lb, vmAPI, map[string]any{"location": "westeurope", "sku": map[string]any{"name": "Standard"}, "properties": map[string]any{
		"frontendIPConfigurations": lbFE,
		"backendAddressPools":      []any{map[string]any{"name": "pool1"}}}}, 201)
	nicBody := func(pool string) map[string]any {
		ipc := map[string]any{"subnet": map[string]any{"id": subnet}}
		if pool != "" {
			ipc["loadBalancerBackendAddressPools"] = []any{map[string]any{"id": lb + "/backendAddressPools/" + pool}}
		}
		return map[string]any{"location": "westeurope", "properties": map[string]any{"ipConfigurations": []any{
			map[string]any{"name": "ipconfig1", "properties": ipc}}}}
	}
	w.wantErr("PUT", nic, vmAPI, nicBody("nope"), 400, "InvalidResourceReference")
	members := func() []any {
		return arr(dig(arr(dig(w.must("GET", lb, vmAPI, nil, 200), "properties", "backendAddressPools"))[0], "properties", "backendIPConfigurations"))
	}
	w.must("PUT", nic, vmAPI, nicBody("pool1"), 200)
	if m := members(); len(m) != 1 || !strings.EqualFold(sget(m[0], "id"), nic+"/ipConfigurations/ipconfig1") {
		t.Fatalf("pool members after the NIC joined: %v", m)
	}
	// an LB update keeps the members whatever its body says
	w.must("PUT", lb, vmAPI, map[string]any{"location": "westeurope", "sku": map[string]any{"name": "Standard"}, "properties": map[string]any{
		"frontendIPConfigurations": lbFE,
		"backendAddressPools":      []any{map[string]any{"name": "pool1", "properties": map[string]any{"backendIPConfigurations": []any{}}}}}}, 200)
	if len(members()) != 1 {
		t.Fatal("an LB update dropped the pool's members")
	}
	w.must("PUT", nic, vmAPI, nicBody(""), 200)
	if m := members(); len(m) != 0 {
		t.Fatalf("pool members after the NIC left: %v", m)
	}
	w.must("PUT", nic, vmAPI, nicBody("pool1"), 200)
	w.must("DELETE", nic, vmAPI, nil, 202)
	if m := members(); len(m) != 0 {
		t.Fatalf("pool members after the NIC was deleted: %v", m)
	}

	// application gateway: required sections, a subnet of its own
	agw := rg + "/providers/Microsoft.Network/applicationGateways/agw1"
	w.wantErr("PUT", agw, vmAPI, map[string]any{"location": "westeurope", "properties": map[string]any{"sku": map[string]any{"name": "Standard_v2", "tier": "Standard_v2"}}},
		400, "ApplicationGatewayMustHaveGatewayIPConfigurations")
	w.must("PUT", rg+"/providers/Microsoft.Network/networkInterfaces/nic2", vmAPI, nicBody(""), 201)
	id := func(kind, n string) map[string]any { return map[string]any{"id": agw + "/" + kind + "/" + n} }
	agwBody := map[string]any{"location": "westeurope", "properties": map[string]any{
		"sku":                           map[string]any{"name": "Standard_v2", "tier": "Standard_v2", "capacity": 1},
		"gatewayIPConfigurations":       []any{map[string]any{"name": "gw", "properties": map[string]any{"subnet": map[string]any{"id": subnet}}}},
		"frontendIPConfigurations":      []any{map[string]any{"name": "fe", "properties": map[string]any{"privateIPAllocationMethod": "Dynamic", "subnet": map[string]any{"id": subnet}}}},
		"frontendPorts":                 []any{map[string]any{"name": "p80", "properties": map[string]any{"port": 80}}},
		"backendAddressPools":           []any{map[string]any{"name": "pool"}},
		"backendHttpSettingsCollection": []any{map[string]any{"name": "bhs", "properties": map[string]any{"port": 80, "protocol": "Http"}}},
		"httpListeners": []any{map[string]any{"name": "l", "properties": map[string]any{"frontendIPConfiguration": id("frontendIPConfigurations", "fe"),
			"frontendPort": id("frontendPorts", "p80"), "protocol": "Http"}}},
		"requestRoutingRules": []any{map[string]any{"name": "r", "properties": map[string]any{"ruleType": "Basic", "priority": 10,
			"httpListener": id("httpListeners", "l"), "backendAddressPool": id("backendAddressPools", "pool"), "backendHttpSettings": id("backendHttpSettingsCollection", "bhs")}}}}}
	w.wantErr("PUT", agw, vmAPI, agwBody, 400, "ApplicationGatewaySubnetCannotBeUsedByOtherResources")
	w.must("DELETE", rg+"/providers/Microsoft.Network/networkInterfaces/nic2", vmAPI, nil, 202)
	w.must("PUT", agw, vmAPI, agwBody, 201)

	// Cosmos DB: offer type and locations
	cosmos := rg + "/providers/Microsoft.DocumentDB/databaseAccounts/cosmos-wl-test-1"
	w.wantErr("PUT", cosmos, "2024-11-15", map[string]any{"location": "westeurope", "properties": map[string]any{"databaseAccountOfferType": "Standard"}}, 400, "BadRequest")
	w.must("PUT", cosmos, "2024-11-15", map[string]any{"location": "westeurope", "kind": "GlobalDocumentDB", "properties": map[string]any{"databaseAccountOfferType": "Standard",
		"locations": []any{map[string]any{"locationName": "West Europe", "failoverPriority": 0}}}}, 200) // Cosmos answers a create with 200 (its spec lists 200 only)

	// container apps: environment, secrets (value write-only, or a Key Vault reference), secretRef
	env := rg + "/providers/Microsoft.App/managedEnvironments/cae1"
	w.must("PUT", env, "2025-01-01", map[string]any{"location": "westeurope", "properties": map[string]any{
		"appLogsConfiguration": map[string]any{"destination": "log-analytics", "logAnalyticsConfiguration": map[string]any{"customerId": "c1", "sharedKey": "k-secret"}}}}, 201)
	if f.sim.WriteOnly(env)["appLogsConfiguration.logAnalyticsConfiguration.sharedKey"] != "k-secret" {
		t.Error("the environment's shared key was not kept write-only")
	}
	ca := rg + "/providers/Microsoft.App/containerApps/ca1"
	appBody := func(secret map[string]any, ref string) map[string]any {
		return map[string]any{"location": "westeurope", "properties": map[string]any{"managedEnvironmentId": env,
			"configuration": map[string]any{"secrets": []any{secret}},
			"template": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "mcr.microsoft.com/k8se/quickstart:latest",
				"env": []any{map[string]any{"name": "X", "secretRef": ref}}}}}}}
	}
	w.wantErr("PUT", ca, "2025-01-01", appBody(map[string]any{"name": "s1"}, "s1"), 400, "ContainerAppSecretInvalid")
	w.wantErr("PUT", ca, "2025-01-01", appBody(map[string]any{"name": "s1", "value": "v"}, "s2"), 400, "ContainerAppSecretRefNotFound")
	w.wantErr("PUT", ca, "2025-01-01", map[string]any{"location": "westeurope", "properties": map[string]any{"template": map[string]any{}}}, 400, "ManagedEnvironmentIdRequired")
	out := w.must("PUT", ca, "2025-01-01", appBody(map[string]any{"name": "s1", "value": "top-secret-value"}, "s1"), 201)
	if strings.Contains(mustJSON(t, out), "top-secret-value") || strings.Contains(mustJSON(t, w.must("GET", ca, "2025-01-01", nil, 200)), "top-secret-value") {
		t.Error("the container app secret value was returned")
	}
	if f.sim.WriteOnly(ca)["configuration.secrets[0].value"] != "top-secret-value" {
		t.Error("the container app secret value was not kept")
	}
	// an update that omits the value keeps it
	w.must("PUT", ca, "2025-01-01", appBody(map[string]any{"name": "s1"}, "s1"), 200)
}
