package terraform

import (
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
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

// EmittedTypes is every azurerm type the emitter can write -> what it renders: the table's
// (TerraformTypes) and azurerm_management_group for the model's management groups.
func EmittedTypes() map[string]string {
	out := TerraformTypes()
	out[tfManagementGroup] = "microsoft.management/managementgroups"
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

// id returns the id-like value at path (a Ref/Var/SubRel or string), or nil.
func idAt(v any, path string) any {
	x := jsonpath.Get(v, path)
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
	if b, ok := jsonpath.Get(v, path).(bool); ok {
		return b
	}
	return nil
}

func numAt(v any, path string) any {
	if f, ok := jsonpath.Get(v, path).(float64); ok {
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
