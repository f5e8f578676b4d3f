package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

func init() { registerSimpleRows(simpleRows) }

// maxTimeSpan is .NET's TimeSpan.MaxValue, which ARM returns for "never"; azurerm rejects it.
const maxTimeSpan = "P10675199DT2H48M5.4775807S"

// authRights maps an authorization rule's rights list to listen/send/manage.
func authRights(e *emitter, b *hclwrite.Body, r *model.Resource) {
	has := map[string]bool{}
	for _, x := range strList(jsonpath.GetFold(r.Body, "rights")) {
		if sv, ok := x.(string); ok {
			has[strings.ToLower(sv)] = true
		}
	}
	manage := has["manage"]
	e.set(b, "listen", has["listen"] || manage)
	e.set(b, "send", has["send"] || manage)
	e.set(b, "manage", manage)
}

func rgRow(tf string, args ...arg) simpleRow {
	return simpleRow{TF: tf, Place: inRG, Location: true, Tags: true, Args: args}
}

// dnsRecords collects field of each object of a record-set list (A, AAAA, NS, PTR records).
func dnsRecords(list, field string) func(e *emitter, b *hclwrite.Body, r *model.Resource) {
	return func(e *emitter, b *hclwrite.Body, r *model.Resource) {
		var out []any
		for _, x := range arr(jsonpath.GetFold(r.Body, list)) {
			if v := s(jsonpath.GetFold(x, field)); v != "" {
				out = append(out, v)
			}
		}
		e.set(b, "records", out)
	}
}

// needList is a Check: the record set must hold at least one record of list/field and no alias.
func needList(list, field string) func(r *model.Resource) string {
	return func(r *model.Resource) string {
		if jsonpath.GetFold(r.Body, "targetResource.id") != nil {
			return "alias record sets (targetResource) are not expressed"
		}
		for _, x := range arr(jsonpath.GetFold(r.Body, list)) {
			if s(jsonpath.GetFold(x, field)) != "" {
				return ""
			}
		}
		return "record set has no " + list
	}
}

func dnsRow(tf, zoneAttr string, extra func(e *emitter, b *hclwrite.Body, r *model.Resource), check func(r *model.Resource) string) simpleRow {
	sets := "records"
	reads := []string{"ARecords", "AAAARecords", "NSRecords", "PTRRecords", "TXTRecords", "MXRecords", "targetResource", "fqdn"}
	if strings.HasSuffix(tf, "_txt_record") || strings.HasSuffix(tf, "_mx_record") {
		sets = "record"
	}
	place, nameAttrs, parentAttr := names, []string{zoneAttr}, ""
	if zoneAttr == "private_dns_zone_id" { // azurerm 5: private DNS records name their zone by id
		place, nameAttrs, parentAttr = parentID, nil, zoneAttr
	}
	return simpleRow{TF: tf, Place: place, NameAttrs: nameAttrs, ParentAttr: parentAttr, Tags: false,
		Args: []arg{{TF: "ttl", ARM: "TTL", C: cNum, Required: true}}, Extra: extra, Check: check, Sets: []string{sets}, Reads: reads,
	}
}

// rightsAttrs are the arguments authRights writes.
var rightsAttrs = []string{"listen", "send", "manage"}

func txtRecords(e *emitter, b *hclwrite.Body, r *model.Resource) {
	for _, x := range arr(jsonpath.GetFold(r.Body, "TXTRecords")) {
		vals := strList(jsonpath.GetFold(x, "value"))
		var parts []string
		for _, v := range vals {
			if sv, ok := v.(string); ok {
				parts = append(parts, sv)
			}
		}
		if len(parts) == 0 {
			continue
		}
		rb := b.AppendNewBlock("record", nil).Body()
		e.set(rb, "value", strings.Join(parts, ""))
	}
}

func mxRecords(e *emitter, b *hclwrite.Body, r *model.Resource) {
	for _, x := range arr(jsonpath.GetFold(r.Body, "MXRecords")) {
		rb := b.AppendNewBlock("record", nil).Body()
		e.set(rb, "preference", jsonpath.GetFold(x, "preference"))
		e.set(rb, "exchange", s(jsonpath.GetFold(x, "exchange")))
	}
}

func dnsTags(row simpleRow) simpleRow {
	row.Extra = chainExtra(row.Extra, func(e *emitter, b *hclwrite.Body, r *model.Resource) {
		if md, ok := jsonpath.GetFold(r.Body, "metadata").(map[string]any); ok && len(md) > 0 {
			e.set(b, "tags", md)
		}
	})
	row.Sets = append(row.Sets, "tags")
	row.Reads = append(row.Reads, "metadata")
	return row
}

func chainExtra(fns ...func(e *emitter, b *hclwrite.Body, r *model.Resource)) func(e *emitter, b *hclwrite.Body, r *model.Resource) {
	return func(e *emitter, b *hclwrite.Body, r *model.Resource) {
		for _, f := range fns {
			if f != nil {
				f(e, b, r)
			}
		}
	}
}

var sbQueueArgs = []arg{
	{TF: "lock_duration", ARM: "lockDuration"},
	{TF: "max_size_in_megabytes", ARM: "maxSizeInMegabytes", C: cNum},
	{TF: "requires_duplicate_detection", ARM: "requiresDuplicateDetection", C: cBool},
	{TF: "requires_session", ARM: "requiresSession", C: cBool},
	{TF: "default_message_ttl", ARM: "defaultMessageTimeToLive", Skip: []string{maxTimeSpan}},
	{TF: "dead_lettering_on_message_expiration", ARM: "deadLetteringOnMessageExpiration", C: cBool},
	{TF: "duplicate_detection_history_time_window", ARM: "duplicateDetectionHistoryTimeWindow"},
	{TF: "max_delivery_count", ARM: "maxDeliveryCount", C: cNum},
	{TF: "batched_operations_enabled", ARM: "enableBatchedOperations", C: cBool},
	{TF: "auto_delete_on_idle", ARM: "autoDeleteOnIdle", Skip: []string{maxTimeSpan}},
	{TF: "partitioning_enabled", ARM: "enablePartitioning", C: cBool},
	{TF: "express_enabled", ARM: "enableExpress", C: cBool},
	{TF: "forward_to", ARM: "forwardTo"},
	{TF: "forward_dead_lettered_messages_to", ARM: "forwardDeadLetteredMessagesTo"},
	{TF: "status", ARM: "status"},
}

var sbTopicArgs = []arg{
	{TF: "max_size_in_megabytes", ARM: "maxSizeInMegabytes", C: cNum},
	{TF: "requires_duplicate_detection", ARM: "requiresDuplicateDetection", C: cBool},
	{TF: "default_message_ttl", ARM: "defaultMessageTimeToLive", Skip: []string{maxTimeSpan}},
	{TF: "duplicate_detection_history_time_window", ARM: "duplicateDetectionHistoryTimeWindow"},
	{TF: "batched_operations_enabled", ARM: "enableBatchedOperations", C: cBool},
	{TF: "auto_delete_on_idle", ARM: "autoDeleteOnIdle", Skip: []string{maxTimeSpan}},
	{TF: "partitioning_enabled", ARM: "enablePartitioning", C: cBool},
	{TF: "express_enabled", ARM: "enableExpress", C: cBool},
	{TF: "support_ordering", ARM: "supportOrdering", C: cBool},
	{TF: "status", ARM: "status"},
}

var sbSubscriptionArgs = []arg{
	{TF: "max_delivery_count", ARM: "maxDeliveryCount", C: cNum, Required: true},
	{TF: "lock_duration", ARM: "lockDuration"},
	{TF: "requires_session", ARM: "requiresSession", C: cBool},
	{TF: "default_message_ttl", ARM: "defaultMessageTimeToLive", Skip: []string{maxTimeSpan}},
	{TF: "dead_lettering_on_message_expiration", ARM: "deadLetteringOnMessageExpiration", C: cBool},
	{TF: "dead_lettering_on_filter_evaluation_error", ARM: "deadLetteringOnFilterEvaluationExceptions", C: cBool},
	{TF: "batched_operations_enabled", ARM: "enableBatchedOperations", C: cBool},
	{TF: "auto_delete_on_idle", ARM: "autoDeleteOnIdle", Skip: []string{maxTimeSpan}},
	{TF: "forward_to", ARM: "forwardTo"},
	{TF: "forward_dead_lettered_messages_to", ARM: "forwardDeadLetteredMessagesTo"},
	{TF: "status", ARM: "status"},
}

func ipRange(startARM, endARM string) []arg {
	return []arg{{TF: "start_ip_address", ARM: startARM, Required: true}, {TF: "end_ip_address", ARM: endARM, Required: true}}
}

// simpleRows maps lower-cased ARM types to declarative azurerm rows.
var simpleRows = map[string]simpleRow{
	// network
	"microsoft.network/applicationsecuritygroups": rgRow("azurerm_application_security_group"),
	"microsoft.network/networkwatchers":           rgRow("azurerm_network_watcher"),
	"microsoft.network/ddosprotectionplans":       ignoring(rgRow("azurerm_network_ddos_protection_plan"), "virtualNetworks", "publicIPAddresses"),
	"microsoft.network/ipgroups":                  rgRow("azurerm_ip_group", arg{TF: "cidrs", ARM: "ipAddresses", C: cStrList}),
	"microsoft.network/publicipprefixes": func() simpleRow {
		r := rgRow("azurerm_public_ip_prefix", arg{TF: "prefix_length", ARM: "prefixLength", C: cNum},
			arg{TF: "sku", ARM: "$sku.name"}, arg{TF: "ip_version", ARM: "publicIPAddressVersion"})
		r.Zones = true
		return ignoring(r, "ipPrefix", "publicIPAddresses", "loadBalancerFrontendIpConfiguration", "natGateway")
	}(),
	"microsoft.network/localnetworkgateways": rgRow("azurerm_local_network_gateway",
		arg{TF: "gateway_address", ARM: "gatewayIpAddress", Required: true},
		arg{TF: "address_space", ARM: "localNetworkAddressSpace.addressPrefixes", C: cStrList}),
	"microsoft.network/virtualwans": rgRow("azurerm_virtual_wan",
		arg{TF: "disable_vpn_encryption", ARM: "disableVpnEncryption", C: cBool},
		arg{TF: "allow_branch_to_branch_traffic", ARM: "allowBranchToBranchTraffic", C: cBool},
		arg{TF: "type", ARM: "type"},
		arg{TF: "office365_local_breakout_category", ARM: "office365LocalBreakoutCategory"}),
	"microsoft.network/virtualhubs": withCheck(rgRow("azurerm_virtual_hub",
		arg{TF: "virtual_wan_id", ARM: "virtualWan.id", C: cID},
		arg{TF: "address_prefix", ARM: "addressPrefix"},
		arg{TF: "sku", ARM: "sku"},
		arg{TF: "branch_to_branch_traffic_enabled", ARM: "allowBranchToBranchTraffic", C: cBool},
		arg{TF: "hub_routing_preference", ARM: "hubRoutingPreference"},
		arg{TF: "virtual_router_auto_scale_min_capacity", ARM: "virtualRouterAutoScaleConfiguration.minCapacity", C: cNum}).withIgnore(
		"routingState", "virtualHubRouteTableV2s", "preferredRoutingGateway", "virtualRouterAsn", "virtualRouterIps"), virtualHubCheck),
	"microsoft.network/routetables/routes": {TF: "azurerm_route", Place: names, NameAttrs: []string{"route_table_name"}, Args: []arg{
		{TF: "address_prefix", ARM: "addressPrefix", Required: true},
		{TF: "next_hop_type", ARM: "nextHopType", Required: true},
		{TF: "next_hop_in_ip_address", ARM: "nextHopIpAddress"}}},
	"microsoft.network/dnszones/a":     dnsTags(dnsRow("azurerm_dns_a_record", "zone_name", dnsRecords("ARecords", "ipv4Address"), needList("ARecords", "ipv4Address"))),
	"microsoft.network/dnszones/aaaa":  dnsTags(dnsRow("azurerm_dns_aaaa_record", "zone_name", dnsRecords("AAAARecords", "ipv6Address"), needList("AAAARecords", "ipv6Address"))),
	"microsoft.network/dnszones/ns":    dnsTags(dnsRow("azurerm_dns_ns_record", "zone_name", dnsRecords("NSRecords", "nsdname"), needList("NSRecords", "nsdname"))),
	"microsoft.network/dnszones/ptr":   dnsTags(dnsRow("azurerm_dns_ptr_record", "zone_name", dnsRecords("PTRRecords", "ptrdname"), needList("PTRRecords", "ptrdname"))),
	"microsoft.network/dnszones/txt":   dnsTags(dnsRow("azurerm_dns_txt_record", "zone_name", txtRecords, needList("TXTRecords", "value"))),
	"microsoft.network/dnszones/mx":    dnsTags(dnsRow("azurerm_dns_mx_record", "zone_name", mxRecords, needList("MXRecords", "exchange"))),
	"microsoft.network/dnszones/cname": dnsTags(cnameRow("azurerm_dns_cname_record")),
	"microsoft.network/privatednszones/a": dnsTags(dnsRow("azurerm_private_dns_a_record", "private_dns_zone_id",
		dnsRecords("aRecords", "ipv4Address"), needList("aRecords", "ipv4Address"))),
	"microsoft.network/privatednszones/aaaa": dnsTags(dnsRow("azurerm_private_dns_aaaa_record", "private_dns_zone_id",
		dnsRecords("aaaaRecords", "ipv6Address"), needList("aaaaRecords", "ipv6Address"))),
	"microsoft.network/privatednszones/ptr": dnsTags(dnsRow("azurerm_private_dns_ptr_record", "private_dns_zone_id",
		dnsRecords("ptrRecords", "ptrdname"), needList("ptrRecords", "ptrdname"))),
	"microsoft.network/privatednszones/txt": dnsTags(dnsRow("azurerm_private_dns_txt_record", "private_dns_zone_id", txtRecords, needList("txtRecords", "value"))),
	"microsoft.network/privatednszones/mx":  dnsTags(dnsRow("azurerm_private_dns_mx_record", "private_dns_zone_id", mxRecords, needList("mxRecords", "exchange"))),
	"microsoft.network/dnsresolvers": rgRow("azurerm_private_dns_resolver",
		arg{TF: "virtual_network_id", ARM: "virtualNetwork.id", C: cID, Required: true}),

	// messaging
	"microsoft.servicebus/namespaces/queues": {TF: "azurerm_servicebus_queue", Place: parentID, ParentAttr: "namespace_id", Args: sbQueueArgs,
		Check: sbMaxSize},
	"microsoft.servicebus/namespaces/topics": {TF: "azurerm_servicebus_topic", Place: parentID, ParentAttr: "namespace_id", Args: sbTopicArgs,
		Check: sbMaxSize},
	"microsoft.servicebus/namespaces/topics/subscriptions": {TF: "azurerm_servicebus_subscription", Place: parentID, ParentAttr: "topic_id",
		Args: sbSubscriptionArgs, Ignore: []string{"accessedAt", "countDetails", "messageCount"}},
	"microsoft.servicebus/namespaces/authorizationrules": {TF: "azurerm_servicebus_namespace_authorization_rule", Place: parentID,
		ParentAttr: "namespace_id", Extra: authRights, Sets: rightsAttrs, Reads: []string{"rights"}},
	"microsoft.servicebus/namespaces/queues/authorizationrules": {TF: "azurerm_servicebus_queue_authorization_rule", Place: parentID,
		ParentAttr: "queue_id", Extra: authRights, Sets: rightsAttrs, Reads: []string{"rights"}},
	"microsoft.servicebus/namespaces/topics/authorizationrules": {TF: "azurerm_servicebus_topic_authorization_rule", Place: parentID,
		ParentAttr: "topic_id", Extra: authRights, Sets: rightsAttrs, Reads: []string{"rights"}},
	"microsoft.eventhub/namespaces/eventhubs": {TF: "azurerm_eventhub", Place: parentID, ParentAttr: "namespace_id", Args: []arg{
		{TF: "partition_count", ARM: "partitionCount", C: cNum, Required: true},
		{TF: "message_retention", ARM: "messageRetentionInDays", C: cNum, Required: true}, {TF: "status", ARM: "status"},
		{TF: "capture_description", ARM: "captureDescription", Block: []arg{{TF: "enabled", ARM: "enabled", C: cBool, Required: true},
			{TF: "encoding", ARM: "encoding", Required: true}, {TF: "interval_in_seconds", ARM: "intervalInSeconds", C: cNum},
			{TF: "size_limit_in_bytes", ARM: "sizeLimitInBytes", C: cNum}, {TF: "skip_empty_archives", ARM: "skipEmptyArchives", C: cBool},
			{TF: "destination", ARM: "destination", Required: true, Block: []arg{{TF: "name", ARM: "name", Required: true},
				{TF: "archive_name_format", ARM: "properties.archiveNameFormat", Required: true},
				{TF: "blob_container_name", ARM: "properties.blobContainer", Required: true},
				{TF: "storage_account_id", ARM: "properties.storageAccountResourceId", C: cID, Required: true}}}}}}},
	"microsoft.eventhub/namespaces/eventhubs/consumergroups": {TF: "azurerm_eventhub_consumer_group", Place: names,
		NameAttrs: []string{"namespace_name", "eventhub_name"}, Args: []arg{{TF: "user_metadata", ARM: "userMetadata"}}},
	"microsoft.eventhub/namespaces/authorizationrules": {TF: "azurerm_eventhub_namespace_authorization_rule", Place: names,
		NameAttrs: []string{"namespace_name"}, Extra: authRights, Sets: rightsAttrs, Reads: []string{"rights"}},
	"microsoft.eventhub/namespaces/eventhubs/authorizationrules": {TF: "azurerm_eventhub_authorization_rule", Place: names,
		NameAttrs: []string{"namespace_name", "eventhub_name"}, Extra: authRights, Sets: rightsAttrs, Reads: []string{"rights"}},
	"microsoft.relay/namespaces": ignoring(rgRow("azurerm_relay_namespace", arg{TF: "sku_name", ARM: "$sku.name", Required: true}),
		"metricId", "serviceBusEndpoint"),
	"microsoft.notificationhubs/namespaces": ignoring(rgRow("azurerm_notification_hub_namespace",
		arg{TF: "namespace_type", ARM: "namespaceType", Required: true}, arg{TF: "sku_name", ARM: "$sku.name", Required: true},
		arg{TF: "enabled", ARM: "enabled", C: cBool}), "critical", "dataCenter", "scaleUnit", "serviceBusEndpoint", "metricId", "region"),
	"microsoft.eventgrid/topics": ignoring(rgRow("azurerm_eventgrid_topic", arg{TF: "input_schema", ARM: "inputSchema"},
		arg{TF: "public_network_access_enabled", ARM: "publicNetworkAccess", C: cEnabled},
		arg{TF: "local_auth_enabled", ARM: "disableLocalAuth", C: cNot}), "endpoint", "metricResourceId"),
	"microsoft.eventgrid/domains": ignoring(rgRow("azurerm_eventgrid_domain", arg{TF: "input_schema", ARM: "inputSchema"},
		arg{TF: "public_network_access_enabled", ARM: "publicNetworkAccess", C: cEnabled},
		arg{TF: "local_auth_enabled", ARM: "disableLocalAuth", C: cNot},
		arg{TF: "auto_create_topic_with_first_subscription", ARM: "autoCreateTopicWithFirstSubscription", C: cBool},
		arg{TF: "auto_delete_topic_with_last_subscription", ARM: "autoDeleteTopicWithLastSubscription", C: cBool}), "endpoint", "metricResourceId"),

	// compute
	"microsoft.compute/proximityplacementgroups": withReads(ignoring(rgRow("azurerm_proximity_placement_group"),
		"availabilitySets", "virtualMachines", "virtualMachineScaleSets"), func(r *model.Resource) string {
		if t := s(jsonpath.GetFold(r.Body, "proximityPlacementGroupType")); t != "" && !strings.EqualFold(t, "Standard") {
			return "proximity placement group type " + t + " is not expressed"
		}
		return ""
	}, "proximityPlacementGroupType"),
	"microsoft.compute/galleries": ignoring(rgRow("azurerm_shared_image_gallery", arg{TF: "description", ARM: "description"}), "identifier", "sharingStatus"),
	"microsoft.compute/sshpublickeys": withReads(rgRow("azurerm_ssh_public_key", arg{TF: "public_key", ARM: "publicKey", Required: true}),
		func(r *model.Resource) string {
			if !strings.HasPrefix(s(jsonpath.GetFold(r.Body, "publicKey")), "ssh-") {
				return "publicKey is not OpenSSH public key data"
			}
			return ""
		}),
	"microsoft.compute/hostgroups": withReads(rgRow("azurerm_dedicated_host_group", arg{TF: "platform_fault_domain_count", ARM: "platformFaultDomainCount", C: cNum, Required: true},
		arg{TF: "automatic_placement_enabled", ARM: "supportAutomaticPlacement", C: cBool}).withIgnore("hosts", "instanceView"),
		func(r *model.Resource) string {
			if len(r.Zones) > 1 {
				return "azurerm_dedicated_host_group takes one zone"
			}
			return ""
		}).withZone(),
	"microsoft.compute/capacityreservationgroups": func() simpleRow {
		r := rgRow("azurerm_capacity_reservation_group")
		r.Zones = true
		return r
	}(),

	// databases
	"microsoft.sql/servers/firewallrules": {TF: "azurerm_mssql_firewall_rule", Place: parentID, ParentAttr: "server_id",
		Args: ipRange("startIpAddress", "endIpAddress")},
	"microsoft.sql/servers/virtualnetworkrules": {TF: "azurerm_mssql_virtual_network_rule", Place: parentID, ParentAttr: "server_id",
		Args: []arg{{TF: "subnet_id", ARM: "virtualNetworkSubnetId", C: cID, Required: true},
			{TF: "ignore_missing_vnet_service_endpoint", ARM: "ignoreMissingVnetServiceEndpoint", C: cBool}}},
	"microsoft.dbforpostgresql/flexibleservers/databases": {TF: "azurerm_postgresql_flexible_server_database", Place: parentID,
		ParentAttr: "server_id", Args: []arg{{TF: "charset", ARM: "charset"}, {TF: "collation", ARM: "collation"}}},
	"microsoft.dbforpostgresql/flexibleservers/firewallrules": {TF: "azurerm_postgresql_flexible_server_firewall_rule", Place: parentID,
		ParentAttr: "server_id", Args: ipRange("startIpAddress", "endIpAddress")},
	"microsoft.dbforpostgresql/flexibleservers/configurations": {TF: "azurerm_postgresql_flexible_server_configuration", Place: parentID,
		ParentAttr: "server_id", Args: []arg{{TF: "value", ARM: "value", Required: true}}, Ignore: configInfo},
	"microsoft.dbformysql/flexibleservers/databases": {TF: "azurerm_mysql_flexible_database", Place: names, NameAttrs: []string{"server_name"},
		Args: []arg{{TF: "charset", ARM: "charset", Required: true}, {TF: "collation", ARM: "collation", Required: true}}},
	"microsoft.dbformysql/flexibleservers/firewallrules": {TF: "azurerm_mysql_flexible_server_firewall_rule", Place: names,
		NameAttrs: []string{"server_name"}, Args: ipRange("startIpAddress", "endIpAddress")},
	"microsoft.dbformysql/flexibleservers/configurations": {TF: "azurerm_mysql_flexible_server_configuration", Place: names,
		NameAttrs: []string{"server_name"}, Args: []arg{{TF: "value", ARM: "value", Required: true}}, Ignore: configInfo},
	"microsoft.cache/redis/firewallrules": {TF: "azurerm_redis_firewall_rule", Place: names, NameAttrs: []string{"redis_cache_name"},
		Args: []arg{{TF: "start_ip", ARM: "startIP", Required: true}, {TF: "end_ip", ARM: "endIP", Required: true}}},

	// storage
	"microsoft.storage/storageaccounts/fileservices/shares": {TF: "azurerm_storage_share", Place: parentID, ParentAttr: "storage_account_id",
		AncestorDepth: 1, Args: []arg{{TF: "quota", ARM: "shareQuota", C: cNum, Required: true},
			{TF: "access_tier", ARM: "accessTier"}, {TF: "enabled_protocol", ARM: "enabledProtocols"}}},
	"microsoft.storage/storageaccounts/queueservices/queues": {TF: "azurerm_storage_queue", Place: parentID, ParentAttr: "storage_account_id",
		AncestorDepth: 1, Args: []arg{{TF: "metadata", ARM: "metadata", C: cMap}}, Ignore: []string{"approximateMessageCount"}},
	"microsoft.storage/storageaccounts/tableservices/tables": {TF: "azurerm_storage_table", Place: parentID, ParentAttr: "storage_account_id",
		AncestorDepth: 1, Ignore: []string{"tableName"}},

	// monitoring, management
	"microsoft.automation/automationaccounts": rgRow("azurerm_automation_account",
		arg{TF: "sku_name", ARM: "sku.name", Required: true},
		arg{TF: "public_network_access_enabled", ARM: "publicNetworkAccess", C: cBool},
		arg{TF: "local_authentication_enabled", ARM: "disableLocalAuth", C: cNot}),
	"microsoft.operationalinsights/workspaces/savedsearches": {TF: "azurerm_log_analytics_saved_search", Place: parentID,
		ParentAttr: "log_analytics_workspace_id", Args: []arg{
			{TF: "category", ARM: "category", Required: true}, {TF: "display_name", ARM: "displayName", Required: true},
			{TF: "query", ARM: "query", Required: true}, {TF: "function_alias", ARM: "functionAlias"},
			{TF: "function_parameters", ARM: "functionParameters", C: cStrList}}},
	"microsoft.insights/datacollectionendpoints": ignoring(rgRow("azurerm_monitor_data_collection_endpoint",
		arg{TF: "kind", ARM: "$kind"}, arg{TF: "description", ARM: "description"},
		arg{TF: "public_network_access_enabled", ARM: "networkAcls.publicNetworkAccess", C: cEnabled}), "configurationAccess", "logsIngestion", "metricsIngestion"),
	"microsoft.authorization/locks": {TF: "azurerm_management_lock", Place: parentID, ParentAttr: "scope", Args: []arg{
		{TF: "lock_level", ARM: "level", Required: true}, {TF: "notes", ARM: "notes"}}},
	"microsoft.portal/dashboards": {TF: "azurerm_portal_dashboard", Place: inRG, Location: true, Tags: true,
		Check: func(r *model.Resource) string {
			if _, list := jsonpath.GetFold(r.Body, "lenses").([]any); list {
				return "dashboard lenses as a list (older API shape) are not what azurerm_portal_dashboard parses"
			}
			return ""
		},
		Extra: func(e *emitter, b *hclwrite.Body, r *model.Resource) {
			if len(r.Body) > 0 {
				e.setExpr(b, "dashboard_properties", "jsonencode("+e.value(r.Body, "")+")")
			}
		}, Sets: []string{"dashboard_properties"}, AllBody: true},

	// apps, data, AI
	"microsoft.datafactory/factories": func() simpleRow {
		r := rgRow("azurerm_data_factory", arg{TF: "public_network_enabled", ARM: "publicNetworkAccess", C: cEnabled})
		r.Identity = true
		return r
	}(),
	"microsoft.web/staticsites": rgRow("azurerm_static_web_app", arg{TF: "sku_tier", ARM: "$sku.tier"}, arg{TF: "sku_size", ARM: "$sku.name"}),
	"microsoft.search/searchservices": rgRow("azurerm_search_service", arg{TF: "sku", ARM: "$sku.name", C: cLower, Required: true},
		arg{TF: "replica_count", ARM: "replicaCount", C: cNum}, arg{TF: "partition_count", ARM: "partitionCount", C: cNum},
		arg{TF: "hosting_mode", ARM: "hostingMode"}, arg{TF: "public_network_access_enabled", ARM: "publicNetworkAccess", C: cEnabled}),
	"microsoft.cognitiveservices/accounts": func() simpleRow {
		r := rgRow("azurerm_cognitive_account", arg{TF: "kind", ARM: "$kind", Required: true}, arg{TF: "sku_name", ARM: "$sku.name", Required: true},
			arg{TF: "custom_subdomain_name", ARM: "customSubDomainName"},
			arg{TF: "public_network_access_enabled", ARM: "publicNetworkAccess", C: cEnabled},
			arg{TF: "local_auth_enabled", ARM: "disableLocalAuth", C: cNot})
		r.Identity = true
		return r
	}(),
	"microsoft.maps/accounts": ignoring(rgRow("azurerm_maps_account", arg{TF: "sku_name", ARM: "$sku.name", Required: true},
		arg{TF: "local_authentication_enabled", ARM: "disableLocalAuth", C: cNot}), "uniqueId"),
	"microsoft.recoveryservices/vaults": rgRow("azurerm_recovery_services_vault", arg{TF: "sku", ARM: "$sku.name", Required: true}),
	"microsoft.appconfiguration/configurationstores": rgRow("azurerm_app_configuration", arg{TF: "sku", ARM: "$sku.name", C: cLower},
		arg{TF: "local_auth_enabled", ARM: "disableLocalAuth", C: cNot},
		arg{TF: "public_network_access", ARM: "publicNetworkAccess"},
		arg{TF: "purge_protection_enabled", ARM: "enablePurgeProtection", C: cBool},
		arg{TF: "soft_delete_retention_days", ARM: "softDeleteRetentionInDays", C: cNum}),
	"microsoft.devtestlab/labs":           rgRow("azurerm_dev_test_lab"),
	"microsoft.healthcareapis/workspaces": rgRow("azurerm_healthcare_workspace"),
	"microsoft.kusto/clusters/databases": {TF: "azurerm_kusto_database", Place: names, NameAttrs: []string{"cluster_name"}, Location: true,
		Args: []arg{{TF: "hot_cache_period", ARM: "hotCachePeriod"}, {TF: "soft_delete_period", ARM: "softDeletePeriod"}}},
	"microsoft.managedidentity/userassignedidentities/federatedidentitycredentials": {TF: "azurerm_federated_identity_credential",
		Place: parentID, ParentAttr: "user_assigned_identity_id", Args: []arg{
			{TF: "audience", ARM: "audiences", C: cStrList, Required: true},
			{TF: "issuer", ARM: "issuer", Required: true}, {TF: "subject", ARM: "subject", Required: true}},
		Check: func(r *model.Resource) string {
			if len(strList(jsonpath.GetFold(r.Body, "audiences"))) != 1 {
				return "azurerm_federated_identity_credential takes exactly one audience"
			}
			return ""
		}},
	"microsoft.containerregistry/registries/scopemaps": {TF: "azurerm_container_registry_scope_map", Place: names,
		NameAttrs: []string{"container_registry_name"}, Args: []arg{{TF: "actions", ARM: "actions", C: cStrList, Required: true},
			{TF: "description", ARM: "description"}}, Reads: []string{"type"},
		Check: func(r *model.Resource) string {
			if strings.EqualFold(s(jsonpath.GetFold(r.Body, "type")), "SystemDefined") {
				return "built-in scope map (SystemDefined): exists in every registry"
			}
			return ""
		}},
	"microsoft.containerregistry/registries/webhooks": {TF: "azurerm_container_registry_webhook", Place: names, Location: true, Tags: true,
		NameAttrs: []string{"registry_name"}, Args: []arg{{TF: "service_uri", ARM: "serviceUri", Required: true},
			{TF: "actions", ARM: "actions", C: cStrList, Required: true}, {TF: "status", ARM: "status"}, {TF: "scope", ARM: "scope"}}},
	"microsoft.apimanagement/service/groups": {TF: "azurerm_api_management_group", Place: names, NameAttrs: []string{"api_management_name"},
		Args: []arg{{TF: "display_name", ARM: "displayName", Required: true}, {TF: "description", ARM: "description"},
			{TF: "type", ARM: "type", Skip: []string{"system"}}, {TF: "external_id", ARM: "externalId"}},
		Check: func(r *model.Resource) string {
			if strings.EqualFold(s(jsonpath.GetFold(r.Body, "type")), "system") || jsonpath.GetFold(r.Body, "builtIn") == true {
				return "built-in API Management group (type system): exists in every service"
			}
			return ""
		}, Reads: []string{"builtIn"}},
	"microsoft.apimanagement/service/products": {TF: "azurerm_api_management_product", NameAttr: "product_id", Place: names, NameAttrs: []string{"api_management_name"},
		Check: func(r *model.Resource) string {
			if s(jsonpath.GetFold(r.Body, "state")) == "" {
				return "azurerm_api_management_product requires published but the product has no state"
			}
			return ""
		},
		Extra: func(e *emitter, b *hclwrite.Body, r *model.Resource) {
			e.set(b, "published", strings.EqualFold(s(jsonpath.GetFold(r.Body, "state")), "published"))
		},
		Sets: []string{"published"}, Reads: []string{"state"},
		Args: []arg{{TF: "display_name", ARM: "displayName", Required: true}, {TF: "description", ARM: "description"},
			{TF: "subscription_required", ARM: "subscriptionRequired", C: cBool}, {TF: "approval_required", ARM: "approvalRequired", C: cBool},
			{TF: "subscriptions_limit", ARM: "subscriptionsLimit", C: cNum}, {TF: "terms", ARM: "terms"}}},
	"microsoft.apimanagement/service/tags": {TF: "azurerm_api_management_tag", Place: parentID, ParentAttr: "api_management_id",
		Args: []arg{{TF: "display_name", ARM: "displayName", Required: true}}},
}

// cnameRow maps a CNAME record set (one record).
func cnameRow(tf string) simpleRow {
	return simpleRow{TF: tf, Place: names, NameAttrs: []string{"zone_name"},
		Args:  []arg{{TF: "ttl", ARM: "TTL", C: cNum, Required: true}, {TF: "record", ARM: "CNAMERecord.cname", Required: true}},
		Reads: []string{"targetResource", "fqdn"},
		Check: func(r *model.Resource) string {
			if jsonpath.GetFold(r.Body, "targetResource.id") != nil {
				return "alias record sets (targetResource) are not expressed"
			}
			return ""
		}}
}

// ignoring marks properties that carry nothing to recreate (computed, informational).
func ignoring(row simpleRow, props ...string) simpleRow {
	row.Ignore = append(row.Ignore, props...)
	return row
}

// withReads adds a check and the properties it judges.
func withReads(row simpleRow, check func(r *model.Resource) string, props ...string) simpleRow {
	row.Check = check
	row.Reads = append(row.Reads, props...)
	return row
}

// configInfo are the informational fields of a server configuration (only value is set).
var configInfo = []string{"allowedValues", "dataType", "defaultValue", "description", "isConfigPendingRestart",
	"isDynamicConfig", "isReadOnly", "source", "documentationLink", "unit"}

// withZone writes the single zone of a resource as zone.
func (row simpleRow) withZone() simpleRow {
	row.Extra = chainExtra(row.Extra, func(e *emitter, b *hclwrite.Body, r *model.Resource) {
		if len(r.Zones) == 1 {
			e.set(b, "zone", r.Zones[0])
		}
	})
	row.Sets = append(row.Sets, "zone")
	return row
}

// sbMaxSize: azurerm takes only these queue/topic sizes.
var sbMaxSize = numOneOf("maxSizeInMegabytes", 1024, 2048, 3072, 4096, 5120, 10240, 20480, 40960, 81920)
