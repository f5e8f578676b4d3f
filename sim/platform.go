package sim

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Platform-created resources (Options.PlatformResources, --platform-resources): what Azure
// creates on a customer's behalf and real tenants therefore contain, marked the way Azure marks
// them so IaC and create-tenant can skip them with a reason:
//   - a private endpoint's NIC ({pe}-nic, or {pe}.nic.{guid}): properties.privateEndpoint
//     names its endpoint, its ip configuration holds the endpoint's private IP, and the endpoint
//     lists it in networkInterfaces;
//   - an AKS cluster's node resource group MC_{rg}_{cluster}_{location}: managedBy the cluster,
//     tags aks-managed-cluster-name/-rg, with the node pool's scale set, the "kubernetes" load
//     balancer, its outbound public IP and the agent pool NSG (tags aks-managed-*).
// They come on top of Options.Resources (the truth counts them).

func addPlatformResources(st *store, t *tenant, seed int64) {
	now := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	var pes, clusters []*resource
	for _, sid := range t.subs {
		sub := st.subs[sid]
		st.ensureSorted(sub)
		for _, k := range sub.keys {
			switch r := st.res[k]; r.ltyp {
			case "microsoft.network/privateendpoints":
				pes = append(pes, r)
			case "microsoft.containerservice/managedclusters":
				clusters = append(clusters, r)
			}
		}
	}
	put := func(sub *subscription, rgName, id, typ, loc string, body map[string]any) *resource {
		p, _ := parsePath(id)
		body["id"], body["name"], body["type"] = id, p.names[len(p.names)-1], typ
		if loc != "" {
			body["location"] = loc
		}
		props, _ := body["properties"].(map[string]any)
		if props == nil {
			props = map[string]any{}
			body["properties"] = props
		}
		props["provisioningState"] = "Succeeded"
		r := &resource{id: id, key: strings.ToLower(id), typ: typ, ltyp: strings.ToLower(typ), sub: sub.id, rg: rgName,
			parent: p.parentKey(), body: body, created: now, changed: now}
		st.put(r)
		return r
	}
	for _, pe := range pes {
		sub := st.subs[pe.sub]
		props := mmap(pe.body, "properties")
		subnet := st.res[strings.ToLower(mstr(mmap(props, "subnet"), "id"))]
		if subnet == nil {
			continue
		}
		name := mstr(props, "customNetworkInterfaceName")
		if name == "" {
			name = mstr(pe.body, "name") + ".nic." + uuidFrom(hash64(seed, "pe-nic", pe.key))
		}
		rgName := pe.rg
		nicID := rgID(sub.id, rgName) + "/providers/Microsoft.Network/networkInterfaces/" + name
		ipcName := "privateEndpointIpConfig." + uuidFrom(hash64(seed, "pe-ipc", pe.key))
		body := map[string]any{"properties": map[string]any{
			"privateEndpoint": ref(pe.id), "nicType": "Standard", "enableAcceleratedNetworking": false, "enableIPForwarding": false,
			"ipConfigurations": []any{map[string]any{"name": ipcName, "properties": map[string]any{
				"subnet": ref(subnet.id), "privateIPAllocationMethod": "Dynamic", "primary": true, "privateIPAddressVersion": "IPv4"}}}}}
		nic := put(sub, rgName, nicID, "Microsoft.Network/networkInterfaces", mstr(pe.body, "location"), body)
		st.allocateNICAddresses(nic.key, nic.body, nil)
		np := map[string]any{}
		for k, v := range props {
			np[k] = v
		}
		np["networkInterfaces"] = []any{ref(nicID)}
		pe.body["properties"] = np
	}
	sort.Slice(clusters, func(i, j int) bool { return clusters[i].key < clusters[j].key })
	for _, aks := range clusters {
		sub := st.subs[aks.sub]
		props := mmap(aks.body, "properties")
		mc := mstr(props, "nodeResourceGroup")
		if mc == "" || sub.rgs[strings.ToLower(mc)] != nil {
			continue
		}
		loc := mstr(aks.body, "location")
		clusterName := mstr(aks.body, "name")
		managed := func(extra map[string]any) map[string]any {
			m := map[string]any{"aks-managed-cluster-name": clusterName, "aks-managed-cluster-rg": aks.rg}
			for k, v := range extra {
				m[k] = v
			}
			return m
		}
		rg := st.addRG(sub, mc, loc, managed(nil))
		rg.managedBy = aks.id
		digits := fmt.Sprintf("%08d", hash64(seed, "aks-pool", aks.key)%100000000)
		pipName := uuidFrom(hash64(seed, "aks-pip", aks.key))
		pipID := rg.id + "/providers/Microsoft.Network/publicIPAddresses/" + pipName
		put(sub, rg.name, pipID, "Microsoft.Network/publicIPAddresses", loc, map[string]any{
			"tags": managed(map[string]any{"aks-managed-type": "aks-slb-managed-outbound-ip"}), "sku": map[string]any{"name": "Standard", "tier": "Regional"},
			"properties": map[string]any{"publicIPAllocationMethod": "Static", "publicIPAddressVersion": "IPv4",
				"ipAddress":       fmt.Sprintf("20.%d.%d.%d", hash64(seed, "ip1", aks.key)%200+10, hash64(seed, "ip2", aks.key)%250, hash64(seed, "ip3", aks.key)%250+1),
				"ipConfiguration": ref(rg.id + "/providers/Microsoft.Network/loadBalancers/kubernetes/frontendIPConfigurations/" + pipName)}})
		lbID := rg.id + "/providers/Microsoft.Network/loadBalancers/kubernetes"
		put(sub, rg.name, lbID, "Microsoft.Network/loadBalancers", loc, map[string]any{
			"tags": managed(nil), "sku": map[string]any{"name": "Standard", "tier": "Regional"},
			"properties": map[string]any{
				"frontendIPConfigurations": []any{map[string]any{"name": pipName, "id": lbID + "/frontendIPConfigurations/" + pipName,
					"properties": map[string]any{"publicIPAddress": ref(pipID)}}},
				"backendAddressPools": []any{map[string]any{"name": "kubernetes", "id": lbID + "/backendAddressPools/kubernetes"},
					map[string]any{"name": "aksOutboundBackendPool", "id": lbID + "/backendAddressPools/aksOutboundBackendPool"}},
				"outboundRules": []any{map[string]any{"name": "aksOutboundRule", "id": lbID + "/outboundRules/aksOutboundRule",
					"properties": map[string]any{"protocol": "All", "allocatedOutboundPorts": 0, "idleTimeoutInMinutes": 30,
						"frontendIPConfigurations": []any{ref(lbID + "/frontendIPConfigurations/" + pipName)},
						"backendAddressPool":       ref(lbID + "/backendAddressPools/aksOutboundBackendPool")}}}}})
		nsgID := rg.id + "/providers/Microsoft.Network/networkSecurityGroups/aks-agentpool-" + digits + "-nsg"
		put(sub, rg.name, nsgID, "Microsoft.Network/networkSecurityGroups", loc, map[string]any{"tags": managed(nil),
			"properties": map[string]any{"securityRules": []any{}}})
		var pool map[string]any
		if ps, ok := props["agentPoolProfiles"].([]any); ok && len(ps) > 0 {
			pool, _ = ps[0].(map[string]any)
		}
		poolName := mstr(pool, "name")
		if poolName == "" {
			poolName = "system"
		}
		vmssID := rg.id + "/providers/Microsoft.Compute/virtualMachineScaleSets/aks-" + poolName + "-" + digits + "-vmss"
		put(sub, rg.name, vmssID, "Microsoft.Compute/virtualMachineScaleSets", loc, map[string]any{
			"tags": managed(map[string]any{"aks-managed-poolName": poolName, "aks-managed-orchestrator": mstr(pool, "orchestratorVersion")}),
			"sku":  map[string]any{"name": mstr(pool, "vmSize"), "tier": "Standard", "capacity": pool["count"]},
			"properties": map[string]any{"orchestrationMode": "Uniform", "upgradePolicy": map[string]any{"mode": "Manual"},
				"virtualMachineProfile": map[string]any{"networkProfile": map[string]any{"networkInterfaceConfigurations": []any{map[string]any{
					"name": "aks-" + poolName + "-" + digits + "-vmss", "properties": map[string]any{"primary": true, "networkSecurityGroup": ref(nsgID),
						"ipConfigurations": []any{map[string]any{"name": "ipconfig1", "properties": map[string]any{"primary": true,
							"subnet":                          ref(mstr(pool, "vnetSubnetID")),
							"loadBalancerBackendAddressPools": []any{ref(lbID + "/backendAddressPools/kubernetes"), ref(lbID + "/backendAddressPools/aksOutboundBackendPool")}}}}}}}}}}})
	}
}
