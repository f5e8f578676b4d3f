package sim

import (
	"fmt"
	"net/http"
	"strings"
)

// Entra objects beyond users, groups, applications and service principals: devices (with
// registered owners), activated directory roles (with members) and owners of groups,
// applications and service principals. MS Graph serves them (/devices, /directoryRoles,
// …/owners, /roleManagement/directory/roleAssignments); the truth does not count them.

// directoryRoleTemplates are built-in Entra roles (their real template ids).
var directoryRoleTemplates = []struct{ name, template, desc string }{
	{"Global Administrator", "62e90394-69f5-4237-9190-012177145e10", "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities."},
	{"Privileged Role Administrator", "e8611ab8-c189-46e8-94e1-60213ab1f814", "Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management."},
	{"User Administrator", "fe930be7-5e62-47db-91af-98c3a49a38b1", "Can manage all aspects of users and groups, including resetting passwords for limited admins."},
	{"Application Administrator", "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "Can create and manage all aspects of app registrations and enterprise apps."},
	{"Cloud Application Administrator", "158c047a-c907-4556-b7ef-446551a6b5f7", "Can create and manage all aspects of app registrations and enterprise apps except App Proxy."},
	{"Global Reader", "f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Can read everything that a Global Administrator can, but not update anything."},
	{"Security Administrator", "194ae4cb-b126-40b2-bd5b-6091b380977d", "Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365."},
}

// generateDirectoryExtras adds devices, directory roles and owners to a generated tenant. Ids
// derive from the seed by hashing (the generator's random stream is left untouched, so the
// rest of the tenant is byte-identical with or without them).
func generateDirectoryExtras(t *tenant, seed int64) {
	users := t.order["user"]
	if len(users) == 0 {
		return
	}
	id := func(parts ...string) string {
		return uuidFrom(hash64(seed, append([]string{"entra", t.id}, parts...)...))
	}
	for i, rt := range directoryRoleTemplates {
		rid := id("role", rt.template)
		t.addObject(&dirObject{kind: "directoryRole", id: rid, body: map[string]any{"id": rid, "displayName": rt.name,
			"description": rt.desc, "roleTemplateId": rt.template, "deletedDateTime": nil}})
		// the first users hold the first roles; a group and an app SP hold some too
		t.roleMembers[rid] = append(t.roleMembers[rid], memberRef{id: users[i%len(users)], kind: "user"})
		if i == 2 && len(t.order["group"]) > 0 {
			t.roleMembers[rid] = append(t.roleMembers[rid], memberRef{id: t.order["group"][0], kind: "group"})
		}
		if i == 3 {
			for _, sp := range t.order["servicePrincipal"] {
				if t.objects[sp].body["servicePrincipalType"] == "Application" {
					t.roleMembers[rid] = append(t.roleMembers[rid], memberRef{id: sp, kind: "servicePrincipal"})
					break
				}
			}
		}
	}
	oses := []struct{ os, ver, trust string }{{"Windows", "10.0.22631.4460", "AzureAd"}, {"MacOS", "14.6.1", "Workplace"}, {"iOS", "17.6", "Workplace"}, {"Windows", "10.0.26100.2314", "ServerAd"}}
	for i := 0; i < max(2, len(users)/2); i++ {
		u := users[i%len(users)]
		o := oses[i%len(oses)]
		did := id("device", fmt.Sprint(i))
		name := strings.ToUpper(fmt.Sprintf("%s-%04d", strings.Fields(o.os)[0][:3], i))
		t.addObject(&dirObject{kind: "device", id: did, body: map[string]any{"id": did, "deviceId": id("deviceid", fmt.Sprint(i)),
			"displayName": name, "operatingSystem": o.os, "operatingSystemVersion": o.ver, "trustType": o.trust,
			"accountEnabled": i%9 != 8, "isCompliant": i%4 != 3, "isManaged": o.trust != "Workplace",
			"registrationDateTime": "2025-01-15T08:00:00Z", "approximateLastSignInDateTime": "2026-11-30T08:00:00Z"}})
		t.owners[did] = []memberRef{{id: u, kind: "user"}}
	}
	for i, g := range t.order["group"] {
		t.owners[g] = append(t.owners[g], memberRef{id: users[(i*3)%len(users)], kind: "user"})
	}
	spsByApp := map[any][]string{} // appId -> its service principals, in creation order
	for _, sp := range t.order["servicePrincipal"] {
		appID := t.objects[sp].body["appId"]
		spsByApp[appID] = append(spsByApp[appID], sp)
	}
	for i, a := range t.order["application"] {
		t.owners[a] = append(t.owners[a], memberRef{id: users[(i*5+1)%len(users)], kind: "user"})
		for _, sp := range spsByApp[t.objects[a].body["appId"]] {
			t.owners[sp] = append(t.owners[sp], memberRef{id: users[(i*5+1)%len(users)], kind: "user"})
		}
	}
}

// navIDs lists the object ids of a navigation property (caller holds the read lock).
func (st *store) navIDs(t *tenant, o *dirObject, nav string) []string {
	refs := func(list []memberRef) []string {
		out := make([]string, 0, len(list))
		for _, m := range list {
			out = append(out, m.id)
		}
		return out
	}
	switch nav {
	case "members":
		if o.kind == "directoryRole" {
			return refs(t.roleMembers[o.id])
		}
		return refs(t.members[o.id])
	case "transitiveMembers":
		return transitive(o.id, func(id string) []string {
			if id == o.id && o.kind == "directoryRole" {
				return refs(t.roleMembers[id])
			}
			return refs(t.members[id])
		})
	case "memberOf":
		return memberOf(t, o.id)
	case "transitiveMemberOf":
		return transitive(o.id, func(id string) []string { return memberOf(t, id) })
	case "owners", "registeredOwners", "registeredUsers":
		return refs(t.owners[o.id])
	case "ownedObjects", "registeredDevices", "ownedDevices":
		var out []string
		for _, kind := range []string{"group", "application", "servicePrincipal", "device"} {
			if (nav == "registeredDevices" || nav == "ownedDevices") != (kind == "device") {
				continue
			}
			for _, id := range t.order[kind] {
				for _, m := range t.owners[id] {
					if m.id == o.id {
						out = append(out, id)
					}
				}
			}
		}
		return out
	}
	return nil
}

// memberOf: the groups and directory roles id is a direct member of.
func memberOf(t *tenant, id string) []string {
	var out []string
	for _, g := range t.order["group"] {
		for _, m := range t.members[g] {
			if m.id == id {
				out = append(out, g)
				break
			}
		}
	}
	for _, r := range t.order["directoryRole"] {
		for _, m := range t.roleMembers[r] {
			if m.id == id {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// transitive walks next from root breadth-first (cycles are cut), root excluded.
func transitive(root string, next func(string) []string) []string {
	seen := map[string]bool{root: true}
	var out []string
	queue := []string{root}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, n := range next(id) {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
				queue = append(queue, n)
			}
		}
	}
	return out
}

// expand adds $expand navigation properties (nav or nav($select=a,b)) to body; Graph returns at
// most 20 expanded objects. Unknown properties are Graph's 400.
func (st *store) expand(t *tenant, o *dirObject, body map[string]any, spec string) error {
	for _, part := range splitTopLevel(spec) {
		name, opts, _ := strings.Cut(strings.TrimSpace(part), "(")
		sel := ""
		if opts != "" {
			opts = strings.TrimSuffix(opts, ")")
			for _, kv := range strings.Split(opts, ";") {
				if k, v, ok := strings.Cut(kv, "="); ok && strings.EqualFold(strings.TrimSpace(k), "$select") {
					sel = v
				}
			}
		}
		nav, ok := navName(o.kind, name)
		if !ok {
			return fmt.Errorf("Could not find a property named '%s' on type '%s'.", name, strings.TrimPrefix(graphODataType[o.kind], "#"))
		}
		ids := st.navIDs(t, o, nav)
		arr := make([]any, 0, min(len(ids), 20))
		for _, id := range ids {
			if len(arr) == 20 {
				break
			}
			if x := t.objects[id]; x != nil {
				arr = append(arr, selectFields(x, sel, true))
			}
		}
		body[nav] = arr
	}
	return nil
}

func splitTopLevel(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, ch := range s {
		switch ch {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// graphRoleManagement serves /roleManagement/directory/roleAssignments and roleDefinitions,
// derived from the activated directory roles and their members.
func (s *Simulator) graphRoleManagement(c *call, what string) {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	t := c.t
	var value []any
	switch strings.ToLower(what) {
	case "roledefinitions":
		for _, rt := range directoryRoleTemplates {
			value = append(value, map[string]any{"id": rt.template, "templateId": rt.template, "displayName": rt.name,
				"description": rt.desc, "isBuiltIn": true, "isEnabled": true})
		}
	case "roleassignments":
		for _, rid := range t.order["directoryRole"] {
			tmpl := t.objects[rid].body["roleTemplateId"]
			for _, m := range t.roleMembers[rid] {
				value = append(value, map[string]any{"id": fmt.Sprintf("%v_%s", tmpl, m.id), "roleDefinitionId": tmpl,
					"principalId": m.id, "directoryScopeId": "/"})
			}
		}
		if f := c.r.URL.Query().Get("$filter"); f != "" {
			e, err := parseFilterOData(f)
			if err != nil {
				graphErr(c.w, http.StatusBadRequest, "BadRequest", "Invalid filter clause: "+err.Error())
				return
			}
			kept := value[:0:0]
			for _, v := range value {
				if e.eval(v.(map[string]any), "", nil) {
					kept = append(kept, v)
				}
			}
			value = kept
		}
	case "roleeligibilityschedules":
		value = s.st.eligibilityJSON(t)
	default:
		graphErr(c.w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", what))
		return
	}
	if value == nil {
		value = []any{}
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"@odata.context": c.base + c.graphPrefix + "/$metadata#roleManagement/directory/" + what, "value": value})
}
