package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Virtual WAN: site-to-site VPN gateways in a hub (their NAT rules and connections as resources of
// their own when the scan did not list them), VPN connections and NAT rules, point-to-site
// gateways and VPN server configurations, and hub virtual network connections.

func init() { registerWithSubs(vwanRows, vwanSubs) }

var (
	vpnNatArgs = []arg{{TF: "type", ARM: "type"}, {TF: "mode", ARM: "mode"}, {TF: "ip_configuration_id", ARM: "ipConfigurationId", C: cID},
		{TF: "external_mapping", ARM: "externalMappings", Block: []arg{{TF: "address_space", ARM: "addressSpace", Required: true}, {TF: "port_range", ARM: "portRange"}}},
		{TF: "internal_mapping", ARM: "internalMappings", Block: []arg{{TF: "address_space", ARM: "addressSpace", Required: true}, {TF: "port_range", ARM: "portRange"}}}}
	// the links that use a rule list it back (read-only)
	vpnNatIgnore = []string{"egressVpnSiteLinkConnections", "ingressVpnSiteLinkConnections"}
	vpnNatModes  = []string{"EgressSnat", "IngressSnat"}

	vpnLink = []arg{{TF: "name", ARM: "name", Required: true}, {TF: "vpn_site_link_id", ARM: "properties.vpnSiteLink.id", C: cID, Required: true},
		{TF: "bandwidth_mbps", ARM: "properties.connectionBandwidth", C: cNum}, {TF: "bgp_enabled", ARM: "properties.enableBgp", C: cBool},
		{TF: "connection_mode", ARM: "properties.vpnLinkConnectionMode"}, {TF: "dpd_timeout_seconds", ARM: "properties.dpdTimeoutSeconds", C: cNum},
		{TF: "egress_nat_rule_ids", ARM: "properties.egressNatRules", C: cIDList}, {TF: "ingress_nat_rule_ids", ARM: "properties.ingressNatRules", C: cIDList},
		{TF: "local_azure_ip_address_enabled", ARM: "properties.useLocalAzureIpAddress", C: cBool},
		{TF: "policy_based_traffic_selector_enabled", ARM: "properties.usePolicyBasedTrafficSelectors", C: cBool},
		{TF: "protocol", ARM: "properties.vpnConnectionProtocolType"}, {TF: "ratelimit_enabled", ARM: "properties.enableRateLimiting", C: cBool},
		{TF: "route_weight", ARM: "properties.routingWeight", C: cNum}, {TF: "shared_key", ARM: "properties.sharedKey", C: cID},
		{TF: "ipsec_policy", ARM: "properties.ipsecPolicies", Block: []arg{{TF: "dh_group", ARM: "dhGroup", Required: true},
			{TF: "encryption_algorithm", ARM: "ipsecEncryption", Required: true}, {TF: "ike_encryption_algorithm", ARM: "ikeEncryption", Required: true},
			{TF: "ike_integrity_algorithm", ARM: "ikeIntegrity", Required: true}, {TF: "integrity_algorithm", ARM: "ipsecIntegrity", Required: true},
			{TF: "pfs_group", ARM: "pfsGroup", Required: true}, {TF: "sa_data_size_kb", ARM: "saDataSizeKilobytes", C: cNum, Required: true},
			{TF: "sa_lifetime_sec", ARM: "saLifeTimeSeconds", C: cNum, Required: true}}},
		{TF: "custom_bgp_address", ARM: "properties.vpnGatewayCustomBgpAddresses", Block: []arg{{TF: "ip_address", ARM: "customBgpIpAddress", Required: true},
			{TF: "ip_configuration_id", ARM: "ipConfigurationId", Required: true}}}}
	vpnLinkProps = []string{"vpnSiteLink", "connectionBandwidth", "enableBgp", "vpnLinkConnectionMode", "dpdTimeoutSeconds", "egressNatRules",
		"ingressNatRules", "useLocalAzureIpAddress", "usePolicyBasedTrafficSelectors", "vpnConnectionProtocolType", "enableRateLimiting",
		"routingWeight", "sharedKey", "ipsecPolicies", "vpnGatewayCustomBgpAddresses",
		"connectionStatus", "ingressBytesTransferred", "egressBytesTransferred", "ingressNatRulesLinks", "egressNatRulesLinks"}

	vpnConnArgs = []arg{{TF: "remote_vpn_site_id", ARM: "remoteVpnSite.id", C: cID, Required: true},
		{TF: "internet_security_enabled", ARM: "enableInternetSecurity", C: cBool},
		{TF: "routing", ARM: "routingConfiguration", Max: 1, Block: []arg{{TF: "associated_route_table", ARM: "associatedRouteTable.id", C: cID, Required: true},
			{TF: "propagated_route_table", ARM: "propagatedRouteTables", Max: 1, Block: []arg{{TF: "route_table_ids", ARM: "ids", C: cIDList, Required: true},
				{TF: "labels", ARM: "labels", C: cStrList}}},
			{TF: "inbound_route_map_id", ARM: "inboundRouteMap.id", C: cID}, {TF: "outbound_route_map_id", ARM: "outboundRouteMap.id", C: cID}}},
		{TF: "traffic_selector_policy", ARM: "trafficSelectorPolicies", Block: []arg{{TF: "local_address_ranges", ARM: "localAddressRanges", C: cStrList, Required: true},
			{TF: "remote_address_ranges", ARM: "remoteAddressRanges", C: cStrList, Required: true}}},
		{TF: "vpn_link", ARM: "vpnLinkConnections", Required: true, Block: vpnLink}}
	vpnConnIgnore = []string{"connectionStatus", "ingressBytesTransferred", "egressBytesTransferred"}
)

// vpnGatewayBGP writes the gateway's BGP settings: ASN, weight and each instance's custom
// (APIPA) addresses.
func vpnGatewayBGP(e *emitter, b *hclwrite.Body, r *model.Resource) {
	if jsonpath.GetFold(r.Body, "isRoutingPreferenceInternet") == true {
		e.set(b, "routing_preference", "Internet")
	}
	bgp, _ := jsonpath.GetFold(r.Body, "bgpSettings").(map[string]any)
	if emptyValue(bgp) {
		return
	}
	bb := b.AppendNewBlock("bgp_settings", nil).Body()
	e.set(bb, "asn", numAt(bgp, "asn"))
	e.set(bb, "peer_weight", numAt(bgp, "peerWeight"))
	for _, x := range arr(bgp["bgpPeeringAddresses"]) {
		custom := strList(jsonpath.GetFold(x, "customBgpIpAddresses"))
		if len(custom) == 0 {
			continue
		}
		inst := strings.ToLower(s(jsonpath.GetFold(x, "ipconfigurationId")))
		e.set(bb.AppendNewBlock("instance_"+strings.TrimPrefix(inst, "instance")+"_bgp_peering_address", nil).Body(), "custom_ips", custom)
	}
}

func vpnGatewayCheck(r *model.Resource) string {
	bgp, _ := jsonpath.GetFold(r.Body, "bgpSettings").(map[string]any)
	if emptyValue(bgp) {
		return ""
	}
	if why := keysOnly("bgpSettings", "asn", "peerWeight", "bgpPeeringAddress", "bgpPeeringAddresses")(r); why != "" {
		return why
	}
	if numAt(bgp, "asn") == nil || numAt(bgp, "peerWeight") == nil {
		return "bgpSettings without asn or peerWeight"
	}
	for _, x := range arr(bgp["bgpPeeringAddresses"]) {
		if len(strList(jsonpath.GetFold(x, "customBgpIpAddresses"))) == 0 {
			continue
		}
		if inst := strings.ToLower(s(jsonpath.GetFold(x, "ipconfigurationId"))); inst != "instance0" && inst != "instance1" {
			return "bgp peering address of " + inst + " is not expressed"
		}
	}
	return ""
}

var vwanSubs = map[string][]inlineSub{
	"microsoft.network/vpngateways": {
		{List: "natRules", ParentAttr: "vpn_gateway_id", Kinds: []subKind{{TF: "azurerm_vpn_gateway_nat_rule", Segment: "natRules", Args: vpnNatArgs, Ignore: vpnNatIgnore}}},
		{List: "connections", ParentAttr: "vpn_gateway_id", Kinds: []subKind{{TF: "azurerm_vpn_gateway_connection", Segment: "vpnConnections", Args: vpnConnArgs, Ignore: vpnConnIgnore}}},
	},
}

var vwanRows = map[string]simpleRow{
	"microsoft.network/vpngateways": {TF: "azurerm_vpn_gateway", Place: inRG, Location: true, NeedLocation: true, Tags: true,
		Args: []arg{{TF: "virtual_hub_id", ARM: "virtualHub.id", C: cID, Required: true}, {TF: "scale_unit", ARM: "vpnGatewayScaleUnit", C: cNum},
			{TF: "bgp_route_translation_for_nat_enabled", ARM: "enableBgpRouteTranslationForNat", C: cBool}},
		Check: checks(vpnGatewayCheck, allOneOf("natRules.properties.mode", vpnNatModes...),
			fieldsOnly("connections.properties.vpnLinkConnections.properties", vpnLinkProps...)),
		Extra: vpnGatewayBGP, Sets: []string{"routing_preference", "bgp_settings"}, Reads: []string{"bgpSettings", "isRoutingPreferenceInternet"}},
	"microsoft.network/vpngateways/vpnconnections": {TF: "azurerm_vpn_gateway_connection", Place: parentID, ParentAttr: "vpn_gateway_id",
		Args: vpnConnArgs, Check: fieldsOnly("vpnLinkConnections.properties", vpnLinkProps...), Ignore: vpnConnIgnore},
	"microsoft.network/vpnserverconfigurations": {TF: "azurerm_vpn_server_configuration", Place: inRG, Location: true, NeedLocation: true, Tags: true,
		Args: []arg{{TF: "vpn_authentication_types", ARM: "vpnAuthenticationTypes", C: cStrList, Required: true}, {TF: "vpn_protocols", ARM: "vpnProtocols", C: cStrList},
			{TF: "client_root_certificate", ARM: "vpnClientRootCertificates", Block: []arg{{TF: "name", ARM: "name", Required: true},
				{TF: "public_cert_data", ARM: "publicCertData", Required: true}}},
			{TF: "client_revoked_certificate", ARM: "vpnClientRevokedCertificates", Block: []arg{{TF: "name", ARM: "name", Required: true},
				{TF: "thumbprint", ARM: "thumbprint", Required: true}}},
			{TF: "ipsec_policy", ARM: "vpnClientIpsecPolicies", Max: 1, Block: []arg{{TF: "dh_group", ARM: "dhGroup", Required: true},
				{TF: "ike_encryption", ARM: "ikeEncryption", Required: true}, {TF: "ike_integrity", ARM: "ikeIntegrity", Required: true},
				{TF: "ipsec_encryption", ARM: "ipsecEncryption", Required: true}, {TF: "ipsec_integrity", ARM: "ipsecIntegrity", Required: true},
				{TF: "pfs_group", ARM: "pfsGroup", Required: true}, {TF: "sa_data_size_kilobytes", ARM: "saDataSizeKilobytes", C: cNum, Required: true},
				{TF: "sa_lifetime_seconds", ARM: "saLifeTimeSeconds", C: cNum, Required: true}}},
			{TF: "azure_active_directory_authentication", ARM: "aadAuthenticationParameters", Block: []arg{{TF: "tenant", ARM: "aadTenant", Required: true},
				{TF: "audience", ARM: "aadAudience", Required: true}, {TF: "issuer", ARM: "aadIssuer", Required: true}}}},
		// RADIUS settings (radiusServers…) are not mapped: their secrets are never copied, so such a configuration stays azapi
		Ignore: []string{"name"}},
	"microsoft.network/p2svpngateways": {TF: "azurerm_point_to_site_vpn_gateway", Place: inRG, Location: true, NeedLocation: true, Tags: true,
		Args: []arg{{TF: "virtual_hub_id", ARM: "virtualHub.id", C: cID, Required: true},
			{TF: "vpn_server_configuration_id", ARM: "vpnServerConfiguration.id", C: cID, Required: true},
			{TF: "scale_unit", ARM: "vpnGatewayScaleUnit", C: cNum, Required: true}, {TF: "dns_servers", ARM: "customDnsServers", C: cStrList},
			{TF: "routing_preference_internet_enabled", ARM: "isRoutingPreferenceInternet", C: cBool},
			{TF: "connection_configuration", ARM: "p2SConnectionConfigurations", Required: true, Block: []arg{{TF: "name", ARM: "name", Required: true},
				{TF: "internet_security_enabled", ARM: "properties.enableInternetSecurity", C: cBool},
				{TF: "vpn_client_address_pool", ARM: "properties.vpnClientAddressPool", Required: true, Max: 1, Block: []arg{
					{TF: "address_prefixes", ARM: "addressPrefixes", C: cStrList, Required: true}}},
				{TF: "route", ARM: "properties.routingConfiguration", Max: 1, Block: []arg{{TF: "associated_route_table_id", ARM: "associatedRouteTable.id", C: cID, Required: true},
					{TF: "propagated_route_table", ARM: "propagatedRouteTables", Max: 1, Block: []arg{{TF: "ids", ARM: "ids", C: cIDList, Required: true},
						{TF: "labels", ARM: "labels", C: cStrList}}},
					{TF: "inbound_route_map_id", ARM: "inboundRouteMap.id", C: cID}, {TF: "outbound_route_map_id", ARM: "outboundRouteMap.id", C: cID}}}}}},
		Check: fieldsOnly("p2SConnectionConfigurations.properties", "enableInternetSecurity", "vpnClientAddressPool", "routingConfiguration",
			"previousConfigurationPolicyGroupAssociations"),
		Ignore: []string{"vpnClientConnectionHealth"}},
	"microsoft.network/virtualhubs/hubvirtualnetworkconnections": {TF: "azurerm_virtual_hub_connection", Place: parentID, ParentAttr: "virtual_hub_id",
		Args: []arg{{TF: "remote_virtual_network_id", ARM: "remoteVirtualNetwork.id", C: cID, Required: true},
			{TF: "internet_security_enabled", ARM: "enableInternetSecurity", C: cBool},
			{TF: "routing", ARM: "routingConfiguration", Max: 1, Block: []arg{{TF: "associated_route_table_id", ARM: "associatedRouteTable.id", C: cID},
				{TF: "propagated_route_table", ARM: "propagatedRouteTables", Max: 1, Block: []arg{{TF: "route_table_ids", ARM: "ids", C: cIDList},
					{TF: "labels", ARM: "labels", C: cStrList}}},
				{TF: "inbound_route_map_id", ARM: "inboundRouteMap.id", C: cID}, {TF: "outbound_route_map_id", ARM: "outboundRouteMap.id", C: cID},
				{TF: "static_vnet_route", ARM: "vnetRoutes.staticRoutes", Block: []arg{{TF: "name", ARM: "name"},
					{TF: "address_prefixes", ARM: "addressPrefixes", C: cStrList}, {TF: "next_hop_ip_address", ARM: "nextHopIpAddress"}}},
				{TF: "static_vnet_local_route_override_criteria", ARM: "vnetRoutes.staticRoutesConfig.vnetLocalRouteOverrideCriteria"},
				{TF: "static_vnet_propagate_static_routes_enabled", ARM: "vnetRoutes.staticRoutesConfig.propagateStaticRoutes", C: cBool}}}},
		Check: checks(fieldsOnly("routingConfiguration.vnetRoutes", "staticRoutes", "staticRoutesConfig", "bgpConnections"),
			fieldsOnly("routingConfiguration.vnetRoutes.staticRoutesConfig", "vnetLocalRouteOverrideCriteria", "propagateStaticRoutes"),
			func(r *model.Resource) string {
				// deprecated switches the service no longer honours: only their defaults go unsaid
				for _, k := range []string{"allowHubToRemoteVnetTransit", "allowRemoteVnetToUseHubVnetGateways"} {
					if jsonpath.GetFold(r.Body, k) == false {
						return k + " false is not expressed"
					}
				}
				return ""
			}),
		Ignore: []string{"allowHubToRemoteVnetTransit", "allowRemoteVnetToUseHubVnetGateways"}},
	"microsoft.network/vpngateways/natrules": {TF: "azurerm_vpn_gateway_nat_rule", Place: parentID, ParentAttr: "vpn_gateway_id",
		Args: vpnNatArgs, Check: allOneOf("mode", vpnNatModes...), Ignore: vpnNatIgnore},
}
