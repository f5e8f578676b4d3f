package terraform

import (
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Container Apps: azurerm_container_app_environment and azurerm_container_app.

var (
	envName       = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9-]{1,58}[a-zA-Z0-9]$`)
	appName       = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}[a-z0-9]$`)
	containerName = regexp.MustCompile(`^[a-z]([a-z0-9.-]{0,44}[a-z0-9])?$`)
)

var workloadProfileTypes = map[string]bool{}

func init() {
	for _, t := range strings.Fields(`Consumption Consumption-GPU-NC24-A100 Consumption-GPU-NC8as-T4 D4 D8 D16 D32 E4 E8 E16 E32
		NC24-A100 NC48-A100 NC96-A100`) {
		workloadProfileTypes[t] = true
	}
}

func resolveContainerEnv(r *model.Resource) string {
	if !envName.MatchString(r.LastName()) {
		return ""
	}
	switch s(jsonpath.Get(r.Body, "appLogsConfiguration.destination")) {
	case "", "azure-monitor":
	default:
		return "" // Log Analytics is named by its customer id and shared key: azurerm needs the workspace id
	}
	for _, w := range arr(r.Body["workloadProfiles"]) {
		if !workloadProfileTypes[s(jsonpath.Get(w, "workloadProfileType"))] {
			return "" // a workload profile type azurerm does not know
		}
	}
	if r.Body["zoneRedundant"] == true && idAt(m(r.Body["vnetConfiguration"]), "infrastructureSubnetId") == nil {
		return "" // azurerm takes zone redundancy only with an infrastructure subnet
	}
	if jsonpath.Get(r.Body, "customDomainConfiguration.dnsSuffix") != nil {
		return "" // an environment custom domain needs its certificate (a secret)
	}
	if s(r.Body["daprAIConnectionString"]) != "" || s(r.Body["daprAIInstrumentationKey"]) != "" {
		return ""
	}
	if r.Identity != nil && normalizeIdentityType(r.Identity.Type) != "SystemAssigned" && normalizeIdentityType(r.Identity.Type) != "UserAssigned" &&
		normalizeIdentityType(r.Identity.Type) != "SystemAssigned, UserAssigned" {
		return ""
	}
	return "azurerm_container_app_environment"
}

func emitContainerEnv(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	if s(jsonpath.Get(r.Body, "appLogsConfiguration.destination")) == "azure-monitor" {
		e.set(b, "logs_destination", "azure-monitor")
	}
	vc := m(r.Body["vnetConfiguration"])
	e.set(b, "infrastructure_subnet_id", idAt(vc, "infrastructureSubnetId"))
	if idAt(vc, "infrastructureSubnetId") != nil {
		e.set(b, "internal_load_balancer_enabled", boolAt(vc, "internal"))
	}
	// azurerm: infrastructure_resource_group_name requires workload_profile, and
	// zone_redundancy_enabled requires infrastructure_subnet_id (resolveContainerEnv sends a
	// zone-redundant environment without a subnet to azapi; false is the default)
	if len(arr(r.Body["workloadProfiles"])) > 0 {
		e.set(b, "infrastructure_resource_group_name", s(r.Body["infrastructureResourceGroup"]))
	}
	if idAt(vc, "infrastructureSubnetId") != nil {
		e.set(b, "zone_redundancy_enabled", boolAt(r.Body, "zoneRedundant"))
	}
	e.set(b, "mutual_tls_enabled", boolAt(r.Body, "peerAuthentication.mtls.enabled"))
	if v := s(r.Body["publicNetworkAccess"]); v == "Enabled" || v == "Disabled" {
		e.set(b, "public_network_access", v)
	}
	for _, w := range arr(r.Body["workloadProfiles"]) {
		wb := b.AppendNewBlock("workload_profile", nil).Body()
		e.set(wb, "name", s(jsonpath.Get(w, "name")))
		typ := s(jsonpath.Get(w, "workloadProfileType"))
		e.set(wb, "workload_profile_type", typ)
		if typ != "Consumption" {
			e.set(wb, "minimum_count", numAt(w, "minimumCount"))
			e.set(wb, "maximum_count", numAt(w, "maximumCount"))
		}
	}
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}

// appRevisionSuffix returns the suffix of a revision named "<app>--<suffix>", or "".
func appRevisionSuffix(r *model.Resource, rev string) string {
	prefix := r.LastName() + "--"
	if strings.HasPrefix(rev, prefix) && len(rev) > len(prefix) {
		return rev[len(prefix):]
	}
	return ""
}

func resolveContainerApp(r *model.Resource) string {
	if !appName.MatchString(r.LastName()) || strings.Contains(r.LastName(), "--") {
		return ""
	}
	if idAt(r.Body, "managedEnvironmentId") == nil && idAt(r.Body, "environmentId") == nil {
		return ""
	}
	cfg := m(r.Body["configuration"])
	switch s(cfg["activeRevisionsMode"]) {
	case "", "Single", "Multiple", "single", "multiple":
	default:
		return "" // labels mode: azurerm 5.2 has Single and Multiple
	}
	for _, sec := range arr(cfg["secrets"]) {
		if s(jsonpath.Get(sec, "keyVaultUrl")) == "" {
			return "" // secret values are not in the graph
		}
	}
	ing := m(cfg["ingress"])
	if ing != nil {
		if numAt(ing, "targetPort") == nil || len(arr(ing["customDomains"])) > 0 || len(arr(ing["additionalPortMappings"])) > 0 {
			return "" // custom domains (certificates) and extra port mappings are not expressible
		}
		for _, tr := range arr(ing["traffic"]) {
			if rev := s(jsonpath.Get(tr, "revisionName")); rev != "" && appRevisionSuffix(r, rev) == "" {
				return "" // traffic to a revision not named <app>--<suffix>
			}
		}
		if sticky := s(jsonpath.Get(ing, "stickySessions.affinity")); sticky != "" && sticky != "none" {
			return ""
		}
	}
	if d := m(cfg["dapr"]); d != nil && d["enabled"] == true {
		if s(d["appId"]) == "" {
			return ""
		}
		for k := range d {
			switch k {
			case "enabled", "appId", "appPort", "appProtocol":
			default:
				return "" // Dapr tuning (log level, buffer sizes…) is not in azurerm 5.2
			}
		}
	}
	if cfg["service"] != nil || len(arr(cfg["identitySettings"])) > 0 || cfg["runtime"] != nil {
		return "" // dev services, identity settings and runtime settings are not in azurerm 5.2
	}
	tpl := m(r.Body["template"])
	if len(arr(tpl["containers"])) == 0 || len(arr(tpl["serviceBinds"])) > 0 {
		return "" // service binds are not in azurerm 5.2
	}
	for _, c := range append(arr(tpl["containers"]), arr(tpl["initContainers"])...) {
		if s(jsonpath.Get(c, "image")) == "" || !containerName.MatchString(s(jsonpath.Get(c, "name"))) {
			return "" // azurerm validates container names
		}
	}
	for _, c := range arr(tpl["containers"]) {
		if numAt(c, "resources.cpu") == nil || s(jsonpath.Get(c, "resources.memory")) == "" {
			return ""
		}
		for _, p := range arr(jsonpath.Get(c, "probes")) {
			if numAt(p, "httpGet.port") == nil && numAt(p, "tcpSocket.port") == nil {
				return "" // a probe azurerm cannot express (grpc, exec)
			}
		}
	}
	if r.Identity != nil && normalizeIdentityType(r.Identity.Type) != "SystemAssigned" && normalizeIdentityType(r.Identity.Type) != "UserAssigned" &&
		normalizeIdentityType(r.Identity.Type) != "SystemAssigned, UserAssigned" {
		return ""
	}
	return "azurerm_container_app"
}

func emitContainerApp(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.set(b, "name", r.LastName())
	e.rgName(b, r)
	env := idAt(r.Body, "managedEnvironmentId")
	if env == nil {
		env = idAt(r.Body, "environmentId")
	}
	e.set(b, "container_app_environment_id", env)
	cfg := m(r.Body["configuration"])
	mode := "Single"
	if strings.EqualFold(s(cfg["activeRevisionsMode"]), "Multiple") {
		mode = "Multiple"
	}
	e.set(b, "revision_mode", mode)
	e.set(b, "workload_profile_name", s(r.Body["workloadProfileName"]))
	e.set(b, "max_inactive_revisions", numAt(cfg, "maxInactiveRevisions"))
	for _, sec := range arr(cfg["secrets"]) {
		sb := b.AppendNewBlock("secret", nil).Body()
		e.set(sb, "name", s(jsonpath.Get(sec, "name")))
		e.set(sb, "key_vault_secret_id", s(jsonpath.Get(sec, "keyVaultUrl")))
		e.set(sb, "identity", appIdentity(idAt(sec, "identity")))
	}
	for _, reg := range arr(cfg["registries"]) {
		rb := b.AppendNewBlock("registry", nil).Body()
		e.set(rb, "server", s(jsonpath.Get(reg, "server")))
		e.set(rb, "username", s(jsonpath.Get(reg, "username")))
		e.set(rb, "password_secret_name", s(jsonpath.Get(reg, "passwordSecretRef")))
		if id := idAt(reg, "identity"); id != nil {
			e.set(rb, "identity", appIdentity(id))
		}
	}
	if d := m(cfg["dapr"]); d != nil && d["enabled"] == true {
		db := b.AppendNewBlock("dapr", nil).Body()
		e.set(db, "app_id", s(d["appId"]))
		e.set(db, "app_port", numAt(d, "appPort"))
		if p := s(d["appProtocol"]); p == "http" || p == "grpc" {
			e.set(db, "app_protocol", p)
		}
	}
	if ing := m(cfg["ingress"]); ing != nil {
		ib := b.AppendNewBlock("ingress", nil).Body()
		e.set(ib, "external_enabled", boolAt(ing, "external"))
		e.set(ib, "target_port", numAt(ing, "targetPort"))
		// Azure reports exposedPort 0 on HTTP ingress; azurerm accepts only a real TCP port.
		if p, ok := numAt(ing, "exposedPort").(float64); ok && p > 0 {
			e.set(ib, "exposed_port", p)
		}
		if tr := strings.ToLower(s(ing["transport"])); tr == "auto" || tr == "http" || tr == "http2" || tr == "tcp" {
			e.set(ib, "transport", tr)
		}
		e.set(ib, "allow_insecure_connections", boolAt(ing, "allowInsecure"))
		switch v := strings.ToLower(s(ing["clientCertificateMode"])); v { // ARM answers Ignore, azurerm takes ignore
		case "ignore", "accept", "require":
			e.set(ib, "client_certificate_mode", v)
		}
		for _, ip := range arr(ing["ipSecurityRestrictions"]) {
			rb := ib.AppendNewBlock("ip_security_restriction", nil).Body()
			e.set(rb, "name", s(jsonpath.Get(ip, "name")))
			e.set(rb, "description", s(jsonpath.Get(ip, "description")))
			e.set(rb, "ip_address_range", s(jsonpath.Get(ip, "ipAddressRange")))
			e.set(rb, "action", s(jsonpath.Get(ip, "action")))
		}
		traffic := arr(ing["traffic"])
		if len(traffic) == 0 {
			traffic = []any{map[string]any{"weight": float64(100), "latestRevision": true}}
		}
		for _, tr := range traffic {
			tb := ib.AppendNewBlock("traffic_weight", nil).Body()
			e.set(tb, "percentage", numAt(tr, "weight"))
			e.set(tb, "latest_revision", boolAt(tr, "latestRevision"))
			e.set(tb, "revision_suffix", appRevisionSuffix(r, s(jsonpath.Get(tr, "revisionName"))))
			e.set(tb, "label", s(jsonpath.Get(tr, "label")))
		}
		if c := m(ing["corsPolicy"]); c != nil && len(strList(c["allowedOrigins"])) > 0 {
			cb := ib.AppendNewBlock("cors", nil).Body()
			e.set(cb, "allowed_origins", strList(c["allowedOrigins"]))
			e.set(cb, "allowed_methods", strList(c["allowedMethods"]))
			e.set(cb, "allowed_headers", strList(c["allowedHeaders"]))
			e.set(cb, "exposed_headers", strList(c["exposeHeaders"]))
			e.set(cb, "max_age_in_seconds", numAt(c, "maxAge"))
			e.set(cb, "allow_credentials_enabled", boolAt(c, "allowCredentials"))
		}
	}
	tpl := m(r.Body["template"])
	tb := b.AppendNewBlock("template", nil).Body()
	sc := m(tpl["scale"])
	e.set(tb, "min_replicas", numAt(sc, "minReplicas"))
	e.set(tb, "max_replicas", numAt(sc, "maxReplicas"))
	e.set(tb, "cooldown_period_in_seconds", numAt(sc, "cooldownPeriod"))
	e.set(tb, "polling_interval_in_seconds", numAt(sc, "pollingInterval"))
	e.set(tb, "termination_grace_period_seconds", numAt(tpl, "terminationGracePeriodSeconds"))
	if suffix := s(tpl["revisionSuffix"]); suffix != "" {
		e.set(tb, "revision_suffix", suffix)
	}
	for _, c := range arr(tpl["containers"]) {
		e.container(tb.AppendNewBlock("container", nil).Body(), m(c), false)
	}
	for _, c := range arr(tpl["initContainers"]) {
		e.container(tb.AppendNewBlock("init_container", nil).Body(), m(c), true)
	}
	for _, rule := range arr(sc["rules"]) {
		name := s(jsonpath.Get(rule, "name"))
		auth := func(rb *hclwrite.Body, v any) {
			for _, a := range arr(v) {
				ab := rb.AppendNewBlock("authentication", nil).Body()
				e.set(ab, "secret_name", s(jsonpath.Get(a, "secretRef")))
				e.set(ab, "trigger_parameter", s(jsonpath.Get(a, "triggerParameter")))
			}
		}
		switch {
		case jsonpath.Get(rule, "http") != nil:
			rb := tb.AppendNewBlock("http_scale_rule", nil).Body()
			e.set(rb, "name", name)
			e.set(rb, "concurrent_requests", s(jsonpath.Get(rule, "http.metadata.concurrentRequests")))
			auth(rb, jsonpath.Get(rule, "http.auth"))
		case jsonpath.Get(rule, "tcp") != nil:
			rb := tb.AppendNewBlock("tcp_scale_rule", nil).Body()
			e.set(rb, "name", name)
			e.set(rb, "concurrent_requests", s(jsonpath.Get(rule, "tcp.metadata.concurrentConnections")))
			auth(rb, jsonpath.Get(rule, "tcp.auth"))
		case jsonpath.Get(rule, "azureQueue") != nil:
			rb := tb.AppendNewBlock("azure_queue_scale_rule", nil).Body()
			e.set(rb, "name", name)
			e.set(rb, "queue_name", s(jsonpath.Get(rule, "azureQueue.queueName")))
			e.set(rb, "queue_length", numAt(rule, "azureQueue.queueLength"))
			auth(rb, jsonpath.Get(rule, "azureQueue.auth"))
		case jsonpath.Get(rule, "custom") != nil:
			rb := tb.AppendNewBlock("custom_scale_rule", nil).Body()
			e.set(rb, "name", name)
			e.set(rb, "custom_rule_type", s(jsonpath.Get(rule, "custom.type")))
			md := map[string]any{}
			for k, v := range m(jsonpath.Get(rule, "custom.metadata")) {
				if sv, ok := v.(string); ok {
					md[k] = sv
				}
			}
			rb.SetAttributeRaw("metadata", raw(e.value(md, "")))
			auth(rb, jsonpath.Get(rule, "custom.auth"))
		}
	}
	for _, v := range arr(tpl["volumes"]) {
		vb := tb.AppendNewBlock("volume", nil).Body()
		e.set(vb, "name", s(jsonpath.Get(v, "name")))
		if st := s(jsonpath.Get(v, "storageType")); st == "AzureFile" || st == "EmptyDir" || st == "Secret" || st == "NfsAzureFile" {
			e.set(vb, "storage_type", st)
		}
		e.set(vb, "storage_name", s(jsonpath.Get(v, "storageName")))
		e.set(vb, "mount_options", s(jsonpath.Get(v, "mountOptions")))
	}
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}

// appIdentity is the identity a secret or registry uses: "System" or a user-assigned identity id.
func appIdentity(id any) any {
	if ids, ok := id.(string); id == nil || ok && strings.EqualFold(ids, "system") {
		return "System"
	}
	return id
}

// container writes a container (or init container) block.
func (e *emitter) container(b *hclwrite.Body, c map[string]any, init bool) {
	e.set(b, "name", s(c["name"]))
	e.set(b, "image", s(c["image"]))
	e.set(b, "cpu", numAt(c, "resources.cpu"))
	e.set(b, "memory", s(jsonpath.Get(c, "resources.memory")))
	e.set(b, "command", strList(c["command"]))
	e.set(b, "args", strList(c["args"]))
	for _, ev := range arr(c["env"]) {
		eb := b.AppendNewBlock("env", nil).Body()
		e.set(eb, "name", s(jsonpath.Get(ev, "name")))
		e.set(eb, "value", s(jsonpath.Get(ev, "value")))
		e.set(eb, "secret_name", s(jsonpath.Get(ev, "secretRef")))
	}
	for _, vm := range arr(c["volumeMounts"]) {
		vb := b.AppendNewBlock("volume_mounts", nil).Body()
		e.set(vb, "name", s(jsonpath.Get(vm, "volumeName")))
		e.set(vb, "path", s(jsonpath.Get(vm, "mountPath")))
		e.set(vb, "sub_path", s(jsonpath.Get(vm, "subPath")))
	}
	if init {
		return
	}
	for _, p := range arr(c["probes"]) {
		var name string
		switch s(jsonpath.Get(p, "type")) {
		case "Liveness", "liveness":
			name = "liveness_probe"
		case "Readiness", "readiness":
			name = "readiness_probe"
		case "Startup", "startup":
			name = "startup_probe"
		default:
			continue
		}
		pb := b.AppendNewBlock(name, nil).Body()
		if hg := m(jsonpath.Get(p, "httpGet")); hg != nil {
			tr := "HTTP"
			if strings.EqualFold(s(hg["scheme"]), "HTTPS") {
				tr = "HTTPS"
			}
			e.set(pb, "transport", tr)
			e.set(pb, "port", numAt(hg, "port"))
			e.set(pb, "path", s(hg["path"]))
			e.set(pb, "host", s(hg["host"]))
			for _, h := range arr(hg["httpHeaders"]) {
				hb := pb.AppendNewBlock("header", nil).Body()
				e.set(hb, "name", s(jsonpath.Get(h, "name")))
				e.set(hb, "value", s(jsonpath.Get(h, "value")))
			}
		} else {
			e.set(pb, "transport", "TCP")
			e.set(pb, "port", numAt(p, "tcpSocket.port"))
			e.set(pb, "host", s(jsonpath.Get(p, "tcpSocket.host")))
		}
		e.set(pb, "initial_delay", numAt(p, "initialDelaySeconds"))
		e.set(pb, "interval_seconds", numAt(p, "periodSeconds"))
		e.set(pb, "timeout", numAt(p, "timeoutSeconds"))
		e.set(pb, "failure_count_threshold", numAt(p, "failureThreshold"))
		if name == "readiness_probe" {
			e.set(pb, "success_count_threshold", numAt(p, "successThreshold"))
		}
	}
}
