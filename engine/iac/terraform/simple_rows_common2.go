package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Types common in real tenants beyond the network ones: VM extensions (monitoring and security
// agents on nearly every VM), smart detector alert rules (one set per Application Insights
// component), SQL elastic pools and managed instances, managed images, and Front Door
// (Standard/Premium) routes, security policies and WAF policies.

func init() { registerSimpleRows(commonRows2) }

// keysOnly is a Check: the object at path holds only the named fields (an argument reading
// path.x covers the whole object, so the fields no argument maps are judged here).
func keysOnly(path string, fields ...string) func(r *model.Resource) string {
	return func(r *model.Resource) string {
		o, _ := jsonpath.GetFold(r.Body, path).(map[string]any)
		for _, k := range model.SortedKeys(o) {
			if !emptyValue(o[k]) && !listHas(fields, k) {
				return path + "." + k + " is not expressed"
			}
		}
		return ""
	}
}

// smartDetectorGroups are the action group ids of a smart detector alert rule: the current API's
// actionGroups.groupIds, or the older list of {actionGroupId}.
func smartDetectorGroups(r *model.Resource) []any {
	v := jsonpath.GetFold(r.Body, "actionGroups")
	if l, ok := v.([]any); ok {
		var out []any
		for _, x := range l {
			if id := idAt(x, "actionGroupId"); id != nil {
				out = append(out, id)
			}
		}
		return out
	}
	return strList(jsonpath.GetFold(v, "groupIds"))
}

func smartDetectorCheck(r *model.Resource) string {
	if !emptyValue(jsonpath.GetFold(r.Body, "detector.parameters")) {
		return "detector parameters are not expressed"
	}
	v := jsonpath.GetFold(r.Body, "actionGroups")
	if l, ok := v.([]any); ok {
		for _, x := range l {
			for k, f := range m(x) {
				if !strings.EqualFold(k, "actionGroupId") && !emptyValue(f) {
					return "actionGroups." + k + " is not expressed"
				}
			}
		}
	} else if why := keysOnly("actionGroups", "groupIds", "customEmailSubject", "customWebhookPayload")(r); why != "" {
		return why
	}
	if len(smartDetectorGroups(r)) == 0 {
		return "azurerm_monitor_smart_detector_alert_rule requires an action group but the rule has none"
	}
	return ""
}

func smartDetectorExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	ab := b.AppendNewBlock("action_group", nil).Body()
	e.set(ab, "ids", smartDetectorGroups(r))
	e.set(ab, "email_subject", s(jsonpath.GetFold(r.Body, "actionGroups.customEmailSubject")))
	e.set(ab, "webhook_payload", s(jsonpath.GetFold(r.Body, "actionGroups.customWebhookPayload")))
}

// elasticPoolMaintenance writes the maintenance configuration's name (ARM holds its id).
func elasticPoolMaintenance(e *emitter, b *hclwrite.Body, r *model.Resource) {
	e.set(b, "maintenance_configuration_name", e.refName(jsonpath.GetFold(r.Body, "maintenanceConfigurationId")))
}

// refName is the name (last id segment) of what a reference value points at: a model
// resource, a resource outside the generated set (its variable's default is the source id), a
// subscription-relative id or a literal id; "" when unknown.
func (e *emitter) refName(v any) string {
	switch x := v.(type) {
	case model.Var:
		if vv := e.m.Variable(x.Name); vv != nil && vv.Default != nil {
			return lastSegment(*vv.Default)
		}
		return ""
	case model.SubRel:
		return lastSegment(x.Path)
	}
	return lastSegment(e.armID(v))
}

// frontDoorCache writes a route's cache block from the current API's cacheConfiguration or the
// older API's top-level compression and query-string settings.
func frontDoorCache(e *emitter, b *hclwrite.Body, r *model.Resource) {
	c, _ := jsonpath.GetFold(r.Body, "cacheConfiguration").(map[string]any)
	if emptyValue(c) {
		c = map[string]any{"queryStringCachingBehavior": jsonpath.GetFold(r.Body, "queryStringCachingBehavior"),
			"compressionSettings": jsonpath.GetFold(r.Body, "compressionSettings")}
		if emptyValue(c) {
			return
		}
	}
	cb := b.AppendNewBlock("cache", nil).Body()
	e.set(cb, "query_string_caching_behavior", s(jsonpath.GetFold(c, "queryStringCachingBehavior")))
	var qs []any
	for _, p := range strings.Split(s(jsonpath.GetFold(c, "queryParameters")), ",") {
		if p = strings.TrimSpace(p); p != "" {
			qs = append(qs, p)
		}
	}
	e.set(cb, "query_strings", qs)
	e.set(cb, "compression_enabled", boolAt(jsonpath.GetFold(c, "compressionSettings"), "isCompressionEnabled"))
	e.set(cb, "content_types_to_compress", strList(jsonpath.GetFold(c, "compressionSettings.contentTypesToCompress")))
}

func frontDoorCacheCheck(r *model.Resource) string {
	for _, p := range []string{"cacheConfiguration.compressionSettings", "compressionSettings"} {
		if why := keysOnly(p, "isCompressionEnabled", "contentTypesToCompress")(r); why != "" {
			return why
		}
	}
	return keysOnly("cacheConfiguration", "queryStringCachingBehavior", "queryParameters", "compressionSettings")(r)
}

// securityPolicyCheck: azurerm takes one WAF association (patterns and domains) per policy.
func securityPolicyCheck(r *model.Resource) string {
	if t := s(jsonpath.GetFold(r.Body, "parameters.type")); !strings.EqualFold(t, "WebApplicationFirewall") {
		return "security policy type " + t + " is not expressed"
	}
	if why := keysOnly("parameters", "type", "wafPolicy", "associations")(r); why != "" {
		return why
	}
	if jsonpath.GetFold(r.Body, "parameters.wafPolicy.id") == nil {
		return "security policy without a WAF policy"
	}
	as := arr(jsonpath.GetFold(r.Body, "parameters.associations"))
	if len(as) != 1 {
		return "azurerm_cdn_frontdoor_security_policy takes one association"
	}
	for k, v := range m(as[0]) {
		if !listHas([]string{"domains", "patternsToMatch"}, k) && !emptyValue(v) {
			return "parameters.associations." + k + " is not expressed"
		}
	}
	if len(idsOf(jsonpath.GetFold(as[0], "domains"))) == 0 || len(strList(jsonpath.GetFold(as[0], "patternsToMatch"))) == 0 {
		return "security policy association without domains or patterns"
	}
	return ""
}

func securityPolicyExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	fw := b.AppendNewBlock("security_policies", nil).Body().AppendNewBlock("firewall", nil).Body()
	e.set(fw, "cdn_frontdoor_firewall_policy_id", idAt(jsonpath.GetFold(r.Body, "parameters"), "wafPolicy.id"))
	as := arr(jsonpath.GetFold(r.Body, "parameters.associations"))
	ab := fw.AppendNewBlock("association", nil).Body()
	for _, id := range idsOf(jsonpath.GetFold(as[0], "domains")) {
		e.set(ab.AppendNewBlock("domain", nil).Body(), "cdn_frontdoor_domain_id", id)
	}
	e.set(ab, "patterns_to_match", strList(jsonpath.GetFold(as[0], "patternsToMatch")))
}

// frontDoorCompressible are the content types azurerm takes for a route's compression.
var frontDoorCompressible = []string{"application/eot", "application/font", "application/font-sfnt", "application/javascript", "application/json",
	"application/opentype", "application/otf", "application/pkcs7-mime", "application/truetype", "application/ttf", "application/vnd.ms-fontobject",
	"application/xhtml+xml", "application/xml", "application/xml+rss", "application/x-font-opentype", "application/x-font-truetype",
	"application/x-font-ttf", "application/x-httpd-cgi", "application/x-mpegurl", "application/x-opentype", "application/x-otf", "application/x-perl",
	"application/x-ttf", "application/x-javascript", "font/eot", "font/ttf", "font/otf", "font/opentype", "image/svg+xml", "text/css", "text/csv",
	"text/html", "text/javascript", "text/js", "text/plain", "text/richtext", "text/tab-separated-values", "text/xml", "text/x-script",
	"text/x-component", "text/x-java-source"}

// fdExclusion is a Front Door WAF exclusion.
var fdExclusion = []arg{{TF: "match_variable", ARM: "matchVariable", Required: true}, {TF: "operator", ARM: "selectorMatchOperator", Required: true},
	{TF: "selector", ARM: "selector", Required: true}}

var commonRows2 = map[string]simpleRow{
	"microsoft.cdn/profiles/customdomains": {TF: "azurerm_cdn_frontdoor_custom_domain", Place: parentID, ParentAttr: "cdn_frontdoor_profile_id",
		Args: []arg{{TF: "host_name", ARM: "hostName", Required: true}, {TF: "dns_zone_id", ARM: "azureDnsZone.id", C: cID},
			{TF: "tls", ARM: "tlsSettings", Required: true, Max: 1, Block: []arg{{TF: "certificate_type", ARM: "certificateType"},
				{TF: "minimum_version", ARM: "minimumTlsVersion"}, {TF: "cdn_frontdoor_secret_id", ARM: "secret.id", C: cID}}}},
		Check: allOneOf("tlsSettings.minimumTlsVersion", "TLS12", "TLS13"),
		// the service's validation of the domain and deployment state
		Ignore: []string{"domainValidationState", "validationProperties", "deploymentStatus", "profileName", "extendedProperties"}},
	"microsoft.sql/managedinstances": managedInstanceRow,
	"microsoft.compute/virtualmachines/extensions": {TF: "azurerm_virtual_machine_extension", Place: parentID, ParentAttr: "virtual_machine_id", Tags: true,
		Args: []arg{{TF: "publisher", ARM: "publisher", Required: true}, {TF: "type", ARM: "type", Required: true},
			{TF: "type_handler_version", ARM: "typeHandlerVersion", Required: true}, {TF: "auto_upgrade_minor_version", ARM: "autoUpgradeMinorVersion", C: cBool},
			{TF: "automatic_upgrade_enabled", ARM: "enableAutomaticUpgrade", C: cBool}, {TF: "failure_suppression_enabled", ARM: "suppressFailures", C: cBool},
			{TF: "settings", ARM: "settings", C: cJSON}, {TF: "provision_after_extensions", ARM: "provisionAfterExtensions", C: cStrList},
			{TF: "protected_settings_from_key_vault", ARM: "protectedSettingsFromKeyVault", Max: 1, Block: []arg{{TF: "secret_url", ARM: "secretUrl", Required: true},
				{TF: "source_vault_id", ARM: "sourceVault.id", C: cID, Required: true}}}}},
	"microsoft.alertsmanagement/smartdetectoralertrules": {TF: "azurerm_monitor_smart_detector_alert_rule", Place: inRG, Tags: true,
		Args: []arg{{TF: "description", ARM: "description"}, {TF: "enabled", ARM: "state", C: cEnabled}, {TF: "severity", ARM: "severity", Required: true},
			{TF: "frequency", ARM: "frequency", Required: true}, {TF: "detector_type", ARM: "detector.id", Required: true},
			{TF: "scope_resource_ids", ARM: "scope", C: cStrList, Required: true}, {TF: "throttling_duration", ARM: "throttling.duration"}},
		Check: checks(oneOf("detector.id", "FailureAnomaliesDetector", "RequestPerformanceDegradationDetector", "DependencyPerformanceDegradationDetector",
			"ExceptionVolumeChangedDetector", "TraceSeverityDetector", "MemoryLeakDetector"), smartDetectorCheck), Extra: smartDetectorExtra, Sets: []string{"action_group"}, Reads: []string{"actionGroups"}},
	"microsoft.sql/servers/elasticpools": {TF: "azurerm_mssql_elasticpool", Place: names, NameAttrs: []string{"server_name"}, Location: true, NeedLocation: true, Tags: true,
		Args: []arg{{TF: "sku", ARM: "$sku", Required: true, Max: 1, Block: []arg{{TF: "name", ARM: "name", Required: true}, {TF: "tier", ARM: "tier", Required: true},
			{TF: "family", ARM: "family"}, {TF: "capacity", ARM: "capacity", C: cNum, Required: true}, {ARM: "size"}}},
			{TF: "per_database_settings", ARM: "perDatabaseSettings", Required: true, Max: 1, Block: []arg{{TF: "min_capacity", ARM: "minCapacity", C: cNum, Required: true},
				{TF: "max_capacity", ARM: "maxCapacity", C: cNum, Required: true}, {ARM: "autoPauseDelay"}}},
			{TF: "max_size_bytes", ARM: "maxSizeBytes", C: cNum}, {TF: "zone_redundant", ARM: "zoneRedundant", C: cBool},
			{TF: "license_type", ARM: "licenseType"}, {TF: "high_availability_replica_count", ARM: "highAvailabilityReplicaCount", C: cNum},
			{TF: "enclave_type", ARM: "preferredEnclaveType"}},
		Extra: elasticPoolMaintenance, Sets: []string{"maintenance_configuration_name"}, Reads: []string{"maintenanceConfigurationId"}},
	"microsoft.compute/images": {TF: "azurerm_image", Place: inRG, Location: true, NeedLocation: true, Tags: true,
		Args: []arg{{TF: "hyper_v_generation", ARM: "hyperVGeneration"}, {TF: "source_virtual_machine_id", ARM: "sourceVirtualMachine.id", C: cID},
			{TF: "zone_resilient", ARM: "storageProfile.zoneResilient", C: cBool},
			{TF: "os_disk", ARM: "storageProfile.osDisk", Max: 1, Block: []arg{{TF: "os_type", ARM: "osType"}, {TF: "os_state", ARM: "osState"},
				{TF: "blob_uri", ARM: "blobUri"}, {TF: "managed_disk_id", ARM: "managedDisk.id", C: cID}, {TF: "caching", ARM: "caching"},
				{TF: "size_gb", ARM: "diskSizeGB", C: cNum}, {TF: "storage_type", ARM: "storageAccountType", Required: true},
				{TF: "disk_encryption_set_id", ARM: "diskEncryptionSet.id", C: cID}}},
			{TF: "data_disk", ARM: "storageProfile.dataDisks", Block: []arg{{TF: "lun", ARM: "lun", C: cNum}, {TF: "blob_uri", ARM: "blobUri"},
				{TF: "managed_disk_id", ARM: "managedDisk.id", C: cID}, {TF: "caching", ARM: "caching"}, {TF: "size_gb", ARM: "diskSizeGB", C: cNum},
				{TF: "storage_type", ARM: "storageAccountType", Required: true}, {TF: "disk_encryption_set_id", ARM: "diskEncryptionSet.id", C: cID}}}},
		Check: keysOnly("storageProfile", "osDisk", "dataDisks", "zoneResilient")},
	"microsoft.cdn/profiles/afdendpoints/routes": {TF: "azurerm_cdn_frontdoor_route", Place: parentID, ParentAttr: "cdn_frontdoor_endpoint_id",
		Args: []arg{{TF: "cdn_frontdoor_origin_group_id", ARM: "originGroup.id", C: cID, Required: true},
			{TF: "cdn_frontdoor_custom_domain_ids", ARM: "customDomains", C: cIDList}, {TF: "cdn_frontdoor_rule_set_ids", ARM: "ruleSets", C: cIDList},
			{TF: "cdn_frontdoor_origin_path", ARM: "originPath"}, {TF: "supported_protocols", ARM: "supportedProtocols", C: cStrList, Required: true},
			{TF: "patterns_to_match", ARM: "patternsToMatch", C: cStrList, Required: true}, {TF: "forwarding_protocol", ARM: "forwardingProtocol"},
			{TF: "link_to_default_domain", ARM: "linkToDefaultDomain", C: cEnabled}, {TF: "https_redirect_enabled", ARM: "httpsRedirect", C: cEnabled},
			{TF: "enabled", ARM: "enabledState", C: cEnabled}},
		Check: checks(frontDoorCacheCheck, allOneOf("cacheConfiguration.compressionSettings.contentTypesToCompress", frontDoorCompressible...),
			allOneOf("compressionSettings.contentTypesToCompress", frontDoorCompressible...), func(r *model.Resource) string {
				for _, x := range arr(jsonpath.GetFold(r.Body, "customDomains")) {
					for k, v := range m(x) {
						if !strings.EqualFold(k, "id") && !strings.EqualFold(k, "isActive") && !emptyValue(v) {
							return "customDomains." + k + " is not expressed"
						}
					}
				}
				return ""
			}),
		Extra: frontDoorCache, Sets: []string{"cache"}, Reads: []string{"cacheConfiguration", "compressionSettings", "queryStringCachingBehavior"},
		Ignore: []string{"deploymentStatus", "endpointName"}},
	"microsoft.cdn/profiles/securitypolicies": {TF: "azurerm_cdn_frontdoor_security_policy", Place: parentID, ParentAttr: "cdn_frontdoor_profile_id",
		Check: securityPolicyCheck, Extra: securityPolicyExtra, Sets: []string{"security_policies"}, Reads: []string{"parameters"},
		Ignore: []string{"deploymentStatus", "profileName"}},
	"microsoft.network/frontdoorwebapplicationfirewallpolicies": {TF: "azurerm_cdn_frontdoor_firewall_policy", Place: inRG, Tags: true,
		Args: []arg{{TF: "sku_name", ARM: "$sku.name", Required: true},
			{TF: "enabled", ARM: "policySettings.enabledState", C: cEnabled}, {TF: "mode", ARM: "policySettings.mode", Required: true},
			{TF: "redirect_url", ARM: "policySettings.redirectUrl"}, {TF: "custom_block_response_status_code", ARM: "policySettings.customBlockResponseStatusCode", C: cNum},
			{TF: "custom_block_response_body", ARM: "policySettings.customBlockResponseBody"},
			{TF: "request_body_check_enabled", ARM: "policySettings.requestBodyCheck", C: cEnabled},
			{TF: "js_challenge_cookie_expiration_in_minutes", ARM: "policySettings.javascriptChallengeExpirationInMinutes", C: cNum},
			{TF: "captcha_cookie_expiration_in_minutes", ARM: "policySettings.captchaExpirationInMinutes", C: cNum},
			{TF: "custom_rule", ARM: "customRules.rules", Block: []arg{{TF: "name", ARM: "name", Required: true}, {TF: "priority", ARM: "priority", C: cNum},
				{TF: "type", ARM: "ruleType", Required: true}, {TF: "action", ARM: "action", Required: true}, {TF: "enabled", ARM: "enabledState", C: cEnabled},
				{TF: "rate_limit_duration_in_minutes", ARM: "rateLimitDurationInMinutes", C: cNum}, {TF: "rate_limit_threshold", ARM: "rateLimitThreshold", C: cNum},
				{TF: "match_condition", ARM: "matchConditions", Block: []arg{{TF: "match_variable", ARM: "matchVariable", Required: true},
					{TF: "match_values", ARM: "matchValue", C: cStrList, Required: true}, {TF: "operator", ARM: "operator", Required: true},
					{TF: "selector", ARM: "selector"}, {TF: "negation_condition", ARM: "negateCondition", C: cBool}, {TF: "transforms", ARM: "transforms", C: cStrList}}}}},
			{TF: "managed_rule", ARM: "managedRules.managedRuleSets", Block: []arg{{TF: "type", ARM: "ruleSetType", Required: true},
				{TF: "version", ARM: "ruleSetVersion", Required: true}, {TF: "action", ARM: "ruleSetAction", Required: true},
				{TF: "exclusion", ARM: "exclusions", Block: fdExclusion},
				{TF: "override", ARM: "ruleGroupOverrides", Block: []arg{{TF: "rule_group_name", ARM: "ruleGroupName", Required: true},
					{TF: "exclusion", ARM: "exclusions", Block: fdExclusion},
					{TF: "rule", ARM: "rules", Block: []arg{{TF: "rule_id", ARM: "ruleId", Required: true}, {TF: "enabled", ARM: "enabledState", C: cEnabled},
						{TF: "action", ARM: "action", Required: true}, {TF: "exclusion", ARM: "exclusions", Block: fdExclusion}}}}}}}},
		Check: checks(oneOfSKU("Standard_AzureFrontDoor", "Premium_AzureFrontDoor"),
			allOneOf("policySettings.customBlockResponseStatusCode", "200", "403", "405", "406", "429", "990", "991", "992", "993", "994", "995", "996", "997", "998", "999"),
			keysOnly("policySettings", "enabledState", "mode", "redirectUrl", "customBlockResponseStatusCode", "customBlockResponseBody",
				"requestBodyCheck", "javascriptChallengeExpirationInMinutes", "captchaExpirationInMinutes"),
			keysOnly("customRules", "rules"), keysOnly("managedRules", "managedRuleSets")),
		Ignore: []string{"resourceState", "frontendEndpointLinks", "securityPolicyLinks", "routingRuleLinks"}},
}

// oneOfSKU is a Check: the envelope's sku name is one of names.
func oneOfSKU(names ...string) func(r *model.Resource) string {
	return func(r *model.Resource) string {
		n, _ := r.SKU["name"].(string)
		if !listHas(names, n) {
			return "sku " + n + " is not one of " + strings.Join(names, ", ")
		}
		return ""
	}
}

// miRedundancy maps a managed instance's backup storage redundancy to azurerm's account type.
var miRedundancy = map[string]string{"Geo": "GRS", "Local": "LRS", "Zone": "ZRS", "GeoZone": "GZRS"}

func managedInstanceCheck(r *model.Resource) string {
	if v := s(jsonpath.GetFold(r.Body, "requestedBackupStorageRedundancy")); v != "" {
		if _, ok := miRedundancy[v]; !ok {
			return "backup storage redundancy " + v + " is not expressed"
		}
		if a := s(jsonpath.GetFold(r.Body, "storageAccountType")); a != "" && a != miRedundancy[v] {
			return "storageAccountType " + a + " differs from requestedBackupStorageRedundancy " + v
		}
	}
	return ""
}

func managedInstanceExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	e.set(b, "maintenance_configuration_name", e.refName(jsonpath.GetFold(r.Body, "maintenanceConfigurationId")))
	if a := s(jsonpath.GetFold(r.Body, "storageAccountType")); a != "" {
		e.set(b, "storage_account_type", a)
	} else {
		e.set(b, "storage_account_type", miRedundancy[s(jsonpath.GetFold(r.Body, "requestedBackupStorageRedundancy"))])
	}
}

var managedInstanceRow = simpleRow{TF: "azurerm_mssql_managed_instance", Place: inRG, Location: true, NeedLocation: true, Tags: true, Identity: true,
	Args: []arg{{TF: "sku_name", ARM: "$sku.name", Required: true}, {TF: "vcores", ARM: "vCores", C: cNum, Required: true},
		{TF: "storage_size_in_gb", ARM: "storageSizeInGB", C: cNum, Required: true}, {TF: "license_type", ARM: "licenseType", Required: true},
		{TF: "subnet_id", ARM: "subnetId", C: cID, Required: true}, {TF: "administrator_login", ARM: "administratorLogin"},
		{TF: "administrator_login_password", ARM: "administratorLoginPassword", C: cID}, {TF: "collation", ARM: "collation"},
		{TF: "public_data_endpoint_enabled", ARM: "publicDataEndpointEnabled", C: cBool}, {TF: "proxy_override", ARM: "proxyOverride", Skip: []string{"Default"}},
		{TF: "minimum_tls_version", ARM: "minimalTlsVersion"}, {TF: "timezone_id", ARM: "timezoneId"},
		{TF: "zone_redundant_enabled", ARM: "zoneRedundant", C: cBool}, {TF: "dns_zone_partner_id", ARM: "dnsZonePartner", C: cID},
		{TF: "hybrid_secondary_usage", ARM: "hybridSecondaryUsage"}, {TF: "database_format", ARM: "databaseFormat"},
		{TF: "service_principal_type", ARM: "servicePrincipal.type"}, {TF: "storage_iops", ARM: "storageIOps", C: cNum},
		{TF: "general_purpose_v2_enabled", ARM: "isGeneralPurposeV2", C: cBool},
		{TF: "azure_active_directory_administrator", ARM: "administrators", Max: 1, Block: []arg{{ARM: "administratorType"},
			{TF: "login_username", ARM: "login", Required: true}, {TF: "object_id", ARM: "sid", C: cID, Required: true},
			{TF: "principal_type", ARM: "principalType", Required: true}, {TF: "tenant_id", ARM: "tenantId", C: cID},
			{TF: "azuread_authentication_only_enabled", ARM: "azureADOnlyAuthentication", C: cBool}}}},
	Check: managedInstanceCheck, Extra: managedInstanceExtra, Sets: []string{"maintenance_configuration_name", "storage_account_type"},
	Reads:  []string{"maintenanceConfigurationId", "storageAccountType", "requestedBackupStorageRedundancy"},
	Ignore: []string{"dnsZone", "currentBackupStorageRedundancy", "virtualClusterId", "externalGovernanceStatus"}}
