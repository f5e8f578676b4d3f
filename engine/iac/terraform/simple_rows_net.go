package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Network rows whose ARM shape needs more than the schema-derived mapping: gateway
// connections, ExpressRoute circuits (sku as a block), private link services (NAT IP
// configurations with the first one primary), VPN sites.

func init() { registerSimpleRows(netRows) }

// plsNATConfigs writes a private link service's IP configurations; the first is the primary
// one unless the source says otherwise.
func plsNATConfigs(e *emitter, b *hclwrite.Body, r *model.Resource) {
	for i, x := range arr(jsonpath.GetFold(r.Body, "ipConfigurations")) {
		nb := b.AppendNewBlock("nat_ip_configuration", nil).Body()
		e.set(nb, "name", s(jsonpath.GetFold(x, "name")))
		primary, ok := jsonpath.GetFold(x, "properties.primary").(bool)
		if !ok {
			primary = i == 0
		}
		e.set(nb, "primary", primary)
		e.set(nb, "private_ip_address", s(jsonpath.GetFold(x, "properties.privateIPAddress")))
		e.set(nb, "private_ip_address_version", s(jsonpath.GetFold(x, "properties.privateIPAddressVersion")))
		e.set(nb, "subnet_id", idAt(x, "properties.subnet.id"))
	}
}

func plsCheck(r *model.Resource) string {
	for _, path := range []string{"autoApproval.subscriptions", "visibility.subscriptions"} {
		for _, x := range strList(jsonpath.GetFold(r.Body, path)) {
			if sv, ok := x.(string); ok && !uuidRE.MatchString(sv) && !(sv == "*" && strings.HasPrefix(path, "visibility")) {
				return path + " " + sv + " is not a subscription id"
			}
		}
	}
	ips := arr(jsonpath.GetFold(r.Body, "ipConfigurations"))
	if len(ips) == 0 {
		return "private link service without IP configurations is not expressed"
	}
	for _, x := range ips {
		p, _ := jsonpath.GetFold(x, "properties").(map[string]any)
		if idAt(p, "subnet.id") == nil {
			return "private link service IP configuration without a subnet"
		}
		for k := range p {
			switch strings.ToLower(k) {
			case "primary", "privateipaddress", "privateipaddressversion", "subnet", "privateipallocationmethod", "provisioningstate":
			default:
				return "ipConfigurations." + k + " is not expressed"
			}
		}
	}
	return ""
}

// virtualHubCheck: the older preferredRoutingGateway must agree with hubRoutingPreference (azurerm
// has one argument), and the router ASN must be the service's (azurerm cannot set another).
func virtualHubCheck(r *model.Resource) string {
	old, cur := s(jsonpath.GetFold(r.Body, "preferredRoutingGateway")), s(jsonpath.GetFold(r.Body, "hubRoutingPreference"))
	if old != "" && cur != "" && !strings.EqualFold(old, cur) {
		return "preferredRoutingGateway " + old + " differs from hubRoutingPreference " + cur
	}
	if old != "" && cur == "" && !strings.EqualFold(old, "ExpressRoute") {
		return "preferredRoutingGateway " + old + " is not expressed"
	}
	if asn, ok := jsonpath.GetFold(r.Body, "virtualRouterAsn").(float64); ok && asn != 65515 {
		return "virtualRouterAsn " + number(asn) + " is not expressed"
	}
	return ""
}

var netRows = map[string]simpleRow{
	"microsoft.network/connections": {TF: "azurerm_virtual_network_gateway_connection", Place: inRG, Location: true, NeedLocation: true, Tags: true,
		Args: []arg{{TF: "type", ARM: "connectionType", Required: true},
			{TF: "virtual_network_gateway_id", ARM: "virtualNetworkGateway1.id", C: cID, Required: true},
			{TF: "local_network_gateway_id", ARM: "localNetworkGateway2.id", C: cID},
			{TF: "peer_virtual_network_gateway_id", ARM: "virtualNetworkGateway2.id", C: cID},
			{TF: "express_route_circuit_id", ARM: "peer.id", C: cID},
			{TF: "authorization_key", ARM: "authorizationKey"}, {TF: "shared_key", ARM: "sharedKey"},
			{TF: "connection_protocol", ARM: "connectionProtocol"}, {TF: "connection_mode", ARM: "connectionMode"},
			{TF: "dpd_timeout_seconds", ARM: "dpdTimeoutSeconds", C: cNum}, {TF: "bgp_enabled", ARM: "enableBgp", C: cBool},
			{TF: "routing_weight", ARM: "routingWeight", C: cNum},
			{TF: "use_policy_based_traffic_selectors", ARM: "usePolicyBasedTrafficSelectors", C: cBool},
			{TF: "local_azure_ip_address_enabled", ARM: "useLocalAzureIpAddress", C: cBool},
			{TF: "express_route_gateway_bypass", ARM: "expressRouteGatewayBypass", C: cBool},
			{TF: "private_link_fast_path_enabled", ARM: "enablePrivateLinkFastPath", C: cBool},
			{TF: "egress_nat_rule_ids", ARM: "egressNatRules", C: cIDList}, {TF: "ingress_nat_rule_ids", ARM: "ingressNatRules", C: cIDList}},
		Check: func(r *model.Resource) string {
			for _, k := range []string{"localNetworkGateway2", "virtualNetworkGateway1", "virtualNetworkGateway2", "peer"} {
				if p, ok := jsonpath.GetFold(r.Body, k+".properties").(map[string]any); ok && len(p) > 0 {
					return k + ".properties is not expressed"
				}
			}
			return ""
		},
		Ignore: []string{"connectionStatus", "egressBytesTransferred", "ingressBytesTransferred", "tunnelConnectionStatus", "resourceGuid"}},
	"microsoft.network/expressroutecircuits": {TF: "azurerm_express_route_circuit", Place: inRG, Location: true, NeedLocation: true, Tags: true,
		Args: []arg{{TF: "sku", ARM: "$sku", Required: true, Block: []arg{{TF: "tier", ARM: "tier", Required: true},
			{TF: "family", ARM: "family", Required: true}, {ARM: "name"}}},
			{TF: "service_provider_name", ARM: "serviceProviderProperties.serviceProviderName"},
			{TF: "peering_location", ARM: "serviceProviderProperties.peeringLocation"},
			{TF: "bandwidth_in_mbps", ARM: "serviceProviderProperties.bandwidthInMbps", C: cNum},
			{TF: "allow_classic_operations", ARM: "allowClassicOperations", C: cBool},
			{TF: "express_route_port_id", ARM: "expressRoutePort.id", C: cID},
			{TF: "bandwidth_in_gbps", ARM: "bandwidthInGbps", C: cNum},
			{TF: "rate_limiting_enabled", ARM: "enableDirectPortRateLimit", C: cBool}},
		Ignore: []string{"circuitProvisioningState", "serviceKey", "serviceProviderNotes", "serviceProviderProvisioningState",
			"gatewayManagerEtag", "stag", "globalReachEnabled"}},
	"microsoft.network/privatelinkservices": {TF: "azurerm_private_link_service", Place: inRG, Location: true, NeedLocation: true, Tags: true,
		Args: []arg{{TF: "load_balancer_frontend_ip_configuration_ids", ARM: "loadBalancerFrontendIpConfigurations", C: cIDList},
			{TF: "auto_approval_subscription_ids", ARM: "autoApproval.subscriptions", C: cStrList},
			{TF: "visibility_subscription_ids", ARM: "visibility.subscriptions", C: cStrList}, {TF: "fqdns", ARM: "fqdns", C: cStrList},
			{TF: "proxy_protocol_enabled", ARM: "enableProxyProtocol", C: cBool},
			{TF: "destination_ip_address", ARM: "destinationIPAddress"}},
		Check: plsCheck, Extra: plsNATConfigs, Sets: []string{"nat_ip_configuration"}, Reads: []string{"ipConfigurations"},
		Ignore: []string{"alias", "networkInterfaces", "privateEndpointConnections"}},
	"microsoft.network/networkprofiles": {TF: "azurerm_network_profile", Place: inRG, Location: true, NeedLocation: true, Tags: true,
		Args: []arg{{TF: "container_network_interface", ARM: "containerNetworkInterfaceConfigurations", Required: true, Max: 1, Block: []arg{
			{TF: "name", ARM: "name", Required: true},
			{TF: "ip_configuration", ARM: "properties.ipConfigurations", Required: true, Block: []arg{{TF: "name", ARM: "name", Required: true},
				{TF: "subnet_id", ARM: "properties.subnet.id", C: cID, Required: true}}}}}},
		Ignore: []string{"containerNetworkInterfaces"}},
	"microsoft.network/vpnsites": {TF: "azurerm_vpn_site", Place: inRG, Location: true, NeedLocation: true, Tags: true,
		Args: []arg{{TF: "virtual_wan_id", ARM: "virtualWan.id", C: cID, Required: true},
			{TF: "address_cidrs", ARM: "addressSpace.addressPrefixes", C: cStrList},
			{TF: "device_vendor", ARM: "deviceProperties.deviceVendor"}, {TF: "device_model", ARM: "deviceProperties.deviceModel"}},
		Check: func(r *model.Resource) string {
			if v, ok := jsonpath.GetFold(r.Body, "deviceProperties.linkSpeedInMbps").(float64); ok && v != 0 {
				return "deviceProperties.linkSpeedInMbps is not expressed"
			}
			if jsonpath.GetFold(r.Body, "isSecuritySite") == true {
				return "security sites are not expressed"
			}
			if len(arr(jsonpath.GetFold(r.Body, "vpnSiteLinks"))) > 0 {
				return "inline VPN site links are not expressed"
			}
			return ""
		},
		Ignore: []string{"isSecuritySite"}},
}
