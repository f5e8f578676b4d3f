package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Data-platform rows (SQL, Synapse, Kusto) whose shape the schema-derived rows cannot find:
// singletons named by their parent, discriminated kinds, objects that become blocks.

func init() { registerSimpleRows(dataRows) }

// tdeProtector is a Check: a transparent data encryption protector is a Key Vault key (by its
// uri) or the service-managed key.
func tdeProtector(r *model.Resource) string {
	t := s(jsonpath.GetFold(r.Body, "serverKeyType"))
	switch {
	case strings.EqualFold(t, "AzureKeyVault") && s(jsonpath.GetFold(r.Body, "uri")) != "":
		return ""
	case strings.EqualFold(t, "ServiceManaged"):
		return ""
	}
	return "encryption protector " + t + " without a Key Vault key uri is not expressed"
}

func tdeRow(tf, parentAttr string) simpleRow {
	return simpleRow{TF: tf, NameAttr: "-", Place: parentID, ParentAttr: parentAttr, Check: tdeProtector,
		Args: []arg{{TF: "key_vault_key_id", ARM: "uri"}, {TF: "auto_rotation_enabled", ARM: "autoRotationEnabled", C: cBool},
			{ARM: "serverKeyName"}, {ARM: "serverKeyType"}}}
}

// kindIs is a Check: the resource's kind must be k.
func kindIs(k string) func(r *model.Resource) string {
	return func(r *model.Resource) string {
		if !strings.EqualFold(r.Kind, k) {
			return "kind " + r.Kind + " is not " + k
		}
		return ""
	}
}

// sparkPoolExtra writes what a Synapse Spark pool's switches decide: node_count only without
// auto-scale (azurerm takes exactly one of them), library requirements only with content.
func sparkPoolExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	if jsonpath.GetFold(r.Body, "autoScale.enabled") != true {
		e.set(b, "node_count", numAt(r.Body, "nodeCount"))
	}
	if c := s(jsonpath.GetFold(r.Body, "libraryRequirements.content")); c != "" {
		lb := b.AppendNewBlock("library_requirement", nil).Body()
		e.set(lb, "content", c)
		e.set(lb, "filename", s(jsonpath.GetFold(r.Body, "libraryRequirements.filename")))
	}
}

// sparkPoolCheck: a disabled auto-pause or auto-scale must not carry settings azurerm would
// turn into an enabled one.
func sparkPoolCheck(r *model.Resource) string {
	for _, o := range []string{"autoPause", "autoScale"} {
		if jsonpath.GetFold(r.Body, o+".enabled") == false {
			return o + " disabled with settings is not expressed"
		}
	}
	if jsonpath.GetFold(r.Body, "autoScale.enabled") == true && jsonpath.GetFold(r.Body, "autoScale.maxNodeCount") == nil {
		return "autoScale without node counts is not expressed"
	}
	return oneOf("sparkVersion", "3.4", "3.5")(r)
}

var dataRows = map[string]simpleRow{
	"microsoft.sql/servers/encryptionprotector":          tdeRow("azurerm_mssql_server_transparent_data_encryption", "server_id"),
	"microsoft.sql/managedinstances/encryptionprotector": tdeRow("azurerm_mssql_managed_instance_transparent_data_encryption", "managed_instance_id"),
	"microsoft.sql/managedinstances/administrators": {TF: "azurerm_mssql_managed_instance_active_directory_administrator", NameAttr: "-",
		Place: parentID, ParentAttr: "managed_instance_id", Check: oneOf("administratorType", "ActiveDirectory"),
		Args: []arg{{TF: "login_username", ARM: "login", Required: true}, {TF: "object_id", ARM: "sid", Required: true},
			{TF: "tenant_id", ARM: "tenantId", C: cID, Required: true}, {ARM: "administratorType"}}},
	"microsoft.sql/servers/failovergroups": {TF: "azurerm_mssql_failover_group", Place: parentID, ParentAttr: "server_id", Tags: true,
		Args: []arg{{TF: "databases", ARM: "databases", C: cStrList},
			{TF: "partner_server", ARM: "partnerServers", Required: true, Block: []arg{{TF: "id", ARM: "id", C: cID, Required: true},
				{ARM: "location"}, {ARM: "replicationRole"}}},
			{TF: "read_write_endpoint_failover_policy", ARM: "readWriteEndpoint", Required: true, Block: []arg{
				{TF: "mode", ARM: "failoverPolicy", Required: true}, {TF: "grace_minutes", ARM: "failoverWithDataLossGracePeriodMinutes", C: cNum}}},
			{TF: "readonly_endpoint_failover_policy_enabled", ARM: "readOnlyEndpoint.failoverPolicy", C: cEnabled}},
		Check: func(r *model.Resource) string {
			if ro, ok := jsonpath.GetFold(r.Body, "readOnlyEndpoint").(map[string]any); ok && len(ro) > 1 {
				return "readOnlyEndpoint settings other than failoverPolicy are not expressed"
			}
			return ""
		},
		Ignore: []string{"replicationRole", "replicationState"}},
	"microsoft.synapse/workspaces/keys": {TF: "azurerm_synapse_workspace_key", NameAttr: "customer_managed_key_name", Place: parentID,
		ParentAttr: "synapse_workspace_id", Args: []arg{{TF: "active", ARM: "isActiveCMK", C: cBool, Default: false},
			{TF: "customer_managed_key_versionless_id", ARM: "keyVaultUrl"}}},
	"microsoft.kusto/clusters/databases/dataconnections": {TF: "azurerm_kusto_eventhub_data_connection", Place: names,
		NameAttrs: []string{"cluster_name", "database_name"}, Location: true, NeedLocation: true, Check: kindIs("EventHub"),
		Args: []arg{{TF: "eventhub_id", ARM: "eventHubResourceId", C: cID, Required: true}, {TF: "consumer_group", ARM: "consumerGroup", Required: true},
			{TF: "identity_id", ARM: "managedIdentityResourceId", C: cID}, {TF: "compression", ARM: "compression"},
			{TF: "table_name", ARM: "tableName"}, {TF: "mapping_rule_name", ARM: "mappingRuleName"}, {TF: "data_format", ARM: "dataFormat"},
			{TF: "database_routing_type", ARM: "databaseRouting"}, {TF: "event_system_properties", ARM: "eventSystemProperties", C: cStrList},
			{TF: "retrieval_start_date", ARM: "retrievalStartDate"}}},
	"microsoft.synapse/workspaces/bigdatapools": {TF: "azurerm_synapse_spark_pool", Place: parentID, ParentAttr: "synapse_workspace_id", Tags: true,
		Args: []arg{{TF: "node_size", ARM: "nodeSize", Required: true}, {TF: "node_size_family", ARM: "nodeSizeFamily", Required: true},
			{TF: "spark_version", ARM: "sparkVersion", Required: true}, {TF: "spark_log_folder", ARM: "defaultSparkLogFolder"},
			{TF: "spark_events_folder", ARM: "sparkEventsFolder"}, {TF: "cache_size", ARM: "cacheSize", C: cNum},
			{TF: "session_level_packages_enabled", ARM: "sessionLevelPackagesEnabled", C: cBool},
			{TF: "compute_isolation_enabled", ARM: "isComputeIsolationEnabled", C: cBool},
			{TF: "dynamic_executor_allocation_enabled", ARM: "dynamicExecutorAllocation.enabled", C: cBool},
			{TF: "min_executors", ARM: "dynamicExecutorAllocation.minExecutors", C: cNum},
			{TF: "max_executors", ARM: "dynamicExecutorAllocation.maxExecutors", C: cNum},
			{TF: "auto_pause", ARM: "autoPause", Block: []arg{{TF: "delay_in_minutes", ARM: "delayInMinutes", C: cNum, Required: true}, {ARM: "enabled"}}},
			{TF: "auto_scale", ARM: "autoScale", Block: []arg{{TF: "max_node_count", ARM: "maxNodeCount", C: cNum, Required: true},
				{TF: "min_node_count", ARM: "minNodeCount", C: cNum, Required: true}, {ARM: "enabled"}}}},
		Check: sparkPoolCheck, Extra: sparkPoolExtra, Sets: []string{"node_count", "library_requirement"},
		Reads: []string{"nodeCount", "libraryRequirements"}},
}
