package sim

import "strings"

// serverDefaults are the properties Azure fills in a resource's body when a PUT omits them and
// returns on every GET; clients (the Terraform providers) read them unconditionally, and a
// provider's plan after import shows a change wherever the simulator left one out. Paths are
// relative to "properties" ("a.b" nests, "a[].b" is every element of array a; a path through
// something absent creates the maps, never an array). Applied to generated resources and to PUT
// bodies; a value the body has is kept.
var serverDefaults = map[string][]pathDefault{
	"microsoft.compute/disks": {{"publicNetworkAccess", "Enabled"}, {"networkAccessPolicy", "AllowAll"}},
	"microsoft.storage/storageaccounts": {{"statusOfPrimary", "available"}, {"supportsHttpsTrafficOnly", true}, {"minimumTlsVersion", "TLS1_0"},
		{"allowBlobPublicAccess", false}, {"networkAcls.bypass", "AzureServices"}, {"networkAcls.defaultAction", "Allow"},
		{"networkAcls.ipRules", []any{}}, {"networkAcls.virtualNetworkRules", []any{}},
		{"encryption.keySource", "Microsoft.Storage"}, {"encryption.services.blob.enabled", true}, {"encryption.services.blob.keyType", "Account"},
		{"encryption.services.file.enabled", true}, {"encryption.services.file.keyType", "Account"}},
	"microsoft.containerregistry/registries": {{"networkRuleBypassOptions", "AzureServices"}, {"roleAssignmentMode", "LegacyRegistryPermissions"},
		{"policies.exportPolicy.status", "enabled"}, {"policies.azureADAuthenticationAsArmPolicy.status", "enabled"}},
	"microsoft.containerservice/managedclusters": {{"supportPlan", "KubernetesOfficial"}, {"networkProfile.outboundType", "loadBalancer"},
		{"autoUpgradeProfile.nodeOSUpgradeChannel", "NodeImage"}, {"nodeProvisioningProfile.mode", "Manual"},
		{"nodeProvisioningProfile.defaultNodePools", "Auto"}, {"oidcIssuerProfile.enabled", true}},
	"microsoft.sql/servers/databases":                          {{"status", "Online"}},
	"microsoft.operationalinsights/workspaces":                 {{"features.disableLocalAuth", false}},
	"microsoft.app/containerapps":                              {{"template.scale.pollingInterval", 30}, {"template.scale.cooldownPeriod", 300}},
	"microsoft.network/virtualnetworks":                        {{"privateEndpointVNetPolicies", "Disabled"}, {"enableDdosProtection", false}},
	"microsoft.network/virtualnetworks/virtualnetworkpeerings": {{"peerCompleteVnets", true}, {"enableOnlyIPv6Peering", false}},
	"microsoft.web/sites": {{"clientCertEnabled", false}, {"clientCertMode", "Required"}, {"httpsOnly", false},
		{"publicNetworkAccess", "Enabled"}, {"keyVaultReferenceIdentity", "SystemAssigned"}, {"endToEndEncryptionEnabled", false}},
	"microsoft.compute/virtualmachines":                     {{"storageProfile.diskControllerType", "SCSI"}, {"storageProfile.dataDisks[].toBeDetached", false}},
	"microsoft.network/networkinterfaces":                   {{"nicType", "Standard"}},
	"microsoft.keyvault/vaults":                             {{"softDeleteRetentionInDays", 90}, {"enableSoftDelete", true}},
	"microsoft.network/bastionhosts":                        {{"ipConfigurations[].properties.privateIPAllocationMethod", "Dynamic"}},
	"microsoft.documentdb/databaseaccounts":                 {{"createMode", "Default"}},
	"microsoft.containerservice/managedclusters/agentpools": {{"powerState.code", "Running"}},
	// retention in diagnostic settings is retired but still returned, off, on every category
	"microsoft.insights/diagnosticsettings": {{"logs[].retentionPolicy.enabled", false}, {"logs[].retentionPolicy.days", 0},
		{"metrics[].retentionPolicy.enabled", false}, {"metrics[].retentionPolicy.days", 0}},
	// a connection the requester may approve is approved on creation
	"microsoft.network/privateendpoints": {{"privateLinkServiceConnections[].properties.privateLinkServiceConnectionState.status", "Approved"},
		{"privateLinkServiceConnections[].properties.privateLinkServiceConnectionState.description", "Auto-Approved"},
		{"privateLinkServiceConnections[].properties.privateLinkServiceConnectionState.actionsRequired", "None"}},
	// the LB's child collections are always present (azurerm's lb_probe/lb_rule/… create append to them)
	"microsoft.network/loadbalancers": {{"probes", []any{}}, {"loadBalancingRules", []any{}}, {"backendAddressPools", []any{}},
		{"inboundNatRules", []any{}}, {"inboundNatPools", []any{}}, {"outboundRules", []any{}}, {"probes[].properties.probeThreshold", 1},
		{"loadBalancingRules[].properties.loadDistribution", "Default"},
		{"frontendIPConfigurations[].properties.privateIPAllocationMethod", "Dynamic"}},
}

// serverComputed fills what Azure derives from the resource itself (its name, its location) when
// a body lacks it.
var serverComputed = map[string]func(body, props map[string]any){
	"microsoft.keyvault/vaults": func(body, props map[string]any) {
		if name, _ := body["name"].(string); name != "" && props["vaultUri"] == nil {
			props["vaultUri"] = "https://" + name + ".vault.azure.net/"
		}
	},
	"microsoft.storage/storageaccounts": func(body, props map[string]any) {
		name, _ := body["name"].(string)
		if _, ok := props["primaryEndpoints"]; !ok && name != "" {
			ep := map[string]any{}
			for _, svc := range []string{"blob", "dfs", "file", "queue", "table"} {
				ep[svc] = "https://" + name + "." + svc + ".core.windows.net/"
			}
			ep["web"] = "https://" + name + ".z13.web.core.windows.net/"
			props["primaryEndpoints"] = ep
		}
		if _, ok := props["primaryLocation"]; !ok && body["location"] != nil {
			props["primaryLocation"] = body["location"]
		}
	},
}

type pathDefault struct {
	path  string
	value any
}

// fillServerDefaults sets the defaults of type ltyp that the body's props lack.
func fillServerDefaults(ltyp string, body, props map[string]any) {
	for _, d := range serverDefaults[ltyp] {
		setDefault(props, strings.Split(d.path, "."), d.value)
	}
	if f := serverComputed[ltyp]; f != nil {
		f(body, props)
	}
}

func setDefault(m map[string]any, path []string, v any) {
	key, each := strings.CutSuffix(path[0], "[]")
	if each {
		for _, el := range arrOf(m[key]) {
			if em, ok := el.(map[string]any); ok && len(path) > 1 {
				setDefault(em, path[1:], v)
			}
		}
		return
	}
	if len(path) == 1 {
		if _, ok := m[key]; !ok {
			m[key] = deepCopy(v)
		}
		return
	}
	next, ok := m[key].(map[string]any)
	if !ok {
		if m[key] != nil {
			return // not an object: leave it
		}
		next = map[string]any{}
		m[key] = next
	}
	setDefault(next, path[1:], v)
}

func arrOf(v any) []any {
	a, _ := v.([]any)
	return a
}
