package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

func init() {
	addRows4()
	addRows5()
	registerSimpleRows(simpleRows4)
}

var simpleRows4 = map[string]simpleRow{}

// receiverLists are an action group's receiver lists; only those in receiverBlocks are expressed.
var receiverBlocks = map[string]struct {
	block  string
	fields [][2]string // argument, ARM field
}{
	"emailReceivers":   {"email_receiver", [][2]string{{"name", "name"}, {"email_address", "emailAddress"}, {"use_common_alert_schema", "useCommonAlertSchema"}}},
	"smsReceivers":     {"sms_receiver", [][2]string{{"name", "name"}, {"country_code", "countryCode"}, {"phone_number", "phoneNumber"}}},
	"webhookReceivers": {"webhook_receiver", [][2]string{{"name", "name"}, {"service_uri", "serviceUri"}, {"use_common_alert_schema", "useCommonAlertSchema"}}},
}

func addRows4() {
	simpleRows4["microsoft.dataprotection/backupvaults"] = simpleRow{TF: "azurerm_data_protection_backup_vault", Place: inRG,
		Location: true, Tags: true, Identity: true, Reads: []string{"storageSettings"}, Sets: []string{"datastore_type", "redundancy"},
		Check: func(r *model.Resource) string {
			ss := arr(jsonpath.GetFold(r.Body, "storageSettings"))
			if len(ss) != 1 || s(jsonpath.GetFold(ss[0], "datastoreType")) == "" || s(jsonpath.GetFold(ss[0], "type")) == "" {
				return "azurerm_data_protection_backup_vault takes exactly one storage setting (datastore type and redundancy)"
			}
			return ""
		},
		Extra: func(e *emitter, b *hclwrite.Body, r *model.Resource) {
			ss := arr(jsonpath.GetFold(r.Body, "storageSettings"))
			e.set(b, "datastore_type", s(jsonpath.GetFold(ss[0], "datastoreType")))
			e.set(b, "redundancy", s(jsonpath.GetFold(ss[0], "type")))
		}}
	simpleRows4["microsoft.network/firewallpolicies"] = simpleRow{TF: "azurerm_firewall_policy", Place: inRG, Location: true, Tags: true,
		Identity: true, Args: []arg{{TF: "sku", ARM: "sku.tier"}, {TF: "threat_intelligence_mode", ARM: "threatIntelMode"},
			{TF: "base_policy_id", ARM: "basePolicy.id", C: cID}, {TF: "private_ip_ranges", ARM: "snat.privateRanges", C: cStrList, Skip: []string{"IANAPrivateRanges"}},
			{TF: "sql_redirect_allowed", ARM: "sql.allowSqlRedirect", C: cBool},
			{TF: "insights", ARM: "insights", Block: []arg{{TF: "enabled", ARM: "isEnabled", C: cBool, Required: true},
				{TF: "default_log_analytics_workspace_id", ARM: "logAnalyticsResources.defaultWorkspaceId.id", C: cID, Required: true},
				{TF: "retention_in_days", ARM: "retentionDays", C: cNum},
				{TF: "log_analytics_workspace", ARM: "logAnalyticsResources.workspaces", Block: []arg{
					{TF: "id", ARM: "workspaceId.id", C: cID, Required: true}, {TF: "firewall_location", ARM: "region", Required: true}}}}},
			{TF: "intrusion_detection", ARM: "intrusionDetection", Block: []arg{{TF: "mode", ARM: "mode"},
				{TF: "private_ranges", ARM: "configuration.privateRanges", C: cStrList},
				{TF: "signature_overrides", ARM: "configuration.signatureOverrides", Block: []arg{{TF: "id", ARM: "id"}, {TF: "state", ARM: "mode"}}},
				{TF: "traffic_bypass", ARM: "configuration.bypassTrafficSettings", Block: []arg{{TF: "name", ARM: "name", Required: true},
					{TF: "protocol", ARM: "protocol", Required: true}, {TF: "description", ARM: "description"},
					{TF: "destination_addresses", ARM: "destinationAddresses", C: cStrList}, {TF: "destination_ports", ARM: "destinationPorts", C: cStrList},
					{TF: "source_addresses", ARM: "sourceAddresses", C: cStrList}, {TF: "destination_ip_groups", ARM: "destinationIpGroups", C: cStrList},
					{TF: "source_ip_groups", ARM: "sourceIpGroups", C: cStrList}}}}},
			{TF: "threat_intelligence_allowlist", ARM: "threatIntelWhitelist", Block: []arg{{TF: "ip_addresses", ARM: "ipAddresses", C: cStrList},
				{TF: "fqdns", ARM: "fqdns", C: cStrList}}},
			{TF: "tls_certificate", ARM: "transportSecurity.certificateAuthority", Block: []arg{
				{TF: "key_vault_secret_id", ARM: "keyVaultSecretId", Required: true}, {TF: "name", ARM: "name", Required: true}}}},
		Reads: []string{"dnsSettings"}, Sets: []string{"dns"},
		Ignore: []string{"firewalls", "childPolicies", "ruleCollectionGroups", "ruleGroups"},
		Check: func(r *model.Resource) string {
			if snat, ok := jsonpath.GetFold(r.Body, "snat").(map[string]any); ok {
				for _, k := range model.SortedKeys(snat) {
					if !strings.EqualFold(k, "privateRanges") {
						return "snat." + k + " is not expressed"
					}
				}
			}
			if sku, ok := jsonpath.GetFold(r.Body, "sku").(map[string]any); ok && len(sku) > 1 {
				return "sku fields other than tier are not expressed"
			}
			return ""
		},
		Extra: func(e *emitter, b *hclwrite.Body, r *model.Resource) {
			dns, ok := jsonpath.GetFold(r.Body, "dnsSettings").(map[string]any)
			if !ok || emptyValue(dns) {
				return
			}
			db := b.AppendNewBlock("dns", nil).Body()
			e.set(db, "proxy_enabled", jsonpath.GetFold(dns, "enableProxy"))
			e.set(db, "servers", strList(jsonpath.GetFold(dns, "servers")))
		}}
	simpleRows4["microsoft.insights/actiongroups"] = simpleRow{TF: "azurerm_monitor_action_group", Place: inRG, Tags: true,
		Args:  []arg{{TF: "short_name", ARM: "groupShortName", Required: true}, {TF: "enabled", ARM: "enabled", C: cBool}},
		Reads: []string{"emailReceivers", "smsReceivers", "webhookReceivers"},
		Sets:  []string{"email_receiver", "sms_receiver", "webhook_receiver"},
		Check: func(r *model.Resource) string {
			for _, list := range model.SortedKeys(receiverBlocks) {
				for _, x := range arr(jsonpath.GetFold(r.Body, list)) {
					if mm, ok := x.(map[string]any); ok {
						for _, k := range model.SortedKeys(mm) {
							if !strings.EqualFold(k, "status") && !receiverField(list, k) {
								return list + "." + k + " is not expressed"
							}
						}
					}
				}
			}
			return ""
		},
		Extra: func(e *emitter, b *hclwrite.Body, r *model.Resource) {
			for _, list := range []string{"emailReceivers", "smsReceivers", "webhookReceivers"} {
				rb := receiverBlocks[list]
				for _, x := range arr(jsonpath.GetFold(r.Body, list)) {
					bb := b.AppendNewBlock(rb.block, nil).Body()
					for _, f := range rb.fields {
						e.set(bb, f[0], jsonpath.GetFold(x, f[1]))
					}
				}
			}
		}}
	simpleRows4["microsoft.apimanagement/service/namedvalues"] = simpleRow{TF: "azurerm_api_management_named_value", Place: names,
		NameAttrs: []string{"api_management_name"}, Args: []arg{{TF: "display_name", ARM: "displayName", Required: true},
			{TF: "value", ARM: "value", Required: true}, {TF: "secret", ARM: "secret", C: cBool}, {TF: "tags", ARM: "tags", C: cStrList}}}
	simpleRows4["microsoft.apimanagement/service/apis"] = simpleRow{TF: "azurerm_api_management_api", Place: names,
		NameAttrs: []string{"api_management_name"}, Args: []arg{{TF: "revision", ARM: "apiRevision", Required: true},
			{TF: "display_name", ARM: "displayName"}, {TF: "path", ARM: "path"}, {TF: "protocols", ARM: "protocols", C: cStrList},
			{TF: "service_url", ARM: "serviceUrl"}, {TF: "description", ARM: "description"},
			{TF: "subscription_required", ARM: "subscriptionRequired", C: cBool}, {TF: "api_type", ARM: "type"},
			{TF: "version", ARM: "apiVersion"}, {TF: "version_set_id", ARM: "apiVersionSetId", C: cID},
			{TF: "revision_description", ARM: "apiRevisionDescription"}, {TF: "version_description", ARM: "apiVersionDescription"},
			{TF: "terms_of_service_url", ARM: "termsOfServiceUrl"},
			{TF: "subscription_key_parameter_names", ARM: "subscriptionKeyParameterNames", Block: []arg{
				{TF: "header", ARM: "header", Required: true}, {TF: "query", ARM: "query", Required: true}}}},
		Ignore: []string{"isCurrent", "isOnline"}}
}

// receiverField reports whether an action group receiver's field is expressed.
func receiverField(list, k string) bool {
	for _, f := range receiverBlocks[list].fields {
		if strings.EqualFold(f[1], k) {
			return true
		}
	}
	return false
}

// addRows5 adds rows found by running tofu validate on the corpus.
func addRows5() {
	simpleRows5 := map[string]simpleRow{
		"microsoft.insights/privatelinkscopes/scopedresources": {TF: "azurerm_monitor_private_link_scoped_service", Place: names,
			NameAttrs: []string{"scope_name"}, Args: []arg{{TF: "linked_resource_id", ARM: "linkedResourceId", C: cID, Required: true}}},
		"microsoft.operationalinsights/workspaces/tables": {TF: "azurerm_log_analytics_workspace_table", Place: parentID,
			ParentAttr: "workspace_id", Args: []arg{{TF: "retention_in_days", ARM: "retentionInDays", C: cNum},
				{TF: "total_retention_in_days", ARM: "totalRetentionInDays", C: cNum}, {TF: "plan", ARM: "plan"}},
			Ignore: []string{"isTroubleshootEnabled", "isTroubleshootingAllowed", "lastTroubleshootDate", "archiveRetentionInDays",
				"retentionInDaysAsDefault", "totalRetentionInDaysAsDefault", "lastPlanModifiedDate", "provisioningState"},
			Reads: []string{"schema"}, Check: func(r *model.Resource) string {
				if strings.HasSuffix(r.LastName(), "_CL") || jsonpath.GetFold(r.Body, "schema.columns") != nil {
					return "custom tables (columns) are not expressed"
				}
				return ""
			}},
		"microsoft.datafactory/factories/integrationruntimes": {TF: "azurerm_data_factory_integration_runtime_self_hosted",
			Place: parentID, ParentAttr: "data_factory_id", Args: []arg{{TF: "description", ARM: "description"}},
			Reads: []string{"type", "typeProperties"}, Check: func(r *model.Resource) string {
				if !strings.EqualFold(s(jsonpath.GetFold(r.Body, "type")), "SelfHosted") || !emptyValue(jsonpath.GetFold(r.Body, "typeProperties")) {
					return "only self-hosted integration runtimes without linked info are expressed"
				}
				return ""
			}},
	}
	simpleRows5["microsoft.network/networkwatchers/flowlogs"] = simpleRow{TF: "azurerm_network_watcher_flow_log", Place: names,
		NameAttrs: []string{"network_watcher_name"}, Location: true, Tags: true,
		Args: []arg{{TF: "target_resource_id", ARM: "targetResourceId", C: cID, Required: true},
			{TF: "storage_account_id", ARM: "storageId", C: cID, Required: true}, {TF: "enabled", ARM: "enabled", C: cBool, Required: true},
			{TF: "version", ARM: "format.version", C: cNum}},
		Ignore: []string{"targetResourceGuid"}, Reads: []string{"retentionPolicy", "flowAnalyticsConfiguration", "format"},
		Sets: []string{"retention_policy"},
		Check: func(r *model.Resource) string {
			if jsonpath.GetFold(r.Body, "flowAnalyticsConfiguration.networkWatcherFlowAnalyticsConfiguration.enabled") == true {
				return "traffic analytics settings are not expressed"
			}
			if t := s(jsonpath.GetFold(r.Body, "format.type")); t != "" && !strings.EqualFold(t, "JSON") {
				return "flow log format " + t + " is not expressed"
			}
			return ""
		},
		Extra: func(e *emitter, b *hclwrite.Body, r *model.Resource) {
			rb := b.AppendNewBlock("retention_policy", nil).Body()
			enabled, _ := jsonpath.GetFold(r.Body, "retentionPolicy.enabled").(bool)
			days, _ := jsonpath.GetFold(r.Body, "retentionPolicy.days").(float64)
			e.set(rb, "enabled", enabled)
			e.set(rb, "days", days)
		}}
	simpleRows5["microsoft.synapse/workspaces/sqlpools"] = simpleRow{TF: "azurerm_synapse_sql_pool", Place: parentID,
		ParentAttr: "synapse_workspace_id", Tags: true, Args: []arg{{TF: "sku_name", ARM: "$sku.name", Required: true},
			{TF: "storage_account_type", ARM: "storageAccountType", Required: true}, {TF: "collation", ARM: "collation"},
			{TF: "create_mode", ARM: "createMode"}},
		Ignore: []string{"maxSizeBytes", "creationDate", "restorePointInTime", "status"}}
	for k, v := range simpleRows5 {
		simpleRows4[k] = v
	}
}
