package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Inline sub-resources: ARM returns some child resources inside their parent's body (a gateway's
// NAT rules, a Traffic Manager profile's endpoints) and the scan never lists them on their own,
// while azurerm declares them as resources of their own. An inlineSub row writes each object of
// the parent's list as such a resource (arguments declared like a simple row's, read from the
// object), placed by the owner's id and imported by its ARM sub-resource id. A sub-resource the
// model also holds as a resource of its own is left to that resource.

// subKind is one shape of the list's objects: the azurerm type, the ARM collection segment of
// its id, and its arguments (read from the object).
type subKind struct {
	TF, Segment string
	Args        []arg
	Ignore      []string // fields the service computes (nothing to recreate)
}

// inlineSub declares the sub-resources of one list.
type inlineSub struct {
	List       string // the list under the parent's properties
	ParentAttr string // the argument holding the owner's id
	RGName     bool   // also write resource_group_name
	Kinds      []subKind
	// Kind picks the kind of an object (index into Kinds; -1: not expressed). nil: always 0.
	Kind func(o map[string]any) int
}

// objects returns the list's objects (non-empty maps).
func (sub inlineSub) objects(r *model.Resource) []map[string]any {
	var out []map[string]any
	for _, x := range arr(jsonpath.GetFold(r.Body, sub.List)) {
		if o, ok := x.(map[string]any); ok && !emptyValue(o) {
			out = append(out, o)
		}
	}
	return out
}

func (sub inlineSub) kind(o map[string]any) int {
	if sub.Kind == nil {
		return 0
	}
	return sub.Kind(o)
}

// why returns why an object of the list cannot be expressed, or "".
func (sub inlineSub) why(r *model.Resource) string {
	for _, o := range sub.objects(r) {
		k := sub.kind(o)
		if k < 0 || k >= len(sub.Kinds) {
			return sub.List + " holds an object of a kind no azurerm resource takes"
		}
		name := s(jsonpath.GetFold(o, "name"))
		if name == "" {
			return sub.List + " holds an object without a name"
		}
		kind := sub.Kinds[k]
		props := subProps(o)
		in := sub.List + "." + name + "."
		if why := argsWhy(kind.TF, kind.Args, props, r, in); why != "" {
			return why
		}
		for _, f := range model.SortedKeys(props) {
			if !emptyValue(props[f]) && !argsCover(kind.Args, f) && !listHas(kind.Ignore, f) {
				return kind.TF + " cannot express " + in + f
			}
		}
	}
	return ""
}

// subProps is the object's properties (or the object itself when it has none).
func subProps(o map[string]any) map[string]any {
	if props, ok := jsonpath.GetFold(o, "properties").(map[string]any); ok {
		return props
	}
	return o
}

// listHas reports whether list holds k (case-insensitive).
func listHas(list []string, k string) bool {
	for _, x := range list {
		if strings.EqualFold(x, k) {
			return true
		}
	}
	return false
}

// prepare names the sub-resources before anything is written (addSub), so that references to
// them from any resource resolve to their addresses; the objects the model holds as resources of
// their own are left to those.
func (sub inlineSub) prepare(e *emitter, r *model.Resource) {
	for _, o := range sub.objects(r) {
		k := sub.kind(o)
		if k < 0 || k >= len(sub.Kinds) {
			continue // why() sends such a resource to azapi
		}
		kind := sub.Kinds[k]
		name := s(jsonpath.GetFold(o, "name"))
		if suffix := "/" + kind.Segment + "/" + name; e.resourceByID(r.ID+suffix) == nil {
			e.addSub(r, suffix, kind.TF, name)
		}
	}
}

// write emits the sub-resources after the owner's block.
func (sub inlineSub) write(e *emitter, r *model.Resource) {
	for _, o := range sub.objects(r) {
		k := sub.kind(o)
		if k < 0 || k >= len(sub.Kinds) {
			continue
		}
		kind := sub.Kinds[k]
		name := s(jsonpath.GetFold(o, "name"))
		addr := e.sub(r, "/"+kind.Segment+"/"+name)
		if addr == "" {
			continue // the model's own resource
		}
		b := e.subBlock(addr)
		e.set(b, "name", name)
		if sub.RGName {
			e.rgName(b, r)
		}
		e.setExpr(b, sub.ParentAttr, e.idOf(r))
		e.writeArgs(b, kind.Args, subProps(o), r)
	}
}

// withSubs turns a row into one that also writes inline sub-resources: its Check judges them,
// Extra writes them, Reads names their lists.
func withSubs(row simpleRow, subs ...inlineSub) simpleRow {
	check, extra := row.Check, row.Extra
	row.Check = func(r *model.Resource) string {
		if check != nil {
			if why := check(r); why != "" {
				return why
			}
		}
		for _, sub := range subs {
			if why := sub.why(r); why != "" {
				return why
			}
		}
		return ""
	}
	row.Extra = func(e *emitter, b *hclwrite.Body, r *model.Resource) {
		if extra != nil {
			extra(e, b, r)
		}
		for _, sub := range subs {
			sub.write(e, r)
		}
	}
	for _, sub := range subs {
		row.Reads = append(row.Reads, sub.List)
	}
	return row
}

// registerWithSubs registers rows whose resources write inline sub-resources. Every kind of
// sub-resource is also the azurerm type of a row of its own ARM child type (which the table's
// reverse index names), so the owner lists no associations.
func registerWithSubs(rows map[string]simpleRow, subs map[string][]inlineSub) {
	full := map[string]simpleRow{}
	for k, row := range rows {
		if ss := subs[k]; len(ss) > 0 {
			row = withSubs(row, ss...)
		}
		full[k] = row
	}
	registerSimpleRows(full)
	for k, ss := range subs {
		m, ok := Table[k]
		if !ok {
			continue
		}
		m.Prepare = func(e *emitter, r *model.Resource, _ string) {
			for _, sub := range ss {
				sub.prepare(e, r)
			}
		}
		Table[k] = m
	}
}

// propsOnly is a Check: every object of the list at path holds under "properties" only the
// named fields (a Block argument reading properties.x covers the whole properties object, so
// the fields it does not map are judged here).
func propsOnly(path string, fields ...string) func(r *model.Resource) string {
	return func(r *model.Resource) string {
		for _, x := range arr(jsonpath.GetFold(r.Body, path)) {
			props, _ := jsonpath.GetFold(x, "properties").(map[string]any)
			for _, k := range model.SortedKeys(props) {
				if emptyValue(props[k]) {
					continue
				}
				if !listHas(fields, k) {
					return path + ".properties." + k + " is not expressed"
				}
			}
		}
		return ""
	}
}

// checks runs several Checks in order.
func checks(cs ...func(r *model.Resource) string) func(r *model.Resource) string {
	return func(r *model.Resource) string {
		for _, c := range cs {
			if why := c(r); why != "" {
				return why
			}
		}
		return ""
	}
}

// valuesAt collects the values at a dotted path, walking every list on the way.
func valuesAt(v any, path string) []any {
	if path == "" {
		if l, ok := v.([]any); ok {
			return l
		}
		if v == nil {
			return nil
		}
		return []any{v}
	}
	if l, ok := v.([]any); ok {
		var out []any
		for _, x := range l {
			out = append(out, valuesAt(x, path)...)
		}
		return out
	}
	first, rest, _ := strings.Cut(path, ".")
	return valuesAt(jsonpath.GetFold(v, first), rest)
}

// allOneOf is a Check: every string (or number) at path, lists walked, is one of values (the
// values azurerm's validation takes).
func allOneOf(path string, values ...string) func(r *model.Resource) string {
	return func(r *model.Resource) string {
		for _, v := range valuesAt(r.Body, path) {
			sv, ok := v.(string)
			if f, isNum := v.(float64); isNum {
				sv, ok = number(f), true
			}
			if ok && !listHasExact(values, sv) {
				return path + " " + sv + " is not one of " + strings.Join(values, ", ")
			}
		}
		return ""
	}
}

func listHasExact(list []string, k string) bool {
	for _, x := range list {
		if x == k {
			return true
		}
	}
	return false
}
