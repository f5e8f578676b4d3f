package terraform

import (
	_ "embed"
	"sort"
	"strings"
	"sync"

	"github.com/atg-go/atg/engine/iac/model"
)

// azapiSchemaData holds, per lower-cased ARM type, the body tree of the newest api-version
// azapi's embedded schemas know (generated: go run ./tools/azapiversions). Format per line:
// "<type> <version> <tree>"; tree items are name[!][*][{…}] joined by ',' ('!' read-only,
// '*' open: any property is accepted, '{…}' the object's properties; arrays are transparent).
//
//go:embed azapi_schema.txt
var azapiSchemaData string

// schemaNode is one property of a body tree.
type schemaNode struct {
	readOnly bool
	open     bool
	children map[string]*schemaNode
	lower    map[string]string // lower-cased name -> name
}

type azapiSchema struct {
	version string
	root    *schemaNode
	// identityNoSpace: identity.type takes "SystemAssigned,UserAssigned", not the
	// "SystemAssigned, UserAssigned" azapi's identity block writes
	identityNoSpace bool
}

// exprKeyPrefix marks a body map key that is an HCL expression (written as "(expr)").
const exprKeyPrefix = "\x00expr:"

var azapiSchemaLines = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(azapiSchemaData, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		if t, rest, ok := strings.Cut(line, " "); ok {
			out[t] = rest
		}
	}
	return out
})

var azapiSchemaCache sync.Map // lower type -> *azapiSchema (nil when unknown)

// azapiSchemaFor returns the newest known body tree of an ARM type, or nil.
func azapiSchemaFor(armType string) *azapiSchema {
	lt := strings.ToLower(armType)
	if v, ok := azapiSchemaCache.Load(lt); ok {
		return v.(*azapiSchema)
	}
	var s *azapiSchema
	if rest, ok := azapiSchemaLines()[lt]; ok {
		if v, tree, ok := strings.Cut(rest, " "); ok {
			tree, flags, _ := strings.Cut(tree, " ")
			root := &schemaNode{}
			parseTree(tree, 0, root)
			s = &azapiSchema{version: v, root: root, identityNoSpace: strings.Contains(flags, "identity-type-without-space")}
		}
	}
	azapiSchemaCache.Store(lt, s)
	return s
}

// parseTree reads items into parent until '}' or the end; it returns the position after.
func parseTree(s string, i int, parent *schemaNode) int {
	parent.children = map[string]*schemaNode{}
	parent.lower = map[string]string{}
	for i < len(s) {
		if s[i] == '}' {
			return i + 1
		}
		if s[i] == ',' {
			i++
			continue
		}
		j := i
		for j < len(s) && !strings.ContainsRune(",{}!*", rune(s[j])) {
			j++
		}
		n := &schemaNode{}
		name := s[i:j]
		for j < len(s) && (s[j] == '!' || s[j] == '*') {
			if s[j] == '!' {
				n.readOnly = true
			} else {
				n.open = true
			}
			j++
		}
		if j < len(s) && s[j] == '{' {
			j = parseTree(s, j+1, n)
		}
		parent.children[name] = n
		parent.lower[strings.ToLower(name)] = name
		i = j
	}
	return i
}

// fitBody returns a copy of an azapi body without what azapi's schema of the newest known
// api-version rejects: read-only properties always, and — when strict (the resource is
// emitted with that api-version instead of the one it was read with) — properties that
// version does not have. Keys that differ from the schema's only in case take its casing.
// It reports the paths it left out.
func fitBody(n *schemaNode, v any, path string, strict bool, readOnly, unknown *[]string) any {
	switch t := v.(type) {
	case map[string]any:
		if n == nil || (n.open && len(n.children) == 0) {
			return t
		}
		out := make(map[string]any, len(t))
		for _, k := range model.SortedKeys(t) {
			x := t[k]
			p := k
			if path != "" {
				p = path + "." + k
			}
			c, ok := n.children[k]
			if !ok {
				if name, found := n.lower[strings.ToLower(k)]; found {
					k, c, ok = name, n.children[name], true
				}
			}
			switch {
			case ok && c.readOnly:
				*readOnly = append(*readOnly, p)
			case ok:
				out[k] = fitBody(c, x, p, strict, readOnly, unknown)
			case n.open || !strict:
				out[k] = x
			default:
				*unknown = append(*unknown, p)
			}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = fitBody(n, x, path+"[]", strict, readOnly, unknown)
		}
		return out
	default:
		return v
	}
}

// fitAzapiBody applies fitBody to the body of r as emitted with version, records what was
// left out in the mapping notes, and says whether the identity block may be written.
func (e *emitter) fitAzapiBody(r *model.Resource, version string, body map[string]any) (map[string]any, bool) {
	s := azapiSchemaFor(r.Type)
	if s == nil {
		return body, true
	}
	strict := version != r.APIVersion && version == s.version
	var readOnly, unknown []string
	out, _ := fitBody(s.root, body, "", strict, &readOnly, &unknown).(map[string]any)
	identity := true
	if r.Identity != nil && strict {
		if _, ok := s.root.children["identity"]; !ok {
			identity = false
			unknown = append(unknown, "identity")
		}
	}
	if identity && r.Identity != nil && s.identityNoSpace && normalizeIdentityType(r.Identity.Type) == "SystemAssigned, UserAssigned" {
		// the identity goes into the body, spelt as this type's schema wants it
		ua := map[string]any{}
		for _, u := range r.Identity.UserAssigned {
			ua[exprKeyPrefix+e.expr(u)] = map[string]any{}
		}
		out["identity"] = map[string]any{"type": "SystemAssigned,UserAssigned", "userAssignedIdentities": ua}
		identity = false
	}
	if len(readOnly) > 0 {
		e.notes[r.Key] = append(e.notes[r.Key], "left out, read-only in azapi's schema: "+joinPaths(readOnly))
	}
	if len(unknown) > 0 {
		e.notes[r.Key] = append(e.notes[r.Key], "left out, not in azapi's schema of "+version+": "+joinPaths(unknown))
	}
	return out, identity
}

func joinPaths(ps []string) string {
	seen := map[string]bool{}
	var out []string
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// azapiTakes reports whether the azapi schema of r's type takes a top-level field (location,
// tags); when it does not (or only returns it), the field is left out and the note says so.
func (e *emitter) azapiTakes(r *model.Resource, field string) bool {
	s := azapiSchemaFor(r.Type)
	if s == nil {
		return true
	}
	if n, ok := s.root.children[field]; ok && !n.readOnly {
		return true
	}
	e.notes[r.Key] = appendNote(e.notes[r.Key], field+" left out: azapi's schema of "+s.version+" does not take it")
	return false
}
