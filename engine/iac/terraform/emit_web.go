package terraform

import (
	"slices"
	"strings"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
	"github.com/zclconf/go-cty/cty"
)

func emitUAI(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.tags(b, r)
	return nil
}

func emitLogAnalytics(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "sku", laSku(s(jsonpath.Get(r.Body, "sku.name"))))
	e.set(b, "retention_in_days", numAt(r.Body, "retentionInDays"))
	e.set(b, "daily_quota_gb", numAt(r.Body, "workspaceCapping.dailyQuotaGb"))
	if v := s(r.Body["publicNetworkAccessForIngestion"]); v != "" {
		e.set(b, "internet_ingestion_access_type", v)
	}
	if v := s(r.Body["publicNetworkAccessForQuery"]); v != "" {
		e.set(b, "internet_query_access_type", v)
	}
	e.tags(b, r)
	return nil
}

// servicePlanSkus are the sku names azurerm_service_plan accepts (provider 5.x); other plans
// (legacy P1, dynamic…) take the azapi fallback.
var servicePlanSkus = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`B1 B2 B3 S1 S2 S3 F1 D1 SHARED Y1 P1v2 P2v2 P3v2 P0v3 P1v3 P2v3 P3v3
		P1mv3 P2mv3 P3mv3 P4mv3 P5mv3 P0v4 P1v4 P2v4 P3v4 P1mv4 P2mv4 P3mv4 P4mv4 P5mv4 FC1 EP1 EP2 EP3
		I1 I2 I3 I1v2 I2v2 I3v2 I4v2 I5v2 I6v2 I1mv2 I2mv2 I3mv2 I4mv2 I5mv2 WS1 WS2 WS3`) {
		servicePlanSkus[k] = true
	}
}

// laSku maps ARM's workspace sku (often lower-case) to azurerm's casing.
func laSku(v string) string {
	for _, k := range []string{"PerGB2018", "PerNode", "Premium", "Standard", "Standalone", "Unlimited", "CapacityReservation", "Free", "LACluster"} {
		if strings.EqualFold(v, k) {
			return k
		}
	}
	return v
}

func resolveServicePlan(r *model.Resource) string {
	if !servicePlanSkus[s(r.SKU["name"])] {
		return ""
	}
	return "azurerm_service_plan"
}

func emitServicePlan(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	os := "Windows"
	if reserved, _ := r.Body["reserved"].(bool); reserved || strings.Contains(strings.ToLower(r.Kind), "linux") {
		os = "Linux"
	}
	e.set(b, "os_type", os)
	e.set(b, "sku_name", s(r.SKU["name"]))
	e.set(b, "worker_count", r.SKU["capacity"])
	e.set(b, "per_site_scaling_enabled", boolAt(r.Body, "perSiteScaling"))
	e.set(b, "zone_balancing_enabled", boolAt(r.Body, "zoneRedundant"))
	e.tags(b, r)
	return nil
}

func resolveWebApp(r *model.Resource) string {
	k := strings.ToLower(r.Kind)
	if strings.Contains(k, "functionapp") || strings.Contains(k, "workflowapp") || idAt(r.Body, "serverFarmId") == nil {
		return "" // function and logic apps, or no plan: azapi
	}
	if strings.Contains(k, "linux") || r.Body["reserved"] == true {
		return "azurerm_linux_web_app"
	}
	return "azurerm_windows_web_app"
}

func emitWebApp(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "service_plan_id", idAt(r.Body, "serverFarmId"))
	e.set(b, "enabled", boolAt(r.Body, "enabled"))
	e.set(b, "https_only", boolAt(r.Body, "httpsOnly"))
	e.set(b, "client_affinity_enabled", boolAt(r.Body, "clientAffinityEnabled"))
	e.set(b, "client_certificate_enabled", boolAt(r.Body, "clientCertEnabled"))
	if v := s(r.Body["clientCertMode"]); v != "" {
		e.set(b, "client_certificate_mode", v)
	}
	if pna := s(r.Body["publicNetworkAccess"]); pna != "" {
		e.set(b, "public_network_access_enabled", strings.EqualFold(pna, "Enabled"))
	}
	e.set(b, "virtual_network_subnet_id", idAt(r.Body, "virtualNetworkSubnetId"))
	if v := idAt(r.Body, "keyVaultReferenceIdentity"); v != nil && !strings.EqualFold(s(v), "SystemAssigned") {
		e.set(b, "key_vault_reference_identity_id", v) // a user-assigned identity (SystemAssigned is the default)
	}
	sc := m(r.Body["siteConfig"])
	cb := b.AppendNewBlock("site_config", nil).Body()
	if t == "azurerm_linux_web_app" {
		if attr, ver := linuxStack(s(sc["linuxFxVersion"])); attr != "" {
			cb.AppendNewBlock("application_stack", nil).Body().SetAttributeValue(attr, cty.StringVal(ver))
		}
	}
	e.set(cb, "always_on", boolAt(sc, "alwaysOn"))
	e.set(cb, "http2_enabled", boolAt(sc, "http20Enabled"))
	e.set(cb, "websockets_enabled", boolAt(sc, "webSocketsEnabled"))
	e.set(cb, "use_32_bit_worker", boolAt(sc, "use32BitWorkerProcess"))
	e.set(cb, "remote_debugging_enabled", boolAt(sc, "remoteDebuggingEnabled"))
	e.set(cb, "app_command_line", s(sc["appCommandLine"]))
	e.set(cb, "health_check_path", s(sc["healthCheckPath"]))
	if v := s(sc["ftpsState"]); v != "" {
		e.set(cb, "ftps_state", v)
	}
	if v := s(sc["minTlsVersion"]); v != "" {
		e.set(cb, "minimum_tls_version", v)
	}
	if v := s(sc["scmMinTlsVersion"]); v != "" {
		e.set(cb, "scm_minimum_tls_version", v)
	}
	if v := s(sc["managedPipelineMode"]); v != "" && t == "azurerm_windows_web_app" {
		e.set(cb, "managed_pipeline_mode", v)
	}
	e.set(cb, "vnet_route_all_enabled", boolAt(sc, "vnetRouteAllEnabled"))
	// non-secret app settings (secret ones were removed when the model was built)
	settings := map[string]any{}
	for _, st := range arr(sc["appSettings"]) {
		if n, v := s(jsonpath.Get(st, "name")), jsonpath.Get(st, "value"); n != "" && v != nil {
			settings[n] = v
		}
	}
	e.set(b, "app_settings", settings)
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}

func emitRoleAssignment(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.set(b, "name", r.LastName())
	switch {
	case r.Scope != nil:
		e.setExpr(b, "scope", e.expr(r.Scope))
	case r.Level == model.LevelSubscription:
		e.setExpr(b, "scope", `"/subscriptions/${var.subscription_id}"`)
	default:
		e.setExpr(b, "scope", e.base(r))
	}
	e.set(b, "role_definition_id", idAt(r.Body, "roleDefinitionId"))
	e.set(b, "principal_id", idAt(r.Body, "principalId"))
	e.set(b, "principal_type", s(r.Body["principalType"]))
	e.set(b, "description", s(r.Body["description"]))
	e.set(b, "condition", s(r.Body["condition"]))
	e.set(b, "condition_version", s(r.Body["conditionVersion"]))
	e.set(b, "delegated_managed_identity_resource_id", idAt(r.Body, "delegatedManagedIdentityResourceId"))
	return nil
}

var appInsightsTypes = map[string]string{"web": "web", "other": "other", "java": "java", "mobilecenter": "MobileCenter",
	"phone": "phone", "store": "store", "ios": "ios", "node.js": "Node.JS"}

func resolveAppInsights(r *model.Resource) string {
	if _, ok := appInsightsTypes[strings.ToLower(s(r.Body["Application_Type"]))]; !ok {
		return ""
	}
	return "azurerm_application_insights"
}

func emitAppInsights(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "application_type", appInsightsTypes[strings.ToLower(s(r.Body["Application_Type"]))])
	e.set(b, "workspace_id", idAt(r.Body, "WorkspaceResourceId"))
	e.set(b, "retention_in_days", numAt(r.Body, "RetentionInDays"))
	e.set(b, "sampling_percentage", numAt(r.Body, "SamplingPercentage"))
	e.set(b, "local_authentication_enabled", func() any {
		if v, ok := r.Body["DisableLocalAuth"].(bool); ok {
			return !v
		}
		return nil
	}())
	if v := s(r.Body["publicNetworkAccessForIngestion"]); v != "" {
		e.set(b, "internet_ingestion_enabled", strings.EqualFold(v, "Enabled"))
	}
	if v := s(r.Body["publicNetworkAccessForQuery"]); v != "" {
		e.set(b, "internet_query_enabled", strings.EqualFold(v, "Enabled"))
	}
	e.tags(b, r)
	return nil
}

func diagDestinations(r *model.Resource) []any {
	var out []any
	for _, k := range []string{"workspaceId", "storageAccountId", "eventHubAuthorizationRuleId", "marketplacePartnerId"} {
		if v := idAt(r.Body, k); v != nil {
			out = append(out, v)
		}
	}
	return out
}

func enabledEntries(v any) []map[string]any {
	var out []map[string]any
	for _, x := range arr(v) {
		if mm := m(x); mm != nil && mm["enabled"] == true {
			out = append(out, mm)
		}
	}
	return out
}

func resolveDiagnostics(r *model.Resource) string {
	if r.Scope == nil || len(diagDestinations(r)) == 0 ||
		len(enabledEntries(r.Body["logs"]))+len(enabledEntries(r.Body["metrics"])) == 0 {
		return ""
	}
	return "azurerm_monitor_diagnostic_setting"
}

func emitDiagnostics(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.set(b, "name", r.LastName())
	e.setExpr(b, "target_resource_id", e.expr(r.Scope))
	e.set(b, "log_analytics_workspace_id", idAt(r.Body, "workspaceId"))
	e.set(b, "storage_account_id", idAt(r.Body, "storageAccountId"))
	e.set(b, "eventhub_authorization_rule_id", idAt(r.Body, "eventHubAuthorizationRuleId"))
	e.set(b, "eventhub_name", s(r.Body["eventHubName"]))
	e.set(b, "partner_solution_id", idAt(r.Body, "marketplacePartnerId"))
	if v := s(r.Body["logAnalyticsDestinationType"]); v == "Dedicated" || v == "AzureDiagnostics" {
		e.set(b, "log_analytics_destination_type", v)
	}
	for _, l := range enabledEntries(r.Body["logs"]) {
		lb := b.AppendNewBlock("enabled_log", nil).Body()
		if c := s(l["category"]); c != "" {
			e.set(lb, "category", c)
		} else {
			e.set(lb, "category_group", s(l["categoryGroup"]))
		}
	}
	for _, mt := range enabledEntries(r.Body["metrics"]) {
		mb := b.AppendNewBlock("enabled_metric", nil).Body()
		c := s(mt["category"])
		if c == "" {
			c = "AllMetrics"
		}
		e.set(mb, "category", c)
	}
	return nil
}

// linuxStacks maps a linuxFxVersion runtime ("DOTNETCORE|8.0") to azurerm's application_stack
// attribute and the versions azurerm 5.2 accepts for it; azurerm writes linuxFxVersion back from
// it. Other runtimes and versions (Java, containers) are left to the site's own settings.
var linuxStacks = map[string]struct {
	attr     string
	versions []string
}{
	"dotnetcore": {"dotnet_version", []string{"3.1", "5.0", "6.0", "7.0", "8.0", "9.0", "10.0"}},
	"go":         {"go_version", []string{"1.18", "1.19"}},
	"php":        {"php_version", []string{"7.4", "8.0", "8.1", "8.2", "8.3", "8.4"}},
	"python":     {"python_version", []string{"3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"}},
	"node":       {"node_version", []string{"12-lts", "14-lts", "16-lts", "18-lts", "20-lts", "22-lts", "24-lts"}},
}

func linuxStack(fx string) (attr, version string) {
	rt, ver, _ := strings.Cut(fx, "|")
	st, ok := linuxStacks[strings.ToLower(rt)]
	if !ok || !slices.Contains(st.versions, strings.ToLower(ver)) {
		return "", ""
	}
	return st.attr, strings.ToLower(ver)
}
