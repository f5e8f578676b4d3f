package spec

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/graph"
)

// Directory is what the spec shows of Entra beyond users, groups and service principals:
// devices, directory roles, and who owns, holds (active), may activate (PIM eligible) or was
// granted (OAuth2 consent) what — by object id (role template id for roles). Nothing here is
// a secret.
type Directory struct {
	Devices        []Principal    `json:"devices,omitempty"`
	Roles          []Principal    `json:"roles,omitempty"`
	Applications   []Principal    `json:"applications,omitempty"`
	Units          []Principal    `json:"administrative_units,omitempty"`
	Relationships  []Relationship `json:"relationships,omitempty"` // OWNS, HAS_ROLE, ELIGIBLE_FOR, GRANTED, HAS_APP_ROLE, MEMBER_OF
	directoryNames map[string]string
}

// directoryEdges are the Entra relationship types the spec lists.
var directoryEdges = []graph.EdgeType{graph.EdgeOwns, graph.EdgeHasRole, graph.EdgeEligibleFor, graph.EdgeGranted, graph.EdgeHasAppRole, graph.EdgeMemberOf}

// buildDirectory collects the directory part of the spec (nil when the graph has none).
func buildDirectory(nodes []graph.Node, edges []graph.Edge) *Directory {
	d := &Directory{directoryNames: map[string]string{}}
	for _, n := range nodes {
		name, _ := n.Props["display_name"].(string)
		if slices.Contains(graph.EntraLabels, n.Label) {
			d.directoryNames[n.ID] = name
		}
		p := Principal{ID: n.ID, Kind: string(n.Label), DisplayName: name}
		switch n.Label {
		case graph.LabelDevice:
			d.Devices = append(d.Devices, p)
		case graph.LabelDirectoryRole:
			d.Roles = append(d.Roles, p)
		case graph.LabelApplication:
			d.Applications = append(d.Applications, p)
		case graph.LabelAdministrativeUnit:
			d.Units = append(d.Units, p)
		}
	}
	for _, e := range edges {
		if !slices.Contains(directoryEdges, e.Type) || !slices.Contains(graph.EntraLabels, e.FromLabel) || !slices.Contains(graph.EntraLabels, e.ToLabel) {
			continue
		}
		d.Relationships = append(d.Relationships, Relationship{From: e.From, Type: string(e.Type), To: e.To})
	}
	if len(d.Devices)+len(d.Roles)+len(d.Applications)+len(d.Units)+len(d.Relationships) == 0 {
		return nil
	}
	for _, l := range [][]Principal{d.Devices, d.Roles, d.Applications, d.Units} {
		sort.Slice(l, func(i, j int) bool { return l[i].ID < l[j].ID })
	}
	sort.Slice(d.Relationships, func(i, j int) bool {
		a, b := d.Relationships[i], d.Relationships[j]
		return a.Type+a.From+a.To < b.Type+b.From+b.To
	})
	return d
}

// markdownDirectory renders the directory section.
func markdownDirectory(b *strings.Builder, d *Directory) {
	if d == nil {
		return
	}
	count := map[string]int{}
	for _, r := range d.Relationships {
		count[r.Type]++
	}
	b.WriteString("\n## Directory (Entra)\n\n")
	fmt.Fprintf(b, "- %d applications, %d devices, %d directory roles, %d administrative units\n", len(d.Applications), len(d.Devices), len(d.Roles), len(d.Units))
	fmt.Fprintf(b, "- %d ownerships, %d active and %d eligible (PIM) role assignments, %d consent grants, %d app role assignments, %d memberships\n\n",
		count["OWNS"], count["HAS_ROLE"], count["ELIGIBLE_FOR"], count["GRANTED"], count["HAS_APP_ROLE"], count["MEMBER_OF"])
	name := func(id string) string {
		if n := d.directoryNames[id]; n != "" {
			return md(n) + " (`" + id + "`)"
		}
		return "`" + id + "`"
	}
	b.WriteString("| principal | relationship | object |\n|---|---|---|\n")
	for _, r := range d.Relationships {
		if r.Type == string(graph.EdgeMemberOf) && !slices.ContainsFunc(d.Units, func(p Principal) bool { return p.ID == r.To }) {
			continue // group membership is in the groups' counts; unit membership is listed
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", name(r.From), r.Type, name(r.To))
	}
}
