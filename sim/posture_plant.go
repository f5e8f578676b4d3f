package sim

import (
	"fmt"
	"strings"
	"time"

	"github.com/atg-go/atg/engine/graph"
)

// Posture ground truth (Options.PlantPosture): a resource group of planted misconfigurations
// with compliant counterparts, attack paths and non-paths, deterministic per seed and listed in
// the truth file, so `atg posture` can be scored (precision and recall per rule) against it.

// PostureTruth lists what the simulator planted for posture.
type PostureTruth struct {
	// Now is the clock the planted credential dates are relative to (posture.Options.Now).
	Now string `json:"now"`
	// ResourceGroup is the planted resource group (lower-cased id).
	ResourceGroup string `json:"resource_group"`
	// Findings are the (rule, node key) pairs a correct run reports on planted resources.
	Findings []PlantedFinding `json:"findings"`
	// Compliant are pairs that must not be reported; Rule "*" means no rule at all.
	Compliant []PlantedFinding `json:"compliant"`
	// Paths are shortest attack paths a correct run reports (node keys, source first).
	Paths []PlantedPath `json:"paths"`
	// NoPaths are targets no path of that source kind may reach.
	NoPaths []PlantedPath `json:"no_paths"`
}

// PlantedFinding is one planted (rule, resource) pair; Resource is a graph node key.
type PlantedFinding struct {
	Rule     string `json:"rule"`
	Resource string `json:"resource"`
}

// PlantedPath is a planted attack path (or non-path when Steps is empty).
type PlantedPath struct {
	SourceKind string   `json:"source_kind"` // internet | principal
	TargetKind string   `json:"target_kind,omitempty"`
	Target     string   `json:"target"`
	Steps      []string `json:"steps,omitempty"` // node keys; "internet" for the internet
}

type planter struct {
	*gen
	sub *subscription
	rg  *resourceGroup
	loc string
	pt  *PostureTruth
	la  *resource
}

func (p *planter) finding(rule string, ids ...string) {
	for _, id := range ids {
		p.pt.Findings = append(p.pt.Findings, PlantedFinding{Rule: rule, Resource: graph.NormalizeID(id)})
	}
}

func (p *planter) compliant(id string, rules ...string) {
	if len(rules) == 0 {
		rules = []string{"*"}
	}
	for _, r := range rules {
		p.pt.Compliant = append(p.pt.Compliant, PlantedFinding{Rule: r, Resource: graph.NormalizeID(id)})
	}
}

func (p *planter) res(typ, name string, body map[string]any) *resource {
	r, _ := p.add(p.sub, p.rg, provID(p.rg, typ+"/"+name), typ, p.loc, body)
	return r
}

// child plants a child resource: parent's id + "/" + seg + "/" + name, of type parent's + "/" + seg.
func (p *planter) child(parent *resource, seg, name string, body map[string]any) *resource {
	r, _ := p.add(p.sub, p.rg, parent.id+"/"+seg+"/"+name, parent.typ+"/"+seg, "", body)
	return r
}

// ra plants a role assignment and returns its node key.
func (p *planter) ra(scope, principal, ptype, roleGUID string) string {
	name := p.uuid()
	id := scope + "/providers/Microsoft.Authorization/roleAssignments/" + name
	parent := ""
	rg := ""
	if strings.Contains(strings.ToLower(scope), "/resourcegroups/") {
		rg = p.rg.name
		if strings.Contains(strings.ToLower(scope), "/providers/") {
			parent = strings.ToLower(scope)
		}
	}
	p.s.put(&resource{id: id, key: strings.ToLower(id), typ: "Microsoft.Authorization/roleAssignments", ltyp: raType,
		sub: p.sub.id, rg: rg, parent: parent, created: p.now, changed: p.now, body: map[string]any{
			"id": id, "name": name, "type": "Microsoft.Authorization/roleAssignments",
			"properties": map[string]any{"roleDefinitionId": roleDefID(p.sub.id, roleGUID), "principalId": principal, "principalType": ptype,
				"scope": scope, "condition": nil, "conditionVersion": nil, "createdOn": p.now.Format(time.RFC3339), "updatedOn": p.now.Format(time.RFC3339)}}})
	return strings.ToLower(id)
}

func nsgRule(name, src, port, access string, prio int) map[string]any {
	return map[string]any{"name": name, "properties": map[string]any{"protocol": "Tcp", "sourcePortRange": "*", "destinationPortRange": port,
		"sourceAddressPrefix": src, "destinationAddressPrefix": "*", "access": access, "priority": prio, "direction": "Inbound",
		"provisioningState": "Succeeded", "sourcePortRanges": []any{}, "destinationPortRanges": []any{}, "sourceAddressPrefixes": []any{}, "destinationAddressPrefixes": []any{}}}
}

func (p *planter) nsg(name string, diag bool, rules ...map[string]any) *resource {
	id := provID(p.rg, "Microsoft.Network/networkSecurityGroups/"+name)
	list := []any{}
	for _, r := range rules {
		r["id"] = id + "/securityRules/" + r["name"].(string)
		r["type"] = "Microsoft.Network/networkSecurityGroups/securityRules"
		list = append(list, r)
	}
	n := p.res("Microsoft.Network/networkSecurityGroups", name, map[string]any{"properties": map[string]any{"securityRules": list}})
	if diag {
		p.diag(p.sub, p.rg, n, p.la)
	}
	return n
}

// vm plants a NIC (optionally with a public IP, NSG, LB backend pool) and a VM on it.
func (p *planter) vm(name string, subnet, pip, nsg *resource, pool string, identity map[string]any) (vm, nic *resource) {
	nicID := provID(p.rg, "Microsoft.Network/networkInterfaces/nic-"+name)
	ipc := map[string]any{"privateIPAddress": fmt.Sprintf("10.250.0.%d", 4+p.rng.IntN(200)), "privateIPAllocationMethod": "Dynamic",
		"subnet": ref(subnet.id), "primary": true, "privateIPAddressVersion": "IPv4"}
	if pip != nil {
		ipc["publicIPAddress"] = ref(pip.id)
	}
	if pool != "" {
		ipc["loadBalancerBackendAddressPools"] = []any{ref(pool)}
	}
	props := map[string]any{"ipConfigurations": []any{map[string]any{"name": "ipconfig1", "id": nicID + "/ipConfigurations/ipconfig1", "properties": ipc}}}
	if nsg != nil {
		props["networkSecurityGroup"] = ref(nsg.id)
	}
	nic = p.res("Microsoft.Network/networkInterfaces", "nic-"+name, map[string]any{"properties": props})
	body := map[string]any{"properties": map[string]any{"vmId": p.uuid(),
		"hardwareProfile": map[string]any{"vmSize": "Standard_B2ms"},
		"storageProfile": map[string]any{"imageReference": map[string]any{"publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"},
			"osDisk": map[string]any{"osType": "Linux", "createOption": "FromImage", "managedDisk": map[string]any{"storageAccountType": "Premium_LRS"}}},
		"osProfile":      map[string]any{"computerName": name, "adminUsername": "azureuser", "linuxConfiguration": map[string]any{"disablePasswordAuthentication": true}},
		"networkProfile": map[string]any{"networkInterfaces": []any{map[string]any{"id": nic.id, "properties": map[string]any{"primary": true}}}}}}
	if identity != nil {
		body["identity"] = identity
	}
	vm = p.res("Microsoft.Compute/virtualMachines", name, body)
	nic.body["properties"].(map[string]any)["virtualMachine"] = ref(vm.id)
	return vm, nic
}

func (p *planter) lb(name string, backendPort int) (lb *resource, pip *resource, pool string) {
	pip, _ = p.pip(p.sub, p.rg, "pip-"+name, p.loc, "Standard")
	id := provID(p.rg, "Microsoft.Network/loadBalancers/"+name)
	pool = id + "/backendAddressPools/be"
	lb = p.res("Microsoft.Network/loadBalancers", name, map[string]any{"sku": map[string]any{"name": "Standard"}, "properties": map[string]any{
		"frontendIPConfigurations": []any{map[string]any{"name": "fe", "id": id + "/frontendIPConfigurations/fe", "properties": map[string]any{"publicIPAddress": ref(pip.id)}}},
		"backendAddressPools":      []any{map[string]any{"name": "be", "id": pool, "properties": map[string]any{}}},
		"loadBalancingRules": []any{map[string]any{"name": "r", "id": id + "/loadBalancingRules/r", "properties": map[string]any{
			"frontendIPConfiguration": ref(id + "/frontendIPConfigurations/fe"), "backendAddressPool": ref(pool),
			"protocol": "Tcp", "frontendPort": backendPort, "backendPort": backendPort}}},
		"inboundNatRules": []any{}}})
	return lb, pip, pool
}

func (p *planter) user(name string, guest bool) string {
	id := p.uuid()
	upn := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@" + p.t.domain
	if guest {
		upn = strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "_fabrikam.com#EXT#@" + p.t.domain
	}
	p.t.addObject(&dirObject{kind: "user", id: id, body: map[string]any{"id": id, "displayName": name, "userPrincipalName": upn,
		"mail": nil, "accountEnabled": true, "userType": ifs(guest, "Guest", "Member")}})
	return id
}

func (p *planter) group(name string) string {
	id := p.uuid()
	p.t.addObject(&dirObject{kind: "group", id: id, body: map[string]any{"id": id, "displayName": name, "mailNickname": name,
		"securityEnabled": true, "mailEnabled": false, "groupTypes": []any{}}})
	return id
}

func (p *planter) app(name string, start, end time.Time) string {
	appID, objID := p.uuid(), p.uuid()
	p.t.addObject(&dirObject{kind: "application", id: objID, body: map[string]any{"id": objID, "appId": appID, "displayName": name,
		"signInAudience": "AzureADMyOrg", "keyCredentials": []any{},
		"passwordCredentials": []any{map[string]any{"keyId": p.uuid(), "displayName": "ci-secret", "hint": "abc",
			"startDateTime": start.Format(time.RFC3339), "endDateTime": end.Format(time.RFC3339), "secretText": nil}}}})
	return objID
}

func (p *planter) sp(name string) string {
	id := p.uuid()
	p.addSP(id, p.uuid(), name, "Application")
	return id
}

// plantPosture plants the posture scenarios into the tenant's first subscription.
func plantPosture(s *store, t *tenant, sub *subscription, seed int64) *PostureTruth {
	g := &gen{s: s, rng: newRand(seed, 0x9057), t: t, budget: 1 << 30, now: time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)}
	sfx := g.suffix(4)
	loc := regions[g.rng.IntN(len(regions))]
	rg := s.addRG(sub, "rg-posture-"+sfx, loc, map[string]any{"purpose": "posture-ground-truth"})
	p := &planter{gen: g, sub: sub, rg: rg, loc: loc, pt: &PostureTruth{Now: g.now.Format(time.RFC3339), ResourceGroup: rg.key}}
	p.la = p.res("Microsoft.OperationalInsights/workspaces", "log-posture-"+sfx, map[string]any{"properties": map[string]any{"retentionInDays": 30}})
	subKey := "/subscriptions/" + sub.id
	rgScope := rg.id

	vnetID := provID(rg, "Microsoft.Network/virtualNetworks/vnet-posture")
	p.res("Microsoft.Network/virtualNetworks", "vnet-posture", map[string]any{"properties": map[string]any{"addressSpace": map[string]any{"addressPrefixes": []any{"10.250.0.0/16"}}}})
	snPlain, _ := p.subnet(sub, rg, vnetID, "snet-plain", "10.250.0.0/24", nil, nil)
	nsgAny := p.nsg("nsg-any-"+sfx, false, nsgRule("allow-any", "0.0.0.0/0", "*", "Allow", 100))
	snAny, _ := p.subnet(sub, rg, vnetID, "snet-any", "10.250.1.0/24", nsgAny, nil)

	// 1. SSH open to the internet on a VM whose managed identity owns the subscription.
	nsgSSH := p.nsg("nsg-ssh-"+sfx, false, nsgRule("allow-ssh", "Internet", "22", "Allow", 100))
	pipSSH, _ := p.pip(sub, rg, "pip-vm-ssh-"+sfx, loc, "Standard")
	vmSSH, nicSSH := p.vm("vm-ssh-"+sfx, snPlain, pipSSH, nsgSSH, "", g.systemIdentity("vm-ssh-"+sfx))
	spSSH := principalOf(vmSSH)
	raOwner := p.ra(subKey, spSSH, "ServicePrincipal", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635")
	p.finding("ATG-NET-001", vmSSH.id)
	p.finding("ATG-NET-015", vmSSH.id)
	p.finding("ATG-IAM-005", vmSSH.id)
	p.finding("ATG-NET-006", nsgSSH.id)
	p.finding("ATG-LOG-002", nsgSSH.id)
	p.finding("ATG-IAM-001", raOwner)
	p.compliant(vmSSH.id, "ATG-NET-002", "ATG-NET-003", "ATG-NET-004")
	p.pt.Paths = append(p.pt.Paths, PlantedPath{SourceKind: "internet", TargetKind: "subscription-owner", Target: subKey,
		Steps: []string{"internet", pipSSH.key, nicSSH.key, vmSSH.key, strings.ToLower(spSSH), subKey}})

	// 1'. Compliant: SSH only from a private range; a broad identity, but not exposed.
	nsgSSHok := p.nsg("nsg-ssh-ok-"+sfx, true, nsgRule("allow-ssh-corp", "10.0.0.0/8", "22", "Allow", 100))
	pipSSHok, _ := p.pip(sub, rg, "pip-vm-ssh-ok-"+sfx, loc, "Standard")
	vmSSHok, _ := p.vm("vm-ssh-ok-"+sfx, snPlain, pipSSHok, nsgSSHok, "", g.systemIdentity("vm-ssh-ok-"+sfx))
	raOK := p.ra(rgScope, principalOf(vmSSHok), "ServicePrincipal", "b24988ac-6180-42a0-ab88-20f7382dd24c")
	p.finding("ATG-NET-015", vmSSHok.id)
	p.compliant(vmSSHok.id, "ATG-NET-001", "ATG-NET-002", "ATG-NET-003", "ATG-NET-004", "ATG-IAM-005")
	p.compliant(nsgSSHok.id)
	p.compliant(raOK)

	// 2. RDP open from any source.
	nsgRDP := p.nsg("nsg-rdp-"+sfx, false, nsgRule("allow-rdp", "*", "3389", "Allow", 110))
	pipRDP, _ := p.pip(sub, rg, "pip-vm-rdp-"+sfx, loc, "Standard")
	vmRDP, _ := p.vm("vm-rdp-"+sfx, snPlain, pipRDP, nsgRDP, "", nil)
	p.finding("ATG-NET-002", vmRDP.id)
	p.finding("ATG-NET-015", vmRDP.id)
	p.finding("ATG-NET-006", nsgRDP.id)
	p.finding("ATG-LOG-002", nsgRDP.id)
	p.compliant(vmRDP.id, "ATG-NET-001", "ATG-NET-003", "ATG-NET-004", "ATG-IAM-005")

	// 3. Every port open through the subnet's NSG.
	pipAny, _ := p.pip(sub, rg, "pip-vm-any-"+sfx, loc, "Standard")
	vmAny, _ := p.vm("vm-any-"+sfx, snAny, pipAny, nil, "", nil)
	p.finding("ATG-NET-001", vmAny.id)
	p.finding("ATG-NET-002", vmAny.id)
	p.finding("ATG-NET-003", vmAny.id)
	p.finding("ATG-NET-015", vmAny.id)
	p.finding("ATG-NET-006", nsgAny.id)
	p.finding("ATG-LOG-002", nsgAny.id)
	p.compliant(vmAny.id, "ATG-NET-004")

	// 4. A public IP with no NSG anywhere; the VM's user-assigned identity reads a storage account.
	uaiProps := map[string]any{"tenantId": t.id, "principalId": g.uuid(), "clientId": g.uuid()}
	uai := p.res("Microsoft.ManagedIdentity/userAssignedIdentities", "id-posture-"+sfx, map[string]any{"properties": uaiProps})
	g.addSP(uaiProps["principalId"].(string), uaiProps["clientId"].(string), "id-posture-"+sfx, "ManagedIdentity")
	pipOpen, _ := p.pip(sub, rg, "pip-vm-open-"+sfx, loc, "Standard")
	vmOpen, nicOpen := p.vm("vm-open-"+sfx, snPlain, pipOpen, nil, "", map[string]any{"type": "UserAssigned", "userAssignedIdentities": userAssigned(uai)})
	p.finding("ATG-NET-004", vmOpen.id)
	p.finding("ATG-NET-015", vmOpen.id)
	p.compliant(vmOpen.id, "ATG-NET-001", "ATG-NET-002", "ATG-NET-003", "ATG-IAM-005")

	// 5. RDP forwarded by a public load balancer; 5'. only HTTPS forwarded.
	_, _, poolRDP := p.lb("lb-rdp-"+sfx, 3389)
	nsgLB := p.nsg("nsg-lb-rdp-"+sfx, false, nsgRule("allow-rdp", "Internet", "3389", "Allow", 100))
	vmLB, _ := p.vm("vm-lb-rdp-"+sfx, snPlain, nil, nsgLB, poolRDP, nil)
	p.finding("ATG-NET-002", vmLB.id)
	p.finding("ATG-NET-006", nsgLB.id)
	p.finding("ATG-LOG-002", nsgLB.id)
	p.compliant(vmLB.id, "ATG-NET-001", "ATG-NET-003", "ATG-NET-004", "ATG-NET-015")
	_, _, poolWeb := p.lb("lb-web-"+sfx, 443)
	nsgWeb := p.nsg("nsg-lb-web-"+sfx, true, nsgRule("allow-https", "Internet", "443", "Allow", 100))
	vmWeb, _ := p.vm("vm-lb-web-"+sfx, snPlain, nil, nsgWeb, poolWeb, nil)
	p.compliant(vmWeb.id)
	p.compliant(nsgWeb.id)

	// 6. A scale set with instance public IPs and SSH open.
	nsgSS := p.nsg("nsg-vmss-"+sfx, false, nsgRule("allow-ssh", "*", "22", "Allow", 100))
	vmss := p.res("Microsoft.Compute/virtualMachineScaleSets", "vmss-"+sfx, map[string]any{"sku": map[string]any{"name": "Standard_B2ms", "capacity": 2},
		"properties": map[string]any{"orchestrationMode": "Uniform", "virtualMachineProfile": map[string]any{"networkProfile": map[string]any{
			"networkInterfaceConfigurations": []any{map[string]any{"name": "nic", "properties": map[string]any{"primary": true,
				"networkSecurityGroup": ref(nsgSS.id), "ipConfigurations": []any{map[string]any{"name": "ipc", "properties": map[string]any{
					"subnet": ref(snPlain.id), "publicIPAddressConfiguration": map[string]any{"name": "pub", "properties": map[string]any{"idleTimeoutInMinutes": 15}}}}}}}}}}}})
	p.finding("ATG-NET-005", vmss.id)
	p.finding("ATG-NET-006", nsgSS.id)
	p.finding("ATG-LOG-002", nsgSS.id)

	// 7. Storage: everything open vs. compliant.
	stWeak := p.res("Microsoft.Storage/storageAccounts", "stweak"+sfx, map[string]any{"kind": "StorageV2", "sku": map[string]any{"name": "Standard_LRS"},
		"properties": map[string]any{"publicNetworkAccess": "Enabled", "networkAcls": map[string]any{"defaultAction": "Allow", "bypass": "AzureServices"},
			"minimumTlsVersion": "TLS1_0", "supportsHttpsTrafficOnly": false, "allowBlobPublicAccess": true, "allowSharedKeyAccess": true}})
	bsWeak := p.child(stWeak, "blobServices", "default", map[string]any{"properties": map[string]any{"deleteRetentionPolicy": map[string]any{"enabled": false}}})
	ctWeak := p.child(bsWeak, "containers", "public", map[string]any{"properties": map[string]any{"publicAccess": "Container"}})
	for _, r := range []string{"ATG-NET-007", "ATG-DP-003", "ATG-DP-004", "ATG-DP-005"} {
		p.finding(r, stWeak.id)
	}
	p.finding("ATG-DP-015", bsWeak.id)
	p.finding("ATG-DP-006", ctWeak.id)
	raBlob := p.ra(stWeak.id, uaiProps["principalId"].(string), "ServicePrincipal", "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1")
	p.compliant(raBlob)
	p.pt.Paths = append(p.pt.Paths, PlantedPath{SourceKind: "internet", TargetKind: "storage-data", Target: stWeak.key,
		Steps: []string{"internet", pipOpen.key, nicOpen.key, vmOpen.key, uai.key, strings.ToLower(uaiProps["principalId"].(string)), stWeak.key}})
	stOK := p.res("Microsoft.Storage/storageAccounts", "stok"+sfx, map[string]any{"kind": "StorageV2", "sku": map[string]any{"name": "Standard_LRS"},
		"properties": map[string]any{"publicNetworkAccess": "Disabled", "networkAcls": map[string]any{"defaultAction": "Deny", "bypass": "AzureServices"},
			"minimumTlsVersion": "TLS1_2", "supportsHttpsTrafficOnly": true, "allowBlobPublicAccess": false, "allowSharedKeyAccess": false}})
	bsOK := p.child(stOK, "blobServices", "default", map[string]any{"properties": map[string]any{"deleteRetentionPolicy": map[string]any{"enabled": true, "days": 7}}})
	ctOK := p.child(bsOK, "containers", "private", map[string]any{"properties": map[string]any{"publicAccess": "None"}})
	p.compliant(stOK.id)
	p.compliant(bsOK.id)
	p.compliant(ctOK.id)
	p.pt.NoPaths = append(p.pt.NoPaths, PlantedPath{SourceKind: "internet", Target: stOK.key})

	// 8. Key vaults; a guest reaches the weak one's secrets through a group; a guest owns the subscription.
	kvWeak := p.res("Microsoft.KeyVault/vaults", "kv-weak-"+sfx, map[string]any{"properties": map[string]any{"tenantId": t.id, "sku": map[string]any{"family": "A", "name": "standard"},
		"enableRbacAuthorization": true, "enableSoftDelete": false, "enablePurgeProtection": false, "publicNetworkAccess": "Enabled",
		"networkAcls": map[string]any{"defaultAction": "Allow", "bypass": "AzureServices"}, "vaultUri": "https://kv-weak-" + sfx + ".vault.azure.net/"}})
	for _, r := range []string{"ATG-DP-001", "ATG-DP-002", "ATG-NET-008", "ATG-LOG-001"} {
		p.finding(r, kvWeak.id)
	}
	kvOK, _ := g.keyVault(sub, rg, "kv-ok-"+sfx, loc, "posture")
	p.diag(sub, rg, kvOK, p.la)
	p.compliant(kvOK.id)
	p.pt.NoPaths = append(p.pt.NoPaths, PlantedPath{SourceKind: "internet", Target: kvOK.key}, PlantedPath{SourceKind: "principal", Target: kvOK.key})
	guest := p.user("Mallory Guest "+sfx, true)
	grp := p.group("sg-posture-kv-readers-" + sfx)
	g.addMember(grp, guest, "user")
	raKV := p.ra(kvWeak.id, grp, "Group", "4633458b-17de-408a-b874-0445c86b69e6")
	p.compliant(raKV)
	p.pt.Paths = append(p.pt.Paths, PlantedPath{SourceKind: "principal", TargetKind: "key-vault-secrets", Target: kvWeak.key,
		Steps: []string{strings.ToLower(guest), strings.ToLower(grp), kvWeak.key}})
	guestOwner := p.user("Trudy Guest "+sfx, true)
	p.finding("ATG-IAM-004", p.ra(subKey, guestOwner, "User", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"))
	member := p.user("Alice Member "+sfx, false)
	p.compliant(p.ra(subKey, member, "User", "acdd72a7-3385-48ef-bd42-f606fba81ae7"))

	// 9. SQL: public, old TLS, SQL auth, an all-addresses firewall rule, a database without logs.
	sqlWeak := p.res("Microsoft.Sql/servers", "sql-weak-"+sfx, map[string]any{"kind": "v12.0", "properties": map[string]any{"administratorLogin": "sqladmin",
		"version": "12.0", "minimalTlsVersion": "1.0", "publicNetworkAccess": "Enabled",
		"administrators": map[string]any{"azureADOnlyAuthentication": false}}})
	fwWeak := p.child(sqlWeak, "firewallRules", "AllowAll", map[string]any{"properties": map[string]any{"startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255"}})
	dbWeak := p.child(sqlWeak, "databases", "appdb", map[string]any{"properties": map[string]any{"collation": "SQL_Latin1_General_CP1_CI_AS"}})
	for _, r := range []string{"ATG-NET-009", "ATG-DP-007", "ATG-DP-014"} {
		p.finding(r, sqlWeak.id)
	}
	p.finding("ATG-NET-010", fwWeak.id)
	p.finding("ATG-LOG-003", dbWeak.id)
	sqlOK := p.res("Microsoft.Sql/servers", "sql-ok-"+sfx, map[string]any{"kind": "v12.0", "properties": map[string]any{"administratorLogin": "sqladmin",
		"version": "12.0", "minimalTlsVersion": "1.2", "publicNetworkAccess": "Disabled",
		"administrators": map[string]any{"administratorType": "ActiveDirectory", "azureADOnlyAuthentication": true}}})
	fwOK := p.child(sqlOK, "firewallRules", "office", map[string]any{"properties": map[string]any{"startIpAddress": "203.0.113.1", "endIpAddress": "203.0.113.8"}})
	dbOK := p.child(sqlOK, "databases", "appdb", map[string]any{"properties": map[string]any{"collation": "SQL_Latin1_General_CP1_CI_AS"}})
	p.diag(sub, rg, dbOK, p.la)
	p.compliant(sqlOK.id)
	p.compliant(fwOK.id)
	p.compliant(dbOK.id)

	// 10-12. Cosmos DB, Redis, container registry.
	cosWeak := p.res("Microsoft.DocumentDB/databaseAccounts", "cosmos-weak-"+sfx, map[string]any{"kind": "GlobalDocumentDB", "properties": map[string]any{
		"databaseAccountOfferType": "Standard", "publicNetworkAccess": "Enabled", "isVirtualNetworkFilterEnabled": false, "ipRules": []any{}, "disableLocalAuth": false}})
	p.finding("ATG-NET-011", cosWeak.id)
	p.finding("ATG-DP-016", cosWeak.id)
	cosOK := p.res("Microsoft.DocumentDB/databaseAccounts", "cosmos-ok-"+sfx, map[string]any{"kind": "GlobalDocumentDB", "properties": map[string]any{
		"databaseAccountOfferType": "Standard", "publicNetworkAccess": "Disabled", "isVirtualNetworkFilterEnabled": true, "ipRules": []any{}, "disableLocalAuth": true}})
	p.compliant(cosOK.id)
	redisWeak := p.res("Microsoft.Cache/redis", "redis-weak-"+sfx, map[string]any{"properties": map[string]any{"sku": map[string]any{"name": "Standard", "family": "C", "capacity": 1},
		"enableNonSslPort": true, "minimumTlsVersion": "1.0", "publicNetworkAccess": "Enabled"}})
	for _, r := range []string{"ATG-NET-012", "ATG-DP-010", "ATG-DP-011"} {
		p.finding(r, redisWeak.id)
	}
	redisOK := p.res("Microsoft.Cache/redis", "redis-ok-"+sfx, map[string]any{"properties": map[string]any{"sku": map[string]any{"name": "Standard", "family": "C", "capacity": 1},
		"enableNonSslPort": false, "minimumTlsVersion": "1.2", "publicNetworkAccess": "Disabled"}})
	p.compliant(redisOK.id)
	acrWeak := p.res("Microsoft.ContainerRegistry/registries", "acrweak"+sfx, map[string]any{"sku": map[string]any{"name": "Premium"}, "properties": map[string]any{
		"adminUserEnabled": true, "publicNetworkAccess": "Enabled", "networkRuleSet": map[string]any{"defaultAction": "Allow"}}})
	p.finding("ATG-NET-013", acrWeak.id)
	p.finding("ATG-DP-017", acrWeak.id)
	acrOK := p.res("Microsoft.ContainerRegistry/registries", "acrok"+sfx, map[string]any{"sku": map[string]any{"name": "Premium"}, "properties": map[string]any{
		"adminUserEnabled": false, "publicNetworkAccess": "Disabled", "networkRuleSet": map[string]any{"defaultAction": "Deny"}}})
	p.compliant(acrOK.id)

	// 13. AKS: public API server without authorized ranges and without logs vs. private with logs.
	aksWeak := p.res("Microsoft.ContainerService/managedClusters", "aks-weak-"+sfx, map[string]any{"properties": map[string]any{"kubernetesVersion": "1.30.5", "dnsPrefix": "aksweak"}})
	p.finding("ATG-NET-014", aksWeak.id)
	p.finding("ATG-LOG-004", aksWeak.id)
	aksOK := p.res("Microsoft.ContainerService/managedClusters", "aks-ok-"+sfx, map[string]any{"properties": map[string]any{"kubernetesVersion": "1.30.5", "dnsPrefix": "aksok",
		"apiServerAccessProfile": map[string]any{"enablePrivateCluster": true}}})
	p.diag(sub, rg, aksOK, p.la)
	p.compliant(aksOK.id)

	// 14. Web apps.
	siteWeak := p.res("Microsoft.Web/sites", "app-weak-"+sfx, map[string]any{"kind": "app", "properties": map[string]any{"httpsOnly": false,
		"publicNetworkAccess": "Enabled", "siteConfig": map[string]any{"minTlsVersion": "1.0"}}})
	p.finding("ATG-DP-008", siteWeak.id)
	p.finding("ATG-DP-009", siteWeak.id)
	siteOK := p.res("Microsoft.Web/sites", "app-ok-"+sfx, map[string]any{"kind": "app", "properties": map[string]any{"httpsOnly": true,
		"publicNetworkAccess": "Enabled", "siteConfig": map[string]any{"minTlsVersion": "1.2"}}})
	p.compliant(siteOK.id)

	// 15. Disks.
	disk := func(name string, props map[string]any) *resource {
		props["diskSizeGB"] = 32
		props["creationData"] = map[string]any{"createOption": "Empty"}
		return p.res("Microsoft.Compute/disks", name, map[string]any{"sku": map[string]any{"name": "StandardSSD_LRS"}, "properties": props})
	}
	dOrphan := disk("disk-orphan-"+sfx, map[string]any{"diskState": "Unattached", "networkAccessPolicy": "AllowAll", "publicNetworkAccess": "Enabled"})
	dNoEnc := disk("disk-noenc-"+sfx, map[string]any{"diskState": "Reserved", "networkAccessPolicy": "DenyAll", "encryptionSettingsCollection": map[string]any{"enabled": false}})
	dOK := disk("disk-ok-"+sfx, map[string]any{"diskState": "Unattached", "networkAccessPolicy": "DenyAll", "publicNetworkAccess": "Disabled",
		"encryption": map[string]any{"type": "EncryptionAtRestWithPlatformKey"}})
	p.finding("ATG-DP-012", dOrphan.id)
	p.finding("ATG-DP-013", dNoEnc.id)
	p.compliant(dOK.id)

	// 16. Service principals with tenant-wide roles, apps with credentials, an orphaned assignment.
	p.finding("ATG-IAM-002", p.ra(subKey, p.sp("sp-access-admin-"+sfx), "ServicePrincipal", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"))
	spCI := p.sp("sp-ci-" + sfx)
	p.finding("ATG-IAM-003", p.ra(subKey, spCI, "ServicePrincipal", "b24988ac-6180-42a0-ab88-20f7382dd24c"))
	p.compliant(p.ra(rgScope, spCI, "ServicePrincipal", "b24988ac-6180-42a0-ab88-20f7382dd24c"))
	p.finding("ATG-IAM-006", p.app("app-long-secret-"+sfx, g.now.AddDate(-1, 0, 0), g.now.AddDate(2, 0, 0)))
	p.finding("ATG-IAM-007", p.app("app-expiring-"+sfx, g.now.AddDate(0, -6, 0), g.now.AddDate(0, 0, 10)))
	p.compliant(p.app("app-ok-"+sfx, g.now.AddDate(0, -1, 0), g.now.AddDate(0, 5, 0)))
	p.finding("ATG-IAM-008", p.ra(rgScope, g.uuid(), "User", "acdd72a7-3385-48ef-bd42-f606fba81ae7"))
	return p.pt
}
