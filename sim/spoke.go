package sim

import (
	"fmt"
	"strings"
	"time"
)

// spoke generates one workload: a resource group with a spoke VNet peered to the hub, VMs,
// a load balancer, storage, key vault, web apps, SQL and (every third) AKS + ACR.
//
// The builders run in this order and draw from the seeded generator in it: reordering them
// (or the draws inside one) changes every tenant generated after the change. Each builder
// returns false when the resource budget ran out; the spoke stops there.
func (g *gen) spoke(sub *subscription, h *hub, k, global int) {
	w, ok := g.spokeBase(sub, h, k, global)
	if !ok {
		return
	}
	for _, build := range []func(*workload) bool{
		g.spokeNetwork,
		g.spokeVMCount,
		g.spokeDedicatedSubnets,
		g.spokeLoadBalancer,
		g.spokeVMs,
		g.spokeStorage,
		g.spokeKeyVault,
		g.spokeWebApps,
		g.spokeSQL,
		optional(wantAppGateway, g.appGateway),
		optional(wantCosmos, g.cosmos),
		optional(wantContainerApps, g.containerApps),
		optional(wantAKS, g.spokeAKS),
	} {
		if !build(w) {
			return
		}
	}
}

// wantAKS: every third spoke runs AKS + ACR.
func wantAKS(global int) bool { return global%3 == 0 }

// optional runs build only in the spokes want selects.
func optional(want func(global int) bool, build func(*workload) bool) func(*workload) bool {
	return func(w *workload) bool { return !want(w.global) || build(w) }
}

// spokeBase adds the spoke's resource group with its RBAC and the workload's user-assigned
// identity (with its service principal).
func (g *gen) spokeBase(sub *subscription, h *hub, k, global int) (*workload, bool) {
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
		return nil, false
	}
	uaiProps := uai.body["properties"].(map[string]any)
	g.addSP(uaiProps["principalId"].(string), uaiProps["clientId"].(string), "id-"+app+"-"+sfx, "ManagedIdentity")
	return &workload{sub: sub, h: h, rg: rg, app: app, env: env, loc: loc, sfx: sfx, k: k, global: global, tags: tags,
		uai: uai, uaiProps: uaiProps, b2: 1 + (k/256)%254, b3: k % 256}, true
}

// spokeNetwork adds the NSGs, the route table to the hub firewall, the spoke VNet with its
// web, app and private endpoint subnets, the peerings with the hub and the private DNS links.
func (g *gen) spokeNetwork(w *workload) bool {
	sub, rg, h, app, env, loc, tags, k := w.sub, w.rg, w.h, w.app, w.env, w.loc, w.tags, w.k
	var ok bool
	w.nsgWeb, ok = g.add(sub, rg, provID(rg, "Microsoft.Network/networkSecurityGroups/nsg-web"), "Microsoft.Network/networkSecurityGroups", loc, map[string]any{
		"tags": tags, "properties": map[string]any{"securityRules": g.nsgRules(provID(rg, "Microsoft.Network/networkSecurityGroups/nsg-web"), 443)}})
	if !ok {
		return false
	}
	w.nsgApp, ok = g.add(sub, rg, provID(rg, "Microsoft.Network/networkSecurityGroups/nsg-app"), "Microsoft.Network/networkSecurityGroups", loc, map[string]any{
		"tags": tags, "properties": map[string]any{"securityRules": g.nsgRules(provID(rg, "Microsoft.Network/networkSecurityGroups/nsg-app"), 8080)}})
	if !ok {
		return false
	}
	if h.workspace != nil {
		g.diag(sub, rg, w.nsgWeb, h.workspace)
	}
	rt, ok := g.add(sub, rg, provID(rg, "Microsoft.Network/routeTables/rt-"+app), "Microsoft.Network/routeTables", loc, map[string]any{
		"tags": tags, "properties": map[string]any{"disableBgpRoutePropagation": true, "routes": []any{
			map[string]any{"name": "to-hub-fw", "id": provID(rg, "Microsoft.Network/routeTables/rt-"+app+"/routes/to-hub-fw"),
				"properties": map[string]any{"addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.0.2.4", "provisioningState": "Succeeded"}}}}})
	if !ok {
		return false
	}
	b2, b3 := w.b2, w.b3
	w.vnetID = provID(rg, fmt.Sprintf("Microsoft.Network/virtualNetworks/vnet-%s-%s", app, env))
	vnet, ok := g.add(sub, rg, w.vnetID, "Microsoft.Network/virtualNetworks", loc, map[string]any{
		"tags": tags, "etag": `W/"` + g.uuid() + `"`,
		"properties": map[string]any{"addressSpace": map[string]any{"addressPrefixes": []any{fmt.Sprintf("10.%d.%d.0/24", b2, b3)}},
			"dhcpOptions": map[string]any{"dnsServers": []any{}}, "enableDdosProtection": false, "resourceGuid": g.uuid()}})
	if !ok {
		return false
	}
	if w.snWeb, ok = g.subnet(sub, rg, w.vnetID, "snet-web", fmt.Sprintf("10.%d.%d.0/26", b2, b3), w.nsgWeb, rt); !ok {
		return false
	}
	if w.snApp, ok = g.subnet(sub, rg, w.vnetID, "snet-app", fmt.Sprintf("10.%d.%d.64/26", b2, b3), w.nsgApp, rt); !ok {
		return false
	}
	if w.snPE, ok = g.subnet(sub, rg, w.vnetID, "snet-pe", fmt.Sprintf("10.%d.%d.128/26", b2, b3), nil, nil); !ok {
		return false
	}
	if h.vnet != nil {
		if !g.peering(sub, rg, vnet, h.vnet, "peer-to-hub", false) {
			return false
		}
		if !g.peering(sub, h.rg, h.vnet, vnet, "peer-to-"+app+"-"+env+fmt.Sprintf("-%03d", k), true) {
			return false
		}
		for _, z := range h.zones {
			if !g.dnsLink(sub, h.rg, z, vnet, fmt.Sprintf("link-%s-%s-%03d", app, env, k)) {
				return false
			}
		}
	}
	return true
}

// spokeVMCount draws the spoke's VM count before the load balancer's random values: a spoke's
// VM count does not depend on them.
func (g *gen) spokeVMCount(w *workload) bool {
	w.nvm = 1 + g.rng.IntN(3)
	return true
}

// spokeDedicatedSubnets adds the dedicated subnets: an application gateway's (nothing else may
// use it) and a container apps environment's (delegated to Microsoft.App/environments), only
// in the spokes that get one.
func (g *gen) spokeDedicatedSubnets(w *workload) bool {
	var ok bool
	if wantAppGateway(w.global) {
		if w.snAGW, ok = g.subnet(w.sub, w.rg, w.vnetID, "snet-appgw", fmt.Sprintf("10.%d.%d.192/27", w.b2, w.b3), nil, nil); !ok {
			return false
		}
	}
	if wantContainerApps(w.global) && acaInVNet(w.global) {
		if w.snACA, ok = g.subnet(w.sub, w.rg, w.vnetID, "snet-aca", fmt.Sprintf("10.%d.%d.224/27", w.b2, w.b3), nil, nil); !ok {
			return false
		}
		w.snACA.body["properties"].(map[string]any)["delegations"] = []any{map[string]any{"name": "Microsoft.App.environments",
			"id": w.snACA.id + "/delegations/Microsoft.App.environments", "type": "Microsoft.Network/virtualNetworks/subnets/delegations",
			"properties": map[string]any{"serviceName": "Microsoft.App/environments", "actions": []any{"Microsoft.Network/virtualNetworks/subnets/join/action"},
				"provisioningState": "Succeeded"}}}
	}
	return true
}

// spokeLoadBalancer adds the public load balancer in front of the VMs: created first, so the
// NICs that join its backend pool reference an existing pool; the pool lists them back
// (backendIPConfigurations) as ARM does.
func (g *gen) spokeLoadBalancer(w *workload) bool {
	sub, rg, app, loc := w.sub, w.rg, w.app, w.loc
	lbPip, ok := g.pip(sub, rg, "pip-lb-"+app, loc, "Standard")
	if !ok {
		return false
	}
	lbID := provID(rg, "Microsoft.Network/loadBalancers/lb-"+app)
	w.poolID = lbID + "/backendAddressPools/be-pool"
	w.pool = map[string]any{"loadBalancingRules": []any{ref(lbID + "/loadBalancingRules/https")}}
	_, ok = g.add(sub, rg, lbID, "Microsoft.Network/loadBalancers", loc, map[string]any{
		"tags": w.tags, "sku": map[string]any{"name": "Standard", "tier": "Regional"},
		"properties": map[string]any{
			"frontendIPConfigurations": []any{map[string]any{"name": "fe-public", "id": lbID + "/frontendIPConfigurations/fe-public",
				"properties": map[string]any{"privateIPAllocationMethod": "Dynamic", "publicIPAddress": ref(lbPip.id)}}},
			"backendAddressPools": []any{map[string]any{"name": "be-pool", "id": w.poolID, "properties": w.pool}},
			"loadBalancingRules": []any{map[string]any{"name": "https", "id": lbID + "/loadBalancingRules/https",
				"properties": map[string]any{"frontendIPConfiguration": ref(lbID + "/frontendIPConfigurations/fe-public"), "backendAddressPool": ref(w.poolID),
					"protocol": "Tcp", "frontendPort": 443, "backendPort": 443, "idleTimeoutInMinutes": 4, "enableFloatingIP": false, "probe": ref(lbID + "/probes/https")}}},
			"probes":          []any{map[string]any{"name": "https", "id": lbID + "/probes/https", "properties": map[string]any{"protocol": "Tcp", "port": 443, "intervalInSeconds": 5, "numberOfProbes": 2}}},
			"inboundNatRules": []any{}, "outboundRules": []any{}}})
	return ok
}

// spokeVMs adds the spoke's VMs (w.nvm of them).
func (g *gen) spokeVMs(w *workload) bool {
	for v := 0; v < w.nvm; v++ {
		if !g.spokeVM(w, v) {
			return false
		}
	}
	return true
}

// spokeVM adds VM v with its NIC (the first one maybe with a public IP; the web tier in the
// load balancer's pool), OS disk, maybe a data disk, and the monitor agent on the first.
func (g *gen) spokeVM(w *workload, v int) bool {
	sub, rg, h, loc, tags := w.sub, w.rg, w.h, w.loc, w.tags
	vmName := fmt.Sprintf("vm-%s-%s-%d", w.app, w.env, v)
	var pip *resource
	var ok bool
	if v == 0 && g.rng.IntN(2) == 0 {
		if pip, ok = g.pip(sub, rg, "pip-"+vmName, loc, "Standard"); !ok {
			return false
		}
	}
	nicID := provID(rg, "Microsoft.Network/networkInterfaces/nic-"+vmName)
	ipc := map[string]any{"privateIPAddress": fmt.Sprintf("10.%d.%d.%d", w.b2, w.b3, 4+v), "privateIPAllocationMethod": "Dynamic",
		"subnet": ref(w.snWeb.id), "primary": true, "privateIPAddressVersion": "IPv4", "provisioningState": "Succeeded"}
	if pip != nil {
		ipc["publicIPAddress"] = ref(pip.id)
	}
	// the web tier (the first two VMs, most of the time) sits behind the load balancer
	if v < 2 && g.rng.IntN(5) != 0 {
		ipc["loadBalancerBackendAddressPools"] = []any{ref(w.poolID)}
		w.members = append(w.members, ref(nicID+"/ipConfigurations/ipconfig1"))
		w.pool["backendIPConfigurations"] = w.members
	}
	nicProps := map[string]any{"ipConfigurations": []any{map[string]any{"name": "ipconfig1", "id": nicID + "/ipConfigurations/ipconfig1",
		"type": "Microsoft.Network/networkInterfaces/ipConfigurations", "properties": ipc}},
		"enableAcceleratedNetworking": true, "enableIPForwarding": false, "nicType": "Standard",
		"dnsSettings": map[string]any{"dnsServers": []any{}}, "macAddress": fmt.Sprintf("00-0D-3A-%02X-%02X-%02X", g.rng.IntN(256), g.rng.IntN(256), g.rng.IntN(256))}
	if v%2 == 1 {
		nicProps["networkSecurityGroup"] = ref(w.nsgApp.id)
	}
	nic, ok := g.add(sub, rg, nicID, "Microsoft.Network/networkInterfaces", loc, map[string]any{"tags": tags, "properties": nicProps})
	if !ok {
		// the budget ran out: the pool lists no NIC that does not exist
		if ipc["loadBalancerBackendAddressPools"] != nil {
			if w.members = w.members[:len(w.members)-1]; len(w.members) == 0 {
				delete(w.pool, "backendIPConfigurations")
			} else {
				w.pool["backendIPConfigurations"] = w.members
			}
		}
		return false
	}
	// The OS disk is what Compute creates for the VM (implicitOSDisk, as a VM PUT does); its
	// body is filled once the VM's body exists. Added first: the budget counts it.
	osUID := g.uuid()
	osDisk, ok := g.add(sub, rg, provID(rg, "Microsoft.Compute/disks/"+vmName+"_OsDisk_1"), "Microsoft.Compute/disks", loc, map[string]any{})
	if !ok {
		return false
	}
	var dataDisk *resource
	if g.rng.IntN(2) == 0 {
		if dataDisk, ok = g.add(sub, rg, provID(rg, "Microsoft.Compute/disks/"+vmName+"-data-0"), "Microsoft.Compute/disks", loc, map[string]any{
			"tags": tags, "sku": map[string]any{"name": "StandardSSD_LRS", "tier": "Standard"}, "zones": []any{"1"},
			"managedBy": provID(rg, "Microsoft.Compute/virtualMachines/"+vmName),
			"properties": map[string]any{"diskSizeGB": 128, "diskState": "Attached", "creationData": map[string]any{"createOption": "Empty"},
				"encryption": map[string]any{"type": "EncryptionAtRestWithPlatformKey"}, "uniqueId": g.uuid(), "timeCreated": g.now.Format(time.RFC3339)}}); !ok {
			return false
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
		return false
	}
	nic.body["properties"].(map[string]any)["virtualMachine"] = ref(vm.id)
	if v == 0 {
		if _, ok := g.add(sub, rg, vm.id+"/extensions/AzureMonitorLinuxAgent", "Microsoft.Compute/virtualMachines/extensions", loc, map[string]any{
			"properties": map[string]any{"publisher": "Microsoft.Azure.Monitor", "type": "AzureMonitorLinuxAgent", "typeHandlerVersion": "1.33",
				"autoUpgradeMinorVersion": true, "enableAutomaticUpgrade": true}}); !ok {
			return false
		}
	}
	if p := principalOf(vm); p != "" && h.kv != nil {
		g.roleAssignment(sub, h.rg.name, h.kv.id, h.kv.key, p, "ServicePrincipal", builtinRoles[5].guid)
	}
	return true
}

// spokeStorage adds the storage account with blob containers and a private endpoint; the
// workload identity may write blobs.
func (g *gen) spokeStorage(w *workload) bool {
	sub, rg, loc := w.sub, w.rg, w.loc
	stName := "st" + w.app + strings.ReplaceAll(w.sfx, "-", "") + fmt.Sprint(w.k)
	if len(stName) > 24 {
		stName = stName[:24]
	}
	w.stName = stName
	st, ok := g.add(sub, rg, provID(rg, "Microsoft.Storage/storageAccounts/"+stName), "Microsoft.Storage/storageAccounts", loc, map[string]any{
		"tags": w.tags, "sku": map[string]any{"name": "Standard_GRS", "tier": "Standard"}, "kind": "StorageV2",
		"properties": map[string]any{"accessTier": "Hot", "allowBlobPublicAccess": false, "minimumTlsVersion": "TLS1_2", "supportsHttpsTrafficOnly": true,
			"publicNetworkAccess": "Disabled", "allowSharedKeyAccess": false, "isHnsEnabled": false,
			"networkAcls": map[string]any{"bypass": "AzureServices", "defaultAction": "Deny", "ipRules": []any{}, "virtualNetworkRules": []any{}},
			"encryption":  map[string]any{"keySource": "Microsoft.Storage", "services": map[string]any{"blob": map[string]any{"enabled": true, "keyType": "Account"}, "file": map[string]any{"enabled": true, "keyType": "Account"}}},
			"primaryEndpoints": map[string]any{"blob": "https://" + stName + ".blob.core.windows.net/", "dfs": "https://" + stName + ".dfs.core.windows.net/",
				"file": "https://" + stName + ".file.core.windows.net/", "queue": "https://" + stName + ".queue.core.windows.net/",
				"table": "https://" + stName + ".table.core.windows.net/", "web": "https://" + stName + ".z13.web.core.windows.net/"},
			"primaryLocation": loc, "statusOfPrimary": "available", "creationTime": g.now.Format(time.RFC3339)}})
	if !ok {
		return false
	}
	bs, ok := g.add(sub, rg, st.id+"/blobServices/default", "Microsoft.Storage/storageAccounts/blobServices", "", map[string]any{
		"sku":        map[string]any{"name": "Standard_GRS", "tier": "Standard"},
		"properties": map[string]any{"deleteRetentionPolicy": map[string]any{"enabled": true, "days": 7}, "cors": map[string]any{"corsRules": []any{}}}})
	if !ok {
		return false
	}
	delete(bs.body["properties"].(map[string]any), "provisioningState")
	for _, c := range []string{"data", "logs"} {
		if _, ok := g.add(sub, rg, bs.id+"/containers/"+c, "Microsoft.Storage/storageAccounts/blobServices/containers", "", map[string]any{
			"etag": `"0x8D` + strings.ToUpper(g.suffix(12)) + `"`,
			"properties": map[string]any{"publicAccess": "None", "hasImmutabilityPolicy": false, "hasLegalHold": false, "leaseState": "Available",
				"leaseStatus": "Unlocked", "deleted": false, "remainingRetentionDays": 0, "defaultEncryptionScope": "$account-encryption-key",
				"denyEncryptionScopeOverride": false, "lastModifiedTime": g.now.Format(time.RFC3339)}}); !ok {
			return false
		}
	}
	if !g.privateEndpoint(sub, rg, "pe-"+stName+"-blob", loc, w.snPE, st, "blob") {
		return false
	}
	g.roleAssignment(sub, rg.name, st.id, st.key, w.uaiProps["principalId"].(string), "ServicePrincipal", builtinRoles[4].guid)
	return true
}

// spokeKeyVault adds the key vault with diagnostics and a private endpoint; the workload
// identity may read its secrets.
func (g *gen) spokeKeyVault(w *workload) bool {
	sub, rg, loc := w.sub, w.rg, w.loc
	kvName := "kv-" + w.app + "-" + w.sfx + fmt.Sprint(w.k)
	if len(kvName) > 24 {
		kvName = kvName[:24]
	}
	w.kvName = kvName
	kv, ok := g.keyVault(sub, rg, kvName, loc, w.app)
	if !ok {
		return false
	}
	if w.h.workspace != nil && !g.diag(sub, rg, kv, w.h.workspace) {
		return false
	}
	if !g.privateEndpoint(sub, rg, "pe-"+kvName, loc, w.snPE, kv, "vault") {
		return false
	}
	g.roleAssignment(sub, rg.name, kv.id, kv.key, w.uaiProps["principalId"].(string), "ServicePrincipal", builtinRoles[5].guid)
	return true
}

// spokeWebApps adds the app service plan and two web apps using the workload identity and Key
// Vault references; the very first web app carries the planted fake storage secret.
func (g *gen) spokeWebApps(w *workload) bool {
	sub, rg, app, env, loc, tags := w.sub, w.rg, w.app, w.env, w.loc, w.tags
	planID := provID(rg, "Microsoft.Web/serverfarms/asp-"+app+"-"+env)
	plan, ok := g.add(sub, rg, planID, "Microsoft.Web/serverfarms", loc, map[string]any{
		"tags": tags, "kind": "linux", "sku": map[string]any{"name": "P1v3", "tier": "PremiumV3", "size": "P1v3", "family": "Pv3", "capacity": 1},
		"properties": map[string]any{"reserved": true, "maximumNumberOfWorkers": 30, "numberOfSites": 2, "status": "Ready", "zoneRedundant": false}})
	if !ok {
		return false
	}
	for i := 0; i < 2; i++ {
		siteName := fmt.Sprintf("app-%s-%s-%s-%d", app, env, w.sfx, i)
		settings := []any{
			map[string]any{"name": "APPLICATIONINSIGHTS_CONNECTION_STRING", "value": "InstrumentationKey=" + g.uuid()},
			map[string]any{"name": "DB_PASSWORD", "value": "@Microsoft.KeyVault(SecretUri=https://" + w.kvName + ".vault.azure.net/secrets/db-password/)"},
		}
		if !g.firstSite {
			g.firstSite = true
			settings = append(settings, map[string]any{"name": "STORAGE_CONNECTION_STRING",
				"value": "DefaultEndpointsProtocol=https;AccountName=" + w.stName + ";AccountKey=" + FakeSecretAccountKey + ";EndpointSuffix=core.windows.net"})
		}
		if _, ok := g.add(sub, rg, provID(rg, "Microsoft.Web/sites/"+siteName), "Microsoft.Web/sites", loc, map[string]any{
			"tags": tags, "kind": "app,linux",
			"identity": map[string]any{"type": "UserAssigned", "userAssignedIdentities": userAssigned(w.uai)},
			"properties": map[string]any{"serverFarmId": plan.id, "state": "Running", "enabled": true, "httpsOnly": true, "reserved": true,
				"hostNames": []any{siteName + ".azurewebsites.net"}, "defaultHostName": siteName + ".azurewebsites.net",
				"keyVaultReferenceIdentity": w.uai.id, "virtualNetworkSubnetId": w.snApp.id, "publicNetworkAccess": "Enabled",
				"siteConfig": map[string]any{"linuxFxVersion": "DOTNETCORE|8.0", "alwaysOn": true, "ftpsState": "Disabled", "minTlsVersion": "1.2",
					"http20Enabled": true, "appSettings": settings}}}); !ok {
			return false
		}
		w.siteHosts = append(w.siteHosts, siteName+".azurewebsites.net")
	}
	return true
}

// spokeSQL adds the SQL server (Entra-only admin group) with two databases and a private
// endpoint.
func (g *gen) spokeSQL(w *workload) bool {
	sub, rg, h, loc, tags := w.sub, w.rg, w.h, w.loc, w.tags
	sqlName := "sql-" + w.app + "-" + w.env + "-" + w.sfx + fmt.Sprint(w.k)
	sqlSrv, ok := g.add(sub, rg, provID(rg, "Microsoft.Sql/servers/"+sqlName), "Microsoft.Sql/servers", loc, map[string]any{
		"tags": tags, "kind": "v12.0", "identity": g.systemIdentity(sqlName),
		"properties": map[string]any{"administratorLogin": "sqladmin", "version": "12.0", "state": "Ready", "fullyQualifiedDomainName": sqlName + ".database.windows.net",
			"minimalTlsVersion": "1.2", "publicNetworkAccess": "Disabled", "restrictOutboundNetworkAccess": "Disabled",
			"administrators": map[string]any{"administratorType": "ActiveDirectory", "principalType": "Group", "login": "sql-admins",
				"sid": g.groups[w.global%len(g.groups)], "tenantId": g.t.id, "azureADOnlyAuthentication": true}}})
	if !ok {
		return false
	}
	for d, dbn := range []string{"appdb", "reportingdb"} {
		db, ok := g.add(sub, rg, sqlSrv.id+"/databases/"+dbn, "Microsoft.Sql/servers/databases", loc, map[string]any{
			"tags": tags, "kind": "v12.0,user", "sku": map[string]any{"name": "GP_S_Gen5", "tier": "GeneralPurpose", "family": "Gen5", "capacity": 2},
			"properties": map[string]any{"collation": "SQL_Latin1_General_CP1_CI_AS", "maxSizeBytes": 34359738368, "status": "Online",
				"databaseId": g.uuid(), "creationDate": g.now.Format(time.RFC3339), "currentServiceObjectiveName": "GP_S_Gen5_2",
				"requestedBackupStorageRedundancy": "Geo", "zoneRedundant": false, "autoPauseDelay": 60, "minCapacity": 0.5}})
		if !ok {
			return false
		}
		if d == 0 && h.workspace != nil && !g.diag(sub, rg, db, h.workspace) {
			return false
		}
	}
	return g.privateEndpoint(sub, rg, "pe-"+sqlName, loc, w.snPE, sqlSrv, "sqlServer")
}

// spokeAKS adds the container registry and the AKS cluster (kubelet identity: the workload
// identity, which may pull from the registry) with its system agent pool.
func (g *gen) spokeAKS(w *workload) bool {
	sub, rg, h, app, env, loc, tags := w.sub, w.rg, w.h, w.app, w.env, w.loc, w.tags
	acrName := "acr" + app + strings.ReplaceAll(w.sfx, "-", "") + fmt.Sprint(w.k)
	acr, ok := g.add(sub, rg, provID(rg, "Microsoft.ContainerRegistry/registries/"+acrName), "Microsoft.ContainerRegistry/registries", loc, map[string]any{
		"tags": tags, "sku": map[string]any{"name": "Premium", "tier": "Premium"},
		"properties": map[string]any{"loginServer": acrName + ".azurecr.io", "adminUserEnabled": false, "publicNetworkAccess": "Enabled",
			"zoneRedundancy": "Disabled", "creationDate": g.now.Format(time.RFC3339)}})
	if !ok {
		return false
	}
	aksName := "aks-" + app + "-" + env
	aksID := provID(rg, "Microsoft.ContainerService/managedClusters/"+aksName)
	sysPool := map[string]any{"name": "system", "count": 3, "vmSize": "Standard_D4s_v5", "osDiskSizeGB": 128, "osType": "Linux", "mode": "System",
		"type": "VirtualMachineScaleSets", "vnetSubnetID": w.snApp.id, "maxPods": 30, "orchestratorVersion": "1.30.5", "enableAutoScaling": false,
		"provisioningState": "Succeeded", "powerState": map[string]any{"code": "Running"}}
	aks, ok := g.add(sub, rg, aksID, "Microsoft.ContainerService/managedClusters", loc, map[string]any{
		"tags": tags, "sku": map[string]any{"name": "Base", "tier": "Standard"},
		"identity": map[string]any{"type": "UserAssigned", "userAssignedIdentities": userAssigned(w.uai)},
		"properties": map[string]any{"kubernetesVersion": "1.30.5", "dnsPrefix": aksName, "fqdn": aksName + "-" + g.suffix(8) + ".hcp." + loc + ".azmk8s.io",
			"agentPoolProfiles": []any{sysPool}, "enableRBAC": true, "nodeResourceGroup": "MC_" + rg.name + "_" + aksName + "_" + loc,
			"networkProfile":  map[string]any{"networkPlugin": "azure", "networkPolicy": "azure", "loadBalancerSku": "standard", "serviceCidr": "10.250.0.0/16", "dnsServiceIP": "10.250.0.10"},
			"aadProfile":      map[string]any{"managed": true, "enableAzureRBAC": true, "tenantID": g.t.id},
			"addonProfiles":   map[string]any{"omsagent": map[string]any{"enabled": h.workspace != nil, "config": map[string]any{"logAnalyticsWorkspaceResourceID": workspaceID(h)}}},
			"identityProfile": map[string]any{"kubeletidentity": map[string]any{"resourceId": w.uai.id, "clientId": w.uaiProps["clientId"], "objectId": w.uaiProps["principalId"]}}}})
	if !ok {
		return false
	}
	poolBody := map[string]any{}
	for k, v := range sysPool {
		if k != "name" {
			poolBody[k] = v
		}
	}
	if _, ok := g.add(sub, rg, aks.id+"/agentPools/system", "Microsoft.ContainerService/managedClusters/agentPools", "", map[string]any{"properties": poolBody}); !ok {
		return false
	}
	g.roleAssignment(sub, rg.name, acr.id, acr.key, w.uaiProps["principalId"].(string), "ServicePrincipal", builtinRoles[6].guid)
	if h.workspace != nil {
		g.diag(sub, rg, aks, h.workspace)
	}
	return true
}
