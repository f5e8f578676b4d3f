package fidelity

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/armspec"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/secrets"
)

// envelope are the parts of a resource's ARM body a Resource node keeps (graph property, ARM
// name). id, name and type identify the resource (the match compares them); systemData is
// readOnly for every type.
var envelope = []struct{ prop, arm string }{
	{graph.PropLocation, "location"}, {graph.PropKind, "kind"}, {graph.PropSKU, "sku"}, {graph.PropZones, "zones"},
	{graph.PropTags, "tags"}, {graph.PropIdentity, "identity"}, {graph.PropPlan, "plan"}, {graph.PropManagedBy, "managedBy"},
	{graph.PropProperties, "properties"},
}

// mintedPerCopy are the property names (at any depth, case-insensitive) whose values the
// specs do not mark readOnly but that every copy gets anew from its own tenant, so a faithful
// copy cannot have the source's: they are never compared. Keep this list short and explained;
// anything the specs mark readOnly needs no entry.
var mintedPerCopy = map[string]bool{
	// the directory a resource belongs to (a key vault's tenantId, its access policies'):
	// the target tenant's id by design
	"tenantid": true,
	// a principal's object id in its own directory (key vault access policies, role
	// assignments, AKS identities): the target tenant's principals have other ids
	"objectid": true, "principalid": true,
	// an application's (or a managed identity's) client id, minted per directory
	"clientid": true,
}

// mintedAt are such values at one path of one type ("type|dotted path", lower-cased, array
// items unmarked).
var mintedAt = map[string]bool{
	// Azure allocates a public IP address from its pool for each resource (the specs let a
	// PUT name one only for bring-your-own prefixes)
	"microsoft.network/publicipaddresses|properties.ipaddress": true,
	// a bastion host's endpoint, bst-<guid>.bastion.azure.com, minted per host
	"microsoft.network/bastionhosts|properties.dnsname": true,
}

// compareProps counts the comparable leaf values of a source resource and how many its copy has
// equal. Comparable is every value the source returned in its ARM body (envelope) except what
// the REST specs mark readOnly for the type (engine/armspec; a type the specs do not know has
// every value compared), mintedPerCopy and secrets (redacted in the source first: a secret is
// generated in the copy, never copied). ARM ids compare through the match, else by their type
// and name path (subscription and resource group may differ by design); a string holding the
// resource's own name compares with the copy's name in its place (a key vault's vaultUri). Both
// sides are canonical first (named collections by name, zones as a set, …: see canonical).
func compareProps(a, b graph.Node, translate func(string) (string, bool)) (total, equal int, diffs []string) {
	c := &comparer{translate: translate, typ: str(a, graph.PropType)}
	c.spec, _ = armspec.Lookup(str(a, graph.PropType))
	if sn, tn := lastName(str(a, graph.PropID)), lastName(str(b, graph.PropID)); len(sn) >= 3 && tn != "" && !strings.EqualFold(sn, tn) {
		c.srcName, c.dstName = strings.ToLower(sn), strings.ToLower(tn)
	}
	for _, e := range envelope {
		av, ok := a.Props[e.prop]
		if !ok || av == nil {
			continue
		}
		red, _ := secrets.Redact(av, e.arm)
		c.value(e.arm, []string{e.arm}, canonical(e.arm, red), canonical(e.arm, b.Props[e.prop]))
	}
	return c.total, c.equal, c.diffs
}

type comparer struct {
	typ              string
	spec             *armspec.Entry // nil: a type the specs do not describe
	translate        func(string) (string, bool)
	srcName, dstName string // lower-cased, set when the copy was renamed
	total, equal     int
	diffs            []string
}

// value compares the source value a at key (display form, with indexes) and spec path segs
// with the copy's value b.
func (c *comparer) value(key string, segs []string, a, b any) {
	if c.spec != nil && c.spec.ReadOnly(segs...) || c.minted(segs) {
		return
	}
	switch x := a.(type) {
	case map[string]any:
		bm, _ := b.(map[string]any)
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if mintedPerCopy[strings.ToLower(k)] {
				continue
			}
			bv, found := c.lookup(bm, k)
			if isARMID(k) {
				// a map keyed by resource ids (an identity's userAssignedIdentities): the entry
				// itself is a value, whatever its readOnly contents
				c.leaf(key+"["+k+"]", found)
			}
			c.value(key+"."+k, append(segs[:len(segs):len(segs)], k), x[k], bv)
		}
	case []any:
		bl, _ := b.([]any)
		for i, v := range x {
			var bv any
			if i < len(bl) {
				bv = bl[i]
			}
			c.value(fmt.Sprintf("%s[%d]", key, i), append(segs[:len(segs):len(segs)], "[]"), v, bv)
		}
	case nil:
	default:
		if isSecretLeaf(key, x) {
			return
		}
		c.leaf(key, c.equalValue(x, b))
	}
}

// mintedTypes are the types with a mintedAt entry (derived).
var mintedTypes = func() map[string]bool {
	m := map[string]bool{}
	for k := range mintedAt {
		t, _, _ := strings.Cut(k, "|")
		m[t] = true
	}
	return m
}()

// minted reports whether segs is a mintedAt path of the type.
func (c *comparer) minted(segs []string) bool {
	if !mintedTypes[c.typ] {
		return false
	}
	var b strings.Builder
	b.WriteString(c.typ)
	b.WriteByte('|')
	for i, s := range segs {
		if s == "[]" {
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strings.ToLower(s))
	}
	return mintedAt[b.String()]
}

func (c *comparer) leaf(key string, eq bool) {
	c.total++
	if eq {
		c.equal++
	} else {
		c.diffs = append(c.diffs, key)
	}
}

// lookup finds the copy's value for a source key: the same key, case-insensitively, or for a
// key that is an ARM id, the copy's key naming the matched resource.
func (c *comparer) lookup(m map[string]any, k string) (any, bool) {
	if m == nil {
		return nil, false
	}
	if v, ok := m[k]; ok {
		return v, true
	}
	for bk, v := range m {
		if strings.EqualFold(bk, k) || isARMID(k) && isARMID(bk) && c.sameID(k, bk) {
			return v, true
		}
	}
	return nil, false
}

// isSecretLeaf reports whether a source value is a secret (a marker secrets.Redact put in, or a
// tag holding one).
func isSecretLeaf(key string, v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	if secrets.IsMarker(s) {
		return true
	}
	if tag, ok := strings.CutPrefix(key, "tags."); ok {
		return secrets.CheckSetting(tag, s) != ""
	}
	return false
}

func (c *comparer) equalValue(a, b any) bool {
	sa, aok := a.(string)
	sb, bok := b.(string)
	if aok && bok {
		if isARMID(sa) && isARMID(sb) {
			return c.sameID(sa, sb)
		}
		if strings.EqualFold(sa, sb) {
			return true
		}
		if c.srcName != "" {
			return strings.ReplaceAll(strings.ToLower(sa), c.srcName, c.dstName) == strings.ToLower(sb)
		}
		return false
	}
	fa, aok := a.(float64)
	fb, bok := b.(float64)
	if aok && bok {
		return fa == fb
	}
	return reflect.DeepEqual(a, b)
}

// sameID reports whether the copy's id sb stands for the source's sa: the matched resource's id
// when sa is (or is below) a matched resource, else the same type and name path.
func (c *comparer) sameID(sa, sb string) bool {
	if c.translate != nil {
		if t, ok := c.translate(sa); ok {
			return t == strings.TrimSuffix(strings.ToLower(sb), "/")
		}
	}
	return idTail(sa) == idTail(sb)
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
