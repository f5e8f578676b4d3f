package terraform

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Monitoring, messaging and app-platform rows whose ARM shape differs from azurerm's: alert
// conditions as lists of field/equals pairs, names that hold two values, JSON-encoded values.

func init() { registerSimpleRows(monitorRows) }

// registrationTTLCheck: a notification hub's registration TTL is expressed only as the
// service default (.NET's TimeSpan.MaxValue, azurerm has no argument for it).
func registrationTTLCheck(r *model.Resource) string {
	if v := s(jsonpath.GetFold(r.Body, "registrationTtl")); v != "" && v != "10675199.02:48:05.4775807" && v != maxTimeSpan {
		return "registrationTtl " + v + " is not expressed"
	}
	return ""
}

// activityCriteria maps an activity log alert condition's fields to azurerm criteria arguments.
var activityCriteria = map[string]string{"category": "category", "operationname": "operation_name", "resourcetype": "resource_type",
	"resourcegroup": "resource_group", "resourceid": "resource_id", "resourceprovider": "resource_provider", "level": "level",
	"status": "status", "substatus": "sub_status", "caller": "caller"}

func activityConditionCheck(r *model.Resource) string {
	c, _ := jsonpath.GetFold(r.Body, "condition").(map[string]any)
	all := arr(jsonpath.GetFold(c, "allOf"))
	if len(all) == 0 {
		return "activity log alert without allOf conditions is not expressed"
	}
	for k := range c {
		if !strings.EqualFold(k, "allOf") {
			return "condition." + k + " is not expressed"
		}
	}
	category := false
	for _, x := range all {
		xm, _ := x.(map[string]any)
		f := strings.ToLower(s(jsonpath.GetFold(xm, "field")))
		if _, ok := activityCriteria[f]; !ok || s(jsonpath.GetFold(xm, "equals")) == "" || len(xm) != 2 {
			return "activity log alert condition on " + f + " is not expressed"
		}
		category = category || f == "category"
	}
	if !category {
		return "activity log alert without a category condition is not expressed"
	}
	return ""
}

func activityConditionExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	cb := b.AppendNewBlock("criteria", nil).Body()
	for _, x := range arr(jsonpath.GetFold(r.Body, "condition.allOf")) {
		e.set(cb, activityCriteria[strings.ToLower(s(jsonpath.GetFold(x, "field")))], s(jsonpath.GetFold(x, "equals")))
	}
}

// keyValueName splits an App Configuration key-value's name "key$label" (the label also comes
// from its property).
func keyValueExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	key, _, _ := strings.Cut(r.LastName(), "$")
	e.set(b, "key", key)
}

// jsonStringCheck: an automation string variable's value is a JSON string literal.
func jsonStringCheck(r *model.Resource) string {
	v, ok := jsonpath.GetFold(r.Body, "value").(string)
	if !ok {
		return ""
	}
	var str string
	if err := json.Unmarshal([]byte(v), &str); err != nil {
		return "variable value is not a JSON string (another variable type)"
	}
	return ""
}

func jsonStringExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	if v, ok := jsonpath.GetFold(r.Body, "value").(string); ok {
		var str string
		if json.Unmarshal([]byte(v), &str) == nil {
			e.set(b, "value", str)
		}
	}
}

var monitorRows = map[string]simpleRow{
	"microsoft.insights/activitylogalerts": {TF: "azurerm_monitor_activity_log_alert", Place: inRG, Location: true, NeedLocation: true, Tags: true,
		Args: []arg{{TF: "scopes", ARM: "scopes", C: cStrList, Required: true}, {TF: "description", ARM: "description"},
			{TF: "enabled", ARM: "enabled", C: cBool},
			{TF: "action", ARM: "actions.actionGroups", Block: []arg{{TF: "action_group_id", ARM: "actionGroupId", C: cID, Required: true},
				{TF: "webhook_properties", ARM: "webhookProperties", C: cMap}}}},
		Check: activityConditionCheck, Extra: activityConditionExtra, Sets: []string{"criteria"}, Reads: []string{"condition"}},
	"microsoft.appconfiguration/configurationstores/keyvalues": {TF: "azurerm_app_configuration_key", NameAttr: "-", Place: parentID,
		ParentAttr: "configuration_store_id", Args: []arg{{TF: "label", ARM: "label"}, {TF: "value", ARM: "value"},
			{TF: "content_type", ARM: "contentType"}, {TF: "locked", ARM: "locked", C: cBool}, {TF: "tags", ARM: "tags", C: cMap}},
		Extra: keyValueExtra, Sets: []string{"key"}},
	"microsoft.apimanagement/service/api-version-sets": {TF: "azurerm_api_management_api_version_set", Place: names,
		NameAttrs: []string{"api_management_name"}, Args: []arg{{TF: "display_name", ARM: "displayName", Required: true},
			{TF: "versioning_scheme", ARM: "versioningScheme", Required: true}, {TF: "description", ARM: "description"},
			{TF: "version_header_name", ARM: "versionHeaderName"}, {TF: "version_query_name", ARM: "versionQueryName"}}},
	"microsoft.cdn/profiles/origingroups": {TF: "azurerm_cdn_frontdoor_origin_group", Place: parentID, ParentAttr: "cdn_frontdoor_profile_id",
		Args: []arg{{TF: "load_balancing", ARM: "loadBalancingSettings", Required: true, Block: []arg{
			{TF: "additional_latency_in_milliseconds", ARM: "additionalLatencyInMilliseconds", C: cNum},
			{TF: "sample_size", ARM: "sampleSize", C: cNum}, {TF: "successful_samples_required", ARM: "successfulSamplesRequired", C: cNum}}},
			{TF: "health_probe", ARM: "healthProbeSettings", Block: []arg{{TF: "interval_in_seconds", ARM: "probeIntervalInSeconds", C: cNum, Required: true},
				{TF: "protocol", ARM: "probeProtocol", Required: true}, {TF: "path", ARM: "probePath"}, {TF: "request_type", ARM: "probeRequestType"}}},
			{TF: "session_affinity_enabled", ARM: "sessionAffinityState", C: cEnabled},
			{TF: "restore_traffic_time_to_healed_or_new_endpoint_in_minutes", ARM: "trafficRestorationTimeToHealedOrNewEndpointsInMinutes", C: cNum}},
		Ignore: []string{"deploymentStatus", "provisioningState"}},
	"microsoft.automation/automationaccounts/webhooks": {TF: "azurerm_automation_webhook", Place: names, NameAttrs: []string{"automation_account_name"},
		Args: []arg{{TF: "expiry_time", ARM: "expiryTime", Required: true}, {TF: "runbook_name", ARM: "runbook.name", Required: true},
			{TF: "enabled", ARM: "isEnabled", C: cBool}, {TF: "parameters", ARM: "parameters", C: cMap},
			{TF: "run_on_worker_group", ARM: "runOn"}},
		Ignore: []string{"lastInvokedTime", "uri", "creationTime", "lastModifiedTime", "lastModifiedBy"}},
	"microsoft.automation/automationaccounts/jobschedules": {TF: "azurerm_automation_job_schedule", NameAttr: "-", Place: names,
		NameAttrs: []string{"automation_account_name"}, Args: []arg{{TF: "schedule_name", ARM: "schedule.name", Required: true},
			{TF: "runbook_name", ARM: "runbook.name", Required: true}, {TF: "run_on", ARM: "runOn"},
			{TF: "job_schedule_id", ARM: "jobScheduleId"}, {TF: "parameters", ARM: "parameters", C: cMap}},
		Check: func(r *model.Resource) string {
			if p, ok := jsonpath.GetFold(r.Body, "parameters").(map[string]any); ok {
				for k := range p {
					if k != strings.ToLower(k) {
						return "job schedule parameter " + k + " is not lower-case (azurerm takes lower-case names only)"
					}
				}
			}
			return ""
		}},
	"microsoft.automation/automationaccounts/variables": {TF: "azurerm_automation_variable_string", Place: names,
		NameAttrs: []string{"automation_account_name"}, Args: []arg{{TF: "description", ARM: "description"},
			{TF: "encrypted", ARM: "isEncrypted", C: cBool}},
		Check: jsonStringCheck, Extra: jsonStringExtra, Sets: []string{"value"}, Reads: []string{"value"}},
}

// emptyDefinition: a Logic App workflow's definition is expressed only when it has no
// actions, triggers, outputs or parameters (azurerm_logic_app_workflow keeps schema and
// version; actions and triggers are resources of their own).
func emptyDefinition(r *model.Resource) string {
	def, _ := jsonpath.GetFold(r.Body, "definition").(map[string]any)
	for k, v := range def {
		switch strings.ToLower(k) {
		case "$schema", "contentversion":
		default:
			if !emptyValue(v) {
				return "workflow definition." + k + " is not expressed"
			}
		}
	}
	return ""
}

func init() {
	policy := func(parents ...string) simpleRow {
		return simpleRow{TF: "", NameAttr: "-", Place: names, NameAttrs: parents,
			Args: []arg{{TF: "xml_content", ARM: "value", Required: true}}, Check: oneOf("format", "xml", "rawxml")}
	}
	rows := map[string]simpleRow{
		"microsoft.synapse/workspaces/integrationruntimes": {TF: "azurerm_synapse_integration_runtime_self_hosted", Place: parentID,
			ParentAttr: "synapse_workspace_id", Args: []arg{{TF: "description", ARM: "description"}}, Reads: []string{"type", "typeProperties"},
			Check: func(r *model.Resource) string {
				if !strings.EqualFold(s(jsonpath.GetFold(r.Body, "type")), "SelfHosted") || !emptyValue(jsonpath.GetFold(r.Body, "typeProperties")) {
					return "only self-hosted integration runtimes without linked info are expressed"
				}
				return ""
			}},
		"microsoft.logic/workflows": {TF: "azurerm_logic_app_workflow", Place: inRG, Location: true, NeedLocation: true, Tags: true, Identity: true,
			Args: []arg{{TF: "workflow_schema", ARM: "definition.$schema"}, {TF: "workflow_version", ARM: "definition.contentVersion"},
				{TF: "logic_app_integration_account_id", ARM: "integrationAccount.id", C: cID},
				{TF: "integration_service_environment_id", ARM: "integrationServiceEnvironment.id", C: cID},
				{TF: "enabled", ARM: "state", C: cEnabled}},
			Check: func(r *model.Resource) string {
				if why := emptyDefinition(r); why != "" {
					return why
				}
				if !emptyValue(jsonpath.GetFold(r.Body, "parameters")) {
					return "workflow parameters are not expressed"
				}
				return ""
			}, Reads: []string{"parameters"}, Ignore: []string{"accessEndpoint", "endpointsConfiguration", "version", "sku"}},
		"microsoft.apimanagement/service/apis/schemas": {TF: "azurerm_api_management_api_schema", NameAttr: "schema_id", Place: names,
			NameAttrs: []string{"api_management_name", "api_name"}, Args: []arg{{TF: "content_type", ARM: "contentType", Required: true},
				{TF: "value", ARM: "document.value"}, {TF: "components", ARM: "document.components", C: cJSON},
				{TF: "definitions", ARM: "document.definitions", C: cJSON}}},
		"microsoft.apimanagement/service/products/policies":        policy("api_management_name", "product_id"),
		"microsoft.apimanagement/service/apis/operations/policies": policy("api_management_name", "api_name", "operation_id"),
		"microsoft.customproviders/resourceproviders": {TF: "azurerm_custom_provider", Place: inRG, Location: true, NeedLocation: true, Tags: true,
			Args: []arg{{TF: "action", ARM: "actions", Block: []arg{{TF: "name", ARM: "name", Required: true},
				{TF: "endpoint", ARM: "endpoint", Required: true}, {ARM: "routingType"}}},
				{TF: "resource_type", ARM: "resourceTypes", Block: []arg{{TF: "name", ARM: "name", Required: true},
					{TF: "endpoint", ARM: "endpoint", Required: true}, {TF: "routing_type", ARM: "routingType"}}},
				{TF: "validation", ARM: "validations", Block: []arg{{TF: "specification", ARM: "specification", Required: true}, {ARM: "validationType"}}}},
			Check: func(r *model.Resource) string {
				for _, x := range arr(jsonpath.GetFold(r.Body, "actions")) {
					if t := s(jsonpath.GetFold(x, "routingType")); t != "" && !strings.EqualFold(t, "Proxy") {
						return "action routing type " + t + " is not expressed"
					}
				}
				for _, x := range arr(jsonpath.GetFold(r.Body, "resourceTypes")) {
					if t := s(jsonpath.GetFold(x, "routingType")); t != "" && t != "Proxy" && t != "Proxy,Cache" {
						return "resource type routing type " + t + " is not one of Proxy, Proxy,Cache"
					}
				}
				return ""
			}},
		"microsoft.databricks/workspaces/virtualnetworkpeerings": {TF: "azurerm_databricks_virtual_network_peering", Place: parentID,
			ParentAttr: "workspace_id", RGName: true, Args: []arg{
				{TF: "remote_address_space_prefixes", ARM: "remoteAddressSpace.addressPrefixes", C: cStrList, Required: true},
				{TF: "remote_virtual_network_id", ARM: "remoteVirtualNetwork.id", C: cID, Required: true},
				{TF: "allow_forwarded_traffic", ARM: "allowForwardedTraffic", C: cBool},
				{TF: "allow_gateway_transit", ARM: "allowGatewayTransit", C: cBool},
				{TF: "allow_virtual_network_access", ARM: "allowVirtualNetworkAccess", C: cBool},
				{TF: "use_remote_gateways", ARM: "useRemoteGateways", C: cBool}},
			// the workspace's own address space and network: azurerm reads them from the workspace
			Ignore: []string{"databricksAddressSpace", "databricksVirtualNetwork", "peeringState", "peeringSyncLevel"}},
	}
	rows["microsoft.apimanagement/service/products/policies"] = withTF(rows["microsoft.apimanagement/service/products/policies"], "azurerm_api_management_product_policy")
	rows["microsoft.apimanagement/service/apis/operations/policies"] = withTF(rows["microsoft.apimanagement/service/apis/operations/policies"], "azurerm_api_management_api_operation_policy")
	for k, v := range rows {
		monitorRows[k] = v
	}
	registerSimpleRows(rows)
}

func withTF(row simpleRow, tf string) simpleRow {
	row.TF = tf
	return row
}

// metricCriterionFields are the fields of a static metric criterion azurerm expresses.
var metricCriterionFields = map[string]string{"metricnamespace": "metric_namespace", "metricname": "metric_name",
	"timeaggregation": "aggregation", "operator": "operator", "threshold": "threshold", "skipmetricvalidation": "skip_metric_validation"}

func metricCriteriaType(r *model.Resource) string {
	t := ""
	if c, ok := jsonpath.GetFold(r.Body, "criteria").(map[string]any); ok {
		t = s(c["odata.type"])
	}
	return strings.TrimPrefix(t, "Microsoft.Azure.Monitor.")
}

func metricAlertCheck(r *model.Resource) string {
	c, _ := jsonpath.GetFold(r.Body, "criteria").(map[string]any)
	switch metricCriteriaType(r) {
	case "WebtestLocationAvailabilityCriteria":
		for k := range c {
			switch strings.ToLower(k) {
			case "odata.type", "webtestid", "componentid", "failedlocationcount":
			default:
				return "criteria." + k + " is not expressed"
			}
		}
		if idAt(c, "webTestId") == nil || idAt(c, "componentId") == nil || numAt(c, "failedLocationCount") == nil {
			return "web test criteria without web test, component or failed location count"
		}
		return ""
	case "SingleResourceMultipleMetricCriteria", "MultipleResourceMultipleMetricCriteria":
	default:
		return "metric alert criteria " + metricCriteriaType(r) + " is not expressed"
	}
	for k := range c {
		if !strings.EqualFold(k, "odata.type") && !strings.EqualFold(k, "allOf") {
			return "criteria." + k + " is not expressed"
		}
	}
	all := arr(jsonpath.GetFold(c, "allOf"))
	if len(all) == 0 {
		return "metric alert without criteria"
	}
	for _, x := range all {
		xm, _ := x.(map[string]any)
		if t := s(jsonpath.GetFold(xm, "criterionType")); t != "" && t != "StaticThresholdCriterion" {
			return "metric criterion " + t + " is not expressed"
		}
		for k, v := range xm {
			lk := strings.ToLower(k)
			if _, ok := metricCriterionFields[lk]; ok || lk == "name" || lk == "criteriontype" || emptyValue(v) {
				continue
			}
			if lk != "dimensions" {
				return "metric criterion " + k + " is not expressed"
			}
		}
		for _, f := range []string{"metricNamespace", "metricName", "timeAggregation", "operator"} {
			if s(jsonpath.GetFold(xm, f)) == "" {
				return "metric criterion without " + f
			}
		}
		if numAt(xm, "threshold") == nil {
			return "metric criterion without a static threshold"
		}
		for _, d := range arr(jsonpath.GetFold(xm, "dimensions")) {
			dm, _ := d.(map[string]any)
			if len(dm) != 3 || s(jsonpath.GetFold(dm, "name")) == "" || s(jsonpath.GetFold(dm, "operator")) == "" || len(strList(jsonpath.GetFold(dm, "values"))) == 0 {
				return "metric criterion dimension is not expressed"
			}
		}
	}
	return ""
}

func metricAlertExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	c, _ := jsonpath.GetFold(r.Body, "criteria").(map[string]any)
	if metricCriteriaType(r) == "WebtestLocationAvailabilityCriteria" {
		wb := b.AppendNewBlock("application_insights_web_test_location_availability_criteria", nil).Body()
		e.set(wb, "web_test_id", idAt(c, "webTestId"))
		e.set(wb, "component_id", idAt(c, "componentId"))
		e.set(wb, "failed_location_count", numAt(c, "failedLocationCount"))
		return
	}
	for _, x := range arr(jsonpath.GetFold(c, "allOf")) {
		cb := b.AppendNewBlock("criteria", nil).Body()
		for _, k := range []string{"metricNamespace", "metricName", "timeAggregation", "operator", "threshold", "skipMetricValidation"} {
			e.set(cb, metricCriterionFields[strings.ToLower(k)], jsonpath.GetFold(x, k))
		}
		for _, d := range arr(jsonpath.GetFold(x, "dimensions")) {
			db := cb.AppendNewBlock("dimension", nil).Body()
			e.set(db, "name", s(jsonpath.GetFold(d, "name")))
			e.set(db, "operator", s(jsonpath.GetFold(d, "operator")))
			e.set(db, "values", strList(jsonpath.GetFold(d, "values")))
		}
	}
}

// snapshotDays writes a NetApp snapshot policy's monthly and weekly schedules, whose days ARM
// spells as comma-separated strings.
func snapshotDays(e *emitter, b *hclwrite.Body, r *model.Resource) {
	split := func(v string, num bool) []any {
		var out []any
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			if num {
				var n float64
				if _, err := fmt.Sscan(p, &n); err == nil {
					out = append(out, n)
				}
				continue
			}
			out = append(out, p)
		}
		return out
	}
	if m, ok := jsonpath.GetFold(r.Body, "monthlySchedule").(map[string]any); ok && !emptyValue(m) {
		mb := b.AppendNewBlock("monthly_schedule", nil).Body()
		e.set(mb, "days_of_month", split(s(jsonpath.GetFold(m, "daysOfMonth")), true))
		e.set(mb, "hour", numAt(m, "hour"))
		e.set(mb, "minute", numAt(m, "minute"))
		e.set(mb, "snapshots_to_keep", numAt(m, "snapshotsToKeep"))
	}
	if w, ok := jsonpath.GetFold(r.Body, "weeklySchedule").(map[string]any); ok && !emptyValue(w) {
		wb := b.AppendNewBlock("weekly_schedule", nil).Body()
		e.set(wb, "days_of_week", split(s(jsonpath.GetFold(w, "day")), false))
		e.set(wb, "hour", numAt(w, "hour"))
		e.set(wb, "minute", numAt(w, "minute"))
		e.set(wb, "snapshots_to_keep", numAt(w, "snapshotsToKeep"))
	}
}

func snapshotDaysCheck(r *model.Resource) string {
	for _, p := range []struct{ obj, days string }{{"monthlySchedule", "daysOfMonth"}, {"weeklySchedule", "day"}} {
		o, ok := jsonpath.GetFold(r.Body, p.obj).(map[string]any)
		if !ok || emptyValue(o) {
			continue
		}
		for k := range o {
			switch strings.ToLower(k) {
			case strings.ToLower(p.days), "hour", "minute", "snapshotstokeep", "usedbytes":
			default:
				return p.obj + "." + k + " is not expressed"
			}
		}
		for _, f := range []string{p.days, "hour", "minute", "snapshotsToKeep"} {
			if emptyValue(jsonpath.GetFold(o, f)) {
				return p.obj + " without " + f
			}
		}
	}
	return ""
}

func init() {
	rows := map[string]simpleRow{
		"microsoft.insights/metricalerts": {TF: "azurerm_monitor_metric_alert", Place: inRG, Tags: true,
			Args: []arg{{TF: "scopes", ARM: "scopes", C: cStrList, Required: true}, {TF: "description", ARM: "description"},
				{TF: "enabled", ARM: "enabled", C: cBool}, {TF: "auto_mitigate", ARM: "autoMitigate", C: cBool},
				{TF: "frequency", ARM: "evaluationFrequency"}, {TF: "severity", ARM: "severity", C: cNum},
				{TF: "window_size", ARM: "windowSize"}, {TF: "target_resource_type", ARM: "targetResourceType"},
				{TF: "target_resource_location", ARM: "targetResourceRegion"},
				{TF: "action", ARM: "actions", Block: []arg{{TF: "action_group_id", ARM: "actionGroupId", C: cID, Required: true},
					{TF: "webhook_properties", ARM: "webHookProperties", C: cMap}}}},
			Check: metricAlertCheck, Extra: metricAlertExtra, Reads: []string{"criteria"},
			Sets: []string{"criteria", "application_insights_web_test_location_availability_criteria"}},
		"microsoft.netapp/netappaccounts/snapshotpolicies": {TF: "azurerm_netapp_snapshot_policy", Place: names, NameAttrs: []string{"account_name"},
			Location: true, NeedLocation: true, Tags: true,
			Args: []arg{{TF: "enabled", ARM: "enabled", C: cBool, Required: true},
				{TF: "hourly_schedule", ARM: "hourlySchedule", Block: []arg{{TF: "minute", ARM: "minute", C: cNum, Required: true},
					{TF: "snapshots_to_keep", ARM: "snapshotsToKeep", C: cNum, Required: true}, {ARM: "usedBytes"}}},
				{TF: "daily_schedule", ARM: "dailySchedule", Block: []arg{{TF: "hour", ARM: "hour", C: cNum, Required: true},
					{TF: "minute", ARM: "minute", C: cNum, Required: true},
					{TF: "snapshots_to_keep", ARM: "snapshotsToKeep", C: cNum, Required: true}, {ARM: "usedBytes"}}}},
			Check: snapshotDaysCheck, Extra: snapshotDays, Reads: []string{"monthlySchedule", "weeklySchedule"},
			Sets: []string{"monthly_schedule", "weekly_schedule"}},
	}
	for k, v := range rows {
		monitorRows[k] = v
	}
	registerSimpleRows(rows)
}

// The log search alert of the 2018 API (AlertingAction): booleans and severities arrive as
// strings, the action and trigger are nested under action.
func logAlertCheck(r *model.Resource) string {
	a, _ := jsonpath.GetFold(r.Body, "action").(map[string]any)
	if !strings.HasSuffix(s(a["odata.type"]), ".AlertingAction") {
		return "only alerting log search rules (2018 API) are expressed"
	}
	for k := range a {
		switch strings.ToLower(k) {
		case "odata.type", "aznsaction", "severity", "trigger", "throttlinginmin":
		default:
			return "action." + k + " is not expressed"
		}
	}
	if t, ok := jsonpath.GetFold(a, "trigger").(map[string]any); ok {
		for k := range t {
			if l := strings.ToLower(k); l != "threshold" && l != "thresholdoperator" {
				return "action.trigger." + k + " is not expressed"
			}
		}
	}
	if az, ok := jsonpath.GetFold(a, "aznsAction").(map[string]any); ok {
		for k := range az {
			if l := strings.ToLower(k); l != "actiongroup" && l != "emailsubject" && l != "customwebhookpayload" {
				return "action.aznsAction." + k + " is not expressed"
			}
		}
	}
	if numAt(a, "trigger.threshold") == nil || s(jsonpath.GetFold(a, "trigger.thresholdOperator")) == "" {
		return "log alert without a trigger"
	}
	if _, err := strconv.ParseFloat(s(jsonpath.GetFold(a, "severity")), 64); jsonpath.GetFold(a, "severity") != nil && numAt(a, "severity") == nil && err != nil {
		return "severity is not a number"
	}
	return ""
}

func logAlertExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	switch v := jsonpath.GetFold(r.Body, "enabled").(type) {
	case bool:
		e.set(b, "enabled", v)
	case string:
		e.set(b, "enabled", strings.EqualFold(v, "true"))
	}
	a, _ := jsonpath.GetFold(r.Body, "action").(map[string]any)
	switch v := jsonpath.GetFold(a, "severity").(type) {
	case float64:
		e.set(b, "severity", v)
	case string:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			e.set(b, "severity", f)
		}
	}
	e.set(b, "throttling", numAt(a, "throttlingInMin"))
	ab := b.AppendNewBlock("action", nil).Body()
	groups := strList(jsonpath.GetFold(a, "aznsAction.actionGroup"))
	if groups == nil {
		groups = []any{}
	}
	ab.SetAttributeRaw("action_group", raw(e.value(groups, "")))
	e.set(ab, "email_subject", s(jsonpath.GetFold(a, "aznsAction.emailSubject")))
	e.set(ab, "custom_webhook_payload", s(jsonpath.GetFold(a, "aznsAction.customWebhookPayload")))
	tb := b.AppendNewBlock("trigger", nil).Body()
	e.set(tb, "operator", s(jsonpath.GetFold(a, "trigger.thresholdOperator")))
	e.set(tb, "threshold", numAt(a, "trigger.threshold"))
}

func init() {
	rows := map[string]simpleRow{
		"microsoft.insights/scheduledqueryrules": {TF: "azurerm_monitor_scheduled_query_rules_alert", Place: inRG, Location: true,
			NeedLocation: true, Tags: true,
			Args: []arg{{TF: "data_source_id", ARM: "source.dataSourceId", C: cID, Required: true},
				{TF: "query", ARM: "source.query", Required: true}, {TF: "query_type", ARM: "source.queryType"},
				{TF: "authorized_resource_ids", ARM: "source.authorizedResources", C: cStrList},
				{TF: "frequency", ARM: "schedule.frequencyInMinutes", C: cNum, Required: true},
				{TF: "time_window", ARM: "schedule.timeWindowInMinutes", C: cNum, Required: true},
				{TF: "description", ARM: "description"}, {TF: "auto_mitigation_enabled", ARM: "autoMitigate", C: cBool}},
			Check: logAlertCheck, Extra: logAlertExtra, Reads: []string{"action", "enabled"},
			Sets:   []string{"enabled", "severity", "throttling", "action", "trigger"},
			Ignore: []string{"lastUpdatedTime", "createdWithApiVersion", "isLegacyLogAnalyticsRule", "displayName"}},
	}
	for k, v := range rows {
		monitorRows[k] = v
	}
	registerSimpleRows(rows)
}
