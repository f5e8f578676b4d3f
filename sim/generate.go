package sim

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// builtinRole is a built-in role definition (real GUIDs).
type builtinRole struct{ guid, name, desc string }

var builtinRoles = []builtinRole{
	{"8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner", "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC."},
	{"b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor", "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC."},
	{"acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader", "View all resources, but does not allow you to make any changes."},
	{"4d97b98b-1d4f-4787-a291-c67834d212e7", "Network Contributor", "Lets you manage networks, but not access to them."},
	{"ba92f5b4-2d11-453d-a403-e96b0029c9fe", "Storage Blob Data Contributor", "Allows for read, write and delete access to Azure Storage blob containers and data"},
	{"4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User", "Read secret contents."},
	{"7f951dda-4ed3-4680-a7ca-43fe172d538d", "AcrPull", "acr pull"},
	{"9980e02c-c2be-4d73-94e8-173b1dc7cf3c", "Virtual Machine Contributor", "Lets you manage virtual machines, but not access to them, and not the virtual network or storage account they're connected to."},
}

func roleDefID(sub, guid string) string {
	return "/subscriptions/" + sub + "/providers/Microsoft.Authorization/roleDefinitions/" + guid
}

// FakeSecretAccountKey is the planted fake secret: the AccountKey inside the
// STORAGE_CONNECTION_STRING app setting of the first generated web app
// (properties.siteConfig.appSettings). Secret scrubbing must remove it.
var FakeSecretAccountKey = base64.StdEncoding.EncodeToString([]byte("atg-sim-fake-storage-account-key-do-not-use-0123456789abcdef"))

var regions = []string{"eastus", "westeurope", "eastus2", "northeurope", "westus2", "uksouth"}

var apps = []string{"payments", "orders", "crm", "inventory", "portal", "search", "billing", "analytics", "hr", "iot"}
var envs = []string{"prod", "dev", "test", "stage"}

var firstNames = []string{"Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "Edsger", "Radia", "Tim", "Hedy", "John", "Katherine", "Donald"}
var lastNames = []string{"Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson", "Allen", "Dijkstra", "Perlman", "Berners-Lee", "Lamarr", "Backus", "Johnson", "Knuth"}

// gen is the deterministic synthetic tenant generator.
type gen struct {
	s      *store
	rng    *rand.Rand
	t      *tenant
	budget int
	now    time.Time

	users, groups, sps []string
	firstSite          bool
	raCount            int
}

func (g *gen) uuid() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := g.rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (g *gen) suffix(n int) string {
	const alpha = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = alpha[g.rng.IntN(len(alpha))]
	}
	return string(b)
}

func pick[T any](g *gen, xs []T) T { return xs[g.rng.IntN(len(xs))] }

func ref(id string) map[string]any { return map[string]any{"id": id} }

// add stores a resource if the budget allows. body must hold at least properties; id, name,
// type and location are filled in here.
func (g *gen) add(sub *subscription, rg *resourceGroup, id, typ, location string, body map[string]any) (*resource, bool) {
	if g.budget <= 0 {
		return nil, false
	}
	g.budget--
	p, _ := parsePath(id)
	body["id"] = id
	body["name"] = p.names[len(p.names)-1]
	body["type"] = typ
	if location != "" {
		body["location"] = location
	}
	if body["properties"] == nil {
		body["properties"] = map[string]any{}
	}
	if props, ok := body["properties"].(map[string]any); ok {
		if _, ok := props["provisioningState"]; !ok {
			props["provisioningState"] = "Succeeded"
		}
		fillServerDefaults(strings.ToLower(typ), body, props)
	}
	r := &resource{id: id, key: strings.ToLower(id), typ: typ, ltyp: strings.ToLower(typ), sub: sub.id, rg: rg.name,
		parent: p.parentKey(), body: body, created: g.now, changed: g.now}
	g.s.put(r)
	return r, true
}

func provID(rg *resourceGroup, rest string) string { return rg.id + "/providers/" + rest }

// generateTenant fills tenant t (with nsubs subscriptions) with n resources and a directory
// sized from n, or as dir asks.
func generateTenant(s *store, t *tenant, subs []*subscription, n int, seed int64, dir entraScale) {
	g := &gen{s: s, rng: rand.New(rand.NewPCG(uint64(seed), 0x5eed5eed)), t: t, budget: n,
		now: time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)}
	if dir.set() {
		g.scaledIdentities(n, dir)
	} else {
		g.identities(n)
	}
	hubs := make([]*hub, len(subs))
	for i, sub := range subs {
		hubs[i] = g.hub(sub, i)
	}
	for k := 0; g.budget > 0; k++ {
		i := k % len(subs)
		g.spoke(subs[i], hubs[i], k/len(subs), k)
		if k > 10*n+100 { // cannot happen; guards against a logic error looping forever
			break
		}
	}
	for i, sub := range subs {
		g.subscriptionRoles(sub, i)
	}
}

func (g *gen) identities(n int) {
	nu := max(12, n/25)
	ng := max(4, nu/8)
	na := max(2, nu/20)
	for i := 0; i < nu; i++ {
		fn, ln := pick(g, firstNames), pick(g, lastNames)
		nick := strings.ToLower(fmt.Sprintf("%s.%s%d", fn, strings.ReplaceAll(ln, "-", ""), i))
		id := g.uuid()
		upn := nick + "@" + g.t.domain
		g.t.addObject(&dirObject{kind: "user", id: id, body: map[string]any{
			"id": id, "displayName": fn + " " + ln, "givenName": fn, "surname": ln, "userPrincipalName": upn,
			"mail": upn, "mailNickname": nick, "accountEnabled": i%17 != 16, "userType": ifs(i%11 == 10, "Guest", "Member"),
			"jobTitle":       pick(g, []string{"Engineer", "Architect", "Operator", "Analyst", "Manager"}),
			"businessPhones": []any{}, "preferredLanguage": "en-US", "officeLocation": nil, "mobilePhone": nil,
		}})
		g.users = append(g.users, id)
	}
	for i := 0; i < ng; i++ {
		name := fmt.Sprintf("sg-%s-%s", apps[i%len(apps)], pick(g, []string{"admins", "devs", "readers", "ops"}))
		if i >= len(apps) {
			name = fmt.Sprintf("%s-%d", name, i)
		}
		id := g.uuid()
		g.t.addObject(&dirObject{kind: "group", id: id, body: map[string]any{
			"id": id, "displayName": name, "mailNickname": name, "description": "Synthetic group " + name,
			"securityEnabled": true, "mailEnabled": false, "groupTypes": []any{}, "mail": nil, "visibility": nil,
			"createdDateTime": g.now.Format(time.RFC3339),
		}})
		g.groups = append(g.groups, id)
	}
	for i := 0; i < na; i++ {
		name := fmt.Sprintf("app-%s-%d", apps[i%len(apps)], i)
		appID, objID, spID := g.uuid(), g.uuid(), g.uuid()
		g.t.addObject(&dirObject{kind: "application", id: objID, body: map[string]any{
			"id": objID, "appId": appID, "displayName": name, "signInAudience": "AzureADMyOrg",
			"publisherDomain": g.t.domain, "createdDateTime": g.now.Format(time.RFC3339),
			"identifierUris": []any{"api://" + appID},
		}})
		g.addSP(spID, appID, name, "Application")
	}
	// memberships: users in 1-3 groups, a few nested groups, app SPs in one group.
	for i, u := range g.users {
		k := 1 + g.rng.IntN(3)
		for j := 0; j < k; j++ {
			g.addMember(g.groups[(i+j*7)%len(g.groups)], u, "user")
		}
	}
	for i := 1; i < len(g.groups); i += 3 {
		g.addMember(g.groups[i-1], g.groups[i], "group")
	}
	for i, sp := range g.sps {
		g.addMember(g.groups[i%len(g.groups)], sp, "servicePrincipal")
	}
}

func (g *gen) addMember(group, member, kind string) {
	for _, m := range g.t.members[group] {
		if m.id == member {
			return
		}
	}
	g.t.members[group] = append(g.t.members[group], memberRef{id: member, kind: kind})
}

func (g *gen) addSP(id, appID, name, typ string) {
	b := map[string]any{"id": id, "appId": appID, "displayName": name, "servicePrincipalType": typ,
		"accountEnabled": true, "appOwnerOrganizationId": g.t.id, "servicePrincipalNames": []any{appID},
		"tags": []any{}}
	if typ == "ManagedIdentity" {
		b["appOwnerOrganizationId"] = nil
	}
	g.t.addObject(&dirObject{kind: "servicePrincipal", id: id, body: b})
	if typ == "Application" {
		g.sps = append(g.sps, id)
	}
}

// systemIdentity returns an identity block with a system-assigned principal backed by a
// ManagedIdentity service principal.
func (g *gen) systemIdentity(name string, uai ...*resource) map[string]any {
	pid := g.uuid()
	g.addSP(pid, g.uuid(), name, "ManagedIdentity")
	id := map[string]any{"type": "SystemAssigned", "principalId": pid, "tenantId": g.t.id}
	if len(uai) > 0 && uai[0] != nil {
		id["type"] = "SystemAssigned, UserAssigned"
		id["userAssignedIdentities"] = userAssigned(uai[0])
	}
	return id
}

func userAssigned(uai *resource) map[string]any {
	p := uai.body["properties"].(map[string]any)
	return map[string]any{uai.id: map[string]any{"principalId": p["principalId"], "clientId": p["clientId"]}}
}

func ifs(c bool, a, b string) string {
	if c {
		return a
	}
	return b
}

type hub struct {
	rg        *resourceGroup
	vnet      *resource
	workspace *resource
	zones     []*resource
	peSubnet  *resource
	kv        *resource
	location  string
}

func (g *gen) tags(env, app string) map[string]any {
	return map[string]any{"environment": env, "application": app, "owner": "platform-team", "costCenter": fmt.Sprintf("cc-%d", 1000+g.rng.IntN(20))}
}

func (g *gen) hub(sub *subscription, i int) *hub {
	loc := regions[i%len(regions)]
	h := &hub{location: loc}
	h.rg = g.s.addRG(sub, fmt.Sprintf("rg-hub-%s", loc), loc, g.tags("prod", "hub"))
	g.s.addRG(sub, "NetworkWatcherRG", loc, nil)
	sfx := g.suffix(5)
	la, ok := g.add(sub, h.rg, provID(h.rg, "Microsoft.OperationalInsights/workspaces/log-hub-"+sfx), "Microsoft.OperationalInsights/workspaces", loc, map[string]any{
		"tags": g.tags("prod", "hub"),
		"properties": map[string]any{"customerId": g.uuid(), "sku": map[string]any{"name": "PerGB2018"}, "retentionInDays": 30,
			"publicNetworkAccessForIngestion": "Enabled", "publicNetworkAccessForQuery": "Enabled",
			"features": map[string]any{"enableLogAccessUsingOnlyResourcePermissions": true}}})
	if !ok {
		return h
	}
	h.workspace = la
	nsg, ok := g.add(sub, h.rg, provID(h.rg, "Microsoft.Network/networkSecurityGroups/nsg-hub-shared"), "Microsoft.Network/networkSecurityGroups", loc, map[string]any{
		"tags": g.tags("prod", "hub"), "properties": map[string]any{"securityRules": g.nsgRules(provID(h.rg, "Microsoft.Network/networkSecurityGroups/nsg-hub-shared"), 443)}})
	if !ok {
		return h
	}
	rt, ok := g.add(sub, h.rg, provID(h.rg, "Microsoft.Network/routeTables/rt-hub"), "Microsoft.Network/routeTables", loc, map[string]any{
		"tags": g.tags("prod", "hub"), "properties": map[string]any{"disableBgpRoutePropagation": false, "routes": []any{
			map[string]any{"name": "default-to-internet", "id": provID(h.rg, "Microsoft.Network/routeTables/rt-hub/routes/default-to-internet"),
				"properties": map[string]any{"addressPrefix": "0.0.0.0/0", "nextHopType": "Internet", "provisioningState": "Succeeded"}}}}})
	if !ok {
		return h
	}
	vnetID := provID(h.rg, "Microsoft.Network/virtualNetworks/vnet-hub-"+loc)
	h.vnet, ok = g.add(sub, h.rg, vnetID, "Microsoft.Network/virtualNetworks", loc, map[string]any{
		"tags": g.tags("prod", "hub"), "etag": `W/"` + g.uuid() + `"`,
		"properties": map[string]any{"addressSpace": map[string]any{"addressPrefixes": []any{"10.0.0.0/16"}},
			"enableDdosProtection": false, "resourceGuid": g.uuid()}})
	if !ok {
		return h
	}
	var bastionSubnet *resource
	for j, sn := range []struct {
		name, prefix string
		nsg, rt      *resource
	}{{"GatewaySubnet", "10.0.0.0/27", nil, nil}, {"AzureBastionSubnet", "10.0.1.0/26", nil, nil},
		{"snet-shared", "10.0.2.0/24", nsg, rt}, {"snet-pe", "10.0.3.0/24", nil, nil}} {
		r, ok := g.subnet(sub, h.rg, vnetID, sn.name, sn.prefix, sn.nsg, sn.rt)
		if !ok {
			return h
		}
		if j == 1 {
			bastionSubnet = r
		}
		if j == 3 {
			h.peSubnet = r
		}
	}
	pip, ok := g.pip(sub, h.rg, "pip-bas-hub", loc, "Standard")
	if !ok {
		return h
	}
	if _, ok := g.add(sub, h.rg, provID(h.rg, "Microsoft.Network/bastionHosts/bas-hub"), "Microsoft.Network/bastionHosts", loc, map[string]any{
		"sku": map[string]any{"name": "Standard"},
		"properties": map[string]any{"scaleUnits": 2, "dnsName": "bst-" + g.uuid() + ".bastion.azure.com", "ipConfigurations": []any{map[string]any{
			"name": "IpConf", "id": provID(h.rg, "Microsoft.Network/bastionHosts/bas-hub/bastionHostIpConfigurations/IpConf"),
			"properties": map[string]any{"privateIPAllocationMethod": "Dynamic", "subnet": ref(bastionSubnet.id), "publicIPAddress": ref(pip.id)}}}}}); !ok {
		return h
	}
	for _, z := range []string{"privatelink.blob.core.windows.net", "privatelink.vaultcore.azure.net", "privatelink.database.windows.net"} {
		zr, ok := g.add(sub, h.rg, provID(h.rg, "Microsoft.Network/privateDnsZones/"+z), "Microsoft.Network/privateDnsZones", "global", map[string]any{
			"tags": g.tags("prod", "hub"), "etag": g.uuid(),
			"properties": map[string]any{"maxNumberOfRecordSets": 25000, "numberOfRecordSets": 1, "maxNumberOfVirtualNetworkLinks": 1000,
				"numberOfVirtualNetworkLinks": 0, "numberOfVirtualNetworkLinksWithRegistration": 0}})
		if !ok {
			return h
		}
		h.zones = append(h.zones, zr)
		if !g.dnsLink(sub, h.rg, zr, h.vnet, "link-hub") {
			return h
		}
	}
	kv, ok := g.keyVault(sub, h.rg, "kv-hub-"+g.suffix(6), loc, "hub")
	if !ok {
		return h
	}
	h.kv = kv
	g.diag(sub, h.rg, kv, la)
	return h
}

func (g *gen) nsgRules(nsgID string, port int) []any {
	return []any{
		map[string]any{"name": "allow-https-inbound", "id": nsgID + "/securityRules/allow-https-inbound", "type": "Microsoft.Network/networkSecurityGroups/securityRules",
			"properties": map[string]any{"protocol": "Tcp", "sourcePortRange": "*", "destinationPortRange": fmt.Sprint(port),
				"sourceAddressPrefix": "VirtualNetwork", "destinationAddressPrefix": "*", "access": "Allow", "priority": 100, "direction": "Inbound",
				"provisioningState": "Succeeded", "sourcePortRanges": []any{}, "destinationPortRanges": []any{}, "sourceAddressPrefixes": []any{}, "destinationAddressPrefixes": []any{}}},
		map[string]any{"name": "deny-all-inbound", "id": nsgID + "/securityRules/deny-all-inbound", "type": "Microsoft.Network/networkSecurityGroups/securityRules",
			"properties": map[string]any{"protocol": "*", "sourcePortRange": "*", "destinationPortRange": "*",
				"sourceAddressPrefix": "*", "destinationAddressPrefix": "*", "access": "Deny", "priority": 4096, "direction": "Inbound",
				"provisioningState": "Succeeded", "sourcePortRanges": []any{}, "destinationPortRanges": []any{}, "sourceAddressPrefixes": []any{}, "destinationAddressPrefixes": []any{}}},
	}
}

func (g *gen) subnet(sub *subscription, rg *resourceGroup, vnetID, name, prefix string, nsg, rt *resource) (*resource, bool) {
	props := map[string]any{"addressPrefix": prefix, "delegations": []any{}, "privateEndpointNetworkPolicies": "Disabled",
		"privateLinkServiceNetworkPolicies": "Enabled"}
	if nsg != nil {
		props["networkSecurityGroup"] = ref(nsg.id)
	}
	if rt != nil {
		props["routeTable"] = ref(rt.id)
	}
	return g.add(sub, rg, vnetID+"/subnets/"+name, "Microsoft.Network/virtualNetworks/subnets", "", map[string]any{
		"etag": `W/"` + g.uuid() + `"`, "properties": props})
}

func (g *gen) peering(sub *subscription, rg *resourceGroup, from, to *resource, name string, gatewayTransit bool) bool {
	rp, _ := to.body["properties"].(map[string]any)
	_, ok := g.add(sub, rg, from.id+"/virtualNetworkPeerings/"+name, "Microsoft.Network/virtualNetworks/virtualNetworkPeerings", "", map[string]any{
		"properties": map[string]any{"remoteVirtualNetwork": ref(to.id), "allowVirtualNetworkAccess": true, "allowForwardedTraffic": true,
			"allowGatewayTransit": gatewayTransit, "useRemoteGateways": false, "peeringState": "Connected", "peeringSyncLevel": "FullyInSync",
			"remoteAddressSpace": rp["addressSpace"]}})
	return ok
}

func (g *gen) dnsLink(sub *subscription, rg *resourceGroup, zone, vnet *resource, name string) bool {
	_, ok := g.add(sub, rg, zone.id+"/virtualNetworkLinks/"+name, "Microsoft.Network/privateDnsZones/virtualNetworkLinks", "global", map[string]any{
		"etag": g.uuid(), "properties": map[string]any{"virtualNetwork": ref(vnet.id), "registrationEnabled": false,
			"virtualNetworkLinkState": "Completed"}})
	return ok
}

func (g *gen) pip(sub *subscription, rg *resourceGroup, name, loc, sku string) (*resource, bool) {
	return g.add(sub, rg, provID(rg, "Microsoft.Network/publicIPAddresses/"+name), "Microsoft.Network/publicIPAddresses", loc, map[string]any{
		"sku": map[string]any{"name": sku, "tier": "Regional"}, "zones": []any{"1", "2", "3"},
		"properties": map[string]any{"publicIPAddressVersion": "IPv4", "publicIPAllocationMethod": "Static", "idleTimeoutInMinutes": 4,
			"ipAddress": fmt.Sprintf("20.%d.%d.%d", g.rng.IntN(200)+20, g.rng.IntN(255), g.rng.IntN(254)+1), "resourceGuid": g.uuid()}})
}

func (g *gen) keyVault(sub *subscription, rg *resourceGroup, name, loc, app string) (*resource, bool) {
	return g.add(sub, rg, provID(rg, "Microsoft.KeyVault/vaults/"+name), "Microsoft.KeyVault/vaults", loc, map[string]any{
		"tags": g.tags("prod", app),
		"properties": map[string]any{"sku": map[string]any{"family": "A", "name": "standard"}, "tenantId": g.t.id,
			"enableRbacAuthorization": true, "enableSoftDelete": true, "softDeleteRetentionInDays": 90, "enablePurgeProtection": true,
			"vaultUri": "https://" + name + ".vault.azure.net/", "accessPolicies": []any{}, "publicNetworkAccess": "Disabled",
			"networkAcls": map[string]any{"bypass": "AzureServices", "defaultAction": "Deny", "ipRules": []any{}, "virtualNetworkRules": []any{}}}})
}

// diag attaches a diagnostic setting (an extension resource) on target sending to workspace.
func (g *gen) diag(sub *subscription, rg *resourceGroup, target, workspace *resource) bool {
	if target == nil || workspace == nil {
		return false
	}
	_, ok := g.add(sub, rg, target.id+"/providers/Microsoft.Insights/diagnosticSettings/diag-to-log", "Microsoft.Insights/diagnosticSettings", "", map[string]any{
		"properties": map[string]any{"workspaceId": workspace.id, "logAnalyticsDestinationType": nil,
			"logs":    []any{map[string]any{"categoryGroup": "allLogs", "enabled": true, "retentionPolicy": map[string]any{"enabled": false, "days": 0}}},
			"metrics": []any{map[string]any{"category": "AllMetrics", "enabled": true, "retentionPolicy": map[string]any{"enabled": false, "days": 0}}}}})
	return ok
}

func (g *gen) privateEndpoint(sub *subscription, rg *resourceGroup, name, loc string, subnet, target *resource, groupID string) bool {
	if subnet == nil || target == nil {
		return true
	}
	id := provID(rg, "Microsoft.Network/privateEndpoints/"+name)
	_, ok := g.add(sub, rg, id, "Microsoft.Network/privateEndpoints", loc, map[string]any{
		"properties": map[string]any{"subnet": ref(subnet.id), "customNetworkInterfaceName": name + "-nic",
			"privateLinkServiceConnections": []any{map[string]any{"name": name, "id": id + "/privateLinkServiceConnections/" + name,
				"properties": map[string]any{"privateLinkServiceId": target.id, "groupIds": []any{groupID},
					"privateLinkServiceConnectionState": map[string]any{"status": "Approved", "description": "Auto-Approved", "actionsRequired": "None"}}}},
			"manualPrivateLinkServiceConnections": []any{}, "customDnsConfigs": []any{}}})
	return ok
}

// roleAssignment adds a role assignment at scope (a subscription, RG or resource id).
func (g *gen) roleAssignment(sub *subscription, rg string, scope, parent, principal, principalType, roleGUID string) {
	name := g.uuid()
	id := scope + "/providers/Microsoft.Authorization/roleAssignments/" + name
	r := &resource{id: id, key: strings.ToLower(id), typ: "Microsoft.Authorization/roleAssignments", ltyp: "microsoft.authorization/roleassignments",
		sub: sub.id, rg: rg, parent: parent, created: g.now, changed: g.now, body: map[string]any{
			"id": id, "name": name, "type": "Microsoft.Authorization/roleAssignments",
			"properties": map[string]any{"roleDefinitionId": roleDefID(sub.id, roleGUID), "principalId": principal, "principalType": principalType,
				"scope": scope, "condition": nil, "conditionVersion": nil, "createdOn": g.now.Format(time.RFC3339), "updatedOn": g.now.Format(time.RFC3339),
				"createdBy": nil, "updatedBy": nil, "delegatedManagedIdentityResourceId": nil, "description": nil}}}
	g.s.put(r)
	g.raCount++
}

func (g *gen) subscriptionRoles(sub *subscription, i int) {
	scope := "/subscriptions/" + sub.id
	g.roleAssignment(sub, "", scope, "", g.users[i%len(g.users)], "User", builtinRoles[0].guid)
	g.roleAssignment(sub, "", scope, "", g.groups[i%len(g.groups)], "Group", builtinRoles[2].guid)
	if len(g.sps) > 0 {
		g.roleAssignment(sub, "", scope, "", g.sps[i%len(g.sps)], "ServicePrincipal", builtinRoles[1].guid)
	}
}

func principalOf(r *resource) string {
	if id, ok := r.body["identity"].(map[string]any); ok {
		if p, ok := id["principalId"].(string); ok {
			return p
		}
	}
	if p, ok := r.body["properties"].(map[string]any); ok {
		if s, ok := p["principalId"].(string); ok {
			return s
		}
	}
	return ""
}

// spoke generates one workload: a resource group with a spoke VNet peered to the hub, VMs,
// a load balancer, storage, key vault, web apps, SQL and (every third) AKS + ACR.
func (g *gen) spoke(sub *subscription, h *hub, k, global int) {
	app := apps[global%len(apps)]
	env := envs[(global/len(apps))%len(envs)]
	loc := h.location
	if g.rng.IntN(4) == 0 {
		loc = pick(g, regions)
	}
	rg := g.s.addRG(sub, fmt.Sprintf("rg-%s-%s-%03d", app, env, k), loc, g.tags(env, app))
	tags := g.tags(env, app)
	// RBAC at RG scope.
	g.roleAssignment(sub, rg.name, rg.id, "", g.groups[global%len(g.groups)], "Group", builtinRoles[1].guid)
	if global%3 == 0 {
		g.roleAssignment(sub, rg.name, rg.id, "", g.users[(global*5)%len(g.users)], "User", builtinRoles[2].guid)
	}
	sfx := g.suffix(4)
	uai, ok := g.add(sub, rg, provID(rg, "Microsoft.ManagedIdentity/userAssignedIdentities/id-"+app+"-"+sfx), "Microsoft.ManagedIdentity/userAssignedIdentities", loc, map[string]any{
		"tags": tags, "properties": map[string]any{"tenantId": g.t.id, "principalId": g.uuid(), "clientId": g.uuid()}})
	if !ok {
		return
	}
	uaiProps := uai.body["properties"].(map[string]any)
	g.addSP(uaiProps["principalId"].(string), uaiProps["clientId"].(string), "id-"+app+"-"+sfx, "ManagedIdentity")
	nsgWeb, ok := g.add(sub, rg, provID(rg, "Microsoft.Network/networkSecurityGroups/nsg-web"), "Microsoft.Network/networkSecurityGroups", loc, map[string]any{
		"tags": tags, "properties": map[string]any{"securityRules": g.nsgRules(provID(rg, "Microsoft.Network/networkSecurityGroups/nsg-web"), 443)}})
	if !ok {
		return
	}
	nsgApp, ok := g.add(sub, rg, provID(rg, "Microsoft.Network/networkSecurityGroups/nsg-app"), "Microsoft.Network/networkSecurityGroups", loc, map[string]any{
		"tags": tags, "properties": map[string]any{"securityRules": g.nsgRules(provID(rg, "Microsoft.Network/networkSecurityGroups/nsg-app"), 8080)}})
	if !ok {
		return
	}
	if h.workspace != nil {
		g.diag(sub, rg, nsgWeb, h.workspace)
	}
	rt, ok := g.add(sub, rg, provID(rg, "Microsoft.Network/routeTables/rt-"+app), "Microsoft.Network/routeTables", loc, map[string]any{
		"tags": tags, "properties": map[string]any{"disableBgpRoutePropagation": true, "routes": []any{
			map[string]any{"name": "to-hub-fw", "id": provID(rg, "Microsoft.Network/routeTables/rt-"+app+"/routes/to-hub-fw"),
				"properties": map[string]any{"addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.0.2.4", "provisioningState": "Succeeded"}}}}})
	if !ok {
		return
	}
	b2, b3 := 1+(k/256)%254, k%256
	vnetID := provID(rg, fmt.Sprintf("Microsoft.Network/virtualNetworks/vnet-%s-%s", app, env))
	vnet, ok := g.add(sub, rg, vnetID, "Microsoft.Network/virtualNetworks", loc, map[string]any{
		"tags": tags, "etag": `W/"` + g.uuid() + `"`,
		"properties": map[string]any{"addressSpace": map[string]any{"addressPrefixes": []any{fmt.Sprintf("10.%d.%d.0/24", b2, b3)}},
			"dhcpOptions": map[string]any{"dnsServers": []any{}}, "enableDdosProtection": false, "resourceGuid": g.uuid()}})
	if !ok {
		return
	}
	snWeb, ok := g.subnet(sub, rg, vnetID, "snet-web", fmt.Sprintf("10.%d.%d.0/26", b2, b3), nsgWeb, rt)
	if !ok {
		return
	}
	snApp, ok := g.subnet(sub, rg, vnetID, "snet-app", fmt.Sprintf("10.%d.%d.64/26", b2, b3), nsgApp, rt)
	if !ok {
		return
	}
	snPE, ok := g.subnet(sub, rg, vnetID, "snet-pe", fmt.Sprintf("10.%d.%d.128/26", b2, b3), nil, nil)
	if !ok {
		return
	}
	if h.vnet != nil {
		if !g.peering(sub, rg, vnet, h.vnet, "peer-to-hub", false) {
			return
		}
		if !g.peering(sub, h.rg, h.vnet, vnet, "peer-to-"+app+"-"+env+fmt.Sprintf("-%03d", k), true) {
			return
		}
		for _, z := range h.zones {
			if !g.dnsLink(sub, h.rg, z, vnet, fmt.Sprintf("link-%s-%s-%03d", app, env, k)) {
				return
			}
		}
	}
	nvm := 1 + g.rng.IntN(3) // drawn before the load balancer's random values: a spoke's VM count does not depend on them
	// Dedicated subnets: an application gateway's (nothing else may use it) and a container apps
	// environment's (delegated to Microsoft.App/environments), only in the spokes that get one.
	var snAGW, snACA *resource
	if wantAppGateway(global) {
		if snAGW, ok = g.subnet(sub, rg, vnetID, "snet-appgw", fmt.Sprintf("10.%d.%d.192/27", b2, b3), nil, nil); !ok {
			return
		}
	}
	if wantContainerApps(global) && acaInVNet(global) {
		if snACA, ok = g.subnet(sub, rg, vnetID, "snet-aca", fmt.Sprintf("10.%d.%d.224/27", b2, b3), nil, nil); !ok {
			return
		}
		snACA.body["properties"].(map[string]any)["delegations"] = []any{map[string]any{"name": "Microsoft.App.environments",
			"id": snACA.id + "/delegations/Microsoft.App.environments", "type": "Microsoft.Network/virtualNetworks/subnets/delegations",
			"properties": map[string]any{"serviceName": "Microsoft.App/environments", "actions": []any{"Microsoft.Network/virtualNetworks/subnets/join/action"},
				"provisioningState": "Succeeded"}}}
	}
	// Public load balancer in front of the VMs: created first, so the NICs that join its backend
	// pool reference an existing pool; the pool lists them back (backendIPConfigurations) as ARM does.
	lbPip, ok := g.pip(sub, rg, "pip-lb-"+app, loc, "Standard")
	if !ok {
		return
	}
	lbID := provID(rg, "Microsoft.Network/loadBalancers/lb-"+app)
	poolID := lbID + "/backendAddressPools/be-pool"
	pool := map[string]any{"loadBalancingRules": []any{ref(lbID + "/loadBalancingRules/https")}}
	if _, ok := g.add(sub, rg, lbID, "Microsoft.Network/loadBalancers", loc, map[string]any{
		"tags": tags, "sku": map[string]any{"name": "Standard", "tier": "Regional"},
		"properties": map[string]any{
			"frontendIPConfigurations": []any{map[string]any{"name": "fe-public", "id": lbID + "/frontendIPConfigurations/fe-public",
				"properties": map[string]any{"privateIPAllocationMethod": "Dynamic", "publicIPAddress": ref(lbPip.id)}}},
			"backendAddressPools": []any{map[string]any{"name": "be-pool", "id": poolID, "properties": pool}},
			"loadBalancingRules": []any{map[string]any{"name": "https", "id": lbID + "/loadBalancingRules/https",
				"properties": map[string]any{"frontendIPConfiguration": ref(lbID + "/frontendIPConfigurations/fe-public"), "backendAddressPool": ref(poolID),
					"protocol": "Tcp", "frontendPort": 443, "backendPort": 443, "idleTimeoutInMinutes": 4, "enableFloatingIP": false, "probe": ref(lbID + "/probes/https")}}},
			"probes":          []any{map[string]any{"name": "https", "id": lbID + "/probes/https", "properties": map[string]any{"protocol": "Tcp", "port": 443, "intervalInSeconds": 5, "numberOfProbes": 2}}},
			"inboundNatRules": []any{}, "outboundRules": []any{}}}); !ok {
		return
	}
	// VMs
	var members []any
	for v := 0; v < nvm; v++ {
		vmName := fmt.Sprintf("vm-%s-%s-%d", app, env, v)
		var pip *resource
		if v == 0 && g.rng.IntN(2) == 0 {
			if pip, ok = g.pip(sub, rg, "pip-"+vmName, loc, "Standard"); !ok {
				return
			}
		}
		nicID := provID(rg, "Microsoft.Network/networkInterfaces/nic-"+vmName)
		ipc := map[string]any{"privateIPAddress": fmt.Sprintf("10.%d.%d.%d", b2, b3, 4+v), "privateIPAllocationMethod": "Dynamic",
			"subnet": ref(snWeb.id), "primary": true, "privateIPAddressVersion": "IPv4", "provisioningState": "Succeeded"}
		if pip != nil {
			ipc["publicIPAddress"] = ref(pip.id)
		}
		// the web tier (the first two VMs, most of the time) sits behind the load balancer
		if v < 2 && g.rng.IntN(5) != 0 {
			ipc["loadBalancerBackendAddressPools"] = []any{ref(poolID)}
			members = append(members, ref(nicID+"/ipConfigurations/ipconfig1"))
			pool["backendIPConfigurations"] = members
		}
		nicProps := map[string]any{"ipConfigurations": []any{map[string]any{"name": "ipconfig1", "id": nicID + "/ipConfigurations/ipconfig1",
			"type": "Microsoft.Network/networkInterfaces/ipConfigurations", "properties": ipc}},
			"enableAcceleratedNetworking": true, "enableIPForwarding": false, "nicType": "Standard",
			"dnsSettings": map[string]any{"dnsServers": []any{}}, "macAddress": fmt.Sprintf("00-0D-3A-%02X-%02X-%02X", g.rng.IntN(256), g.rng.IntN(256), g.rng.IntN(256))}
		if v%2 == 1 {
			nicProps["networkSecurityGroup"] = ref(nsgApp.id)
		}
		nic, ok := g.add(sub, rg, nicID, "Microsoft.Network/networkInterfaces", loc, map[string]any{"tags": tags, "properties": nicProps})
		if !ok {
			// the budget ran out: the pool lists no NIC that does not exist
			if ipc["loadBalancerBackendAddressPools"] != nil {
				if members = members[:len(members)-1]; len(members) == 0 {
					delete(pool, "backendIPConfigurations")
				} else {
					pool["backendIPConfigurations"] = members
				}
			}
			return
		}
		// The OS disk is what Compute creates for the VM (implicitOSDisk, as a VM PUT does); its
		// body is filled once the VM's body exists. Added first: the budget counts it.
		osUID := g.uuid()
		osDisk, ok := g.add(sub, rg, provID(rg, "Microsoft.Compute/disks/"+vmName+"_OsDisk_1"), "Microsoft.Compute/disks", loc, map[string]any{})
		if !ok {
			return
		}
		var dataDisk *resource
		if g.rng.IntN(2) == 0 {
			if dataDisk, ok = g.add(sub, rg, provID(rg, "Microsoft.Compute/disks/"+vmName+"-data-0"), "Microsoft.Compute/disks", loc, map[string]any{
				"tags": tags, "sku": map[string]any{"name": "StandardSSD_LRS", "tier": "Standard"}, "zones": []any{"1"},
				"managedBy": provID(rg, "Microsoft.Compute/virtualMachines/"+vmName),
				"properties": map[string]any{"diskSizeGB": 128, "diskState": "Attached", "creationData": map[string]any{"createOption": "Empty"},
					"encryption": map[string]any{"type": "EncryptionAtRestWithPlatformKey"}, "uniqueId": g.uuid(), "timeCreated": g.now.Format(time.RFC3339)}}); !ok {
				return
			}
		}
		dataDisks := []any{}
		if dataDisk != nil {
			dataDisks = append(dataDisks, map[string]any{"lun": 0, "name": vmName + "-data-0", "createOption": "Attach", "caching": "ReadOnly",
				"diskSizeGB": 128, "managedDisk": map[string]any{"storageAccountType": "StandardSSD_LRS", "id": dataDisk.id}, "toBeDetached": false})
		}
		body := map[string]any{"tags": tags, "zones": []any{"1"},
			"properties": map[string]any{"vmId": g.uuid(),
				"hardwareProfile": map[string]any{"vmSize": pick(g, []string{"Standard_D2s_v5", "Standard_D4s_v5", "Standard_B2ms", "Standard_E4s_v5"})},
				"storageProfile": map[string]any{"imageReference": map[string]any{"publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"},
					"osDisk": map[string]any{"osType": "Linux", "name": vmName + "_OsDisk_1", "createOption": "FromImage", "caching": "ReadWrite",
						"managedDisk": map[string]any{"storageAccountType": "Premium_LRS", "id": osDisk.id}, "deleteOption": "Delete", "diskSizeGB": 30},
					"dataDisks": dataDisks, "diskControllerType": "SCSI"},
				"osProfile": map[string]any{"computerName": vmName, "adminUsername": "azureuser",
					"linuxConfiguration": map[string]any{"disablePasswordAuthentication": true, "provisionVMAgent": true,
						"ssh": map[string]any{"publicKeys": []any{map[string]any{"path": "/home/azureuser/.ssh/authorized_keys", "keyData": g.sshPublicKey() + " azureuser"}}}},
					"secrets": []any{}, "allowExtensionOperations": true, "requireGuestProvisionSignal": true},
				"networkProfile":     map[string]any{"networkInterfaces": []any{map[string]any{"id": nic.id, "properties": map[string]any{"deleteOption": "Delete", "primary": true}}}},
				"diagnosticsProfile": map[string]any{"bootDiagnostics": map[string]any{"enabled": true}},
				"timeCreated":        g.now.Format(time.RFC3339)}}
		if g.rng.IntN(3) == 0 {
			body["identity"] = g.systemIdentity(vmName)
		}
		vmID := provID(rg, "Microsoft.Compute/virtualMachines/"+vmName)
		for k, v := range implicitOSDisk(sub.id, vmID, loc, body["zones"], body["properties"].(map[string]any), osUID, g.now) {
			osDisk.body[k] = v
		}
		vm, ok := g.add(sub, rg, vmID, "Microsoft.Compute/virtualMachines", loc, body)
		if !ok {
			delete(osDisk.body, "managedBy") // the budget ran out: a disk left behind
			osDisk.body["properties"].(map[string]any)["diskState"] = "Unattached"
			return
		}
		nic.body["properties"].(map[string]any)["virtualMachine"] = ref(vm.id)
		if v == 0 {
			if _, ok := g.add(sub, rg, vm.id+"/extensions/AzureMonitorLinuxAgent", "Microsoft.Compute/virtualMachines/extensions", loc, map[string]any{
				"properties": map[string]any{"publisher": "Microsoft.Azure.Monitor", "type": "AzureMonitorLinuxAgent", "typeHandlerVersion": "1.33",
					"autoUpgradeMinorVersion": true, "enableAutomaticUpgrade": true}}); !ok {
				return
			}
		}
		if p := principalOf(vm); p != "" && h.kv != nil {
			g.roleAssignment(sub, h.rg.name, h.kv.id, h.kv.key, p, "ServicePrincipal", builtinRoles[5].guid)
		}
	}
	// Storage with blob containers and a private endpoint.
	stName := "st" + app + strings.ReplaceAll(sfx, "-", "") + fmt.Sprint(k)
	if len(stName) > 24 {
		stName = stName[:24]
	}
	st, ok := g.add(sub, rg, provID(rg, "Microsoft.Storage/storageAccounts/"+stName), "Microsoft.Storage/storageAccounts", loc, map[string]any{
		"tags": tags, "sku": map[string]any{"name": "Standard_GRS", "tier": "Standard"}, "kind": "StorageV2",
		"properties": map[string]any{"accessTier": "Hot", "allowBlobPublicAccess": false, "minimumTlsVersion": "TLS1_2", "supportsHttpsTrafficOnly": true,
			"publicNetworkAccess": "Disabled", "allowSharedKeyAccess": false, "isHnsEnabled": false,
			"networkAcls": map[string]any{"bypass": "AzureServices", "defaultAction": "Deny", "ipRules": []any{}, "virtualNetworkRules": []any{}},
			"encryption":  map[string]any{"keySource": "Microsoft.Storage", "services": map[string]any{"blob": map[string]any{"enabled": true, "keyType": "Account"}, "file": map[string]any{"enabled": true, "keyType": "Account"}}},
			"primaryEndpoints": map[string]any{"blob": "https://" + stName + ".blob.core.windows.net/", "dfs": "https://" + stName + ".dfs.core.windows.net/",
				"file": "https://" + stName + ".file.core.windows.net/", "queue": "https://" + stName + ".queue.core.windows.net/",
				"table": "https://" + stName + ".table.core.windows.net/", "web": "https://" + stName + ".z13.web.core.windows.net/"},
			"primaryLocation": loc, "statusOfPrimary": "available", "creationTime": g.now.Format(time.RFC3339)}})
	if !ok {
		return
	}
	bs, ok := g.add(sub, rg, st.id+"/blobServices/default", "Microsoft.Storage/storageAccounts/blobServices", "", map[string]any{
		"sku":        map[string]any{"name": "Standard_GRS", "tier": "Standard"},
		"properties": map[string]any{"deleteRetentionPolicy": map[string]any{"enabled": true, "days": 7}, "cors": map[string]any{"corsRules": []any{}}}})
	if !ok {
		return
	}
	delete(bs.body["properties"].(map[string]any), "provisioningState")
	for _, c := range []string{"data", "logs"} {
		if _, ok := g.add(sub, rg, bs.id+"/containers/"+c, "Microsoft.Storage/storageAccounts/blobServices/containers", "", map[string]any{
			"etag": `"0x8D` + strings.ToUpper(g.suffix(12)) + `"`,
			"properties": map[string]any{"publicAccess": "None", "hasImmutabilityPolicy": false, "hasLegalHold": false, "leaseState": "Available",
				"leaseStatus": "Unlocked", "deleted": false, "remainingRetentionDays": 0, "defaultEncryptionScope": "$account-encryption-key",
				"denyEncryptionScopeOverride": false, "lastModifiedTime": g.now.Format(time.RFC3339)}}); !ok {
			return
		}
	}
	if !g.privateEndpoint(sub, rg, "pe-"+stName+"-blob", loc, snPE, st, "blob") {
		return
	}
	g.roleAssignment(sub, rg.name, st.id, st.key, uaiProps["principalId"].(string), "ServicePrincipal", builtinRoles[4].guid)
	// Key vault with diagnostics and a private endpoint.
	kvName := "kv-" + app + "-" + sfx + fmt.Sprint(k)
	if len(kvName) > 24 {
		kvName = kvName[:24]
	}
	kv, ok := g.keyVault(sub, rg, kvName, loc, app)
	if !ok {
		return
	}
	if h.workspace != nil && !g.diag(sub, rg, kv, h.workspace) {
		return
	}
	if !g.privateEndpoint(sub, rg, "pe-"+kvName, loc, snPE, kv, "vault") {
		return
	}
	g.roleAssignment(sub, rg.name, kv.id, kv.key, uaiProps["principalId"].(string), "ServicePrincipal", builtinRoles[5].guid)
	// App service plan + web apps using the UAI and Key Vault references.
	planID := provID(rg, "Microsoft.Web/serverfarms/asp-"+app+"-"+env)
	plan, ok := g.add(sub, rg, planID, "Microsoft.Web/serverfarms", loc, map[string]any{
		"tags": tags, "kind": "linux", "sku": map[string]any{"name": "P1v3", "tier": "PremiumV3", "size": "P1v3", "family": "Pv3", "capacity": 1},
		"properties": map[string]any{"reserved": true, "maximumNumberOfWorkers": 30, "numberOfSites": 2, "status": "Ready", "zoneRedundant": false}})
	if !ok {
		return
	}
	var siteHosts []string
	for w := 0; w < 2; w++ {
		siteName := fmt.Sprintf("app-%s-%s-%s-%d", app, env, sfx, w)
		settings := []any{
			map[string]any{"name": "APPLICATIONINSIGHTS_CONNECTION_STRING", "value": "InstrumentationKey=" + g.uuid()},
			map[string]any{"name": "DB_PASSWORD", "value": "@Microsoft.KeyVault(SecretUri=https://" + kvName + ".vault.azure.net/secrets/db-password/)"},
		}
		if !g.firstSite {
			g.firstSite = true
			settings = append(settings, map[string]any{"name": "STORAGE_CONNECTION_STRING",
				"value": "DefaultEndpointsProtocol=https;AccountName=" + stName + ";AccountKey=" + FakeSecretAccountKey + ";EndpointSuffix=core.windows.net"})
		}
		site, ok := g.add(sub, rg, provID(rg, "Microsoft.Web/sites/"+siteName), "Microsoft.Web/sites", loc, map[string]any{
			"tags": tags, "kind": "app,linux",
			"identity": map[string]any{"type": "UserAssigned", "userAssignedIdentities": userAssigned(uai)},
			"properties": map[string]any{"serverFarmId": plan.id, "state": "Running", "enabled": true, "httpsOnly": true, "reserved": true,
				"hostNames": []any{siteName + ".azurewebsites.net"}, "defaultHostName": siteName + ".azurewebsites.net",
				"keyVaultReferenceIdentity": uai.id, "virtualNetworkSubnetId": snApp.id, "publicNetworkAccess": "Enabled",
				"siteConfig": map[string]any{"linuxFxVersion": "DOTNETCORE|8.0", "alwaysOn": true, "ftpsState": "Disabled", "minTlsVersion": "1.2",
					"http20Enabled": true, "appSettings": settings}}})
		if !ok {
			return
		}
		siteHosts = append(siteHosts, siteName+".azurewebsites.net")
		_ = site
	}
	// SQL server + databases.
	sqlName := "sql-" + app + "-" + env + "-" + sfx + fmt.Sprint(k)
	sqlSrv, ok := g.add(sub, rg, provID(rg, "Microsoft.Sql/servers/"+sqlName), "Microsoft.Sql/servers", loc, map[string]any{
		"tags": tags, "kind": "v12.0", "identity": g.systemIdentity(sqlName),
		"properties": map[string]any{"administratorLogin": "sqladmin", "version": "12.0", "state": "Ready", "fullyQualifiedDomainName": sqlName + ".database.windows.net",
			"minimalTlsVersion": "1.2", "publicNetworkAccess": "Disabled", "restrictOutboundNetworkAccess": "Disabled",
			"administrators": map[string]any{"administratorType": "ActiveDirectory", "principalType": "Group", "login": "sql-admins",
				"sid": g.groups[global%len(g.groups)], "tenantId": g.t.id, "azureADOnlyAuthentication": true}}})
	if !ok {
		return
	}
	for d, dbn := range []string{"appdb", "reportingdb"} {
		db, ok := g.add(sub, rg, sqlSrv.id+"/databases/"+dbn, "Microsoft.Sql/servers/databases", loc, map[string]any{
			"tags": tags, "kind": "v12.0,user", "sku": map[string]any{"name": "GP_S_Gen5", "tier": "GeneralPurpose", "family": "Gen5", "capacity": 2},
			"properties": map[string]any{"collation": "SQL_Latin1_General_CP1_CI_AS", "maxSizeBytes": 34359738368, "status": "Online",
				"databaseId": g.uuid(), "creationDate": g.now.Format(time.RFC3339), "currentServiceObjectiveName": "GP_S_Gen5_2",
				"requestedBackupStorageRedundancy": "Geo", "zoneRedundant": false, "autoPauseDelay": 60, "minCapacity": 0.5}})
		if !ok {
			return
		}
		if d == 0 && h.workspace != nil && !g.diag(sub, rg, db, h.workspace) {
			return
		}
	}
	if !g.privateEndpoint(sub, rg, "pe-"+sqlName, loc, snPE, sqlSrv, "sqlServer") {
		return
	}
	w := &workload{sub: sub, h: h, rg: rg, app: app, env: env, loc: loc, sfx: sfx, k: k, global: global, tags: tags,
		uai: uai, kvName: kvName, snPE: snPE, snAGW: snAGW, snACA: snACA, siteHosts: siteHosts}
	if wantAppGateway(global) && !g.appGateway(w) {
		return
	}
	if wantCosmos(global) && !g.cosmos(w) {
		return
	}
	if wantContainerApps(global) && !g.containerApps(w) {
		return
	}
	if global%3 != 0 {
		return
	}
	// AKS + ACR.
	acrName := "acr" + app + strings.ReplaceAll(sfx, "-", "") + fmt.Sprint(k)
	acr, ok := g.add(sub, rg, provID(rg, "Microsoft.ContainerRegistry/registries/"+acrName), "Microsoft.ContainerRegistry/registries", loc, map[string]any{
		"tags": tags, "sku": map[string]any{"name": "Premium", "tier": "Premium"},
		"properties": map[string]any{"loginServer": acrName + ".azurecr.io", "adminUserEnabled": false, "publicNetworkAccess": "Enabled",
			"zoneRedundancy": "Disabled", "creationDate": g.now.Format(time.RFC3339)}})
	if !ok {
		return
	}
	aksName := "aks-" + app + "-" + env
	aksID := provID(rg, "Microsoft.ContainerService/managedClusters/"+aksName)
	sysPool := map[string]any{"name": "system", "count": 3, "vmSize": "Standard_D4s_v5", "osDiskSizeGB": 128, "osType": "Linux", "mode": "System",
		"type": "VirtualMachineScaleSets", "vnetSubnetID": snApp.id, "maxPods": 30, "orchestratorVersion": "1.30.5", "enableAutoScaling": false,
		"provisioningState": "Succeeded", "powerState": map[string]any{"code": "Running"}}
	aks, ok := g.add(sub, rg, aksID, "Microsoft.ContainerService/managedClusters", loc, map[string]any{
		"tags": tags, "sku": map[string]any{"name": "Base", "tier": "Standard"},
		"identity": map[string]any{"type": "UserAssigned", "userAssignedIdentities": userAssigned(uai)},
		"properties": map[string]any{"kubernetesVersion": "1.30.5", "dnsPrefix": aksName, "fqdn": aksName + "-" + g.suffix(8) + ".hcp." + loc + ".azmk8s.io",
			"agentPoolProfiles": []any{sysPool}, "enableRBAC": true, "nodeResourceGroup": "MC_" + rg.name + "_" + aksName + "_" + loc,
			"networkProfile":  map[string]any{"networkPlugin": "azure", "networkPolicy": "azure", "loadBalancerSku": "standard", "serviceCidr": "10.250.0.0/16", "dnsServiceIP": "10.250.0.10"},
			"aadProfile":      map[string]any{"managed": true, "enableAzureRBAC": true, "tenantID": g.t.id},
			"addonProfiles":   map[string]any{"omsagent": map[string]any{"enabled": h.workspace != nil, "config": map[string]any{"logAnalyticsWorkspaceResourceID": workspaceID(h)}}},
			"identityProfile": map[string]any{"kubeletidentity": map[string]any{"resourceId": uai.id, "clientId": uaiProps["clientId"], "objectId": uaiProps["principalId"]}}}})
	if !ok {
		return
	}
	poolBody := map[string]any{}
	for k, v := range sysPool {
		if k != "name" {
			poolBody[k] = v
		}
	}
	if _, ok := g.add(sub, rg, aks.id+"/agentPools/system", "Microsoft.ContainerService/managedClusters/agentPools", "", map[string]any{"properties": poolBody}); !ok {
		return
	}
	g.roleAssignment(sub, rg.name, acr.id, acr.key, uaiProps["principalId"].(string), "ServicePrincipal", builtinRoles[6].guid)
	if h.workspace != nil {
		g.diag(sub, rg, aks, h.workspace)
	}
}

func workspaceID(h *hub) any {
	if h.workspace == nil {
		return nil
	}
	return h.workspace.id
}
