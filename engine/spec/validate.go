package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/errs"
)

// Limits of a spec accepted by Validate.
const (
	// MaxResources bounds the resources of one spec.
	MaxResources = 20000
	// MaxVariables bounds the variables of one spec.
	MaxVariables = 20000
	// MaxNesting bounds the nesting depth of JSON objects and arrays.
	MaxNesting = 64
	// MaxReferenceDepth bounds a chain of extension-resource scopes ($ref scope -> $ref scope …).
	MaxReferenceDepth = 16
	// MaxDependencyDepth bounds the longest chain of dependencies (deployment levels).
	MaxDependencyDepth = 256
)

// ValidationError is the first problem Validate found: the JSON path of the offending value
// (relative to the spec's JSON object, e.g. model.resources[3].scope) and what is wrong.
type ValidationError struct {
	Path    string
	Message string
}

// ErrorCode makes every validation failure an invalid input (errs.Invalid).
func (e *ValidationError) ErrorCode() errs.Code { return errs.Invalid }

func (e *ValidationError) Error() string {
	if e.Path == "" {
		return "spec: " + e.Message
	}
	return "spec: " + e.Path + ": " + e.Message
}

// fieldsOf derives the JSON field names of a struct type from its tags (the schema's allowed
// keys follow the Go types the spec decodes into).
func fieldsOf(v any) map[string]bool {
	out := map[string]bool{}
	t := reflect.TypeOf(v)
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name != "" && name != "-" {
			out[name] = true
		}
	}
	return out
}

var (
	specFields     = fieldsOf(Spec{})
	tenantFields   = fieldsOf(Tenant{})
	modelFields    = fieldsOf(model.Model{})
	resourceFields = fieldsOf(model.Resource{})
	variableFields = fieldsOf(model.Variable{})

	keyRE        = regexp.MustCompile(`^[A-Za-z0-9_]{1,200}$`)
	varNameRE    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,199}$`)
	armTypeRE    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.]*(/[A-Za-z0-9][A-Za-z0-9_.-]*){1,8}$`)
	apiVersionRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(-[A-Za-z0-9.]+)?$`)
	levels       = map[string]bool{"": true, string(model.LevelSubscription): true, string(model.LevelResourceGroup): true}
)

// Validate checks a spec document (the Markdown of generate-spec, its JSON block, or the JSON
// object) before anything runs it: the schema (format, required fields, types, id syntax, no
// null entries), the limits (resources, nesting, reference and dependency depth) and reference
// cycles. It returns the parsed spec, or a *ValidationError naming the first problem.
func Validate(data []byte) (*Spec, error) {
	raw, err := jsonBlock(data)
	if err != nil {
		return nil, &ValidationError{Message: err.Error()}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, &ValidationError{Message: "not valid JSON: " + err.Error()}
	}
	if dec.More() {
		return nil, &ValidationError{Message: "trailing data after the JSON object"}
	}
	v := &validator{}
	v.spec(doc)
	if v.err != nil {
		return nil, v.err
	}
	s, err := Parse(raw)
	if err != nil {
		return nil, &ValidationError{Message: err.Error()}
	}
	return s, nil
}

// jsonBlock returns the spec's JSON: the input itself when it is an object, else the last
// ```json block of the Markdown.
func jsonBlock(data []byte) ([]byte, error) {
	trimmed := bytes.TrimSpace(data)
	if bytes.HasPrefix(trimmed, []byte("{")) {
		return trimmed, nil
	}
	start := bytes.LastIndex(data, []byte("\n```json\n"))
	switch {
	case start >= 0:
		data = data[start+len("\n```json\n"):]
	case bytes.HasPrefix(data, []byte("```json\n")):
		data = data[len("```json\n"):]
	default:
		return nil, ErrNoSpec
	}
	end := bytes.Index(data, []byte("\n```"))
	if end < 0 {
		return nil, fmt.Errorf("%w: unterminated json block", ErrNoSpec)
	}
	return data[:end], nil
}

type validator struct {
	err  *ValidationError
	keys map[string]int      // resource key -> index
	vars map[string]*varDecl // variable name -> declaration
}

type varDecl struct {
	def    string
	hasDef bool
}

func (v *validator) fail(path, format string, a ...any) {
	if v.err == nil {
		v.err = &ValidationError{Path: path, Message: fmt.Sprintf(format, a...)}
	}
}

func kindOf(x any) string {
	switch x.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", x)
}

func (v *validator) object(path string, x any, allowed map[string]bool) map[string]any {
	m, ok := x.(map[string]any)
	if !ok {
		v.fail(path, "must be an object, not %s", kindOf(x))
		return nil
	}
	if allowed != nil {
		for _, k := range sortedKeys(m) {
			if !allowed[k] {
				v.fail(join(path, k), "unknown field")
				return nil
			}
		}
	}
	return m
}

func (v *validator) array(path string, x any, max int) []any {
	a, ok := x.([]any)
	if !ok {
		v.fail(path, "must be an array, not %s", kindOf(x))
		return nil
	}
	if len(a) > max {
		v.fail(path, "has %d entries; at most %d are allowed", len(a), max)
		return nil
	}
	for i, e := range a {
		if e == nil {
			v.fail(fmt.Sprintf("%s[%d]", path, i), "null entry")
			return nil
		}
	}
	return a
}

// str returns m[k] as a string; required fields must be present and non-empty.
func (v *validator) str(path string, m map[string]any, k string, required bool) string {
	x, ok := m[k]
	if !ok || x == nil {
		if required {
			v.fail(join(path, k), "required")
		}
		return ""
	}
	s, ok := x.(string)
	if !ok {
		v.fail(join(path, k), "must be a string, not %s", kindOf(x))
		return ""
	}
	if required && strings.TrimSpace(s) == "" {
		v.fail(join(path, k), "required")
	}
	return s
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// depth checks the nesting depth of x without recursing past the limit.
func (v *validator) depth(path string, x any, d int) {
	if v.err != nil {
		return
	}
	if d > MaxNesting {
		v.fail(path, "nested deeper than %d levels", MaxNesting)
		return
	}
	switch t := x.(type) {
	case map[string]any:
		for _, k := range sortedKeys(t) {
			v.depth(join(path, k), t[k], d+1)
		}
	case []any:
		for i, e := range t {
			v.depth(fmt.Sprintf("%s[%d]", path, i), e, d+1)
		}
	}
}

func (v *validator) spec(doc any) {
	v.depth("", doc, 0)
	if v.err != nil {
		return
	}
	top := v.object("", doc, specFields)
	if top == nil {
		return
	}
	if f := v.str("", top, "format", true); v.err == nil && f != FormatVersion {
		v.fail("format", "unsupported format %q (want %s)", f, FormatVersion)
	}
	if t, ok := top["tenant"]; ok {
		tm := v.object("tenant", t, tenantFields)
		if tm != nil {
			v.str("tenant", tm, "id", false)
			if subs, ok := tm["subscriptions"]; ok {
				v.array("tenant.subscriptions", subs, MaxResources)
			}
		}
	}
	for _, k := range []string{"principals", "relationships"} {
		if x, ok := top[k]; ok && x != nil {
			v.array(k, x, 10*MaxResources)
		}
	}
	mx, ok := top["model"]
	if !ok || mx == nil {
		v.fail("model", "required")
		return
	}
	m := v.object("model", mx, modelFields)
	if m == nil {
		return
	}
	for _, k := range []string{"subscriptions", "skipped", "dropped"} {
		if x, ok := m[k]; ok && x != nil {
			v.array("model."+k, x, 10*MaxResources)
		}
	}
	v.variables(m)
	rx, ok := m["resources"]
	if !ok || rx == nil {
		v.fail("model.resources", "required")
		return
	}
	res := v.array("model.resources", rx, MaxResources)
	if v.err != nil {
		return
	}
	v.keys = map[string]int{}
	objs := make([]map[string]any, len(res))
	for i, r := range res {
		p := fmt.Sprintf("model.resources[%d]", i)
		objs[i] = v.object(p, r, resourceFields)
		if v.err != nil {
			return
		}
		k := v.str(p, objs[i], "key", true)
		if v.err != nil {
			return
		}
		if !keyRE.MatchString(k) {
			v.fail(p+".key", "must be a letter followed by letters, digits and '_' (at most 200)")
			return
		}
		if j, dup := v.keys[k]; dup {
			v.fail(p+".key", "duplicate key %s (also model.resources[%d])", k, j)
			return
		}
		v.keys[k] = i
	}
	for i, r := range objs {
		v.resource(fmt.Sprintf("model.resources[%d]", i), r)
		if v.err != nil {
			return
		}
	}
	v.graph(objs)
}

func (v *validator) variables(m map[string]any) {
	v.vars = map[string]*varDecl{}
	x, ok := m["variables"]
	if !ok || x == nil {
		return
	}
	vs := v.array("model.variables", x, MaxVariables)
	for i, e := range vs {
		p := fmt.Sprintf("model.variables[%d]", i)
		o := v.object(p, e, variableFields)
		if v.err != nil {
			return
		}
		name := v.str(p, o, "name", true)
		v.str(p, o, "kind", false)
		v.str(p, o, "description", false)
		if v.err != nil {
			return
		}
		if !varNameRE.MatchString(name) {
			v.fail(p+".name", "must be letters, digits and '_' (at most 200)")
			return
		}
		d := &varDecl{}
		if dx, ok := o["default"]; ok && dx != nil {
			d.def = v.str(p, o, "default", false)
			d.hasDef = true
		}
		v.vars[name] = d
	}
}

func (v *validator) resource(p string, r map[string]any) {
	typ := v.str(p, r, "type", true)
	if v.err == nil && !armTypeRE.MatchString(typ) {
		v.fail(p+".type", "must be an ARM type such as Microsoft.Network/virtualNetworks")
	}
	if av := v.str(p, r, "api_version", true); v.err == nil && !apiVersionRE.MatchString(av) {
		v.fail(p+".api_version", "must be an ARM api-version such as 2023-05-01")
	}
	name := v.str(p, r, "name", true)
	if v.err == nil {
		if err := azure.CheckPath("/" + name); err != nil {
			v.fail(p+".name", "%v", err)
		} else if typeSegs := strings.Count(typ, "/"); !strings.EqualFold(typ, model.TypeResourceGroup) && strings.Count(name, "/")+1 != typeSegs {
			v.fail(p+".name", "has %d segments; type %s needs %d", strings.Count(name, "/")+1, typ, typeSegs)
		}
	}
	if id := v.str(p, r, "id", false); v.err == nil && id != "" {
		if _, err := azure.CheckID(id); err != nil {
			v.fail(p+".id", "%v", err)
		}
	}
	for _, k := range []string{"resource_group", "subscription"} {
		if s := v.str(p, r, k, false); v.err == nil && s != "" {
			if err := azure.CheckPath("/" + s); err != nil || strings.Contains(s, "/") {
				v.fail(join(p, k), "must be a plain name")
			}
		}
	}
	v.str(p, r, "location", false)
	v.str(p, r, "kind", false)
	if l := v.str(p, r, "level", false); v.err == nil && !levels[l] {
		v.fail(p+".level", "must be subscription or resourceGroup")
	}
	if parent := v.str(p, r, "parent", false); v.err == nil && parent != "" {
		if _, ok := v.keys[parent]; !ok {
			v.fail(p+".parent", "no resource has key %s", parent)
		} else if parent == r["key"] {
			v.fail(p+".parent", "refers to the resource itself")
		}
	}
	if x, ok := r["scope"]; ok && x != nil {
		v.scope(p+".scope", r["key"].(string), x)
	}
	for _, k := range []string{"sku", "plan", "properties"} {
		if x, ok := r[k]; ok && x != nil {
			v.object(join(p, k), x, nil)
		}
	}
	if x, ok := r["tags"]; ok && x != nil {
		if tm := v.object(p+".tags", x, nil); tm != nil {
			for _, k := range sortedKeys(tm) {
				if _, ok := tm[k].(string); !ok {
					v.fail(p+".tags."+k, "must be a string, not %s", kindOf(tm[k]))
				}
			}
		}
	}
	if x, ok := r["zones"]; ok && x != nil {
		for i, z := range v.array(p+".zones", x, 16) {
			if _, ok := z.(string); !ok {
				v.fail(fmt.Sprintf("%s.zones[%d]", p, i), "must be a string")
			}
		}
	}
	if x, ok := r["depends_on"]; ok && x != nil {
		for i, d := range v.array(p+".depends_on", x, MaxResources) {
			s, ok := d.(string)
			if _, known := v.keys[s]; !ok || !known {
				v.fail(fmt.Sprintf("%s.depends_on[%d]", p, i), "must be the key of a resource in the spec")
			}
		}
	}
	if x, ok := r["references"]; ok && x != nil {
		for i, e := range v.array(p+".references", x, 100000) {
			v.object(fmt.Sprintf("%s.references[%d]", p, i), e, nil)
		}
	}
	if x, ok := r["identity"]; ok && x != nil {
		if im := v.object(p+".identity", x, map[string]bool{"type": true, "user_assigned": true}); im != nil {
			v.str(p+".identity", im, "type", false)
			if ua, ok := im["user_assigned"]; ok && ua != nil {
				for i, u := range v.array(p+".identity.user_assigned", ua, 1000) {
					v.value(fmt.Sprintf("%s.identity.user_assigned[%d]", p, i), u)
				}
			}
		}
	}
	if x, ok := r["properties"].(map[string]any); ok {
		v.value(p+".properties", x)
	}
}

// scope checks an extension resource's scope: an ARM id, or {$ref}, {$var}, {$subscription}.
func (v *validator) scope(p, self string, x any) {
	switch t := x.(type) {
	case string:
		if _, err := azure.CheckID(t); err != nil {
			v.fail(p, "%v", err)
		}
	case map[string]any:
		switch {
		case t["$ref"] != nil:
			v.ref(p, t)
			if v.err == nil && t["$ref"] == self {
				v.fail(p, "refers to the resource itself")
			}
		case t["$var"] != nil:
			name, _ := t["$var"].(string)
			d, ok := v.vars[name]
			switch {
			case len(t) != 1 || !ok:
				v.fail(p, "$var must name a variable of model.variables")
			case d.hasDef && d.def != "":
				if _, err := azure.CheckID(d.def); err != nil {
					v.fail(p, "variable %s: default: %v", name, err)
				}
			}
		case t["$subscription"] != nil:
			s, ok := t["$subscription"].(string)
			if !ok || len(t) != 1 {
				v.fail(p, "$subscription must be a path string")
			} else if err := azure.CheckPath("/subscriptions/x" + s); err != nil || !strings.HasPrefix(s, "/") {
				v.fail(p, "$subscription: not a clean path under the subscription")
			}
		default:
			v.fail(p, "must be an ARM id, {\"$ref\": key}, {\"$var\": name} or {\"$subscription\": path}")
		}
	default:
		v.fail(p, "must be an ARM id or a reference object, not %s", kindOf(x))
	}
}

// ref checks a {"$ref": key, "suffix"?, "property"?} object.
func (v *validator) ref(p string, t map[string]any) {
	k, ok := t["$ref"].(string)
	if !ok {
		v.fail(p+".$ref", "must be a string")
		return
	}
	if _, known := v.keys[k]; !known {
		v.fail(p+".$ref", "no resource has key %s", k)
		return
	}
	for _, f := range sortedKeys(t) {
		switch f {
		case "$ref":
		case "suffix":
			s, ok := t[f].(string)
			if !ok || (s != "" && CheckSuffix(s) != nil) {
				v.fail(p+".suffix", "must be a clean path such as /subnets/default")
			}
		case "property":
			if _, ok := t[f].(string); !ok {
				v.fail(p+".property", "must be a string")
			}
		default:
			v.fail(join(p, f), "unknown field of a reference")
		}
	}
}

// CheckSuffix reports whether s is a clean path to append to an id ("/subnets/default").
func CheckSuffix(s string) error { return azure.CheckPath(s) }

// value checks $ref / $var objects inside properties and identities.
func (v *validator) value(p string, x any) {
	if v.err != nil {
		return
	}
	switch t := x.(type) {
	case map[string]any:
		if _, ok := t["$ref"].(string); ok && len(t) <= 3 {
			v.ref(p, t)
			return
		}
		if name, ok := t["$var"].(string); ok && len(t) == 1 {
			if _, ok := v.vars[name]; !ok {
				v.fail(p, "$var must name a variable of model.variables")
			}
			return
		}
		for _, k := range sortedKeys(t) {
			v.value(join(p, k), t[k])
		}
	case []any:
		for i, e := range t {
			v.value(fmt.Sprintf("%s[%d]", p, i), e)
		}
	}
}

// graph checks the references between resources: no cycles, bounded scope chains and
// dependency depth. Iterative (Kahn), so no input recurses.
func (v *validator) graph(objs []map[string]any) {
	n := len(objs)
	deps := make([][]int, n)  // i depends on deps[i]
	scope := make([]int, n)   // index of the $ref scope, or -1
	users := make([][]int, n) // reverse edges
	for i, r := range objs {
		self := r["key"].(string)
		set := map[int]bool{}
		add := func(k string) {
			if j, ok := v.keys[k]; ok && k != self {
				set[j] = true
			}
		}
		if ds, ok := r["depends_on"].([]any); ok {
			for _, d := range ds {
				s, _ := d.(string)
				add(s)
			}
		}
		if s, ok := r["parent"].(string); ok {
			add(s)
		}
		scope[i] = -1
		if sm, ok := r["scope"].(map[string]any); ok {
			if k, ok := sm["$ref"].(string); ok {
				add(k)
				scope[i] = v.keys[k]
			}
		}
		collectRefKeys(r["properties"], add)
		collectRefKeys(r["identity"], add)
		for j := range set {
			deps[i] = append(deps[i], j)
			users[j] = append(users[j], i)
		}
	}
	// Kahn: levels of an acyclic graph; what is left over sits on a cycle
	pending := make([]int, n)
	level := make([]int, n)
	var queue []int
	for i := range objs {
		pending[i] = len(deps[i])
		if pending[i] == 0 {
			queue = append(queue, i)
		}
	}
	done := 0
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		done++
		if level[i] > MaxDependencyDepth {
			v.fail(fmt.Sprintf("model.resources[%d]", i), "dependency chain longer than %d", MaxDependencyDepth)
			return
		}
		for _, u := range users[i] {
			level[u] = max(level[u], level[i]+1)
			if pending[u]--; pending[u] == 0 {
				queue = append(queue, u)
			}
		}
	}
	if done < n {
		for i := range objs {
			if pending[i] > 0 {
				v.fail(fmt.Sprintf("model.resources[%d]", i), "reference cycle through resource %s", objs[i]["key"])
				return
			}
		}
	}
	for i := range objs {
		d := 0
		for j := scope[i]; j >= 0; j = scope[j] {
			if d++; d > MaxReferenceDepth {
				v.fail(fmt.Sprintf("model.resources[%d].scope", i), "scope chain deeper than %d", MaxReferenceDepth)
				return
			}
		}
	}
}

func collectRefKeys(x any, add func(string)) {
	stack := []any{x}
	for len(stack) > 0 {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch t := cur.(type) {
		case map[string]any:
			if k, ok := t["$ref"].(string); ok && len(t) <= 3 {
				add(k)
				continue
			}
			for _, e := range t {
				stack = append(stack, e)
			}
		case []any:
			stack = append(stack, t...)
		}
	}
}

// ErrInvalid reports whether err is a spec validation failure.
func ErrInvalid(err error) bool {
	var ve *ValidationError
	return errors.As(err, &ve)
}
