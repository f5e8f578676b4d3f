package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

func emitVirtualNetwork(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "address_space", strList(jsonpath.Get(r.Body, "addressSpace.addressPrefixes")))
	e.set(b, "dns_servers", strList(jsonpath.Get(r.Body, "dhcpOptions.dnsServers")))
	e.set(b, "flow_timeout_in_minutes", numAt(r.Body, "flowTimeoutInMinutes"))
	e.set(b, "bgp_community", s(jsonpath.Get(r.Body, "bgpCommunities.virtualNetworkCommunity")))
	if d := m(jsonpath.Get(r.Body, "ddosProtectionPlan")); d != nil && idAt(d, "id") != nil {
		db := b.AppendNewBlock("ddos_protection_plan", nil).Body()
		e.set(db, "id", idAt(d, "id"))
		en, _ := r.Body["enableDdosProtection"].(bool)
		e.set(db, "enable", en)
	}
	if enc := m(r.Body["encryption"]); enc != nil && enc["enabled"] == true {
		eb := b.AppendNewBlock("encryption", nil).Body()
		enf := s(enc["enforcement"])
		if enf == "" {
			enf = "AllowUnencrypted"
		}
		e.set(eb, "enforcement", enf)
	}
	for _, sn := range arr(r.Body["subnets"]) {
		sb := b.AppendNewBlock("subnet", nil).Body()
		e.set(sb, "name", s(jsonpath.Get(sn, "name")))
		e.set(sb, "address_prefixes", subnetPrefixes(m(jsonpath.Get(sn, "properties"))))
		e.set(sb, "security_group", idAt(sn, "properties.networkSecurityGroup.id"))
		e.set(sb, "route_table_id", idAt(sn, "properties.routeTable.id"))
	}
	e.tags(b, r)
	return nil
}

func subnetPrefixes(p map[string]any) []any {
	if l := strList(p["addressPrefixes"]); len(l) > 0 {
		return l
	}
	if x := s(p["addressPrefix"]); x != "" {
		return []any{x}
	}
	return nil
}

func emitSubnet(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.set(b, "name", r.LastName())
	e.rgName(b, r)
	if p := e.idx[r.Parent]; p != nil && r.Parent != "" && e.tfType[p.Key] == "azurerm_virtual_network" {
		e.setExpr(b, "virtual_network_name", e.address(p)+".name")
	} else {
		e.set(b, "virtual_network_name", r.NameSegments()[0])
	}
	e.set(b, "address_prefixes", subnetPrefixes(r.Body))
	var svcs []any
	for _, se := range arr(r.Body["serviceEndpoints"]) {
		if sv := s(jsonpath.Get(se, "service")); sv != "" {
			svcs = append(svcs, sv)
		}
	}
	for _, sv := range svcs {
		sb := b.AppendNewBlock("service_endpoint", nil).Body()
		e.set(sb, "service", sv)
	}
	for _, d := range arr(r.Body["delegations"]) {
		db := b.AppendNewBlock("delegation", nil).Body()
		e.set(db, "name", s(jsonpath.Get(d, "name")))
		sd := db.AppendNewBlock("service_delegation", nil).Body()
		e.set(sd, "name", s(jsonpath.Get(d, "properties.serviceName")))
		e.set(sd, "actions", strList(jsonpath.Get(d, "properties.actions")))
	}
	if v := s(r.Body["privateEndpointNetworkPolicies"]); v != "" {
		e.set(b, "private_endpoint_network_policies", v)
	}
	if v := s(r.Body["privateLinkServiceNetworkPolicies"]); v != "" {
		e.set(b, "private_link_service_network_policies_enabled", strings.EqualFold(v, "Enabled"))
	}
	if v, ok := r.Body["defaultOutboundAccess"].(bool); ok {
		e.set(b, "default_outbound_access_enabled", v)
	}
	// property-like links become association resources
	if nsg := idAt(r.Body, "networkSecurityGroup.id"); nsg != nil {
		e.body.AppendNewline()
		ab := e.body.AppendNewBlock("resource", []string{"azurerm_subnet_network_security_group_association", r.Key}).Body()
		e.importSub(r, "azurerm_subnet_network_security_group_association."+r.Key, r.ID) // imported by the subnet's id
		e.setExpr(ab, "subnet_id", e.address(r)+".id")
		e.set(ab, "network_security_group_id", nsg)
	}
	if rt := idAt(r.Body, "routeTable.id"); rt != nil {
		e.body.AppendNewline()
		ab := e.body.AppendNewBlock("resource", []string{"azurerm_subnet_route_table_association", r.Key}).Body()
		e.importSub(r, "azurerm_subnet_route_table_association."+r.Key, r.ID) // imported by the subnet's id
		e.setExpr(ab, "subnet_id", e.address(r)+".id")
		e.set(ab, "route_table_id", rt)
	}
	if ng := idAt(r.Body, "natGateway.id"); ng != nil {
		e.body.AppendNewline()
		ab := e.body.AppendNewBlock("resource", []string{"azurerm_subnet_nat_gateway_association", r.Key}).Body()
		e.importSub(r, "azurerm_subnet_nat_gateway_association."+r.Key, r.ID) // imported by the subnet's id
		e.setExpr(ab, "subnet_id", e.address(r)+".id")
		e.set(ab, "nat_gateway_id", ng)
	}
	return nil
}

func portRange(b *hclwrite.Body, e *emitter, p map[string]any, single, plural, armSingle, armPlural string) {
	if l := strList(p[armPlural]); len(l) > 0 {
		e.set(b, plural, l)
		return
	}
	if v := s(p[armSingle]); v != "" {
		e.set(b, single, v)
	}
}

func emitNSG(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	for _, rule := range arr(r.Body["securityRules"]) {
		p := m(jsonpath.Get(rule, "properties"))
		rb := b.AppendNewBlock("security_rule", nil).Body()
		e.set(rb, "name", s(jsonpath.Get(rule, "name")))
		e.set(rb, "description", s(p["description"]))
		proto := s(p["protocol"])
		if proto == "*" {
			proto = "*"
		}
		e.set(rb, "protocol", proto)
		portRange(rb, e, p, "source_port_range", "source_port_ranges", "sourcePortRange", "sourcePortRanges")
		portRange(rb, e, p, "destination_port_range", "destination_port_ranges", "destinationPortRange", "destinationPortRanges")
		portRange(rb, e, p, "source_address_prefix", "source_address_prefixes", "sourceAddressPrefix", "sourceAddressPrefixes")
		portRange(rb, e, p, "destination_address_prefix", "destination_address_prefixes", "destinationAddressPrefix", "destinationAddressPrefixes")
		e.set(rb, "source_application_security_group_ids", idsOf(p["sourceApplicationSecurityGroups"]))
		e.set(rb, "destination_application_security_group_ids", idsOf(p["destinationApplicationSecurityGroups"]))
		e.set(rb, "access", s(p["access"]))
		e.set(rb, "priority", p["priority"])
		e.set(rb, "direction", s(p["direction"]))
	}
	e.tags(b, r)
	return nil
}

func emitRouteTable(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	if v, ok := r.Body["disableBgpRoutePropagation"].(bool); ok {
		e.set(b, "bgp_route_propagation_enabled", !v)
	}
	for _, rt := range arr(r.Body["routes"]) {
		p := m(jsonpath.Get(rt, "properties"))
		rb := b.AppendNewBlock("route", nil).Body()
		e.set(rb, "name", s(jsonpath.Get(rt, "name")))
		e.set(rb, "address_prefix", s(p["addressPrefix"]))
		e.set(rb, "next_hop_type", s(p["nextHopType"]))
		e.set(rb, "next_hop_in_ip_address", s(p["nextHopIpAddress"]))
	}
	e.tags(b, r)
	return nil
}

func emitPublicIP(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	alloc := s(r.Body["publicIPAllocationMethod"])
	if alloc == "" {
		alloc = "Static"
	}
	e.set(b, "allocation_method", alloc)
	e.set(b, "sku", s(r.SKU["name"]))
	e.set(b, "sku_tier", s(r.SKU["tier"]))
	e.set(b, "ip_version", s(r.Body["publicIPAddressVersion"]))
	e.set(b, "idle_timeout_in_minutes", numAt(r.Body, "idleTimeoutInMinutes"))
	e.set(b, "domain_name_label", s(jsonpath.Get(r.Body, "dnsSettings.domainNameLabel")))
	e.set(b, "public_ip_prefix_id", idAt(r.Body, "publicIPPrefix.id"))
	if len(r.Zones) > 0 {
		e.set(b, "zones", toAny(r.Zones))
	}
	e.tags(b, r)
	return nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, x := range ss {
		out[i] = x
	}
	return out
}

func resolveNIC(r *model.Resource) string {
	if len(arr(r.Body["ipConfigurations"])) == 0 {
		return "" // azurerm requires at least one ip_configuration
	}
	return "azurerm_network_interface"
}

func emitNIC(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "accelerated_networking_enabled", boolAt(r.Body, "enableAcceleratedNetworking"))
	e.set(b, "ip_forwarding_enabled", boolAt(r.Body, "enableIPForwarding"))
	e.set(b, "dns_servers", strList(jsonpath.Get(r.Body, "dnsSettings.dnsServers")))
	e.set(b, "internal_dns_name_label", s(jsonpath.Get(r.Body, "dnsSettings.internalDnsNameLabel")))
	for _, ic := range arr(r.Body["ipConfigurations"]) {
		p := m(jsonpath.Get(ic, "properties"))
		ib := b.AppendNewBlock("ip_configuration", nil).Body()
		e.set(ib, "name", s(jsonpath.Get(ic, "name")))
		e.set(ib, "subnet_id", idAt(p, "subnet.id"))
		alloc := s(p["privateIPAllocationMethod"])
		if alloc == "" {
			alloc = "Dynamic"
		}
		e.set(ib, "private_ip_address_allocation", alloc)
		if strings.EqualFold(alloc, "Static") {
			e.set(ib, "private_ip_address", s(p["privateIPAddress"]))
		}
		e.set(ib, "private_ip_address_version", s(p["privateIPAddressVersion"]))
		e.set(ib, "public_ip_address_id", idAt(p, "publicIPAddress.id"))
		e.set(ib, "primary", boolAt(p, "primary"))
	}
	e.tags(b, r)
	prev := ""
	if nsg := idAt(r.Body, "networkSecurityGroup.id"); nsg != nil {
		e.body.AppendNewline()
		ab := e.body.AppendNewBlock("resource", []string{"azurerm_network_interface_security_group_association", r.Key}).Body()
		e.importSub(r, "azurerm_network_interface_security_group_association."+r.Key, pipeID(r.ID, e.armID(nsg)))
		e.setExpr(ab, "network_interface_id", e.address(r)+".id")
		e.set(ab, "network_security_group_id", nsg)
		prev = "azurerm_network_interface_security_group_association." + r.Key
	}
	e.nicAssociations(r, prev)
	return nil
}

func emitPrivateDNSZone(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.set(b, "name", r.LastName())
	e.rgName(b, r)
	e.tags(b, r)
	return nil
}

func resolveDNSLink(r *model.Resource) string {
	if idAt(r.Body, "virtualNetwork.id") == nil {
		return ""
	}
	return "azurerm_private_dns_zone_virtual_network_link"
}

func emitPrivateDNSLink(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.set(b, "name", r.LastName())
	if p := e.idx[r.Parent]; p != nil && r.Parent != "" {
		e.setExpr(b, "private_dns_zone_id", e.address(p)+".id")
	} else {
		e.setExpr(b, "private_dns_zone_id", joinExpr(e.base(r), "/providers/Microsoft.Network/privateDnsZones/"+r.NameSegments()[0]))
	}
	e.set(b, "virtual_network_id", idAt(r.Body, "virtualNetwork.id"))
	e.set(b, "registration_enabled", boolAt(r.Body, "registrationEnabled"))
	if rp := s(r.Body["resolutionPolicy"]); rp != "" {
		e.set(b, "resolution_policy", rp)
	}
	e.tags(b, r)
	return nil
}

func resolvePeering(r *model.Resource) string {
	if idAt(r.Body, "remoteVirtualNetwork.id") == nil {
		return ""
	}
	return "azurerm_virtual_network_peering"
}

func emitPeering(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.set(b, "name", r.LastName())
	e.rgName(b, r)
	if p := e.idx[r.Parent]; p != nil && r.Parent != "" && e.tfType[p.Key] == "azurerm_virtual_network" {
		e.setExpr(b, "virtual_network_name", e.address(p)+".name")
	} else {
		e.set(b, "virtual_network_name", r.NameSegments()[0])
	}
	e.set(b, "remote_virtual_network_id", idAt(r.Body, "remoteVirtualNetwork.id"))
	e.set(b, "allow_virtual_network_access", boolAt(r.Body, "allowVirtualNetworkAccess"))
	e.set(b, "allow_forwarded_traffic", boolAt(r.Body, "allowForwardedTraffic"))
	e.set(b, "allow_gateway_transit", boolAt(r.Body, "allowGatewayTransit"))
	e.set(b, "use_remote_gateways", boolAt(r.Body, "useRemoteGateways"))
	return nil
}

func resolveDNSZone(r *model.Resource) string {
	if zt := s(r.Body["zoneType"]); zt != "" && !strings.EqualFold(zt, "Public") {
		return "" // legacy private zones
	}
	return "azurerm_dns_zone"
}

func emitDNSZone(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.set(b, "name", r.LastName())
	e.rgName(b, r)
	e.tags(b, r)
	return nil
}

func plsConnection(r *model.Resource) (map[string]any, bool) {
	if c := arr(r.Body["privateLinkServiceConnections"]); len(c) > 0 {
		return m(c[0]), false
	}
	if c := arr(r.Body["manualPrivateLinkServiceConnections"]); len(c) > 0 {
		return m(c[0]), true
	}
	return nil, false
}

func resolvePrivateEndpoint(r *model.Resource) string {
	c, _ := plsConnection(r)
	if c == nil || idAt(r.Body, "subnet.id") == nil || idAt(c, "properties.privateLinkServiceId") == nil {
		return ""
	}
	return "azurerm_private_endpoint"
}

func emitPrivateEndpoint(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "subnet_id", idAt(r.Body, "subnet.id"))
	e.set(b, "custom_network_interface_name", s(r.Body["customNetworkInterfaceName"]))
	c, manual := plsConnection(r)
	cb := b.AppendNewBlock("private_service_connection", nil).Body()
	cname := s(c["name"])
	if cname == "" {
		cname = r.LastName() + "-connection"
	}
	e.set(cb, "name", cname)
	e.set(cb, "private_connection_resource_id", idAt(c, "properties.privateLinkServiceId"))
	e.set(cb, "subresource_names", strList(jsonpath.Get(c, "properties.groupIds")))
	e.set(cb, "is_manual_connection", manual)
	if manual {
		msg := s(jsonpath.Get(c, "properties.requestMessage"))
		if msg == "" {
			msg = "Please approve"
		}
		e.set(cb, "request_message", msg)
	}
	e.tags(b, r)
	return nil
}

// subnetDelegations are the delegation service names azurerm_subnet accepts (provider 5.2).
var subnetDelegations = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`GitHub.Network/networkSettings Informatica.DataManagement/organizations Microsoft.ApiManagement/service
		Microsoft.Apollo/npu Microsoft.App/environments Microsoft.App/testClients Microsoft.AVS/PrivateClouds Microsoft.AzureCosmosDB/clusters
		Microsoft.BareMetal/AzureHostedService Microsoft.BareMetal/AzureHPC Microsoft.BareMetal/AzurePaymentHSM Microsoft.BareMetal/AzureVMware
		Microsoft.BareMetal/CrayServers Microsoft.BareMetal/MonitoringServers Microsoft.Batch/batchAccounts Microsoft.CloudTest/hostedpools
		Microsoft.CloudTest/images Microsoft.CloudTest/pools Microsoft.Codespaces/plans Microsoft.ContainerInstance/containerGroups
		Microsoft.ContainerService/managedClusters Microsoft.ContainerService/TestClients Microsoft.Databricks/workspaces
		Microsoft.DBforMySQL/flexibleServers Microsoft.DBforMySQL/servers Microsoft.DBforMySQL/serversv2 Microsoft.DBforPostgreSQL/flexibleServers
		Microsoft.DBforPostgreSQL/serversv2 Microsoft.DBforPostgreSQL/singleServers Microsoft.DelegatedNetwork/controller
		Microsoft.DevCenter/networkConnection Microsoft.DevOpsInfrastructure/pools Microsoft.DocumentDB/cassandraClusters
		Microsoft.Fidalgo/networkSettings Microsoft.HardwareSecurityModules/dedicatedHSMs Microsoft.Kusto/clusters Microsoft.LabServices/labplans
		Microsoft.Logic/integrationServiceEnvironments Microsoft.MachineLearningServices/workspaces Microsoft.MessagingConnectors/connectors
		Microsoft.Netapp/volumes Microsoft.Network/applicationGateways Microsoft.Network/dnsResolvers Microsoft.Network/managedResolvers
		Microsoft.Network/fpgaNetworkInterfaces Microsoft.Network/networkWatchers. Microsoft.Network/virtualNetworkGateways
		Microsoft.Orbital/orbitalGateways Microsoft.PowerAutomate/hostedRpa Microsoft.PowerPlatform/enterprisePolicies
		Microsoft.PowerPlatform/vnetaccesslinks Microsoft.ServiceFabricMesh/networks Microsoft.ServiceNetworking/trafficControllers
		Microsoft.Singularity/accounts/networks Microsoft.Singularity/accounts/npu Microsoft.Sql/managedInstances
		Microsoft.Sql/managedInstancesOnebox Microsoft.Sql/managedInstancesStage Microsoft.Sql/managedInstancesTest Microsoft.Sql/servers
		Microsoft.StoragePool/diskPools Microsoft.StreamAnalytics/streamingJobs Microsoft.Synapse/workspaces Microsoft.Web/hostingEnvironments
		Microsoft.Web/serverFarms NGINX.NGINXPLUS/nginxDeployments Oracle.Database/networkAttachments PaloAltoNetworks.Cloudngfw/firewalls
		Qumulo.Storage/fileSystems PureStorage.Block/storagePools`) {
		subnetDelegations[n] = true
	}
}

func resolveSubnet(r *model.Resource) string {
	for _, d := range arr(r.Body["delegations"]) {
		if !subnetDelegations[s(jsonpath.Get(d, "properties.serviceName"))] {
			return "" // a delegation azurerm does not know: azapi keeps it
		}
	}
	return "azurerm_subnet"
}

func emitNATGateway(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	if sk := s(r.SKU["name"]); sk != "" {
		e.set(b, "sku_name", sk)
	}
	e.set(b, "idle_timeout_in_minutes", numAt(r.Body, "idleTimeoutInMinutes"))
	if len(r.Zones) > 0 {
		e.set(b, "zones", toAny(r.Zones))
	}
	e.tags(b, r)
	for i, p := range idsOf(r.Body["publicIpAddresses"]) {
		e.body.AppendNewline()
		ab := e.body.AppendNewBlock("resource", []string{"azurerm_nat_gateway_public_ip_association", r.Key + "_" + number(float64(i))}).Body()
		e.setExpr(ab, "nat_gateway_id", e.address(r)+".id")
		e.set(ab, "public_ip_address_id", p)
	}
	return nil
}

func resolveBastion(r *model.Resource) string {
	ipc := arr(r.Body["ipConfigurations"])
	if len(ipc) > 1 {
		return ""
	}
	if len(ipc) == 1 && idAt(ipc[0], "properties.subnet.id") == nil {
		return ""
	}
	return "azurerm_bastion_host"
}

func emitBastion(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	if sk := s(r.SKU["name"]); sk != "" {
		e.set(b, "sku", sk)
	}
	if v, ok := r.Body["disableCopyPaste"].(bool); ok {
		e.set(b, "copy_paste_enabled", !v)
	}
	e.set(b, "file_copy_enabled", boolAt(r.Body, "enableFileCopy"))
	e.set(b, "ip_connect_enabled", boolAt(r.Body, "enableIpConnect"))
	e.set(b, "kerberos_enabled", boolAt(r.Body, "enableKerberos"))
	e.set(b, "shareable_link_enabled", boolAt(r.Body, "enableShareableLink"))
	e.set(b, "tunneling_enabled", boolAt(r.Body, "enableTunneling"))
	e.set(b, "session_recording_enabled", boolAt(r.Body, "enableSessionRecording"))
	e.set(b, "scale_units", numAt(r.Body, "scaleUnits"))
	e.set(b, "virtual_network_id", idAt(r.Body, "virtualNetwork.id"))
	for _, ic := range arr(r.Body["ipConfigurations"]) {
		ib := b.AppendNewBlock("ip_configuration", nil).Body()
		e.set(ib, "name", s(jsonpath.Get(ic, "name")))
		e.set(ib, "subnet_id", idAt(ic, "properties.subnet.id"))
		e.set(ib, "public_ip_address_id", idAt(ic, "properties.publicIPAddress.id"))
	}
	if len(r.Zones) > 0 {
		e.set(b, "zones", toAny(r.Zones))
	}
	e.tags(b, r)
	return nil
}
