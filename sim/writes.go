package sim

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/atg-go/atg/engine/armspec"
)

// putResource creates or replaces a resource with ARM's validation: location for tracked
// types, referenced ids that must exist (linked authorization across tenants), parents that must
// exist, secrets a create needs. Side effects follow ARM: a VNet's inline subnets and peerings
// replace its children (absent means none), a VM creates, attaches and detaches managed disks.
// Write-only properties (passwords, …) are kept apart from the body and never returned.
func (s *Simulator) putResource(c *call, sub *subscription, p armPath, info *typeInfo, apiVersion string) {
	var body map[string]any
	if !readJSON(c, &body) {
		return
	}
	key := strings.ToLower(p.raw)
	parent := p.parentKey()
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if parent != "" && s.st.res[parent] == nil && !s.st.implicitlyExists(parent) { // a storage account's blobServices/default holds containers
		armErr(c.w, http.StatusNotFound, "ParentResourceNotFound", fmt.Sprintf("Can not perform requested operation on nested resource. Parent resource '%s' not found.", parent))
		return
	}
	if body == nil {
		body = map[string]any{}
	}
	loc, _ := body["location"].(string)
	if info.Tracked && parent == "" && loc == "" {
		armErr(c.w, http.StatusBadRequest, "LocationRequired", "The location property is required for this definition.")
		return
	}
	if e := s.st.checkRefs(sub, c.principal, p.raw, info.Type, body); e != nil {
		e.write(c.w)
		return
	}
	if parent == "" && s.st.res[key] == nil {
		if e := s.st.nameTaken(strings.ToLower(info.Type), key, p.names[len(p.names)-1]); e != nil {
			e.write(c.w)
			return
		}
	}
	t := s.st.tenantBy[sub.tenant]
	if info.Type == "Microsoft.Authorization/roleAssignments" {
		props, _ := body["properties"].(map[string]any)
		pid, _ := props["principalId"].(string)
		if pid == "" || t.objects[strings.ToLower(pid)] == nil {
			armErr(c.w, http.StatusBadRequest, "PrincipalNotFound", fmt.Sprintf("Principal %s does not exist in the directory %s.", strings.ReplaceAll(pid, "-", ""), t.id))
			return
		}
		if props["scope"] == nil {
			props["scope"] = strings.TrimSuffix(p.scope, "/")
		}
	}
	old := s.st.res[key]
	now := s.clk.now().UTC()
	body["id"] = p.raw
	body["name"] = p.names[len(p.names)-1]
	body["type"] = info.Type
	if loc != "" {
		body["location"] = normLocation(loc)
	}
	props, _ := body["properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
		body["properties"] = props
	}
	ltyp := strings.ToLower(info.Type)
	fillServerDefaults(ltyp, body, props)
	s.st.deriveFromStore(ltyp, p.raw, body, props)
	// write-only properties: kept apart; an update that omits one keeps the old value (ARM
	// does not reset a password it is not given)
	secrets := takeWriteOnly(ltyp, props)
	if old != nil && len(old.secrets) > 0 {
		merged := make(map[string]any, len(old.secrets)+len(secrets))
		for k, v := range old.secrets {
			merged[k] = v
		}
		for k, v := range secrets {
			merged[k] = v
		}
		secrets = merged
	}
	if old == nil {
		if e := requiredSecret(ltyp, props, secrets); e != nil {
			e.write(c.w)
			return
		}
	}
	if e := s.st.requiredProps(sub, p.raw, ltyp, body, props, secrets); e != nil {
		e.write(c.w)
		return
	}
	if ltyp == "microsoft.network/loadbalancers" {
		keepPoolMembers(old, props)
	}
	if ltyp == "microsoft.network/networkinterfaces" {
		var ob map[string]any
		if old != nil {
			ob = old.body
		}
		s.st.allocateNICAddresses(key, body, ob)
	}
	var disks []*resource
	if ltyp == "microsoft.compute/virtualmachines" {
		var e *apiError
		if disks, e = s.vmDisks(sub, p, body, old, now); e != nil {
			e.write(c.w)
			return
		}
	}
	r := &resource{id: p.raw, key: key, typ: info.Type, ltyp: ltyp, sub: sub.id, rg: rgName(sub, p.rg),
		parent: parent, body: body, secrets: secrets, created: now, changed: now}
	// Inline children (VNet subnets and peerings) become child resources, replacing the old set:
	// children the body omits (the property absent, or an empty array) are deleted, as ARM does;
	// a subnet still in use cannot be.
	var pending []*resource
	var doomed []string
	for childType, prop := range embedded[ltyp] {
		arr, _ := props[prop].([]any)
		delete(props, prop)
		keep := map[string]bool{}
		for _, it := range arr {
			cb, ok := it.(map[string]any)
			if !ok {
				continue
			}
			name, _ := cb["name"].(string)
			if name == "" {
				continue
			}
			cinfo := s.st.types[childType]
			cid := p.raw + "/" + strings.TrimPrefix(cinfo.Type, info.Type+"/") + "/" + name
			cb["id"], cb["type"] = cid, cinfo.Type
			if cp, ok := cb["properties"].(map[string]any); ok {
				cp["provisioningState"] = "Succeeded"
			} else {
				cb["properties"] = map[string]any{"provisioningState": "Succeeded"}
			}
			ck := strings.ToLower(cid)
			keep[ck] = true
			pending = append(pending, &resource{id: cid, key: ck, typ: cinfo.Type, ltyp: childType, sub: sub.id, rg: r.rg, parent: key, body: cb, created: now, changed: now})
		}
		if old == nil {
			continue
		}
		for _, k := range s.st.childrenOf(key, childType) {
			if keep[k.key] {
				continue
			}
			if childType == "microsoft.network/virtualnetworks/subnets" {
				if user := s.st.subnetUser(sub.tenant, k.key, key); user != "" {
					inUseSubnet(k, user).write(c.w)
					return
				}
			}
			doomed = append(doomed, k.key)
		}
	}
	for _, k := range doomed {
		s.st.remove(k)
	}
	s.st.put(r)
	if ltyp == "microsoft.containerservice/managedclusters" {
		s.st.materializeAgentPools(r)
	}
	for _, cr := range pending {
		s.st.put(cr)
	}
	for _, d := range disks {
		s.st.put(d)
	}
	if ltyp == "microsoft.network/networkinterfaces" {
		var ob map[string]any
		if old != nil {
			ob = old.body
		}
		s.st.syncPoolMembers(p.raw, ob, body, now)
	}
	status := http.StatusOK
	if old == nil && !s.st.implicitlyExists(key) { // a singleton Azure made with its parent: 200
		status = createStatus(ltyp, info.LRO)
	}
	state := "Succeeded"
	if info.LRO {
		state = ifs(old == nil && !strings.HasPrefix(ltyp, "microsoft.network/"), "Creating", "Updating")
	}
	if ltyp != "microsoft.web/sites/config" { // config bodies are dictionaries (app settings, storage mounts): no state in them
		props["provisioningState"] = state
	}
	if _, has := body["identity"]; !has && old != nil && (ltyp == "microsoft.compute/virtualmachines" || ltyp == "microsoft.compute/virtualmachinescalesets") {
		// Compute takes a PUT without identity as "unchanged" (azurerm's disk attachments send none)
		if id, ok := old.body["identity"]; ok {
			body["identity"] = deepCopy(id)
		}
	}
	s.mintIdentity(t, body, info)
	if info.LRO {
		op := &asyncOp{id: fmt.Sprintf("%016x", hash64(s.opts.Seed, "op", key, fmt.Sprint(s.opSeq.Add(1)))), resKey: key, status: "InProgress", startTime: now}
		s.st.ops[op.id] = op
		loc := r.body["location"]
		if loc == nil {
			loc = "global"
		}
		c.w.Header().Set("Azure-AsyncOperation", fmt.Sprintf("%s/subscriptions/%s/providers/%s/locations/%v/operations/%s?api-version=%s", c.base, sub.id, namespaceOf(info.Type), loc, op.id, apiVersion))
		s.pollHeaders(c)
	}
	out := s.st.render(r)
	writeJSON(c.w, status, out)
}

// subnetUser returns the id of a resource of the tenant (outside the subnet's VNet) whose
// properties reference the subnet (lower-cased key) or something below it, or "": ARM refuses
// to delete a subnet in use.
func (st *store) subnetUser(tenant, subnetKey, vnetKey string) string {
	best := ""
	t := st.tenantBy[tenant]
	if t == nil {
		return ""
	}
	for _, sid := range t.subs {
		sub := st.subs[sid]
		if sub == nil {
			continue
		}
		for _, k := range sub.keys {
			if k == vnetKey || strings.HasPrefix(k, vnetKey+"/") || (best != "" && k >= best) {
				continue
			}
			if r := st.res[k]; r != nil && refersTo(r.body["properties"], subnetKey) {
				best = k
			}
		}
	}
	if best != "" {
		return st.res[best].id
	}
	return ""
}

func refersTo(v any, key string) bool {
	switch x := v.(type) {
	case string:
		l := strings.ToLower(strings.TrimSuffix(x, "/"))
		return l == key || strings.HasPrefix(l, key+"/")
	case map[string]any:
		for _, e := range x {
			if refersTo(e, key) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if refersTo(e, key) {
				return true
			}
		}
	}
	return false
}

func inUseSubnet(subnet *resource, user string) *apiError {
	return &apiError{http.StatusBadRequest, "InUseSubnetCannotBeDeleted", fmt.Sprintf("Subnet %s is in use by %s and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.", subnet.body["name"], user)}
}

func rgName(sub *subscription, name string) string {
	if name == "" {
		return ""
	}
	if rg := sub.rgs[strings.ToLower(name)]; rg != nil {
		return rg.name
	}
	return name
}

// mintIdentity fills principalId/tenantId for system-assigned identities and user-assigned
// identity resources, creating their ManagedIdentity service principals.
func (s *Simulator) mintIdentity(t *tenant, body map[string]any, info *typeInfo) {
	id, _ := body["id"].(string)
	newSP := func(name string) (string, string) {
		pid := uuidFrom(hash64(s.opts.Seed, "principal", strings.ToLower(id), name))
		app := uuidFrom(hash64(s.opts.Seed, "client", strings.ToLower(id), name))
		if t.objects[pid] == nil {
			t.addObject(&dirObject{kind: "servicePrincipal", id: pid, body: map[string]any{"id": pid, "appId": app, "displayName": name,
				"servicePrincipalType": "ManagedIdentity", "accountEnabled": true, "servicePrincipalNames": []any{app}, "tags": []any{}}})
		}
		return pid, app
	}
	name, _ := body["name"].(string)
	if info.Type == "Microsoft.ManagedIdentity/userAssignedIdentities" {
		props := body["properties"].(map[string]any)
		pid, app := newSP(name)
		props["principalId"], props["clientId"], props["tenantId"] = pid, app, t.id
		return
	}
	ident, ok := body["identity"].(map[string]any)
	if !ok {
		return
	}
	typ, _ := ident["type"].(string)
	if strings.Contains(strings.ToLower(typ), "systemassigned") {
		if p, _ := ident["principalId"].(string); p == "" {
			pid, _ := newSP(name)
			ident["principalId"], ident["tenantId"] = pid, t.id
		}
	}
	if uais, ok := ident["userAssignedIdentities"].(map[string]any); ok {
		for uid := range uais {
			if u := s.st.res[strings.ToLower(uid)]; u != nil {
				up, _ := u.body["properties"].(map[string]any)
				uais[uid] = map[string]any{"principalId": up["principalId"], "clientId": up["clientId"]}
			}
		}
	}
}

func uuidFrom(h uint64) string {
	h2 := h*0x9e3779b97f4a7c15 ^ h>>17
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", uint32(h>>32), uint16(h>>16), uint16(h)&0xfff, 0x8000|uint16(h2>>48)&0x3fff, h2&0xffffffffffff)
}

// apiError is a write ARM refuses: its status, code and message.
type apiError struct {
	status    int
	code, msg string
}

func (e *apiError) write(w http.ResponseWriter) { armErr(w, e.status, e.code, e.msg) }

// checkRefs validates every ARM resource id inside body (properties, identity keys), as ARM
// does for linked resources: an id in a subscription of another tenant (or one the simulator
// does not hold) fails linked authorization (403 LinkedAuthorizationFailed, checked first); an id
// in a subscription of the caller's tenant must name something the simulator holds (400
// InvalidResourceReference for Microsoft.Network, LinkedInvalidPropertyId otherwise).
func (st *store) checkRefs(sub *subscription, principal, raw, typ string, body map[string]any) *apiError {
	self := strings.ToLower(raw)
	type found struct{ id, path string }
	var refs []found
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if isResourceRef(k) {
					refs = append(refs, found{k, path + "." + k})
				}
				walk(x[k], path+"."+k)
			}
		case []any:
			for i, e := range x {
				walk(e, fmt.Sprintf("%s[%d]", path, i))
			}
		case string:
			if isResourceRef(x) {
				refs = append(refs, found{x, path})
			}
		}
	}
	walk(body["properties"], "properties")
	if id, ok := body["identity"].(map[string]any); ok {
		walk(id["userAssignedIdentities"], "identity.userAssignedIdentities")
	}
	for _, r := range refs {
		p, _ := parsePath(strings.TrimSuffix(r.id, "/"))
		if rs := st.subs[strings.ToLower(p.sub)]; rs == nil || rs.tenant != sub.tenant {
			return &apiError{http.StatusForbidden, "LinkedAuthorizationFailed", fmt.Sprintf("The client '%s' with object id '%s' has permission to perform action '%s/write' on scope '%s'; however, it does not have permission to perform action(s) '%s' on the linked scope(s) '%s' (respectively) or the linked scope(s) are invalid.",
				principal, principal, typ, raw, linkedAction(p), r.id)}
		}
	}
	for _, r := range refs {
		if st.refExists(self, r.id) {
			continue
		}
		p, _ := parsePath(strings.TrimSuffix(r.id, "/"))
		if strings.EqualFold(namespaceOf(typ), "Microsoft.Network") {
			return &apiError{http.StatusBadRequest, "InvalidResourceReference", fmt.Sprintf("Resource %s referenced by resource %s was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.", r.id, raw)}
		}
		return &apiError{http.StatusBadRequest, "LinkedInvalidPropertyId", fmt.Sprintf("Property id '%s' at path '%s' is invalid. The referenced resource does not exist in subscription '%s'.", r.id, r.path, p.sub)}
	}
	return nil
}

// isResourceRef reports whether s has the shape of a resource id in a resource group
// (/subscriptions/{s}/resourceGroups/{rg}/providers/…).
func isResourceRef(s string) bool {
	ls := strings.ToLower(s)
	if !strings.HasPrefix(ls, "/subscriptions/") || !strings.Contains(ls, "/resourcegroups/") || !strings.Contains(ls, "/providers/") {
		return false
	}
	p, ok := parsePath(strings.TrimSuffix(ls, "/"))
	return ok && p.rg != "" && p.ns != "" && !p.collection
}

// linkedAction is the permission ARM checks on a linked resource: join for the network objects
// others attach to, read for the rest.
func linkedAction(p armPath) string {
	t := p.fullType()
	switch strings.ToLower(t) {
	case "microsoft.network/virtualnetworks/subnets", "microsoft.network/publicipaddresses", "microsoft.network/networksecuritygroups",
		"microsoft.network/routetables", "microsoft.network/networkinterfaces", "microsoft.network/applicationsecuritygroups":
		return t + "/join/action"
	}
	return t + "/read"
}

// refExists reports whether the resource id s (lower-cased inside) exists. A reference to a
// sub-object of an existing resource (…/ipConfigurations/x) counts, and so does a reference to
// the resource being written (self) or below it.
func (st *store) refExists(self, s string) bool {
	ls := strings.ToLower(strings.TrimSuffix(s, "/"))
	if ls == self || strings.HasPrefix(ls, self+"/") {
		return true
	}
	p, ok := parsePath(ls)
	if !ok || p.ns == "" || p.collection {
		return true // not a resource id shape; not ours to judge
	}
	// The longest prefix whose type is a resource type must exist; deeper segments are inline
	// sub-objects (ipConfigurations, frontendIPConfigurations, …).
	for n := len(p.types); n >= 1; n-- {
		if st.types[p.ns+"/"+strings.Join(p.types[:n], "/")] == nil {
			continue
		}
		segs := []string{p.scope, "providers", p.ns}
		for i := 0; i < n; i++ {
			segs = append(segs, p.types[i], p.names[i])
		}
		r, ok := st.res[strings.Join(segs, "/")]
		if ok && len(p.types) == n+1 {
			// a named sub-object ({lb}/backendAddressPools/{pool}) must be one the resource has
			return hasSubObject(r, p.types[n], p.names[n])
		}
		return ok
	}
	return true
}

func (s *Simulator) patchResource(c *call, p armPath) {
	var patch map[string]any
	if !readJSON(c, &patch) {
		return
	}
	key := strings.ToLower(p.raw)
	s.st.mu.Lock()
	r := s.st.res[key]
	if r == nil {
		s.st.mu.Unlock()
		s.notFound(c, p)
		return
	}
	sub := s.st.subs[r.sub]
	np, _ := patch["properties"].(map[string]any)
	secrets := takeWriteOnly(r.ltyp, np)
	if len(r.secrets) > 0 {
		if secrets == nil {
			secrets = map[string]any{}
		}
		for k, v := range r.secrets {
			if _, ok := secrets[k]; !ok {
				secrets[k] = v
			}
		}
	}
	merged := map[string]any{}
	for k, v := range r.body {
		merged[k] = v
	}
	for k, v := range patch {
		if k == "properties" {
			props := map[string]any{}
			if old, ok := r.body["properties"].(map[string]any); ok {
				for pk, pv := range old {
					props[pk] = pv
				}
			}
			if np, ok := v.(map[string]any); ok {
				for pk, pv := range np {
					props[pk] = pv
				}
			}
			merged[k] = props
			continue
		}
		merged[k] = v
	}
	if e := s.st.checkRefs(sub, c.principal, p.raw, r.typ, merged); e != nil {
		s.st.mu.Unlock()
		e.write(c.w)
		return
	}
	nr := *r
	nr.body = merged
	nr.secrets = secrets
	nr.changed = s.clk.now().UTC()
	s.st.put(&nr)
	out := s.st.render(&nr)
	s.st.mu.Unlock()
	writeJSON(c.w, http.StatusOK, out)
}

// deleteResource deletes a resource with its children and extension resources. As in ARM, an
// attached disk and a subnet in use (or a VNet with one) cannot be deleted, and deleting a VM
// deletes its disks whose deleteOption is Delete and detaches the others.
func (s *Simulator) deleteResource(c *call, p armPath) {
	key := strings.ToLower(p.raw)
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	r := s.st.res[key]
	if r == nil {
		c.w.WriteHeader(http.StatusNoContent)
		return
	}
	switch r.ltyp {
	case "microsoft.compute/disks":
		if vm := mstr(r.body, "managedBy"); vm != "" {
			armErr(c.w, http.StatusConflict, "OperationNotAllowed", fmt.Sprintf("Disk %s is attached to VM %s.", r.body["name"], vm))
			return
		}
	case "microsoft.network/virtualnetworks/subnets", "microsoft.network/virtualnetworks":
		subnets := []*resource{r}
		vnet := r.parent
		if r.ltyp == "microsoft.network/virtualnetworks" {
			subnets, vnet = s.st.childrenOf(key, "microsoft.network/virtualnetworks/subnets"), key
		}
		tenant := s.st.subs[r.sub].tenant
		for _, sn := range subnets {
			if user := s.st.subnetUser(tenant, sn.key, vnet); user != "" {
				inUseSubnet(sn, user).write(c.w)
				return
			}
		}
	}
	s.st.remove(key)
	if r.ltyp == "microsoft.network/networkinterfaces" {
		s.st.syncPoolMembers(r.id, r.body, nil, s.clk.now().UTC())
	}
	if r.ltyp == "microsoft.compute/virtualmachines" {
		s.st.vmDeleted(r, s.clk.now().UTC())
	}
	if info := s.st.types[r.ltyp]; info != nil && info.AsyncDelete {
		// 202 + Azure-AsyncOperation (InProgress once, then Succeeded) + Location (202, then 204).
		now := s.clk.now().UTC()
		op := &asyncOp{id: fmt.Sprintf("%016x", hash64(s.opts.Seed, "op", key, fmt.Sprint(s.opSeq.Add(1)))), status: "InProgress", startTime: now}
		s.st.ops[op.id] = op
		loc := mstr(r.body, "location")
		if loc == "" {
			loc = "global"
		}
		base := fmt.Sprintf("%s/subscriptions/%s/providers/%s/locations/%s/", c.base, r.sub, namespaceOf(info.Type), loc)
		av := c.r.URL.Query().Get("api-version")
		c.w.Header().Set("Azure-AsyncOperation", base+"operations/"+op.id+"?api-version="+av)
		c.w.Header().Set("Location", base+"operationResults/"+op.id+"?api-version="+av)
		s.pollHeaders(c)
		c.w.WriteHeader(http.StatusAccepted)
		return
	}
	c.w.WriteHeader(http.StatusOK)
}

// pollHeaders tells a client when to poll an async operation (1 s; 10 ms in fast/off mode
// through retry-after-ms, which azcore reads first).
func (s *Simulator) pollHeaders(c *call) {
	c.w.Header().Set("Retry-After", "1")
	if s.opts.Throttle == "fast" || s.opts.Throttle == "off" {
		c.w.Header().Set("retry-after-ms", "10")
	}
}

// operationResult answers a Location poll of an async DELETE: 202 while the operation runs, then 204.
func (s *Simulator) operationResult(c *call, id string) {
	s.st.mu.Lock()
	op := s.st.ops[id]
	if op != nil {
		op.polls++
		if op.polls > 1 {
			op.status = "Succeeded"
		}
	}
	s.st.mu.Unlock()
	switch {
	case op == nil:
		armErr(c.w, http.StatusNotFound, "OperationNotFound", fmt.Sprintf("The operation '%s' could not be found.", id))
	case op.status == "InProgress":
		s.pollHeaders(c)
		c.w.Header().Set("Location", c.base+c.r.URL.RequestURI())
		c.w.WriteHeader(http.StatusAccepted)
	default:
		c.w.WriteHeader(http.StatusNoContent)
	}
}

// asyncOperation answers an Azure-AsyncOperation poll: InProgress once, then Succeeded.
func (s *Simulator) asyncOperation(c *call, id string) {
	s.st.mu.Lock()
	op := s.st.ops[id]
	if op == nil {
		s.st.mu.Unlock()
		armErr(c.w, http.StatusNotFound, "OperationNotFound", fmt.Sprintf("The operation '%s' could not be found.", id))
		return
	}
	op.polls++
	if op.polls > 1 && op.status == "InProgress" {
		op.status = "Succeeded"
		if r := s.st.res[op.resKey]; r != nil {
			// copy-on-write: bodies may be being encoded by readers outside the lock
			nb := make(map[string]any, len(r.body))
			for k, v := range r.body {
				nb[k] = v
			}
			np := map[string]any{}
			if p, ok := r.body["properties"].(map[string]any); ok {
				for k, v := range p {
					np[k] = v
				}
			}
			np["provisioningState"] = "Succeeded"
			nb["properties"] = np
			nr := *r
			nr.body = nb
			s.st.res[op.resKey] = &nr
		}
	}
	out := map[string]any{"name": op.id, "status": op.status, "startTime": op.startTime.Format(time.RFC3339Nano)}
	if op.status == "Succeeded" {
		out["endTime"] = s.clk.now().UTC().Format(time.RFC3339Nano)
	}
	s.st.mu.Unlock()
	if op.status == "InProgress" {
		s.pollHeaders(c)
	}
	writeJSON(c.w, http.StatusOK, out)
}

// createStatus is the status a create of a type answers, as its PUT in the REST specs lists it
// (engine/armspec): 201 when listed; else 202 when the create is long-running and 202 is listed;
// else 200. Clients generated from the specs (the Azure SDKs, azurerm, azapi) reject a status
// the spec does not list. For types the specs lack, createAnswers200 decides.
func createStatus(ltyp string, lro bool) int {
	codes, known := armspec.CreateStatus(ltyp)
	if !known {
		if createAnswers200[ltyp] {
			return ifInt(lro, http.StatusAccepted, http.StatusOK)
		}
		return http.StatusCreated
	}
	return pickCreateStatus(codes, lro)
}

// pickCreateStatus picks a create's status among a PUT's listed 2xx codes: 201; else 202 for a
// long-running create; else 200; else whatever the PUT lists (a PUT that answers only 202).
func pickCreateStatus(codes []int, lro bool) int {
	switch {
	case slices.Contains(codes, http.StatusCreated):
		return http.StatusCreated
	case lro && slices.Contains(codes, http.StatusAccepted):
		return http.StatusAccepted
	case slices.Contains(codes, http.StatusOK) || len(codes) == 0:
		return http.StatusOK
	}
	return codes[0]
}

// createAnswers200 is the fallback for types engine/armspec does not know (a spec snapshot
// without them): types whose create answers 200 (202 when long-running), not 201, because their
// REST specs list 200 and 202 only. TestCreateStatusFollowsSpecs checks every entry agrees with
// the specs where they know the type.
var createAnswers200 = map[string]bool{"microsoft.storage/storageaccounts": true, "microsoft.compute/disks": true,
	"microsoft.web/serverfarms": true, "microsoft.web/sites": true, "microsoft.web/sites/config": true, "microsoft.insights/diagnosticsettings": true,
	"microsoft.documentdb/databaseaccounts": true, "microsoft.documentdb/databaseaccounts/sqldatabases": true}
