package rules

import (
	"strings"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/jsonpath"
)

// lower-cased ARM types the named rules read or check
const (
	tNIC              = "microsoft.network/networkinterfaces"
	tSubnet           = "microsoft.network/virtualnetworks/subnets"
	tVNet             = "microsoft.network/virtualnetworks"
	tPeering          = "microsoft.network/virtualnetworks/virtualnetworkpeerings"
	tNSG              = "microsoft.network/networksecuritygroups"
	tRouteTable       = "microsoft.network/routetables"
	tPublicIP         = "microsoft.network/publicipaddresses"
	tPE               = "microsoft.network/privateendpoints"
	tDNSLink          = "microsoft.network/privatednszones/virtualnetworklinks"
	tVM               = "microsoft.compute/virtualmachines"
	tVMSS             = "microsoft.compute/virtualmachinescalesets"
	tVMSSVM           = "microsoft.compute/virtualmachinescalesets/virtualmachines"
	tDisk             = "microsoft.compute/disks"
	tVMSSNIC          = "microsoft.compute/virtualmachinescalesets/virtualmachines/networkinterfaces"
	tSite             = "microsoft.web/sites"
	tSiteSlot         = "microsoft.web/sites/slots"
	tServerFarm       = "microsoft.web/serverfarms"
	tSQLDB            = "microsoft.sql/servers/databases"
	tSQLMIDB          = "microsoft.sql/managedinstances/databases"
	tAgentPool        = "microsoft.containerservice/managedclusters/agentpools"
	tContainerAp      = "microsoft.app/containerapps"
	tManagedEnv       = "microsoft.app/managedenvironments"
	tUAI              = "microsoft.managedidentity/userassignedidentities"
	tDiag             = "microsoft.insights/diagnosticsettings"
	tAADDiag          = "microsoft.aadiam/diagnosticsettings"
	tVault            = "microsoft.keyvault/vaults"
	tPolicyAssignment = "microsoft.authorization/policyassignments"
	tLock             = "microsoft.authorization/locks"
)

// Named is the table of named rules (GRAPH.md). Apply dispatches on it: rules with Types run
// for Resource nodes of those types, rules without Types for every node of FromLabel.
var Named = []Rule{
	{Name: "contains-tenant-subscription", Edge: graph.EdgeContains, FromLabel: graph.LabelSubscription, ToLabel: graph.LabelSubscription,
		Evidence: "Subscription props tenant_id (else the node's tenant): Tenant -> Subscription", apply: containsSubscription},
	{Name: "contains-subscription-rg", Edge: graph.EdgeContains, FromLabel: graph.LabelResourceGroup, ToLabel: graph.LabelResourceGroup,
		Evidence: "id /subscriptions/<s>/resourceGroups/<rg>: Subscription -> ResourceGroup", apply: containsParent},
	{Name: "contains-parent-resource", Edge: graph.EdgeContains, FromLabel: graph.LabelResource, ToLabel: graph.LabelResource,
		Evidence: "id nesting: closest enclosing id (parent resource of a child, scope of an extension resource, else resource group or subscription) -> Resource", apply: containsParent},
	{Name: "contains-vnet-inline-subnets", Edge: graph.EdgeContains, FromLabel: graph.LabelResource, Types: []string{tVNet}, ToLabel: graph.LabelResource,
		Evidence: "properties.subnets[].id", apply: vnetSubnets},
	{Name: "connected-to-nic-subnet", Edge: graph.EdgeConnectedTo, FromLabel: graph.LabelResource, Types: []string{tNIC}, ToLabel: graph.LabelResource,
		Evidence: "properties.ipConfigurations[].properties.subnet.id", apply: nicSubnets},
	{Name: "connected-to-vmss-subnet", Edge: graph.EdgeConnectedTo, FromLabel: graph.LabelResource, Types: []string{tVMSS}, ToLabel: graph.LabelResource,
		Evidence: "properties.virtualMachineProfile.networkProfile.networkInterfaceConfigurations[].properties.ipConfigurations[].properties.subnet.id (and .networkSecurityGroup.id -> SECURED_BY)", apply: vmssRules},
	{Name: "uses-vm-nic-disk", Edge: graph.EdgeUses, FromLabel: graph.LabelResource, Types: []string{tVM, tVMSSVM}, ToLabel: graph.LabelResource,
		Evidence: "properties.networkProfile.networkInterfaces[].id, properties.storageProfile.osDisk.managedDisk.id, properties.storageProfile.dataDisks[].managedDisk.id", apply: vmUses},
	{Name: "secured-by-nic-nsg", Edge: graph.EdgeSecuredBy, FromLabel: graph.LabelResource, Types: []string{tNIC}, ToLabel: graph.LabelResource,
		Evidence: "properties.networkSecurityGroup.id", apply: nicNSG},
	{Name: "secured-by-routes-via-subnet", Edge: graph.EdgeSecuredBy, FromLabel: graph.LabelResource, Types: []string{tSubnet}, ToLabel: graph.LabelResource,
		Evidence: "properties.networkSecurityGroup.id (SECURED_BY), properties.routeTable.id (ROUTES_VIA)", apply: subnetRules},
	{Name: "secured-by-routes-via-vnet-inline-subnets", Edge: graph.EdgeRoutesVia, FromLabel: graph.LabelResource, Types: []string{tVNet}, ToLabel: graph.LabelResource,
		Evidence: "properties.subnets[].properties.networkSecurityGroup.id (SECURED_BY) / .routeTable.id (ROUTES_VIA), from the inline subnet", apply: vnetSubnetEdges},
	{Name: "has-public-ip", Edge: graph.EdgeHasPublicIP, FromLabel: graph.LabelResource, ToLabel: graph.LabelResource,
		Evidence: "an id of type microsoft.network/publicipaddresses under a key naming a public IP (publicIPAddress.id in ipConfigurations / frontendIPConfigurations of NIC, LB, AppGW, Bastion, VNet gateway, Firewall; NAT gateway publicIpAddresses[].id; AKS outboundIPs.publicIPs[].id)", apply: hasPublicIP},
	{Name: "private-endpoint-for", Edge: graph.EdgePrivateEndpointFor, FromLabel: graph.LabelResource, Types: []string{tPE}, ToLabel: graph.LabelResource,
		Evidence: "properties.privateLinkServiceConnections[].properties.privateLinkServiceId, properties.manualPrivateLinkServiceConnections[].properties.privateLinkServiceId", apply: privateEndpoint},
	{Name: "peered-with-vnet", Edge: graph.EdgePeeredWith, FromLabel: graph.LabelResource, Types: []string{tVNet}, ToLabel: graph.LabelResource,
		Evidence: "properties.virtualNetworkPeerings[].properties.remoteVirtualNetwork.id", apply: vnetPeerings},
	{Name: "peered-with-peering", Edge: graph.EdgePeeredWith, FromLabel: graph.LabelResource, Types: []string{tPeering}, ToLabel: graph.LabelResource,
		Evidence: "peering child resource: parent VNet -> properties.remoteVirtualNetwork.id", apply: peeringChild},
	{Name: "linked-to-dns-zone-vnet", Edge: graph.EdgeLinkedTo, FromLabel: graph.LabelResource, Types: []string{tDNSLink}, ToLabel: graph.LabelResource,
		Evidence: "virtualNetworkLinks child: parent zone -> properties.virtualNetwork.id", apply: dnsLink},
	{Name: "hosted-on-serverfarm", Edge: graph.EdgeHostedOn, FromLabel: graph.LabelResource, Types: []string{tSite, tSiteSlot}, ToLabel: graph.LabelResource,
		Evidence: "properties.serverFarmId", apply: siteFarm},
	{Name: "hosted-on-parent", Edge: graph.EdgeHostedOn, FromLabel: graph.LabelResource, Types: []string{tSQLDB, tSQLMIDB, tAgentPool}, ToLabel: graph.LabelResource,
		Evidence: "id nesting: SQL database -> server, AKS agent pool -> cluster", apply: hostedOnParent},
	{Name: "hosted-on-container-app-environment", Edge: graph.EdgeHostedOn, FromLabel: graph.LabelResource, Types: []string{tContainerAp}, ToLabel: graph.LabelResource,
		Evidence: "properties.managedEnvironmentId (or properties.environmentId)", apply: containerAppEnv},
	{Name: "uses-identity", Edge: graph.EdgeUsesIdentity, FromLabel: graph.LabelResource, ToLabel: "",
		Evidence: "identity.userAssignedIdentities keys -> ManagedIdentity resource; identity.principalId (SystemAssigned) -> ServicePrincipal", apply: usesIdentity},
	{Name: "assigned-to", Edge: graph.EdgeAssignedTo, FromLabel: graph.LabelRoleAssignment, ToLabel: "",
		Evidence: "principal_id + principal_type (properties.principalId/principalType); the index's label wins", apply: assignedTo},
	{Name: "has-role", Edge: graph.EdgeHasRole, FromLabel: graph.LabelRoleAssignment, ToLabel: graph.LabelRoleDefinition,
		Evidence: "role_definition_id (properties.roleDefinitionId), matched across subscription/tenant scope forms", apply: hasRole},
	{Name: "applies-to", Edge: graph.EdgeAppliesTo, FromLabel: graph.LabelRoleAssignment, ToLabel: "",
		Evidence: "scope (properties.scope, else the assignment id's scope): Subscription, ResourceGroup, Resource; \"/\" -> Tenant", apply: appliesTo},
	{Name: "member-of", Edge: graph.EdgeMemberOf, FromLabel: graph.LabelGroup, ToLabel: graph.LabelGroup,
		Evidence: "Group props members[].id/type (MS Graph group members): member -> Group", apply: memberOf},
	{Name: "owns-group", Edge: graph.EdgeOwns, FromLabel: graph.LabelGroup, ToLabel: graph.LabelGroup,
		Evidence: "owners[].id/type (MS Graph owners): owner -> Group", apply: owns},
	{Name: "owns-service-principal", Edge: graph.EdgeOwns, FromLabel: graph.LabelServicePrincipal, ToLabel: graph.LabelServicePrincipal,
		Evidence: "owners[].id/type (MS Graph owners): owner -> ServicePrincipal", apply: owns},
	{Name: "owns-application", Edge: graph.EdgeOwns, FromLabel: graph.LabelApplication, ToLabel: graph.LabelApplication,
		Evidence: "owners[].id/type (MS Graph owners): owner -> Application", apply: owns},
	{Name: "owns-device", Edge: graph.EdgeOwns, FromLabel: graph.LabelDevice, ToLabel: graph.LabelDevice,
		Evidence: "owners[].id/type (MS Graph registeredOwners): owner -> Device", apply: owns},
	{Name: "has-directory-role", Edge: graph.EdgeHasRole, FromLabel: graph.LabelDirectoryRole, ToLabel: graph.LabelDirectoryRole,
		Evidence: "assignments[].principal_id (roleManagement/directory/roleAssignments, active): principal -> DirectoryRole", apply: directoryRoleActive},
	{Name: "eligible-for-directory-role", Edge: graph.EdgeEligibleFor, FromLabel: graph.LabelDirectoryRole, ToLabel: graph.LabelDirectoryRole,
		Evidence: "eligible[].principal_id (roleManagement/directory/roleEligibilitySchedules, PIM): principal -> DirectoryRole", apply: directoryRoleEligible},
	{Name: "granted-oauth2", Edge: graph.EdgeGranted, FromLabel: graph.LabelServicePrincipal, ToLabel: graph.LabelServicePrincipal,
		Evidence: "oauth2_grants[].resource_id (MS Graph oauth2PermissionGrants by clientId): client ServicePrincipal -> resource ServicePrincipal", apply: grantedOAuth2},
	{Name: "member-of-unit", Edge: graph.EdgeMemberOf, FromLabel: graph.LabelAdministrativeUnit, ToLabel: graph.LabelAdministrativeUnit,
		Evidence: "AdministrativeUnit props members[].id/type (MS Graph directory/administrativeUnits/{id}/members): member -> AdministrativeUnit", apply: memberOfUnit},
	{Name: "has-app-role", Edge: graph.EdgeHasAppRole, FromLabel: graph.LabelServicePrincipal, ToLabel: graph.LabelServicePrincipal,
		Evidence: "app_role_assigned_to[].principal_id/principal_type (MS Graph servicePrincipals/{id}/appRoleAssignedTo): principal -> resource ServicePrincipal", apply: hasAppRole},
	{Name: "contains-management-group", Edge: graph.EdgeContains, FromLabel: graph.LabelManagementGroup, ToLabel: "",
		Evidence: "ManagementGroup props children[].id (managementGroups/{root}?$expand=children&$recurse=true): group -> child group / Subscription; the root group (no parent_id) from the Tenant", apply: containsManagementGroup},
	{Name: "assigned-to-policy-scope", Edge: graph.EdgeAssignedTo, FromLabel: graph.LabelResource, Types: []string{tPolicyAssignment}, ToLabel: "",
		Evidence: "policy assignment properties.scope (else the assignment id's scope): ManagementGroup, Subscription, ResourceGroup, Resource", apply: policyScope},
	{Name: "locks-scope", Edge: graph.EdgeLocks, FromLabel: graph.LabelResource, Types: []string{tLock}, ToLabel: "",
		Evidence: "lock id <scope>/providers/Microsoft.Authorization/locks/<name>: lock -> Subscription, ResourceGroup or Resource", apply: locksScope},
	{Name: "sends-diagnostics-to", Edge: graph.EdgeSendsDiagnosticsTo, FromLabel: graph.LabelResource, Types: []string{tDiag, tAADDiag}, ToLabel: graph.LabelResource,
		Evidence: "diagnostic setting <target>/providers/microsoft.insights/diagnosticSettings/<name>: target -> properties.workspaceId, storageAccountId, eventHubAuthorizationRuleId (its namespace), marketplacePartnerId", apply: diagnostics},
	{Name: "uses-key-vault", Edge: graph.EdgeUsesKeyVault, FromLabel: graph.LabelResource, ToLabel: graph.LabelResource,
		Evidence: "a Key Vault id (or id of a vault's key/secret) under a key naming a vault or key (keyVaultId, keyVault, sourceVault.id, keyVaultProperties.*); vault URIs https://<vault>.vault.azure.net/… and @Microsoft.KeyVault(SecretUri=…|VaultName=…) resolved by VaultResolver", apply: usesKeyVault},
	{Name: "tagged-with-resource", Edge: graph.EdgeTaggedWith, FromLabel: graph.LabelResource, ToLabel: graph.LabelTag,
		Evidence: "tags", apply: taggedWith},
	{Name: "tagged-with-resource-group", Edge: graph.EdgeTaggedWith, FromLabel: graph.LabelResourceGroup, ToLabel: graph.LabelTag,
		Evidence: "tags", apply: taggedWith},
	{Name: "tagged-with-subscription", Edge: graph.EdgeTaggedWith, FromLabel: graph.LabelSubscription, ToLabel: graph.LabelTag,
		Evidence: "tags", apply: taggedWith},
	{Name: "located-in-resource", Edge: graph.EdgeLocatedIn, FromLabel: graph.LabelResource, ToLabel: graph.LabelRegion,
		Evidence: "location (normalised: lower-case, letters and digits only)", apply: locatedIn},
	{Name: "located-in-resource-group", Edge: graph.EdgeLocatedIn, FromLabel: graph.LabelResourceGroup, ToLabel: graph.LabelRegion,
		Evidence: "location", apply: locatedIn},
}

func containsSubscription(c *ctx) {
	t := strings.ToLower(strings.TrimSpace(str(c.n.Props["tenant_id"])))
	if t == "" {
		t = strings.ToLower(c.n.TenantID)
	}
	c.edge(graph.EdgeContains, graph.LabelTenant, t, graph.LabelSubscription, c.self)
}

func containsParent(c *ctx) {
	a, ok := c.selfID, c.selfOK
	if !ok {
		return
	}
	if p, l, ok := a.Parent(); ok {
		if c.idx != nil {
			if il, ok := c.idx.Lookup(p); ok {
				l = il
			}
		}
		c.edge(graph.EdgeContains, l, p, c.n.Label, c.self)
	}
}

func vnetSubnets(c *ctx) {
	for _, s := range list(jsonpath.Keys(c.props(), "subnets")) {
		id, _, ok := c.target(str(jsonpath.Field(s, "id")), tSubnet)
		if !ok || !strings.HasPrefix(id, c.self+"/") {
			continue
		}
		c.out(graph.EdgeContains, graph.LabelResource, id)
	}
}

func vnetSubnetEdges(c *ctx) {
	for _, s := range list(jsonpath.Keys(c.props(), "subnets")) {
		id, _, ok := c.target(str(jsonpath.Field(s, "id")), tSubnet)
		if !ok || !strings.HasPrefix(id, c.self+"/") {
			continue
		}
		subnetEdges(c, id, jsonpath.Field(s, "properties"))
	}
}

// subnetEdges records SECURED_BY and ROUTES_VIA from the subnet with key id and ARM properties p.
func subnetEdges(c *ctx, id string, p any) {
	if to, l, ok := c.target(idAt(p, "networkSecurityGroup"), tNSG); ok {
		c.edge(graph.EdgeSecuredBy, graph.LabelResource, id, l, to)
	}
	if to, l, ok := c.target(idAt(p, "routeTable"), tRouteTable); ok {
		c.edge(graph.EdgeRoutesVia, graph.LabelResource, id, l, to)
	}
}

func subnetRules(c *ctx) { subnetEdges(c, c.self, c.props()) }

func nicSubnets(c *ctx) {
	for _, ipc := range list(jsonpath.Keys(c.props(), "ipConfigurations")) {
		c.outID(graph.EdgeConnectedTo, idAt(ipc, "properties", "subnet"), tSubnet)
	}
}

func nicNSG(c *ctx) { c.outID(graph.EdgeSecuredBy, idAt(c.props(), "networkSecurityGroup"), tNSG) }

func vmssRules(c *ctx) {
	for _, nic := range list(jsonpath.Keys(c.props(), "virtualMachineProfile", "networkProfile", "networkInterfaceConfigurations")) {
		for _, ipc := range list(jsonpath.Keys(nic, "properties", "ipConfigurations")) {
			c.outID(graph.EdgeConnectedTo, idAt(ipc, "properties", "subnet"), tSubnet)
		}
		c.outID(graph.EdgeSecuredBy, idAt(nic, "properties", "networkSecurityGroup"), tNSG)
	}
}

func vmUses(c *ctx) {
	p := c.props()
	for _, nic := range list(jsonpath.Keys(p, "networkProfile", "networkInterfaces")) {
		id := str(jsonpath.Field(nic, "id"))
		if a, ok := armid.ParseKey(id); ok && a.Type() == tVMSSNIC {
			c.outID(graph.EdgeUses, id, tVMSSNIC)
			continue
		}
		c.outID(graph.EdgeUses, id, tNIC)
	}
	c.outID(graph.EdgeUses, idAt(p, "storageProfile", "osDisk", "managedDisk"), tDisk)
	for _, d := range list(jsonpath.Keys(p, "storageProfile", "dataDisks")) {
		c.outID(graph.EdgeUses, idAt(d, "managedDisk"), tDisk)
	}
}

func hasPublicIP(c *ctx) {
	if c.typ == tPublicIP {
		return
	}
	for _, h := range c.walk() {
		if indexFold(h.path, "publicip") < 0 {
			continue
		}
		for _, a := range h.ids {
			if a.Type() == tPublicIP {
				c.outID(graph.EdgeHasPublicIP, a.ID, tPublicIP)
			}
		}
	}
}

func privateEndpoint(c *ctx) {
	for _, k := range []string{"privateLinkServiceConnections", "manualPrivateLinkServiceConnections"} {
		for _, conn := range list(jsonpath.Keys(c.props(), k)) {
			c.outID(graph.EdgePrivateEndpointFor, str(jsonpath.Keys(conn, "properties", "privateLinkServiceId")), "")
		}
	}
}

func vnetPeerings(c *ctx) {
	for _, p := range list(jsonpath.Keys(c.props(), "virtualNetworkPeerings")) {
		c.outID(graph.EdgePeeredWith, idAt(p, "properties", "remoteVirtualNetwork"), tVNet)
	}
}

// fromParent records an edge from the node's parent (of wantParent type) to target.
func fromParent(c *ctx, t graph.EdgeType, wantParent string, raw, wantType string) {
	a, ok := c.selfID, c.selfOK
	if !ok || len(a.Levels) < 2 || a.Levels[len(a.Levels)-2].Type != wantParent {
		return
	}
	p, pl, _ := a.Parent()
	if to, l, ok := c.target(raw, wantType); ok {
		c.edge(t, pl, p, l, to)
	}
}

func peeringChild(c *ctx) {
	fromParent(c, graph.EdgePeeredWith, tVNet, idAt(c.props(), "remoteVirtualNetwork"), tVNet)
}

func dnsLink(c *ctx) {
	fromParent(c, graph.EdgeLinkedTo, "microsoft.network/privatednszones", idAt(c.props(), "virtualNetwork"), tVNet)
}

func siteFarm(c *ctx) {
	c.outID(graph.EdgeHostedOn, str(jsonpath.Keys(c.props(), "serverFarmId")), tServerFarm)
}

func hostedOnParent(c *ctx) {
	a, ok := c.selfID, c.selfOK
	if !ok {
		return
	}
	if p, l, ok := a.Parent(); ok && l == graph.LabelResource {
		c.out(graph.EdgeHostedOn, l, p)
	}
}

func containerAppEnv(c *ctx) {
	id := str(jsonpath.Keys(c.props(), "managedEnvironmentId"))
	if id == "" {
		id = str(jsonpath.Keys(c.props(), "environmentId"))
	}
	c.outID(graph.EdgeHostedOn, id, tManagedEnv)
}

func usesIdentity(c *ctx) {
	ident := c.n.Props[graph.PropIdentity]
	if ident == nil {
		return
	}
	switch u := jsonpath.Field(ident, "userAssignedIdentities").(type) {
	case map[string]any:
		for k := range u {
			c.outID(graph.EdgeUsesIdentity, k, tUAI)
		}
	}
	typ := strings.ToLower(str(jsonpath.Field(ident, "type")))
	pid := strings.ToLower(strings.TrimSpace(str(jsonpath.Field(ident, "principalId"))))
	if pid == "" || (typ != "" && !strings.Contains(typ, "systemassigned")) {
		return
	}
	if c.idx != nil {
		if l, ok := c.idx.Lookup(pid); ok {
			c.out(graph.EdgeUsesIdentity, l, pid)
			return
		}
	}
	if isGUID(pid) {
		c.out(graph.EdgeUsesIdentity, graph.LabelServicePrincipal, pid)
	}
}

// principalLabel maps an Entra principal type (ARM principalType or MS Graph @odata.type) to a label.
func principalLabel(t string) (graph.Label, bool) {
	t = strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(t)), "#"), "microsoft.graph.")
	switch t {
	case "user":
		return graph.LabelUser, true
	case "group", "foreigngroup":
		return graph.LabelGroup, true
	case "serviceprincipal":
		return graph.LabelServicePrincipal, true
	}
	return "", false
}

// principal resolves an object id: the index's label, else the stated type.
func (c *ctx) principal(id, typ string) (string, graph.Label, bool) {
	id = strings.ToLower(strings.TrimSpace(id))
	if id == "" {
		return "", "", false
	}
	if c.idx != nil {
		if l, ok := c.idx.Lookup(id); ok {
			return id, l, true
		}
	}
	l, ok := principalLabel(typ)
	return id, l, ok
}

// raProp reads a role assignment field from its props, else from its ARM properties.
func raProp(c *ctx, prop, armKey string) string {
	if s := str(c.n.Props[prop]); s != "" {
		return s
	}
	return str(jsonpath.Keys(c.props(), armKey))
}

func assignedTo(c *ctx) {
	if id, l, ok := c.principal(raProp(c, "principal_id", "principalId"), raProp(c, "principal_type", "principalType")); ok {
		c.out(graph.EdgeAssignedTo, l, id)
	}
}

func hasRole(c *ctx) {
	raw := armid.CleanKey(raProp(c, "role_definition_id", "roleDefinitionId"))
	if raw == "" {
		return
	}
	guid := raw
	if i := strings.LastIndexByte(raw, '/'); i >= 0 {
		guid = raw[i+1:]
	}
	tenantForm := "/providers/microsoft.authorization/roledefinitions/" + guid
	cands := []string{raw, tenantForm}
	if c.selfOK && c.selfID.Subscription() != "" {
		cands = append(cands, "/subscriptions/"+c.selfID.Subscription()+"/providers/microsoft.authorization/roledefinitions/"+guid)
	}
	if c.idx != nil {
		for _, id := range cands {
			if l, ok := c.idx.Lookup(id); ok && l == graph.LabelRoleDefinition {
				c.out(graph.EdgeHasRole, l, id)
				return
			}
		}
		if r, ok := c.idx.(RoleDefinitionResolver); ok {
			if id, ok := r.LookupRoleDefinition(guid); ok {
				c.out(graph.EdgeHasRole, graph.LabelRoleDefinition, id)
				return
			}
		}
	}
	if a, ok := armid.ParseKey(raw); ok && a.Label() == graph.LabelRoleDefinition {
		c.out(graph.EdgeHasRole, graph.LabelRoleDefinition, raw)
	} else if !strings.Contains(raw, "/") {
		c.out(graph.EdgeHasRole, graph.LabelRoleDefinition, tenantForm)
	}
}

func appliesTo(c *ctx) {
	scope := raProp(c, "scope", "scope")
	if scope == "" {
		scope = armid.ExtensionScope(c.self)
	}
	if strings.TrimSpace(scope) == "/" {
		c.out(graph.EdgeAppliesTo, graph.LabelTenant, strings.ToLower(c.n.TenantID))
		return
	}
	id := armid.CleanKey(scope)
	if c.idx != nil {
		if l, ok := c.idx.Lookup(id); ok {
			c.out(graph.EdgeAppliesTo, l, id)
			return
		}
	}
	if a, ok := armid.ParseKey(id); ok {
		c.out(graph.EdgeAppliesTo, a.Label(), a.ID)
	}
}

func memberOf(c *ctx) {
	for _, m := range list(c.n.Props["members"]) {
		typ := str(jsonpath.Field(m, "type"))
		if typ == "" {
			typ = str(jsonpath.Field(m, "@odata.type"))
		}
		if id, l, ok := c.principal(str(jsonpath.Field(m, "id")), typ); ok {
			c.edge(graph.EdgeMemberOf, l, id, graph.LabelGroup, c.self)
		}
	}
}

func diagnostics(c *ctx) {
	scope := armid.ExtensionScope(c.self)
	var from string
	var fl graph.Label
	switch {
	case scope == "/" || (scope == "" && c.typ == tAADDiag):
		from, fl = strings.ToLower(c.n.TenantID), graph.LabelTenant
	default:
		a, ok := armid.ParseKey(scope)
		if !ok {
			return
		}
		from, fl = a.ID, a.Label()
		if c.idx != nil {
			if l, ok := c.idx.Lookup(from); ok {
				fl = l
			}
		}
	}
	p := c.props()
	for _, k := range []string{"workspaceId", "storageAccountId", "marketplacePartnerId", "serviceBusRuleId"} {
		if to, l, ok := c.target(str(jsonpath.Keys(p, k)), ""); ok {
			c.edge(graph.EdgeSendsDiagnosticsTo, fl, from, l, to)
		}
	}
	if a, ok := armid.ParseKey(str(jsonpath.Keys(p, "eventHubAuthorizationRuleId"))); ok {
		ns, _ := a.Root()
		if to, l, ok := c.target(ns, ""); ok {
			c.edge(graph.EdgeSendsDiagnosticsTo, fl, from, l, to)
		}
	}
}

func usesKeyVault(c *ctx) {
	if c.typ == tPE { // a private endpoint to a vault is PRIVATE_ENDPOINT_FOR
		return
	}
	vr, _ := c.idx.(VaultResolver)
	for _, h := range c.walk() {
		if len(h.ids) > 0 && (indexFold(h.path, "vault") >= 0 || indexFold(h.path, "key") >= 0) {
			for _, a := range h.ids {
				root, rt := a.Root()
				if rt == tVault && !related(root, c.self) {
					c.outID(graph.EdgeUsesKeyVault, root, tVault)
				}
			}
		}
		if vr == nil {
			continue
		}
		for _, name := range h.vaults {
			if id, ok := vr.LookupVault(name); ok && !related(id, c.self) {
				c.out(graph.EdgeUsesKeyVault, graph.LabelResource, id)
			}
		}
	}
}

func taggedWith(c *ctx) {
	tags, ok := c.n.Props[graph.PropTags].(map[string]any)
	if !ok {
		if ts, ok := c.n.Props[graph.PropTags].(map[string]string); ok {
			tags = make(map[string]any, len(ts))
			for k, v := range ts {
				tags[k] = v
			}
		}
	}
	for k, v := range tags {
		if strings.TrimSpace(k) == "" {
			continue
		}
		val := scalar(v)
		id := k + "=" + val
		c.out(graph.EdgeTaggedWith, graph.LabelTag, id)
		c.shared(graph.Node{Label: graph.LabelTag, ID: id, TenantID: c.n.TenantID, Props: map[string]any{"key": k, "value": val}})
	}
}

func locatedIn(c *ctx) {
	code := RegionCode(str(c.n.Props[graph.PropLocation]))
	if code == "" {
		return
	}
	c.out(graph.EdgeLocatedIn, graph.LabelRegion, code)
	c.shared(graph.Node{Label: graph.LabelRegion, ID: code, TenantID: c.n.TenantID, Props: map[string]any{"name": code}})
}

// shared records a Tag or Region node once.
func (c *ctx) shared(n graph.Node) {
	for _, x := range c.nodes {
		if x.Label == n.Label && x.ID == n.ID {
			return
		}
	}
	c.nodes = append(c.nodes, n)
}

// RegionCode normalises an ARM location ("West US", "westus", "West-US") to its code ("westus").
func RegionCode(loc string) string {
	b := make([]byte, 0, len(loc))
	for i := 0; i < len(loc); i++ {
		ch := loc[i]
		switch {
		case 'a' <= ch && ch <= 'z', '0' <= ch && ch <= '9':
			b = append(b, ch)
		case 'A' <= ch && ch <= 'Z':
			b = append(b, ch+'a'-'A')
		}
	}
	return string(b)
}

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
