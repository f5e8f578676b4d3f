package terraform

import (
	"strings"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// reservedAdminNames are admin user names azurerm (and Azure) refuse.
var reservedAdminNames = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`administrator admin user user1 test user2 test1 user3 admin1 1 123 a actuser adm admin2
		aspnet backup console david guest john owner root server sql support support_388945a0 sys test2 test3 user4 user5`) {
		reservedAdminNames[n] = true
	}
}

func resolveVM(r *model.Resource) string {
	if reservedAdminNames[strings.ToLower(s(jsonpath.Get(r.Body, "osProfile.adminUsername")))] {
		return "" // azurerm would refuse the source's admin name; azapi keeps it as it is
	}
	if jsonpath.Get(r.Body, "osProfile") == nil || jsonpath.Get(r.Body, "storageProfile.imageReference") == nil ||
		len(arr(jsonpath.Get(r.Body, "networkProfile.networkInterfaces"))) == 0 {
		return "" // attached OS disk or no NIC list: azapi expresses it as read
	}
	if jsonpath.Get(r.Body, "osProfile.linuxConfiguration") != nil || strings.EqualFold(s(jsonpath.Get(r.Body, "storageProfile.osDisk.osType")), "Linux") {
		return "azurerm_linux_virtual_machine"
	}
	return "azurerm_windows_virtual_machine"
}

func emitVM(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "size", s(jsonpath.Get(r.Body, "hardwareProfile.vmSize")))
	op := m(r.Body["osProfile"])
	e.set(b, "computer_name", s(op["computerName"]))
	e.set(b, "admin_username", s(op["adminUsername"]))
	if pw, ok := op["adminPassword"].(model.Var); ok {
		e.set(b, "admin_password", pw)
	}
	if t == "azurerm_linux_virtual_machine" {
		dpa, _ := jsonpath.Get(op, "linuxConfiguration.disablePasswordAuthentication").(bool)
		e.set(b, "disable_password_authentication", dpa)
		for _, k := range arr(jsonpath.Get(op, "linuxConfiguration.ssh.publicKeys")) {
			kb := b.AppendNewBlock("admin_ssh_key", nil).Body()
			e.set(kb, "username", s(op["adminUsername"]))
			e.set(kb, "public_key", jsonpath.Get(k, "keyData"))
		}
		e.set(b, "provision_vm_agent", boolAt(op, "linuxConfiguration.provisionVMAgent"))
	} else {
		e.set(b, "provision_vm_agent", boolAt(op, "windowsConfiguration.provisionVMAgent"))
		e.set(b, "automatic_updates_enabled", boolAt(op, "windowsConfiguration.enableAutomaticUpdates"))
		e.set(b, "timezone", s(jsonpath.Get(op, "windowsConfiguration.timeZone")))
	}
	e.set(b, "network_interface_ids", idsOf(jsonpath.Get(r.Body, "networkProfile.networkInterfaces")))
	e.set(b, "availability_set_id", idAt(r.Body, "availabilitySet.id"))
	e.set(b, "proximity_placement_group_id", idAt(r.Body, "proximityPlacementGroup.id"))
	if len(r.Zones) > 0 {
		e.set(b, "zone", r.Zones[0])
	}
	od := m(jsonpath.Get(r.Body, "storageProfile.osDisk"))
	ob := b.AppendNewBlock("os_disk", nil).Body()
	e.set(ob, "name", s(od["name"]))
	caching := s(od["caching"])
	if caching == "" {
		caching = "ReadWrite"
	}
	e.set(ob, "caching", caching)
	sat := s(jsonpath.Get(od, "managedDisk.storageAccountType"))
	if sat == "" {
		sat = "Standard_LRS"
	}
	e.set(ob, "storage_account_type", sat)
	e.set(ob, "disk_size_gb", numAt(od, "diskSizeGB"))
	e.set(ob, "write_accelerator_enabled", boolAt(od, "writeAcceleratorEnabled"))
	e.sourceImage(b, jsonpath.Get(r.Body, "storageProfile.imageReference"))
	if bd := m(jsonpath.Get(r.Body, "diagnosticsProfile.bootDiagnostics")); bd != nil && bd["enabled"] == true {
		bb := b.AppendNewBlock("boot_diagnostics", nil).Body()
		e.set(bb, "storage_account_uri", s(bd["storageUri"]))
	}
	e.identity(b, r, false)
	e.tags(b, r)
	e.vmDeleteOptions(r, e.dataDisks(r))
	return nil
}

// dataDisks turns the VM's data disks into attachments: attached disks keep their reference,
// disks the VM created (Empty, FromImage) become azurerm_managed_disk resources of their own.
func (e *emitter) dataDisks(r *model.Resource) (attachments []string) {
	for _, d := range arr(jsonpath.Get(r.Body, "storageProfile.dataDisks")) {
		lun, ok := jsonpath.Get(d, "lun").(float64)
		if !ok {
			continue
		}
		suffix := "_data_disk_" + number(lun)
		diskID := idAt(d, "managedDisk.id")
		if !strings.EqualFold(s(jsonpath.Get(d, "createOption")), "Attach") || diskID == nil {
			e.body.AppendNewline()
			db := e.body.AppendNewBlock("resource", []string{"azurerm_managed_disk", r.Key + suffix}).Body()
			name := s(jsonpath.Get(d, "name"))
			if name == "" {
				name = r.LastName() + suffix
			}
			e.set(db, "name", name)
			e.rgName(db, r)
			e.set(db, "location", r.Location)
			sat := s(jsonpath.Get(d, "managedDisk.storageAccountType"))
			if sat == "" {
				sat = "Standard_LRS"
			}
			e.set(db, "storage_account_type", sat)
			e.set(db, "create_option", "Empty")
			e.set(db, "disk_size_gb", numAt(d, "diskSizeGB"))
			if len(r.Zones) > 0 {
				e.set(db, "zone", r.Zones[0])
			}
			diskID = nil
			e.body.AppendNewline()
			ab := e.body.AppendNewBlock("resource", []string{"azurerm_virtual_machine_data_disk_attachment", r.Key + suffix}).Body()
			e.importSub(r, "azurerm_virtual_machine_data_disk_attachment."+r.Key+suffix, r.ID+"/dataDisks/"+name)
			e.setExpr(ab, "managed_disk_id", "azurerm_managed_disk."+r.Key+suffix+".id")
			e.setExpr(ab, "virtual_machine_id", e.address(r)+".id")
			e.set(ab, "lun", lun)
			e.set(ab, "caching", cachingOr(s(jsonpath.Get(d, "caching"))))
			attachments = append(attachments, "azurerm_virtual_machine_data_disk_attachment."+r.Key+suffix)
			continue
		}
		e.body.AppendNewline()
		ab := e.body.AppendNewBlock("resource", []string{"azurerm_virtual_machine_data_disk_attachment", r.Key + suffix}).Body()
		if dn := s(jsonpath.Get(d, "name")); dn != "" {
			e.importSub(r, "azurerm_virtual_machine_data_disk_attachment."+r.Key+suffix, r.ID+"/dataDisks/"+dn) // {vm id}/dataDisks/{disk name}
		}
		e.set(ab, "managed_disk_id", diskID)
		e.setExpr(ab, "virtual_machine_id", e.address(r)+".id")
		e.set(ab, "lun", lun)
		e.set(ab, "caching", cachingOr(s(jsonpath.Get(d, "caching"))))
		attachments = append(attachments, "azurerm_virtual_machine_data_disk_attachment."+r.Key+suffix)
	}
	return attachments
}

// sourceImage writes a VM's or scale set's image: source_image_id for an image resource, else
// source_image_reference (version "latest" when the reference has none).
func (e *emitter) sourceImage(b *hclwrite.Body, ir any) {
	if id := idAt(ir, "id"); id != nil {
		e.set(b, "source_image_id", id)
		return
	}
	ib := b.AppendNewBlock("source_image_reference", nil).Body()
	for _, k := range []string{"publisher", "offer", "sku"} {
		e.set(ib, k, s(jsonpath.GetFold(ir, k)))
	}
	v := s(jsonpath.GetFold(ir, "version"))
	if v == "" {
		v = "latest"
	}
	e.set(ib, "version", v)
}

func cachingOr(c string) string {
	if c == "" {
		return "None"
	}
	return c
}

func resolveDisk(r *model.Resource) string {
	opt := s(jsonpath.Get(r.Body, "creationData.createOption"))
	switch opt {
	case "Empty", "Copy", "Import", "FromImage", "Restore", "Upload":
		return "azurerm_managed_disk"
	}
	return ""
}

func emitManagedDisk(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	sat := s(r.SKU["name"])
	if sat == "" {
		sat = "Standard_LRS"
	}
	e.set(b, "storage_account_type", sat)
	cd := m(r.Body["creationData"])
	e.set(b, "create_option", s(cd["createOption"]))
	e.set(b, "source_resource_id", idAt(cd, "sourceResourceId"))
	e.set(b, "source_uri", s(cd["sourceUri"]))
	e.set(b, "storage_account_id", idAt(cd, "storageAccountId"))
	e.set(b, "image_reference_id", idAt(cd, "imageReference.id"))
	e.set(b, "gallery_image_reference_id", idAt(cd, "galleryImageReference.id"))
	e.set(b, "upload_size_bytes", numAt(cd, "uploadSizeBytes"))
	e.set(b, "os_type", s(r.Body["osType"]))
	e.set(b, "disk_size_gb", numAt(r.Body, "diskSizeGB"))
	e.set(b, "disk_iops_read_write", numAt(r.Body, "diskIOPSReadWrite"))
	e.set(b, "disk_mbps_read_write", numAt(r.Body, "diskMBpsReadWrite"))
	e.set(b, "hyper_v_generation", s(r.Body["hyperVGeneration"]))
	e.set(b, "network_access_policy", s(r.Body["networkAccessPolicy"]))
	e.set(b, "disk_encryption_set_id", idAt(r.Body, "encryption.diskEncryptionSetId"))
	e.set(b, "tier", s(r.Body["tier"]))
	e.set(b, "max_shares", numAt(r.Body, "maxShares"))
	if len(r.Zones) > 0 {
		e.set(b, "zone", r.Zones[0])
	}
	e.tags(b, r)
	return nil
}

func emitAvailabilitySet(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "platform_update_domain_count", numAt(r.Body, "platformUpdateDomainCount"))
	e.set(b, "platform_fault_domain_count", numAt(r.Body, "platformFaultDomainCount"))
	e.set(b, "managed", strings.EqualFold(s(r.SKU["name"]), "Aligned"))
	e.set(b, "proximity_placement_group_id", idAt(r.Body, "proximityPlacementGroup.id"))
	e.tags(b, r)
	return nil
}
