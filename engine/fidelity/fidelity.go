// Package fidelity compares a source tenant's graph with its replica: which resources made it
// (count fidelity per type) and how many of their writable properties are equal (property
// fidelity), with every miss listed and explained.
package fidelity

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/graph"
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

// ignoredKeys are never compared: ids, etags, provisioning state, timestamps, GUIDs minted by
// Azure, status fields and anything that may hold a generated secret.
var ignoredKeys = map[string]bool{
	"etag": true, "provisioningstate": true, "resourceguid": true, "createdtime": true,
	"creationtime": true, "changedtime": true, "lastmodifiedtime": true, "lastmodifiedat": true,
	"createdat": true, "timecreated": true, "systemdata": true, "uniqueid": true, "principalid": true,
	"tenantid": true, "clientid": true, "objectid": true, "status": true, "statusofprimary": true,
	"primaryendpoints": true, "secondaryendpoints": true, "fqdn": true, "defaulthostname": true,
	"outboundipaddresses": true, "possibleoutboundipaddresses": true, "ipaddress": true,
	"administratorloginpassword": true, "adminpassword": true, "password": true, "vaulturi": true,
	"fullyqualifieddomainname": true, "inboundipaddress": true, "customerid": true, "macaddress": true,
	"connectionstrings": true, "appsettings": true, "state": true, "lastusertime": true,
}

type res struct {
	node graph.Node
	key  string
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
func CompareNodes(src, dst []graph.Node, o Options) Report {
	rep := Report{SourceTenantID: o.SourceTenantID, TargetTenantID: o.TargetTenantID,
		SourceResources: len(src), TargetResources: len(dst), ByType: map[string]TypeStats{}, Misses: []Miss{}}
	targets := map[string]graph.Node{}
	for _, n := range dst {
		targets[matchKey(n, nil, "")] = n
		t := str(n, graph.PropType)
		ts := rep.ByType[t]
		ts.Target++
		rep.ByType[t] = ts
	}
	sorted := append([]graph.Node(nil), src...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	for _, n := range sorted {
		t := str(n, graph.PropType)
		ts := rep.ByType[t]
		ts.Source++
		key := matchKey(n, o.MapName, o.NameSuffix)
		tn, ok := targets[key]
		if !ok {
			rep.Misses = append(rep.Misses, Miss{ID: str(n, graph.PropID), Type: t, Reason: "missing in target: no " + t + " named " + strings.SplitN(key, "|", 3)[2] + " in a resource group of the same name"})
			rep.ByType[t] = ts
			continue
		}
		ts.Matched++
		rep.Matched++
		total, equal, diffs := compareProps(n, tn)
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
	for t, ts := range rep.ByType {
		ts.CountFidelity = ratio(ts.Matched, ts.Source)
		ts.PropertyFidelity = ratio(ts.PropertiesEqual, ts.PropertiesTotal)
		rep.ByType[t] = ts
	}
	rep.CountFidelity = ratio(rep.Matched, rep.SourceResources)
	rep.PropertyFidelity = ratio(rep.PropertiesEqual, rep.PropertiesTotal)
	return rep
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func str(n graph.Node, k string) string { s, _ := n.Props[k].(string); return s }

// matchKey is type|resource group|name, with the name translated back to source form.
func matchKey(n graph.Node, mapName func(string, string) string, suffix string) string {
	t, name := str(n, graph.PropType), str(n, graph.PropName)
	if mapName != nil {
		name = mapName(t, name)
	} else if suffix != "" {
		name += suffix
	}
	// Child resources carry parent names in their id; use the id's tail after the RG.
	return t + "|" + strings.ToLower(str(n, graph.PropResourceGroup)) + "|" + strings.ToLower(childPath(n, name))
}

func childPath(n graph.Node, name string) string {
	id := strings.ToLower(str(n, graph.PropID))
	if i := strings.Index(id, "/providers/"); i >= 0 {
		parts := strings.Split(id[i+len("/providers/"):], "/")
		// namespace/type/name[/childType/childName]...: names are at odd positions after namespace.
		var names []string
		for k := 2; k < len(parts); k += 2 {
			names = append(names, parts[k])
		}
		if len(names) > 1 {
			names[len(names)-1] = strings.ToLower(name)
			return strings.Join(names, "/")
		}
	}
	return name
}

// compareProps counts leaf values of the writable envelope (sku, kind, tags, location, zones,
// identity type, properties) and how many are equal. ARM ids compare by their type and name
// path (subscription and resource group may differ by design).
func compareProps(a, b graph.Node) (total, equal int, diffs []string) {
	fa, fb := map[string]any{}, map[string]any{}
	for _, k := range []string{graph.PropSKU, graph.PropKind, graph.PropTags, graph.PropLocation, graph.PropZones, graph.PropProperties} {
		flatten(k, a.Props[k], fa)
		flatten(k, b.Props[k], fb)
	}
	if id, ok := a.Props[graph.PropIdentity].(map[string]any); ok {
		fa["identity.type"] = id["type"]
		if bid, ok := b.Props[graph.PropIdentity].(map[string]any); ok {
			fb["identity.type"] = bid["type"]
		}
	}
	keys := make([]string, 0, len(fa))
	for k := range fa {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		total++
		if equalValue(fa[k], fb[k]) {
			equal++
		} else {
			diffs = append(diffs, k)
		}
	}
	return total, equal, diffs
}

func flatten(prefix string, v any, out map[string]any) {
	switch x := v.(type) {
	case map[string]any:
		for k, vv := range x {
			if ignoredKeys[strings.ToLower(k)] {
				continue
			}
			flatten(prefix+"."+k, vv, out)
		}
	case []any:
		if len(x) == 0 {
			return
		}
		for i, vv := range x {
			flatten(fmt.Sprintf("%s[%d]", prefix, i), vv, out)
		}
	case nil:
	default:
		out[prefix] = x
	}
}

func equalValue(a, b any) bool {
	sa, aok := a.(string)
	sb, bok := b.(string)
	if aok && bok {
		if isARMID(sa) && isARMID(sb) {
			return idTail(sa) == idTail(sb)
		}
		return strings.EqualFold(sa, sb)
	}
	return reflect.DeepEqual(a, b)
}

func isARMID(s string) bool { return strings.HasPrefix(strings.ToLower(s), "/subscriptions/") }

// idTail drops subscription and resource group from an ARM id.
func idTail(s string) string {
	s = strings.ToLower(s)
	if i := strings.Index(s, "/providers/"); i >= 0 {
		return s[i:]
	}
	parts := strings.Split(s, "/")
	if len(parts) >= 5 { // /subscriptions/x/resourcegroups/name
		return "/resourcegroups/" + parts[4]
	}
	return ""
}
