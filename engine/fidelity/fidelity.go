// Package fidelity compares a source tenant's graph with its replica: which resources made it
// (count fidelity per type) and how many of their properties are equal (property fidelity),
// with every miss listed and explained. The properties compared are every one the source
// returned except those the Azure REST API specs mark readOnly (engine/armspec) — not the
// emitters' own idea of what is writable, which would make the measure circular.
package fidelity

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac/translate"
)

// Options controls matching.
type Options struct {
	SourceTenantID string
	TargetTenantID string
	// TargetSubscriptions restricts the target side (empty: every subscription of the target).
	TargetSubscriptions []string
	// SourceSubscriptions restricts the source side.
	SourceSubscriptions []string
	// NameSuffix is the suffix create-tenant appended to names (stripped before matching).
	NameSuffix string
	// MapName, when set, translates a source resource name into its target name (the same
	// translation create-tenant used, e.g. globally unique names). It wins over NameSuffix.
	MapName func(armType, name string) string
	// IgnoreTypes are lower-cased ARM types excluded from both sides (e.g. types create-tenant
	// does not replicate by design).
	IgnoreTypes []string
}

// Report is the comparison result (the `atg fidelity -o json` shape).
type Report struct {
	SourceTenantID   string               `json:"source_tenant_id"`
	TargetTenantID   string               `json:"target_tenant_id"`
	SourceResources  int                  `json:"source_resources"`
	TargetResources  int                  `json:"target_resources"`
	Matched          int                  `json:"matched"`
	CountFidelity    float64              `json:"count_fidelity"`
	PropertyFidelity float64              `json:"property_fidelity"`
	PropertiesTotal  int                  `json:"properties_compared"`
	PropertiesEqual  int                  `json:"properties_equal"`
	ByType           map[string]TypeStats `json:"by_type"`
	Misses           []Miss               `json:"misses"`
}

// TypeStats is per-type fidelity.
type TypeStats struct {
	Source           int     `json:"source"`
	Target           int     `json:"target"`
	Matched          int     `json:"matched"`
	CountFidelity    float64 `json:"count_fidelity"`
	PropertiesTotal  int     `json:"properties_compared"`
	PropertiesEqual  int     `json:"properties_equal"`
	PropertyFidelity float64 `json:"property_fidelity"`
}

// Miss explains one source resource that is absent or differs in the target.
type Miss struct {
	ID     string `json:"id"`
	Type   string `json:"type"`
	Reason string `json:"reason"`
}

// Compare loads both tenants from the store and compares them.
func Compare(ctx context.Context, store graph.Store, o Options) (Report, error) {
	src, err := load(ctx, store, o.SourceTenantID, o.SourceSubscriptions, o.IgnoreTypes)
	if err != nil {
		return Report{}, fmt.Errorf("loading source tenant: %w", err)
	}
	dst, err := load(ctx, store, o.TargetTenantID, o.TargetSubscriptions, o.IgnoreTypes)
	if err != nil {
		return Report{}, fmt.Errorf("loading target tenant: %w", err)
	}
	return CompareNodes(src, dst, o), nil
}

func load(ctx context.Context, store graph.Store, tenant string, subs, ignore []string) ([]graph.Node, error) {
	var out []graph.Node
	skip := map[string]bool{}
	for _, t := range ignore {
		skip[strings.ToLower(t)] = true
	}
	q := graph.NodeQuery{Labels: []graph.Label{graph.LabelResource}, Subscriptions: subs}
	err := store.Nodes(ctx, tenant, q, func(n graph.Node) error {
		if t, _ := n.Props[graph.PropType].(string); !skip[t] {
			if oos, _ := n.Props[graph.PropOutOfScope].(bool); !oos {
				out = append(out, n)
			}
		}
		return nil
	})
	return out, err
}

// CompareNodes compares two sets of Resource nodes.
//
// Matching goes parents first: a source resource matches the target resource of the same type,
// resource group and (translated) name under its parent's match, so children and extension
// resources (diagnostic settings, role assignments on a resource) follow a renamed parent. When
// no target has the exact name and the type's names are globally unique, a target whose name is
// what engine/iac/translate.UniqueName makes of the source name (with NameSuffix or a
// deterministic 6-hex-digit suffix) is taken, so `atg fidelity` needs no name map.
//
// Properties compared are every one the source returned except those the REST specs mark
// readOnly for the type (engine/armspec) and a few values Azure mints per copy (see props.go);
// ids compare through the match (a reference to a renamed resource is equal when it points at
// that resource's copy), otherwise by type and name path.
func CompareNodes(src, dst []graph.Node, o Options) Report {
	rep := Report{SourceTenantID: o.SourceTenantID, TargetTenantID: o.TargetTenantID,
		SourceResources: len(src), TargetResources: len(dst), ByType: map[string]TypeStats{}, Misses: []Miss{}}
	m := newMatcher(dst, o)
	for _, n := range dst {
		t := str(n, graph.PropType)
		ts := rep.ByType[t]
		ts.Target++
		rep.ByType[t] = ts
	}
	sorted := append([]graph.Node(nil), src...)
	sort.Slice(sorted, func(i, j int) bool {
		di, dj := depth(str(sorted[i], graph.PropID)), depth(str(sorted[j], graph.PropID))
		if di != dj {
			return di < dj
		}
		return sorted[i].ID < sorted[j].ID
	})
	pairs := make([][2]graph.Node, 0, len(sorted))
	var unmatched []graph.Node
	for _, n := range sorted {
		if tn, ok := m.match(n); ok {
			pairs = append(pairs, [2]graph.Node{n, tn})
		} else {
			unmatched = append(unmatched, n)
		}
	}
	implicit := implicitDisks(src)
	for _, n := range unmatched {
		t := str(n, graph.PropType)
		ts := rep.ByType[t]
		ts.Source++
		rep.ByType[t] = ts
		reason := "missing in target: no " + t + " named " + m.wantName(n) + " under " + m.parentTail(n) +
			" in a resource group named " + str(n, graph.PropResourceGroup)
		if vm, ok := implicit[graph.NormalizeID(str(n, graph.PropID))]; ok {
			reason += "; it is created by virtual machine " + vm + " itself (not deployed separately), and the target platform did not create it"
		}
		rep.Misses = append(rep.Misses, Miss{ID: str(n, graph.PropID), Type: t, Reason: reason})
	}
	for _, pr := range pairs {
		n, tn := pr[0], pr[1]
		t := str(n, graph.PropType)
		ts := rep.ByType[t]
		ts.Source++
		ts.Matched++
		rep.Matched++
		total, equal, diffs := compareProps(n, tn, m.translateID)
		ts.PropertiesTotal += total
		ts.PropertiesEqual += equal
		rep.PropertiesTotal += total
		rep.PropertiesEqual += equal
		if len(diffs) > 0 {
			sort.Strings(diffs)
			shown := diffs
			if len(shown) > 5 {
				shown = append(shown[:5:5], fmt.Sprintf("… %d more", len(diffs)-5))
			}
			rep.Misses = append(rep.Misses, Miss{ID: str(n, graph.PropID), Type: t, Reason: "properties differ: " + strings.Join(shown, ", ")})
		}
		rep.ByType[t] = ts
	}
	sort.Slice(rep.Misses, func(i, j int) bool { return strings.ToLower(rep.Misses[i].ID) < strings.ToLower(rep.Misses[j].ID) })
	for t, ts := range rep.ByType {
		ts.CountFidelity = ratio(ts.Matched, ts.Source)
		ts.PropertyFidelity = ratio(ts.PropertiesEqual, ts.PropertiesTotal)
		rep.ByType[t] = ts
	}
	rep.CountFidelity = ratio(rep.Matched, rep.SourceResources)
	rep.PropertyFidelity = ratio(rep.PropertiesEqual, rep.PropertiesTotal)
	return rep
}

// implicitDisks maps the ids of managed disks a source VM creates itself (os and data disks whose
// createOption is not Attach) to the VM's name.
func implicitDisks(src []graph.Node) map[string]string {
	out := map[string]string{}
	for _, n := range src {
		if str(n, graph.PropType) != "microsoft.compute/virtualmachines" {
			continue
		}
		props, _ := n.Props[graph.PropProperties].(map[string]any)
		sp, _ := props["storageProfile"].(map[string]any)
		disks := []any{sp["osDisk"]}
		if dd, ok := sp["dataDisks"].([]any); ok {
			disks = append(disks, dd...)
		}
		for _, d := range disks {
			dm, _ := d.(map[string]any)
			md, _ := dm["managedDisk"].(map[string]any)
			id, _ := md["id"].(string)
			if co, _ := dm["createOption"].(string); id != "" && !strings.EqualFold(co, "Attach") {
				out[graph.NormalizeID(id)] = str(n, graph.PropName)
			}
		}
	}
	return out
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func str(n graph.Node, k string) string { s, _ := n.Props[k].(string); return s }

// depth orders parents before children and scopes before extensions.
func depth(id string) int { return strings.Count(id, "/") }

// matcher pairs source resources with target resources.
type matcher struct {
	o       Options
	groups  map[string]map[string]graph.Node // type|rg|parent tail -> lower name -> node
	used    map[string]bool                  // target node ids taken
	matched map[string]string                // lower source id -> lower target id
}

func newMatcher(dst []graph.Node, o Options) *matcher {
	m := &matcher{o: o, groups: map[string]map[string]graph.Node{}, used: map[string]bool{}, matched: map[string]string{}}
	for _, n := range dst {
		k := str(n, graph.PropType) + "|" + strings.ToLower(str(n, graph.PropResourceGroup)) + "|" + tail(parentID(nodeID(n)))
		if m.groups[k] == nil {
			m.groups[k] = map[string]graph.Node{}
		}
		m.groups[k][strings.ToLower(lastName(nodeID(n)))] = n
	}
	return m
}

func nodeID(n graph.Node) string {
	if id := str(n, graph.PropID); id != "" {
		return strings.ToLower(id)
	}
	return n.ID
}

// parentID is the id of the resource a child or extension resource belongs to, or "".
func parentID(id string) string {
	p, ok := armid.Parse(id)
	if !ok {
		return ""
	}
	if p.Scope != "" && len(p.Types) == 1 {
		if sp, ok := armid.Parse(p.Scope); ok && sp.Namespace != "Microsoft.Resources" {
			return strings.ToLower(p.Scope)
		}
		return ""
	}
	return strings.ToLower(p.ParentID())
}

func lastName(id string) string {
	id = strings.TrimSuffix(id, "/")
	return id[strings.LastIndexByte(id, '/')+1:]
}

// tail drops the subscription and resource group from an id (lower-cased).
func tail(id string) string {
	id = strings.ToLower(id)
	if i := strings.Index(id, "/providers/"); i >= 0 {
		return id[i:]
	}
	return ""
}

func (m *matcher) parentTail(n graph.Node) string {
	pid := parentID(nodeID(n))
	if pid == "" {
		return "the resource group"
	}
	if t, ok := m.matched[pid]; ok {
		return tail(t)
	}
	return tail(pid)
}

func (m *matcher) wantName(n graph.Node) string {
	name := lastName(nodeID(n))
	if m.o.MapName != nil {
		return strings.ToLower(m.o.MapName(str(n, graph.PropType), name))
	}
	return strings.ToLower(name + m.o.NameSuffix)
}

func (m *matcher) match(n graph.Node) (graph.Node, bool) {
	pt := m.parentTail(n)
	if pt == "the resource group" {
		pt = ""
	}
	rg := strings.ToLower(str(n, graph.PropResourceGroup))
	g := m.groups[str(n, graph.PropType)+"|"+rg+"|"+pt]
	if sub := strings.ToLower(str(n, graph.PropSubscription)); len(sub) >= 8 {
		// create-tenant keeps same-named groups of two source subscriptions apart in one target
		// subscription by appending "-<first 8 characters of the source subscription>"
		if alt := m.groups[str(n, graph.PropType)+"|"+rg+"-"+sub[:8]+"|"+pt]; len(alt) > 0 {
			g = alt
		}
	}
	take := func(t graph.Node) (graph.Node, bool) {
		m.used[t.ID] = true
		m.matched[nodeID(n)] = nodeID(t)
		return t, true
	}
	if t, ok := g[m.wantName(n)]; ok && !m.used[t.ID] {
		return take(t)
	}
	// fallback: a globally unique name that translation rewrote (engine/iac/translate.UniqueName
	// with NameSuffix or its deterministic 6-hex-digit suffix)
	rule, global := translate.GlobalNames[str(n, graph.PropType)]
	if !global {
		return graph.Node{}, false
	}
	srcName := lastName(str(n, graph.PropID))
	for name, t := range g {
		if m.used[t.ID] {
			continue
		}
		var sfxs []string
		if m.o.NameSuffix != "" {
			sfxs = append(sfxs, m.o.NameSuffix)
		}
		if len(name) > 6 && isHex(name[len(name)-6:]) {
			sfxs = append(sfxs, name[len(name)-6:])
		}
		for _, sfx := range sfxs {
			if strings.EqualFold(translate.UniqueName(srcName, sfx, rule), name) {
				return take(t)
			}
		}
	}
	return graph.Node{}, false
}

func isHex(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// translateID maps a source id (or an id below a source resource) to its matched target id.
func (m *matcher) translateID(s string) (string, bool) {
	l := strings.TrimSuffix(strings.ToLower(s), "/")
	for cut := len(l); cut > 0; {
		if t, ok := m.matched[l[:cut]]; ok {
			return t + l[cut:], true
		}
		i := strings.LastIndexByte(l[:cut], '/')
		if i <= 0 {
			break
		}
		cut = i
	}
	return "", false
}
