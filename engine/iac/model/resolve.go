package model

import (
	"regexp"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/jsonpath"
)

// resolver turns id strings into Ref, SubRel or Var values.
type resolver struct {
	index     map[string]string // lower id -> key
	rgKeys    map[string]bool
	vars      map[string]*Variable
	varIDs    map[string]string // placeholder -> source id (reference variables awaiting a name)
	self      string
	selfLower string
	refs      []Reference
}

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

const placeholderPrefix = "\x00ref:"

func (r *resolver) addVar(v Variable) {
	if _, ok := r.vars[v.Name]; !ok {
		vv := v
		r.vars[v.Name] = &vv
	}
}

func (r *resolver) value(v any, path string) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			p := jsonpath.Join(path, k)
			if s, ok := x.(string); ok && strings.EqualFold(k, "tenantId") && guidRE.MatchString(s) {
				def := s
				r.addVar(Variable{Name: VarNameTenantID, Kind: VarTenant, Description: "Entra tenant id of the target", Default: &def})
				out[k] = Var{Name: VarNameTenantID}
				r.refs = append(r.refs, Reference{Path: p, Variable: VarNameTenantID})
				continue
			}
			out[k] = r.value(x, p)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = r.value(x, jsonpath.Index(path, i))
		}
		return out
	case string:
		if armid.LooksLike(t) {
			return r.resolveID(t, path)
		}
		return t
	default:
		return v
	}
}

// resolveID classifies one id string found at path.
func (r *resolver) resolveID(s, path string) any {
	p, ok := armid.Parse(s)
	if !ok {
		return s
	}
	l := graph.NormalizeID(s)
	if k, ok := r.index[l]; ok {
		r.refs = append(r.refs, Reference{Path: path, TargetKey: k})
		return Ref{Target: k}
	}
	// a sub-resource of a resource in the model (not of a resource group)
	trimmed := strings.TrimSuffix(s, "/")
	for cut := len(l); ; {
		i := strings.LastIndexByte(l[:cut], '/')
		if i <= 0 {
			break
		}
		cut = i
		if k, ok := r.index[l[:cut]]; ok {
			if pp, ok := armid.Parse(l[:cut]); ok && len(pp.Types) == 1 && strings.EqualFold(pp.Types[0], "resourceGroups") {
				break
			}
			r.refs = append(r.refs, Reference{Path: path, TargetKey: k})
			return Ref{Target: k, Suffix: trimmed[cut:]}
		}
	}
	if p.Subscription == "" {
		return s // tenant-level (/providers/...): the same everywhere
	}
	if p.ResourceGroup == "" {
		// subscription-relative: built-in role definitions, the subscription itself
		rest := trimmed[len("/subscriptions/")+len(p.Subscription):]
		return SubRel{Path: rest}
	}
	ph := placeholderPrefix + l
	if _, ok := r.varIDs[ph]; !ok {
		r.varIDs[ph] = s
	}
	r.refs = append(r.refs, Reference{Path: path, Variable: ph})
	return Var{Name: ph}
}

func (r *resolver) identity(id map[string]any) *Identity {
	t := str(id, "type")
	if t == "" || strings.EqualFold(t, "None") {
		return nil
	}
	out := &Identity{Type: t}
	ua := obj(id, "userAssignedIdentities")
	for _, k := range sortedKeys(ua) {
		out.UserAssigned = append(out.UserAssigned, r.resolveID(k, "identity.userAssignedIdentities"))
	}
	return out
}

// finish names the reference variables and writes the model's variable list.
func (r *resolver) finish(m *Model) {
	phs := sortedKeys(r.varIDs)
	names := uniqueNames(phs, func(ph string) []string {
		p, _ := armid.Parse(r.varIDs[ph])
		base := "ref_" + Sanitize(p.Types[len(p.Types)-1]+"_"+p.Names[len(p.Names)-1])
		return []string{base, base + "_" + Sanitize(p.ResourceGroup)}
	})
	for _, ph := range phs {
		src := r.varIDs[ph]
		p, _ := armid.Parse(src)
		def := src
		r.addVar(Variable{Name: names[ph], Kind: VarReference, Default: &def,
			Description: "Id of " + p.Type() + " " + p.Name() + " (outside the generated set)"})
	}
	fix := func(v any) any {
		if vv, ok := v.(Var); ok && strings.HasPrefix(vv.Name, placeholderPrefix) {
			return Var{Name: names[vv.Name]}
		}
		return v
	}
	for _, res := range m.Resources {
		res.Body = rewrite(res.Body, fix).(map[string]any)
		res.Scope = fix(res.Scope)
		if res.Identity != nil {
			for i, u := range res.Identity.UserAssigned {
				res.Identity.UserAssigned[i] = fix(u)
			}
		}
		for i, ref := range res.References {
			if strings.HasPrefix(ref.Variable, placeholderPrefix) {
				res.References[i].Variable = names[ref.Variable]
			}
		}
	}
	def := ""
	if len(m.Subscriptions) > 0 {
		def = m.Subscriptions[0]
	}
	r.addVar(Variable{Name: VarNameSubscriptionID, Kind: VarSubscription, Description: "Subscription to deploy into", Default: &def})
	m.Variables = m.Variables[:0]
	for _, k := range sortedKeys(r.vars) {
		m.Variables = append(m.Variables, *r.vars[k])
	}
	sort.Slice(m.Variables, func(i, j int) bool { return m.Variables[i].Name < m.Variables[j].Name })
}

// rewrite applies fn to every value (leaves first), returning a new tree. A nil map stays nil.
func rewrite(v any, fn func(any) any) any {
	switch t := v.(type) {
	case map[string]any:
		if t == nil {
			return t
		}
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = rewrite(x, fn)
		}
		return fn(out)
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = rewrite(x, fn)
		}
		return fn(out)
	default:
		return fn(v)
	}
}

// Rewrite applies fn to every value of a body (exported for translation).
func Rewrite(v any, fn func(any) any) any { return rewrite(v, fn) }

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return strings.TrimLeft(itoaSlow(i), "0")
}

func itoaSlow(i int) string {
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}
