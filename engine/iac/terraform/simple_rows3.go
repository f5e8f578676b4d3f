package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

func init() {
	addRows3()
	registerSimpleRows(simpleRows3)
}

// frontDoorSKU is a Check: only Azure Front Door (Standard/Premium) profiles are cdn_frontdoor.
func frontDoorSKU(r *model.Resource) string {
	if n := s(r.SKU["name"]); n != "Standard_AzureFrontDoor" && n != "Premium_AzureFrontDoor" {
		return "classic CDN profile (sku " + n + ") is not expressed"
	}
	return ""
}

// netAppPoolSize writes size_in_tb from the pool's size in bytes (whole TiB only).
func netAppPoolSize(e *emitter, b *hclwrite.Body, r *model.Resource) {
	if f, ok := jsonpath.GetFold(r.Body, "size").(float64); ok {
		e.set(b, "size_in_tb", f/(1<<40))
	}
}

func wholeTiB(r *model.Resource) string {
	f, ok := jsonpath.GetFold(r.Body, "size").(float64)
	if !ok || f <= 0 || f != float64(int64(f/(1<<40)))*(1<<40) {
		return "the pool size is not a whole number of TiB"
	}
	return ""
}

var simpleRows3 = map[string]simpleRow{
	"microsoft.network/expressroutecircuits/authorizations": {TF: "azurerm_express_route_circuit_authorization", Place: names,
		NameAttrs: []string{"express_route_circuit_name"}, Ignore: []string{"authorizationUseStatus", "authorizationKey"}},
	"microsoft.network/virtualhubs/hubroutetables": {TF: "azurerm_virtual_hub_route_table", Place: parentID, ParentAttr: "virtual_hub_id",
		Args: []arg{{TF: "labels", ARM: "labels", C: cStrList}}, Ignore: []string{"associatedConnections", "propagatingConnections"},
		Reads: []string{"routes"}, Check: func(r *model.Resource) string {
			if len(arr(jsonpath.GetFold(r.Body, "routes"))) > 0 {
				return "route table routes are not expressed"
			}
			return ""
		}},
	"microsoft.network/virtualhubs/bgpconnections": {TF: "azurerm_virtual_hub_bgp_connection", Place: parentID, ParentAttr: "virtual_hub_id",
		Args: []arg{{TF: "peer_asn", ARM: "peerAsn", C: cNum, Required: true}, {TF: "peer_ip", ARM: "peerIp", Required: true},
			{TF: "virtual_network_connection_id", ARM: "hubVirtualNetworkConnection.id", C: cID}},
		Ignore: []string{"connectionState"}},
	"microsoft.network/virtualhubs/ipconfigurations": {TF: "azurerm_virtual_hub_ip", Place: parentID, ParentAttr: "virtual_hub_id",
		Args: []arg{{TF: "subnet_id", ARM: "subnet.id", C: cID, Required: true}, {TF: "private_ip_address", ARM: "privateIPAddress"},
			{TF: "private_ip_allocation_method", ARM: "privateIPAllocationMethod"}, {TF: "public_ip_address_id", ARM: "publicIPAddress.id", C: cID, Required: true}}},
	"microsoft.network/securitypartnerproviders": rgRow("azurerm_virtual_hub_security_partner_provider",
		arg{TF: "security_provider_name", ARM: "securityProviderName", Required: true},
		arg{TF: "virtual_hub_id", ARM: "virtualHub.id", C: cID}).withIgnore("connectionStatus"),
	"microsoft.insights/privatelinkscopes": {TF: "azurerm_monitor_private_link_scope", Place: inRG, Tags: true, Args: []arg{
		{TF: "ingestion_access_mode", ARM: "accessModeSettings.ingestionAccessMode"},
		{TF: "query_access_mode", ARM: "accessModeSettings.queryAccessMode"}},
		Reads: []string{"accessModeSettings"}, Check: func(r *model.Resource) string {
			if len(arr(jsonpath.GetFold(r.Body, "accessModeSettings.exclusions"))) > 0 {
				return "access mode exclusions are not expressed"
			}
			return ""
		}},
	"microsoft.insights/datacollectionruleassociations": {TF: "azurerm_monitor_data_collection_rule_association", Place: parentID,
		ParentAttr: "target_resource_id", Args: []arg{{TF: "data_collection_rule_id", ARM: "dataCollectionRuleId", C: cID},
			{TF: "data_collection_endpoint_id", ARM: "dataCollectionEndpointId", C: cID}, {TF: "description", ARM: "description"}}},
	"microsoft.kusto/clusters/principalassignments": {TF: "azurerm_kusto_cluster_principal_assignment", Place: names,
		NameAttrs: []string{"cluster_name"}, Args: []arg{{TF: "tenant_id", ARM: "tenantId", C: cID, Required: true},
			{TF: "principal_id", ARM: "principalId", Required: true}, {TF: "principal_type", ARM: "principalType", Required: true},
			{TF: "role", ARM: "role", Required: true}}, Ignore: []string{"tenantName", "principalName", "aadObjectId"},
		Check: oneOf("role", "AllDatabasesAdmin", "AllDatabasesMonitor", "AllDatabasesViewer")},
	"microsoft.kusto/clusters/databases/principalassignments": {TF: "azurerm_kusto_database_principal_assignment", Place: names,
		NameAttrs: []string{"cluster_name", "database_name"}, Args: []arg{{TF: "tenant_id", ARM: "tenantId", C: cID, Required: true},
			{TF: "principal_id", ARM: "principalId", Required: true}, {TF: "principal_type", ARM: "principalType", Required: true},
			{TF: "role", ARM: "role", Required: true}}, Ignore: []string{"tenantName", "principalName", "aadObjectId"},
		Check: oneOf("role", "Admin", "Ingestor", "Monitor", "User", "UnrestrictedViewer", "Viewer")},
	"microsoft.netapp/netappaccounts/capacitypools": {TF: "azurerm_netapp_pool", Place: names, NameAttrs: []string{"account_name"},
		Location: true, Tags: true, Args: []arg{{TF: "service_level", ARM: "serviceLevel", Required: true}, {TF: "qos_type", ARM: "qosType"},
			{TF: "encryption_type", ARM: "encryptionType"}, {TF: "cool_access_enabled", ARM: "coolAccess", C: cBool}},
		Extra: netAppPoolSize, Sets: []string{"size_in_tb"}, Reads: []string{"size"}, Check: wholeTiB,
		Ignore: []string{"poolId", "totalThroughputMibps", "utilizedThroughputMibps"}},
	"microsoft.sql/servers/jobagents": {TF: "azurerm_mssql_job_agent", Place: nameOnly, Location: true, Tags: true,
		Args: []arg{{TF: "database_id", ARM: "databaseId", C: cID, Required: true}}},
	"microsoft.documentdb/databaseaccounts/sqlroleassignments": {TF: "azurerm_cosmosdb_sql_role_assignment", Place: names,
		NameAttrs: []string{"account_name"}, Args: []arg{{TF: "role_definition_id", ARM: "roleDefinitionId", C: cID, Required: true},
			{TF: "principal_id", ARM: "principalId", Required: true}, {TF: "scope", ARM: "scope", C: cID, Required: true}},
		Check: func(r *model.Resource) string {
			if !uuidRE.MatchString(s(jsonpath.GetFold(r.Body, "principalId"))) {
				return "principalId is not a UUID"
			}
			return ""
		}},
	"microsoft.devices/iothubs/eventhubendpoints/consumergroups": {TF: "azurerm_iothub_consumer_group", Place: names,
		NameAttrs: []string{"iothub_name", "eventhub_endpoint_name"}, Ignore: []string{"created", "name"},
		Reads: []string{"properties"}, Check: func(r *model.Resource) string {
			p, _ := jsonpath.GetFold(r.Body, "properties").(map[string]any)
			for _, k := range model.SortedKeys(p) {
				if !strings.EqualFold(k, "name") && !strings.EqualFold(k, "created") {
					return "consumer group property " + k + " is not expressed"
				}
			}
			return ""
		}},
	"microsoft.cdn/profiles": {TF: "azurerm_cdn_frontdoor_profile", Place: inRG, Tags: true, Check: frontDoorSKU,
		Args: []arg{{TF: "sku_name", ARM: "$sku.name", Required: true},
			{TF: "response_timeout_seconds", ARM: "originResponseTimeoutSeconds", C: cNum}},
		Ignore: []string{"frontDoorId", "resourceState", "extendedProperties"}},
	"microsoft.cdn/profiles/afdendpoints": {TF: "azurerm_cdn_frontdoor_endpoint", Place: parentID, ParentAttr: "cdn_frontdoor_profile_id",
		Tags: true, Args: []arg{{TF: "enabled", ARM: "enabledState", C: cEnabled}},
		Ignore: []string{"hostName", "deploymentStatus", "originResponseTimeoutSeconds"}},
	"microsoft.cdn/profiles/rulesets": {TF: "azurerm_cdn_frontdoor_rule_set", Place: parentID, ParentAttr: "cdn_frontdoor_profile_id",
		Ignore: []string{"deploymentStatus"}},
	"microsoft.automation/automationaccounts/hybridrunbookworkergroups": {TF: "azurerm_automation_hybrid_runbook_worker_group",
		Place: names, NameAttrs: []string{"automation_account_name"}, Ignore: []string{"hybridRunbookWorkers", "groupType"},
		Reads: []string{"credential"}, Check: func(r *model.Resource) string {
			if jsonpath.GetFold(r.Body, "credential.name") != nil {
				return "a worker group credential is not expressed"
			}
			return ""
		}},
}

// addRows3 adds the rows that need functions of their own.
func addRows3() {
	simpleRows3["microsoft.eventhub/clusters"] = simpleRow{TF: "azurerm_eventhub_cluster", Place: inRG, Location: true, Tags: true,
		Extra: func(e *emitter, b *hclwrite.Body, r *model.Resource) {
			e.set(b, "sku_name", "Dedicated_"+number(r.SKU["capacity"].(float64)))
		}, Sets: []string{"sku_name"}, Ignore: []string{"createdAt", "updatedAt", "metricId", "status", "supportsScaling"},
		Check: func(r *model.Resource) string {
			if _, ok := r.SKU["capacity"].(float64); !ok || !strings.EqualFold(s(r.SKU["name"]), "Dedicated") {
				return "the cluster's sku is not Dedicated with a capacity"
			}
			return ""
		}}
	simpleRows3["microsoft.network/routefilters"] = simpleRow{TF: "azurerm_route_filter", Place: inRG, Location: true, Tags: true,
		Reads: []string{"rules"}, Ignore: []string{"peerings", "ipv6Peerings"}, Sets: []string{"rule"},
		Check: func(r *model.Resource) string {
			if len(arr(jsonpath.GetFold(r.Body, "rules"))) > 1 {
				return "azurerm_route_filter takes at most one rule"
			}
			return ""
		},
		Extra: func(e *emitter, b *hclwrite.Body, r *model.Resource) {
			for _, x := range arr(jsonpath.GetFold(r.Body, "rules")) {
				rb := b.AppendNewBlock("rule", nil).Body()
				e.set(rb, "name", s(jsonpath.GetFold(x, "name")))
				e.set(rb, "access", s(jsonpath.GetFold(x, "properties.access")))
				e.set(rb, "rule_type", s(jsonpath.GetFold(x, "properties.routeFilterRuleType")))
				e.set(rb, "communities", strList(jsonpath.GetFold(x, "properties.communities")))
			}
		}}
	simpleRows3["microsoft.compute/galleries/images"] = simpleRow{TF: "azurerm_shared_image", Place: names, NameAttrs: []string{"gallery_name"},
		Location: true, Tags: true, Args: []arg{{TF: "os_type", ARM: "osType", Required: true},
			{TF: "hyper_v_generation", ARM: "hyperVGeneration"}, {TF: "description", ARM: "description"}, {TF: "eula", ARM: "eula"},
			{TF: "privacy_statement_uri", ARM: "privacyStatementUri"}, {TF: "release_note_uri", ARM: "releaseNoteUri"},
			{TF: "end_of_life_date", ARM: "endOfLifeDate"}, {TF: "architecture", ARM: "architecture"}},
		Reads: []string{"identifier", "osState"}, Sets: []string{"identifier", "specialized"},
		Check: func(r *model.Resource) string {
			for _, k := range []string{"publisher", "offer", "sku"} {
				if s(jsonpath.GetFold(r.Body, "identifier."+k)) == "" {
					return "the image identifier lacks " + k
				}
			}
			return ""
		},
		Extra: func(e *emitter, b *hclwrite.Body, r *model.Resource) {
			ib := b.AppendNewBlock("identifier", nil).Body()
			for _, k := range []string{"publisher", "offer", "sku"} {
				e.set(ib, k, s(jsonpath.GetFold(r.Body, "identifier."+k)))
			}
			if strings.EqualFold(s(jsonpath.GetFold(r.Body, "osState")), "Specialized") {
				e.set(b, "specialized", true)
			}
		}}
}
