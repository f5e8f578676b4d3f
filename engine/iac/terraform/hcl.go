package terraform

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
)

// raw wraps HCL expression text as tokens; files are run through hclwrite.Format at the end.
func raw(expr string) hclwrite.Tokens {
	return hclwrite.Tokens{{Type: hclsyntax.TokenIdent, Bytes: []byte(expr)}}
}

// quote renders s as an HCL string literal (template sequences escaped).
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '$', '%':
			b.WriteByte(c)
			if i+1 < len(s) && s[i+1] == '{' {
				b.WriteByte(c)
			}
		default:
			if c < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// templ renders literal text for use inside an interpolated string (without quotes).
func templ(s string) string {
	q := quote(s)
	return q[1 : len(q)-1]
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

var hclKeywords = map[string]bool{"true": true, "false": true, "null": true, "for": true, "in": true, "if": true, "endif": true, "endfor": true}

func objKey(k string) string {
	if strings.HasPrefix(k, exprKeyPrefix) {
		return "(" + k[len(exprKeyPrefix):] + ")" // an expression as key
	}
	if identRE.MatchString(k) && !hclKeywords[k] {
		return k
	}
	return quote(k)
}

func number(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// value renders any model value as an HCL expression.
func (e *emitter) value(v any, indent string) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		return quote(t)
	case bool:
		return strconv.FormatBool(t)
	case float64:
		return number(t)
	case int:
		return strconv.Itoa(t)
	case model.Ref, model.Var, model.SubRel:
		return e.expr(t)
	case []string:
		items := make([]any, len(t))
		for i, s := range t {
			items[i] = s
		}
		return e.value(items, indent)
	case []any:
		if len(t) == 0 {
			return "[]"
		}
		var b strings.Builder
		b.WriteString("[\n")
		for _, x := range t {
			b.WriteString(indent + "  " + e.value(x, indent+"  ") + ",\n")
		}
		b.WriteString(indent + "]")
		return b.String()
	case map[string]any:
		if len(t) == 0 {
			return "{}"
		}
		var b strings.Builder
		b.WriteString("{\n")
		for _, k := range model.SortedKeys(t) {
			b.WriteString(indent + "  " + objKey(k) + " = " + e.value(t[k], indent+"  ") + "\n")
		}
		b.WriteString(indent + "}")
		return b.String()
	case map[string]string:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = x
		}
		return e.value(m, indent)
	default:
		return quote(fmt.Sprint(t))
	}
}

// expr renders a symbolic value.
func (e *emitter) expr(v any) string {
	switch t := v.(type) {
	case model.Var:
		return "var." + t.Name
	case model.SubRel:
		if strings.HasPrefix(t.Path, "/Providers/") {
			// platform image ids, as Compute returns them (/Subscriptions/{s}/Providers/…/Publishers/…):
			// azurerm compares them case-sensitively
			return `"/Subscriptions/${var.subscription_id}` + templ(t.Path) + `"`
		}
		return `"/subscriptions/${var.subscription_id}` + templ(t.Path) + `"`
	case model.Ref:
		target := e.idx[t.Target]
		if target == nil {
			return quote(t.Target)
		}
		if t.Property == "principalId" {
			if typ := e.tfType[target.Key]; typ == "azurerm_user_assigned_identity" {
				return typ + "." + target.Key + ".principal_id"
			}
			return "azapi_resource." + target.Key + ".output.properties.principalId"
		}
		if t.Suffix != "" {
			if addr, ok := e.subs[target.Key+"|"+strings.ToLower(t.Suffix)]; ok {
				return addr + ".id"
			}
		}
		var base string
		if _, ok := e.within[target.Key]; ok || target.Key == e.current {
			base = e.idString(target) // a reference to itself: spelt out from its parent
		} else {
			base = e.address(target) + ".id"
		}
		if t.Suffix == "" {
			if strings.HasPrefix(base, `"`) {
				return base
			}
			return base
		}
		if strings.HasPrefix(base, `"`) {
			return base[:len(base)-1] + templ(t.Suffix) + `"`
		}
		return `"${` + base + `}` + templ(t.Suffix) + `"`
	}
	return e.value(v, "")
}

// idString spells out a resource's id from its parent's reference (no self reference).
func (e *emitter) idString(r *model.Resource) string {
	if r.IsResourceGroup() {
		return `"/subscriptions/${var.subscription_id}/resourceGroups/` + templ(r.Name) + `"`
	}
	ts := r.TypeSegments()
	if p := e.idx[r.Parent]; p != nil && r.Parent != "" {
		return joinExpr(e.idOf(p), "/"+ts[len(ts)-1]+"/"+r.LastName())
	}
	ns := strings.SplitN(r.Type, "/", 2)[0]
	names := r.NameSegments()
	rel := "/providers/" + ns
	for i, t := range ts {
		rel += "/" + t
		if i < len(names) {
			rel += "/" + names[i]
		}
	}
	return joinExpr(e.base(r), rel)
}

// idOf is the id expression of an emitted resource: its address, or for a resource declared
// inline by its parent (no block of its own), its id spelt out from the parent's.
func (e *emitter) idOf(r *model.Resource) string {
	if _, ok := e.within[r.Key]; ok {
		return e.idString(r)
	}
	return e.address(r) + ".id"
}
