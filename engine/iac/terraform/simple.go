package terraform

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Simple rows: typed azurerm resources whose arguments are a flat function of the ARM
// resource, declared as data (simpleRows) instead of code. Each row says how the resource is
// placed (resource group, parent id, or parent names), which arguments come from which ARM
// fields, and which are required; a resource whose required arguments cannot all be filled
// falls back to azapi_resource with the reason in mapping.json. Every row is checked against
// the azurerm provider's schema (azurerm_schema.txt) by TestSimpleRowsMatchSchema.

// placement says how a simple row names where the resource lives.
type placement int

const (
	inRG     placement = iota // name, resource_group_name (+ location when the row has it)
	parentID                  // name, <ParentAttr> = id of the ancestor with AncestorDepth type segments
	names                     // name, resource_group_name, NameAttrs[i] = name of the i-th ancestor
	nameOnly                  // name only (the resource is placed by a reference argument)
	scopeID                   // name, <ParentAttr> = the id of the scope: subscription, resource group or extended resource
)

// conv converts an ARM value into an argument value.
type conv int

const (
	cStr     conv = iota // string as is
	cNum                 // number
	cBool                // bool
	cStrList             // list of strings
	cEnabled             // "Enabled"/"Disabled" -> bool
	cNot                 // bool, negated (disableX -> x_enabled)
	cID                  // an id (reference) string
	cLower               // string, lower-cased
	cIDList              // list of {id} objects -> list of ids
	cMap                 // object of strings (metadata)
	cJSON                // any non-empty JSON value, written as jsonencode(...)
)

// jsonValue is an argument value written as jsonencode(<value>).
type jsonValue struct{ v any }

// arg maps one azurerm argument.
type arg struct {
	TF  string // argument name; "" reads the field (it is expressed by the row's shape) without writing it
	ARM string // dotted path in the properties; "$sku.name", "$sku.tier", "$sku.capacity", "$kind" read the envelope
	C   conv
	// Required: the resource falls back to azapi when the value is missing (and Default is nil).
	Required bool
	Default  any
	// Skip lists ARM values that mean "unset" (service defaults azurerm would reject); for a
	// list, the elements with these values.
	Skip []string
	// Block, when set, makes the argument nested blocks: the ARM value (an object, or a list of
	// objects) becomes one block named TF per object, with these arguments read from the object.
	// Any non-empty field of the object they do not map sends the resource to azapi.
	Block []arg
	// Max, when set, is the most blocks the argument takes (more send the resource to azapi).
	Max int
}

// blockValue is the objects a Block argument writes as nested blocks.
type blockValue []map[string]any

// simpleRow is one declaratively mapped type.
type simpleRow struct {
	TF            string
	NameAttr      string // the argument holding the resource's own name (default "name"; "-": none)
	Place         placement
	ParentAttr    string   // parentID: the argument holding the ancestor's id
	AncestorDepth int      // parentID: type segments of the ancestor (default: the parent)
	NameAttrs     []string // names: arguments for ancestor names, outermost first
	Location      bool
	NeedLocation  bool // location is required: a resource without one falls back to azapi
	RGName        bool // parentID and nameOnly: also write resource_group_name
	Tags          bool
	Identity      bool
	Zones         bool
	Args          []arg
	// Check, when set, returns why a resource cannot be expressed ("" when it can).
	Check func(r *model.Resource) string
	// Extra writes arguments or blocks the declarative list cannot; Sets names them (for the
	// schema test).
	Extra func(e *emitter, b *hclwrite.Body, r *model.Resource)
	Sets  []string
	// Reads lists the top-level ARM properties Extra and Check express or judge; Ignore lists
	// properties that carry nothing to recreate (service-computed, informational). Any other
	// non-empty property makes the resource fall back to azapi (nothing is silently dropped).
	Reads, Ignore []string
	// AllBody: Extra writes the whole body (nothing can be dropped).
	AllBody bool
}

// rawIn reads the value from body (the properties, or the object of an enclosing Block).
func (a arg) rawIn(body any, r *model.Resource) any {
	var v any
	switch {
	case a.ARM == "$sku":
		if len(r.SKU) > 0 {
			v = r.SKU
		}
	case strings.HasPrefix(a.ARM, "$sku."):
		v = r.SKU[strings.TrimPrefix(a.ARM, "$sku.")]
	case a.ARM == "$kind":
		if r.Kind != "" {
			v = r.Kind
		}
	default:
		v = jsonpath.GetFold(body, a.ARM)
	}
	if sv, ok := v.(string); ok {
		for _, skip := range a.Skip {
			if strings.EqualFold(sv, skip) {
				v = nil
			}
		}
	}
	if l, ok := v.([]any); ok && len(a.Skip) > 0 {
		var kept []any
		for _, x := range l {
			if !a.skips(x) {
				kept = append(kept, x)
			}
		}
		if len(kept) == 0 {
			return nil
		}
		v = kept
	}
	return v
}

// skips reports whether x is one of the argument's Skip values.
func (a arg) skips(x any) bool {
	sv, ok := x.(string)
	for _, skip := range a.Skip {
		if ok && strings.EqualFold(sv, skip) {
			return true
		}
	}
	return false
}

// valueIn reads the value from body converted, or nil.
func (a arg) valueIn(body any, r *model.Resource) any {
	v := a.rawIn(body, r)
	if a.Block != nil {
		var objs blockValue
		switch t := v.(type) {
		case map[string]any:
			if !emptyValue(t) {
				objs = append(objs, t)
			}
		case []any:
			for _, x := range t {
				if mm, ok := x.(map[string]any); ok && !emptyValue(mm) {
					objs = append(objs, mm)
				} else if !emptyValue(x) {
					return nil // not a list of objects: a shape the block does not take
				}
			}
		}
		if len(objs) == 0 {
			return nil
		}
		return objs
	}
	var out any
	switch a.C {
	case cStr:
		if sv, ok := v.(string); ok && sv != "" {
			out = sv
		}
	case cLower:
		if sv, ok := v.(string); ok && sv != "" {
			out = strings.ToLower(sv)
		}
	case cNum:
		if f, ok := v.(float64); ok {
			out = f
		}
	case cBool:
		if bv, ok := v.(bool); ok {
			out = bv
		}
	case cNot:
		if bv, ok := v.(bool); ok {
			out = !bv
		}
	case cEnabled:
		if sv, ok := v.(string); ok && sv != "" {
			out = strings.EqualFold(sv, "Enabled")
		}
	case cStrList:
		if l := strList(v); len(l) > 0 {
			out = l
		}
	case cID:
		switch v.(type) {
		case model.Ref, model.Var, model.SubRel:
			out = v
		case string:
			if v != "" {
				out = v
			}
		}
	case cIDList:
		if l := idsOf(v); len(l) > 0 {
			out = l
		}
	case cMap:
		if mm, ok := v.(map[string]any); ok && len(mm) > 0 {
			out = mm
		}
	case cJSON:
		if !emptyValue(v) {
			out = jsonValue{v}
		}
	}
	if out == nil && a.Default != nil {
		out = a.Default
	}
	return out
}

// why returns the reason r cannot be a row's typed resource, or "".
func (row simpleRow) why(r *model.Resource) string {
	if why := argsWhy(row.TF, row.Args, r.Body, r, ""); why != "" {
		return why
	}
	if row.NeedLocation && r.Location == "" {
		return row.TF + " requires location but the resource has none"
	}
	if row.Place == names && len(r.NameSegments()) < len(row.NameAttrs)+1 {
		return row.TF + " needs the names of the parents"
	}
	if why := nameViolation(row.TF, r, row.NameAttrs); why != "" {
		return why
	}
	if row.Check != nil {
		if why := row.Check(r); why != "" {
			return why
		}
	}
	if !row.AllBody {
		if left := row.unexpressed(r); len(left) > 0 {
			return row.TF + " cannot express " + strings.Join(left, ", ")
		}
	}
	return ""
}

// argsWhy checks args against body (at is the path of an enclosing block's object): required
// values present, values of the shape the argument takes, and every field of a block's objects
// mapped.
func argsWhy(tf string, args []arg, body map[string]any, r *model.Resource, at string) string {
	for _, a := range args {
		v := a.valueIn(body, r)
		if a.Required && v == nil {
			return tf + " requires " + a.TF + " but the resource has no " + at + strings.TrimPrefix(a.ARM, "$")
		}
		// a value of another shape than the argument takes would be dropped silently
		if raw := a.rawIn(body, r); a.TF != "" && a.Default == nil && !emptyValue(raw) && v == nil {
			return tf + ": " + at + strings.TrimPrefix(a.ARM, "$") + " has a shape " + a.TF + " does not take"
		}
		objs, _ := v.(blockValue)
		if a.Max > 0 && len(objs) > a.Max {
			return tf + " takes at most " + strconv.Itoa(a.Max) + " " + a.TF + " blocks, the resource has " + strconv.Itoa(len(objs))
		}
		for _, o := range objs {
			in := at + a.ARM + "."
			if why := argsWhy(tf, a.Block, o, r, in); why != "" {
				return why
			}
			for _, k := range model.SortedKeys(o) {
				if !emptyValue(o[k]) && !argsCover(a.Block, k) {
					return tf + " cannot express " + in + k
				}
			}
		}
	}
	return ""
}

// argsCover reports whether an argument reads the field k (or below it).
func argsCover(args []arg, k string) bool {
	for _, a := range args {
		if first, _, _ := strings.Cut(a.ARM, "."); strings.EqualFold(first, k) {
			return true
		}
	}
	return false
}

// writeArgs writes args read from body into b (nested blocks for Block arguments).
func (e *emitter) writeArgs(b *hclwrite.Body, args []arg, body map[string]any, r *model.Resource) {
	for _, a := range args {
		if a.TF == "" {
			continue
		}
		switch v := a.valueIn(body, r).(type) {
		case blockValue:
			for _, o := range v {
				e.writeArgs(b.AppendNewBlock(a.TF, nil).Body(), a.Block, o, r)
			}
		case jsonValue:
			e.setExpr(b, a.TF, "jsonencode("+e.value(v.v, "")+")")
		default:
			e.set(b, a.TF, v)
		}
	}
}

// unexpressed lists r's non-empty top-level properties the row neither maps nor ignores.
func (row simpleRow) unexpressed(r *model.Resource) []string {
	var left []string
	props := azapiProperties(r.Type)
	for _, k := range model.SortedKeys(r.Body) {
		if emptyValue(r.Body[k]) || row.covers(k) || props.readOnlyChild(k) {
			continue
		}
		left = append(left, k)
	}
	return left
}

func (row simpleRow) covers(k string) bool {
	for _, a := range row.Args {
		if first, _, _ := strings.Cut(a.ARM, "."); strings.EqualFold(first, k) {
			return true
		}
	}
	for _, list := range [][]string{row.Reads, row.Ignore} {
		for _, x := range list {
			if strings.EqualFold(x, k) {
				return true
			}
		}
	}
	return false
}

func emptyValue(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case []any:
		return len(t) == 0
	case map[string]any:
		for _, x := range t {
			if !emptyValue(x) {
				return false
			}
		}
		return true
	}
	return false
}

// ancestorExpr is the id expression of r's ancestor with depth type segments: the emitted
// resource's address when the model has it, else the id spelt out under the resource group.
func (e *emitter) ancestorExpr(r *model.Resource, depth int) string {
	ts := r.TypeSegments()
	if depth <= 0 || depth >= len(ts) {
		return e.parentExpr(r)
	}
	// walk up the model's parents first
	for p := e.idx[r.Parent]; p != nil; p = e.idx[p.Parent] {
		if len(p.TypeSegments()) == depth {
			return e.idOf(p)
		}
		if p.Parent == "" {
			break
		}
	}
	ns := strings.SplitN(r.Type, "/", 2)[0]
	nm := r.NameSegments()
	rel := "/providers/" + ns
	for i := 0; i < depth && i < len(nm); i++ {
		rel += "/" + ts[i] + "/" + nm[i]
	}
	return joinExpr(e.base(r), rel)
}

// emitSimple writes a simple row's resource.
func emitSimple(row simpleRow) func(e *emitter, r *model.Resource, t string) error {
	return func(e *emitter, r *model.Resource, t string) error {
		b := e.block(t, r)
		nameAttr := row.NameAttr
		if nameAttr == "" {
			nameAttr = "name"
		}
		if nameAttr != "-" {
			e.set(b, nameAttr, r.LastName())
		}
		switch row.Place {
		case inRG:
			e.rgName(b, r)
		case parentID:
			e.setExpr(b, row.ParentAttr, e.ancestorExpr(r, row.AncestorDepth))
			if row.RGName {
				e.rgName(b, r)
			}
		case scopeID:
			e.setExpr(b, row.ParentAttr, e.base(r))
		case names:
			e.rgName(b, r)
			nm := r.NameSegments()
			for i, a := range row.NameAttrs {
				e.set(b, a, nm[i])
			}
		}
		if row.Location && r.Location != "" {
			e.set(b, "location", r.Location)
		}
		e.writeArgs(b, row.Args, r.Body, r)
		if row.Zones && len(r.Zones) > 0 {
			e.set(b, "zones", toAny(r.Zones))
		}
		if row.Extra != nil {
			row.Extra(e, b, r)
		}
		if row.Identity {
			e.identity(b, r, false)
		}
		if row.Tags {
			e.tags(b, r)
		}
		return nil
	}
}

// registerSimpleRows adds the rows to Table (types the hand-written emitters already map keep
// theirs).
func registerSimpleRows(rows map[string]simpleRow) {
	for armType, row := range rows {
		if _, taken := Table[armType]; taken {
			continue
		}
		row := row
		Table[armType] = Mapping{
			Types: []string{row.TF},
			Resolve: func(r *model.Resource) string {
				if row.why(r) != "" {
					return ""
				}
				return row.TF
			},
			Explain: row.why,
			Emit:    emitSimple(row),
		}
	}
}

// azapiProperties is the properties node of the azapi schema of an ARM type (nil when unknown).
func azapiProperties(armType string) *schemaNode {
	s := azapiSchemaFor(armType)
	if s == nil || s.root == nil {
		return nil
	}
	return s.root.children["properties"]
}

// readOnly reports whether the schema marks a property read-only (the service computes it;
// nothing to recreate).
func (n *schemaNode) readOnlyChild(k string) bool {
	if n == nil {
		return false
	}
	c, ok := n.children[k]
	if !ok {
		if name, found := n.lower[strings.ToLower(k)]; found {
			c, ok = n.children[name], true
		}
	}
	return ok && c.readOnly
}
