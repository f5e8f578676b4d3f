package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Virtual machine scale sets (Uniform orchestration): azurerm_linux_virtual_machine_scale_set or
// azurerm_windows_virtual_machine_scale_set by the OS profile, each a simple row over the same
// mapping; Flexible orchestration: simple_rows_vmssflex.go.

// vmssProfile is where the scale set's VM model lives.
const vmssProfile = "virtualMachineProfile."

func vmssArgs(windows bool) []arg {
	os := "linuxConfiguration."
	if windows {
		os = "windowsConfiguration."
	}
	op := vmssProfile + "osProfile."
	args := []arg{{TF: "sku", ARM: "$sku.name", Required: true}, {TF: "instances", ARM: "$sku.capacity", C: cNum, Required: windows},
		{TF: "admin_username", ARM: op + "adminUsername", Required: true}, {TF: "admin_password", ARM: op + "adminPassword", C: cID, Required: windows},
		{TF: "computer_name_prefix", ARM: op + "computerNamePrefix"}, {TF: "extension_operations_enabled", ARM: op + "allowExtensionOperations", C: cBool},
		{TF: "provision_vm_agent", ARM: op + os + "provisionVMAgent", C: cBool},
		{TF: "upgrade_mode", ARM: "upgradePolicy.mode"}, {TF: "overprovision", ARM: "overprovision", C: cBool},
		{TF: "single_placement_group", ARM: "singlePlacementGroup", C: cBool}, {TF: "platform_fault_domain_count", ARM: "platformFaultDomainCount", C: cNum},
		{TF: "do_not_run_extensions_on_overprovisioned_machines", ARM: "doNotRunExtensionsOnOverprovisionedVMs", C: cBool},
		{TF: "zone_balance", ARM: "zoneBalance", C: cBool}, {TF: "proximity_placement_group_id", ARM: "proximityPlacementGroup.id", C: cID},
		{TF: "host_group_id", ARM: "hostGroup.id", C: cID},
		{TF: "priority", ARM: vmssProfile + "priority"}, {TF: "eviction_policy", ARM: vmssProfile + "evictionPolicy"},
		{TF: "max_bid_price", ARM: vmssProfile + "billingProfile.maxPrice", C: cNum}, {TF: "user_data", ARM: vmssProfile + "userData"},
		{TF: "encryption_at_host_enabled", ARM: vmssProfile + "securityProfile.encryptionAtHost", C: cBool},
		{TF: "secure_boot_enabled", ARM: vmssProfile + "securityProfile.uefiSettings.secureBootEnabled", C: cBool},
		{TF: "vtpm_enabled", ARM: vmssProfile + "securityProfile.uefiSettings.vTpmEnabled", C: cBool},
		{TF: "health_probe_id", ARM: vmssProfile + "networkProfile.healthProbe.id", C: cID},
		{TF: "extensions_time_budget", ARM: vmssProfile + "extensionProfile.extensionsTimeBudget"},
		{TF: "os_disk", ARM: vmssProfile + "storageProfile.osDisk", Required: true, Max: 1, Block: []arg{
			{TF: "caching", ARM: "caching", Default: "ReadWrite"}, {TF: "storage_account_type", ARM: "managedDisk.storageAccountType", Required: true},
			{TF: "disk_size_gb", ARM: "diskSizeGB", C: cNum}, {TF: "write_accelerator_enabled", ARM: "writeAcceleratorEnabled", C: cBool},
			{TF: "disk_encryption_set_id", ARM: "managedDisk.diskEncryptionSet.id", C: cID},
			{TF: "diff_disk_settings", ARM: "diffDiskSettings", Max: 1, Block: []arg{{TF: "option", ARM: "option", Required: true}, {TF: "placement", ARM: "placement"}}},
			{ARM: "createOption"}, {ARM: "osType"}, {ARM: "name"}}},
		{TF: "data_disk", ARM: vmssProfile + "storageProfile.dataDisks", Block: []arg{{TF: "lun", ARM: "lun", C: cNum, Required: true},
			{TF: "caching", ARM: "caching", Default: "None"}, {TF: "storage_account_type", ARM: "managedDisk.storageAccountType", Required: true},
			{TF: "disk_size_gb", ARM: "diskSizeGB", C: cNum, Required: true}, {TF: "create_option", ARM: "createOption"}, {TF: "name", ARM: "name"},
			{TF: "write_accelerator_enabled", ARM: "writeAcceleratorEnabled", C: cBool}, {TF: "disk_iops_read_write", ARM: "diskIOPSReadWrite", C: cNum},
			{TF: "disk_mbps_read_write", ARM: "diskMBpsReadWrite", C: cNum}, {TF: "disk_encryption_set_id", ARM: "managedDisk.diskEncryptionSet.id", C: cID}}},
		{TF: "network_interface", ARM: vmssProfile + "networkProfile.networkInterfaceConfigurations", Required: true, Block: []arg{
			{TF: "name", ARM: "name", Required: true}, {TF: "primary", ARM: "properties.primary", C: cBool},
			{TF: "network_security_group_id", ARM: "properties.networkSecurityGroup.id", C: cID},
			{TF: "accelerated_networking_enabled", ARM: "properties.enableAcceleratedNetworking", C: cBool},
			{TF: "ip_forwarding_enabled", ARM: "properties.enableIPForwarding", C: cBool},
			{TF: "dns_servers", ARM: "properties.dnsSettings.dnsServers", C: cStrList},
			{TF: "ip_configuration", ARM: "properties.ipConfigurations", Required: true, Block: []arg{{TF: "name", ARM: "name", Required: true},
				{TF: "primary", ARM: "properties.primary", C: cBool}, {TF: "subnet_id", ARM: "properties.subnet.id", C: cID},
				{TF: "load_balancer_backend_address_pool_ids", ARM: "properties.loadBalancerBackendAddressPools", C: cIDList},
				{TF: "load_balancer_inbound_nat_rules_ids", ARM: "properties.loadBalancerInboundNatPools", C: cIDList},
				{TF: "application_gateway_backend_address_pool_ids", ARM: "properties.applicationGatewayBackendAddressPools", C: cIDList},
				{TF: "application_security_group_ids", ARM: "properties.applicationSecurityGroups", C: cIDList},
				{TF: "version", ARM: "properties.privateIPAddressVersion"}}}}},
		{TF: "gallery_application", ARM: vmssProfile + "applicationProfile.galleryApplications", Block: []arg{
			{TF: "version_id", ARM: "packageReferenceId", C: cID, Required: true}, {TF: "configuration_blob_uri", ARM: "configurationReference"},
			{TF: "order", ARM: "order", C: cNum}, {TF: "tag", ARM: "tags"}}},
		{TF: "extension", ARM: vmssProfile + "extensionProfile.extensions", Block: []arg{{TF: "name", ARM: "name", Required: true},
			{TF: "publisher", ARM: "properties.publisher", Required: true}, {TF: "type", ARM: "properties.type", Required: true},
			{TF: "type_handler_version", ARM: "properties.typeHandlerVersion", Required: true},
			{TF: "auto_upgrade_minor_version", ARM: "properties.autoUpgradeMinorVersion", C: cBool},
			{TF: "automatic_upgrade_enabled", ARM: "properties.enableAutomaticUpgrade", C: cBool},
			{TF: "force_update_tag", ARM: "properties.forceUpdateTag"}, {TF: "settings", ARM: "properties.settings", C: cJSON},
			{TF: "provision_after_extensions", ARM: "properties.provisionAfterExtensions", C: cStrList}}},
		{TF: "rolling_upgrade_policy", ARM: "upgradePolicy.rollingUpgradePolicy", Max: 1, Block: []arg{
			{TF: "max_batch_instance_percent", ARM: "maxBatchInstancePercent", C: cNum, Required: true},
			{TF: "max_unhealthy_instance_percent", ARM: "maxUnhealthyInstancePercent", C: cNum, Required: true},
			{TF: "max_unhealthy_upgraded_instance_percent", ARM: "maxUnhealthyUpgradedInstancePercent", C: cNum, Required: true},
			{TF: "pause_time_between_batches", ARM: "pauseTimeBetweenBatches", Required: true},
			{TF: "cross_zone_upgrades_enabled", ARM: "enableCrossZoneUpgrade", C: cBool},
			{TF: "prioritize_unhealthy_instances_enabled", ARM: "prioritizeUnhealthyInstances", C: cBool},
			{TF: "maximum_surge_instances_enabled", ARM: "maxSurge", C: cBool}}},
		{TF: "automatic_instance_repair", ARM: "automaticRepairsPolicy", Max: 1, Block: []arg{{TF: "enabled", ARM: "enabled", C: cBool, Required: true},
			{TF: "grace_period", ARM: "gracePeriod"}, {TF: "action", ARM: "repairAction"}}},
		{TF: "additional_capabilities", ARM: "additionalCapabilities", Max: 1, Block: []arg{{TF: "ultra_ssd_enabled", ARM: "ultraSSDEnabled", C: cBool}}},
	}
	if windows {
		return append(args, arg{TF: "automatic_updates_enabled", ARM: op + os + "enableAutomaticUpdates", C: cBool}, arg{TF: "timezone", ARM: op + os + "timeZone"})
	}
	return append(args, arg{TF: "disable_password_authentication", ARM: op + os + "disablePasswordAuthentication", C: cBool})
}

// fieldsOnly is a Check: every object at path (lists walked) holds only the named fields.
func fieldsOnly(path string, fields ...string) func(r *model.Resource) string {
	return func(r *model.Resource) string {
		for _, o := range valuesAt(r.Body, path) {
			om, _ := o.(map[string]any)
			for _, k := range model.SortedKeys(om) {
				if !emptyValue(om[k]) && !listHas(fields, k) {
					return path + "." + k + " is not expressed"
				}
			}
		}
		return ""
	}
}

const vmssNICs = vmssProfile + "networkProfile.networkInterfaceConfigurations"

// vmssOSAndStorageShape is what both scale set rows (Uniform, Flexible) express of the VM
// profile's OS and storage profiles: any other field there sends the scale set to azapi.
var vmssOSAndStorageShape = checks(
	fieldsOnly(vmssProfile+"osProfile", "computerNamePrefix", "adminUsername", "adminPassword", "linuxConfiguration", "windowsConfiguration",
		"allowExtensionOperations"),
	fieldsOnly(vmssProfile+"osProfile.linuxConfiguration", "disablePasswordAuthentication", "ssh", "provisionVMAgent"),
	fieldsOnly(vmssProfile+"osProfile.linuxConfiguration.ssh.publicKeys", "path", "keyData"),
	fieldsOnly(vmssProfile+"osProfile.windowsConfiguration", "provisionVMAgent", "enableAutomaticUpdates", "timeZone"),
	fieldsOnly(vmssProfile+"storageProfile", "osDisk", "imageReference", "dataDisks"),
	fieldsOnly(vmssProfile+"storageProfile.imageReference", "publisher", "offer", "sku", "version", "id", "exactVersion"),
	fieldsOnly(vmssProfile+"storageProfile.osDisk.managedDisk", "storageAccountType", "diskEncryptionSet"),
	fieldsOnly(vmssProfile+"storageProfile.dataDisks.managedDisk", "storageAccountType", "diskEncryptionSet"),
)

var vmssChecks = checks(
	func(r *model.Resource) string {
		if n := s(jsonpath.GetFold(r.Body, vmssProfile+"osProfile.adminUsername")); reservedAdminNames[strings.ToLower(n)] {
			return "admin user name " + n + " is one azurerm refuses"
		}
		if m := s(jsonpath.GetFold(r.Body, "orchestrationMode")); m != "" && !strings.EqualFold(m, "Uniform") {
			return "orchestration mode " + m + " is not expressed"
		}
		if st := s(jsonpath.GetFold(r.Body, vmssProfile+"securityProfile.securityType")); st != "" {
			uefi := jsonpath.GetFold(r.Body, vmssProfile+"securityProfile.uefiSettings")
			if !strings.EqualFold(st, "TrustedLaunch") || boolAt(uefi, "secureBootEnabled") != true && boolAt(uefi, "vTpmEnabled") != true {
				return "security type " + st + " is not expressed"
			}
		}
		return ""
	},
	fieldsOnly("virtualMachineProfile", "osProfile", "storageProfile", "networkProfile", "diagnosticsProfile", "extensionProfile",
		"priority", "evictionPolicy", "billingProfile", "securityProfile", "userData", "applicationProfile"),
	vmssOSAndStorageShape,
	fieldsOnly(vmssProfile+"networkProfile", "networkInterfaceConfigurations", "healthProbe"),
	fieldsOnly(vmssNICs+".properties", "primary", "networkSecurityGroup", "enableAcceleratedNetworking", "enableIPForwarding", "dnsSettings", "ipConfigurations"),
	fieldsOnly(vmssNICs+".properties.ipConfigurations.properties", "primary", "subnet", "loadBalancerBackendAddressPools", "loadBalancerInboundNatPools",
		"applicationGatewayBackendAddressPools", "applicationSecurityGroups", "privateIPAddressVersion"),
	fieldsOnly(vmssProfile+"extensionProfile", "extensions", "extensionsTimeBudget"),
	fieldsOnly(vmssProfile+"extensionProfile.extensions.properties", "publisher", "type", "typeHandlerVersion", "autoUpgradeMinorVersion",
		"enableAutomaticUpgrade", "forceUpdateTag", "settings", "provisionAfterExtensions"),
	fieldsOnly(vmssProfile+"diagnosticsProfile.bootDiagnostics", "enabled", "storageUri"),
	fieldsOnly(vmssProfile+"securityProfile", "encryptionAtHost", "uefiSettings", "securityType"),
	fieldsOnly("upgradePolicy", "mode", "automaticOSUpgradePolicy", "rollingUpgradePolicy"),
	fieldsOnly("upgradePolicy.automaticOSUpgradePolicy", "enableAutomaticOSUpgrade", "disableAutomaticRollback"),
	fieldsOnly("scaleInPolicy", "rules", "forceDeletion"),
	func(r *model.Resource) string {
		if jsonpath.GetFold(r.Body, vmssProfile+"storageProfile.imageReference") == nil {
			return "a scale set without an image reference is not expressed"
		}
		if len(strList(jsonpath.GetFold(r.Body, "scaleInPolicy.rules"))) > 1 {
			return "azurerm takes one scale-in rule"
		}
		return ""
	})

// vmssExtra writes what the declarative arguments cannot: SSH keys (user name from the OS
// profile), the source image, boot diagnostics, the automatic OS upgrade policy and scale-in.
func vmssExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	op := jsonpath.GetFold(r.Body, vmssProfile+"osProfile")
	for _, k := range arr(jsonpath.GetFold(op, "linuxConfiguration.ssh.publicKeys")) {
		kb := b.AppendNewBlock("admin_ssh_key", nil).Body()
		e.set(kb, "username", s(jsonpath.GetFold(op, "adminUsername")))
		e.set(kb, "public_key", jsonpath.GetFold(k, "keyData"))
	}
	e.sourceImage(b, jsonpath.GetFold(r.Body, vmssProfile+"storageProfile.imageReference"))
	if bd := jsonpath.GetFold(r.Body, vmssProfile+"diagnosticsProfile.bootDiagnostics"); boolAt(bd, "enabled") == true {
		e.set(b.AppendNewBlock("boot_diagnostics", nil).Body(), "storage_account_uri", s(jsonpath.GetFold(bd, "storageUri")))
	}
	if au := jsonpath.GetFold(r.Body, "upgradePolicy.automaticOSUpgradePolicy"); boolAt(au, "enableAutomaticOSUpgrade") == true {
		ab := b.AppendNewBlock("automatic_os_upgrade_policy", nil).Body()
		e.set(ab, "automatic_os_upgrade_enabled", true)
		e.set(ab, "automatic_rollback_enabled", boolAt(au, "disableAutomaticRollback") != true)
	}
	if si, ok := jsonpath.GetFold(r.Body, "scaleInPolicy").(map[string]any); ok && !emptyValue(si) {
		sb := b.AppendNewBlock("scale_in", nil).Body()
		if rules := strList(si["rules"]); len(rules) == 1 {
			e.set(sb, "rule", rules[0])
		}
		e.set(sb, "force_deletion_enabled", boolAt(si, "forceDeletion"))
	}
}

func vmssRow(windows bool) simpleRow {
	tf := "azurerm_linux_virtual_machine_scale_set"
	sets := []string{"source_image_id", "source_image_reference", "boot_diagnostics", "automatic_os_upgrade_policy", "scale_in"}
	if windows {
		tf = "azurerm_windows_virtual_machine_scale_set"
	} else {
		sets = append(sets, "admin_ssh_key")
	}
	return simpleRow{TF: tf, Place: inRG, Location: true, NeedLocation: true, Tags: true, Identity: true, Zones: true,
		Args: vmssArgs(windows), Check: vmssChecks, Extra: vmssExtra, Sets: sets,
		Reads:  []string{"scaleInPolicy", "orchestrationMode"},
		Ignore: []string{"uniqueId", "timeCreated"}}
}

var vmssRows = map[string]simpleRow{"linux": vmssRow(false), "windows": vmssRow(true)}

// vmssPick chooses the row by the orchestration mode, then the OS profile (or the OS disk's type).
func vmssPick(r *model.Resource) simpleRow {
	if strings.EqualFold(s(jsonpath.GetFold(r.Body, "orchestrationMode")), "Flexible") {
		return vmssFlexRow
	}
	if jsonpath.GetFold(r.Body, vmssProfile+"osProfile.windowsConfiguration") != nil ||
		strings.EqualFold(s(jsonpath.GetFold(r.Body, vmssProfile+"storageProfile.osDisk.osType")), "Windows") {
		return vmssRows["windows"]
	}
	return vmssRows["linux"]
}

func init() {
	Table["microsoft.compute/virtualmachinescalesets"] = Mapping{
		Types: []string{vmssRows["linux"].TF, vmssRows["windows"].TF, vmssFlexRow.TF},
		Resolve: func(r *model.Resource) string {
			row := vmssPick(r)
			if row.why(r) != "" {
				return ""
			}
			return row.TF
		},
		Explain: func(r *model.Resource) string { return vmssPick(r).why(r) },
		Emit: func(e *emitter, r *model.Resource, t string) error {
			return emitSimple(vmssPick(r))(e, r, t)
		},
	}
}
