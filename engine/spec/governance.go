package spec

import (
	"fmt"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/graph"
)

// Governance is the management group hierarchy, policy assignments and resource locks of the
// tenant, with the edges that place them (CONTAINS among groups and subscriptions,
// ASSIGNED_TO of policy assignments, LOCKS of locks), by graph node key.
type Governance struct {
	ManagementGroups  []ManagementGroup `json:"management_groups,omitempty"`
	PolicyAssignments []Governed        `json:"policy_assignments,omitempty"`
	PolicyExemptions  []Governed        `json:"policy_exemptions,omitempty"`
	PolicyDefinitions []Governed        `json:"policy_definitions,omitempty"` // custom definitions and set definitions
	Locks             []Governed        `json:"locks,omitempty"`
}

// ManagementGroup is one group with its parent and children (groups and subscriptions).
type ManagementGroup struct {
	ID          string   `json:"id"`
	DisplayName string   `json:"display_name,omitempty"`
	Parent      string   `json:"parent,omitempty"`
	Children    []string `json:"children,omitempty"`
}

// Governed is a policy assignment or lock and the scope it applies to.
type Governed struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Detail string `json:"detail,omitempty"` // lock level, policy definition id, exempted assignment id, definition display name
	Scope  string `json:"scope,omitempty"`
}

// buildGovernance collects the governance part of the spec (nil when the graph has none).
func buildGovernance(nodes []graph.Node, edges []graph.Edge) *Governance {
	g := &Governance{}
	mgs := map[string]*ManagementGroup{}
	scopeOf := map[string]string{}
	for _, e := range edges {
		switch e.Type {
		case graph.EdgeAssignedTo, graph.EdgeLocks:
			scopeOf[string(e.Type)+"|"+e.From] = e.To
		case graph.EdgeContains:
			if e.FromLabel == graph.LabelManagementGroup {
				if mgs[e.From] == nil {
					mgs[e.From] = &ManagementGroup{ID: e.From}
				}
				mgs[e.From].Children = append(mgs[e.From].Children, e.To)
			}
		}
	}
	for _, n := range nodes {
		props := func(k string) string { s, _ := n.Props[k].(string); return s }
		if n.Label == graph.LabelManagementGroup {
			m := mgs[n.ID]
			if m == nil {
				m = &ManagementGroup{ID: n.ID}
				mgs[n.ID] = m
			}
			m.DisplayName, m.Parent = props("display_name"), graph.NormalizeID(props("parent_id"))
			continue
		}
		if n.Label != graph.LabelResource {
			continue
		}
		p, _ := n.Props[graph.PropProperties].(map[string]any)
		detail := func(k string) string { s, _ := p[k].(string); return s }
		switch props(graph.PropType) {
		case "microsoft.authorization/policyassignments":
			g.PolicyAssignments = append(g.PolicyAssignments, Governed{ID: n.ID, Name: props(graph.PropName),
				Detail: detail("policyDefinitionId"), Scope: scopeOf[string(graph.EdgeAssignedTo)+"|"+n.ID]})
		case "microsoft.authorization/policyexemptions":
			g.PolicyExemptions = append(g.PolicyExemptions, Governed{ID: n.ID, Name: props(graph.PropName),
				Detail: detail("policyAssignmentId"), Scope: scopeOfExtensionID(n.ID)})
		case "microsoft.authorization/policydefinitions", "microsoft.authorization/policysetdefinitions":
			g.PolicyDefinitions = append(g.PolicyDefinitions, Governed{ID: n.ID, Name: props(graph.PropName),
				Detail: detail("displayName"), Scope: scopeOfExtensionID(n.ID)})
		case "microsoft.authorization/locks":
			g.Locks = append(g.Locks, Governed{ID: n.ID, Name: props(graph.PropName), Detail: detail("level"),
				Scope: scopeOf[string(graph.EdgeLocks)+"|"+n.ID]})
		}
	}
	isMG := map[string]bool{}
	for _, n := range nodes {
		if n.Label == graph.LabelManagementGroup {
			isMG[n.ID] = true
		}
	}
	for _, m := range mgs {
		if !isMG[m.ID] {
			continue // a CONTAINS edge from a group the graph no longer has
		}
		sort.Strings(m.Children)
		g.ManagementGroups = append(g.ManagementGroups, *m)
	}
	if len(g.ManagementGroups)+len(g.PolicyAssignments)+len(g.PolicyExemptions)+len(g.PolicyDefinitions)+len(g.Locks) == 0 {
		return nil
	}
	sort.Slice(g.ManagementGroups, func(i, j int) bool { return g.ManagementGroups[i].ID < g.ManagementGroups[j].ID })
	sort.Slice(g.PolicyAssignments, func(i, j int) bool { return g.PolicyAssignments[i].ID < g.PolicyAssignments[j].ID })
	sort.Slice(g.Locks, func(i, j int) bool { return g.Locks[i].ID < g.Locks[j].ID })
	sort.Slice(g.PolicyExemptions, func(i, j int) bool { return g.PolicyExemptions[i].ID < g.PolicyExemptions[j].ID })
	sort.Slice(g.PolicyDefinitions, func(i, j int) bool { return g.PolicyDefinitions[i].ID < g.PolicyDefinitions[j].ID })
	return g
}

// markdownGovernance renders the governance section.
func markdownGovernance(b *strings.Builder, g *Governance) {
	if g == nil {
		return
	}
	b.WriteString("\n## Governance\n\n")
	if len(g.ManagementGroups) > 0 {
		b.WriteString("| management group | name | parent | children |\n|---|---|---|---|\n")
		for _, m := range g.ManagementGroups {
			fmt.Fprintf(b, "| `%s` | %s | %s | %s |\n", m.ID, md(m.DisplayName), orNone(code(m.Parent)), orNone(codes(m.Children)))
		}
		b.WriteString("\n")
	}
	for _, sec := range []struct {
		title string
		items []Governed
	}{{"policy assignment", g.PolicyAssignments}, {"policy exemption", g.PolicyExemptions}, {"policy definition", g.PolicyDefinitions}, {"lock", g.Locks}} {
		if len(sec.items) == 0 {
			continue
		}
		fmt.Fprintf(b, "| %s | name | %s | scope |\n|---|---|---|---|\n", sec.title, map[string]string{"policy assignment": "definition", "policy exemption": "exempted assignment", "policy definition": "display name", "lock": "level"}[sec.title])
		for _, it := range sec.items {
			fmt.Fprintf(b, "| `%s` | %s | %s | %s |\n", it.ID, md(it.Name), md(it.Detail), orNone(code(it.Scope)))
		}
		b.WriteString("\n")
	}
}

func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + s + "`"
}

func codes(ss []string) string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		out = append(out, code(s))
	}
	return strings.Join(out, ", ")
}

// scopeOfExtensionID returns the scope a Microsoft.Authorization extension id sits on.
func scopeOfExtensionID(id string) string {
	if i := strings.LastIndex(id, "/providers/microsoft.authorization/"); i > 0 {
		return id[:i]
	}
	return ""
}
