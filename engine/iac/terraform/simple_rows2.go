package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

func init() { registerSimpleRows(simpleRows2) }

// skuBlock writes sku { name, capacity } from the envelope's sku.
func skuBlock(e *emitter, b *hclwrite.Body, r *model.Resource) {
	sb := b.AppendNewBlock("sku", nil).Body()
	e.set(sb, "name", s(r.SKU["name"]))
	e.set(sb, "capacity", r.SKU["capacity"])
}

func needSKU(withCapacity bool) func(r *model.Resource) string {
	return func(r *model.Resource) string {
		if s(r.SKU["name"]) == "" || withCapacity && r.SKU["capacity"] == nil {
			return "the sku (name and capacity) the typed resource requires is missing"
		}
		return ""
	}
}

func needIdentity(r *model.Resource) string {
	if r.Identity == nil {
		return "the typed resource requires a managed identity and the resource has none"
	}
	return ""
}

func withIdentity(row simpleRow) simpleRow {
	row.Identity = true
	return row
}

func withCheck(row simpleRow, c func(r *model.Resource) string) simpleRow {
	row.Check = c
	return row
}

func withExtra(row simpleRow, x func(e *emitter, b *hclwrite.Body, r *model.Resource), sets ...string) simpleRow {
	row.Extra = x
	row.Sets = sets
	return row
}

// skuSets is what skuBlock writes.
const skuSets = "sku"

func nsgRule(e *emitter, b *hclwrite.Body, r *model.Resource) {
	p := r.Body
	portRange(b, e, p, "source_port_range", "source_port_ranges", "sourcePortRange", "sourcePortRanges")
	portRange(b, e, p, "destination_port_range", "destination_port_ranges", "destinationPortRange", "destinationPortRanges")
	portRange(b, e, p, "source_address_prefix", "source_address_prefixes", "sourceAddressPrefix", "sourceAddressPrefixes")
	portRange(b, e, p, "destination_address_prefix", "destination_address_prefixes", "destinationAddressPrefix", "destinationAddressPrefixes")
	e.set(b, "source_application_security_group_ids", idsOf(p["sourceApplicationSecurityGroups"]))
	e.set(b, "destination_application_security_group_ids", idsOf(p["destinationApplicationSecurityGroups"]))
}

// nsgRuleSets are the arguments nsgRule writes.
var nsgRuleSets = []string{"source_port_range", "source_port_ranges", "destination_port_range", "destination_port_ranges",
	"source_address_prefix", "source_address_prefixes", "destination_address_prefix", "destination_address_prefixes",
	"source_application_security_group_ids", "destination_application_security_group_ids"}

// nsgRuleReads are the properties nsgRule expresses.
var nsgRuleReads = []string{"sourcePortRange", "sourcePortRanges", "destinationPortRange", "destinationPortRanges",
	"sourceAddressPrefix", "sourceAddressPrefixes", "destinationAddressPrefix", "destinationAddressPrefixes",
	"sourceApplicationSecurityGroups", "destinationApplicationSecurityGroups"}

// cosmosChild maps a Cosmos DB database/keyspace/table whose resource is just its id.
func cosmosChild(tf string) simpleRow {
	return simpleRow{TF: tf, Place: names, NameAttrs: []string{"account_name"},
		Args: []arg{{TF: "throughput", ARM: "options.throughput", C: cNum}}, Reads: []string{"resource"},
		Check: func(r *model.Resource) string {
			res, _ := jsonpath.GetFold(r.Body, "resource").(map[string]any)
			for _, k := range model.SortedKeys(res) {
				if k != "id" && !strings.HasPrefix(k, "_") {
					return "resource." + k + " is not expressed"
				}
			}
			return ""
		}}
}

var simpleRows2 = map[string]simpleRow{
	"microsoft.network/networksecuritygroups/securityrules": {TF: "azurerm_network_security_rule", Place: names,
		NameAttrs: []string{"network_security_group_name"}, Args: []arg{
			{TF: "protocol", ARM: "protocol", Required: true}, {TF: "access", ARM: "access", Required: true},
			{TF: "priority", ARM: "priority", C: cNum, Required: true}, {TF: "direction", ARM: "direction", Required: true},
			{TF: "description", ARM: "description"}}, Extra: nsgRule, Sets: nsgRuleSets, Reads: nsgRuleReads},
	"microsoft.storage/storageaccounts/encryptionscopes": {TF: "azurerm_storage_encryption_scope", Place: parentID,
		ParentAttr: "storage_account_id", Args: []arg{{TF: "source", ARM: "source", Required: true},
			{TF: "key_vault_key_id", ARM: "keyVaultProperties.keyUri"},
			{TF: "infrastructure_encryption_required", ARM: "requireInfrastructureEncryption", C: cBool}},
		Check: func(r *model.Resource) string {
			if strings.EqualFold(s(jsonpath.GetFold(r.Body, "source")), "Microsoft.KeyVault") && jsonpath.GetFold(r.Body, "keyVaultProperties.keyUri") == nil {
				return "a Key Vault encryption scope without its key URI"
			}
			return ""
		}},
	"microsoft.documentdb/databaseaccounts/sqldatabases":       cosmosChild("azurerm_cosmosdb_sql_database"),
	"microsoft.documentdb/databaseaccounts/mongodbdatabases":   cosmosChild("azurerm_cosmosdb_mongo_database"),
	"microsoft.documentdb/databaseaccounts/cassandrakeyspaces": cosmosChild("azurerm_cosmosdb_cassandra_keyspace"),
	"microsoft.documentdb/databaseaccounts/gremlindatabases":   cosmosChild("azurerm_cosmosdb_gremlin_database"),
	"microsoft.documentdb/databaseaccounts/tables":             cosmosChild("azurerm_cosmosdb_table"),
	"microsoft.sql/servers/dnsaliases": {TF: "azurerm_mssql_server_dns_alias", Place: parentID, ParentAttr: "mssql_server_id",
		Ignore: []string{"azureDnsRecord"}},
	"microsoft.sql/servers/outboundfirewallrules": {TF: "azurerm_mssql_outbound_firewall_rule", Place: parentID,
		ParentAttr: "server_id"},
	"microsoft.relay/namespaces/hybridconnections": {TF: "azurerm_relay_hybrid_connection", Place: names,
		NameAttrs: []string{"relay_namespace_name"}, Args: []arg{
			{TF: "requires_client_authorization", ARM: "requiresClientAuthorization", C: cBool}, {TF: "user_metadata", ARM: "userMetadata"}},
		Ignore: []string{"listenerCount"}},
	"microsoft.relay/namespaces/authorizationrules": {TF: "azurerm_relay_namespace_authorization_rule", Place: names,
		NameAttrs: []string{"namespace_name"}, Extra: authRights, Sets: rightsAttrs, Reads: []string{"rights"}},
	"microsoft.relay/namespaces/hybridconnections/authorizationrules": {TF: "azurerm_relay_hybrid_connection_authorization_rule",
		Place: names, NameAttrs: []string{"namespace_name", "hybrid_connection_name"}, Extra: authRights, Sets: rightsAttrs, Reads: []string{"rights"}},
	"microsoft.notificationhubs/namespaces/notificationhubs": {TF: "azurerm_notification_hub", Place: names,
		NameAttrs: []string{"namespace_name"}, Location: true, Tags: true, Check: registrationTTLCheck, Reads: []string{"registrationTtl"}},
	"microsoft.notificationhubs/namespaces/notificationhubs/authorizationrules": {TF: "azurerm_notification_hub_authorization_rule",
		Place: names, NameAttrs: []string{"namespace_name", "notification_hub_name"}, Extra: authRights, Sets: rightsAttrs, Reads: []string{"rights"},
		Ignore: []string{"claimType", "claimValue", "keyName", "modifiedTime", "createdTime", "revision"}},
	"microsoft.servicebus/namespaces/topics/subscriptions/rules": {TF: "azurerm_servicebus_subscription_rule", Place: parentID,
		ParentAttr: "subscription_id", Args: []arg{{TF: "filter_type", ARM: "filterType", Required: true},
			{TF: "sql_filter", ARM: "sqlFilter.sqlExpression"}},
		Check: func(r *model.Resource) string {
			if !strings.EqualFold(s(jsonpath.GetFold(r.Body, "filterType")), "SqlFilter") || jsonpath.GetFold(r.Body, "sqlFilter.sqlExpression") == nil {
				return "only SQL filter rules are expressed"
			}
			if jsonpath.GetFold(r.Body, "action.sqlExpression") != nil {
				return "rule actions are not expressed"
			}
			return ""
		}},
	"microsoft.signalrservice/signalr": withCheck(withExtra(rgRow("azurerm_signalr_service"), skuBlock, skuSets), needSKU(true)),
	"microsoft.signalrservice/webpubsub": rgRow("azurerm_web_pubsub", arg{TF: "sku", ARM: "$sku.name", Required: true},
		arg{TF: "capacity", ARM: "$sku.capacity", C: cNum}),
	"microsoft.synapse/workspaces/firewallrules": {TF: "azurerm_synapse_firewall_rule", Place: parentID, ParentAttr: "synapse_workspace_id",
		Args: ipRange("startIpAddress", "endIpAddress")},
	"microsoft.synapse/privatelinkhubs": rgRow("azurerm_synapse_private_link_hub"),
	"microsoft.databricks/workspaces": withExtra(rgRow("azurerm_databricks_workspace", arg{TF: "sku", ARM: "$sku.name", Required: true},
		arg{TF: "public_network_access_enabled", ARM: "publicNetworkAccess", C: cEnabled}),
		func(e *emitter, b *hclwrite.Body, r *model.Resource) {
			if id := s(jsonpath.GetFold(r.Body, "managedResourceGroupId")); id != "" {
				e.set(b, "managed_resource_group_name", id[strings.LastIndexByte(id, '/')+1:])
			}
		}, "managed_resource_group_name"),
	"microsoft.powerbidedicated/capacities": rgRow("azurerm_powerbi_embedded", arg{TF: "sku_name", ARM: "$sku.name", Required: true},
		arg{TF: "administrators", ARM: "administration.members", C: cStrList, Required: true}),
	"microsoft.analysisservices/servers": rgRow("azurerm_analysis_services_server", arg{TF: "sku", ARM: "$sku.name", Required: true},
		arg{TF: "admin_users", ARM: "asAdministrators.members", C: cStrList}).withIgnore("serverFullName"),
	"microsoft.web/connections": noLocation(rgRow("azurerm_api_connection", arg{TF: "managed_api_id", ARM: "api.id", C: cID, Required: true},
		arg{TF: "display_name", ARM: "displayName"}, arg{TF: "parameter_values", ARM: "nonSecretParameterValues", C: cMap}).withIgnore(
		"testLinks", "statuses", "createdTime", "changedTime", "connectionState", "overallStatus")),
	"microsoft.compute/diskaccesses": rgRow("azurerm_disk_access"),
	"microsoft.compute/diskencryptionsets": withCheck(withIdentity(rgRow("azurerm_disk_encryption_set",
		arg{TF: "key_vault_key_id", ARM: "activeKey.keyUrl", Required: true}, arg{TF: "encryption_type", ARM: "encryptionType"},
		arg{TF: "auto_key_rotation_enabled", ARM: "rotationToLatestKeyVersionEnabled", C: cBool})), needIdentity),
	"microsoft.compute/galleries/applications": {TF: "azurerm_gallery_application", Place: parentID, ParentAttr: "gallery_id",
		Location: true, Tags: true, Args: []arg{{TF: "supported_os_type", ARM: "supportedOSType", Required: true},
			{TF: "description", ARM: "description"}, {TF: "eula", ARM: "eula"},
			{TF: "privacy_statement_uri", ARM: "privacyStatementUri"}, {TF: "release_note_uri", ARM: "releaseNoteUri"}}},
	"microsoft.compute/snapshots": rgRow("azurerm_snapshot", arg{TF: "create_option", ARM: "creationData.createOption", Required: true},
		arg{TF: "source_uri", ARM: "creationData.sourceUri"}, arg{TF: "source_resource_id", ARM: "creationData.sourceResourceId", C: cID},
		arg{TF: "storage_account_id", ARM: "creationData.storageAccountId", C: cID}, arg{TF: "disk_size_gb", ARM: "diskSizeGB", C: cNum}),
	"microsoft.compute/hostgroups/hosts": {TF: "azurerm_dedicated_host", Place: parentID, ParentAttr: "dedicated_host_group_id",
		Location: true, Tags: true, Args: []arg{{TF: "sku_name", ARM: "$sku.name", Required: true},
			{TF: "platform_fault_domain", ARM: "platformFaultDomain", C: cNum, Required: true},
			{TF: "auto_replace_on_failure", ARM: "autoReplaceOnFailure", C: cBool}, {TF: "license_type", ARM: "licenseType"}},
		Ignore: []string{"hostId", "provisioningTime", "virtualMachines"}},
	"microsoft.containerregistry/registries/tokens": {TF: "azurerm_container_registry_token", Place: names,
		NameAttrs: []string{"container_registry_name"}, Args: []arg{{TF: "scope_map_id", ARM: "scopeMapId", C: cID, Required: true}}},
	"microsoft.desktopvirtualization/workspaces": rgRow("azurerm_virtual_desktop_workspace",
		arg{TF: "friendly_name", ARM: "friendlyName"}, arg{TF: "description", ARM: "description"},
		arg{TF: "public_network_access_enabled", ARM: "publicNetworkAccess", C: cEnabled}).withIgnore("cloudPcResource", "objectId"),
	"microsoft.desktopvirtualization/applicationgroups": rgRow("azurerm_virtual_desktop_application_group",
		arg{TF: "type", ARM: "applicationGroupType", Required: true}, arg{TF: "host_pool_id", ARM: "hostPoolArmPath", C: cID, Required: true},
		arg{TF: "friendly_name", ARM: "friendlyName"}, arg{TF: "description", ARM: "description"}).withIgnore(
		"cloudPcResource", "objectId", "workspaceArmPath"),
	"microsoft.desktopvirtualization/hostpools": rgRow("azurerm_virtual_desktop_host_pool",
		arg{TF: "type", ARM: "hostPoolType", Required: true}, arg{TF: "load_balancer_type", ARM: "loadBalancerType", Required: true},
		arg{TF: "friendly_name", ARM: "friendlyName"}, arg{TF: "description", ARM: "description"},
		arg{TF: "validate_environment", ARM: "validationEnvironment", C: cBool},
		arg{TF: "maximum_sessions_allowed", ARM: "maxSessionLimit", C: cNum},
		arg{TF: "preferred_app_group_type", ARM: "preferredAppGroupType"}, arg{TF: "custom_rdp_properties", ARM: "customRdpProperty"}),
	"microsoft.devices/provisioningservices": withCheck(withExtra(rgRow("azurerm_iothub_dps",
		arg{TF: "allocation_policy", ARM: "allocationPolicy"}), skuBlock, skuSets), needSKU(true)).withIgnore(
		"deviceProvisioningHostName", "idScope", "serviceOperationsHostName"),
	"microsoft.digitaltwins/digitaltwinsinstances": rgRow("azurerm_digital_twins_instance").withIgnore("hostName"),
	"microsoft.streamanalytics/clusters": withCheck(rgRow("azurerm_stream_analytics_cluster",
		arg{TF: "streaming_capacity", ARM: "$sku.capacity", C: cNum, Required: true}).withIgnore(
		"capacityAllocated", "capacityAssigned", "clusterId"), func(r *model.Resource) string {
		if c, ok := r.SKU["capacity"].(float64); ok && int(c)%36 != 0 {
			return "streaming capacity " + number(c) + " is not a multiple of 36"
		}
		return ""
	}),
	"microsoft.purview/accounts": withCheck(withIdentity(rgRow("azurerm_purview_account",
		arg{TF: "public_network_enabled", ARM: "publicNetworkAccess", C: cEnabled})), needIdentity),
	"microsoft.communication/communicationservices": {TF: "azurerm_communication_service", Place: inRG, Tags: true,
		Args: []arg{{TF: "data_location", ARM: "dataLocation", Required: true}}, Ignore: []string{"hostName", "version", "notificationHubId", "immutableResourceId"}},
	"microsoft.batch/batchaccounts": rgRow("azurerm_batch_account", arg{TF: "pool_allocation_mode", ARM: "poolAllocationMode"},
		arg{TF: "public_network_access_enabled", ARM: "publicNetworkAccess", C: cEnabled},
		arg{TF: "storage_account_id", ARM: "autoStorage.storageAccountId", C: cID},
		arg{TF: "storage_account_authentication_mode", ARM: "autoStorage.authenticationMode"}).withIgnore(
		"accountEndpoint", "activeJobAndJobScheduleQuota", "dedicatedCoreQuota", "lowPriorityCoreQuota", "poolQuota",
		"dedicatedCoreQuotaPerVMFamily", "dedicatedCoreQuotaPerVMFamilyEnforced"),
	"microsoft.batch/batchaccounts/applications": {TF: "azurerm_batch_application", Place: names, NameAttrs: []string{"account_name"},
		Args: []arg{{TF: "allow_updates", ARM: "allowUpdates", C: cBool}, {TF: "default_version", ARM: "defaultVersion"},
			{TF: "display_name", ARM: "displayName"}}},
	"microsoft.kusto/clusters": withCheck(withExtra(rgRow("azurerm_kusto_cluster"), skuBlock, skuSets), needSKU(true)),
	"microsoft.cache/redis/linkedservers": {TF: "azurerm_redis_linked_server", NameAttr: "-", Place: names, NameAttrs: []string{"target_redis_cache_name"},
		Args: []arg{{TF: "linked_redis_cache_id", ARM: "linkedRedisCacheId", C: cID, Required: true},
			{TF: "linked_redis_cache_location", ARM: "linkedRedisCacheLocation", Required: true},
			{TF: "server_role", ARM: "serverRole", Required: true}}},
	"microsoft.operationalinsights/workspaces/linkedservices": {TF: "azurerm_log_analytics_linked_service", NameAttr: "-", Place: parentID,
		ParentAttr: "workspace_id", Extra: func(e *emitter, b *hclwrite.Body, r *model.Resource) { e.rgName(b, r) },
		Sets: []string{"resource_group_name"}, Args: []arg{{TF: "read_access_id", ARM: "resourceId", C: cID},
			{TF: "write_access_id", ARM: "writeAccessResourceId", C: cID}}},
	"microsoft.operationalinsights/querypacks": rgRow("azurerm_log_analytics_query_pack").withIgnore("queryPackId", "timeCreated", "timeModified"),
	"microsoft.eventgrid/systemtopics": rgRow("azurerm_eventgrid_system_topic",
		arg{TF: "source_resource_id", ARM: "source", C: cID, Required: true}, arg{TF: "topic_type", ARM: "topicType", Required: true}).withIgnore(
		"metricResourceId"),
	"microsoft.eventgrid/domains/topics": {TF: "azurerm_eventgrid_domain_topic", Place: names, NameAttrs: []string{"domain_name"}},
	"microsoft.logic/integrationaccounts": rgRow("azurerm_logic_app_integration_account",
		arg{TF: "sku_name", ARM: "$sku.name", Required: true},
		arg{TF: "integration_service_environment_id", ARM: "integrationServiceEnvironment.id", C: cID}),
	"microsoft.maintenance/maintenanceconfigurations": withCheck(rgRow("azurerm_maintenance_configuration",
		arg{TF: "scope", ARM: "maintenanceScope", Required: true}, arg{TF: "visibility", ARM: "visibility"},
		arg{TF: "window", ARM: "maintenanceWindow", Block: []arg{{TF: "start_date_time", ARM: "startDateTime", Required: true},
			{TF: "time_zone", ARM: "timeZone", Required: true}, {TF: "expiration_date_time", ARM: "expirationDateTime"},
			{TF: "duration", ARM: "duration"}, {TF: "recur_every", ARM: "recurEvery"}}},
		arg{TF: "properties", ARM: "extensionProperties", C: cMap}).withIgnore("namespace"), oneOf("namespace", "Microsoft.Maintenance")),
	"microsoft.netapp/netappaccounts": rgRow("azurerm_netapp_account"),
	"microsoft.iotcentral/iotapps": withCheck(rgRow("azurerm_iotcentral_application", arg{TF: "sub_domain", ARM: "subdomain", Required: true},
		arg{TF: "display_name", ARM: "displayName"}, arg{TF: "sku", ARM: "$sku.name"}, arg{TF: "template", ARM: "template"}).withIgnore(
		"applicationId"), oneOf("$sku.name", "ST0", "ST1", "ST2")),
}

// withIgnore marks properties that carry nothing to recreate (computed, informational).
func (row simpleRow) withIgnore(props ...string) simpleRow { return ignoring(row, props...) }

func noLocation(row simpleRow) simpleRow {
	row.Location = false
	return row
}
