package iac_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/discover"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/iac/terraform"
	"github.com/atg-go/atg/internal/testenv"
)

// variant is an example payload edited into a shape a typed emitter takes: the Microsoft examples
// for these types carry values azurerm 5.2 cannot express (TLS 1.0, certificate data, service
// binds…), so they rightly fall back to azapi; the variants exercise the typed path.
type variant struct {
	file, name, want string
	edit             func(env, props map[string]any)
	children         []map[string]any // extra child envelopes (id relative to the variant's id)
}

func obj(v any) map[string]any { x, _ := v.(map[string]any); return x }

var typedVariants = []variant{
	{file: "Microsoft.DocumentDB__databaseAccounts.json", name: "ddb2", want: "azurerm_cosmosdb_account", edit: func(env, p map[string]any) {
		p["minimalTlsVersion"] = "Tls12"
		p["consistencyPolicy"] = map[string]any{"defaultConsistencyLevel": "BoundedStaleness", "maxIntervalInSeconds": 300.0, "maxStalenessPrefix": 100000.0}
		p["capabilities"] = []any{map[string]any{"name": "EnableServerless"}}
		p["ipRules"] = []any{map[string]any{"ipAddressOrRange": "10.0.0.0/24"}}
		p["locations"] = append(p["locations"].([]any), map[string]any{"locationName": "West US 2", "failoverPriority": 1.0, "isZoneRedundant": true})
	}},
	{file: "Microsoft.App__managedEnvironments.json", name: "env2", want: "azurerm_container_app_environment", edit: func(env, p map[string]any) {
		p["workloadProfiles"] = []any{
			map[string]any{"name": "gp1", "workloadProfileType": "D4", "minimumCount": 1.0, "maximumCount": 3.0},
			map[string]any{"name": "Consumption", "workloadProfileType": "Consumption"},
		}
		delete(p, "customDomainConfiguration")
		p["appLogsConfiguration"] = map[string]any{"destination": "azure-monitor"}
	}},
	{file: "Microsoft.App__containerApps.json", name: "app2", want: "azurerm_container_app", edit: func(env, p map[string]any) {
		p["managedEnvironmentId"] = "/subscriptions/8efdecc5-919e-44eb-b179-915dca89ebf9/resourceGroups/examplerg/providers/Microsoft.App/managedEnvironments/env2"
		p["workloadProfileName"] = "gp1"
		cfg := obj(p["configuration"])
		cfg["dapr"] = map[string]any{"enabled": true, "appId": "app2", "appPort": 3000.0, "appProtocol": "http"}
		delete(cfg, "service")
		ing := obj(cfg["ingress"])
		delete(ing, "customDomains")
		delete(ing, "stickySessions")
		ing["traffic"] = []any{map[string]any{"weight": 80.0, "revisionName": "app2--ab1234"},
			map[string]any{"weight": 20.0, "latestRevision": true, "label": "staging"}}
		cfg["secrets"] = []any{map[string]any{"name": "db", "keyVaultUrl": "https://kv.vault.azure.net/secrets/db", "identity": "system"}}
		cfg["registries"] = []any{map[string]any{"server": "acr.azurecr.io", "identity": "system"}}
		tpl := obj(p["template"])
		delete(tpl, "serviceBinds")
		obj(tpl["initContainers"].([]any)[0])["name"] = "init0" // azurerm takes lower-case names only
		c := obj(tpl["containers"].([]any)[0])
		c["env"] = []any{map[string]any{"name": "DB", "secretRef": "db"}, map[string]any{"name": "MODE", "value": "prod"}}
		c["probes"] = []any{map[string]any{"type": "Liveness", "httpGet": map[string]any{"path": "/health", "port": 3000.0}, "periodSeconds": 10.0},
			map[string]any{"type": "Readiness", "tcpSocket": map[string]any{"port": 3000.0}}}
		env["identity"] = map[string]any{"type": "SystemAssigned"}
	}},
	{file: "Microsoft.ContainerService__managedClusters.json", name: "aks2", want: "azurerm_kubernetes_cluster", edit: func(env, p map[string]any) {
		env["identity"] = map[string]any{"type": "SystemAssigned"}
		delete(p, "servicePrincipalProfile")
		p["agentPoolProfiles"] = append(p["agentPoolProfiles"].([]any), map[string]any{"name": "user1", "mode": "User", "count": 1.0,
			"vmSize": "Standard_D8s_v5", "osType": "Linux", "enableAutoScaling": true, "minCount": 1.0, "maxCount": 5.0,
			"nodeTaints": []any{"sku=gpu:NoSchedule"}, "nodeLabels": map[string]any{"tier": "batch"}})
		obj(p["agentPoolProfiles"].([]any)[0])["mode"] = "System"
		p["autoScalerProfile"] = map[string]any{"balance-similar-node-groups": "true", "expander": "least-waste",
			"scan-interval": "20s", "max-total-unready-percentage": "45", "ok-total-unready-count": "3"}
		p["workloadAutoScalerProfile"] = map[string]any{"keda": map[string]any{"enabled": true}}
		p["azureMonitorProfile"] = map[string]any{"metrics": map[string]any{"enabled": true}}
		p["serviceMeshProfile"] = map[string]any{"mode": "Istio", "istio": map[string]any{"revisions": []any{"asm-1-22"},
			"components": map[string]any{"ingressGateways": []any{map[string]any{"mode": "External", "enabled": true}}}}}
		p["httpProxyConfig"] = map[string]any{"httpProxy": "http://proxy:3128/", "noProxy": []any{"localhost"}}
	}, children: []map[string]any{
		{"id": "/agentPools/nodepool1", "type": "Microsoft.ContainerService/managedClusters/agentPools", "properties": map[string]any{
			"count": 3.0, "vmSize": "Standard_DS1_v2", "osType": "Linux", "mode": "System"}},
		{"id": "/agentPools/spot1", "type": "Microsoft.ContainerService/managedClusters/agentPools", "properties": map[string]any{
			"count": 2.0, "vmSize": "Standard_D4s_v5", "osType": "Linux", "mode": "User", "scaleSetPriority": "Spot",
			"scaleSetEvictionPolicy": "Delete", "spotMaxPrice": -1.0}},
	}},
	{file: "Microsoft.Network__applicationGateways.json", name: "appgw2", want: "azurerm_application_gateway", edit: func(env, p map[string]any) {
		delete(p, "loadDistributionPolicies")
		p["sku"] = map[string]any{"name": "Standard_v2", "tier": "Standard_v2"}
		p["autoscaleConfiguration"] = map[string]any{"minCapacity": 1.0, "maxCapacity": 4.0}
		p["sslCertificates"] = []any{map[string]any{"name": "sslcert", "properties": map[string]any{"keyVaultSecretId": "https://kv.vault.azure.net/secrets/cert"}}}
		p["probes"] = []any{map[string]any{"name": "health", "properties": map[string]any{"protocol": "Http", "path": "/health", "interval": 30.0,
			"timeout": 30.0, "unhealthyThreshold": 3.0, "pickHostNameFromBackendHttpSettings": true,
			"match": map[string]any{"statusCodes": []any{"200-399"}}}}}
	}},
	{file: "Microsoft.Network__applicationGateways.json", name: "waf2", want: "azurerm_application_gateway", edit: func(env, p map[string]any) {
		self := env["id"].(string)
		delete(p, "loadDistributionPolicies")
		delete(p, "sslProfiles")
		delete(p, "trustedClientCertificates")
		p["sku"] = map[string]any{"name": "WAF_v2", "tier": "WAF_v2", "capacity": 2.0}
		p["sslCertificates"] = []any{map[string]any{"name": "sslcert", "properties": map[string]any{"keyVaultSecretId": "https://kv.vault.azure.net/secrets/cert"}}}
		p["webApplicationFirewallConfiguration"] = map[string]any{"enabled": true, "firewallMode": "Prevention", "ruleSetType": "OWASP",
			"ruleSetVersion": "3.2", "requestBodyCheck": true, "maxRequestBodySizeInKb": 128.0, "fileUploadLimitInMb": 100.0,
			"disabledRuleGroups": []any{map[string]any{"ruleGroupName": "REQUEST-930-APPLICATION-ATTACK-LFI", "rules": []any{930100.0}}},
			"exclusions":         []any{map[string]any{"matchVariable": "RequestHeaderNames", "selectorMatchOperator": "Equals", "selector": "x-token"}}}
		p["probes"] = []any{map[string]any{"name": "health", "properties": map[string]any{"protocol": "Https", "path": "/", "interval": 30.0,
			"timeout": 30.0, "unhealthyThreshold": 3.0, "host": "app.contoso.com"}}}
		bhs := obj(obj(p["backendHttpSettingsCollection"].([]any)[0])["properties"])
		bhs["probe"] = map[string]any{"id": self + "/probes/health"}
		bhs["connectionDraining"] = map[string]any{"enabled": true, "drainTimeoutInSec": 60.0}
		for _, l := range p["httpListeners"].([]any) {
			delete(obj(obj(l)["properties"]), "sslProfile")
		}
		p["redirectConfigurations"] = []any{map[string]any{"name": "http-to-https", "properties": map[string]any{"redirectType": "Permanent",
			"targetListener": map[string]any{"id": self + "/httpListeners/appgwhl"}, "includePath": true, "includeQueryString": true}}}
		rule := obj(obj(p["requestRoutingRules"].([]any)[1])["properties"])
		delete(rule, "urlPathMap")
		rule["ruleType"] = "Basic"
		rule["redirectConfiguration"] = map[string]any{"id": self + "/redirectConfigurations/http-to-https"}
		env["identity"] = map[string]any{"type": "UserAssigned", "userAssignedIdentities": map[string]any{
			"/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/appgw-id": map[string]any{}}}
	}},
	{file: "Microsoft.DocumentDB__databaseAccounts.json", name: "mongo3", want: "azurerm_cosmosdb_account", edit: func(env, p map[string]any) {
		env["kind"] = "MongoDB"
		p["minimalTlsVersion"] = "Tls12"
		p["apiProperties"] = map[string]any{"serverVersion": "4.2"}
		p["capabilities"] = []any{map[string]any{"name": "EnableMongo"}, map[string]any{"name": "DisableRateLimitingResponses"}}
		p["backupPolicy"] = map[string]any{"type": "Continuous", "continuousModeProperties": map[string]any{"tier": "Continuous7Days"}}
		p["cors"] = []any{map[string]any{"allowedOrigins": "https://a.contoso.com,https://b.contoso.com", "allowedMethods": "GET,PUT",
			"allowedHeaders": "x-ms-*", "exposedHeaders": "", "maxAgeInSeconds": 300.0}}
		p["isVirtualNetworkFilterEnabled"] = true
		p["virtualNetworkRules"] = []any{map[string]any{"id": "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/v/subnets/s",
			"ignoreMissingVNetServiceEndpoint": false}}
		p["disableLocalAuth"] = true
		p["publicNetworkAccess"] = "Disabled"
		p["networkAclBypass"] = "AzureServices"
		env["identity"] = map[string]any{"type": "SystemAssigned"}
		p["defaultIdentity"] = "SystemAssignedIdentity"
	}},
	{file: "Microsoft.Network__loadBalancers.json", name: "lb2", want: "azurerm_lb", edit: func(env, p map[string]any) {
		self := env["id"].(string)
		env["sku"] = map[string]any{"name": "Standard", "tier": "Regional"}
		fe := obj(p["frontendIPConfigurations"].([]any)[0])
		fe["zones"] = []any{"1", "2", "3"}
		obj(fe["properties"])["privateIPAllocationMethod"] = "Static"
		vnet := "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnetlb"
		p["backendAddressPools"] = append(p["backendAddressPools"].([]any), map[string]any{"name": "ip-pool", "properties": map[string]any{
			"virtualNetwork": map[string]any{"id": vnet},
			"loadBalancerBackendAddresses": []any{map[string]any{"name": "vm1", "properties": map[string]any{
				"ipAddress": "10.0.1.10", "virtualNetwork": map[string]any{"id": vnet}}}}}})
		// (no outbound rule: the model drops an outbound rule's frontendIPConfigurations list as a
		// back-reference, and without frontends the load balancer rightly stays azapi)
		p["inboundNatRules"] = append(p["inboundNatRules"].([]any), map[string]any{"name": "ssh-range", "properties": map[string]any{
			"protocol": "Tcp", "frontendPortRangeStart": 50000.0, "frontendPortRangeEnd": 50100.0, "backendPort": 22.0,
			"frontendIPConfiguration": map[string]any{"id": self + "/frontendIPConfigurations/fe-lb"},
			"backendAddressPool":      map[string]any{"id": self + "/backendAddressPools/ip-pool"}}})
	}},
	{file: "Microsoft.Network__networkInterfaces.json", name: "nic2", want: "azurerm_network_interface", edit: func(env, p map[string]any) {
		ic := obj(obj(p["ipConfigurations"].([]any)[0])["properties"])
		lb := "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/loadBalancers/lb"
		ic["loadBalancerBackendAddressPools"] = []any{map[string]any{"id": lb + "/backendAddressPools/be-lb"}}
		ic["loadBalancerInboundNatRules"] = []any{map[string]any{"id": lb + "/inboundNatRules/in-nat-rule"}}
		delete(ic, "publicIPAddress")
	}},
}

// variantNodes returns the example nodes plus the typed variants, and the variants' ids.
func variantNodes(t *testing.T) ([]graph.Node, map[string]variant) {
	t.Helper()
	envs, err := iactest.LoadEnvelopes(iactest.ExamplesDir())
	if err != nil {
		t.Fatal(err)
	}
	nodes := exampleNodes(t)
	ids := map[string]variant{}
	for _, v := range typedVariants {
		found := false
		for _, e := range envs {
			if e.File != v.file {
				continue
			}
			found = true
			orig := e.Body["id"].(string)
			id := orig[:strings.LastIndex(orig, "/")+1] + v.name
			raw, _ := json.Marshal(e.Body)
			// the payload's references to its own sub-resources follow the new name
			raw = []byte(strings.ReplaceAll(string(raw), orig+"/", id+"/"))
			var env map[string]any
			if err := json.Unmarshal(raw, &env); err != nil {
				t.Fatal(err)
			}
			env["id"], env["name"] = id, v.name
			env["apiVersion"] = e.APIVersion
			v.edit(env, obj(env["properties"]))
			nodes = append(nodes, discover.NodeFromARM(iactest.TenantID, env))
			ids[strings.ToLower(id)] = v
			for _, c := range v.children {
				child := map[string]any{}
				for k, x := range c {
					child[k] = x
				}
				child["id"] = id + c["id"].(string)
				child["name"] = v.name + "/" + c["id"].(string)[strings.LastIndex(c["id"].(string), "/")+1:]
				child["apiVersion"] = e.APIVersion
				nodes = append(nodes, discover.NodeFromARM(iactest.TenantID, child))
			}
		}
		if !found {
			t.Fatalf("no example payload %s", v.file)
		}
	}
	return nodes, ids
}

// The typed emitters for load balancers, application gateways, Cosmos DB, AKS and Container Apps
// take the variants (and the examples they cannot express stay azapi), and the result passes
// `tofu validate` with azurerm 5.2.0.
func TestTypedVariants(t *testing.T) {
	nodes, ids := variantNodes(t)
	m, err := model.BuildFromNodes(iactest.TenantID, nodes, model.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := terraform.Emit(m, terraform.Options{Imports: true})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, r := range m.Resources {
		if v, ok := ids[strings.ToLower(r.ID)]; ok {
			seen++
			if got := res.Types[r.Key]; got != v.want {
				t.Errorf("%s: %s, want %s", v.name, got, v.want)
			}
		}
	}
	if seen != len(typedVariants) {
		t.Fatalf("found %d of %d variants in the model", seen, len(typedVariants))
	}
	main := strings.Join(strings.Fields(string(res.Files["main.tf"])), " ")
	for _, want := range []string{
		`resource "azurerm_lb" "lb"`, `resource "azurerm_lb_backend_address_pool" "lb_be_lb"`, `resource "azurerm_lb_probe" "lb_probe_lb"`,
		`resource "azurerm_lb_rule" "lb_rulelb"`, `resource "azurerm_lb_nat_rule" "lb_in_nat_rule"`,
		"backend_address_pool_id = azurerm_lb_backend_address_pool.lb_be_lb.id", // the NIC joins the pool by reference
		"nat_rule_id = azurerm_lb_nat_rule.lb_in_nat_rule.id",
		`resource "azurerm_network_interface_backend_address_pool_association"`, `resource "azurerm_network_interface_nat_rule_association"`,
		`resource "azurerm_kubernetes_cluster_node_pool" "aks2_user1"`, // from the cluster's profile
		`resource "azurerm_kubernetes_cluster_node_pool" "aks2_spot1"`, // from its agentPools child
		"# Microsoft.ContainerService/managedClusters/agentPools aks2/nodepool1 is declared inline by azurerm_kubernetes_cluster.aks2",
		`request_routing_rule {`, `url_path_map {`, `rewrite_rule_set {`, `ssl_profile {`,
		`auto_scaler_profile {`, `max_unready_nodes = 3`, `keda_enabled = true`, `service_mesh_profile {`, `http_proxy_config {`,
		`geo_location {`, `consistency_level = "BoundedStaleness"`, `mongo_server_version = "4.2"`, `cors_rule {`, `tier = "Continuous7Days"`,
		`resource "azurerm_lb_backend_address_pool_address" "lb2_ip_pool_vm1"`, `backend_address_pool_id = azurerm_lb_backend_address_pool.lb2_ip_pool.id`, `frontend_port_start = 50000`,
		`waf_configuration {`, `redirect_configuration {`, `redirect_configuration_name = "http-to-https"`, `probe_name = "health"`, `connection_draining {`,
		`workload_profile {`, `container_app_environment_id = azurerm_container_app_environment.env2.id`, `revision_suffix = "ab1234"`,
	} {
		if !strings.Contains(main, want) {
			t.Errorf("main.tf lacks %s", want)
		}
	}
	// the examples these variants come from stay azapi
	for _, k := range []string{"ddb1", "jlaw_demo1", "testcontainerapp0", "clustername1", "appgw"} {
		if got := res.Types[k]; got != "azapi_resource" {
			t.Errorf("%s: %s, want the azapi fallback", k, got)
		}
	}
	if strings.Contains(string(res.Files["imports.tf"]), "aks2_nodepool1") {
		t.Error("imports.tf adopts the default node pool on its own")
	}

	toolsDir(t)
	testenv.Integration(t)
	dir := t.TempDir()
	for n, b := range res.Files {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command(filepath.Join(iactest.RepoRoot(), "scripts", "iac-validate.sh"), dir).CombinedOutput()
	t.Logf("variants: %s", firstLine(out))
	if err != nil {
		t.Errorf("tofu validate failed: %v\n%s", err, tail(out, 6000))
	}
}
