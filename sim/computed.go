package sim

import (
	"regexp"
	"strconv"
	"strings"
)

// More of what Azure derives when a PUT omits it (registered into serverComputed, applied to
// PUT bodies and to generated resources alike; a value the body has is kept).
func init() {
	serverComputed["microsoft.web/serverfarms"] = computeServerFarm
	serverComputed["microsoft.sql/servers"] = func(body, _ map[string]any) {
		if mstr(body, "kind") == "" {
			body["kind"] = "v12.0"
		}
	}
	serverComputed["microsoft.sql/servers/databases"] = computeSQLDatabase
	serverComputed["microsoft.documentdb/databaseaccounts"] = computeCosmosLocations
	serverComputed["microsoft.compute/virtualmachines"] = func(_, props map[string]any) {
		if op, ok := props["osProfile"].(map[string]any); ok && op["requireGuestProvisionSignal"] == nil {
			op["requireGuestProvisionSignal"] = true
		}
		// what goes with the VM when it is deleted: detached unless the PUT says otherwise
		if od, ok := mmapRO(props, "storageProfile")["osDisk"].(map[string]any); ok && od["deleteOption"] == nil {
			od["deleteOption"] = "Detach"
		}
		for _, n := range arrOf(mmapRO(props, "networkProfile")["networkInterfaces"]) {
			if nm, ok := n.(map[string]any); ok {
				setDefault(nm, []string{"properties", "deleteOption"}, "Detach")
			}
		}
	}
	serverDefaults["microsoft.storage/storageaccounts/blobservices/containers"] = []pathDefault{{"publicAccess", "None"},
		{"defaultEncryptionScope", "$account-encryption-key"}, {"denyEncryptionScopeOverride", false}, {"deleted", false},
		{"remainingRetentionDays", 0}, {"leaseStatus", "Unlocked"}, {"leaseState", "Available"}, {"hasLegalHold", false},
		{"hasImmutabilityPolicy", false}}
	serverDefaults["microsoft.network/applicationgateways"] = []pathDefault{{"sku.family", "Generation_1"}}
	serverComputed["microsoft.app/containerapps"] = computeContainerApp
	serverDefaults["microsoft.containerservice/managedclusters"] = append(serverDefaults["microsoft.containerservice/managedclusters"],
		pathDefault{"agentPoolProfiles[].powerState.code", "Running"})
}

// planTiers are App Service plan tiers by sku name prefix (longest first when matched).
var planTiers = []struct{ prefix, tier string }{{"EP", "ElasticPremium"}, {"WS", "WorkflowStandard"}, {"F", "Free"}, {"D", "Shared"},
	{"B", "Basic"}, {"S", "Standard"}, {"Y", "Dynamic"}, {"I", "Isolated"}, {"FC", "FlexConsumption"}}

var planSKU = regexp.MustCompile(`^([A-Za-z]+)(\d+)([A-Za-z]+\d*)?$`)

// computeServerFarm: a plan's kind follows reserved (Linux), and its sku tier, size and family
// follow the sku name (P1v3: PremiumV3, P1v3, Pv3).
func computeServerFarm(body, props map[string]any) {
	if mstr(body, "kind") == "" {
		body["kind"] = ifs(props["reserved"] == true, "linux", "app")
	}
	sku, _ := body["sku"].(map[string]any)
	name := mstr(sku, "name")
	mm := planSKU.FindStringSubmatch(name)
	if sku == nil || mm == nil {
		return
	}
	letters, gen := strings.ToUpper(mm[1]), strings.ToLower(mm[3])
	tier := ""
	switch letters {
	case "P":
		tier = "Premium" + strings.ToUpper(gen) // P1v3: PremiumV3; P1: Premium
		if gen == "mv3" {
			tier = "PremiumMV3"
		}
	default:
		best := ""
		for _, t := range planTiers {
			if strings.HasPrefix(letters, t.prefix) && len(t.prefix) > len(best) {
				best, tier = t.prefix, t.tier
			}
		}
		if letters == "I" && gen != "" {
			tier = "Isolated" + strings.ToUpper(gen)
		}
	}
	for k, v := range map[string]any{"tier": tier, "size": name, "family": mm[1] + mm[3]} {
		if sku[k] == nil && v != "" {
			sku[k] = v
		}
	}
	if sku["capacity"] == nil {
		sku["capacity"] = 1
	}
}

var vcoreSKU = regexp.MustCompile(`^(GP|BC|HS)(_S)?_(Gen\d+|[A-Za-z0-9]+)_(\d+)$`)

// computeSQLDatabase: a vCore sku given as one name (GP_S_Gen5_2, as azurerm sends it) is read
// back split into name, tier, family and capacity.
func computeSQLDatabase(body, _ map[string]any) {
	if mstr(body, "kind") == "" {
		body["kind"] = "v12.0,user"
	}
	sku, _ := body["sku"].(map[string]any)
	mm := vcoreSKU.FindStringSubmatch(mstr(sku, "name"))
	if mm == nil {
		return
	}
	tier := map[string]string{"GP": "GeneralPurpose", "BC": "BusinessCritical", "HS": "Hyperscale"}[mm[1]]
	capacity, _ := strconv.Atoi(mm[4])
	sku["name"] = mm[1] + mm[2] + "_" + mm[3]
	if sku["tier"] == nil {
		sku["tier"] = tier
	}
	if sku["family"] == nil {
		sku["family"] = mm[3]
	}
	if sku["capacity"] == nil {
		sku["capacity"] = capacity
	}
}

// computeCosmosLocations: every location of an account gets its id, endpoint and display name.
func computeCosmosLocations(body, props map[string]any) {
	name := mstr(body, "name")
	locs, _ := props["locations"].([]any)
	for _, x := range locs {
		l, ok := x.(map[string]any)
		if !ok || name == "" {
			continue
		}
		short := strings.ToLower(strings.ReplaceAll(mstr(l, "locationName"), " ", ""))
		if short == "" {
			continue
		}
		l["locationName"] = locationDisplayName(short)
		if l["id"] == nil {
			l["id"] = name + "-" + short
		}
		if l["documentEndpoint"] == nil {
			l["documentEndpoint"] = "https://" + name + "-" + short + ".documents.azure.com:443/"
		}
		if l["isZoneRedundant"] == nil {
			l["isZoneRedundant"] = false
		}
	}
}

// deriveFromStore fills what Azure derives from other resources (caller holds the write lock):
// a web app's kind and reserved follow its plan; a VNet peering reports the remote network's
// address space and is Connected once the remote network peers back (which connects that
// peering too); the named elements of a network resource's collections get their ids.
func (st *store) deriveFromStore(ltyp, id string, body, props map[string]any) {
	switch ltyp {
	case "microsoft.web/sites", "microsoft.web/sites/slots":
		if plan := st.res[strings.ToLower(mstr(props, "serverFarmId"))]; plan != nil {
			linux := mmapRO(plan.body, "properties")["reserved"] == true
			if props["reserved"] == nil {
				props["reserved"] = linux
			}
			if mstr(body, "kind") == "" {
				body["kind"] = ifs(linux, "app,linux", "app")
			}
		}
	case "microsoft.storage/storageaccounts/blobservices", "microsoft.storage/storageaccounts/fileservices",
		"microsoft.storage/storageaccounts/queueservices", "microsoft.storage/storageaccounts/tableservices":
		// a storage service reports its account's sku
		acct := strings.ToLower(id[:strings.LastIndexByte(strings.TrimSuffix(id, "/"), '/')])
		acct = acct[:strings.LastIndexByte(acct, '/')]
		if a := st.res[acct]; a != nil && body["sku"] == nil && a.body["sku"] != nil {
			body["sku"] = deepCopy(a.body["sku"])
		}
	case "microsoft.network/virtualnetworks/virtualnetworkpeerings":
		st.derivePeering(id, props)
	case "microsoft.sql/servers":
		// the Entra administrator's kind, as SQL looks it up in the directory
		if adm, ok := props["administrators"].(map[string]any); ok && adm["principalType"] == nil {
			if o := st.directoryObject(id, mstr(adm, "sid")); o != nil {
				if pt := map[string]string{"user": "User", "group": "Group", "servicePrincipal": "Application"}[o.kind]; pt != "" {
					adm["principalType"] = pt
				}
			}
			if adm["administratorType"] == nil {
				adm["administratorType"] = "ActiveDirectory"
			}
		}
	}
	if strings.HasPrefix(ltyp, "microsoft.network/") {
		for k, v := range props {
			arr, ok := v.([]any)
			if !ok {
				continue
			}
			for _, x := range arr {
				el, ok := x.(map[string]any)
				if !ok || el["id"] != nil {
					continue
				}
				if name := mstr(el, "name"); name != "" && el["properties"] != nil {
					seg := k
					if c := subResourceSegment[ltyp+"|"+k]; c != "" {
						seg = c
					}
					el["id"] = id + "/" + seg + "/" + name
				}
			}
		}
	}
}

// subResourceSegment names the id segment of a collection whose ids Azure spells otherwise
// than the property ("type|property" -> segment).
var subResourceSegment = map[string]string{
	"microsoft.network/bastionhosts|ipConfigurations":   "bastionHostIpConfigurations",
	"microsoft.network/azurefirewalls|ipConfigurations": "azureFirewallIpConfigurations",
}

func (st *store) derivePeering(id string, props map[string]any) {
	localVNet := strings.ToLower(id[:strings.LastIndex(strings.ToLower(id), "/virtualnetworkpeerings/")])
	remote := st.res[strings.ToLower(mstr(mmapRO(props, "remoteVirtualNetwork"), "id"))]
	if remote == nil {
		props["peeringState"], props["peeringSyncLevel"] = "Initiated", "LocalNotInSync"
		return
	}
	if as := mmapRO(mmapRO(remote.body, "properties"), "addressSpace"); as != nil {
		props["remoteAddressSpace"] = deepCopy(as)
		props["remoteVirtualNetworkAddressSpace"] = deepCopy(as)
	}
	props["peeringState"], props["peeringSyncLevel"] = "Initiated", "LocalNotInSync"
	for _, back := range st.childrenOf(remote.key, "microsoft.network/virtualnetworks/virtualnetworkpeerings") {
		bp := mmap(back.body, "properties")
		if strings.EqualFold(mstr(mmapRO(bp, "remoteVirtualNetwork"), "id"), localVNet) {
			props["peeringState"], props["peeringSyncLevel"] = "Connected", "FullyInSync"
			bp["peeringState"], bp["peeringSyncLevel"] = "Connected", "FullyInSync"
		}
	}
}

// materializeAgentPools makes the node pools a cluster's PUT declares in agentPoolProfiles
// addressable as its agentPools children, as AKS does (caller holds the write lock); a pool
// that already exists is left to its own PUTs.
func (st *store) materializeAgentPools(cluster *resource) {
	profiles, _ := mmapRO(cluster.body, "properties")["agentPoolProfiles"].([]any)
	for _, x := range profiles {
		prof, ok := x.(map[string]any)
		name := mstr(prof, "name")
		if !ok || name == "" {
			continue
		}
		id := cluster.id + "/agentPools/" + name
		if st.res[strings.ToLower(id)] != nil {
			continue
		}
		props := map[string]any{}
		for k, v := range prof {
			if k != "name" {
				props[k] = deepCopy(v)
			}
		}
		props["provisioningState"] = "Succeeded"
		body := map[string]any{"id": id, "name": name, "type": "Microsoft.ContainerService/managedClusters/agentPools", "properties": props}
		st.put(&resource{id: id, key: strings.ToLower(id), typ: "Microsoft.ContainerService/managedClusters/agentPools",
			ltyp: "microsoft.containerservice/managedclusters/agentpools", sub: cluster.sub, rg: cluster.rg, parent: cluster.key,
			body: body, created: cluster.created, changed: cluster.changed})
	}
}

// computeContainerApp: the environment under both names, an ingress's session affinity, the
// template's revision suffix and minimum replicas, each container's ephemeral storage (4 GiB
// per vCPU on the consumption profile).
func computeContainerApp(_, props map[string]any) {
	env, legacy := mstr(props, "managedEnvironmentId"), mstr(props, "environmentId")
	switch {
	case env != "" && legacy == "":
		props["environmentId"] = env
	case env == "" && legacy != "":
		props["managedEnvironmentId"] = legacy
	}
	if ing, ok := mmapRO(props, "configuration")["ingress"].(map[string]any); ok {
		setDefault(ing, []string{"stickySessions", "affinity"}, "none")
	}
	tpl, ok := props["template"].(map[string]any)
	if !ok {
		return
	}
	if tpl["revisionSuffix"] == nil {
		tpl["revisionSuffix"] = ""
	}
	if sc, ok := tpl["scale"].(map[string]any); ok && sc["minReplicas"] == nil {
		sc["minReplicas"] = 0
	}
	for _, c := range arrOf(tpl["containers"]) {
		res := mmapRO(mmapOrNil(c), "resources")
		if cpu, ok := res["cpu"].(float64); ok && res["ephemeralStorage"] == nil {
			res["ephemeralStorage"] = strconv.FormatFloat(cpu*4, 'f', -1, 64) + "Gi"
		}
	}
}

// directoryObject finds an object of the directory of the subscription resource id is in.
func (st *store) directoryObject(id, objectID string) *dirObject {
	parts := strings.SplitN(strings.TrimPrefix(strings.ToLower(id), "/subscriptions/"), "/", 2)
	sub := st.subs[parts[0]]
	if sub == nil || objectID == "" {
		return nil
	}
	t := st.tenantBy[sub.tenant]
	if t == nil {
		return nil
	}
	return t.objects[strings.ToLower(objectID)]
}
