package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Managed disks around a virtual machine, as Compute handles them: a VM PUT creates its OS disk
// (createOption FromImage) and empty data disks (createOption Empty) in the VM's resource group,
// attaches existing disks (createOption Attach), detaches the disks an update leaves out, and a
// VM DELETE deletes (deleteOption Delete) or detaches its disks.

// latestImages is what an image version "latest" resolves to (publisher|offer|sku, lower-cased);
// other images resolve to defaultImageVersion. One simulated cloud, one catalogue: the
// generator's source tenant and a VM created later get the same version.
var latestImages = map[string]string{
	"canonical|ubuntu-24_04-lts|server": "24.04.202501140",
}

const defaultImageVersion = "1.0.20250114"

// imageCreationRef is the creationData.imageReference of a disk created from a VM's
// storageProfile.imageReference: a custom image or gallery id as given, a marketplace image as
// Compute's versioned artifact id.
func imageCreationRef(sub, loc string, img map[string]any) map[string]any {
	if id := mstr(img, "id"); id != "" {
		return map[string]any{"id": id}
	}
	for _, k := range []string{"sharedGalleryImageId", "communityGalleryImageId"} {
		if id := mstr(img, k); id != "" {
			return map[string]any{k: id}
		}
	}
	pub, offer, sku, ver := mstr(img, "publisher"), mstr(img, "offer"), mstr(img, "sku"), mstr(img, "version")
	if pub == "" || offer == "" || sku == "" {
		return nil
	}
	if ver == "" || strings.EqualFold(ver, "latest") {
		ver = latestImages[strings.ToLower(pub+"|"+offer+"|"+sku)]
		if ver == "" {
			ver = defaultImageVersion
		}
	}
	return map[string]any{"id": "/Subscriptions/" + sub + "/Providers/Microsoft.Compute/Locations/" + loc + "/Publishers/" + pub +
		"/ArtifactTypes/VMImage/Offers/" + offer + "/Skus/" + sku + "/Versions/" + ver}
}

func mstr(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// mmap returns m[k] as a map, creating it when absent.
func mmap(m map[string]any, k string) map[string]any {
	if v, ok := m[k].(map[string]any); ok {
		return v
	}
	v := map[string]any{}
	m[k] = v
	return v
}

func diskSKU(name string) map[string]any {
	tier := "Standard"
	switch strings.ToLower(name) {
	case "premium_lrs", "premium_zrs", "premiumv2_lrs":
		tier = "Premium"
	case "ultrassd_lrs":
		tier = "Ultra"
	}
	return map[string]any{"name": name, "tier": tier}
}

// defaultStorageType is the disk sku Compute picks when a VM names none: premium SSD for sizes
// that support it (an "s" among the size's feature letters), standard HDD otherwise.
func defaultStorageType(props map[string]any) string {
	size := strings.ToLower(mstr(mmapRO(props, "hardwareProfile"), "vmSize"))
	if i := strings.IndexByte(size, '_'); i >= 0 {
		size = size[i+1:]
	}
	if j := strings.IndexByte(size, '_'); j >= 0 {
		size = size[:j]
	}
	// the feature letters follow the vCPU count: D2s, B2ms, E4ds
	k := strings.IndexFunc(size, func(r rune) bool { return r >= '0' && r <= '9' })
	if k >= 0 && strings.ContainsRune(strings.TrimLeft(size[k:], "0123456789"), 's') {
		return "Premium_LRS"
	}
	return "Standard_LRS"
}

// mmapRO returns m[k] as a map or nil, without creating it.
func mmapRO(m map[string]any, k string) map[string]any {
	v, _ := m[k].(map[string]any)
	return v
}

func isWindows(props map[string]any) bool {
	sp := mmapRO(props, "storageProfile")
	if strings.EqualFold(mstr(mmapRO(sp, "osDisk"), "osType"), "Windows") {
		return true
	}
	if mmapRO(mmapRO(props, "osProfile"), "windowsConfiguration") != nil {
		return true
	}
	return strings.Contains(strings.ToLower(mstr(mmapRO(sp, "imageReference"), "publisher")), "windows")
}

// osDiskDefaults fills what Compute fills in a FromImage OS disk spec and returns it: osType,
// diskSizeGB (the image's size: 30 GiB Linux, 127 GiB Windows) and
// managedDisk.storageAccountType.
func osDiskDefaults(props, od map[string]any) {
	win := isWindows(props)
	if mstr(od, "osType") == "" {
		od["osType"] = ifs(win, "Windows", "Linux")
	}
	if od["diskSizeGB"] == nil {
		if win {
			od["diskSizeGB"] = 127
		} else {
			od["diskSizeGB"] = 30
		}
	}
	md := mmap(od, "managedDisk")
	if mstr(md, "storageAccountType") == "" {
		md["storageAccountType"] = defaultStorageType(props)
	}
}

// implicitOSDisk is the OS disk Compute creates for a VM whose osDisk.createOption is FromImage
// (osDiskDefaults applied): the VM's location and zones, sku from the osDisk's
// storageAccountType, managedBy the VM and no tags (Azure copies none from the VM). The
// generator builds its source tenant's OS disks with it too.
func implicitOSDisk(sub, vmID, loc string, zones any, props map[string]any, uniqueID string, created time.Time) map[string]any {
	sp := mmapRO(props, "storageProfile")
	od := mmapRO(sp, "osDisk")
	img := mmapRO(sp, "imageReference")
	create := map[string]any{"createOption": "FromImage"}
	if ref := imageCreationRef(sub, loc, img); ref != nil {
		create["imageReference"] = ref
	}
	gen := "V2"
	if strings.Contains(strings.ToLower(mstr(img, "sku")), "gen1") {
		gen = "V1"
	}
	b := implicitDisk(vmID, loc, zones, mstr(mmapRO(od, "managedDisk"), "storageAccountType"), od["diskSizeGB"], create, uniqueID, created)
	p := b["properties"].(map[string]any)
	p["osType"], p["hyperVGeneration"] = mstr(od, "osType"), gen
	return b
}

// implicitDisk is a managed disk a VM PUT creates (OS disk from an image, or an empty data disk).
func implicitDisk(vmID, loc string, zones any, sku string, size any, create map[string]any, uniqueID string, created time.Time) map[string]any {
	b := map[string]any{"sku": diskSKU(sku), "managedBy": vmID, "properties": map[string]any{
		"diskSizeGB": size, "diskState": "Attached", "creationData": create,
		"encryption": map[string]any{"type": "EncryptionAtRestWithPlatformKey"}, "networkAccessPolicy": "AllowAll", "publicNetworkAccess": "Enabled",
		"uniqueId": uniqueID, "timeCreated": created.Format(time.RFC3339), "provisioningState": "Succeeded"}}
	if loc != "" {
		b["location"] = loc
	}
	if z, ok := zones.([]any); ok && len(z) > 0 {
		b["zones"] = append([]any(nil), z...)
	}
	return b
}

// diskState returns a copy of disk r attached to vmID ("" detaches it). Bodies are replaced,
// never changed in place: readers encode them outside the lock.
func diskState(r *resource, vmID string, now time.Time) *resource {
	nb := make(map[string]any, len(r.body)+1)
	for k, v := range r.body {
		nb[k] = v
	}
	np := map[string]any{}
	for k, v := range mmapRO(r.body, "properties") {
		np[k] = v
	}
	nb["properties"] = np
	if vmID == "" {
		delete(nb, "managedBy")
		np["diskState"] = "Unattached"
	} else {
		nb["managedBy"] = vmID
		np["diskState"] = "Attached"
	}
	nr := *r
	nr.body, nr.changed = nb, now
	return &nr
}

func invalidParam(msg string) *apiError {
	return &apiError{http.StatusBadRequest, "InvalidParameter", msg}
}

// vmDiskIDs lists the managed disk ids (lower-cased) a VM body uses.
func vmDiskIDs(body map[string]any) []string {
	sp := mmapRO(mmapRO(body, "properties"), "storageProfile")
	var out []string
	if id := mstr(mmapRO(mmapRO(sp, "osDisk"), "managedDisk"), "id"); id != "" {
		out = append(out, strings.ToLower(id))
	}
	dd, _ := sp["dataDisks"].([]any)
	for _, d := range dd {
		if id := mstr(mmapRO(mmapOrNil(d), "managedDisk"), "id"); id != "" {
			out = append(out, strings.ToLower(id))
		}
	}
	return out
}

func mmapOrNil(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// vmDisks works out the managed-disk side of a VM PUT (the caller holds the write lock and has
// checked the body's references). It fills managedDisk.id (and the defaults Compute fills) into
// the VM body and returns the disks to store: created, attached or detached. Nothing is stored
// here, so a refused PUT changes nothing.
func (s *Simulator) vmDisks(sub *subscription, p armPath, body map[string]any, old *resource, now time.Time) ([]*resource, *apiError) {
	props := mmap(body, "properties")
	sp := mmapRO(props, "storageProfile")
	if sp == nil && old != nil {
		// an update without a storageProfile keeps the VM's disks
		if osp := mmapRO(mmapRO(old.body, "properties"), "storageProfile"); osp != nil {
			props["storageProfile"] = deepCopy(osp)
		}
		return nil, nil
	}
	if sp == nil {
		return nil, nil
	}
	if old != nil {
		// Compute takes an absent osDisk or dataDisks as unchanged (an empty list detaches all)
		osp := mmapRO(mmapRO(old.body, "properties"), "storageProfile")
		for _, k := range []string{"osDisk", "dataDisks"} {
			if _, has := sp[k]; !has && osp[k] != nil {
				sp[k] = deepCopy(osp[k]) // changed below; the stored body must not be
			}
		}
	}
	vmID, vmKey := p.raw, strings.ToLower(p.raw)
	vmName := p.names[len(p.names)-1]
	loc := normLocation(mstr(body, "location"))
	if loc == "" && old != nil {
		loc = mstr(old.body, "location")
	}
	var oldOS string
	if old != nil {
		oldOS = strings.ToLower(mstr(mmapRO(mmapRO(mmapRO(mmapRO(old.body, "properties"), "storageProfile"), "osDisk"), "managedDisk"), "id"))
	}
	var out []*resource
	used := map[string]bool{}
	// attach claims an existing disk for the VM.
	attach := func(md map[string]any, path string) (*resource, *apiError) {
		id := mstr(md, "id")
		if id == "" {
			return nil, invalidParam(fmt.Sprintf("Required parameter '%s.managedDisk.id' is missing (null).", path))
		}
		d := s.st.res[strings.ToLower(id)]
		if d == nil || d.ltyp != "microsoft.compute/disks" {
			return nil, &apiError{http.StatusNotFound, "NotFound", fmt.Sprintf("Managed disk '%s' referenced by '%s.managedDisk.id' was not found.", id, path)}
		}
		if mb := mstr(d.body, "managedBy"); mb != "" && !strings.EqualFold(mb, vmID) {
			return nil, &apiError{http.StatusConflict, "OperationNotAllowed", fmt.Sprintf("Disk '%s' is already attached to virtual machine '%s'. A disk can be attached to one virtual machine only.", d.body["name"], mb)}
		}
		md["id"] = d.id
		return d, nil
	}
	// create plans a disk the VM creates, or takes the VM's own existing one.
	create := func(name, path string, md map[string]any, mk func(id string) map[string]any) (*resource, *apiError) {
		id := p.scope + "/providers/Microsoft.Compute/disks/" + name
		key := strings.ToLower(id)
		if given := mstr(md, "id"); given != "" && !strings.EqualFold(given, id) {
			return nil, invalidParam(fmt.Sprintf("Parameter '%s.managedDisk.id' is not allowed with createOption other than Attach (it names '%s', the disk created is '%s').", path, given, id))
		}
		md["id"] = id
		if d := s.st.res[key]; d != nil {
			if !strings.EqualFold(mstr(d.body, "managedBy"), vmID) {
				return nil, &apiError{http.StatusConflict, "ConflictingUserInput", fmt.Sprintf("Disk %s already exists in resource group %s. Only CreateOption.Attach is supported.", name, strings.ToUpper(p.rg))}
			}
			md["id"] = d.id
			return d, nil
		}
		b := mk(id)
		b["id"], b["name"], b["type"] = id, name, "Microsoft.Compute/disks"
		return &resource{id: id, key: key, typ: "Microsoft.Compute/disks", ltyp: "microsoft.compute/disks", sub: sub.id, rg: rgName(sub, p.rg),
			body: b, created: now, changed: now}, nil
	}
	uid := func(kind string) string {
		return uuidFrom(hash64(s.opts.Seed, kind, vmKey, fmt.Sprint(now.UnixNano())))
	}
	hex32 := func(kind string) string {
		return fmt.Sprintf("%016x%016x", hash64(s.opts.Seed, kind, vmKey), hash64(s.opts.Seed, kind+"2", vmKey))
	}
	if od := mmapRO(sp, "osDisk"); od != nil {
		md := mmap(od, "managedDisk")
		var d *resource
		var err *apiError
		switch co := strings.ToLower(mstr(od, "createOption")); co {
		case "fromimage":
			name := mstr(od, "name")
			if name == "" && oldOS != "" {
				name = oldOS[strings.LastIndexByte(oldOS, '/')+1:]
				if od0 := s.st.res[oldOS]; od0 != nil {
					name = mstr(od0.body, "name")
				}
			}
			if name == "" {
				name = vmName + "_OsDisk_1_" + hex32("osdisk")
			}
			od["name"] = name
			osDiskDefaults(props, od)
			if oldOS != "" && !strings.EqualFold(oldOS, p.scope+"/providers/Microsoft.Compute/disks/"+name) {
				return nil, &apiError{http.StatusConflict, "PropertyChangeNotAllowed", "Changing property 'osDisk.name' is not allowed."}
			}
			d, err = create(name, "osDisk", md, func(string) map[string]any {
				return implicitOSDisk(sub.id, vmID, loc, body["zones"], props, uid("osdisk"), now)
			})
		case "attach":
			if d, err = attach(md, "osDisk"); err == nil {
				if mstr(od, "name") == "" {
					od["name"] = d.body["name"]
				}
			}
		case "":
			err = invalidParam("Required parameter 'osDisk.createOption' is missing (null).")
		}
		if err != nil {
			return nil, err
		}
		if d != nil {
			used[d.key] = true
			out = append(out, d)
		}
	}
	luns := map[string]bool{}
	dd, _ := sp["dataDisks"].([]any)
	for i, x := range dd {
		disk := mmapOrNil(x)
		if disk == nil {
			continue
		}
		path := fmt.Sprintf("dataDisks[%d]", i)
		if disk["lun"] == nil {
			return nil, invalidParam(fmt.Sprintf("Required parameter '%s.lun' is missing (null).", path))
		}
		lun := fmt.Sprint(disk["lun"])
		if luns[lun] {
			return nil, invalidParam(fmt.Sprintf("Disk LUNs must be unique: LUN %s is used twice.", lun))
		}
		luns[lun] = true
		md := mmap(disk, "managedDisk")
		var d *resource
		var err *apiError
		switch strings.ToLower(mstr(disk, "createOption")) {
		case "empty":
			if disk["diskSizeGB"] == nil {
				return nil, invalidParam(fmt.Sprintf("Required parameter '%s.diskSizeGB' is missing (null).", path))
			}
			if mstr(md, "storageAccountType") == "" {
				md["storageAccountType"] = defaultStorageType(props)
			}
			name := mstr(disk, "name")
			if name == "" {
				name = fmt.Sprintf("%s_disk%d_%s", vmName, i+2, hex32("datadisk"+lun))
				disk["name"] = name
			}
			d, err = create(name, path, md, func(string) map[string]any {
				return implicitDisk(vmID, loc, body["zones"], mstr(md, "storageAccountType"), disk["diskSizeGB"],
					map[string]any{"createOption": "Empty"}, uid("datadisk"+lun), now)
			})
		case "attach":
			if d, err = attach(md, path); err == nil && mstr(disk, "name") == "" {
				disk["name"] = d.body["name"]
			}
			if err == nil && disk["diskSizeGB"] == nil { // Compute reports the attached disk's size
				if size := mmapRO(d.body, "properties")["diskSizeGB"]; size != nil {
					disk["diskSizeGB"] = size
				}
			}
		case "":
			err = invalidParam(fmt.Sprintf("Required parameter '%s.createOption' is missing (null).", path))
		}
		if err != nil {
			return nil, err
		}
		if d != nil {
			if used[d.key] {
				return nil, invalidParam(fmt.Sprintf("Disk '%s' is used twice by virtual machine '%s'.", d.id, vmName))
			}
			used[d.key] = true
			out = append(out, d)
		}
	}
	// created disks are new; existing ones get managedBy (a copy, or nothing when already ours)
	var res []*resource
	for _, d := range out {
		switch {
		case s.st.res[d.key] == nil:
			res = append(res, d)
		case !strings.EqualFold(mstr(d.body, "managedBy"), vmID):
			res = append(res, diskState(d, vmID, now))
		}
	}
	// disks the update leaves out are detached
	if old != nil {
		for _, k := range vmDiskIDs(old.body) {
			if d := s.st.res[k]; d != nil && !used[k] && strings.EqualFold(mstr(d.body, "managedBy"), vmID) {
				res = append(res, diskState(d, "", now))
			}
		}
	}
	return res, nil
}

// vmDeleted applies a VM delete to its disks (caller holds the write lock, the VM is gone):
// deleteOption Delete removes a disk, otherwise it is detached.
func (st *store) vmDeleted(vm *resource, now time.Time) {
	sp := mmapRO(mmapRO(vm.body, "properties"), "storageProfile")
	specs := []map[string]any{mmapRO(sp, "osDisk")}
	dd, _ := sp["dataDisks"].([]any)
	for _, x := range dd {
		specs = append(specs, mmapOrNil(x))
	}
	for _, spec := range specs {
		k := strings.ToLower(mstr(mmapRO(spec, "managedDisk"), "id"))
		d := st.res[k]
		if d == nil || !strings.EqualFold(mstr(d.body, "managedBy"), vm.id) {
			continue
		}
		if strings.EqualFold(mstr(spec, "deleteOption"), "Delete") {
			st.remove(k)
		} else {
			st.put(diskState(d, "", now))
		}
	}
}

// deepCopy copies a decoded JSON value (maps and slices; scalars are immutable).
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = deepCopy(e)
		}
		return a
	}
	return v
}

// sshPublicKey is a well-formed ssh-ed25519 public key (authorized_keys form, no comment), its 32
// bytes hashed from a generated suffix (the generator's random sequence is what it always was):
// clients parse keys (azurerm validates the wire format), but no private key exists for it.
func (g *gen) sshPublicKey() string {
	key := sha256.Sum256([]byte("atg-sim-ssh|" + g.suffix(8)))
	wire := make([]byte, 0, 51)
	wire = binary.BigEndian.AppendUint32(wire, 11)
	wire = append(wire, "ssh-ed25519"...)
	wire = binary.BigEndian.AppendUint32(wire, 32)
	wire = append(wire, key[:]...)
	return "ssh-ed25519 " + base64.StdEncoding.EncodeToString(wire)
}
