package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
)

// Mapping is one row of the table: the Terraform types an ARM type may become, an optional
// resolver (for ambiguous types; returns one of Types or "" for the azapi fallback) and the emitter.
type Mapping struct {
	Types   []string
	Resolve func(r *model.Resource) string
	Emit    func(e *emitter, r *model.Resource, tfType string) error
	// Prepare, when set, runs for every resource of the row before anything is emitted: it names
	// the sub-resources the emitter declares as resources of their own (addSub) and the children
	// it declares inline (e.within), so that references from anywhere resolve to them.
	Prepare func(e *emitter, r *model.Resource, tfType string)
	// Associations lists the association resource types the emitter may add.
	Associations []string
	// Explain, when set, says why Resolve chose the azapi fallback (for mapping.json).
	Explain func(r *model.Resource) string
}

// Table maps lower-cased ARM types to typed azurerm emitters. Every type not in it emits as
// azapi_resource.
var Table = map[string]Mapping{
	"microsoft.resources/resourcegroups":                        {Types: []string{"azurerm_resource_group"}, Emit: emitResourceGroup},
	"microsoft.network/virtualnetworks":                         {Types: []string{"azurerm_virtual_network"}, Emit: emitVirtualNetwork},
	"microsoft.network/virtualnetworks/subnets":                 {Types: []string{"azurerm_subnet"}, Resolve: resolveSubnet, Emit: emitSubnet, Associations: []string{"azurerm_subnet_network_security_group_association", "azurerm_subnet_route_table_association", "azurerm_subnet_nat_gateway_association"}},
	"microsoft.network/networksecuritygroups":                   {Types: []string{"azurerm_network_security_group"}, Emit: emitNSG},
	"microsoft.network/routetables":                             {Types: []string{"azurerm_route_table"}, Emit: emitRouteTable},
	"microsoft.network/publicipaddresses":                       {Types: []string{"azurerm_public_ip"}, Emit: emitPublicIP},
	"microsoft.network/networkinterfaces":                       {Types: []string{"azurerm_network_interface"}, Resolve: resolveNIC, Emit: emitNIC, Associations: []string{"azurerm_network_interface_security_group_association", "azurerm_network_interface_backend_address_pool_association", "azurerm_network_interface_nat_rule_association", "azurerm_network_interface_application_gateway_backend_address_pool_association"}},
	"microsoft.storage/storageaccounts":                         {Types: []string{"azurerm_storage_account"}, Resolve: resolveStorage, Emit: emitStorageAccount},
	"microsoft.storage/storageaccounts/blobservices/containers": {Types: []string{"azurerm_storage_container"}, Emit: emitStorageContainer},
	"microsoft.keyvault/vaults":                                 {Types: []string{"azurerm_key_vault"}, Emit: emitKeyVault},
	"microsoft.managedidentity/userassignedidentities":          {Types: []string{"azurerm_user_assigned_identity"}, Emit: emitUAI},
	"microsoft.operationalinsights/workspaces":                  {Types: []string{"azurerm_log_analytics_workspace"}, Emit: emitLogAnalytics},
	"microsoft.web/serverfarms":                                 {Types: []string{"azurerm_service_plan"}, Resolve: resolveServicePlan, Emit: emitServicePlan},
	"microsoft.web/sites":                                       {Types: []string{"azurerm_linux_web_app", "azurerm_windows_web_app"}, Resolve: resolveWebApp, Emit: emitWebApp},
	"microsoft.compute/virtualmachines":                         {Types: []string{"azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine"}, Resolve: resolveVM, Emit: emitVM},
	"microsoft.compute/disks":                                   {Types: []string{"azurerm_managed_disk"}, Resolve: resolveDisk, Emit: emitManagedDisk},
	"microsoft.sql/servers":                                     {Types: []string{"azurerm_mssql_server"}, Emit: emitSQLServer},
	"microsoft.sql/servers/databases":                           {Types: []string{"azurerm_mssql_database"}, Emit: emitSQLDatabase},
	"microsoft.authorization/roleassignments":                   {Types: []string{"azurerm_role_assignment"}, Emit: emitRoleAssignment},
	"microsoft.network/privatednszones":                         {Types: []string{"azurerm_private_dns_zone"}, Emit: emitPrivateDNSZone},
	"microsoft.network/privatednszones/virtualnetworklinks":     {Types: []string{"azurerm_private_dns_zone_virtual_network_link"}, Resolve: resolveDNSLink, Emit: emitPrivateDNSLink},
	"microsoft.network/virtualnetworks/virtualnetworkpeerings":  {Types: []string{"azurerm_virtual_network_peering"}, Resolve: resolvePeering, Emit: emitPeering},
	"microsoft.compute/availabilitysets":                        {Types: []string{"azurerm_availability_set"}, Emit: emitAvailabilitySet},
	"microsoft.insights/components":                             {Types: []string{"azurerm_application_insights"}, Resolve: resolveAppInsights, Emit: emitAppInsights},
	"microsoft.containerregistry/registries":                    {Types: []string{"azurerm_container_registry"}, Resolve: resolveRegistry, Emit: emitRegistry},
	"microsoft.network/dnszones":                                {Types: []string{"azurerm_dns_zone"}, Resolve: resolveDNSZone, Emit: emitDNSZone},
	"microsoft.network/privateendpoints":                        {Types: []string{"azurerm_private_endpoint"}, Resolve: resolvePrivateEndpoint, Emit: emitPrivateEndpoint},
	"microsoft.cache/redis":                                     {Types: []string{"azurerm_redis_cache"}, Resolve: resolveRedis, Emit: emitRedis},
	"microsoft.servicebus/namespaces":                           {Types: []string{"azurerm_servicebus_namespace"}, Resolve: resolveMessaging, Emit: emitServiceBus},
	"microsoft.eventhub/namespaces":                             {Types: []string{"azurerm_eventhub_namespace"}, Resolve: resolveMessaging, Emit: emitEventHubNS},
	"microsoft.insights/diagnosticsettings":                     {Types: []string{"azurerm_monitor_diagnostic_setting"}, Resolve: resolveDiagnostics, Emit: emitDiagnostics},
	"microsoft.network/natgateways":                             {Types: []string{"azurerm_nat_gateway"}, Emit: emitNATGateway, Associations: []string{"azurerm_nat_gateway_public_ip_association"}},
	"microsoft.network/bastionhosts":                            {Types: []string{"azurerm_bastion_host"}, Resolve: resolveBastion, Emit: emitBastion},
	"microsoft.dbforpostgresql/flexibleservers":                 {Types: []string{"azurerm_postgresql_flexible_server"}, Resolve: resolveFlexible, Emit: emitPostgres},
	"microsoft.dbformysql/flexibleservers":                      {Types: []string{"azurerm_mysql_flexible_server"}, Resolve: resolveFlexible, Emit: emitMySQL},
	"microsoft.containerservice/managedclusters":                {Types: []string{"azurerm_kubernetes_cluster"}, Resolve: resolveAKS, Prepare: prepareAKS, Emit: emitAKS},
	"microsoft.containerservice/managedclusters/agentpools":     {Types: []string{"azurerm_kubernetes_cluster_node_pool"}, Resolve: resolveNodePool, Prepare: prepareNodePool, Emit: emitNodePool},
	"microsoft.documentdb/databaseaccounts":                     {Types: []string{"azurerm_cosmosdb_account"}, Resolve: resolveCosmos, Emit: emitCosmos},
	"microsoft.app/managedenvironments":                         {Types: []string{"azurerm_container_app_environment"}, Resolve: resolveContainerEnv, Emit: emitContainerEnv},
	"microsoft.app/containerapps":                               {Types: []string{"azurerm_container_app"}, Resolve: resolveContainerApp, Emit: emitContainerApp},
	"microsoft.network/applicationgateways":                     {Types: []string{"azurerm_application_gateway"}, Resolve: resolveAppGateway, Emit: emitAppGateway},
	"microsoft.network/loadbalancers": {Types: []string{"azurerm_lb"}, Resolve: resolveLB, Prepare: prepareLB, Emit: emitLB,
		Associations: []string{"azurerm_lb_backend_address_pool", "azurerm_lb_backend_address_pool_address", "azurerm_lb_probe", "azurerm_lb_rule", "azurerm_lb_nat_rule", "azurerm_lb_nat_pool", "azurerm_lb_outbound_rule"}},
}

// TerraformTypes is the reverse index: every Terraform type the table can produce -> ARM type.
func TerraformTypes() map[string]string {
	out := map[string]string{}
	for arm, m := range Table {
		for _, t := range m.Types {
			out[t] = arm
		}
		for _, t := range m.Associations {
			out[t] = arm
		}
	}
	return out
}

// --- helpers -------------------------------------------------------------------------------

func (e *emitter) block(tfType string, r *model.Resource) *hclwrite.Body {
	return e.body.AppendNewBlock("resource", []string{tfType, r.Key}).Body()
}

// common writes name, resource_group_name and (optionally) location.
func (e *emitter) common(b *hclwrite.Body, r *model.Resource, location bool) {
	e.set(b, "name", r.LastName())
	e.rgName(b, r)
	if location {
		e.set(b, "location", r.Location)
	}
}

func (e *emitter) rgName(b *hclwrite.Body, r *model.Resource) {
	if rg := e.rg(r); rg != nil {
		e.setExpr(b, "resource_group_name", e.address(rg)+".name")
	} else {
		e.set(b, "resource_group_name", r.ResourceGroup)
	}
}

func m(v any) map[string]any {
	x, _ := v.(map[string]any)
	return x
}

func arr(v any) []any {
	x, _ := v.([]any)
	return x
}

func s(v any) string {
	x, _ := v.(string)
	return x
}

func get(v any, path string) any {
	cur := v
	for _, p := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[p]
	}
	return cur
}

// id returns the id-like value at path (a Ref/Var/SubRel or string), or nil.
func idAt(v any, path string) any {
	x := get(v, path)
	switch x.(type) {
	case model.Ref, model.Var, model.SubRel:
		return x
	case string:
		if x == "" {
			return nil
		}
		return x
	}
	return nil
}

func boolAt(v any, path string) any {
	if b, ok := get(v, path).(bool); ok {
		return b
	}
	return nil
}

func numAt(v any, path string) any {
	if f, ok := get(v, path).(float64); ok {
		return f
	}
	return nil
}

func strList(v any) []any {
	var out []any
	for _, x := range arr(v) {
		switch x.(type) {
		case string, model.Ref, model.Var, model.SubRel:
			out = append(out, x)
		}
	}
	return out
}

// idsOf collects the "id" of each object in a list (refs or strings).
func idsOf(v any) []any {
	var out []any
	for _, x := range arr(v) {
		if id := idAt(x, "id"); id != nil {
			out = append(out, id)
		}
	}
	return out
}

// --- emitters -------------------------------------------------------------------------------

func emitResourceGroup(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.set(b, "name", r.Name)
	e.set(b, "location", r.Location)
	e.tags(b, r)
	return nil
}

func emitVirtualNetwork(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "address_space", strList(get(r.Body, "addressSpace.addressPrefixes")))
	e.set(b, "dns_servers", strList(get(r.Body, "dhcpOptions.dnsServers")))
	e.set(b, "flow_timeout_in_minutes", numAt(r.Body, "flowTimeoutInMinutes"))
	e.set(b, "bgp_community", s(get(r.Body, "bgpCommunities.virtualNetworkCommunity")))
	if d := m(get(r.Body, "ddosProtectionPlan")); d != nil && idAt(d, "id") != nil {
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
		e.set(sb, "name", s(get(sn, "name")))
		e.set(sb, "address_prefixes", subnetPrefixes(m(get(sn, "properties"))))
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
		if sv := s(get(se, "service")); sv != "" {
			svcs = append(svcs, sv)
		}
	}
	for _, sv := range svcs {
		sb := b.AppendNewBlock("service_endpoint", nil).Body()
		e.set(sb, "service", sv)
	}
	for _, d := range arr(r.Body["delegations"]) {
		db := b.AppendNewBlock("delegation", nil).Body()
		e.set(db, "name", s(get(d, "name")))
		sd := db.AppendNewBlock("service_delegation", nil).Body()
		e.set(sd, "name", s(get(d, "properties.serviceName")))
		e.set(sd, "actions", strList(get(d, "properties.actions")))
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
		e.setExpr(ab, "subnet_id", e.address(r)+".id")
		e.set(ab, "network_security_group_id", nsg)
	}
	if rt := idAt(r.Body, "routeTable.id"); rt != nil {
		e.body.AppendNewline()
		ab := e.body.AppendNewBlock("resource", []string{"azurerm_subnet_route_table_association", r.Key}).Body()
		e.setExpr(ab, "subnet_id", e.address(r)+".id")
		e.set(ab, "route_table_id", rt)
	}
	if ng := idAt(r.Body, "natGateway.id"); ng != nil {
		e.body.AppendNewline()
		ab := e.body.AppendNewBlock("resource", []string{"azurerm_subnet_nat_gateway_association", r.Key}).Body()
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
		p := m(get(rule, "properties"))
		rb := b.AppendNewBlock("security_rule", nil).Body()
		e.set(rb, "name", s(get(rule, "name")))
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
		p := m(get(rt, "properties"))
		rb := b.AppendNewBlock("route", nil).Body()
		e.set(rb, "name", s(get(rt, "name")))
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
	e.set(b, "domain_name_label", s(get(r.Body, "dnsSettings.domainNameLabel")))
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
	e.set(b, "dns_servers", strList(get(r.Body, "dnsSettings.dnsServers")))
	e.set(b, "internal_dns_name_label", s(get(r.Body, "dnsSettings.internalDnsNameLabel")))
	for _, ic := range arr(r.Body["ipConfigurations"]) {
		p := m(get(ic, "properties"))
		ib := b.AppendNewBlock("ip_configuration", nil).Body()
		e.set(ib, "name", s(get(ic, "name")))
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
	if nsg := idAt(r.Body, "networkSecurityGroup.id"); nsg != nil {
		e.body.AppendNewline()
		ab := e.body.AppendNewBlock("resource", []string{"azurerm_network_interface_security_group_association", r.Key}).Body()
		e.setExpr(ab, "network_interface_id", e.address(r)+".id")
		e.set(ab, "network_security_group_id", nsg)
	}
	e.nicAssociations(r)
	return nil
}

func resolveStorage(r *model.Resource) string {
	sku := s(r.SKU["name"])
	if !strings.Contains(sku, "_") {
		return ""
	}
	return "azurerm_storage_account"
}

func emitStorageAccount(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	sku := strings.SplitN(s(r.SKU["name"]), "_", 2)
	e.set(b, "account_kind", r.Kind)
	e.set(b, "account_tier", sku[0])
	e.set(b, "account_replication_type", sku[1])
	if at := s(r.Body["accessTier"]); at == "Hot" || at == "Cool" || at == "Cold" || at == "Premium" {
		e.set(b, "access_tier", at)
	}
	e.set(b, "https_traffic_only_enabled", boolAt(r.Body, "supportsHttpsTrafficOnly"))
	e.set(b, "min_tls_version", s(r.Body["minimumTlsVersion"]))
	e.set(b, "is_hns_enabled", boolAt(r.Body, "isHnsEnabled"))
	e.set(b, "nfsv3_enabled", boolAt(r.Body, "isNfsV3Enabled"))
	e.set(b, "sftp_enabled", boolAt(r.Body, "isSftpEnabled"))
	e.set(b, "allow_nested_items_to_be_public", boolAt(r.Body, "allowBlobPublicAccess"))
	e.set(b, "shared_access_key_enabled", boolAt(r.Body, "allowSharedKeyAccess"))
	e.set(b, "cross_tenant_replication_enabled", boolAt(r.Body, "allowCrossTenantReplication"))
	e.set(b, "default_to_oauth_authentication", boolAt(r.Body, "defaultToOAuthAuthentication"))
	e.set(b, "infrastructure_encryption_enabled", boolAt(r.Body, "encryption.requireInfrastructureEncryption"))
	if pna := s(r.Body["publicNetworkAccess"]); pna != "" {
		e.set(b, "public_network_access_enabled", strings.EqualFold(pna, "Enabled"))
	}
	if acl := m(r.Body["networkAcls"]); acl != nil && s(acl["defaultAction"]) != "" {
		nb := b.AppendNewBlock("network_rules", nil).Body()
		e.set(nb, "default_action", s(acl["defaultAction"]))
		if by := s(acl["bypass"]); by != "" {
			var l []any
			for _, x := range strings.Split(by, ",") {
				l = append(l, strings.TrimSpace(x))
			}
			e.set(nb, "bypass", l)
		}
		var ips, subnets []any
		for _, ip := range arr(acl["ipRules"]) {
			if v := s(get(ip, "value")); v != "" {
				ips = append(ips, v)
			}
		}
		for _, vn := range arr(acl["virtualNetworkRules"]) {
			if id := idAt(vn, "id"); id != nil {
				subnets = append(subnets, id)
			}
		}
		e.set(nb, "ip_rules", ips)
		e.set(nb, "virtual_network_subnet_ids", subnets)
	}
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}

func emitStorageContainer(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.set(b, "name", r.LastName())
	// the account is the grandparent (…/storageAccounts/a/blobServices/default/containers/c)
	acct := r.ID[:strings.Index(strings.ToLower(r.ID), "/blobservices/")]
	var target *model.Resource
	for _, x := range e.m.Resources {
		if strings.EqualFold(x.ID, acct) {
			target = x
		}
	}
	if target != nil {
		e.setExpr(b, "storage_account_id", e.address(target)+".id")
	} else {
		e.setExpr(b, "storage_account_id", joinExpr(e.base(r), "/providers/Microsoft.Storage/storageAccounts/"+r.NameSegments()[0]))
	}
	access := strings.ToLower(s(r.Body["publicAccess"]))
	if access == "" || access == "none" {
		access = "private"
	}
	e.set(b, "container_access_type", access)
	// both or neither; "$account-encryption-key" is the default scope
	if es := s(r.Body["defaultEncryptionScope"]); es != "" && !strings.HasPrefix(es, "$") {
		e.set(b, "default_encryption_scope", es)
		deny, _ := r.Body["denyEncryptionScopeOverride"].(bool)
		e.set(b, "encryption_scope_override_enabled", !deny)
	}
	return nil
}

func emitKeyVault(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "tenant_id", idAt(r.Body, "tenantId"))
	e.set(b, "sku_name", strings.ToLower(s(get(r.Body, "sku.name"))))
	rbac, _ := r.Body["enableRbacAuthorization"].(bool)
	e.set(b, "rbac_authorization_enabled", rbac)
	e.set(b, "enabled_for_deployment", boolAt(r.Body, "enabledForDeployment"))
	e.set(b, "enabled_for_disk_encryption", boolAt(r.Body, "enabledForDiskEncryption"))
	e.set(b, "enabled_for_template_deployment", boolAt(r.Body, "enabledForTemplateDeployment"))
	e.set(b, "purge_protection_enabled", boolAt(r.Body, "enablePurgeProtection"))
	e.set(b, "soft_delete_retention_days", numAt(r.Body, "softDeleteRetentionInDays"))
	if pna := s(r.Body["publicNetworkAccess"]); pna != "" {
		e.set(b, "public_network_access_enabled", strings.EqualFold(pna, "Enabled"))
	}
	for _, ap := range arr(r.Body["accessPolicies"]) {
		pb := b.AppendNewBlock("access_policy", nil).Body()
		e.set(pb, "tenant_id", idAt(ap, "tenantId"))
		e.set(pb, "object_id", idAt(ap, "objectId"))
		e.set(pb, "application_id", idAt(ap, "applicationId"))
		for _, kind := range []string{"keys", "secrets", "certificates", "storage"} {
			var perms []any
			for _, p := range strList(get(ap, "permissions."+kind)) {
				if ps, ok := p.(string); ok {
					perms = append(perms, kvPermission(ps))
				}
			}
			name := strings.TrimSuffix(kind, "s") + "_permissions"
			if kind == "storage" {
				name = "storage_permissions"
			}
			e.set(pb, name, perms)
		}
	}
	if acl := m(r.Body["networkAcls"]); acl != nil && s(acl["defaultAction"]) != "" {
		nb := b.AppendNewBlock("network_acls", nil).Body()
		by := s(acl["bypass"])
		if by == "" {
			by = "None"
		}
		e.set(nb, "bypass", by)
		e.set(nb, "default_action", s(acl["defaultAction"]))
		var ips, subnets []any
		for _, ip := range arr(acl["ipRules"]) {
			if v := s(get(ip, "value")); v != "" {
				ips = append(ips, v)
			}
		}
		for _, vn := range arr(acl["virtualNetworkRules"]) {
			if id := idAt(vn, "id"); id != nil {
				subnets = append(subnets, id)
			}
		}
		e.set(nb, "ip_rules", ips)
		e.set(nb, "virtual_network_subnet_ids", subnets)
	}
	e.tags(b, r)
	return nil
}

// kvPermission maps an ARM permission ("get", "wrapKey") to azurerm's casing ("Get", "WrapKey").
func kvPermission(p string) string {
	switch strings.ToLower(p) {
	case "all":
		return "All"
	case "getrotationpolicy":
		return "GetRotationPolicy"
	case "setrotationpolicy":
		return "SetRotationPolicy"
	case "managecontacts":
		return "ManageContacts"
	case "manageissuers":
		return "ManageIssuers"
	case "getissuers":
		return "GetIssuers"
	case "listissuers":
		return "ListIssuers"
	case "setissuers":
		return "SetIssuers"
	case "deleteissuers":
		return "DeleteIssuers"
	case "unwrapkey":
		return "UnwrapKey"
	case "wrapkey":
		return "WrapKey"
	case "deletesas":
		return "DeleteSAS"
	case "getsas":
		return "GetSAS"
	case "listsas":
		return "ListSAS"
	case "setsas":
		return "SetSAS"
	case "regeneratekey":
		return "RegenerateKey"
	}
	if p == "" {
		return p
	}
	return strings.ToUpper(p[:1]) + p[1:]
}

func emitUAI(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.tags(b, r)
	return nil
}

func emitLogAnalytics(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "sku", laSku(s(get(r.Body, "sku.name"))))
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
	sc := m(r.Body["siteConfig"])
	cb := b.AppendNewBlock("site_config", nil).Body()
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
		if n, v := s(get(st, "name")), get(st, "value"); n != "" && v != nil {
			settings[n] = v
		}
	}
	e.set(b, "app_settings", settings)
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}

// reservedAdminNames are admin user names azurerm (and Azure) refuse.
var reservedAdminNames = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`administrator admin user user1 test user2 test1 user3 admin1 1 123 a actuser adm admin2
		aspnet backup console david guest john owner root server sql support support_388945a0 sys test2 test3 user4 user5`) {
		reservedAdminNames[n] = true
	}
}

func resolveVM(r *model.Resource) string {
	if reservedAdminNames[strings.ToLower(s(get(r.Body, "osProfile.adminUsername")))] {
		return "" // azurerm would refuse the source's admin name; azapi keeps it as it is
	}
	if get(r.Body, "osProfile") == nil || get(r.Body, "storageProfile.imageReference") == nil ||
		len(arr(get(r.Body, "networkProfile.networkInterfaces"))) == 0 {
		return "" // attached OS disk or no NIC list: azapi expresses it as read
	}
	if get(r.Body, "osProfile.linuxConfiguration") != nil || strings.EqualFold(s(get(r.Body, "storageProfile.osDisk.osType")), "Linux") {
		return "azurerm_linux_virtual_machine"
	}
	return "azurerm_windows_virtual_machine"
}

func emitVM(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "size", s(get(r.Body, "hardwareProfile.vmSize")))
	op := m(r.Body["osProfile"])
	e.set(b, "computer_name", s(op["computerName"]))
	e.set(b, "admin_username", s(op["adminUsername"]))
	if pw, ok := op["adminPassword"].(model.Var); ok {
		e.set(b, "admin_password", pw)
	}
	if t == "azurerm_linux_virtual_machine" {
		dpa, _ := get(op, "linuxConfiguration.disablePasswordAuthentication").(bool)
		e.set(b, "disable_password_authentication", dpa)
		for _, k := range arr(get(op, "linuxConfiguration.ssh.publicKeys")) {
			kb := b.AppendNewBlock("admin_ssh_key", nil).Body()
			e.set(kb, "username", s(op["adminUsername"]))
			e.set(kb, "public_key", get(k, "keyData"))
		}
		e.set(b, "provision_vm_agent", boolAt(op, "linuxConfiguration.provisionVMAgent"))
	} else {
		e.set(b, "provision_vm_agent", boolAt(op, "windowsConfiguration.provisionVMAgent"))
		e.set(b, "automatic_updates_enabled", boolAt(op, "windowsConfiguration.enableAutomaticUpdates"))
		e.set(b, "timezone", s(get(op, "windowsConfiguration.timeZone")))
	}
	e.set(b, "network_interface_ids", idsOf(get(r.Body, "networkProfile.networkInterfaces")))
	e.set(b, "availability_set_id", idAt(r.Body, "availabilitySet.id"))
	e.set(b, "proximity_placement_group_id", idAt(r.Body, "proximityPlacementGroup.id"))
	if len(r.Zones) > 0 {
		e.set(b, "zone", r.Zones[0])
	}
	od := m(get(r.Body, "storageProfile.osDisk"))
	ob := b.AppendNewBlock("os_disk", nil).Body()
	e.set(ob, "name", s(od["name"]))
	caching := s(od["caching"])
	if caching == "" {
		caching = "ReadWrite"
	}
	e.set(ob, "caching", caching)
	sat := s(get(od, "managedDisk.storageAccountType"))
	if sat == "" {
		sat = "Standard_LRS"
	}
	e.set(ob, "storage_account_type", sat)
	e.set(ob, "disk_size_gb", numAt(od, "diskSizeGB"))
	e.set(ob, "write_accelerator_enabled", boolAt(od, "writeAcceleratorEnabled"))
	ir := m(get(r.Body, "storageProfile.imageReference"))
	if id := idAt(ir, "id"); id != nil {
		e.set(b, "source_image_id", id)
	} else {
		ib := b.AppendNewBlock("source_image_reference", nil).Body()
		e.set(ib, "publisher", s(ir["publisher"]))
		e.set(ib, "offer", s(ir["offer"]))
		e.set(ib, "sku", s(ir["sku"]))
		v := s(ir["version"])
		if v == "" {
			v = "latest"
		}
		e.set(ib, "version", v)
	}
	if bd := m(get(r.Body, "diagnosticsProfile.bootDiagnostics")); bd != nil && bd["enabled"] == true {
		bb := b.AppendNewBlock("boot_diagnostics", nil).Body()
		e.set(bb, "storage_account_uri", s(bd["storageUri"]))
	}
	e.identity(b, r, false)
	e.tags(b, r)
	e.dataDisks(r)
	return nil
}

// dataDisks turns the VM's data disks into attachments: attached disks keep their reference,
// disks the VM created (Empty, FromImage) become azurerm_managed_disk resources of their own.
func (e *emitter) dataDisks(r *model.Resource) {
	for _, d := range arr(get(r.Body, "storageProfile.dataDisks")) {
		lun, ok := get(d, "lun").(float64)
		if !ok {
			continue
		}
		suffix := "_data_disk_" + number(lun)
		diskID := idAt(d, "managedDisk.id")
		if !strings.EqualFold(s(get(d, "createOption")), "Attach") || diskID == nil {
			e.body.AppendNewline()
			db := e.body.AppendNewBlock("resource", []string{"azurerm_managed_disk", r.Key + suffix}).Body()
			name := s(get(d, "name"))
			if name == "" {
				name = r.LastName() + suffix
			}
			e.set(db, "name", name)
			e.rgName(db, r)
			e.set(db, "location", r.Location)
			sat := s(get(d, "managedDisk.storageAccountType"))
			if sat == "" {
				sat = "Standard_LRS"
			}
			e.set(db, "storage_account_type", sat)
			e.set(db, "create_option", "Empty")
			e.set(db, "disk_size_gb", numAt(d, "diskSizeGB"))
			if len(r.Zones) > 0 {
				e.set(db, "zone", r.Zones[0])
			}
			diskID = nil
			e.body.AppendNewline()
			ab := e.body.AppendNewBlock("resource", []string{"azurerm_virtual_machine_data_disk_attachment", r.Key + suffix}).Body()
			e.setExpr(ab, "managed_disk_id", "azurerm_managed_disk."+r.Key+suffix+".id")
			e.setExpr(ab, "virtual_machine_id", e.address(r)+".id")
			e.set(ab, "lun", lun)
			e.set(ab, "caching", cachingOr(s(get(d, "caching"))))
			continue
		}
		e.body.AppendNewline()
		ab := e.body.AppendNewBlock("resource", []string{"azurerm_virtual_machine_data_disk_attachment", r.Key + suffix}).Body()
		e.set(ab, "managed_disk_id", diskID)
		e.setExpr(ab, "virtual_machine_id", e.address(r)+".id")
		e.set(ab, "lun", lun)
		e.set(ab, "caching", cachingOr(s(get(d, "caching"))))
	}
}

func cachingOr(c string) string {
	if c == "" {
		return "None"
	}
	return c
}

func resolveDisk(r *model.Resource) string {
	opt := s(get(r.Body, "creationData.createOption"))
	switch opt {
	case "Empty", "Copy", "Import", "FromImage", "Restore", "Upload":
		return "azurerm_managed_disk"
	}
	return ""
}

func emitManagedDisk(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	sat := s(r.SKU["name"])
	if sat == "" {
		sat = "Standard_LRS"
	}
	e.set(b, "storage_account_type", sat)
	cd := m(r.Body["creationData"])
	e.set(b, "create_option", s(cd["createOption"]))
	e.set(b, "source_resource_id", idAt(cd, "sourceResourceId"))
	e.set(b, "source_uri", s(cd["sourceUri"]))
	e.set(b, "storage_account_id", idAt(cd, "storageAccountId"))
	e.set(b, "image_reference_id", idAt(cd, "imageReference.id"))
	e.set(b, "gallery_image_reference_id", idAt(cd, "galleryImageReference.id"))
	e.set(b, "upload_size_bytes", numAt(cd, "uploadSizeBytes"))
	e.set(b, "os_type", s(r.Body["osType"]))
	e.set(b, "disk_size_gb", numAt(r.Body, "diskSizeGB"))
	e.set(b, "disk_iops_read_write", numAt(r.Body, "diskIOPSReadWrite"))
	e.set(b, "disk_mbps_read_write", numAt(r.Body, "diskMBpsReadWrite"))
	e.set(b, "hyper_v_generation", s(r.Body["hyperVGeneration"]))
	e.set(b, "network_access_policy", s(r.Body["networkAccessPolicy"]))
	e.set(b, "disk_encryption_set_id", idAt(r.Body, "encryption.diskEncryptionSetId"))
	e.set(b, "tier", s(r.Body["tier"]))
	e.set(b, "max_shares", numAt(r.Body, "maxShares"))
	if len(r.Zones) > 0 {
		e.set(b, "zone", r.Zones[0])
	}
	e.tags(b, r)
	return nil
}

func emitSQLServer(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	v := s(r.Body["version"])
	if v == "" {
		v = "12.0"
	}
	e.set(b, "version", v)
	e.set(b, "administrator_login", s(r.Body["administratorLogin"]))
	if pw, ok := r.Body["administratorLoginPassword"].(model.Var); ok {
		e.set(b, "administrator_login_password", pw)
	}
	if v := s(r.Body["minimalTlsVersion"]); v != "" && v != "None" {
		e.set(b, "minimum_tls_version", v)
	}
	if pna := s(r.Body["publicNetworkAccess"]); pna != "" {
		e.set(b, "public_network_access_enabled", strings.EqualFold(pna, "Enabled"))
	}
	if rona := s(r.Body["restrictOutboundNetworkAccess"]); rona != "" {
		e.set(b, "outbound_network_restriction_enabled", strings.EqualFold(rona, "Enabled"))
	}
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}

func emitSQLDatabase(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.set(b, "name", r.LastName())
	if p := e.idx[r.Parent]; p != nil && r.Parent != "" {
		e.setExpr(b, "server_id", e.address(p)+".id")
	} else {
		e.setExpr(b, "server_id", joinExpr(e.base(r), "/providers/Microsoft.Sql/servers/"+r.NameSegments()[0]))
	}
	e.set(b, "sku_name", sqlSkuName(r.SKU))
	e.set(b, "collation", s(r.Body["collation"]))
	if mx, ok := r.Body["maxSizeBytes"].(float64); ok && mx > 0 {
		e.set(b, "max_size_gb", mx/(1024*1024*1024))
	}
	e.set(b, "zone_redundant", boolAt(r.Body, "zoneRedundant"))
	if lt := s(r.Body["licenseType"]); lt != "" {
		e.set(b, "license_type", lt)
	}
	e.set(b, "read_scale", func() any {
		if v := s(r.Body["readScale"]); v != "" {
			return strings.EqualFold(v, "Enabled")
		}
		return nil
	}())
	if st := s(r.Body["requestedBackupStorageRedundancy"]); st != "" {
		e.set(b, "storage_account_type", st)
	}
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

// sqlSkuName turns an ARM database sku into azurerm's sku_name: vCore skus carry the capacity
// (BC_Gen5 + capacity 2 -> BC_Gen5_2), DTU skus are the name (S0, Basic).
func sqlSkuName(sku map[string]any) string {
	name := s(sku["name"])
	if c, ok := sku["capacity"].(float64); ok && strings.Contains(name, "_") {
		return name + "_" + number(c)
	}
	return name
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

func emitAvailabilitySet(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "platform_update_domain_count", numAt(r.Body, "platformUpdateDomainCount"))
	e.set(b, "platform_fault_domain_count", numAt(r.Body, "platformFaultDomainCount"))
	e.set(b, "managed", strings.EqualFold(s(r.SKU["name"]), "Aligned"))
	e.set(b, "proximity_placement_group_id", idAt(r.Body, "proximityPlacementGroup.id"))
	e.tags(b, r)
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

func resolveRegistry(r *model.Resource) string {
	switch s(r.SKU["name"]) {
	case "Basic", "Standard", "Premium":
		return "azurerm_container_registry"
	}
	return ""
}

func emitRegistry(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "sku", s(r.SKU["name"]))
	e.set(b, "admin_enabled", boolAt(r.Body, "adminUserEnabled"))
	if pna := s(r.Body["publicNetworkAccess"]); pna != "" {
		e.set(b, "public_network_access_enabled", strings.EqualFold(pna, "Enabled"))
	}
	premium := s(r.SKU["name"]) == "Premium"
	if premium {
		if zr := s(r.Body["zoneRedundancy"]); zr != "" {
			e.set(b, "zone_redundancy_enabled", strings.EqualFold(zr, "Enabled"))
		}
		e.set(b, "data_endpoint_enabled", boolAt(r.Body, "dataEndpointEnabled"))
	}
	e.set(b, "anonymous_pull_enabled", boolAt(r.Body, "anonymousPullEnabled"))
	if nrb := s(r.Body["networkRuleBypassOptions"]); nrb != "" {
		e.set(b, "network_rule_bypass_option", nrb)
	}
	e.identity(b, r, false)
	e.tags(b, r)
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
	e.set(cb, "subresource_names", strList(get(c, "properties.groupIds")))
	e.set(cb, "is_manual_connection", manual)
	if manual {
		msg := s(get(c, "properties.requestMessage"))
		if msg == "" {
			msg = "Please approve"
		}
		e.set(cb, "request_message", msg)
	}
	e.tags(b, r)
	return nil
}

func resolveRedis(r *model.Resource) string {
	sku := m(get(r.Body, "sku"))
	if sku == nil {
		sku = r.SKU
	}
	if s(sku["name"]) == "" || s(sku["family"]) == "" {
		return ""
	}
	return "azurerm_redis_cache"
}

func emitRedis(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	sku := m(get(r.Body, "sku"))
	if sku == nil {
		sku = r.SKU
	}
	e.set(b, "capacity", sku["capacity"])
	e.set(b, "family", s(sku["family"]))
	e.set(b, "sku_name", s(sku["name"]))
	e.set(b, "non_ssl_port_enabled", boolAt(r.Body, "enableNonSslPort"))
	if v := s(r.Body["minimumTlsVersion"]); v != "" {
		e.set(b, "minimum_tls_version", v)
	}
	if v := strings.SplitN(s(r.Body["redisVersion"]), ".", 2)[0]; v == "4" || v == "6" {
		e.set(b, "redis_version", v)
	}
	if pna := s(r.Body["publicNetworkAccess"]); pna != "" {
		e.set(b, "public_network_access_enabled", strings.EqualFold(pna, "Enabled"))
	}
	e.set(b, "shard_count", numAt(r.Body, "shardCount"))
	e.set(b, "subnet_id", idAt(r.Body, "subnetId"))
	if len(r.Zones) > 0 {
		e.set(b, "zones", toAny(r.Zones))
	}
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}

func resolveMessaging(r *model.Resource) string {
	switch s(r.SKU["name"]) {
	case "Basic", "Standard", "Premium":
		if strings.HasPrefix(r.LowerType(), "microsoft.servicebus") {
			return "azurerm_servicebus_namespace"
		}
		return "azurerm_eventhub_namespace"
	}
	return ""
}

func tlsVersion(v string) string {
	switch v {
	case "1.0", "1.1", "1.2":
		return v
	}
	return ""
}

func emitServiceBus(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "sku", s(r.SKU["name"]))
	if s(r.SKU["name"]) == "Premium" {
		e.set(b, "capacity", r.SKU["capacity"])
		e.set(b, "premium_messaging_partitions", numAt(r.Body, "premiumMessagingPartitions"))
	}
	if v, ok := r.Body["disableLocalAuth"].(bool); ok {
		e.set(b, "local_auth_enabled", !v)
	}
	if pna := s(r.Body["publicNetworkAccess"]); pna != "" {
		e.set(b, "public_network_access_enabled", strings.EqualFold(pna, "Enabled"))
	}
	e.set(b, "minimum_tls_version", tlsVersion(s(r.Body["minimumTlsVersion"])))
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}

func emitEventHubNS(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "sku", s(r.SKU["name"]))
	e.set(b, "capacity", r.SKU["capacity"])
	auto, _ := r.Body["isAutoInflateEnabled"].(bool)
	e.set(b, "auto_inflate_enabled", auto)
	if auto {
		e.set(b, "maximum_throughput_units", numAt(r.Body, "maximumThroughputUnits"))
	}
	if v, ok := r.Body["disableLocalAuth"].(bool); ok {
		e.set(b, "local_authentication_enabled", !v)
	}
	if pna := s(r.Body["publicNetworkAccess"]); pna != "" {
		e.set(b, "public_network_access_enabled", strings.EqualFold(pna, "Enabled"))
	}
	e.set(b, "minimum_tls_version", tlsVersion(s(r.Body["minimumTlsVersion"])))
	e.identity(b, r, false)
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
		if !subnetDelegations[s(get(d, "properties.serviceName"))] {
			return "" // a delegation azurerm does not know: azapi keeps it
		}
	}
	return "azurerm_subnet"
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
		e.set(ib, "name", s(get(ic, "name")))
		e.set(ib, "subnet_id", idAt(ic, "properties.subnet.id"))
		e.set(ib, "public_ip_address_id", idAt(ic, "properties.publicIPAddress.id"))
	}
	if len(r.Zones) > 0 {
		e.set(b, "zones", toAny(r.Zones))
	}
	e.tags(b, r)
	return nil
}

var flexibleTiers = map[string]string{"Burstable": "B", "GeneralPurpose": "GP", "MemoryOptimized": "MO"}

var flexibleVersions = map[string]bool{"11": true, "12": true, "13": true, "14": true, "15": true, "16": true, "17": true, "18": true,
	"5.7": true, "8.0.21": true, "8.4": true}

func flexibleSku(r *model.Resource) string {
	tier, ok := flexibleTiers[s(r.SKU["tier"])]
	if !ok || s(r.SKU["name"]) == "" {
		return ""
	}
	return tier + "_" + s(r.SKU["name"])
}

func resolveFlexible(r *model.Resource) string {
	if flexibleSku(r) == "" || !flexibleVersions[s(r.Body["version"])] || s(r.Body["createMode"]) != "" && s(r.Body["createMode"]) != "Default" && s(r.Body["createMode"]) != "Create" {
		return ""
	}
	if strings.HasPrefix(r.LowerType(), "microsoft.dbforpostgresql") {
		return "azurerm_postgresql_flexible_server"
	}
	return "azurerm_mysql_flexible_server"
}

func flexibleCommon(e *emitter, b *hclwrite.Body, r *model.Resource) {
	e.common(b, r, true)
	e.set(b, "version", s(r.Body["version"]))
	e.set(b, "sku_name", flexibleSku(r))
	e.set(b, "administrator_login", s(r.Body["administratorLogin"]))
	if pw, ok := r.Body["administratorLoginPassword"].(model.Var); ok {
		e.set(b, "administrator_password", pw)
	}
	e.set(b, "zone", s(r.Body["availabilityZone"]))
	e.set(b, "backup_retention_days", numAt(r.Body, "backup.backupRetentionDays"))
	if g := s(get(r.Body, "backup.geoRedundantBackup")); g != "" {
		e.set(b, "geo_redundant_backup_enabled", strings.EqualFold(g, "Enabled"))
	}
	e.set(b, "delegated_subnet_id", idAt(r.Body, "network.delegatedSubnetResourceId"))
	e.set(b, "private_dns_zone_id", idAt(r.Body, "network.privateDnsZoneArmResourceId"))
	if mode := s(get(r.Body, "highAvailability.mode")); mode == "ZoneRedundant" || mode == "SameZone" {
		hb := b.AppendNewBlock("high_availability", nil).Body()
		e.set(hb, "mode", mode)
		e.set(hb, "standby_availability_zone", s(get(r.Body, "highAvailability.standbyAvailabilityZone")))
	}
	if mw := m(r.Body["maintenanceWindow"]); mw != nil && strings.EqualFold(s(mw["customWindow"]), "Enabled") {
		wb := b.AppendNewBlock("maintenance_window", nil).Body()
		e.set(wb, "day_of_week", mw["dayOfWeek"])
		e.set(wb, "start_hour", mw["startHour"])
		e.set(wb, "start_minute", mw["startMinute"])
	}
}

var pgStorageMB = map[float64]bool{32768: true, 65536: true, 131072: true, 262144: true, 524288: true, 1048576: true, 2097152: true,
	4193280: true, 4194304: true, 8388608: true, 16777216: true, 33553408: true}

func emitPostgres(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	flexibleCommon(e, b, r)
	if gb, ok := get(r.Body, "storage.storageSizeGB").(float64); ok && pgStorageMB[gb*1024] {
		e.set(b, "storage_mb", gb*1024)
	}
	if ag := s(get(r.Body, "storage.autoGrow")); ag != "" {
		e.set(b, "auto_grow_enabled", strings.EqualFold(ag, "Enabled"))
	}
	if pna := s(get(r.Body, "network.publicNetworkAccess")); pna != "" {
		e.set(b, "public_network_access_enabled", strings.EqualFold(pna, "Enabled"))
	}
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}

func emitMySQL(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	flexibleCommon(e, b, r)
	if pna := s(get(r.Body, "network.publicNetworkAccess")); pna == "Enabled" || pna == "Disabled" {
		e.set(b, "public_network_access", pna)
	}
	if st := m(r.Body["storage"]); st != nil {
		sb := b.AppendNewBlock("storage", nil).Body()
		e.set(sb, "size_gb", numAt(st, "storageSizeGB"))
		e.set(sb, "iops", numAt(st, "iops"))
		if ag := s(st["autoGrow"]); ag != "" {
			e.set(sb, "auto_grow_enabled", strings.EqualFold(ag, "Enabled"))
		}
		if io := s(st["autoIoScaling"]); io != "" {
			e.set(sb, "io_scaling_enabled", strings.EqualFold(io, "Enabled"))
		}
	}
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}
