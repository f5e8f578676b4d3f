package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Virtual machine scale sets in Flexible orchestration (the portal's default today):
// azurerm_orchestrated_virtual_machine_scale_set. The VM model is optional (a flexible set may
// only group VMs created on their own); when present it maps like a Uniform set's, with the OS
// profile as a nested block.

func vmssFlexArgs() []arg {
	var args []arg
	keep := map[string]string{ // Uniform argument -> Flexible argument ("" keeps the name)
		"instances": "", "upgrade_mode": "", "single_placement_group": "", "platform_fault_domain_count": "", "zone_balance": "",
		"proximity_placement_group_id": "", "priority": "", "eviction_policy": "", "max_bid_price": "", "user_data": "user_data_base64",
		"encryption_at_host_enabled": "", "extensions_time_budget": "", "extension_operations_enabled": "", "os_disk": "", "data_disk": "",
		"network_interface": "", "automatic_instance_repair": "", "additional_capabilities": "",
	}
	for _, a := range vmssArgs(false) {
		tf, ok := keep[a.TF]
		if !ok {
			continue
		}
		if tf != "" {
			a.TF = tf
		}
		switch a.TF {
		case "platform_fault_domain_count":
			a.Required = true
		case "os_disk":
			a.Required = false
		case "data_disk":
			a.Block = append([]arg{}, a.Block...)
			for i := range a.Block {
				switch a.Block[i].TF {
				case "disk_size_gb", "lun":
					a.Block[i].Required = false
				case "name": // a flexible set's data disks are not named
					a.Block[i].TF = ""
				}
			}
		case "network_interface":
			a.Required = false
			a.Block = append([]arg{}, a.Block...)
			for i := range a.Block {
				if a.Block[i].TF == "ip_configuration" {
					ic := a.Block[i]
					var kept []arg
					for _, x := range ic.Block {
						if x.TF != "load_balancer_inbound_nat_rules_ids" {
							kept = append(kept, x)
						}
					}
					ic.Block = kept
					a.Block[i] = ic
				}
			}
		}
		args = append(args, a)
	}
	return append(args,
		arg{TF: "sku_name", ARM: "$sku.name"},
		arg{TF: "network_api_version", ARM: vmssProfile + "networkProfile.networkApiVersion"},
		arg{TF: "license_type", ARM: vmssProfile + "licenseType"},
		arg{TF: "extension", ARM: vmssProfile + "extensionProfile.extensions", Block: []arg{{TF: "name", ARM: "name", Required: true},
			{TF: "publisher", ARM: "properties.publisher", Required: true}, {TF: "type", ARM: "properties.type", Required: true},
			{TF: "type_handler_version", ARM: "properties.typeHandlerVersion", Required: true},
			{TF: "auto_upgrade_minor_version_enabled", ARM: "properties.autoUpgradeMinorVersion", C: cBool},
			{TF: "failure_suppression_enabled", ARM: "properties.suppressFailures", C: cBool},
			{TF: "force_extension_execution_on_change", ARM: "properties.forceUpdateTag"}, {TF: "settings", ARM: "properties.settings", C: cJSON},
			{TF: "extensions_to_provision_after_vm_creation", ARM: "properties.provisionAfterExtensions", C: cStrList}}})
}

// vmssFlexExtra writes the OS profile block, the source image and boot diagnostics.
func vmssFlexExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	op := jsonpath.GetFold(r.Body, vmssProfile+"osProfile")
	if op != nil {
		ob := b.AppendNewBlock("os_profile", nil).Body()
		kind, cfg := "linux_configuration", jsonpath.GetFold(op, "linuxConfiguration")
		windows := jsonpath.GetFold(op, "windowsConfiguration") != nil
		if windows {
			kind, cfg = "windows_configuration", jsonpath.GetFold(op, "windowsConfiguration")
		}
		cb := ob.AppendNewBlock(kind, nil).Body()
		e.set(cb, "admin_username", s(jsonpath.GetFold(op, "adminUsername")))
		e.set(cb, "admin_password", jsonpath.GetFold(op, "adminPassword"))
		e.set(cb, "computer_name_prefix", s(jsonpath.GetFold(op, "computerNamePrefix")))
		e.set(cb, "provision_vm_agent", boolAt(cfg, "provisionVMAgent"))
		if windows {
			e.set(cb, "automatic_updates_enabled", boolAt(cfg, "enableAutomaticUpdates"))
			e.set(cb, "timezone", s(jsonpath.GetFold(cfg, "timeZone")))
		} else {
			e.set(cb, "disable_password_authentication", boolAt(cfg, "disablePasswordAuthentication"))
			for _, k := range arr(jsonpath.GetFold(cfg, "ssh.publicKeys")) {
				kb := cb.AppendNewBlock("admin_ssh_key", nil).Body()
				e.set(kb, "username", s(jsonpath.GetFold(op, "adminUsername")))
				e.set(kb, "public_key", jsonpath.GetFold(k, "keyData"))
			}
		}
	}
	if ir := jsonpath.GetFold(r.Body, vmssProfile+"storageProfile.imageReference"); ir != nil {
		e.sourceImage(b, ir)
	}
	if bd := jsonpath.GetFold(r.Body, vmssProfile+"diagnosticsProfile.bootDiagnostics"); boolAt(bd, "enabled") == true {
		e.set(b.AppendNewBlock("boot_diagnostics", nil).Body(), "storage_account_uri", s(jsonpath.GetFold(bd, "storageUri")))
	}
}

var vmssFlexChecks = checks(
	func(r *model.Resource) string {
		if n := s(jsonpath.GetFold(r.Body, vmssProfile+"osProfile.adminUsername")); reservedAdminNames[strings.ToLower(n)] {
			return "admin user name " + n + " is one azurerm refuses"
		}
		if jsonpath.GetFold(r.Body, vmssProfile+"osProfile") != nil && jsonpath.GetFold(r.Body, vmssProfile+"osProfile.adminUsername") == nil {
			return "an OS profile without an admin user name is not expressed"
		}
		if !emptyValue(jsonpath.GetFold(r.Body, vmssProfile+"securityProfile.uefiSettings")) || s(jsonpath.GetFold(r.Body, vmssProfile+"securityProfile.securityType")) != "" {
			return "trusted launch settings of a flexible scale set are not expressed"
		}
		return ""
	},
	fieldsOnly("virtualMachineProfile", "osProfile", "storageProfile", "networkProfile", "diagnosticsProfile", "extensionProfile",
		"priority", "evictionPolicy", "billingProfile", "securityProfile", "userData", "licenseType"),
	vmssOSAndStorageShape,
	fieldsOnly(vmssProfile+"networkProfile", "networkInterfaceConfigurations", "networkApiVersion"),
	fieldsOnly(vmssNICs+".properties", "primary", "networkSecurityGroup", "enableAcceleratedNetworking", "enableIPForwarding", "dnsSettings", "ipConfigurations"),
	fieldsOnly(vmssNICs+".properties.ipConfigurations.properties", "primary", "subnet", "loadBalancerBackendAddressPools",
		"applicationGatewayBackendAddressPools", "applicationSecurityGroups", "privateIPAddressVersion"),
	fieldsOnly(vmssProfile+"extensionProfile", "extensions", "extensionsTimeBudget"),
	fieldsOnly(vmssProfile+"extensionProfile.extensions.properties", "publisher", "type", "typeHandlerVersion", "autoUpgradeMinorVersion",
		"suppressFailures", "forceUpdateTag", "settings", "provisionAfterExtensions"),
	fieldsOnly(vmssProfile+"diagnosticsProfile.bootDiagnostics", "enabled", "storageUri"),
	fieldsOnly(vmssProfile+"securityProfile", "encryptionAtHost"),
	fieldsOnly("upgradePolicy", "mode"))

var vmssFlexRow = simpleRow{TF: "azurerm_orchestrated_virtual_machine_scale_set", Place: inRG, Location: true, NeedLocation: true, Tags: true,
	Identity: true, Zones: true, Args: vmssFlexArgs(), Check: vmssFlexChecks, Extra: vmssFlexExtra,
	Sets:   []string{"os_profile", "source_image_id", "source_image_reference", "boot_diagnostics"},
	Reads:  []string{"orchestrationMode"},
	Ignore: []string{"uniqueId", "timeCreated", "virtualMachines"}}
