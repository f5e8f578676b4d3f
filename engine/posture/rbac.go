package posture

import (
	"fmt"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/graph"
)

// Built-in role definition GUIDs posture reasons about (the same in every tenant).
const (
	roleOwner             = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
	roleContributor       = "b24988ac-6180-42a0-ab88-20f7382dd24c"
	roleUAA               = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
	roleRBACAdmin         = "f58310d9-a9f6-439a-9e8d-f62e7b41a168"
	roleKVAdmin           = "00482a5a-887f-4fb3-b363-3b7fe8e74483"
	roleKVSecretsOfficer  = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"
	roleKVSecretsUser     = "4633458b-17de-408a-b874-0445c86b69e6"
	roleBlobReader        = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
	roleBlobContributor   = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
	roleBlobOwner         = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"
	roleStorageAccContrib = "17d1049b-9a84-46fb-8f53-869881c3d3ab"
	roleStorageKeyOp      = "81a9662b-bebf-436f-a333-f67b29880f12"
)

var builtinRoleNames = map[string]string{
	roleOwner: "Owner", roleContributor: "Contributor", roleUAA: "User Access Administrator",
	roleRBACAdmin: "Role Based Access Control Administrator", roleKVAdmin: "Key Vault Administrator",
	roleKVSecretsOfficer: "Key Vault Secrets Officer", roleKVSecretsUser: "Key Vault Secrets User",
	roleBlobReader: "Storage Blob Data Reader", roleBlobContributor: "Storage Blob Data Contributor",
	roleBlobOwner: "Storage Blob Data Owner", roleStorageAccContrib: "Storage Account Contributor",
	roleStorageKeyOp: "Storage Account Key Operator Service Role",
}

// privileged roles: control of the scope (BloodHound's "owns"/"user access admin").
var controlRoles = map[string]bool{roleOwner: true, roleUAA: true, roleRBACAdmin: true}

// broadRoles are control plus Contributor.
var broadRoles = map[string]bool{roleOwner: true, roleUAA: true, roleRBACAdmin: true, roleContributor: true}

// secretRoles read key vault secrets (Owner can grant itself any of them).
var secretRoles = map[string]bool{roleOwner: true, roleKVAdmin: true, roleKVSecretsOfficer: true, roleKVSecretsUser: true}

// storageDataRoles read blob data (directly, or through the account keys).
var storageDataRoles = map[string]bool{roleOwner: true, roleContributor: true, roleBlobReader: true, roleBlobContributor: true,
	roleBlobOwner: true, roleStorageAccContrib: true, roleStorageKeyOp: true}

// assignment is a role assignment as posture reads it.
type assignment struct {
	node      *graph.Node
	roleGUID  string // lower-cased
	roleName  string
	scope     string // lower-cased
	principal string // object id
	ptype     string // User | Group | ServicePrincipal | … (from the graph label when known)
}

type rbacIndex struct {
	g           *Graph
	byPrincipal map[string][]assignment
	all         []assignment
	uaiSP       map[string]string // user-assigned identity resource key -> its service principal id
}

func buildRBACIndex(g *Graph) *rbacIndex {
	x := &rbacIndex{g: g, byPrincipal: map[string][]assignment{}, uaiSP: map[string]string{}}
	for _, ra := range g.OfLabel(graph.LabelRoleAssignment) {
		a := readAssignment(g, ra)
		x.all = append(x.all, a)
		if a.principal != "" {
			x.byPrincipal[a.principal] = append(x.byPrincipal[a.principal], a)
		}
	}
	for _, u := range g.OfType(tUAI) {
		if p := strings.ToLower(str(get(u, "properties.principalId"))); p != "" {
			x.uaiSP[u.ID] = p
		}
	}
	return x
}

func readAssignment(g *Graph, ra *graph.Node) assignment {
	a := assignment{node: ra, scope: graph.NormalizeID(str(ra.Props["scope"])),
		principal: strings.ToLower(str(ra.Props["principal_id"])), ptype: str(ra.Props["principal_type"])}
	rd := str(ra.Props["role_definition_id"])
	a.roleGUID = strings.ToLower(rd[strings.LastIndex(rd, "/")+1:])
	for _, d := range g.Out(ra.ID, graph.EdgeHasRole) {
		a.roleName = str(d.Props["role_name"])
		if a.roleGUID == "" {
			a.roleGUID = strings.ToLower(str(d.Props[graph.PropName]))
		}
	}
	if a.roleName == "" {
		a.roleName = builtinRoleNames[a.roleGUID]
	}
	if a.roleName == "" {
		a.roleName = a.roleGUID
	}
	for _, p := range g.Out(ra.ID, graph.EdgeAssignedTo) {
		a.principal = p.ID
		a.ptype = string(p.Label)
	}
	if a.scope == "" {
		// the assignment id is <scope>/providers/microsoft.authorization/roleassignments/<name>
		a.scope = parentBefore(ra.ID, "providers/microsoft.authorization/roleassignments")
		if strings.HasPrefix(ra.ID, "/providers/microsoft.authorization/") {
			a.scope = "/"
		}
	}
	return a
}

// scopeKind classifies a (lower-cased) scope.
func scopeKind(scope string) string {
	parts := strings.Split(strings.Trim(scope, "/"), "/")
	switch {
	case scope == "/" || scope == "":
		return "root"
	case strings.HasPrefix(scope, "/providers/microsoft.management/managementgroups/"):
		return "management-group"
	case len(parts) == 2 && parts[0] == "subscriptions":
		return "subscription"
	case len(parts) == 4 && parts[2] == "resourcegroups":
		return "resource-group"
	}
	return "resource"
}

// tenantWide reports a subscription, management-group or root scope.
func tenantWide(scope string) bool {
	k := scopeKind(scope)
	return k == "subscription" || k == "management-group" || k == "root"
}

// covers reports whether an assignment at scope applies to the node with key id. A
// management-group scope is taken to cover the whole tenant (the graph does not hold the
// management-group hierarchy).
func covers(scope, id string) bool {
	switch scopeKind(scope) {
	case "root", "management-group":
		return true
	}
	return id == scope || strings.HasPrefix(id, scope+"/")
}

// groupsOf returns every group a principal belongs to, transitively, nearest first, with the
// group each was reached from ("" for direct membership).
func (x *rbacIndex) groupsOf(principal string) []string {
	var out []string
	seen := map[string]bool{principal: true}
	queue := []string{principal}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, gr := range x.g.Out(p, graph.EdgeMemberOf) {
			if !seen[gr.ID] {
				seen[gr.ID] = true
				out = append(out, gr.ID)
				queue = append(queue, gr.ID)
			}
		}
	}
	return out
}

// effective returns a principal's assignments, direct and through groups.
func (x *rbacIndex) effective(principal string) []assignment {
	out := append([]assignment{}, x.byPrincipal[principal]...)
	for _, gr := range x.groupsOf(principal) {
		out = append(out, x.byPrincipal[gr]...)
	}
	return out
}

// identitiesOf returns the service principals a resource runs as (system-assigned, and the
// principals behind its user-assigned identities), with the UAI resource when there is one.
func (x *rbacIndex) identitiesOf(n *graph.Node) [][2]string {
	var out [][2]string
	for _, t := range x.g.Out(n.ID, graph.EdgeUsesIdentity) {
		switch {
		case t.Label == graph.LabelServicePrincipal:
			out = append(out, [2]string{t.ID, ""})
		case typeOf(t) == tUAI && x.uaiSP[t.ID] != "":
			out = append(out, [2]string{x.uaiSP[t.ID], t.ID})
		}
	}
	return out
}

// Access is one principal's effective role on a scope.
type Access struct {
	PrincipalID   string `json:"principal_id"`
	PrincipalName string `json:"principal_name,omitempty"`
	PrincipalType string `json:"principal_type"`
	Role          string `json:"role"`
	Scope         string `json:"scope"`         // the assignment's scope
	Inherited     bool   `json:"inherited"`     // assigned at a parent scope
	AssignmentID  string `json:"assignment_id"` // node key of the role assignment
	// ViaGroup is the group the principal holds the role through ("" when assigned directly).
	ViaGroup     string `json:"via_group,omitempty"`
	ViaGroupName string `json:"via_group_name,omitempty"`
}

// WhoCanAccess returns the effective role assignments on a node: assignments at its scope and
// every parent scope (inheritance), with each group's transitive members expanded. The
// node's own key must exist in the snapshot.
func (g *Graph) WhoCanAccess(id string) ([]Access, error) {
	n := g.Node(id)
	if n == nil {
		return nil, fmt.Errorf("no node %q in tenant %s: %w", id, g.TenantID, graph.ErrNotFound)
	}
	x := buildRBACIndex(g)
	var out []Access
	name := func(pid string) (string, string) {
		if p := g.Node(pid); p != nil {
			return displayName(p), string(p.Label)
		}
		return "", ""
	}
	for _, a := range x.all {
		if !covers(a.scope, n.ID) {
			continue
		}
		pn, pl := name(a.principal)
		if pl == "" {
			pl = a.ptype
		}
		base := Access{PrincipalID: a.principal, PrincipalName: pn, PrincipalType: pl, Role: a.roleName,
			Inherited: a.scope != n.ID, AssignmentID: a.node.ID}
		base.Scope = a.scope
		out = append(out, base)
		if pl != string(graph.LabelGroup) {
			continue
		}
		// transitive members of the group
		seen := map[string]bool{a.principal: true}
		queue := []string{a.principal}
		for len(queue) > 0 {
			gid := queue[0]
			queue = queue[1:]
			for _, m := range g.In(gid, graph.EdgeMemberOf) {
				if seen[m.ID] {
					continue
				}
				seen[m.ID] = true
				acc := base
				acc.PrincipalID, acc.PrincipalName, acc.PrincipalType = m.ID, displayName(m), string(m.Label)
				acc.ViaGroup, acc.ViaGroupName = a.principal, pn
				out = append(out, acc)
				if m.Label == graph.LabelGroup {
					queue = append(queue, m.ID)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].PrincipalID != out[j].PrincipalID {
			return out[i].PrincipalID < out[j].PrincipalID
		}
		return out[i].AssignmentID < out[j].AssignmentID
	})
	return out, nil
}
