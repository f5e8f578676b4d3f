package terraform

import (
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Application gateways: azurerm_application_gateway with its nested blocks. Sub-resources point
// at each other by id in ARM and by name in azurerm.

var (
	appgwSkus  = map[string]bool{"Basic": true, "Standard_Small": true, "Standard_Medium": true, "Standard_Large": true, "Standard_v2": true, "WAF_Large": true, "WAF_Medium": true, "WAF_v2": true}
	appgwTiers = map[string]bool{"Basic": true, "Standard": true, "Standard_v2": true, "WAF": true, "WAF_v2": true}
)

// appgwUnsupported are collections azurerm_application_gateway 5.2 cannot express.
var appgwUnsupported = []string{"loadDistributionPolicies", "authenticationCertificates", "listeners", "routingRules", "backendSettingsCollection", "entraJWTValidationConfigs"}

func resolveAppGateway(r *model.Resource) string {
	if !appgwSkus[s(jsonpath.Get(r.Body, "sku.name"))] || !appgwTiers[s(jsonpath.Get(r.Body, "sku.tier"))] {
		return ""
	}
	for _, c := range appgwUnsupported {
		if len(arr(r.Body[c])) > 0 {
			return "" // e.g. load distribution policies, TLS/TCP proxy listeners: not in azurerm 5.2
		}
	}
	if n := len(arr(r.Body["gatewayIPConfigurations"])); n < 1 || n > 2 {
		return ""
	}
	for _, c := range []string{"frontendIPConfigurations", "frontendPorts", "backendAddressPools"} {
		if len(arr(r.Body[c])) == 0 {
			return "" // azurerm requires at least one
		}
	}
	for _, c := range arr(r.Body["sslCertificates"]) {
		if s(jsonpath.Get(c, "properties.keyVaultSecretId")) == "" {
			return "" // certificate data and password are secrets the graph does not hold
		}
	}
	for _, c := range arr(r.Body["trustedClientCertificates"]) {
		if s(jsonpath.Get(c, "properties.data")) == "" {
			return ""
		}
	}
	for _, c := range arr(r.Body["trustedRootCertificates"]) {
		if s(jsonpath.Get(c, "properties.data")) == "" && s(jsonpath.Get(c, "properties.keyVaultSecretId")) == "" {
			return ""
		}
	}
	// blocks name each other: every listener and rule must point at this gateway's own parts
	for _, x := range arr(r.Body["httpListeners"]) {
		p := m(jsonpath.Get(x, "properties"))
		if appgwRef(r, p, "frontendIPConfiguration", "frontendIPConfigurations") == "" || appgwRef(r, p, "frontendPort", "frontendPorts") == "" {
			return ""
		}
	}
	for _, x := range arr(r.Body["requestRoutingRules"]) {
		if appgwRef(r, m(jsonpath.Get(x, "properties")), "httpListener", "httpListeners") == "" {
			return ""
		}
	}
	if r.Identity != nil && normalizeIdentityType(r.Identity.Type) != "UserAssigned" {
		return "" // azurerm takes user-assigned identities only
	}
	return "azurerm_application_gateway"
}

// ref returns the name of the sub-resource of r that v (a reference to r itself) points at.
func appgwRef(r *model.Resource, p map[string]any, path, collection string) string {
	return selfName(r, idAt(p, path+".id"), collection)
}

func emitAppGateway(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "http2_enabled", boolAt(r.Body, "enableHttp2"))
	e.set(b, "fips_enabled", boolAt(r.Body, "enableFips"))
	e.set(b, "firewall_policy_id", idAt(r.Body, "firewallPolicy.id"))
	e.set(b, "force_firewall_policy_association", boolAt(r.Body, "forceFirewallPolicyAssociation"))
	if len(r.Zones) > 0 {
		e.set(b, "zones", toAny(r.Zones))
	}
	sku := m(r.Body["sku"])
	sb := b.AppendNewBlock("sku", nil).Body()
	e.set(sb, "name", s(sku["name"]))
	e.set(sb, "tier", s(sku["tier"]))
	as := m(r.Body["autoscaleConfiguration"])
	if as == nil {
		e.set(sb, "capacity", numAt(sku, "capacity"))
	} else {
		ab := b.AppendNewBlock("autoscale_configuration", nil).Body()
		e.set(ab, "min_capacity", numAt(as, "minCapacity"))
		e.set(ab, "max_capacity", numAt(as, "maxCapacity"))
	}
	each := func(coll string, f func(name string, p map[string]any)) {
		for _, x := range arr(r.Body[coll]) {
			f(s(jsonpath.Get(x, "name")), m(jsonpath.Get(x, "properties")))
		}
	}
	each("gatewayIPConfigurations", func(n string, p map[string]any) {
		gb := b.AppendNewBlock("gateway_ip_configuration", nil).Body()
		e.set(gb, "name", n)
		e.set(gb, "subnet_id", idAt(p, "subnet.id"))
	})
	each("frontendPorts", func(n string, p map[string]any) {
		fb := b.AppendNewBlock("frontend_port", nil).Body()
		e.set(fb, "name", n)
		e.set(fb, "port", numAt(p, "port"))
	})
	each("frontendIPConfigurations", func(n string, p map[string]any) {
		fb := b.AppendNewBlock("frontend_ip_configuration", nil).Body()
		e.set(fb, "name", n)
		e.set(fb, "public_ip_address_id", idAt(p, "publicIPAddress.id"))
		if sn := idAt(p, "subnet.id"); sn != nil {
			e.set(fb, "subnet_id", sn)
			alloc := s(p["privateIPAllocationMethod"])
			if alloc == "Static" {
				e.set(fb, "private_ip_address", s(p["privateIPAddress"]))
			}
			if alloc == "Static" || alloc == "Dynamic" {
				e.set(fb, "private_ip_address_allocation", alloc)
			}
		}
		e.set(fb, "private_link_configuration_name", appgwRef(r, p, "privateLinkConfiguration", "privateLinkConfigurations"))
	})
	each("backendAddressPools", func(n string, p map[string]any) {
		pb := b.AppendNewBlock("backend_address_pool", nil).Body()
		e.set(pb, "name", n)
		var ips, fqdns []any
		for _, a := range arr(p["backendAddresses"]) {
			switch v := a.(type) {
			case string:
				ips = append(ips, v)
			case map[string]any:
				if ip := s(v["ipAddress"]); ip != "" {
					ips = append(ips, ip)
				}
				if f := s(v["fqdn"]); f != "" {
					fqdns = append(fqdns, f)
				}
			}
		}
		e.set(pb, "ip_addresses", ips)
		e.set(pb, "fqdns", fqdns)
	})
	each("backendHttpSettingsCollection", func(n string, p map[string]any) {
		hb := b.AppendNewBlock("backend_http_settings", nil).Body()
		e.set(hb, "name", n)
		e.set(hb, "port", numAt(p, "port"))
		e.set(hb, "protocol", s(p["protocol"]))
		aff := s(p["cookieBasedAffinity"])
		if aff == "" {
			aff = "Disabled"
		}
		e.set(hb, "cookie_based_affinity", aff)
		e.set(hb, "affinity_cookie_name", s(p["affinityCookieName"]))
		e.set(hb, "request_timeout", numAt(p, "requestTimeout"))
		e.set(hb, "path", s(p["path"]))
		e.set(hb, "host_name", s(p["hostName"]))
		e.set(hb, "pick_host_name_from_backend_address", boolAt(p, "pickHostNameFromBackendAddress"))
		e.set(hb, "probe_name", appgwRef(r, p, "probe", "probes"))
		var roots []any
		for _, c := range arr(p["trustedRootCertificates"]) {
			if n := selfName(r, idAt(c, "id"), "trustedRootCertificates"); n != "" {
				roots = append(roots, n)
			}
		}
		e.set(hb, "trusted_root_certificate_names", roots)
		if cd := m(p["connectionDraining"]); cd != nil {
			cb := hb.AppendNewBlock("connection_draining", nil).Body()
			en, _ := cd["enabled"].(bool)
			e.set(cb, "enabled", en)
			e.set(cb, "drain_timeout_sec", numAt(cd, "drainTimeoutInSec"))
		}
	})
	customErrors := func(bb *hclwrite.Body, v any) {
		for _, ce := range arr(v) {
			cb := bb.AppendNewBlock("custom_error_configuration", nil).Body()
			e.set(cb, "status_code", s(jsonpath.Get(ce, "statusCode")))
			e.set(cb, "custom_error_page_url", s(jsonpath.Get(ce, "customErrorPageUrl")))
		}
	}
	each("httpListeners", func(n string, p map[string]any) {
		lb := b.AppendNewBlock("http_listener", nil).Body()
		e.set(lb, "name", n)
		e.set(lb, "frontend_ip_configuration_name", appgwRef(r, p, "frontendIPConfiguration", "frontendIPConfigurations"))
		e.set(lb, "frontend_port_name", appgwRef(r, p, "frontendPort", "frontendPorts"))
		e.set(lb, "protocol", s(p["protocol"]))
		if hs := strList(p["hostNames"]); len(hs) > 0 {
			e.set(lb, "host_names", hs)
		} else {
			e.set(lb, "host_name", s(p["hostName"]))
		}
		e.set(lb, "require_sni", boolAt(p, "requireServerNameIndication"))
		e.set(lb, "ssl_certificate_name", appgwRef(r, p, "sslCertificate", "sslCertificates"))
		e.set(lb, "ssl_profile_name", appgwRef(r, p, "sslProfile", "sslProfiles"))
		e.set(lb, "firewall_policy_id", idAt(p, "firewallPolicy.id"))
		customErrors(lb, p["customErrorConfigurations"])
	})
	each("requestRoutingRules", func(n string, p map[string]any) {
		rb := b.AppendNewBlock("request_routing_rule", nil).Body()
		e.set(rb, "name", n)
		rt := s(p["ruleType"])
		if rt == "" {
			rt = "Basic"
		}
		e.set(rb, "rule_type", rt)
		e.set(rb, "http_listener_name", appgwRef(r, p, "httpListener", "httpListeners"))
		e.set(rb, "backend_address_pool_name", appgwRef(r, p, "backendAddressPool", "backendAddressPools"))
		e.set(rb, "backend_http_settings_name", appgwRef(r, p, "backendHttpSettings", "backendHttpSettingsCollection"))
		e.set(rb, "redirect_configuration_name", appgwRef(r, p, "redirectConfiguration", "redirectConfigurations"))
		e.set(rb, "rewrite_rule_set_name", appgwRef(r, p, "rewriteRuleSet", "rewriteRuleSets"))
		e.set(rb, "url_path_map_name", appgwRef(r, p, "urlPathMap", "urlPathMaps"))
		e.set(rb, "priority", numAt(p, "priority"))
	})
	each("probes", func(n string, p map[string]any) {
		pb := b.AppendNewBlock("probe", nil).Body()
		e.set(pb, "name", n)
		e.set(pb, "protocol", s(p["protocol"]))
		e.set(pb, "path", s(p["path"]))
		e.set(pb, "host", s(p["host"]))
		e.set(pb, "port", numAt(p, "port"))
		e.set(pb, "interval", numAt(p, "interval"))
		e.set(pb, "timeout", numAt(p, "timeout"))
		e.set(pb, "unhealthy_threshold", numAt(p, "unhealthyThreshold"))
		e.set(pb, "minimum_servers", numAt(p, "minServers"))
		e.set(pb, "pick_host_name_from_backend_http_settings", boolAt(p, "pickHostNameFromBackendHttpSettings"))
		if mt := m(p["match"]); mt != nil && len(strList(mt["statusCodes"])) > 0 {
			mb := pb.AppendNewBlock("match", nil).Body()
			e.set(mb, "body", s(mt["body"]))
			e.set(mb, "status_code", strList(mt["statusCodes"]))
		}
	})
	each("urlPathMaps", func(n string, p map[string]any) {
		ub := b.AppendNewBlock("url_path_map", nil).Body()
		e.set(ub, "name", n)
		e.set(ub, "default_backend_address_pool_name", appgwRef(r, p, "defaultBackendAddressPool", "backendAddressPools"))
		e.set(ub, "default_backend_http_settings_name", appgwRef(r, p, "defaultBackendHttpSettings", "backendHttpSettingsCollection"))
		e.set(ub, "default_redirect_configuration_name", appgwRef(r, p, "defaultRedirectConfiguration", "redirectConfigurations"))
		e.set(ub, "default_rewrite_rule_set_name", appgwRef(r, p, "defaultRewriteRuleSet", "rewriteRuleSets"))
		for _, pr := range arr(p["pathRules"]) {
			pp := m(jsonpath.Get(pr, "properties"))
			rb := ub.AppendNewBlock("path_rule", nil).Body()
			e.set(rb, "name", s(jsonpath.Get(pr, "name")))
			e.set(rb, "paths", strList(pp["paths"]))
			e.set(rb, "backend_address_pool_name", appgwRef(r, pp, "backendAddressPool", "backendAddressPools"))
			e.set(rb, "backend_http_settings_name", appgwRef(r, pp, "backendHttpSettings", "backendHttpSettingsCollection"))
			e.set(rb, "redirect_configuration_name", appgwRef(r, pp, "redirectConfiguration", "redirectConfigurations"))
			e.set(rb, "rewrite_rule_set_name", appgwRef(r, pp, "rewriteRuleSet", "rewriteRuleSets"))
			e.set(rb, "firewall_policy_id", idAt(pp, "firewallPolicy.id"))
		}
	})
	each("redirectConfigurations", func(n string, p map[string]any) {
		rb := b.AppendNewBlock("redirect_configuration", nil).Body()
		e.set(rb, "name", n)
		e.set(rb, "redirect_type", s(p["redirectType"]))
		e.set(rb, "target_listener_name", appgwRef(r, p, "targetListener", "httpListeners"))
		e.set(rb, "target_url", s(p["targetUrl"]))
		e.set(rb, "include_path", boolAt(p, "includePath"))
		e.set(rb, "include_query_string", boolAt(p, "includeQueryString"))
	})
	each("rewriteRuleSets", func(n string, p map[string]any) {
		sb := b.AppendNewBlock("rewrite_rule_set", nil).Body()
		e.set(sb, "name", n)
		for _, rr := range arr(p["rewriteRules"]) {
			rb := sb.AppendNewBlock("rewrite_rule", nil).Body()
			e.set(rb, "name", s(jsonpath.Get(rr, "name")))
			e.set(rb, "rule_sequence", numAt(rr, "ruleSequence"))
			for _, c := range arr(jsonpath.Get(rr, "conditions")) {
				cb := rb.AppendNewBlock("condition", nil).Body()
				e.set(cb, "variable", s(jsonpath.Get(c, "variable")))
				e.set(cb, "pattern", s(jsonpath.Get(c, "pattern")))
				e.set(cb, "ignore_case", boolAt(c, "ignoreCase"))
				e.set(cb, "negate", boolAt(c, "negate"))
			}
			for _, kind := range []struct{ arm, tf string }{{"requestHeaderConfigurations", "request_header_configuration"}, {"responseHeaderConfigurations", "response_header_configuration"}} {
				for _, h := range arr(jsonpath.Get(rr, "actionSet."+kind.arm)) {
					hb := rb.AppendNewBlock(kind.tf, nil).Body()
					e.set(hb, "header_name", s(jsonpath.Get(h, "headerName")))
					hb.SetAttributeRaw("header_value", raw(quote(s(jsonpath.Get(h, "headerValue")))))
				}
			}
			if u := m(jsonpath.Get(rr, "actionSet.urlConfiguration")); u != nil {
				ub := rb.AppendNewBlock("url", nil).Body()
				e.set(ub, "path", s(u["modifiedPath"]))
				e.set(ub, "query_string", s(u["modifiedQueryString"]))
				e.set(ub, "reroute", boolAt(u, "reroute"))
			}
		}
	})
	each("sslCertificates", func(n string, p map[string]any) {
		cb := b.AppendNewBlock("ssl_certificate", nil).Body()
		e.set(cb, "name", n)
		e.set(cb, "key_vault_secret_id", s(p["keyVaultSecretId"]))
	})
	each("trustedClientCertificates", func(n string, p map[string]any) {
		cb := b.AppendNewBlock("trusted_client_certificate", nil).Body()
		e.set(cb, "name", n)
		e.set(cb, "data", s(p["data"]))
	})
	each("trustedRootCertificates", func(n string, p map[string]any) {
		cb := b.AppendNewBlock("trusted_root_certificate", nil).Body()
		e.set(cb, "name", n)
		if kv := s(p["keyVaultSecretId"]); kv != "" {
			e.set(cb, "key_vault_secret_id", kv)
		} else {
			e.set(cb, "data", s(p["data"]))
		}
	})
	sslPolicy := func(bb *hclwrite.Body, sp map[string]any) {
		if sp == nil {
			return
		}
		pb := bb.AppendNewBlock("ssl_policy", nil).Body()
		e.set(pb, "policy_type", s(sp["policyType"]))
		e.set(pb, "policy_name", s(sp["policyName"]))
		e.set(pb, "min_protocol_version", s(sp["minProtocolVersion"]))
		e.set(pb, "cipher_suites", strList(sp["cipherSuites"]))
		e.set(pb, "disabled_protocols", strList(sp["disabledSslProtocols"]))
	}
	sslPolicy(b, m(r.Body["sslPolicy"]))
	each("sslProfiles", func(n string, p map[string]any) {
		pb := b.AppendNewBlock("ssl_profile", nil).Body()
		e.set(pb, "name", n)
		var names []any
		for _, c := range arr(p["trustedClientCertificates"]) {
			if n := selfName(r, idAt(c, "id"), "trustedClientCertificates"); n != "" {
				names = append(names, n)
			}
		}
		e.set(pb, "trusted_client_certificate_names", names)
		e.set(pb, "verify_client_certificate_issuer_dn", boolAt(p, "clientAuthConfiguration.verifyClientCertIssuerDN"))
		if v := s(jsonpath.Get(p, "clientAuthConfiguration.verifyClientRevocation")); v == "OCSP" {
			e.set(pb, "verify_client_certificate_revocation", v)
		}
		sslPolicy(pb, m(p["sslPolicy"]))
	})
	each("privateLinkConfigurations", func(n string, p map[string]any) {
		pb := b.AppendNewBlock("private_link_configuration", nil).Body()
		e.set(pb, "name", n)
		for _, ic := range arr(p["ipConfigurations"]) {
			ip := m(jsonpath.Get(ic, "properties"))
			ib := pb.AppendNewBlock("ip_configuration", nil).Body()
			e.set(ib, "name", s(jsonpath.Get(ic, "name")))
			e.set(ib, "subnet_id", idAt(ip, "subnet.id"))
			alloc := s(ip["privateIPAllocationMethod"])
			if alloc == "" {
				alloc = "Dynamic"
			}
			e.set(ib, "private_ip_address_allocation", alloc)
			if alloc == "Static" {
				e.set(ib, "private_ip_address", s(ip["privateIPAddress"]))
			}
			primary, _ := ip["primary"].(bool)
			e.set(ib, "primary", primary)
		}
	})
	if g := m(r.Body["globalConfiguration"]); g != nil {
		gb := b.AppendNewBlock("global", nil).Body()
		req, _ := g["enableRequestBuffering"].(bool)
		resp, _ := g["enableResponseBuffering"].(bool)
		e.set(gb, "request_buffering_enabled", req)
		e.set(gb, "response_buffering_enabled", resp)
	}
	if w := m(r.Body["webApplicationFirewallConfiguration"]); w != nil {
		wb := b.AppendNewBlock("waf_configuration", nil).Body()
		en, _ := w["enabled"].(bool)
		e.set(wb, "enabled", en)
		e.set(wb, "firewall_mode", s(w["firewallMode"]))
		e.set(wb, "rule_set_type", s(w["ruleSetType"]))
		e.set(wb, "rule_set_version", s(w["ruleSetVersion"]))
		e.set(wb, "file_upload_limit_mb", numAt(w, "fileUploadLimitInMb"))
		e.set(wb, "request_body_check", boolAt(w, "requestBodyCheck"))
		e.set(wb, "max_request_body_size_kb", numAt(w, "maxRequestBodySizeInKb"))
		for _, g := range arr(w["disabledRuleGroups"]) {
			gb := wb.AppendNewBlock("disabled_rule_group", nil).Body()
			e.set(gb, "rule_group_name", s(jsonpath.Get(g, "ruleGroupName")))
			var rules []any
			for _, x := range arr(jsonpath.Get(g, "rules")) {
				if f, ok := x.(float64); ok {
					rules = append(rules, f)
				}
			}
			e.set(gb, "rules", rules)
		}
		for _, x := range arr(w["exclusions"]) {
			xb := wb.AppendNewBlock("exclusion", nil).Body()
			e.set(xb, "match_variable", s(jsonpath.Get(x, "matchVariable")))
			e.set(xb, "selector_match_operator", s(jsonpath.Get(x, "selectorMatchOperator")))
			e.set(xb, "selector", s(jsonpath.Get(x, "selector")))
		}
	}
	customErrors(b, r.Body["customErrorConfigurations"])
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}
