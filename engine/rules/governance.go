package rules

import (
	"strings"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/jsonpath"
)

const mgPrefix = "/providers/microsoft.management/managementgroups/"

// containsManagementGroup: a management group contains its child groups and subscriptions; the
// root group (no parent) is contained by the tenant.
func containsManagementGroup(c *ctx) {
	if str(c.n.Props["parent_id"]) == "" {
		c.edge(graph.EdgeContains, graph.LabelTenant, strings.ToLower(c.n.TenantID), graph.LabelManagementGroup, c.self)
	}
	for _, k := range list(c.n.Props["children"]) {
		id := strings.ToLower(strings.TrimSpace(str(jsonpath.Field(k, "id"))))
		switch {
		case strings.HasPrefix(id, mgPrefix):
			c.out(graph.EdgeContains, graph.LabelManagementGroup, id)
		case strings.HasPrefix(id, "/subscriptions/") && strings.Count(id, "/") == 2:
			c.out(graph.EdgeContains, graph.LabelSubscription, id)
		}
	}
}

// scopeTarget resolves a scope id to a node key and label (management groups included).
func scopeTarget(c *ctx, scope string) (string, graph.Label, bool) {
	id := armid.CleanKey(scope)
	if id == "" {
		return "", "", false
	}
	if c.idx != nil {
		if l, ok := c.idx.Lookup(id); ok {
			return id, l, true
		}
	}
	if strings.HasPrefix(id, mgPrefix) {
		return id, graph.LabelManagementGroup, true
	}
	if a, ok := armid.ParseKey(id); ok {
		return a.ID, a.Label(), true
	}
	return "", "", false
}

// policyScope: a policy assignment is ASSIGNED_TO its scope.
func policyScope(c *ctx) {
	scope := str(jsonpath.Keys(c.props(), "scope"))
	if scope == "" {
		scope = armid.ExtensionScope(c.self)
	}
	if id, l, ok := scopeTarget(c, scope); ok {
		c.out(graph.EdgeAssignedTo, l, id)
	}
}

// locksScope: a lock LOCKS the scope it is an extension of.
func locksScope(c *ctx) {
	i := strings.LastIndex(c.self, "/providers/microsoft.authorization/locks/")
	if i <= 0 {
		return
	}
	if id, l, ok := scopeTarget(c, c.self[:i]); ok {
		c.out(graph.EdgeLocks, l, id)
	}
}
