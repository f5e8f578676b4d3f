package terraform

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// AKS: the cluster is azurerm_kubernetes_cluster with its system pool as default_node_pool;
// every other pool is an azurerm_kubernetes_cluster_node_pool (from the agentPools child
// resource when the graph has it, else from the cluster's agentPoolProfiles).

var aksPoolName = regexp.MustCompile(`^[a-z][a-z0-9]{0,11}$`)

// defaultPool is the pool azurerm declares inline: the first System pool, else the first.
func defaultPool(r *model.Resource) map[string]any {
	pools := arr(r.Body["agentPoolProfiles"])
	for _, p := range pools {
		if strings.EqualFold(s(jsonpath.Get(p, "mode")), "System") {
			return m(p)
		}
	}
	if len(pools) > 0 {
		return m(pools[0])
	}
	return nil
}

func poolExpressible(p map[string]any) bool {
	if !aksPoolName.MatchString(s(p["name"])) {
		return false
	}
	if t := s(p["type"]); t != "" && t != "VirtualMachineScaleSets" && t != "AvailabilitySet" {
		return false
	}
	return true
}

func resolveAKS(r *model.Resource) string {
	if strings.EqualFold(s(r.SKU["name"]), "Automatic") {
		return "" // AKS Automatic is azurerm_kubernetes_automatic_cluster, not mapped yet
	}
	dp := defaultPool(r)
	if dp == nil || !poolExpressible(dp) || !strings.EqualFold(s(dp["osType"]), "Linux") && s(dp["osType"]) != "" {
		return "" // azurerm needs a Linux default node pool with a valid name
	}
	for _, p := range arr(r.Body["agentPoolProfiles"]) {
		if !poolExpressible(m(p)) {
			return ""
		}
	}
	if s(r.Body["dnsPrefix"]) == "" && jsonpath.Get(r.Body, "apiServerAccessProfile.enablePrivateCluster") != true {
		return ""
	}
	if r.Identity == nil && s(jsonpath.Get(r.Body, "servicePrincipalProfile.clientId")) != "msi" {
		return "" // a service-principal cluster: its client secret is not in the graph
	}
	if r.Identity != nil {
		if t := normalizeIdentityType(r.Identity.Type); t != "SystemAssigned" && t != "UserAssigned" {
			return "" // azurerm takes one kind of identity
		}
	}
	if jsonpath.Get(r.Body, "windowsProfile") != nil {
		return "" // Windows profile: its admin password is not in the graph
	}
	if np := m(r.Body["networkProfile"]); np != nil {
		switch s(np["networkPlugin"]) {
		case "azure", "kubenet", "none":
		default:
			return ""
		}
	}
	if len(arr(jsonpath.Get(r.Body, "linuxProfile.ssh.publicKeys"))) > 1 {
		return "" // azurerm takes one SSH key
	}
	if jsonpath.Get(r.Body, "podIdentityProfile.enabled") == true || strings.EqualFold(s(r.Body["publicNetworkAccess"]), "Disabled") {
		return "" // pod identity and a closed public network access are not in azurerm 5.2
	}
	if mode := s(jsonpath.Get(r.Body, "serviceMeshProfile.mode")); mode != "" && mode != "Disabled" &&
		(mode != "Istio" || len(strList(jsonpath.Get(r.Body, "serviceMeshProfile.istio.revisions"))) == 0) {
		return ""
	}
	return "azurerm_kubernetes_cluster"
}

// declaredPools returns the names of r's pools declared as agentPools child resources.
func (e *emitter) declaredPools(r *model.Resource) map[string]*model.Resource {
	out := map[string]*model.Resource{}
	for _, c := range e.children[r.Key] {
		if c.LowerType() == "microsoft.containerservice/managedclusters/agentpools" {
			out[strings.ToLower(c.LastName())] = c
		}
	}
	return out
}

func prepareAKS(e *emitter, r *model.Resource, t string) {
	dp := defaultPool(r)
	declared := e.declaredPools(r)
	if c, ok := declared[strings.ToLower(s(dp["name"]))]; ok {
		e.within[c.Key] = r.Key
		e.tfType[c.Key] = t
	}
	for _, p := range arr(r.Body["agentPoolProfiles"]) {
		n := s(jsonpath.Get(p, "name"))
		if _, ok := declared[strings.ToLower(n)]; !ok && !strings.EqualFold(n, s(dp["name"])) {
			e.addSub(r, "/agentPools/"+n, "azurerm_kubernetes_cluster_node_pool", n)
		}
	}
}

func emitAKS(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "dns_prefix", s(r.Body["dnsPrefix"]))
	e.set(b, "kubernetes_version", s(r.Body["kubernetesVersion"]))
	e.set(b, "node_resource_group", s(r.Body["nodeResourceGroup"]))
	if tier := s(r.SKU["tier"]); tier == "Free" || tier == "Standard" || tier == "Premium" {
		e.set(b, "sku_tier", tier)
	}
	if v := s(r.Body["supportPlan"]); v == "KubernetesOfficial" || v == "AKSLongTermSupport" {
		e.set(b, "support_plan", v)
	}
	e.set(b, "role_based_access_control_enabled", boolAt(r.Body, "enableRBAC"))
	e.set(b, "local_account_disabled", boolAt(r.Body, "disableLocalAccounts"))
	e.set(b, "disk_encryption_set_id", idAt(r.Body, "diskEncryptionSetID"))
	e.set(b, "oidc_issuer_enabled", boolAt(r.Body, "oidcIssuerProfile.enabled"))
	e.set(b, "workload_identity_enabled", boolAt(r.Body, "securityProfile.workloadIdentity.enabled"))
	e.set(b, "image_cleaner_enabled", boolAt(r.Body, "securityProfile.imageCleaner.enabled"))
	e.set(b, "image_cleaner_interval_hours", numAt(r.Body, "securityProfile.imageCleaner.intervalHours"))
	e.set(b, "cost_analysis_enabled", boolAt(r.Body, "metricsProfile.costAnalysis.enabled"))
	switch v := s(jsonpath.Get(r.Body, "autoUpgradeProfile.upgradeChannel")); v {
	case "patch", "rapid", "stable", "node-image":
		e.set(b, "automatic_upgrade_channel", v)
	}
	switch v := s(jsonpath.Get(r.Body, "autoUpgradeProfile.nodeOSUpgradeChannel")); v {
	case "NodeImage", "None", "SecurityPatch", "Unmanaged":
		e.set(b, "node_os_upgrade_channel", v)
	}
	ap := m(r.Body["apiServerAccessProfile"])
	e.set(b, "private_cluster_enabled", boolAt(ap, "enablePrivateCluster"))
	e.set(b, "private_cluster_public_fqdn_enabled", boolAt(ap, "enablePrivateClusterPublicFQDN"))
	if z := idAt(ap, "privateDNSZone"); z != nil {
		if zs, ok := z.(string); !ok || strings.EqualFold(zs, "System") || strings.EqualFold(zs, "None") {
			e.set(b, "private_dns_zone_id", z)
		} else if strings.HasPrefix(zs, "/") {
			e.set(b, "private_dns_zone_id", z)
		}
	}
	addons := m(r.Body["addonProfiles"])
	addon := func(names ...string) map[string]any {
		for _, k := range model.SortedKeys(addons) { // sorted: ARM add-on names vary in case
			for _, n := range names {
				if strings.EqualFold(k, n) && jsonpath.Get(addons[k], "enabled") == true {
					return m(addons[k])
				}
			}
		}
		return nil
	}
	if addon("azurepolicy") != nil {
		e.set(b, "azure_policy_enabled", true)
	}
	if addon("httpApplicationRouting") != nil {
		e.set(b, "http_application_routing_enabled", true)
	}
	if addon("openServiceMesh") != nil {
		e.set(b, "open_service_mesh_enabled", true)
	}
	// default node pool
	dp := defaultPool(r)
	e.poolArgs(b.AppendNewBlock("default_node_pool", nil).Body(), dp, true)
	if r.Identity != nil {
		e.identity(b, r, false)
	} else {
		ib := b.AppendNewBlock("identity", nil).Body()
		e.set(ib, "type", "SystemAssigned") // servicePrincipalProfile.clientId "msi"
	}
	if ki := m(jsonpath.Get(r.Body, "identityProfile.kubeletidentity")); ki != nil && idAt(ki, "resourceId") != nil {
		kb := b.AppendNewBlock("kubelet_identity", nil).Body()
		if ref, ok := idAt(ki, "resourceId").(model.Ref); ok && e.tfType[ref.Target] == "azurerm_user_assigned_identity" {
			addr := "azurerm_user_assigned_identity." + ref.Target
			e.setExpr(kb, "client_id", addr+".client_id")
			e.setExpr(kb, "object_id", addr+".principal_id")
		} else {
			e.set(kb, "client_id", idAt(ki, "clientId"))
			e.set(kb, "object_id", idAt(ki, "objectId"))
		}
		e.set(kb, "user_assigned_identity_id", idAt(ki, "resourceId"))
	}
	if lp := m(r.Body["linuxProfile"]); lp != nil && s(lp["adminUsername"]) != "" {
		if keys := arr(jsonpath.Get(lp, "ssh.publicKeys")); len(keys) == 1 && jsonpath.Get(keys[0], "keyData") != nil {
			lb := b.AppendNewBlock("linux_profile", nil).Body()
			e.set(lb, "admin_username", s(lp["adminUsername"]))
			kb := lb.AppendNewBlock("ssh_key", nil).Body()
			e.set(kb, "key_data", jsonpath.Get(keys[0], "keyData"))
		}
	}
	if aad := m(r.Body["aadProfile"]); aad != nil && aad["managed"] == true {
		ab := b.AppendNewBlock("azure_active_directory_role_based_access_control", nil).Body()
		e.set(ab, "azure_rbac_enabled", boolAt(aad, "enableAzureRBAC"))
		e.set(ab, "tenant_id", idAt(aad, "tenantID"))
		e.set(ab, "admin_group_object_ids", strList(aad["adminGroupObjectIDs"]))
	}
	if ips := strList(jsonpath.Get(ap, "authorizedIPRanges")); len(ips) > 0 || idAt(ap, "subnetId") != nil {
		ab := b.AppendNewBlock("api_server_access_profile", nil).Body()
		e.set(ab, "authorized_ip_ranges", ips)
		e.set(ab, "subnet_id", idAt(ap, "subnetId"))
		e.set(ab, "virtual_network_integration_enabled", boolAt(ap, "enableVnetIntegration"))
	}
	if oms := addon("omsagent", "omsAgent"); oms != nil && idAt(oms, "config.logAnalyticsWorkspaceResourceID") != nil {
		ob := b.AppendNewBlock("oms_agent", nil).Body()
		e.set(ob, "log_analytics_workspace_id", idAt(oms, "config.logAnalyticsWorkspaceResourceID"))
		if v := s(jsonpath.Get(oms, "config.useAADAuth")); v != "" {
			e.set(ob, "msi_auth_for_monitoring_enabled", strings.EqualFold(v, "true"))
		}
	}
	if kv := addon("azureKeyvaultSecretsProvider"); kv != nil {
		kb := b.AppendNewBlock("key_vault_secrets_provider", nil).Body()
		if v := s(jsonpath.Get(kv, "config.enableSecretRotation")); v != "" {
			e.set(kb, "secret_rotation_enabled", strings.EqualFold(v, "true"))
		}
		e.set(kb, "secret_rotation_interval", s(jsonpath.Get(kv, "config.rotationPollInterval")))
	}
	if d := m(jsonpath.Get(r.Body, "securityProfile.defender")); d != nil && jsonpath.Get(d, "securityMonitoring.enabled") == true && idAt(d, "logAnalyticsWorkspaceResourceId") != nil {
		db := b.AppendNewBlock("microsoft_defender", nil).Body()
		e.set(db, "log_analytics_workspace_id", idAt(d, "logAnalyticsWorkspaceResourceId"))
	}
	if np := m(r.Body["networkProfile"]); np != nil {
		nb := b.AppendNewBlock("network_profile", nil).Body()
		e.set(nb, "network_plugin", s(np["networkPlugin"]))
		if v := s(np["networkPluginMode"]); strings.EqualFold(v, "overlay") {
			e.set(nb, "network_plugin_mode", "overlay")
		}
		switch v := s(np["networkPolicy"]); v {
		case "calico", "azure", "cilium":
			e.set(nb, "network_policy", v)
		}
		switch v := s(np["networkDataplane"]); v {
		case "azure", "cilium":
			e.set(nb, "network_data_plane", v)
		}
		switch v := s(np["networkMode"]); v {
		case "bridge", "transparent":
			e.set(nb, "network_mode", v)
		}
		e.set(nb, "dns_service_ip", s(np["dnsServiceIP"]))
		if l := strList(np["serviceCidrs"]); len(l) > 1 {
			e.set(nb, "service_cidrs", l)
		} else {
			e.set(nb, "service_cidr", s(np["serviceCidr"]))
		}
		if s(np["networkPlugin"]) == "kubenet" || strings.EqualFold(s(np["networkPluginMode"]), "overlay") {
			if l := strList(np["podCidrs"]); len(l) > 1 {
				e.set(nb, "pod_cidrs", l)
			} else {
				e.set(nb, "pod_cidr", s(np["podCidr"]))
			}
		}
		e.set(nb, "ip_versions", strList(np["ipFamilies"]))
		switch v := s(np["outboundType"]); v {
		case "loadBalancer", "userDefinedRouting", "managedNATGateway", "userAssignedNATGateway", "none":
			e.set(nb, "outbound_type", v)
		}
		if v := strings.ToLower(s(np["loadBalancerSku"])); v == "basic" || v == "standard" {
			e.set(nb, "load_balancer_sku", v)
		}
		if lp := m(np["loadBalancerProfile"]); lp != nil {
			lb := nb.AppendNewBlock("load_balancer_profile", nil).Body()
			e.set(lb, "managed_outbound_ip_count", numAt(lp, "managedOutboundIPs.count"))
			e.set(lb, "outbound_ip_address_ids", idsOf(jsonpath.Get(lp, "outboundIPs.publicIPs")))
			e.set(lb, "outbound_ip_prefix_ids", idsOf(jsonpath.Get(lp, "outboundIPPrefixes.publicIPPrefixes")))
			e.set(lb, "outbound_ports_allocated", numAt(lp, "allocatedOutboundPorts"))
			e.set(lb, "idle_timeout_in_minutes", numAt(lp, "idleTimeoutInMinutes"))
		}
	}
	npb := b.AppendNewBlock("node_provisioning_profile", nil).Body()
	mode := s(jsonpath.Get(r.Body, "nodeProvisioningProfile.mode"))
	if mode != "Auto" {
		mode = "Manual"
	}
	e.set(npb, "mode", mode)
	if v := s(jsonpath.Get(r.Body, "nodeProvisioningProfile.defaultNodePools")); v == "Auto" || v == "None" {
		e.set(npb, "default_node_pools", v)
	}
	if sp := m(r.Body["storageProfile"]); sp != nil {
		sb := b.AppendNewBlock("storage_profile", nil).Body()
		e.set(sb, "blob_driver_enabled", boolAt(sp, "blobCSIDriver.enabled"))
		e.set(sb, "disk_driver_enabled", boolAt(sp, "diskCSIDriver.enabled"))
		e.set(sb, "file_driver_enabled", boolAt(sp, "fileCSIDriver.enabled"))
		e.set(sb, "snapshot_controller_enabled", boolAt(sp, "snapshotController.enabled"))
	}
	e.aksProfiles(b, r, addon)
	if ov := m(jsonpath.Get(r.Body, "upgradeSettings.overrideSettings")); ov != nil {
		ub := b.AppendNewBlock("upgrade_override", nil).Body()
		force, _ := ov["forceUpgrade"].(bool)
		e.set(ub, "force_upgrade_enabled", force)
		e.set(ub, "effective_until", s(ov["until"]))
	}
	e.tags(b, r)
	// pools only the cluster's profile declares
	for _, p := range arr(r.Body["agentPoolProfiles"]) {
		if addr := e.sub(r, "/agentPools/"+s(jsonpath.Get(p, "name"))); addr != "" {
			pb := e.subBlock(addr)
			e.set(pb, "name", s(jsonpath.Get(p, "name")))
			e.setExpr(pb, "kubernetes_cluster_id", e.address(r)+".id")
			e.poolArgs(pb, m(p), false)
		}
	}
	return nil
}

// poolArgs writes a pool's arguments: the default_node_pool block of a cluster or an
// azurerm_kubernetes_cluster_node_pool (which also takes mode, os_type, taints and spot settings).
func (e *emitter) poolArgs(b *hclwrite.Body, p map[string]any, inline bool) {
	if inline {
		e.set(b, "name", s(p["name"]))
	}
	e.set(b, "vm_size", s(p["vmSize"]))
	auto, _ := p["enableAutoScaling"].(bool)
	e.set(b, "auto_scaling_enabled", auto)
	if auto {
		e.set(b, "min_count", numAt(p, "minCount"))
		e.set(b, "max_count", numAt(p, "maxCount"))
	}
	e.set(b, "node_count", numAt(p, "count"))
	e.set(b, "max_pods", numAt(p, "maxPods"))
	e.set(b, "os_disk_size_gb", numAt(p, "osDiskSizeGB"))
	if v := s(p["osDiskType"]); v == "Ephemeral" || v == "Managed" {
		e.set(b, "os_disk_type", v)
	}
	switch v := s(p["osSKU"]); v {
	case "AzureLinux", "AzureLinux3", "Ubuntu", "Ubuntu2204", "Windows2019", "Windows2022":
		e.set(b, "os_sku", v)
	}
	if v := s(p["kubeletDiskType"]); v == "OS" || v == "Temporary" {
		e.set(b, "kubelet_disk_type", v)
	}
	e.set(b, "vnet_subnet_id", idAt(p, "vnetSubnetID"))
	e.set(b, "pod_subnet_id", idAt(p, "podSubnetID"))
	e.set(b, "zones", strList(p["availabilityZones"]))
	e.set(b, "orchestrator_version", s(p["orchestratorVersion"]))
	e.set(b, "host_encryption_enabled", boolAt(p, "enableEncryptionAtHost"))
	e.set(b, "node_public_ip_enabled", boolAt(p, "enableNodePublicIP"))
	e.set(b, "node_public_ip_prefix_id", idAt(p, "nodePublicIPPrefixID"))
	e.set(b, "fips_enabled", boolAt(p, "enableFIPS"))
	e.set(b, "ultra_ssd_enabled", boolAt(p, "enableUltraSSD"))
	e.set(b, "proximity_placement_group_id", idAt(p, "proximityPlacementGroupID"))
	if v := s(p["scaleDownMode"]); v == "Delete" || v == "Deallocate" {
		e.set(b, "scale_down_mode", v)
	}
	labels := map[string]any{}
	for k, v := range m(p["nodeLabels"]) {
		if sv, ok := v.(string); ok {
			labels[k] = sv
		}
	}
	e.set(b, "node_labels", labels)
	taints := strList(p["nodeTaints"])
	if inline {
		if t := s(p["type"]); t != "" {
			e.set(b, "type", t)
		}
		// Only the critical-addons taint has an attribute on a default pool; azurerm cannot
		// express other taints there.
		for _, t := range taints {
			if t == "CriticalAddonsOnly=true:NoSchedule" {
				e.set(b, "only_critical_addons_enabled", true)
			}
		}
	} else {
		if v := s(p["mode"]); v == "System" || v == "User" || v == "Gateway" {
			e.set(b, "mode", v)
		}
		if v := s(p["osType"]); v == "Linux" || v == "Windows" {
			e.set(b, "os_type", v)
		}
		e.set(b, "node_taints", taints)
		if v := s(p["scaleSetPriority"]); v == "Spot" || v == "Regular" {
			e.set(b, "priority", v)
			if v == "Spot" {
				if ev := s(p["scaleSetEvictionPolicy"]); ev == "Delete" || ev == "Deallocate" {
					e.set(b, "eviction_policy", ev)
				}
				e.set(b, "spot_max_price", numAt(p, "spotMaxPrice"))
			}
		}
	}
	if ms := s(jsonpath.Get(p, "upgradeSettings.maxSurge")); ms != "" {
		ub := b.AppendNewBlock("upgrade_settings", nil).Body()
		e.set(ub, "max_surge", ms)
		e.set(ub, "drain_timeout_in_minutes", numAt(p, "upgradeSettings.drainTimeoutInMinutes"))
		e.set(ub, "node_soak_duration_in_minutes", numAt(p, "upgradeSettings.nodeSoakDurationInMinutes"))
	}
}

func resolveNodePool(r *model.Resource) string {
	p := map[string]any{"name": r.LastName(), "type": r.Body["type"]}
	if !poolExpressible(p) {
		return ""
	}
	return "azurerm_kubernetes_cluster_node_pool"
}

// prepareNodePool keeps a pool of a cluster that is not azurerm_kubernetes_cluster as azapi, as
// its cluster is.
func prepareNodePool(e *emitter, r *model.Resource, t string) {
	if p := e.idx[r.Parent]; p != nil && r.Parent != "" && e.tfType[p.Key] != "azurerm_kubernetes_cluster" {
		e.tfType[r.Key] = "azapi_resource"
	}
}

func emitNodePool(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.set(b, "name", r.LastName())
	if p := e.idx[r.Parent]; p != nil && r.Parent != "" {
		e.setExpr(b, "kubernetes_cluster_id", e.address(p)+".id")
	} else {
		e.setExpr(b, "kubernetes_cluster_id", joinExpr(e.base(r), "/providers/Microsoft.ContainerService/managedClusters/"+r.NameSegments()[0]))
	}
	e.poolArgs(b, r.Body, false)
	e.tags(b, r)
	return nil
}

// autoScalerArgs maps the cluster autoscaler's ARM settings (strings) to azurerm arguments.
var autoScalerArgs = []struct{ arm, tf, kind string }{
	{"balance-similar-node-groups", "balance_similar_node_groups", "bool"},
	{"daemonset-eviction-for-empty-nodes", "daemonset_eviction_for_empty_nodes_enabled", "bool"},
	{"daemonset-eviction-for-occupied-nodes", "daemonset_eviction_for_occupied_nodes_enabled", "bool"},
	{"ignore-daemonsets-utilization", "ignore_daemonsets_utilization_enabled", "bool"},
	{"skip-nodes-with-local-storage", "skip_nodes_with_local_storage", "bool"},
	{"skip-nodes-with-system-pods", "skip_nodes_with_system_pods", "bool"},
	{"expander", "expander", "expander"},
	{"max-empty-bulk-delete", "empty_bulk_delete_max", "string"},
	{"max-graceful-termination-sec", "max_graceful_termination_sec", "string"},
	{"max-node-provision-time", "max_node_provisioning_time", "string"},
	{"max-total-unready-percentage", "max_unready_percentage", "number"},
	{"ok-total-unready-count", "max_unready_nodes", "number"},
	{"new-pod-scale-up-delay", "new_pod_scale_up_delay", "string"},
	{"scale-down-delay-after-add", "scale_down_delay_after_add", "string"},
	{"scale-down-delay-after-delete", "scale_down_delay_after_delete", "string"},
	{"scale-down-delay-after-failure", "scale_down_delay_after_failure", "string"},
	{"scale-down-unneeded-time", "scale_down_unneeded", "string"},
	{"scale-down-unready-time", "scale_down_unready", "string"},
	{"scale-down-utilization-threshold", "scale_down_utilization_threshold", "string"},
	{"scan-interval", "scan_interval", "string"},
}

// aksProfiles writes the cluster's optional profiles: autoscaler, workload autoscaler, metrics,
// app routing, service mesh, HTTP proxy and the ingress/ACI add-ons.
func (e *emitter) aksProfiles(b *hclwrite.Body, r *model.Resource, addon func(...string) map[string]any) {
	if as := m(r.Body["autoScalerProfile"]); len(as) > 0 {
		ab := b.AppendNewBlock("auto_scaler_profile", nil).Body()
		for _, a := range autoScalerArgs {
			v, ok := as[a.arm]
			if !ok {
				continue
			}
			sv := s(v)
			switch a.kind {
			case "bool":
				if sv == "true" || sv == "false" {
					e.set(ab, a.tf, sv == "true")
				} else if bv, ok := v.(bool); ok {
					e.set(ab, a.tf, bv)
				}
			case "number":
				if f, ok := v.(float64); ok {
					e.set(ab, a.tf, f)
				} else if n, err := strconvFloat(sv); err == nil {
					e.set(ab, a.tf, n)
				}
			case "expander":
				switch sv {
				case "least-waste", "most-pods", "priority", "random":
					e.set(ab, a.tf, sv)
				}
			default:
				e.set(ab, a.tf, sv)
			}
		}
	}
	keda, vpa := boolAt(r.Body, "workloadAutoScalerProfile.keda.enabled"), boolAt(r.Body, "workloadAutoScalerProfile.verticalPodAutoscaler.enabled")
	if keda != nil || vpa != nil {
		wb := b.AppendNewBlock("workload_autoscaler_profile", nil).Body()
		e.set(wb, "keda_enabled", keda)
		e.set(wb, "vertical_pod_autoscaler_enabled", vpa)
	}
	if mp := m(jsonpath.Get(r.Body, "azureMonitorProfile.metrics")); mp != nil && mp["enabled"] == true {
		mb := b.AppendNewBlock("monitor_metrics", nil).Body()
		e.set(mb, "annotations_allowed", s(jsonpath.Get(mp, "kubeStateMetrics.metricAnnotationsAllowList")))
		e.set(mb, "labels_allowed", s(jsonpath.Get(mp, "kubeStateMetrics.metricLabelsAllowlist")))
	}
	if wr := m(jsonpath.Get(r.Body, "ingressProfile.webAppRouting")); wr != nil && wr["enabled"] == true {
		wb := b.AppendNewBlock("web_app_routing", nil).Body()
		zones := strList(wr["dnsZoneResourceIds"])
		if zones == nil {
			zones = []any{}
		}
		wb.SetAttributeRaw("dns_zone_ids", raw(e.value(zones, "")))
	}
	if strings.EqualFold(s(jsonpath.Get(r.Body, "serviceMeshProfile.mode")), "Istio") {
		sb := b.AppendNewBlock("service_mesh_profile", nil).Body()
		e.set(sb, "mode", "Istio")
		e.set(sb, "revisions", strList(jsonpath.Get(r.Body, "serviceMeshProfile.istio.revisions")))
		for _, g := range arr(jsonpath.Get(r.Body, "serviceMeshProfile.istio.components.ingressGateways")) {
			en, _ := jsonpath.Get(g, "enabled").(bool)
			switch s(jsonpath.Get(g, "mode")) {
			case "Internal":
				e.set(sb, "internal_ingress_gateway_enabled", en)
			case "External":
				e.set(sb, "external_ingress_gateway_enabled", en)
			}
		}
	}
	if hp := m(r.Body["httpProxyConfig"]); len(hp) > 0 {
		hb := b.AppendNewBlock("http_proxy_config", nil).Body()
		e.set(hb, "http_proxy", s(hp["httpProxy"]))
		e.set(hb, "https_proxy", s(hp["httpsProxy"]))
		e.set(hb, "no_proxy", strList(hp["noProxy"]))
		e.set(hb, "trusted_ca", s(hp["trustedCa"]))
	}
	if ig := addon("ingressApplicationGateway"); ig != nil {
		ib := b.AppendNewBlock("ingress_application_gateway", nil).Body()
		e.set(ib, "gateway_id", idAt(ig, "config.applicationGatewayId"))
		e.set(ib, "gateway_name", s(jsonpath.Get(ig, "config.applicationGatewayName")))
		e.set(ib, "subnet_id", idAt(ig, "config.subnetId"))
		e.set(ib, "subnet_cidr", s(jsonpath.Get(ig, "config.subnetCIDR")))
	}
	if aci := addon("aciConnectorLinux"); aci != nil && s(jsonpath.Get(aci, "config.SubnetName")) != "" {
		ab := b.AppendNewBlock("aci_connector_linux", nil).Body()
		e.set(ab, "subnet_name", s(jsonpath.Get(aci, "config.SubnetName")))
	}
}

func strconvFloat(v string) (float64, error) { return strconv.ParseFloat(v, 64) }
