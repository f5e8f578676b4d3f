package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Network types common in real tenants that azurerm declares with nested blocks: Azure Firewall,
// Application Gateway WAF policies, virtual network gateways (their NAT rules as resources of
// their own), Traffic Manager profiles (their endpoints as resources of their own) and firewall
// policy rule collection groups.

func init() { registerWithSubs(netRows2, netSubs2) }

// firewallAdditional maps the firewall's additionalProperties keys to azurerm arguments
// (comma-separated lists become lists).
var firewallAdditional = []struct{ key, tf string }{
	{"Network.DNS.EnableProxy", "dns_proxy_enabled"},
	{"Network.DNS.Servers", "dns_servers"},
	{"Network.SNAT.PrivateRanges", "private_ip_ranges"},
}

func firewallCheck(r *model.Resource) string {
	if strings.EqualFold(s(jsonpath.GetFold(r.Body, "sku.name")), "AZFW_Hub") || jsonpath.GetFold(r.Body, "virtualHub.id") != nil {
		return "firewalls in a virtual hub are not expressed"
	}
	add, _ := jsonpath.GetFold(r.Body, "additionalProperties").(map[string]any)
	for _, k := range model.SortedKeys(add) {
		known := false
		for _, a := range firewallAdditional {
			known = known || strings.EqualFold(a.key, k)
		}
		if !known {
			return "additionalProperties." + k + " is not expressed"
		}
		if _, ok := add[k].(string); !ok {
			return "additionalProperties." + k + " is not a string"
		}
	}
	if v := s(add["Network.DNS.EnableProxy"]); v != "" && !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
		return "additionalProperties Network.DNS.EnableProxy " + v + " is not a bool"
	}
	return ""
}

func firewallExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	add, _ := jsonpath.GetFold(r.Body, "additionalProperties").(map[string]any)
	for _, a := range firewallAdditional {
		v := ""
		for k, x := range add {
			if strings.EqualFold(k, a.key) {
				v = s(x)
			}
		}
		if v == "" {
			continue
		}
		if a.tf == "dns_proxy_enabled" {
			e.set(b, a.tf, strings.EqualFold(v, "true"))
			continue
		}
		var list []any
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				list = append(list, p)
			}
		}
		e.set(b, a.tf, list)
	}
}

// vngBGP writes a gateway's bgp_settings: ASN, peer weight and the custom (APIPA) addresses
// of each IP configuration, named by the configuration the ARM id points at.
func vngBGP(e *emitter, b *hclwrite.Body, r *model.Resource) {
	bgp, _ := jsonpath.GetFold(r.Body, "bgpSettings").(map[string]any)
	if emptyValue(bgp) {
		return
	}
	bb := b.AppendNewBlock("bgp_settings", nil).Body()
	e.set(bb, "asn", numAt(bgp, "asn"))
	e.set(bb, "peer_weight", numAt(bgp, "peerWeight"))
	for _, x := range arr(jsonpath.GetFold(bgp, "bgpPeeringAddresses")) {
		custom := strList(jsonpath.GetFold(x, "customBgpIpAddresses"))
		if len(custom) == 0 {
			continue
		}
		pb := bb.AppendNewBlock("peering_addresses", nil).Body()
		e.set(pb, "ip_configuration_name", e.refName(jsonpath.GetFold(x, "ipconfigurationId")))
		e.set(pb, "apipa_addresses", custom)
	}
}

func vngBGPCheck(r *model.Resource) string {
	bgp, _ := jsonpath.GetFold(r.Body, "bgpSettings").(map[string]any)
	for _, k := range model.SortedKeys(bgp) {
		switch strings.ToLower(k) {
		case "asn", "peerweight", "bgppeeringaddress", "bgppeeringaddresses":
		default:
			if !emptyValue(bgp[k]) {
				return "bgpSettings." + k + " is not expressed"
			}
		}
	}
	n := 0
	for _, x := range arr(jsonpath.GetFold(bgp, "bgpPeeringAddresses")) {
		if len(strList(jsonpath.GetFold(x, "customBgpIpAddresses"))) == 0 {
			continue
		}
		n++
		if jsonpath.GetFold(x, "ipconfigurationId") == nil {
			return "bgpSettings.bgpPeeringAddresses without ipconfigurationId"
		}
	}
	if n > 2 {
		return "azurerm_virtual_network_gateway takes at most 2 bgp peering addresses"
	}
	return ""
}

// lastSegment is the last path segment of an id ("" for "").
func lastSegment(id string) string {
	return id[strings.LastIndexByte(id, '/')+1:]
}

// ruleCollectionKinds are the rule collection shapes of a firewall policy rule collection group:
// ARM puts them in one list (ruleCollectionType, and the rules' ruleType); azurerm has one block
// kind each.
var (
	rcgAppRule = []arg{{TF: "name", ARM: "name", Required: true}, {TF: "description", ARM: "description"}, {ARM: "ruleType"},
		{TF: "protocols", ARM: "protocols", Block: []arg{{TF: "type", ARM: "protocolType", Required: true}, {TF: "port", ARM: "port", C: cNum, Required: true}}},
		{TF: "source_addresses", ARM: "sourceAddresses", C: cStrList}, {TF: "source_ip_groups", ARM: "sourceIpGroups", C: cStrList},
		{TF: "destination_addresses", ARM: "destinationAddresses", C: cStrList}, {TF: "destination_fqdn_tags", ARM: "fqdnTags", C: cStrList},
		{TF: "destination_fqdns", ARM: "targetFqdns", C: cStrList}, {TF: "destination_urls", ARM: "targetUrls", C: cStrList},
		{TF: "terminate_tls", ARM: "terminateTLS", C: cBool}, {TF: "web_categories", ARM: "webCategories", C: cStrList},
		{TF: "http_headers", ARM: "httpHeadersToInsert", Block: []arg{{TF: "name", ARM: "headerName", Required: true}, {TF: "value", ARM: "headerValue", Required: true}}}}
	rcgNetRule = []arg{{TF: "name", ARM: "name", Required: true}, {TF: "description", ARM: "description"}, {ARM: "ruleType"},
		{TF: "protocols", ARM: "ipProtocols", C: cStrList, Required: true},
		{TF: "source_addresses", ARM: "sourceAddresses", C: cStrList}, {TF: "source_ip_groups", ARM: "sourceIpGroups", C: cStrList},
		{TF: "destination_addresses", ARM: "destinationAddresses", C: cStrList}, {TF: "destination_ip_groups", ARM: "destinationIpGroups", C: cStrList},
		{TF: "destination_fqdns", ARM: "destinationFqdns", C: cStrList}, {TF: "destination_ports", ARM: "destinationPorts", C: cStrList, Required: true}}
	rcgNatRule = []arg{{TF: "name", ARM: "name", Required: true}, {TF: "description", ARM: "description"}, {ARM: "ruleType"},
		{TF: "protocols", ARM: "ipProtocols", C: cStrList, Required: true},
		{TF: "source_addresses", ARM: "sourceAddresses", C: cStrList}, {TF: "source_ip_groups", ARM: "sourceIpGroups", C: cStrList},
		{TF: "destination_address", ARM: "destinationAddress"}, {TF: "destination_ports", ARM: "destinationPorts", C: cStrList},
		{TF: "translated_address", ARM: "translatedAddress"}, {TF: "translated_fqdn", ARM: "translatedFqdn"},
		{TF: "translated_port", ARM: "translatedPort", C: cNum, Required: true}}
	rcgKinds = map[string]struct {
		tf   string
		rule []arg
	}{
		"application": {"application_rule_collection", rcgAppRule},
		"network":     {"network_rule_collection", rcgNetRule},
		"nat":         {"nat_rule_collection", rcgNatRule},
	}
)

func rcgCollectionArgs(rule []arg) []arg {
	return []arg{{TF: "name", ARM: "name", Required: true}, {TF: "priority", ARM: "priority", C: cNum, Required: true},
		{TF: "action", ARM: "action.type", Required: true}, {ARM: "ruleCollectionType"}, {TF: "rule", ARM: "rules", Required: true, Block: rule}}
}

// rcgCollection returns the azurerm kind of a rule collection and the collection in azurerm's
// shape (NAT: one destination address, numeric translated port, Dnat/Snat), or why it cannot be.
func rcgCollection(c map[string]any) (string, map[string]any, string) {
	kind := ""
	switch strings.ToLower(s(c["ruleCollectionType"])) {
	case "firewallpolicynatrulecollection":
		kind = "nat"
	case "firewallpolicyfilterrulecollection":
		for _, x := range arr(c["rules"]) {
			k := ""
			switch strings.ToLower(s(jsonpath.GetFold(x, "ruleType"))) {
			case "applicationrule":
				k = "application"
			case "networkrule":
				k = "network"
			default:
				return "", nil, "rule type " + s(jsonpath.GetFold(x, "ruleType")) + " is not expressed"
			}
			if kind != "" && kind != k {
				return "", nil, "a filter rule collection mixing application and network rules is not expressed"
			}
			kind = k
		}
		if kind == "" {
			return "", nil, "an empty rule collection is not expressed"
		}
	default:
		return "", nil, "rule collection type " + s(c["ruleCollectionType"]) + " is not expressed"
	}
	out := map[string]any{}
	for k, v := range c {
		out[k] = v
	}
	if kind != "nat" {
		return kind, out, ""
	}
	switch strings.ToLower(s(jsonpath.GetFold(c, "action.type"))) {
	case "dnat":
		out["action"] = map[string]any{"type": "Dnat"}
	case "snat":
		out["action"] = map[string]any{"type": "Snat"}
	}
	var rules []any
	for _, x := range arr(c["rules"]) {
		rule := map[string]any{}
		for k, v := range m(x) {
			rule[k] = v
		}
		if da := strList(rule["destinationAddresses"]); len(da) > 1 {
			return "", nil, "a NAT rule with several destination addresses is not expressed"
		} else if len(da) == 1 {
			rule["destinationAddress"] = da[0]
		}
		delete(rule, "destinationAddresses")
		if p := s(rule["translatedPort"]); p != "" {
			n, ok := portNumber(p)
			if !ok {
				return "", nil, "translated port " + p + " is not a number"
			}
			rule["translatedPort"] = n
		}
		rules = append(rules, rule)
	}
	out["rules"] = rules
	return kind, out, ""
}

// portNumber parses a port ("8080").
func portNumber(p string) (float64, bool) {
	n := 0
	for _, c := range p {
		if c < '0' || c > '9' || n > 65535 {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return float64(n), p != "" && n <= 65535
}

func rcgCheck(r *model.Resource) string {
	for _, x := range arr(jsonpath.GetFold(r.Body, "ruleCollections")) {
		kind, c, why := rcgCollection(m(x))
		if why != "" {
			return why
		}
		k := rcgKinds[kind]
		args := rcgCollectionArgs(k.rule)
		in := "ruleCollections." + s(c["name"]) + "."
		if why := argsWhy("azurerm_firewall_policy_rule_collection_group", args, c, r, in); why != "" {
			return why
		}
		for _, f := range model.SortedKeys(c) {
			if !emptyValue(c[f]) && !argsCover(args, f) {
				return "azurerm_firewall_policy_rule_collection_group cannot express " + in + f
			}
		}
	}
	return ""
}

func rcgExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	for _, x := range arr(jsonpath.GetFold(r.Body, "ruleCollections")) {
		kind, c, _ := rcgCollection(m(x))
		k := rcgKinds[kind]
		e.writeArgs(b.AppendNewBlock(k.tf, nil).Body(), rcgCollectionArgs(k.rule), c, r)
	}
}

// Traffic Manager endpoints: the same arguments whether declared inline by the profile or on
// their own; an endpoint's kind follows from what it points at.
var (
	tmCommon = []arg{{TF: "weight", ARM: "weight", C: cNum}, {TF: "priority", ARM: "priority", C: cNum},
		{TF: "enabled", ARM: "endpointStatus", C: cEnabled}, {TF: "geo_mappings", ARM: "geoMapping", C: cStrList},
		{TF: "custom_header", ARM: "customHeaders", Block: []arg{{TF: "name", ARM: "name", Required: true}, {TF: "value", ARM: "value", Required: true}}},
		{TF: "subnet", ARM: "subnets", Block: []arg{{TF: "first", ARM: "first", Required: true}, {TF: "last", ARM: "last"}, {TF: "scope", ARM: "scope", C: cNum}}}}
	tmAzure    = append([]arg{{TF: "target_resource_id", ARM: "targetResourceId", C: cID, Required: true}, {TF: "always_serve_enabled", ARM: "alwaysServe", C: cEnabled}}, tmCommon...)
	tmExternal = append([]arg{{TF: "target", ARM: "target", Required: true}, {TF: "endpoint_location", ARM: "endpointLocation"}, {TF: "always_serve_enabled", ARM: "alwaysServe", C: cEnabled}}, tmCommon...)
	tmNested   = append([]arg{{TF: "target_resource_id", ARM: "targetResourceId", C: cID, Required: true}, {TF: "endpoint_location", ARM: "endpointLocation"},
		{TF: "minimum_child_endpoints", ARM: "minChildEndpoints", C: cNum, Required: true},
		{TF: "minimum_required_child_endpoints_ipv4", ARM: "minChildEndpointsIPv4", C: cNum},
		{TF: "minimum_required_child_endpoints_ipv6", ARM: "minChildEndpointsIPv6", C: cNum}}, tmCommon...)
	// the service computes an Azure endpoint's target (DNS name) and location
	tmAzureIgnore = []string{"endpointMonitorStatus", "target", "endpointLocation"}
	tmIgnore      = []string{"endpointMonitorStatus"}
	tmKinds       = []subKind{
		{TF: "azurerm_traffic_manager_azure_endpoint", Segment: "azureEndpoints", Args: tmAzure, Ignore: tmAzureIgnore},
		{TF: "azurerm_traffic_manager_external_endpoint", Segment: "externalEndpoints", Args: tmExternal, Ignore: tmIgnore},
		{TF: "azurerm_traffic_manager_nested_endpoint", Segment: "nestedEndpoints", Args: tmNested, Ignore: tmIgnore},
	}
)

// tmKind: nested endpoints name their minimum child count, Azure endpoints a resource, external
// endpoints a target.
func tmKind(o map[string]any) int {
	p := subProps(o)
	switch {
	case jsonpath.GetFold(p, "minChildEndpoints") != nil:
		return 2
	case jsonpath.GetFold(p, "targetResourceId") != nil:
		return 0
	}
	return 1
}

func tmEndpointRow(k subKind) simpleRow {
	return simpleRow{TF: k.TF, Place: parentID, ParentAttr: "profile_id", Args: k.Args, Ignore: k.Ignore}
}

var netSubs2 = map[string][]inlineSub{
	"microsoft.network/virtualnetworkgateways": {{List: "natRules", ParentAttr: "virtual_network_gateway_id", RGName: true,
		Kinds: []subKind{{TF: "azurerm_virtual_network_gateway_nat_rule", Segment: "natRules", Args: schemaRows["microsoft.network/virtualnetworkgateways/natrules"].Args}}}},
	"microsoft.network/trafficmanagerprofiles": {{List: "endpoints", ParentAttr: "profile_id", Kinds: tmKinds, Kind: tmKind}},
}

var netRows2 = map[string]simpleRow{
	"microsoft.network/azurefirewalls": {TF: "azurerm_firewall", Place: inRG, Location: true, NeedLocation: true, Tags: true, Zones: true,
		Args: []arg{{TF: "sku_name", ARM: "sku.name", Required: true}, {TF: "sku_tier", ARM: "sku.tier", Required: true},
			{TF: "threat_intel_mode", ARM: "threatIntelMode"}, {TF: "firewall_policy_id", ARM: "firewallPolicy.id", C: cID},
			{TF: "ip_configuration", ARM: "ipConfigurations", Block: []arg{{TF: "name", ARM: "name", Required: true},
				{TF: "subnet_id", ARM: "properties.subnet.id", C: cID}, {TF: "public_ip_address_id", ARM: "properties.publicIPAddress.id", C: cID}}},
			{TF: "management_ip_configuration", ARM: "managementIpConfiguration", Max: 1, Block: []arg{{TF: "name", ARM: "name", Required: true},
				{TF: "subnet_id", ARM: "properties.subnet.id", C: cID, Required: true}, {TF: "public_ip_address_id", ARM: "properties.publicIPAddress.id", C: cID, Required: true}}}},
		Check: checks(firewallCheck, propsOnly("ipConfigurations", "subnet", "publicIPAddress", "privateIPAddress"),
			propsOnly("managementIpConfiguration", "subnet", "publicIPAddress", "privateIPAddress")),
		Extra: firewallExtra, Sets: []string{"dns_proxy_enabled", "dns_servers", "private_ip_ranges"}, Reads: []string{"additionalProperties", "virtualHub"}},
	"microsoft.network/applicationgatewaywebapplicationfirewallpolicies": {TF: "azurerm_web_application_firewall_policy", Place: inRG, Location: true, NeedLocation: true, Tags: true,
		Args: []arg{
			{TF: "policy_settings", ARM: "policySettings", Max: 1, Block: []arg{{TF: "enabled", ARM: "state", C: cEnabled}, {TF: "mode", ARM: "mode"},
				{TF: "request_body_check", ARM: "requestBodyCheck", C: cBool}, {TF: "max_request_body_size_in_kb", ARM: "maxRequestBodySizeInKb", C: cNum},
				{TF: "file_upload_limit_in_mb", ARM: "fileUploadLimitInMb", C: cNum}, {TF: "request_body_enforcement", ARM: "requestBodyEnforcement", C: cBool},
				{TF: "request_body_inspect_limit_in_kb", ARM: "requestBodyInspectLimitInKB", C: cNum}, {TF: "file_upload_enforcement", ARM: "fileUploadEnforcement", C: cBool},
				{TF: "js_challenge_cookie_expiration_in_minutes", ARM: "jsChallengeCookieExpirationInMins", C: cNum},
				{TF: "log_scrubbing", ARM: "logScrubbing", Max: 1, Block: []arg{{TF: "enabled", ARM: "state", C: cEnabled},
					{TF: "rule", ARM: "scrubbingRules", Block: []arg{{TF: "match_variable", ARM: "matchVariable", Required: true},
						{TF: "selector_match_operator", ARM: "selectorMatchOperator"}, {TF: "selector", ARM: "selector"}, {TF: "enabled", ARM: "state", C: cEnabled}}}}}}},
			{TF: "custom_rules", ARM: "customRules", Block: []arg{{TF: "name", ARM: "name"}, {TF: "priority", ARM: "priority", C: cNum, Required: true},
				{TF: "rule_type", ARM: "ruleType", Required: true}, {TF: "action", ARM: "action", Required: true}, {TF: "enabled", ARM: "state", C: cEnabled},
				{TF: "rate_limit_duration", ARM: "rateLimitDuration"}, {TF: "rate_limit_threshold", ARM: "rateLimitThreshold", C: cNum},
				{TF: "match_conditions", ARM: "matchConditions", Required: true, Block: []arg{{TF: "operator", ARM: "operator", Required: true},
					{TF: "negation_condition", ARM: "negationConditon", C: cBool}, {TF: "negation_condition", ARM: "negationCondition", C: cBool},
					{TF: "match_values", ARM: "matchValues", C: cStrList}, {TF: "transforms", ARM: "transforms", C: cStrList},
					{TF: "match_variables", ARM: "matchVariables", Required: true, Block: []arg{{TF: "variable_name", ARM: "variableName", Required: true}, {TF: "selector", ARM: "selector"}}}}}}},
			{TF: "managed_rules", ARM: "managedRules", Required: true, Max: 1, Block: []arg{
				{TF: "managed_rule_set", ARM: "managedRuleSets", Required: true, Block: []arg{{TF: "type", ARM: "ruleSetType"}, {TF: "version", ARM: "ruleSetVersion", Required: true},
					{TF: "rule_group_override", ARM: "ruleGroupOverrides", Block: []arg{{TF: "rule_group_name", ARM: "ruleGroupName", Required: true},
						{TF: "rule", ARM: "rules", Block: []arg{{TF: "id", ARM: "ruleId", Required: true}, {TF: "enabled", ARM: "state", C: cEnabled}, {TF: "action", ARM: "action"}}}}}}},
				{TF: "exclusion", ARM: "exclusions", Block: []arg{{TF: "match_variable", ARM: "matchVariable", Required: true},
					{TF: "selector_match_operator", ARM: "selectorMatchOperator", Required: true}, {TF: "selector", ARM: "selector", Required: true}}}}}},
		Check: allOneOf("customRules.matchConditions.matchVariables.variableName", "RemoteAddr", "RequestMethod", "QueryString", "PostArgs",
			"RequestUri", "RequestHeaders", "RequestBody", "RequestCookies"),
		Ignore: []string{"resourceState", "applicationGateways", "httpListeners", "pathBasedRules"}},
	"microsoft.network/virtualnetworkgateways": {TF: "azurerm_virtual_network_gateway", Place: inRG, Location: true, NeedLocation: true, Tags: true,
		Args: []arg{{TF: "type", ARM: "gatewayType", Required: true}, {TF: "vpn_type", ARM: "vpnType"}, {TF: "sku", ARM: "sku.name", Required: true},
			{TF: "active_active", ARM: "activeActive", C: cBool}, {TF: "bgp_enabled", ARM: "enableBgp", C: cBool},
			{TF: "generation", ARM: "vpnGatewayGeneration", Skip: []string{"None"}}, {TF: "private_ip_address_enabled", ARM: "enablePrivateIpAddress", C: cBool},
			{TF: "bgp_route_translation_for_nat_enabled", ARM: "enableBgpRouteTranslationForNat", C: cBool},
			{TF: "dns_forwarding_enabled", ARM: "enableDnsForwarding", C: cBool}, {TF: "ip_sec_replay_protection_enabled", ARM: "disableIPSecReplayProtection", C: cNot},
			{TF: "remote_vnet_traffic_enabled", ARM: "allowRemoteVnetTraffic", C: cBool}, {TF: "virtual_wan_traffic_enabled", ARM: "allowVirtualWanTraffic", C: cBool},
			{TF: "default_local_network_gateway_id", ARM: "gatewayDefaultSite.id", C: cID},
			{TF: "ip_configuration", ARM: "ipConfigurations", Required: true, Max: 3, Block: []arg{{TF: "name", ARM: "name"},
				{TF: "private_ip_address_allocation", ARM: "properties.privateIPAllocationMethod"},
				{TF: "public_ip_address_id", ARM: "properties.publicIPAddress.id", C: cID}, {TF: "subnet_id", ARM: "properties.subnet.id", C: cID, Required: true}}},
			{TF: "custom_route", ARM: "customRoutes", Max: 1, Block: []arg{{TF: "address_prefixes", ARM: "addressPrefixes", C: cStrList}}},
			{TF: "vpn_client_configuration", ARM: "vpnClientConfiguration", Max: 1, Block: []arg{
				{TF: "address_space", ARM: "vpnClientAddressPool.addressPrefixes", C: cStrList, Required: true},
				{TF: "vpn_client_protocols", ARM: "vpnClientProtocols", C: cStrList}, {TF: "vpn_auth_types", ARM: "vpnAuthenticationTypes", C: cStrList},
				{TF: "aad_tenant", ARM: "aadTenant"}, {TF: "aad_audience", ARM: "aadAudience"}, {TF: "aad_issuer", ARM: "aadIssuer"},
				{TF: "radius_server_address", ARM: "radiusServerAddress"},
				{TF: "radius_server", ARM: "radiusServers", Block: []arg{{TF: "address", ARM: "radiusServerAddress", Required: true},
					{TF: "score", ARM: "radiusServerScore", C: cNum, Required: true}, {TF: "secret", ARM: "radiusServerSecret", Required: true}}},
				{TF: "root_certificate", ARM: "vpnClientRootCertificates", Block: []arg{{TF: "name", ARM: "name", Required: true},
					{TF: "public_cert_data", ARM: "properties.publicCertData", Required: true}}},
				{TF: "revoked_certificate", ARM: "vpnClientRevokedCertificates", Block: []arg{{TF: "name", ARM: "name", Required: true},
					{TF: "thumbprint", ARM: "properties.thumbprint", Required: true}}},
				{TF: "ipsec_policy", ARM: "vpnClientIpsecPolicies", Max: 1, Block: []arg{{TF: "dh_group", ARM: "dhGroup", Required: true},
					{TF: "ike_encryption", ARM: "ikeEncryption", Required: true}, {TF: "ike_integrity", ARM: "ikeIntegrity", Required: true},
					{TF: "ipsec_encryption", ARM: "ipsecEncryption", Required: true}, {TF: "ipsec_integrity", ARM: "ipsecIntegrity", Required: true},
					{TF: "pfs_group", ARM: "pfsGroup", Required: true}, {TF: "sa_data_size_in_kilobytes", ARM: "saDataSizeKilobytes", C: cNum, Required: true},
					{TF: "sa_lifetime_in_seconds", ARM: "saLifeTimeSeconds", C: cNum, Required: true}}}}}},
		Check: checks(vngBGPCheck, propsOnly("ipConfigurations", "privateIPAllocationMethod", "publicIPAddress", "subnet", "privateIPAddress"),
			propsOnly("vpnClientConfiguration.vpnClientRootCertificates", "publicCertData"),
			propsOnly("vpnClientConfiguration.vpnClientRevokedCertificates", "thumbprint")),
		Extra: vngBGP, Sets: []string{"bgp_settings"}, Reads: []string{"bgpSettings"},
		Ignore: []string{"enableHighBandwidthVpnGateway", "inboundDnsForwardingEndpoint"}},
	"microsoft.network/trafficmanagerprofiles": {TF: "azurerm_traffic_manager_profile", Place: inRG, Tags: true,
		Args: []arg{{TF: "profile_status", ARM: "profileStatus"}, {TF: "traffic_routing_method", ARM: "trafficRoutingMethod", Required: true},
			{TF: "traffic_view_enabled", ARM: "trafficViewEnrollmentStatus", C: cEnabled}, {TF: "max_return", ARM: "maxReturn", C: cNum},
			{TF: "dns_config", ARM: "dnsConfig", Required: true, Max: 1, Block: []arg{{TF: "relative_name", ARM: "relativeName", Required: true},
				{TF: "ttl", ARM: "ttl", C: cNum, Required: true}}},
			{TF: "monitor_config", ARM: "monitorConfig", Required: true, Max: 1, Block: []arg{{TF: "protocol", ARM: "protocol", Required: true},
				{TF: "port", ARM: "port", C: cNum, Required: true}, {TF: "path", ARM: "path"}, {TF: "interval_in_seconds", ARM: "intervalInSeconds", C: cNum},
				{TF: "timeout_in_seconds", ARM: "timeoutInSeconds", C: cNum}, {TF: "tolerated_number_of_failures", ARM: "toleratedNumberOfFailures", C: cNum},
				{ARM: "profileMonitorStatus"},
				{TF: "custom_header", ARM: "customHeaders", Block: []arg{{TF: "name", ARM: "name", Required: true}, {TF: "value", ARM: "value", Required: true}}}}}}},
	"microsoft.network/trafficmanagerprofiles/azureendpoints":    tmEndpointRow(tmKinds[0]),
	"microsoft.network/trafficmanagerprofiles/externalendpoints": tmEndpointRow(tmKinds[1]),
	"microsoft.network/trafficmanagerprofiles/nestedendpoints":   tmEndpointRow(tmKinds[2]),
	"microsoft.network/firewallpolicies/rulecollectiongroups": {TF: "azurerm_firewall_policy_rule_collection_group", Place: parentID, ParentAttr: "firewall_policy_id",
		Args:  []arg{{TF: "priority", ARM: "priority", C: cNum, Required: true}},
		Check: rcgCheck, Extra: rcgExtra, Reads: []string{"ruleCollections"},
		Sets: []string{"application_rule_collection", "network_rule_collection", "nat_rule_collection"}},
}
