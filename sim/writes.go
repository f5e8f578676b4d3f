package sim

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// putResource creates or replaces a resource with ARM's validation: location for tracked
// types, referenced ids that must exist in the subscription, parents that must exist.
func (s *Simulator) putResource(c *call, sub *subscription, p armPath, info *typeInfo, apiVersion string) {
	var body map[string]any
	if !readJSON(c, &body) {
		return
	}
	key := strings.ToLower(p.raw)
	parent := p.parentKey()
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if parent != "" && s.st.res[parent] == nil {
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
	if bad, path := s.st.danglingRef(sub, key, body); bad != "" {
		if strings.EqualFold(namespaceOf(info.Type), "Microsoft.Network") {
			armErr(c.w, http.StatusBadRequest, "InvalidResourceReference", fmt.Sprintf("Resource %s referenced by resource %s was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.", bad, p.raw))
		} else {
			armErr(c.w, http.StatusBadRequest, "LinkedInvalidPropertyId", fmt.Sprintf("Property id '%s' at path '%s' is invalid. The referenced resource does not exist in subscription '%s'.", bad, path, sub.id))
		}
		return
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
	state := "Succeeded"
	if info.LRO {
		state = ifs(old == nil, "Creating", "Updating")
	}
	props["provisioningState"] = state
	s.mintIdentity(t, body, info)
	r := &resource{id: p.raw, key: key, typ: info.Type, ltyp: strings.ToLower(info.Type), sub: sub.id, rg: rgName(sub, p.rg),
		parent: parent, body: body, created: now, changed: now}
	// Inline children (VNet subnets and peerings) become child resources, replacing the old set.
	var pending []*resource
	if emb := embedded[r.ltyp]; emb != nil {
		for childType, prop := range emb {
			arr, present := props[prop].([]any)
			delete(props, prop)
			if !present && old != nil {
				continue
			}
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
			if old != nil {
				for _, k := range s.st.childrenOf(key, childType) {
					if !keep[k.key] {
						s.st.remove(k.key)
					}
				}
			}
		}
	}
	s.st.put(r)
	for _, cr := range pending {
		s.st.put(cr)
	}
	status := http.StatusOK
	if old == nil {
		status = http.StatusCreated
	}
	if info.LRO {
		op := &asyncOp{id: fmt.Sprintf("%016x", hash64(s.opts.Seed, "op", key, fmt.Sprint(s.opSeq.Add(1)))), resKey: key, status: "InProgress", startTime: now}
		s.st.ops[op.id] = op
		loc := r.body["location"]
		if loc == nil {
			loc = "global"
		}
		c.w.Header().Set("Azure-AsyncOperation", fmt.Sprintf("%s/subscriptions/%s/providers/%s/locations/%v/operations/%s?api-version=%s", c.base, sub.id, namespaceOf(info.Type), loc, op.id, apiVersion))
		c.w.Header().Set("Retry-After", "1")
		if s.opts.Throttle == "fast" || s.opts.Throttle == "off" {
			c.w.Header().Set("retry-after-ms", "10")
		}
		status = http.StatusCreated
	}
	out := s.st.render(r)
	writeJSON(c.w, status, out)
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

// danglingRef returns the first ARM id inside body (properties, identity keys) that points
// into this subscription's resource groups but names nothing the simulator holds, and its path.
func (st *store) danglingRef(sub *subscription, self string, body map[string]any) (string, string) {
	var bad, badPath string
	var walk func(v any, path string)
	walk = func(v any, path string) {
		if bad != "" {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if strings.HasPrefix(k, "/") && !st.refExists(sub, self, k) {
					bad, badPath = k, path+"."+k
					return
				}
				walk(x[k], path+"."+k)
			}
		case []any:
			for i, e := range x {
				walk(e, fmt.Sprintf("%s[%d]", path, i))
			}
		case string:
			if !st.refExists(sub, self, x) {
				bad, badPath = x, path
			}
		}
	}
	walk(body["properties"], "properties")
	if id, ok := body["identity"].(map[string]any); ok {
		walk(id["userAssignedIdentities"], "identity.userAssignedIdentities")
	}
	return bad, badPath
}

// refExists reports whether s, if it is a resource id in sub's resource groups, exists. A
// reference to a sub-object of an existing resource (…/ipConfigurations/x) counts.
func (st *store) refExists(sub *subscription, self, s string) bool {
	ls := strings.ToLower(strings.TrimSuffix(s, "/"))
	prefix := "/subscriptions/" + sub.id + "/resourcegroups/"
	if !strings.HasPrefix(ls, prefix) || !strings.Contains(ls, "/providers/") {
		return true
	}
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
		_, ok := st.res[strings.Join(segs, "/")]
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
	if bad, _ := s.st.danglingRef(sub, key, merged); bad != "" {
		s.st.mu.Unlock()
		armErr(c.w, http.StatusBadRequest, "InvalidResourceReference", fmt.Sprintf("Resource %s referenced by resource %s was not found.", bad, p.raw))
		return
	}
	nr := *r
	nr.body = merged
	nr.changed = s.clk.now().UTC()
	s.st.put(&nr)
	out := s.st.render(&nr)
	s.st.mu.Unlock()
	writeJSON(c.w, http.StatusOK, out)
}

func (s *Simulator) deleteResource(c *call, p armPath) {
	s.st.mu.Lock()
	n := s.st.remove(strings.ToLower(p.raw))
	s.st.mu.Unlock()
	if n == 0 {
		c.w.WriteHeader(http.StatusNoContent)
		return
	}
	c.w.WriteHeader(http.StatusOK)
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
		c.w.Header().Set("Retry-After", "1")
		if s.opts.Throttle == "fast" || s.opts.Throttle == "off" {
			c.w.Header().Set("retry-after-ms", "10")
		}
	}
	writeJSON(c.w, http.StatusOK, out)
}
