package sim

import (
	"net/http"
	"slices"
	"strings"

	"github.com/atg-go/atg/engine/graph"
)

// Administrative units (with members) and app role assignments of generated tenants, served as
// MS Graph does: /directory/administrativeUnits[/{id}/members] (directory objects, paged) and
// /servicePrincipals/{id}/appRoleAssignedTo (the assignments of the resource service
// principal's app roles). Unit memberships are truth MEMBER_OF edges; app role assignments are
// listed by DirectoryTruth as HAS_APP_ROLE.

func init() {
	graphODataType["administrativeUnit"] = "#microsoft.graph.administrativeUnit"
	graphNavs["administrativeUnit"] = []string{"members"}
}

// appRoleAssignment is one assignment of a resource service principal's app role.
type appRoleAssignment struct {
	id, principal, principalType, resource, appRole string
}

// generateUnits adds two administrative units (some users and a group as members) and app
// role assignments (application permissions on the first application's API) to a generated
// tenant.
func generateUnits(st *store, t *tenant, seed int64) {
	users := t.order["user"]
	if len(users) < 2 {
		return
	}
	id := func(parts ...string) string {
		return uuidFrom(hash64(seed, append([]string{"entra-units", t.id}, parts...)...))
	}
	for i, name := range []string{"Europe", "Americas"} {
		au := id("unit", name)
		t.addObject(&dirObject{kind: "administrativeUnit", id: au, body: map[string]any{"id": au, "displayName": name,
			"description": name + " staff", "visibility": nil}})
		for j := i; j < len(users); j += 3 {
			t.members[au] = append(t.members[au], memberRef{id: users[j], kind: "user"})
		}
		if i == 0 && len(t.order["group"]) > 2 {
			t.members[au] = append(t.members[au], memberRef{id: t.order["group"][2], kind: "group"})
		}
	}
	var apps []string
	for _, sp := range t.order["servicePrincipal"] {
		if t.objects[sp].body["servicePrincipalType"] == "Application" {
			apps = append(apps, sp)
		}
	}
	dg := st.grants[t.id]
	if len(apps) < 2 || dg == nil {
		return
	}
	resource := apps[0]
	role := id("approle", resource)
	t.objects[resource].body["appRoles"] = []any{map[string]any{"id": role, "value": "Data.Read.All", "displayName": "Read all data",
		"allowedMemberTypes": []any{"Application"}, "isEnabled": true}}
	for _, client := range apps[1:min(len(apps), 4)] {
		dg.appRoles = append(dg.appRoles, appRoleAssignment{id: id("assignment", client), principal: client,
			principalType: "ServicePrincipal", resource: resource, appRole: role})
	}
	// a user holds the role too (user assignment of an enterprise app)
	dg.appRoles = append(dg.appRoles, appRoleAssignment{id: id("assignment", users[1]), principal: users[1], principalType: "User", resource: resource, appRole: role})
}

// serveUnits answers the administrative-unit and appRoleAssignedTo requests; it reports
// whether it answered.
func (s *Simulator) serveUnits(c *call, segs []string, write bool) bool {
	if write {
		return false
	}
	if len(segs) >= 2 && strings.EqualFold(segs[0], "directory") && strings.EqualFold(segs[1], "administrativeUnits") {
		switch len(segs) {
		case 2:
			s.st.mu.RLock()
			ids := slices.Clone(c.t.order["administrativeUnit"])
			s.st.mu.RUnlock()
			s.graphList(c, "administrativeUnit", "administrativeUnits", ids)
		case 3:
			s.graphGet(c, "administrativeUnit", "administrativeUnits", segs[2])
		case 4:
			s.st.mu.RLock()
			o := c.t.objects[strings.ToLower(segs[2])]
			var ids []string
			if o != nil && o.kind == "administrativeUnit" && strings.EqualFold(segs[3], "members") {
				ids = s.st.navIDs(c.t, o, "members")
			}
			s.st.mu.RUnlock()
			if o == nil || o.kind != "administrativeUnit" {
				notFoundGraph(c, segs[2])
				return true
			}
			s.graphList(c, "", "directoryObjects", ids)
		default:
			graphErr(c.w, http.StatusBadRequest, "BadRequest", "Unsupported request: "+c.r.URL.Path)
		}
		return true
	}
	if len(segs) == 3 && strings.EqualFold(segs[0], "servicePrincipals") && strings.EqualFold(segs[2], "appRoleAssignedTo") {
		s.st.mu.RLock()
		o := c.t.objects[strings.ToLower(segs[1])]
		var value []any
		if dg := s.st.grants[c.t.id]; o != nil && dg != nil {
			for _, a := range dg.appRoles {
				if a.resource == o.id {
					value = append(value, map[string]any{"id": a.id, "principalId": a.principal, "principalType": a.principalType,
						"resourceId": a.resource, "appRoleId": a.appRole, "createdDateTime": "2026-01-15T09:00:00Z"})
				}
			}
		}
		s.st.mu.RUnlock()
		if o == nil || o.kind != "servicePrincipal" {
			notFoundGraph(c, segs[1])
			return true
		}
		if value == nil {
			value = []any{}
		}
		writeJSON(c.w, http.StatusOK, map[string]any{"@odata.context": c.base + c.graphPrefix + "/$metadata#appRoleAssignments", "value": value})
		return true
	}
	return false
}

// replayUnits restores administrative units and app role assignments from a graph export.
func replayUnits(st *store, t *tenant, byLabel map[graph.Label][]graph.Node) {
	for _, nd := range byLabel[graph.LabelAdministrativeUnit] {
		body := map[string]any{"id": nd.ID}
		if v, ok := nd.Props["display_name"]; ok {
			body["displayName"] = v
		}
		t.addObject(&dirObject{kind: "administrativeUnit", id: nd.ID, body: body})
		ms, _ := nd.Props["members"].([]any)
		for _, m := range ms {
			mm, _ := m.(map[string]any)
			id, _ := mm["id"].(string)
			kind, _ := mm["type"].(string)
			if o := t.objects[id]; o != nil {
				kind = o.kind
			}
			if id != "" {
				t.members[nd.ID] = append(t.members[nd.ID], memberRef{id: id, kind: kind})
			}
		}
	}
	dg := st.grants[t.id]
	for _, nd := range byLabel[graph.LabelServicePrincipal] {
		list, _ := nd.Props["app_role_assigned_to"].([]any)
		if len(list) == 0 || dg == nil {
			continue
		}
		if o := t.objects[nd.ID]; o != nil {
			o.body["appRoles"] = []any{map[string]any{"id": "replayed"}}
		}
		for _, it := range list {
			m, _ := it.(map[string]any)
			a := appRoleAssignment{resource: nd.ID}
			a.id, _ = m["id"].(string)
			a.principal, _ = m["principal_id"].(string)
			a.principalType, _ = m["principal_type"].(string)
			a.appRole, _ = m["app_role_id"].(string)
			dg.appRoles = append(dg.appRoles, a)
		}
	}
}

// appRoleEdges lists HAS_APP_ROLE truth edges (principal -> resource service principal).
func (dg *directoryGrants) appRoleEdges() []DirectoryEdge {
	var out []DirectoryEdge
	for _, a := range dg.appRoles {
		out = append(out, DirectoryEdge{Type: "HAS_APP_ROLE", From: a.principal, To: a.resource})
	}
	return out
}
