package model

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/jsonpath"
	"github.com/atg-go/atg/engine/secrets"
)

// readOnlyAnywhere are property names that ARM computes and never accepts, at any depth.
var readOnlyAnywhere = map[string]bool{
	"provisioningstate": true, "resourceguid": true, "etag": true, "systemdata": true,
	"createdat": true, "createddate": true, "creationtime": true, "createdtime": true, "createdon": true,
	"creationdate": true, "changedtime": true, "lastmodified": true, "lastmodifiedtime": true,
	"lastmodifiedtimeutc": true, "lastmodifiedat": true, "lastmodifieddate": true, "lastmodifiedby": true,
	"lastupdatedtime": true, "lastupdatedon": true, "timecreated": true, "datecreated": true,
	"instanceview": true, "statuses": true, "status": true, "state": true, "provisioningstatus": true,
	"uniqueid": true, "vmid": true, "migrationstate": true, "updatedat": true, "updatedon": true,
	"fullyqualifieddomainname": true, "fqdn": true, "privatefqdn": true, "azureportalfqdn": true,
	"createdby": true, "createdbytype": true, "timemodified": true, "lastmodifiedbytype": true,
	"createddatetime": true, "immutableid": true, "lastmodifieddatetime": true, "earliestrestoredate": true, "sourceuniqueid": true,
}

// readOnlyPaths are nested read-only properties per type (dotted, arrays traversed), found by
// planning the example tenant against azapi's embedded schemas.
var readOnlyPaths = map[string][]string{
	"microsoft.dbformysql/flexibleservers":   {"storage.storageSku"},
	"microsoft.recoveryservices/vaults":      {"securitySettings.multiUserAuthorization"},
	"microsoft.insights/datacollectionrules": {"destinations.logAnalytics.workspaceId"},
	"microsoft.logic/workflows":              {"accessControl.triggers.sasAuthenticationPolicy"},
	"microsoft.insights/components":          {"LinkedStorages"},
}

// readOnlySKU lists sku fields a type's PUT does not take.
var readOnlySKU = map[string][]string{
	"microsoft.containerregistry/registries": {"tier"},
	"microsoft.compute/disks":                {"tier"},
	"microsoft.compute/snapshots":            {"tier"},
}

// ReadOnlySKUFields returns the sku fields to drop for a lower-cased type.
func ReadOnlySKUFields(typ string) []string { return readOnlySKU[typ] }

// stateWritable lists types whose properties.state/status is writable (kept).
var stateWritable = map[string]bool{
	"microsoft.logic/workflows":                             true,
	"microsoft.servicebus/namespaces/queues":                true,
	"microsoft.servicebus/namespaces/topics":                true,
	"microsoft.eventhub/namespaces/eventhubs":               true,
	"microsoft.insights/activitylogalerts":                  true,
	"microsoft.network/virtualnetworkgateways":              false,
	"microsoft.sql/servers/databases/securityalertpolicies": true,
	"microsoft.apimanagement/service/products":              true,
	"microsoft.alertsmanagement/smartdetectoralertrules":    true,
}

// writableNested are nested properties (dotted, from properties, no indexes) that share a name
// with readOnlyAnywhere but are writable — required, even — for their type.
var writableNested = map[string]map[string]bool{
	"microsoft.machinelearningservices/workspaces": {"encryption.status": true},
	// a backend pool's members by host name (App Service backends)
	"microsoft.network/applicationgateways": {"backendAddressPools.properties.backendAddresses.fqdn": true},
	// a WAF policy's switches: the policy, its log scrubbing and rules, its custom rules and
	// overridden managed rules are each enabled or disabled by a "state"
	"microsoft.network/applicationgatewaywebapplicationfirewallpolicies": {"policySettings.state": true,
		"policySettings.logScrubbing.state": true, "policySettings.logScrubbing.scrubbingRules.state": true,
		"customRules.state": true, "managedRules.managedRuleSets.ruleGroupOverrides.rules.state": true},
}

// plainPath turns properties.a[0].b into a.b.
func plainPath(p string) string {
	p = strings.TrimPrefix(p, "properties.")
	if !strings.Contains(p, "[") {
		return p
	}
	var b strings.Builder
	skip := false
	for _, r := range p {
		switch {
		case r == '[':
			skip = true
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// readOnlyByType are top-level property names that a type's GET returns but a PUT does not take
// (or that point back at resources that reference this one, which would make cycles).
var readOnlyByType = map[string][]string{
	"microsoft.storage/storageaccounts": {"primaryEndpoints", "secondaryEndpoints", "primaryLocation",
		"secondaryLocation", "statusOfPrimary", "statusOfSecondary", "lastGeoFailoverTime", "keyCreationTime",
		"geoReplicationStats", "blobRestoreStatus", "privateEndpointConnections"},
	"microsoft.web/sites": {"hostNames", "enabledHostNames", "availabilityState", "usageState", "repositorySiteName",
		"outboundIpAddresses", "possibleOutboundIpAddresses", "defaultHostName", "resourceGroup", "hostNameSslStates",
		"suspendedTill", "maxNumberOfWorkers", "cloningInfo", "isDefaultContainer", "trafficManagerHostNames",
		"slotSwapStatus", "inProgressOperationId", "customDomainVerificationId", "sku", "targetSwapSlot",
		"containerSize", "dailyMemoryTimeQuota", "siteDisabledReason", "lastModifiedTimeUtc", "isXenon", "hyperV",
		"selfLink", "privateEndpointConnections", "workloadProfileName", "resourceConfig", "hostNamesDisabled"},
	"microsoft.web/serverfarms": {"numberOfSites", "numberOfWorkers", "geoRegion", "resourceGroup", "subscription",
		"maximumNumberOfWorkers", "status", "provisioningState", "adminSiteName", "webSpace", "existingServerFarmIds"},
	"microsoft.web/staticsites": {"defaultHostname", "customDomains", "privateEndpointConnections", "userProvidedFunctionApps",
		"linkedBackends", "contentDistributionEndpoint", "keyVaultReferenceIdentity", "databaseConnections"},
	"microsoft.network/networksecuritygroups": {"subnets", "networkInterfaces", "defaultSecurityRules", "flowLogs"},
	"microsoft.network/routetables":           {"subnets"},
	"microsoft.network/publicipaddresses":     {"ipConfiguration", "ipAddress", "natGateway", "linkedPublicIPAddress", "servicePublicIPAddress"},
	"microsoft.network/networkinterfaces": {"virtualMachine", "macAddress", "primary", "privateEndpoint", "hostedWorkloads",
		"tapConfigurations", "dscpConfiguration", "vnetEncryptionSupported", "privateLinkService", "defaultOutboundConnectivityEnabled"},
	"microsoft.network/virtualnetworks/subnets": {"ipConfigurations", "privateEndpoints", "serviceAssociationLinks",
		"resourceNavigationLinks", "ipConfigurationProfiles", "purpose", "applicationGatewayIPConfigurations"},
	"microsoft.network/natgateways":               {"subnets", "publicIpAddresses"},
	"microsoft.network/privateendpoints":          {"networkInterfaces", "customDnsConfigs"},
	"microsoft.network/applicationsecuritygroups": {},
	"microsoft.network/dnszones":                  {"maxNumberOfRecordSets", "numberOfRecordSets", "nameServers", "maxNumberOfRecordsPerRecordSet"},
	"microsoft.network/privatednszones": {"maxNumberOfRecordSets", "numberOfRecordSets", "maxNumberOfVirtualNetworkLinks",
		"numberOfVirtualNetworkLinks", "maxNumberOfVirtualNetworkLinksWithRegistration", "numberOfVirtualNetworkLinksWithRegistration",
		"internalId"},
	"microsoft.network/privatednszones/virtualnetworklinks": {"virtualNetworkLinkState"},
	"microsoft.network/virtualnetworks/virtualnetworkpeerings": {"peeringState", "peeringSyncLevel", "remoteVirtualNetworkAddressSpace",
		"remoteAddressSpace", "remoteBgpCommunities", "remoteVirtualNetworkEncryption"},
	"microsoft.network/bastionhosts":           {"dnsName"},
	"microsoft.network/applicationgateways":    {"operationalState", "privateEndpointConnections", "defaultPredefinedSslPolicy"},
	"microsoft.network/azurefirewalls":         {"hubIPAddresses"},
	"microsoft.network/firewallpolicies":       {"firewalls", "childPolicies", "ruleCollectionGroups"},
	"microsoft.network/virtualnetworkgateways": {"inboundDnsForwardingEndpoint"},
	// read-only lists of what points at the resource (each names it in a writable property)
	"microsoft.network/virtualwans":             {"vpnSites", "virtualHubs"},
	"microsoft.network/vpnserverconfigurations": {"p2SVpnGateways"},
	"microsoft.network/privatelinkservices":     {"networkInterfaces", "alias"},
	"microsoft.network/virtualhubs":             {"vpnGateway", "p2SVpnGateway", "expressRouteGateway", "azureFirewall", "securityPartnerProvider", "bgpConnections", "ipConfigurations", "routeMaps", "virtualRouterIps"},
	"microsoft.network/expressroutecircuits":    {"stag", "serviceProviderProvisioningState"},
	"microsoft.keyvault/vaults":                 {"vaultUri", "hsmPoolResourceId", "privateEndpointConnections"},
	"microsoft.compute/disks": {"diskState", "uniqueId", "diskSizeBytes", "timeCreated", "shareInfo", "propertyUpdatesInProgress",
		"lastOwnershipUpdateTime", "diskIOPSReadOnly", "diskMBpsReadOnly"},
	"microsoft.compute/snapshots":               {"diskState", "uniqueId", "diskSizeBytes", "timeCreated", "completionPercent"},
	"microsoft.compute/availabilitysets":        {"virtualMachines", "statuses"},
	"microsoft.compute/virtualmachines":         {"vmId", "timeCreated"},
	"microsoft.compute/virtualmachinescalesets": {"uniqueId", "timeCreated"},
	"microsoft.compute/galleries":               {"sharingStatus"},
	"microsoft.sql/servers":                     {"fullyQualifiedDomainName", "privateEndpointConnections", "workspaceFeature", "externalAdministratorLogin"},
	"microsoft.sql/servers/databases": {"databaseId", "currentServiceObjectiveName", "requestedServiceObjectiveName", "defaultSecondaryLocation",
		"earliestRestoreDate", "currentSku", "currentBackupStorageRedundancy", "maxLogSizeBytes", "resumedDate", "pausedDate",
		"failoverGroupId", "isInfraEncryptionEnabled", "status"},
	"microsoft.containerregistry/registries": {"loginServer", "privateEndpointConnections", "dataEndpointHostNames"},
	"microsoft.containerservice/managedclusters": {"fqdn", "azurePortalFQDN", "privateFQDN", "maxAgentPools", "currentKubernetesVersion",
		"powerState", "identityProfile", "nodeResourceGroupProfile"},
	"microsoft.documentdb/databaseaccounts": {"documentEndpoint", "readLocations", "writeLocations", "failoverPolicies",
		"privateEndpointConnections", "instanceId", "keysMetadata"},
	"microsoft.cache/redis":                    {"hostName", "port", "sslPort", "accessKeys", "linkedServers", "instances", "privateEndpointConnections"},
	"microsoft.eventhub/namespaces":            {"serviceBusEndpoint", "metricId", "privateEndpointConnections", "clusterArmId"},
	"microsoft.servicebus/namespaces":          {"serviceBusEndpoint", "metricId", "privateEndpointConnections"},
	"microsoft.eventhub/namespaces/eventhubs":  {"partitionIds"},
	"microsoft.servicebus/namespaces/queues":   {"sizeInBytes", "messageCount", "countDetails", "accessedAt"},
	"microsoft.servicebus/namespaces/topics":   {"sizeInBytes", "subscriptionCount", "countDetails", "accessedAt"},
	"microsoft.operationalinsights/workspaces": {"customerId", "privateLinkScopedResources"},
	"microsoft.insights/components": {"AppId", "ApplicationId", "InstrumentationKey", "ConnectionString", "CreationDate",
		"TenantId", "Name", "HockeyAppId", "HockeyAppToken", "LaMigrationDate", "PrivateLinkScopedResources"},
	"microsoft.managedidentity/userassignedidentities": {"principalId", "clientId", "tenantId"},
	"microsoft.app/managedenvironments":                {"defaultDomain", "staticIp", "deploymentErrors", "eventStreamEndpoint", "customDomainConfiguration"},
	"microsoft.app/containerapps":                      {"latestRevisionName", "latestReadyRevisionName", "latestRevisionFqdn", "customDomainVerificationId", "outboundIpAddresses", "eventStreamEndpoint", "runningStatus"},
	"microsoft.dbforpostgresql/flexibleservers":        {"fullyQualifiedDomainName", "minorVersion", "replicaCapacity", "privateEndpointConnections"},
	"microsoft.dbformysql/flexibleservers":             {"fullyQualifiedDomainName", "replicaCapacity", "privateEndpointConnections"},
	"microsoft.apimanagement/service": {"gatewayUrl", "gatewayRegionalUrl", "portalUrl", "managementApiUrl", "scmUrl", "developerPortalUrl",
		"publicIPAddresses", "privateIPAddresses", "targetProvisioningState", "createdAtUtc", "platformVersion"},
	"microsoft.search/searchservices":                {"privateEndpointConnections", "sharedPrivateLinkResources"},
	"microsoft.cognitiveservices/accounts":           {"endpoint", "endpoints", "capabilities", "internalId", "dateCreated", "callRateLimit", "quotaLimit", "skuChangeInfo", "isMigrated", "abusePenalty"},
	"microsoft.appconfiguration/configurationstores": {"endpoint", "privateEndpointConnections"},
	"microsoft.automation/automationaccounts":        {"lastModifiedBy", "automationHybridServiceUrl"},
	"microsoft.recoveryservices/vaults":              {"privateEndpointConnections", "privateEndpointStateForBackup", "privateEndpointStateForSiteRecovery", "backupStorageVersion", "moveDetails", "moveState", "secureScore", "bcdrSecurityLevel"},
	"microsoft.eventgrid/topics":                     {"endpoint", "metricResourceId", "privateEndpointConnections"},
	"microsoft.machinelearningservices/workspaces":   {"workspaceId", "serviceProvisionedResourceGroup", "privateLinkCount", "notebookInfo", "tenantId", "storageHnsEnabled", "mlFlowTrackingUri", "discoveryUrl", "privateEndpointConnections"},
	"microsoft.databricks/workspaces":                {"workspaceId", "workspaceUrl", "createdBy", "updatedBy", "privateEndpointConnections", "isUcEnabled", "diskEncryptionSetId"},
	"microsoft.datafactory/factories":                {"createTime", "version"},
	"microsoft.containerinstance/containergroups":    {"instanceView"},
	"microsoft.logic/workflows":                      {"accessEndpoint", "endpointsConfiguration", "version", "sku"},
	"microsoft.insights/actiongroups":                {},
	"microsoft.network/loadbalancers":                {},
	"microsoft.network/networkwatchers":              {},
	"microsoft.authorization/roleassignments":        {"createdOn", "updatedOn", "createdBy", "updatedBy", "scope"},
	"microsoft.authorization/roledefinitions":        {"createdOn", "updatedOn", "createdBy", "updatedBy"},
}

// readOnlyTopLevel are top-level property names that are read-only for every type that has them:
// lists of what is attached to the resource (each a resource of its own, pointing back here).
var readOnlyTopLevel = map[string]bool{"privateendpointconnections": true}

// nestedBackRefs are names of nested arrays that list resources pointing back (read-only).
var nestedBackRefs = map[string]bool{
	"backendipconfigurations": true, "ipconfigurations": false,
}

// forwardRefLists are lists of the resource's own sub-resources that are writable references,
// not read-only back-references (an outbound rule's frontends, an SSL profile's trusted
// certificates, a VPN link's NAT rules): isBackRefList must not drop them.
var forwardRefLists = map[string]bool{
	"frontendipconfigurations": true, "trustedclientcertificates": true, "trustedrootcertificates": true,
	"backendaddresspools": true, "sslcertificates": true, "rewriterulesets": true,
	// a VPN gateway's connection links name the gateway's own NAT rules they apply
	"ingressnatrules": true, "egressnatrules": true,
}

// isSecretKey reports whether a property named k with a string value is a secret (the names are
// engine/secrets' table; "value" is judged with its sibling name).
func isSecretKey(k string) bool {
	return !strings.EqualFold(k, "value") && secrets.IsSecretKey(k)
}

// keyVaultRefRE matches App Service Key Vault references: not a secret, but a pointer into a
// vault the target does not have.
var keyVaultRefRE = regexp.MustCompile(`(?i)^@microsoft\.keyvault\(`)

// isSecretValue reports whether a string must be removed whatever its name. Values that carry a
// credential are not removed here: the model replaces them with input variables (secrets.go).
func isSecretValue(s string) bool {
	return strings.HasPrefix(s, "@") && keyVaultRefRE.MatchString(s)
}

// cleaner strips read-only fields and secrets from one resource's body.
type cleaner struct {
	selfLower string
	typ       string
	key       string
	dropped   []Dropped
}

func (c *cleaner) drop(path, reason string) {
	c.dropped = append(c.dropped, Dropped{Key: c.key, Path: path, Reason: reason})
}

// cleanProperties returns the writable, secret-free copy of props.
func (c *cleaner) cleanProperties(props map[string]any) map[string]any {
	out := c.cleanMap(props, "properties", true)
	for _, p := range readOnlyPaths[c.typ] {
		jsonpath.DeleteAll(out, p)
	}
	for kk := range out {
		if readOnlyTopLevel[strings.ToLower(kk)] {
			delete(out, kk)
		}
	}
	for _, k := range readOnlyByType[c.typ] {
		for kk := range out {
			if strings.EqualFold(kk, k) {
				delete(out, kk)
			}
		}
	}
	return out
}

func (c *cleaner) cleanMap(m map[string]any, path string, top bool) map[string]any {
	out := make(map[string]any, len(m))
	// a sub-resource declared inline (id under our own id + name): its id/etag/type are derived
	selfSub := false
	if id, ok := m["id"].(string); ok && c.selfLower != "" {
		name, hasName := m["name"].(string)
		_, hasProps := m["properties"]
		switch {
		case hasName && strings.HasPrefix(strings.ToLower(id), c.selfLower+"/"):
			selfSub = true
		case hasName && hasProps && name != "" && strings.HasSuffix(strings.ToLower(id), "/"+strings.ToLower(name)):
			// an inline sub-resource declaration (name + properties) whose id only repeats its name
			selfSub = true
		}
	}
	// a reference object {id, name, type}: only the id is writable
	refObj := false
	if id, ok := m["id"].(string); ok && armid.LooksLike(id) && !selfSub {
		if t, ok := m["type"].(string); ok && strings.Contains(t, "/") {
			if p, ok := armid.Parse(id); ok && strings.EqualFold(p.Type(), t) {
				refObj = true
			}
		}
	}
	// name/value settings (appSettings, env vars): drop the value of secret-looking names
	settingName, _ := m["name"].(string)
	secretSetting := settingName != "" && isSecretName(settingName)
	keys := sortedKeys(m)
	for _, k := range keys {
		v := m[k]
		lk := strings.ToLower(k)
		p := path + "." + k
		if readOnlyAnywhere[lk] {
			if (lk == "state" || lk == "status") && top && stateWritable[c.typ] || writableNested[c.typ][plainPath(p)] {
				// writable here
			} else {
				continue
			}
		}
		if selfSub && (lk == "id" || lk == "type") {
			continue
		}
		if refObj && (lk == "type" || lk == "name") {
			continue
		}
		if arr, ok := v.([]any); ok && !forwardRefLists[lk] && c.isBackRefList(arr) {
			continue
		}
		if nestedBackRefs[lk] && !top {
			continue
		}
		if s, ok := v.(string); ok {
			if s != "" && isSecretKey(k) {
				c.drop(p, "secret value")
				continue
			}
			if isSecretValue(s) {
				c.drop(p, "Key Vault reference (the vault's secret is not copied)")
				continue
			}
			if lk == "value" && secretSetting && s != "" {
				c.drop(p, "secret setting value ("+settingName+")")
				continue
			}
		}
		out[k] = c.cleanValue(v, p)
	}
	return out
}

func (c *cleaner) cleanValue(v any, path string) any {
	switch t := v.(type) {
	case map[string]any:
		return c.cleanMap(t, path, false)
	case []any:
		out := make([]any, 0, len(t))
		for i, x := range t {
			out = append(out, c.cleanValue(x, path+"["+strconv.Itoa(i)+"]"))
		}
		return out
	default:
		return v
	}
}

// isBackRefList reports whether arr is a non-empty list of {"id": <our own sub-resource>} objects:
// read-only lists of what points at a sub-resource (rules of a frontend, configs of a pool).
func (c *cleaner) isBackRefList(arr []any) bool {
	if len(arr) == 0 || c.selfLower == "" {
		return false
	}
	for _, x := range arr {
		m, ok := x.(map[string]any)
		if !ok || len(m) != 1 {
			return false
		}
		id, ok := m["id"].(string)
		if !ok || !strings.HasPrefix(strings.ToLower(id), c.selfLower+"/") {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// SortedKeys returns the keys of m in order (exported for emitters).
func SortedKeys[V any](m map[string]V) []string { return sortedKeys(m) }

// deepCopy copies a JSON value.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = deepCopy(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = deepCopy(x)
		}
		return out
	default:
		return v
	}
}

func isSecretName(n string) bool { return secrets.IsSecretSetting(n) }
