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

func workspaceID(h *hub) any {
	if h.workspace == nil {
		return nil
	}
	return h.workspace.id
}
