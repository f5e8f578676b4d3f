package sim

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

func roleDefJSON(sub string, r builtinRole) map[string]any {
	id := "/providers/Microsoft.Authorization/roleDefinitions/" + r.guid
	scopes := []any{"/"}
	if sub != "" {
		id = roleDefID(sub, r.guid)
	}
	actions := []any{"*"}
	notActions := []any{}
	switch r.name {
	case "Reader":
		actions = []any{"*/read"}
	case "Contributor":
		notActions = []any{"Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action"}
	case "Owner":
	default:
		actions = []any{"*/read"}
	}
	return map[string]any{"id": id, "name": r.guid, "type": "Microsoft.Authorization/roleDefinitions",
		"properties": map[string]any{"roleName": r.name, "type": "BuiltInRole", "description": r.desc, "assignableScopes": scopes,
			"permissions": []any{map[string]any{"actions": actions, "notActions": notActions, "dataActions": []any{}, "notDataActions": []any{}}},
			"createdOn":   "2015-02-02T21:55:09.8806423Z", "updatedOn": "2024-01-01T00:00:00.0000000Z", "createdBy": nil, "updatedBy": nil}}
}

func (s *Simulator) getRoleDefinition(c *call, sub, guid string) {
	for _, r := range builtinRoles {
		if strings.EqualFold(r.guid, guid) {
			writeJSON(c.w, http.StatusOK, roleDefJSON(sub, r))
			return
		}
	}
	armErr(c.w, http.StatusNotFound, "RoleDefinitionDoesNotExist", "The specified role definition with ID '"+guid+"' does not exist.")
}

func (s *Simulator) listRoleDefinitions(c *call, sub *subscription) {
	f := strings.ToLower(c.r.URL.Query().Get("$filter"))
	var v []any
	for _, r := range builtinRoles {
		if strings.HasPrefix(f, "rolename eq ") && !strings.EqualFold(strings.Trim(f[len("rolename eq "):], "' "), r.name) {
			continue
		}
		v = append(v, roleDefJSON(sub.id, r))
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"value": v})
}

// listRoleAssignments lists role assignments at a scope with ARM's semantics: no filter =
// at, above and below the scope; $filter=atScope() = at and above only; principalId eq '…'
// and assignedTo('…') filter by principal.
func (s *Simulator) listRoleAssignments(c *call, sub *subscription, scope string) {
	f := strings.TrimSpace(c.r.URL.Query().Get("$filter"))
	lf := strings.ToLower(f)
	atScope := false
	principal := ""
	switch {
	case lf == "":
	case lf == "atscope()":
		atScope = true
	case strings.HasPrefix(lf, "principalid eq "):
		principal = strings.Trim(lf[len("principalid eq "):], "' ")
	case strings.HasPrefix(lf, "assignedto("):
		principal = strings.Trim(strings.TrimSuffix(lf[len("assignedto("):], ")"), "' ")
	default:
		armErr(c.w, http.StatusBadRequest, "UnsupportedQuery", fmt.Sprintf("The filter '%s' is not supported. Supported filters are: 'atScope()', 'principalId eq {value}', 'assignedTo('{value}')'.", f))
		return
	}
	ls := strings.ToLower(strings.TrimSuffix(scope, "/"))
	s.st.mu.Lock()
	s.st.ensureSorted(sub)
	s.st.mu.Unlock()
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	var keys []string
	for _, k := range sub.keys {
		r := s.st.res[k]
		if r == nil || r.ltyp != "microsoft.authorization/roleassignments" {
			continue
		}
		props, _ := r.body["properties"].(map[string]any)
		rs, _ := props["scope"].(string)
		rs = strings.ToLower(rs)
		above := rs == ls || strings.HasPrefix(ls, rs+"/")
		below := strings.HasPrefix(rs, ls+"/")
		if !above && (atScope || !below) {
			continue
		}
		if principal != "" {
			if pid, _ := props["principalId"].(string); !strings.EqualFold(pid, principal) {
				continue
			}
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s.writePage(c, keys, func(k string) any { return s.st.res[k].body }, c.pageSize(s.opts.PageSize))
}
