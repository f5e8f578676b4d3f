package rules

import (
	"strings"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/jsonpath"
)

// owns: every owners[] entry of a group, service principal, application or device owns it.
func owns(c *ctx) {
	for _, o := range list(c.n.Props["owners"]) {
		if id, l, ok := c.principal(str(jsonpath.Field(o, "id")), str(jsonpath.Field(o, "type"))); ok {
			c.edge(graph.EdgeOwns, l, id, c.n.Label, c.self)
		}
	}
}

// directoryRoleEdges links each principal of a directory role's list (assignments or eligible)
// to the role; the principal's label comes from the index, else from principal_type.
func directoryRoleEdges(c *ctx, prop string, t graph.EdgeType) {
	for _, a := range list(c.n.Props[prop]) {
		if id, l, ok := c.principal(str(jsonpath.Field(a, "principal_id")), str(jsonpath.Field(a, "principal_type"))); ok {
			c.edge(t, l, id, graph.LabelDirectoryRole, c.self)
		}
	}
}

func directoryRoleActive(c *ctx)   { directoryRoleEdges(c, "assignments", graph.EdgeHasRole) }
func directoryRoleEligible(c *ctx) { directoryRoleEdges(c, "eligible", graph.EdgeEligibleFor) }

// grantedOAuth2: a client service principal's OAuth2 permission grants point at the resource
// service principal whose API it may call.
func grantedOAuth2(c *ctx) {
	seen := map[string]bool{}
	for _, g := range list(c.n.Props["oauth2_grants"]) {
		id := strings.ToLower(strings.TrimSpace(str(jsonpath.Field(g, "resource_id"))))
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		c.edge(graph.EdgeGranted, graph.LabelServicePrincipal, c.self, graph.LabelServicePrincipal, id)
	}
}

// memberOfUnit: every member of an administrative unit is MEMBER_OF it.
func memberOfUnit(c *ctx) {
	for _, m := range list(c.n.Props["members"]) {
		if id, l, ok := c.principal(str(jsonpath.Field(m, "id")), str(jsonpath.Field(m, "type"))); ok {
			c.edge(graph.EdgeMemberOf, l, id, graph.LabelAdministrativeUnit, c.self)
		}
	}
}

// hasAppRole: every principal assigned one of a resource service principal's app roles.
func hasAppRole(c *ctx) {
	for _, a := range list(c.n.Props["app_role_assigned_to"]) {
		if id, l, ok := c.principal(str(jsonpath.Field(a, "principal_id")), str(jsonpath.Field(a, "principal_type"))); ok {
			c.edge(graph.EdgeHasAppRole, l, id, graph.LabelServicePrincipal, c.self)
		}
	}
}
