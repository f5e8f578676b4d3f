package sim

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/graph"
)

// PIM-eligible directory role assignments and OAuth2 permission grants (who consented to what)
// of generated tenants, served as MS Graph does:
// /roleManagement/directory/roleEligibilitySchedules and /oauth2PermissionGrants (both paged
// with $top and @odata.nextLink). DirectoryTruth lists what a complete Entra scan must find.

// eligibility is one PIM-eligible role assignment.
type eligibility struct {
	id, roleTemplate, principal string
}

// grant is one OAuth2 permission grant (delegated consent).
type grant struct {
	id, clientID, resourceID, consentType, principalID, scope string
}

// directoryGrants holds a tenant's eligible assignments and grants (kept beside the tenant so
// the tenant struct and the generator's random stream stay as they are).
type directoryGrants struct {
	eligible []eligibility
	grants   []grant
	appRoles []appRoleAssignment
}

// generateGrants adds eligible role assignments and OAuth2 grants to a generated tenant
// (deterministic from the seed by hashing).
func generateGrants(st *store, t *tenant, seed int64) {
	users, sps := t.order["user"], t.order["servicePrincipal"]
	if len(users) == 0 {
		return
	}
	id := func(parts ...string) string {
		return uuidFrom(hash64(seed, append([]string{"entra-grants", t.id}, parts...)...))
	}
	dg := &directoryGrants{}
	for i, rt := range directoryRoleTemplates {
		// the users after the active holders are eligible for the first roles, one group too
		u := users[(i+len(directoryRoleTemplates))%len(users)]
		dg.eligible = append(dg.eligible, eligibility{id: id("eligible", rt.template, u), roleTemplate: rt.template, principal: u})
		if i == 1 && len(t.order["group"]) > 1 {
			g := t.order["group"][1]
			dg.eligible = append(dg.eligible, eligibility{id: id("eligible", rt.template, g), roleTemplate: rt.template, principal: g})
		}
	}
	// application service principals consent to the first one's API (admin and user consent)
	var apps []string
	for _, sp := range sps {
		if t.objects[sp].body["servicePrincipalType"] == "Application" {
			apps = append(apps, sp)
		}
	}
	if len(apps) >= 2 {
		resource := apps[0]
		for i, client := range apps[1:] {
			g := grant{id: id("grant", client), clientID: client, resourceID: resource, consentType: "AllPrincipals", scope: "User.Read openid profile"}
			if i%2 == 1 {
				g.consentType, g.principalID = "Principal", users[i%len(users)]
				g.scope = "User.Read"
			}
			dg.grants = append(dg.grants, g)
		}
	}
	if st.grants == nil {
		st.grants = map[string]*directoryGrants{}
	}
	st.grants[t.id] = dg
	generateUnits(st, t, seed)
}

// graphEligibility serves roleManagement/directory/roleEligibilitySchedules (caller holds the
// read lock).
func (st *store) eligibilityJSON(t *tenant) []any {
	out := []any{}
	if dg := st.grants[t.id]; dg != nil {
		for _, e := range dg.eligible {
			out = append(out, map[string]any{"id": e.id, "roleDefinitionId": e.roleTemplate, "principalId": e.principal,
				"directoryScopeId": "/", "memberType": "Direct", "status": "Provisioned",
				"scheduleInfo": map[string]any{"startDateTime": "2026-01-15T09:00:00Z", "expiration": map[string]any{"type": "noExpiration"}}})
		}
	}
	return out
}

// graphGrants serves GET /oauth2PermissionGrants, paged like every MS Graph list.
func (s *Simulator) graphGrants(c *call) {
	s.st.mu.RLock()
	var ids []string
	byID := map[string]map[string]any{}
	if dg := s.st.grants[c.t.id]; dg != nil {
		for _, g := range dg.grants {
			m := map[string]any{"id": g.id, "clientId": g.clientID, "resourceId": g.resourceID, "consentType": g.consentType,
				"principalId": nil, "scope": g.scope}
			if g.principalID != "" {
				m["principalId"] = g.principalID
			}
			ids = append(ids, g.id)
			byID[g.id] = m
		}
	}
	s.st.mu.RUnlock()
	top := 100
	if v := c.r.URL.Query().Get("$top"); v != "" {
		if _, err := fmt.Sscan(v, &top); err != nil || top < 1 || top > 999 {
			graphErr(c.w, http.StatusBadRequest, "Request_UnsupportedQuery", "Invalid page size specified: '"+v+"'. Must be between 1 and 999 inclusive.")
			return
		}
	}
	sort.Strings(ids) // pageAfter resumes after the last id by binary search
	page, next := pageAfter(ids, c.r.URL.Query().Get("$skiptoken"), top)
	value := make([]any, 0, len(page))
	for _, id := range page {
		value = append(value, byID[id])
	}
	body := map[string]any{"@odata.context": c.base + c.graphPrefix + "/$metadata#oauth2PermissionGrants", "value": value}
	if next != "" {
		body["@odata.nextLink"] = c.base + c.graphPrefix + "/oauth2PermissionGrants?$top=" + fmt.Sprint(top) + "&$skiptoken=" + next
	}
	writeJSON(c.w, http.StatusOK, body)
}

// DirectoryEdge is one relationship a complete Entra scan must find, between object ids (lower)
// or, for directory roles, role template ids.
type DirectoryEdge struct {
	Type string `json:"type"` // OWNS, HAS_ROLE, ELIGIBLE_FOR, GRANTED
	From string `json:"from"`
	To   string `json:"to"`
}

// DirectoryTruth lists a tenant's owners (owner OWNS object), active and PIM-eligible directory
// role assignments (principal HAS_ROLE / ELIGIBLE_FOR role template) and OAuth2 grants (client
// service principal GRANTED resource service principal), with its device count.
func (s *Simulator) DirectoryTruth(tenantID string) (edges []DirectoryEdge, devices int) {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	t := s.st.tenantBy[strings.ToLower(tenantID)]
	if t == nil {
		return nil, 0
	}
	return s.st.directoryEdges(t), len(t.order["device"])
}

// directoryEdges computes DirectoryTruth's edges (caller holds the lock).
func (st *store) directoryEdges(t *tenant) (edges []DirectoryEdge) {
	seen := map[DirectoryEdge]bool{}
	add := func(e DirectoryEdge) {
		e.From, e.To = strings.ToLower(e.From), strings.ToLower(e.To)
		if !seen[e] {
			seen[e] = true
			edges = append(edges, e)
		}
	}
	for obj, owners := range t.owners {
		if t.objects[obj] == nil {
			continue
		}
		for _, o := range owners {
			add(DirectoryEdge{"OWNS", o.id, obj})
		}
	}
	for _, rid := range t.order["directoryRole"] {
		tmpl, _ := t.objects[rid].body["roleTemplateId"].(string)
		for _, m := range t.roleMembers[rid] {
			add(DirectoryEdge{"HAS_ROLE", m.id, tmpl})
		}
	}
	if dg := st.grants[t.id]; dg != nil {
		for _, e := range dg.eligible {
			add(DirectoryEdge{"ELIGIBLE_FOR", e.principal, e.roleTemplate})
		}
		for _, g := range dg.grants {
			add(DirectoryEdge{"GRANTED", g.clientID, g.resourceID})
		}
		for _, e := range dg.appRoleEdges() {
			add(e)
		}
	}
	sort.Slice(edges, func(i, j int) bool {
		a, b := edges[i], edges[j]
		return a.Type+a.From+a.To < b.Type+b.From+b.To
	})
	return edges
}

// replayDirectoryExtras restores from an exported graph (--from-graph) what an Entra scan reads
// beyond users, groups and their members: devices, owners, directory roles with their active
// and eligible assignments, and OAuth2 grants, so a scan of the replay finds the same nodes and
// edges.
func replayDirectoryExtras(st *store, t *tenant, byLabel map[graph.Label][]graph.Node) {
	devices := byLabel[graph.LabelDevice]
	sort.Slice(devices, func(i, j int) bool { return devices[i].ID < devices[j].ID })
	props := map[string]string{"display_name": "displayName", "device_id": "deviceId", "operating_system": "operatingSystem",
		"operating_system_version": "operatingSystemVersion", "trust_type": "trustType", "account_enabled": "accountEnabled",
		"is_compliant": "isCompliant", "is_managed": "isManaged"}
	for _, nd := range devices {
		body := map[string]any{"id": nd.ID}
		for k, v := range nd.Props {
			if g, ok := props[k]; ok {
				body[g] = v
			}
		}
		t.addObject(&dirObject{kind: "device", id: nd.ID, body: body})
	}
	kindOf := func(id, typ string) string {
		if o := t.objects[id]; o != nil {
			return o.kind
		}
		return typ
	}
	refsOf := func(v any, key string) []memberRef {
		var out []memberRef
		list, _ := v.([]any)
		for _, it := range list {
			m, _ := it.(map[string]any)
			id, _ := m[key].(string)
			typ, _ := m["type"].(string)
			if id != "" {
				out = append(out, memberRef{id: strings.ToLower(id), kind: kindOf(strings.ToLower(id), typ)})
			}
		}
		return out
	}
	for _, l := range []graph.Label{graph.LabelGroup, graph.LabelServicePrincipal, graph.LabelApplication, graph.LabelDevice} {
		for _, nd := range byLabel[l] {
			if o := refsOf(nd.Props["owners"], "id"); len(o) > 0 {
				t.owners[nd.ID] = o
			}
		}
	}
	dg := &directoryGrants{}
	roles := byLabel[graph.LabelDirectoryRole]
	sort.Slice(roles, func(i, j int) bool { return roles[i].ID < roles[j].ID })
	for _, nd := range roles {
		name, _ := nd.Props["display_name"].(string)
		rid := uuidFrom(hash64(0, "replay-role", t.id, nd.ID))
		t.addObject(&dirObject{kind: "directoryRole", id: rid, body: map[string]any{"id": rid, "displayName": name, "roleTemplateId": nd.ID}})
		t.roleMembers[rid] = refsOf(nd.Props["assignments"], "principal_id")
		for _, e := range refsOf(nd.Props["eligible"], "principal_id") {
			dg.eligible = append(dg.eligible, eligibility{id: uuidFrom(hash64(0, "replay-eligible", nd.ID, e.id)), roleTemplate: nd.ID, principal: e.id})
		}
	}
	sps := byLabel[graph.LabelServicePrincipal]
	sort.Slice(sps, func(i, j int) bool { return sps[i].ID < sps[j].ID })
	for _, nd := range sps {
		list, _ := nd.Props["oauth2_grants"].([]any)
		for _, it := range list {
			m, _ := it.(map[string]any)
			g := grant{clientID: nd.ID}
			g.id, _ = m["id"].(string)
			g.resourceID, _ = m["resource_id"].(string)
			g.consentType, _ = m["consent_type"].(string)
			g.principalID, _ = m["principal_id"].(string)
			g.scope, _ = m["scope"].(string)
			dg.grants = append(dg.grants, g)
		}
	}
	if st.grants == nil {
		st.grants = map[string]*directoryGrants{}
	}
	st.grants[t.id] = dg
	replayUnits(st, t, byLabel)
}
