package model

import (
	"sort"
	"strconv"
	"strings"

	"github.com/atg-go/atg/engine/graph"
)

// TypeManagementGroup is the ARM type of management groups.
const TypeManagementGroup = "Microsoft.Management/managementGroups"

// ManagementGroup is a group of the tenant's management group hierarchy. Only the Terraform
// emitter renders them (azurerm_management_group): ARM and Bicep deployments and create-tenant
// write under subscriptions, not at tenant scope.
type ManagementGroup struct {
	Key         string `json:"key"`
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name,omitempty"`
	// Parent is the key of the parent group; "" for a group directly under the tenant root
	// group (which exists in every tenant and is never generated).
	Parent string `json:"parent,omitempty"`
	// Subscriptions are the source subscription ids directly under the group, sorted.
	Subscriptions []string `json:"subscriptions,omitempty"`
}

const mgPrefix = "/providers/microsoft.management/managementgroups/"

// managementGroups turns the ManagementGroup nodes into the model's groups (parents first, then
// by id). The tenant root group is recorded as skipped. taken holds the resource keys, which
// group keys must not reuse.
func (b *builder) managementGroups(nodes []graph.Node, taken map[string]bool) {
	type mg struct {
		id, lower, name, display, parent string
		subs                             []string
	}
	groups := map[string]*mg{}
	for _, n := range nodes {
		if n.Label != graph.LabelManagementGroup {
			continue
		}
		id := str(n.Props, graph.PropID)
		if id == "" {
			id = n.ID
		}
		lower := graph.NormalizeID(id)
		if !strings.HasPrefix(lower, mgPrefix) {
			continue
		}
		g := &mg{id: id, lower: lower, name: id[len(mgPrefix):], display: str(n.Props, "display_name"),
			parent: graph.NormalizeID(str(n.Props, "parent_id"))}
		if s := str(n.Props, graph.PropName); s != "" {
			g.name = s
		}
		if kids, ok := n.Props["children"].([]any); ok {
			for _, k := range kids {
				km, _ := k.(map[string]any)
				if cid := str(km, "id"); strings.HasPrefix(strings.ToLower(cid), "/subscriptions/") {
					g.subs = append(g.subs, strings.TrimPrefix(cid[len("/subscriptions/"):], "/"))
				}
			}
		}
		sort.Strings(g.subs)
		groups[lower] = g
	}
	if len(groups) == 0 {
		return
	}
	root := func(g *mg) bool {
		return g.parent == "" || strings.EqualFold(g.name, b.m.TenantID)
	}
	ids := make([]string, 0, len(groups))
	var roots []*mg
	for l, g := range groups {
		if root(g) {
			roots = append(roots, g)
			continue
		}
		ids = append(ids, l)
	}
	if len(ids) == 0 {
		return // only the root group: no hierarchy to generate
	}
	for _, g := range roots {
		b.skip(g.id, TypeManagementGroup, "tenant root management group: exists in every tenant")
	}
	// depth first so that parents come before their children
	depth := func(l string) int {
		d := 0
		for g := groups[l]; g != nil && !root(g) && d < 16; g = groups[g.parent] {
			d++
		}
		return d
	}
	sort.Slice(ids, func(i, j int) bool {
		if di, dj := depth(ids[i]), depth(ids[j]); di != dj {
			return di < dj
		}
		return ids[i] < ids[j]
	})
	keys := map[string]string{}
	for _, l := range ids {
		g := groups[l]
		base := "mg_" + Sanitize(g.name)
		k := base
		for i := 2; taken[k]; i++ {
			k = base + "_" + strconv.Itoa(i)
		}
		taken[k] = true
		keys[l] = k
	}
	for _, l := range ids {
		g := groups[l]
		out := ManagementGroup{Key: keys[l], ID: g.id, Name: g.name, DisplayName: g.display, Parent: keys[g.parent],
			Subscriptions: g.subs}
		b.m.ManagementGroups = append(b.m.ManagementGroups, out)
	}
}

// ManagementGroupsSkipped lists the model's groups as skipped with reason, for the outputs
// that do not render them (ARM, Bicep, create-tenant).
func (m *Model) ManagementGroupsSkipped(reason string) []Skipped {
	out := make([]Skipped, 0, len(m.ManagementGroups))
	for _, g := range m.ManagementGroups {
		out = append(out, Skipped{ID: g.ID, Type: TypeManagementGroup, Reason: reason})
	}
	return out
}
