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
	Detail string `json:"detail,omitempty"` // lock level, or the policy definition id
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
	if len(g.ManagementGroups)+len(g.PolicyAssignments)+len(g.Locks) == 0 {
		return nil
	}
	sort.Slice(g.ManagementGroups, func(i, j int) bool { return g.ManagementGroups[i].ID < g.ManagementGroups[j].ID })
	sort.Slice(g.PolicyAssignments, func(i, j int) bool { return g.PolicyAssignments[i].ID < g.PolicyAssignments[j].ID })
	sort.Slice(g.Locks, func(i, j int) bool { return g.Locks[i].ID < g.Locks[j].ID })
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
	}{{"policy assignment", g.PolicyAssignments}, {"lock", g.Locks}} {
		if len(sec.items) == 0 {
			continue
		}
		fmt.Fprintf(b, "| %s | name | %s | scope |\n|---|---|---|---|\n", sec.title, map[string]string{"policy assignment": "definition", "lock": "level"}[sec.title])
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
