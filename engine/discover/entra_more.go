package discover

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph"
)

// MS Graph queries beyond users and groups, as AzureHound collects them. Owners come expanded
// with their objects ($expand returns at most ExpandLimit of them; a full list is read only for
// objects that reach it), so owners cost no call per object.
const (
	ownersExpand                = "&$expand=owners($select=id)"
	DevicesQuery                = "/v1.0/devices?$select=id,displayName,deviceId,operatingSystem,operatingSystemVersion,trustType,accountEnabled,isCompliant,isManaged&$expand=registeredOwners($select=id)&$top=999"
	DirectoryRolesQuery         = "/v1.0/roleManagement/directory/roleDefinitions?$select=id,displayName,description,templateId,isBuiltIn,isEnabled"
	DirectoryAssignmentsQuery   = "/v1.0/roleManagement/directory/roleAssignments?$select=id,principalId,roleDefinitionId,directoryScopeId"
	DirectoryEligibilityQuery   = "/v1.0/roleManagement/directory/roleEligibilitySchedules?$select=id,principalId,roleDefinitionId,directoryScopeId"
	OAuth2PermissionGrantsQuery = "/v1.0/oauth2PermissionGrants?$top=999"
	// ExpandLimit is how many related objects MS Graph's $expand returns.
	ExpandLimit = 20
)

// OwnersQuery is the full owner list of one object of a collection (groups, applications,
// servicePrincipals, devices use registeredOwners).
func OwnersQuery(collection, id string) string {
	nav := "owners"
	if collection == "devices" {
		nav = "registeredOwners"
	}
	return "/v1.0/" + collection + "/" + id + "/" + nav + "?$select=id&$top=999"
}

// refs turns expanded or listed directory objects into [{id, type}].
func refs(objs []any) []any {
	out := make([]any, 0, len(objs))
	for _, o := range objs {
		m, ok := o.(map[string]any)
		if !ok || str(m, "id") == "" {
			continue
		}
		out = append(out, map[string]any{"id": strings.ToLower(str(m, "id")), "type": memberType(str(m, "@odata.type"))})
	}
	return out
}

// owners returns the owners of an object listed with $expand (nav = owners or registeredOwners),
// reading the full list when the expansion may have been cut at ExpandLimit. A failed read
// keeps the expanded owners and is recorded.
func (d *Discoverer) owners(ctx context.Context, collection, nav string, obj map[string]any, sink *Sink) []any {
	expanded, _ := obj[nav].([]any)
	if len(expanded) < ExpandLimit {
		return refs(expanded)
	}
	var all []any
	q := OwnersQuery(collection, str(obj, "id"))
	err := d.Azure.ListGraph(ctx, q, func(raw json.RawMessage) error {
		m, err := decodeObj(raw)
		if err == nil {
			all = append(all, m)
		}
		return err
	})
	if err != nil {
		if ctx.Err() == nil {
			sink.Fail(FailureFrom("entra", q, err))
		}
		return refs(expanded)
	}
	return refs(all)
}

// DeviceNode shapes an MS Graph device (owners: its registered owners).
func DeviceNode(tenantID string, dv map[string]any, owners []any) (graph.Node, bool) {
	id := str(dv, "id")
	if id == "" {
		return graph.Node{}, false
	}
	props := map[string]any{
		"display_name": dv["displayName"], "device_id": dv["deviceId"], "operating_system": dv["operatingSystem"],
		"operating_system_version": dv["operatingSystemVersion"], "trust_type": dv["trustType"],
		"account_enabled": dv["accountEnabled"], "is_compliant": dv["isCompliant"], "is_managed": dv["isManaged"],
		"owners": owners,
	}
	dropNil(props)
	return graph.Node{Label: graph.LabelDevice, ID: strings.ToLower(id), TenantID: tenantID, Props: props}, true
}

// roleGrant is one directory role assignment (active or eligible) as node props.
func roleGrant(a map[string]any) map[string]any {
	m := map[string]any{"id": a["id"], "principal_id": strings.ToLower(str(a, "principalId")), "directory_scope_id": a["directoryScopeId"]}
	dropNil(m)
	return m
}

// DirectoryRoleNode shapes an Entra role definition with its active and PIM-eligible
// assignments. The key is the role's template id (its id for built-in roles).
func DirectoryRoleNode(tenantID string, def map[string]any, active, eligible []any) (graph.Node, bool) {
	id := str(def, "templateId")
	if id == "" {
		id = str(def, "id")
	}
	if id == "" {
		return graph.Node{}, false
	}
	props := map[string]any{
		"display_name": def["displayName"], "description": def["description"], "template_id": strings.ToLower(id),
		"is_built_in": def["isBuiltIn"], "is_enabled": def["isEnabled"],
		"assignments": nonNil(active), "eligible": nonNil(eligible),
	}
	dropNil(props)
	return graph.Node{Label: graph.LabelDirectoryRole, ID: strings.ToLower(id), TenantID: tenantID, Props: props}, true
}

func nonNil(l []any) []any {
	if l == nil {
		return []any{}
	}
	return l
}

// listObjects reads an MS Graph list into objects; a failure is recorded and reported false.
func (d *Discoverer) listObjects(ctx context.Context, query string, sink *Sink) ([]map[string]any, bool) {
	var out []map[string]any
	err := d.Azure.ListGraph(ctx, query, func(raw json.RawMessage) error {
		m, err := decodeObj(raw)
		if err == nil {
			out = append(out, m)
		}
		return err
	})
	if err != nil {
		if ctx.Err() == nil && !licenseMissing(err) {
			sink.Fail(FailureFrom("entra", query, err))
		}
		return out, false
	}
	return out, true
}

// licenseMissing reports the answer of a tenant without the license a feature needs (PIM
// eligibility needs Entra ID P2): nothing to discover, not a failure.
func licenseMissing(err error) bool {
	_, code := azure.ErrorCode(err)
	return strings.Contains(strings.ToLower(code), "license")
}

// directoryRoles lists role definitions, active assignments and PIM-eligible assignments and
// emits one DirectoryRole per role that is built in or has an assignment.
func (d *Discoverer) directoryRoles(ctx context.Context, tenantID string, emit func(graph.Node), sink *Sink) {
	defs, ok := d.listObjects(ctx, DirectoryRolesQuery, sink)
	if !ok {
		return
	}
	byRole := func(list []map[string]any) map[string][]any {
		out := map[string][]any{}
		for _, a := range list {
			r := strings.ToLower(str(a, "roleDefinitionId"))
			out[r] = append(out[r], roleGrant(a))
		}
		return out
	}
	active, _ := d.listObjects(ctx, DirectoryAssignmentsQuery, sink)
	eligible, _ := d.listObjects(ctx, DirectoryEligibilityQuery, sink)
	act, elig := byRole(active), byRole(eligible)
	for _, def := range defs {
		// assignments name the role by its id (the template id for built-in roles)
		keys := []string{strings.ToLower(str(def, "id")), strings.ToLower(str(def, "templateId"))}
		var a, e []any
		for i, k := range keys {
			if k == "" || (i == 1 && k == keys[0]) {
				continue
			}
			a, e = append(a, act[k]...), append(e, elig[k]...)
		}
		if n, ok := DirectoryRoleNode(tenantID, def, a, e); ok {
			emit(n)
		}
	}
}

// oauth2Grants lists the tenant's OAuth2 permission grants by client service principal id.
func (d *Discoverer) oauth2Grants(ctx context.Context, sink *Sink) map[string][]any {
	list, _ := d.listObjects(ctx, OAuth2PermissionGrantsQuery, sink)
	out := map[string][]any{}
	for _, g := range list {
		m := map[string]any{"id": g["id"], "resource_id": strings.ToLower(str(g, "resourceId")), "consent_type": g["consentType"],
			"principal_id": g["principalId"], "scope": g["scope"]}
		dropNil(m)
		client := strings.ToLower(str(g, "clientId"))
		out[client] = append(out[client], m)
	}
	return out
}

// Administrative units and app role assignments.
const AdministrativeUnitsQuery = "/v1.0/directory/administrativeUnits?$select=id,displayName,description,visibility&$top=999"

// AdministrativeUnitMembersQuery is the member list of one administrative unit.
func AdministrativeUnitMembersQuery(id string) string {
	return "/v1.0/directory/administrativeUnits/" + id + "/members?$select=id&$top=999"
}

// AppRoleAssignedToQuery lists the assignments of a resource service principal's app roles.
func AppRoleAssignedToQuery(id string) string {
	return "/v1.0/servicePrincipals/" + id + "/appRoleAssignedTo?$top=999"
}

// AdministrativeUnitNode shapes an administrative unit and its members.
func AdministrativeUnitNode(tenantID string, au map[string]any, members []any) (graph.Node, bool) {
	id := str(au, "id")
	if id == "" {
		return graph.Node{}, false
	}
	props := map[string]any{"display_name": au["displayName"], "description": au["description"], "visibility": au["visibility"],
		"members": nonNil(members)}
	dropNil(props)
	return graph.Node{Label: graph.LabelAdministrativeUnit, ID: strings.ToLower(id), TenantID: tenantID, Props: props}, true
}

// units lists administrative units, then each unit's members, and emits them.
func (d *Discoverer) units(ctx context.Context, tenantID string, emit func(graph.Node), sink *Sink) {
	aus, _ := d.listObjects(ctx, AdministrativeUnitsQuery, sink)
	for _, au := range aus {
		members, ok := d.listObjects(ctx, AdministrativeUnitMembersQuery(str(au, "id")), sink)
		var ms []any
		for _, m := range members {
			ms = append(ms, m)
		}
		if !ok {
			ms = nil // the unit without members; the failure is recorded
		}
		if n, ok := AdministrativeUnitNode(tenantID, au, refs(ms)); ok {
			emit(n)
		}
	}
}

// attachAppRoles reads, for the service principals that define app roles (only those can have
// assignments), who holds them, and stores them as app_role_assigned_to; at most Concurrency
// calls at once.
func (d *Discoverer) attachAppRoles(ctx context.Context, sps []graph.Node, withRoles map[string]string, sink *Sink) {
	sem := make(chan struct{}, d.Concurrency)
	done := make(chan struct{})
	pending := 0
	for i := range sps {
		objectID := withRoles[sps[i].ID]
		if objectID == "" {
			continue
		}
		pending++
		go func(n *graph.Node) {
			sem <- struct{}{}
			defer func() { <-sem; done <- struct{}{} }()
			list, ok := d.listObjects(ctx, AppRoleAssignedToQuery(objectID), sink)
			if !ok {
				return
			}
			var out []any
			for _, a := range list {
				m := map[string]any{"id": a["id"], "principal_id": strings.ToLower(str(a, "principalId")),
					"principal_type": a["principalType"], "app_role_id": a["appRoleId"]}
				dropNil(m)
				out = append(out, m)
			}
			if len(out) > 0 {
				n.Props["app_role_assigned_to"] = out
			}
		}(&sps[i])
	}
	for ; pending > 0; pending-- {
		<-done
	}
}
