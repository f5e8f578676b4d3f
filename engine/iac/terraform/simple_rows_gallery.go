package terraform

import (
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Shared image gallery image versions (azurerm_shared_image_version): the source (managed image
// or VM, OS disk snapshot, or VHD blob) and the replication regions. The publishing profile's
// default replica count and storage type are written per region by azurerm, so a version takes
// them only when every region carries its own.

func init() { registerSimpleRows(galleryRows) }

const pubProfile = "publishingProfile"

func imageVersionCheck(r *model.Resource) string {
	for _, c := range []func(r *model.Resource) string{
		keysOnly(pubProfile, "targetRegions", "endOfLifeDate", "excludeFromLatest", "replicationMode", "replicaCount", "storageAccountType", "publishedDate"),
		fieldsOnly(pubProfile+".targetRegions", "name", "regionalReplicaCount", "storageAccountType", "excludeFromLatest", "encryption"),
		fieldsOnly(pubProfile+".targetRegions.encryption", "osDiskImage"),
		fieldsOnly(pubProfile+".targetRegions.encryption.osDiskImage", "diskEncryptionSetId"),
		keysOnly("storageProfile", "source", "osDiskImage", "dataDiskImages"),
		keysOnly("storageProfile.source", "id", "virtualMachineId"),
		keysOnly("storageProfile.osDiskImage", "hostCaching", "sizeInGB", "source"),
		keysOnly("storageProfile.osDiskImage.source", "id", "uri", "storageAccountId"),
		fieldsOnly("storageProfile.dataDiskImages", "hostCaching", "sizeInGB", "lun"),
		keysOnly("safetyProfile", "allowDeletionOfReplicatedLocations", "reportedForPolicyViolation", "policyViolations"),
	} {
		if why := c(r); why != "" {
			return why
		}
	}
	for _, tr := range arr(jsonpath.GetFold(r.Body, pubProfile+".targetRegions")) {
		if jsonpath.GetFold(tr, "regionalReplicaCount") == nil || jsonpath.GetFold(tr, "storageAccountType") == nil {
			if jsonpath.GetFold(r.Body, pubProfile+".replicaCount") != nil || jsonpath.GetFold(r.Body, pubProfile+".storageAccountType") != nil {
				return "target region " + s(jsonpath.GetFold(tr, "name")) + " takes the profile's defaults, which azurerm does not express"
			}
		}
	}
	if jsonpath.GetFold(r.Body, "storageProfile.osDiskImage.source") != nil && len(arr(jsonpath.GetFold(r.Body, "storageProfile.dataDiskImages"))) > 0 {
		return "data disk images of a disk-sourced version are not expressed"
	}
	regions := imageRegions(r)
	if len(regions) == 0 {
		return "azurerm_shared_image_version requires a target region but the version has none"
	}
	for _, o := range regions {
		if why := argsWhy("azurerm_shared_image_version", imageRegionArgs, o, r, "targetRegions."); why != "" {
			return why
		}
	}
	if imageVersionSource(r) == "" {
		return "image version without a source azurerm takes"
	}
	return ""
}

// imageVersionSource names the source argument: managed image or VM, OS disk snapshot, or blob.
func imageVersionSource(r *model.Resource) string {
	switch {
	case jsonpath.GetFold(r.Body, "storageProfile.source.id") != nil || jsonpath.GetFold(r.Body, "storageProfile.source.virtualMachineId") != nil:
		return "managed_image_id"
	case jsonpath.GetFold(r.Body, "storageProfile.osDiskImage.source.id") != nil:
		return "os_disk_snapshot_id"
	case s(jsonpath.GetFold(r.Body, "storageProfile.osDiskImage.source.uri")) != "":
		return "blob_uri"
	}
	return ""
}

// imageRegionArgs are a target region's arguments, read from imageRegions' copies.
var imageRegionArgs = []arg{{TF: "name", ARM: "location", Required: true}, {ARM: "name"},
	{TF: "regional_replica_count", ARM: "regionalReplicaCount", C: cNum, Required: true}, {TF: "storage_account_type", ARM: "storageAccountType"},
	{TF: "exclude_from_latest_enabled", ARM: "excludeFromLatest", C: cBool},
	{TF: "disk_encryption_set_id", ARM: "encryption.osDiskImage.diskEncryptionSetId", C: cID}}

// imageRegions copies the target regions with their names as azurerm spells locations
// ("West US" -> "westus") under "location".
func imageRegions(r *model.Resource) []map[string]any {
	var out []map[string]any
	for _, tr := range arr(jsonpath.GetFold(r.Body, pubProfile+".targetRegions")) {
		o := map[string]any{}
		for k, v := range m(tr) {
			o[k] = v
		}
		if n := s(o["name"]); n != "" {
			o["location"] = model.NormalizeLocation(n)
		}
		out = append(out, o)
	}
	return out
}

func imageVersionExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	for _, o := range imageRegions(r) {
		e.writeArgs(b.AppendNewBlock("target_region", nil).Body(), imageRegionArgs, o, r)
	}
	sp := jsonpath.GetFold(r.Body, "storageProfile")
	switch imageVersionSource(r) {
	case "managed_image_id":
		id := idAt(sp, "source.id")
		if id == nil {
			id = idAt(sp, "source.virtualMachineId")
		}
		e.set(b, "managed_image_id", id)
	case "os_disk_snapshot_id":
		e.set(b, "os_disk_snapshot_id", idAt(sp, "osDiskImage.source.id"))
	case "blob_uri":
		e.set(b, "blob_uri", s(jsonpath.GetFold(sp, "osDiskImage.source.uri")))
		e.set(b, "storage_account_id", idAt(sp, "osDiskImage.source.storageAccountId"))
	}
}

var galleryRows = map[string]simpleRow{
	"microsoft.compute/galleries/images/versions": {TF: "azurerm_shared_image_version", Place: names, NameAttrs: []string{"gallery_name", "image_name"},
		Location: true, NeedLocation: true, Tags: true,
		Args: []arg{{TF: "end_of_life_date", ARM: pubProfile + ".endOfLifeDate"}, {TF: "exclude_from_latest", ARM: pubProfile + ".excludeFromLatest", C: cBool},
			{TF: "replication_mode", ARM: pubProfile + ".replicationMode"},
			{TF: "deletion_of_replicated_locations_enabled", ARM: "safetyProfile.allowDeletionOfReplicatedLocations", C: cBool},
			{ARM: pubProfile}},
		Check: imageVersionCheck, Extra: imageVersionExtra, Sets: []string{"target_region", "managed_image_id", "os_disk_snapshot_id", "blob_uri", "storage_account_id"},
		Reads: []string{"storageProfile"}},
}
