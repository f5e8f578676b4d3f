package sim

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// Workloads some spokes add after their web tier: an application gateway in front of the web
// apps, a Cosmos DB account behind a private endpoint, a container apps environment with its apps.
// Which spokes get what depends on the spoke's global index only, so the proportions are the same
// for every seed: 1 in 5 spokes has an application gateway, 1 in 3 a Cosmos DB account, 1 in 4
// a container apps environment (every other one in a delegated subnet with workload profiles,
// logging to Azure Monitor; the rest consumption-only without a VNet, logging to the hub's Log
// Analytics workspace).

func wantAppGateway(global int) bool    { return global%5 == 1 }
func wantCosmos(global int) bool        { return global%3 == 1 }
func wantContainerApps(global int) bool { return global%4 == 3 }
func acaInVNet(global int) bool         { return (global/4)%2 == 0 }

// regionDisplay is the display name ARM uses in Cosmos DB locations.
var regionDisplay = map[string]string{"eastus": "East US", "westeurope": "West Europe", "eastus2": "East US 2",
	"northeurope": "North Europe", "westus2": "West US 2", "uksouth": "UK South"}

// fakeLogAnalyticsSharedKey is the shared key a container apps environment's log-analytics
// destination is given: write-only (as ARM treats it), never in a body, the truth or a scan.
var fakeLogAnalyticsSharedKey = base64.StdEncoding.EncodeToString([]byte("atg-sim-fake-log-analytics-shared-key-not-real-000000000000000"))

// workload is what a spoke's optional workloads build on.
type workload struct {
	sub                *subscription
	h                  *hub
	rg                 *resourceGroup
	app, env, loc, sfx string
	k, global          int
	tags               map[string]any
	uai                *resource
	uaiProps           map[string]any // uai's properties: principalId, clientId

	// filled by the builders in spoke order
	b2, b3             int    // the spoke VNet is 10.b2.b3.0/24
	vnetID             string // spokeNetwork
	nsgWeb, nsgApp     *resource
	snWeb, snApp, snPE *resource
	nvm                int            // spokeVMCount
	snAGW, snACA       *resource      // spokeDedicatedSubnets (nil when the spoke has none)
	poolID             string         // spokeLoadBalancer: its backend pool
	pool               map[string]any // the pool's properties; spokeVM lists members in it
	members            []any
	stName, kvName     string   // spokeStorage, spokeKeyVault
	siteHosts          []string // spokeWebApps
}

// appGateway adds a WAF/Standard v2 application gateway in the spoke's dedicated subnet with its
// own public IP, routing HTTP to the spoke's web apps (backend pool of their host names).
func (g *gen) appGateway(w *workload) bool {
	if w.snAGW == nil {
		return true
	}
	pip, ok := g.pip(w.sub, w.rg, "pip-agw-"+w.app+"-"+w.env, w.loc, "Standard")
	if !ok {
		return false
	}
	name := "agw-" + w.app + "-" + w.env
	id := provID(w.rg, "Microsoft.Network/applicationGateways/"+name)
	sub := func(kind, n string) string { return id + "/" + kind + "/" + n }
	waf := g.rng.IntN(2) == 0
	tier := ifs(waf, "WAF_v2", "Standard_v2")
	backends := []any{}
	for _, h := range w.siteHosts {
		backends = append(backends, map[string]any{"fqdn": h})
	}
	props := map[string]any{
		"sku":                    map[string]any{"name": tier, "tier": tier, "family": "Generation_1"},
		"operationalState":       "Running",
		"autoscaleConfiguration": map[string]any{"minCapacity": 1, "maxCapacity": 2 + g.rng.IntN(4)},
		"gatewayIPConfigurations": []any{map[string]any{"name": "appGatewayIpConfig", "id": sub("gatewayIPConfigurations", "appGatewayIpConfig"),
			"type":       "Microsoft.Network/applicationGateways/gatewayIPConfigurations",
			"properties": map[string]any{"subnet": ref(w.snAGW.id), "provisioningState": "Succeeded"}}},
		"sslCertificates": []any{}, "trustedRootCertificates": []any{}, "trustedClientCertificates": []any{}, "sslProfiles": []any{},
		"frontendIPConfigurations": []any{map[string]any{"name": "appGwPublicFrontendIp", "id": sub("frontendIPConfigurations", "appGwPublicFrontendIp"),
			"type": "Microsoft.Network/applicationGateways/frontendIPConfigurations",
			"properties": map[string]any{"privateIPAllocationMethod": "Dynamic", "publicIPAddress": ref(pip.id), "provisioningState": "Succeeded",
				"httpListeners": []any{ref(sub("httpListeners", "listener-http"))}}}},
		"frontendPorts": []any{map[string]any{"name": "port_80", "id": sub("frontendPorts", "port_80"),
			"type":       "Microsoft.Network/applicationGateways/frontendPorts",
			"properties": map[string]any{"port": 80, "provisioningState": "Succeeded", "httpListeners": []any{ref(sub("httpListeners", "listener-http"))}}}},
		"backendAddressPools": []any{map[string]any{"name": "pool-web", "id": sub("backendAddressPools", "pool-web"),
			"type": "Microsoft.Network/applicationGateways/backendAddressPools",
			"properties": map[string]any{"backendAddresses": backends, "provisioningState": "Succeeded",
				"requestRoutingRules": []any{ref(sub("requestRoutingRules", "rule-web"))}}}},
		"backendHttpSettingsCollection": []any{map[string]any{"name": "settings-https", "id": sub("backendHttpSettingsCollection", "settings-https"),
			"type": "Microsoft.Network/applicationGateways/backendHttpSettingsCollection",
			"properties": map[string]any{"port": 443, "protocol": "Https", "cookieBasedAffinity": "Disabled", "pickHostNameFromBackendAddress": true,
				"requestTimeout": 30, "probe": ref(sub("probes", "probe-web")), "provisioningState": "Succeeded",
				"requestRoutingRules": []any{ref(sub("requestRoutingRules", "rule-web"))}}}},
		"httpListeners": []any{map[string]any{"name": "listener-http", "id": sub("httpListeners", "listener-http"),
			"type": "Microsoft.Network/applicationGateways/httpListeners",
			"properties": map[string]any{"frontendIPConfiguration": ref(sub("frontendIPConfigurations", "appGwPublicFrontendIp")),
				"frontendPort": ref(sub("frontendPorts", "port_80")), "protocol": "Http", "hostNames": []any{}, "requireServerNameIndication": false,
				"provisioningState": "Succeeded", "requestRoutingRules": []any{ref(sub("requestRoutingRules", "rule-web"))}}}},
		"requestRoutingRules": []any{map[string]any{"name": "rule-web", "id": sub("requestRoutingRules", "rule-web"),
			"type": "Microsoft.Network/applicationGateways/requestRoutingRules",
			"properties": map[string]any{"ruleType": "Basic", "priority": 100, "httpListener": ref(sub("httpListeners", "listener-http")),
				"backendAddressPool": ref(sub("backendAddressPools", "pool-web")), "backendHttpSettings": ref(sub("backendHttpSettingsCollection", "settings-https")),
				"provisioningState": "Succeeded"}}},
		"probes": []any{map[string]any{"name": "probe-web", "id": sub("probes", "probe-web"),
			"type": "Microsoft.Network/applicationGateways/probes",
			"properties": map[string]any{"protocol": "Https", "path": "/health", "interval": 30, "timeout": 30, "unhealthyThreshold": 3,
				"pickHostNameFromBackendHttpSettings": true, "minServers": 0, "match": map[string]any{"statusCodes": []any{"200-399"}},
				"provisioningState": "Succeeded", "backendHttpSettings": []any{ref(sub("backendHttpSettingsCollection", "settings-https"))}}}},
		"urlPathMaps": []any{}, "redirectConfigurations": []any{}, "rewriteRuleSets": []any{}, "privateLinkConfigurations": []any{},
		"privateEndpointConnections": []any{}, "authenticationCertificates": []any{}, "loadDistributionPolicies": []any{},
		"enableHttp2": true, "resourceGuid": g.uuid(),
	}
	if waf {
		props["webApplicationFirewallConfiguration"] = map[string]any{"enabled": true, "firewallMode": "Prevention", "ruleSetType": "OWASP",
			"ruleSetVersion": "3.2", "disabledRuleGroups": []any{}, "exclusions": []any{}, "requestBodyCheck": true,
			"maxRequestBodySizeInKb": 128, "fileUploadLimitInMb": 100}
	}
	_, ok = g.add(w.sub, w.rg, id, "Microsoft.Network/applicationGateways", w.loc, map[string]any{
		"tags": w.tags, "zones": []any{"1", "2", "3"}, "etag": `W/"` + g.uuid() + `"`, "properties": props})
	return ok
}

// cosmos adds a Cosmos DB (NoSQL) account with public access disabled, reached through a private
// endpoint in the spoke's endpoint subnet (listed back in privateEndpointConnections, as ARM does).
func (g *gen) cosmos(w *workload) bool {
	name := "cosmos-" + w.app + "-" + w.env + "-" + w.sfx + fmt.Sprint(w.k)
	if len(name) > 44 {
		name = name[:44]
	}
	id := provID(w.rg, "Microsoft.DocumentDB/databaseAccounts/"+name)
	locName := regionDisplay[w.loc]
	endpoint := "https://" + name + ".documents.azure.com:443/"
	loc := func() map[string]any {
		return map[string]any{"id": name + "-" + w.loc, "locationName": locName, "documentEndpoint": "https://" + name + "-" + w.loc + ".documents.azure.com:443/",
			"provisioningState": "Succeeded", "failoverPriority": 0, "isZoneRedundant": false}
	}
	gen := g.now.Format(time.RFC3339)
	body := map[string]any{"tags": w.tags, "kind": "GlobalDocumentDB",
		"properties": map[string]any{
			"documentEndpoint": endpoint, "databaseAccountOfferType": "Standard",
			"consistencyPolicy": map[string]any{"defaultConsistencyLevel": pick(g, []string{"Session", "Session", "Eventual", "BoundedStaleness"}),
				"maxIntervalInSeconds": 5, "maxStalenessPrefix": 100},
			"locations": []any{loc()}, "writeLocations": []any{loc()}, "readLocations": []any{loc()},
			"failoverPolicies": []any{map[string]any{"id": name + "-" + w.loc, "locationName": locName, "failoverPriority": 0}},
			"ipRules":          []any{}, "isVirtualNetworkFilterEnabled": false, "virtualNetworkRules": []any{}, "capabilities": []any{}, "cors": []any{},
			"disableKeyBasedMetadataWriteAccess": true, "disableLocalAuth": true, "enableFreeTier": false, "enableAutomaticFailover": false,
			"enableMultipleWriteLocations": false, "enableAnalyticalStorage": false, "publicNetworkAccess": "Disabled", "minimalTlsVersion": "Tls12",
			"defaultIdentity": "FirstPartyIdentity", "networkAclBypass": "None", "networkAclBypassResourceIds": []any{},
			"backupPolicy": map[string]any{"type": "Periodic", "periodicModeProperties": map[string]any{"backupIntervalInMinutes": 240,
				"backupRetentionIntervalInHours": 8, "backupStorageRedundancy": "Geo"}},
			"instanceId": g.uuid(), "createMode": "Default", "privateEndpointConnections": []any{},
			"keysMetadata": map[string]any{"primaryMasterKey": map[string]any{"generationTime": gen}, "secondaryMasterKey": map[string]any{"generationTime": gen},
				"primaryReadonlyMasterKey": map[string]any{"generationTime": gen}, "secondaryReadonlyMasterKey": map[string]any{"generationTime": gen}}}}
	if g.rng.IntN(2) == 0 {
		body["identity"] = g.systemIdentity(name)
	}
	acct, ok := g.add(w.sub, w.rg, id, "Microsoft.DocumentDB/databaseAccounts", w.loc, body)
	if !ok {
		return false
	}
	if w.snPE == nil {
		return true
	}
	pe := "pe-" + name
	if !g.privateEndpoint(w.sub, w.rg, pe, w.loc, w.snPE, acct, "Sql") {
		return false
	}
	acct.body["properties"].(map[string]any)["privateEndpointConnections"] = []any{map[string]any{
		"id": acct.id + "/privateEndpointConnections/" + pe + "-" + g.uuid(), "type": "Microsoft.DocumentDB/databaseAccounts/privateEndpointConnections",
		"properties": map[string]any{"privateEndpoint": ref(provID(w.rg, "Microsoft.Network/privateEndpoints/"+pe)), "groupId": "Sql",
			"privateLinkServiceConnectionState": map[string]any{"status": "Approved", "description": "Auto-Approved", "actionsRequired": "None"},
			"provisioningState":                 "Succeeded"}}}
	if p := principalOf(acct); p != "" && w.h.kv != nil {
		g.roleAssignment(w.sub, w.h.rg.name, w.h.kv.id, w.h.kv.key, p, "ServicePrincipal", builtinRoles[5].guid)
	}
	return true
}

// containerApps adds a container apps environment (workload profiles in the spoke's delegated
// subnet logging to Azure Monitor, or consumption-only without a VNet logging to the hub
// workspace), and one or two apps
// running as the spoke's user-assigned identity. The apps' secret is a Key Vault reference (no
// value); the environment's Log Analytics shared key is write-only, as in ARM.
func (g *gen) containerApps(w *workload) bool {
	name := "cae-" + w.app + "-" + w.env + fmt.Sprintf("-%03d", w.k)
	id := provID(w.rg, "Microsoft.App/managedEnvironments/"+name)
	domain := strings.ToLower(pick(g, []string{"happy", "calm", "brave", "proud", "gentle", "lively"})+"-"+g.suffix(8)) + "." + w.loc + ".azurecontainerapps.io"
	props := map[string]any{"defaultDomain": domain, "zoneRedundant": false,
		"infrastructureResourceGroup": "ME_" + name + "_" + w.rg.name + "_" + w.loc,
		"kedaConfiguration":           map[string]any{"version": "2.15.1"}, "daprConfiguration": map[string]any{"version": "1.13.6-msft.1"},
		"peerAuthentication":       map[string]any{"mtls": map[string]any{"enabled": false}},
		"peerTrafficConfiguration": map[string]any{"encryption": map[string]any{"enabled": false}},
		"eventStreamEndpoint":      "https://" + w.loc + ".azurecontainerapps.dev/subscriptions/" + w.sub.id + "/resourceGroups/" + w.rg.name + "/managedEnvironments/" + name + "/eventstream"}
	profiles := w.snACA != nil
	if profiles {
		props["vnetConfiguration"] = map[string]any{"infrastructureSubnetId": w.snACA.id, "internal": true}
		props["staticIp"] = fmt.Sprintf("10.%d.%d.%d", 1+(w.k/256)%254, w.k%256, 230+g.rng.IntN(20))
		props["workloadProfiles"] = []any{map[string]any{"name": "Consumption", "workloadProfileType": "Consumption"},
			map[string]any{"name": "D4", "workloadProfileType": "D4", "minimumCount": 1, "maximumCount": 3}}
	} else {
		props["staticIp"] = fmt.Sprintf("20.%d.%d.%d", g.rng.IntN(200)+20, g.rng.IntN(255), g.rng.IntN(254)+1)
	}
	var secrets map[string]any
	if w.h.workspace != nil && !profiles {
		props["appLogsConfiguration"] = map[string]any{"destination": "log-analytics",
			"logAnalyticsConfiguration": map[string]any{"customerId": sget(w.h.workspace.body, "properties", "customerId")}}
		secrets = map[string]any{"appLogsConfiguration.logAnalyticsConfiguration.sharedKey": fakeLogAnalyticsSharedKey}
	} else {
		props["appLogsConfiguration"] = map[string]any{"destination": "azure-monitor"}
	}
	envRes, ok := g.add(w.sub, w.rg, id, "Microsoft.App/managedEnvironments", w.loc, map[string]any{"tags": w.tags, "properties": props})
	if !ok {
		return false
	}
	envRes.secrets = secrets
	napps := 1 + (w.global/4)%2
	for i, role := range []string{"api", "worker"}[:napps] {
		appName := "ca-" + w.app + "-" + role + fmt.Sprintf("-%03d", w.k)
		rev := appName + "--" + g.suffix(7)
		fqdn := appName + "." + domain
		if profiles {
			fqdn = appName + ".internal." + domain
		}
		cfg := map[string]any{"activeRevisionsMode": "Single", "maxInactiveRevisions": 100,
			"secrets":    []any{map[string]any{"name": "db-password", "keyVaultUrl": "https://" + w.kvName + ".vault.azure.net/secrets/db-password", "identity": w.uai.id}},
			"registries": []any{}, "identitySettings": []any{}}
		appProps := map[string]any{"managedEnvironmentId": id, "environmentId": id, "runningStatus": "Running",
			"latestRevisionName": rev, "latestReadyRevisionName": rev, "customDomainVerificationId": strings.ToUpper(g.suffix(32)),
			"outboundIpAddresses": []any{fmt.Sprintf("20.%d.%d.%d", g.rng.IntN(200)+20, g.rng.IntN(255), g.rng.IntN(254)+1)},
			"eventStreamEndpoint": "https://" + w.loc + ".azurecontainerapps.dev/subscriptions/" + w.sub.id + "/resourceGroups/" + w.rg.name + "/containerApps/" + appName + "/eventstream",
			"configuration":       cfg,
			"template": map[string]any{"revisionSuffix": "", "volumes": []any{},
				"containers": []any{map[string]any{"name": role, "image": "mcr.microsoft.com/k8se/quickstart:latest",
					"resources": map[string]any{"cpu": 0.5, "memory": "1Gi", "ephemeralStorage": "2Gi"},
					"env": []any{map[string]any{"name": "APP_ENVIRONMENT", "value": w.env}, map[string]any{"name": "DB_PASSWORD", "secretRef": "db-password"},
						map[string]any{"name": "AZURE_CLIENT_ID", "value": sget(w.uai.body, "properties", "clientId")}},
					"probes": []any{}}},
				"scale": map[string]any{"minReplicas": i, "maxReplicas": 10}}}
		if i == 0 {
			cfg["ingress"] = map[string]any{"fqdn": fqdn, "external": !profiles, "targetPort": 8080, "exposedPort": 0, "transport": "Auto",
				"allowInsecure": false, "traffic": []any{map[string]any{"weight": 100, "latestRevision": true}},
				"stickySessions": map[string]any{"affinity": "none"}, "clientCertificateMode": "Ignore"}
			appProps["latestRevisionFqdn"] = rev + "." + strings.TrimPrefix(fqdn, appName+".")
			appProps["template"].(map[string]any)["scale"].(map[string]any)["rules"] = []any{map[string]any{"name": "http-scaler",
				"http": map[string]any{"metadata": map[string]any{"concurrentRequests": "50"}}}}
		} else {
			appProps["latestRevisionFqdn"] = ""
		}
		if profiles {
			appProps["workloadProfileName"] = ifs(i == 0, "Consumption", "D4")
		}
		if _, ok := g.add(w.sub, w.rg, provID(w.rg, "Microsoft.App/containerApps/"+appName), "Microsoft.App/containerApps", w.loc, map[string]any{
			"tags": w.tags, "identity": map[string]any{"type": "UserAssigned", "userAssignedIdentities": userAssigned(w.uai)},
			"properties": appProps}); !ok {
			return false
		}
	}
	return true
}
