package sim

import (
	"sort"
	"strings"
)

// typeInfo describes one ARM resource type the simulator knows (the providers endpoint lists them).
type typeInfo struct {
	Type        string   // original casing, e.g. Microsoft.Network/virtualNetworks
	APIVersions []string // newest last
	Tracked     bool     // top-level tracked resource: location required
	InARG       bool     // listed by Resource Graph's resources table (and by /resources list)
	LRO         bool     // PUT answers 201 + Azure-AsyncOperation
	AsyncDelete bool     // DELETE answers 202 + Azure-AsyncOperation + Location
	Extension   bool     // extension resource ({scope}/providers/NS/type/name)
	// AnyVersion accepts every well-formed api-version: a type the simulator knows only from
	// loaded payloads (--from), whose published versions it does not know.
	AnyVersion bool
}

var (
	vNet      = []string{"2023-09-01", "2023-11-01", "2024-01-01", "2024-05-01", "2024-07-01"}
	vCompute  = []string{"2023-03-01", "2023-09-01", "2024-03-01", "2024-07-01"}
	vDisk     = []string{"2023-04-02", "2023-10-02", "2024-03-02"}
	vStorage  = []string{"2022-09-01", "2023-01-01", "2023-05-01", "2024-01-01"}
	vKV       = []string{"2022-07-01", "2023-07-01", "2024-11-01"}
	vWeb      = []string{"2022-09-01", "2023-12-01", "2024-04-01"}
	vSQL      = []string{"2021-11-01", "2022-05-01-preview", "2023-08-01"}
	vAKS      = []string{"2024-05-01", "2024-07-01", "2024-09-01"}
	vACR      = []string{"2022-12-01", "2023-07-01"}
	vMSI      = []string{"2018-11-30", "2023-01-31"}
	vLA       = []string{"2022-10-01", "2023-09-01", "2025-02-01"}
	vDNS      = []string{"2020-06-01", "2024-06-01"}
	vRG       = []string{"2021-04-01", "2022-09-01", "2024-03-01", "2025-04-01"}
	vAuth     = []string{"2020-04-01-preview", "2022-04-01"}
	vRoleDefs = []string{"2018-01-01-preview", "2022-04-01"}
)

func ti(t string, versions []string, tracked, inARG bool) *typeInfo {
	return &typeInfo{Type: t, APIVersions: versions, Tracked: tracked, InARG: inARG}
}

// builtinTypes: the generator's types (realistic api versions, including those of
// testdata/arm-examples/manifest.json) and the other example types.
func builtinTypes() map[string]*typeInfo {
	list := []*typeInfo{
		ti("Microsoft.Network/virtualNetworks", vNet, true, true),
		ti("Microsoft.Network/virtualNetworks/subnets", vNet, false, false),
		ti("Microsoft.Network/virtualNetworks/virtualNetworkPeerings", vNet, false, false),
		ti("Microsoft.Network/networkSecurityGroups", vNet, true, true),
		ti("Microsoft.Network/routeTables", vNet, true, true),
		ti("Microsoft.Network/networkInterfaces", vNet, true, true),
		ti("Microsoft.Network/publicIPAddresses", vNet, true, true),
		ti("Microsoft.Network/loadBalancers", vNet, true, true),
		ti("Microsoft.Network/bastionHosts", vNet, true, true),
		ti("Microsoft.Network/natGateways", vNet, true, true),
		ti("Microsoft.Network/applicationGateways", vNet, true, true),
		ti("Microsoft.Network/applicationSecurityGroups", vNet, true, true),
		ti("Microsoft.Network/azureFirewalls", vNet, true, true),
		ti("Microsoft.Network/firewallPolicies", vNet, true, true),
		ti("Microsoft.Network/networkWatchers", vNet, true, true),
		ti("Microsoft.Network/virtualNetworkGateways", vNet, true, true),
		ti("Microsoft.Network/privateEndpoints", vNet, true, true),
		ti("Microsoft.Network/dnsZones", []string{"2018-05-01", "2023-07-01-preview"}, true, true),
		ti("Microsoft.Network/privateDnsZones", vDNS, true, true),
		ti("Microsoft.Network/privateDnsZones/virtualNetworkLinks", vDNS, true, false),
		ti("Microsoft.Compute/virtualMachines", vCompute, true, true),
		ti("Microsoft.Compute/virtualMachines/extensions", vCompute, true, false),
		ti("Microsoft.Compute/disks", vDisk, true, true),
		ti("Microsoft.Compute/snapshots", vDisk, true, true),
		ti("Microsoft.Compute/availabilitySets", vCompute, true, true),
		ti("Microsoft.Compute/images", vCompute, true, true),
		ti("Microsoft.Compute/sshPublicKeys", vCompute, true, true),
		ti("Microsoft.Compute/virtualMachineScaleSets", vCompute, true, true),
		ti("Microsoft.Compute/galleries", []string{"2023-07-03", "2024-03-03"}, true, true),
		ti("Microsoft.Storage/storageAccounts", vStorage, true, true),
		ti("Microsoft.Storage/storageAccounts/blobServices", vStorage, false, false),
		ti("Microsoft.Storage/storageAccounts/blobServices/containers", vStorage, false, false),
		ti("Microsoft.KeyVault/vaults", vKV, true, true),
		ti("Microsoft.Web/serverfarms", vWeb, true, true),
		ti("Microsoft.Web/sites", vWeb, true, true),
		ti("Microsoft.Web/staticSites", vWeb, true, true),
		ti("Microsoft.Sql/servers", vSQL, true, true),
		ti("Microsoft.Sql/servers/databases", vSQL, true, false),
		ti("Microsoft.Sql/servers/firewallRules", vSQL, false, false),
		ti("Microsoft.ContainerService/managedClusters", vAKS, true, true),
		ti("Microsoft.ContainerService/managedClusters/agentPools", vAKS, false, false),
		ti("Microsoft.ContainerRegistry/registries", vACR, true, true),
		ti("Microsoft.ManagedIdentity/userAssignedIdentities", vMSI, true, true),
		ti("Microsoft.OperationalInsights/workspaces", vLA, true, true),
		ti("Microsoft.Insights/diagnosticSettings", []string{"2017-05-01-preview", "2021-05-01-preview"}, false, false),
		ti("Microsoft.Insights/components", []string{"2015-05-01", "2020-02-02"}, true, true),
		ti("Microsoft.Insights/actionGroups", []string{"2022-06-01", "2023-01-01"}, true, true),
		ti("Microsoft.Insights/dataCollectionRules", []string{"2022-06-01", "2023-03-11"}, true, true),
		ti("Microsoft.Insights/metricAlerts", []string{"2018-03-01"}, true, true),
		ti("Microsoft.Authorization/roleAssignments", vAuth, false, false),
		ti("Microsoft.Authorization/roleDefinitions", vRoleDefs, false, false),
		ti("Microsoft.ApiManagement/service", []string{"2023-05-01-preview", "2024-05-01"}, true, true),
		ti("Microsoft.AppConfiguration/configurationStores", []string{"2023-03-01"}, true, true),
		ti("Microsoft.App/containerApps", []string{"2024-03-01", "2025-01-01"}, true, true),
		ti("Microsoft.App/managedEnvironments", []string{"2024-03-01", "2025-01-01"}, true, true),
		ti("Microsoft.Automation/automationAccounts", []string{"2023-11-01"}, true, true),
		ti("Microsoft.Cache/redis", []string{"2023-08-01", "2024-11-01"}, true, true),
		ti("Microsoft.CognitiveServices/accounts", []string{"2023-05-01", "2024-10-01"}, true, true),
		ti("Microsoft.ContainerInstance/containerGroups", []string{"2021-10-01", "2023-05-01"}, true, true),
		ti("Microsoft.DBforMySQL/flexibleServers", []string{"2023-12-30"}, true, true),
		ti("Microsoft.DBforPostgreSQL/flexibleServers", []string{"2022-12-01", "2024-08-01"}, true, true),
		ti("Microsoft.DataFactory/factories", []string{"2018-06-01"}, true, true),
		ti("Microsoft.Databricks/workspaces", []string{"2024-05-01"}, true, true),
		ti("Microsoft.DocumentDB/databaseAccounts", []string{"2024-08-15", "2024-11-15"}, true, true),
		ti("Microsoft.EventGrid/topics", []string{"2022-06-15"}, true, true),
		ti("Microsoft.EventHub/namespaces", []string{"2021-11-01", "2024-01-01"}, true, true),
		ti("Microsoft.EventHub/namespaces/eventhubs", []string{"2021-11-01", "2024-01-01"}, false, false),
		ti("Microsoft.Logic/workflows", []string{"2019-05-01"}, true, true),
		ti("Microsoft.MachineLearningServices/workspaces", []string{"2024-04-01", "2024-10-01"}, true, true),
		ti("Microsoft.RecoveryServices/vaults", []string{"2024-04-01"}, true, true),
		ti("Microsoft.Search/searchServices", []string{"2023-11-01", "2025-05-01"}, true, true),
		ti("Microsoft.ServiceBus/namespaces", []string{"2021-11-01", "2024-01-01", "2026-01-01"}, true, true),
		ti("Microsoft.ServiceBus/namespaces/queues", []string{"2021-11-01", "2024-01-01"}, false, false),
		ti("Microsoft.ServiceBus/namespaces/topics", []string{"2021-11-01", "2024-01-01"}, false, false),
	}
	m := make(map[string]*typeInfo, len(list))
	for _, t := range list {
		// Every version the specs publish for the type, plus the generator's own.
		t.APIVersions = versionsOf(t.Type, t.APIVersions...)
		m[strings.ToLower(t.Type)] = t
	}
	for _, k := range []string{"microsoft.compute/virtualmachines", "microsoft.containerservice/managedclusters", "microsoft.sql/servers/databases"} {
		m[k].LRO = true
	}
	// Microsoft.Network PUTs and DELETEs are async operations (Azure-AsyncOperation).
	for k, t := range m {
		if strings.HasPrefix(k, "microsoft.network/") && k != "microsoft.network/dnszones" && !strings.HasPrefix(k, "microsoft.network/privatednszones") {
			t.LRO, t.AsyncDelete = true, true
		}
	}
	for _, k := range []string{"microsoft.insights/diagnosticsettings", "microsoft.authorization/roleassignments", "microsoft.authorization/roledefinitions"} {
		m[k].Extension = true
	}
	return m
}

// namespaceOf returns "Microsoft.Network" for "Microsoft.Network/virtualNetworks".
func namespaceOf(t string) string {
	if i := strings.IndexByte(t, '/'); i >= 0 {
		return t[:i]
	}
	return t
}

// providerJSON renders GET /subscriptions/{s}/providers[/{ns}] entries.
func providersJSON(types map[string]*typeInfo, onlyNS string) []map[string]any {
	byNS := map[string][]*typeInfo{}
	for _, t := range types {
		ns := namespaceOf(t.Type)
		if onlyNS != "" && !strings.EqualFold(ns, onlyNS) {
			continue
		}
		byNS[ns] = append(byNS[ns], t)
	}
	nss := make([]string, 0, len(byNS))
	for ns := range byNS {
		nss = append(nss, ns)
	}
	sort.Strings(nss)
	out := make([]map[string]any, 0, len(nss))
	for _, ns := range nss {
		ts := byNS[ns]
		sort.Slice(ts, func(i, j int) bool { return ts[i].Type < ts[j].Type })
		rts := make([]map[string]any, 0, len(ts))
		for _, t := range ts {
			// Providers list newest first, as ARM does.
			vs := make([]string, len(t.APIVersions))
			for i, v := range t.APIVersions {
				vs[len(vs)-1-i] = v
			}
			rt := map[string]any{"resourceType": strings.TrimPrefix(t.Type, ns+"/"), "apiVersions": vs, "capabilities": "None"}
			if t.Tracked {
				rt["locations"] = []string{}
			}
			rts = append(rts, rt)
		}
		out = append(out, map[string]any{"id": "/providers/" + ns, "namespace": ns, "registrationState": "Registered",
			"registrationPolicy": "RegistrationRequired", "resourceTypes": rts})
	}
	return out
}
