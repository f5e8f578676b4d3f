package arm

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Problem is one structural error in a template.
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

var (
	apiVersionRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(-preview|-beta|-alpha|-privatepreview)?$`)
	paramRefRE   = regexp.MustCompile(`parameters\('((?:[^']|'')*)'\)`)
	idFuncRE     = regexp.MustCompile(`\b(resourceId|subscriptionResourceId|extensionResourceId)\(`)
)

type resKey struct{ rg, typ, name string }

// Validate checks a template structurally: every resource has a type, an apiVersion and a name
// whose segments fit the type; parameters used are declared; every dependsOn entry and every
// resourceId() target names a resource of the templates (or a deployment); no duplicates.
// Nested deployments with inner scope are checked as templates of their resource group.
func Validate(template []byte) []Problem {
	var root map[string]any
	if err := json.Unmarshal(template, &root); err != nil {
		return []Problem{{Path: "$", Message: "invalid JSON: " + err.Error()}}
	}
	v := &validator{all: map[resKey]bool{}}
	v.collect(root, "", "$")
	v.check(root, "", "$")
	v.cycles(root)
	sort.Slice(v.problems, func(i, j int) bool { return v.problems[i].String() < v.problems[j].String() })
	return v.problems
}

type validator struct {
	all      map[resKey]bool
	problems []Problem
}

func (v *validator) add(path, format string, a ...any) {
	v.problems = append(v.problems, Problem{Path: path, Message: fmt.Sprintf(format, a...)})
}

func resourcesOf(t map[string]any) []map[string]any {
	arr, _ := t["resources"].([]any)
	var out []map[string]any
	for _, x := range arr {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func nestedTemplate(r map[string]any) (map[string]any, string) {
	if !strings.EqualFold(fmt.Sprint(r["type"]), "Microsoft.Resources/deployments") {
		return nil, ""
	}
	props, _ := r["properties"].(map[string]any)
	t, _ := props["template"].(map[string]any)
	rg, _ := r["resourceGroup"].(string)
	return t, rg
}

// collect records every resource of every template under its resource group.
func (v *validator) collect(t map[string]any, rg, path string) {
	for i, r := range resourcesOf(t) {
		typ, _ := r["type"].(string)
		name, _ := r["name"].(string)
		k := resKey{strings.ToLower(rg), strings.ToLower(typ), strings.ToLower(name)}
		if strings.EqualFold(typ, "Microsoft.Resources/resourceGroups") || strings.EqualFold(typ, "Microsoft.Resources/deployments") {
			k.rg = ""
		}
		if scope, ok := r["scope"].(string); ok {
			k.name = strings.ToLower(scope) + "|" + k.name
		}
		if v.all[k] {
			v.add(fmt.Sprintf("%s.resources[%d]", path, i), "duplicate resource %s %s", typ, name)
		}
		v.all[k] = true
		if nt, nrg := nestedTemplate(r); nt != nil {
			v.collect(nt, nrg, fmt.Sprintf("%s.resources[%d].properties.template", path, i))
		}
	}
}

func (v *validator) check(t map[string]any, rg, path string) {
	params, _ := t["parameters"].(map[string]any)
	for i, r := range resourcesOf(t) {
		p := fmt.Sprintf("%s.resources[%d]", path, i)
		typ, _ := r["type"].(string)
		name, _ := r["name"].(string)
		api, _ := r["apiVersion"].(string)
		segs := strings.Split(typ, "/")
		if len(segs) < 2 || segs[0] == "" || strings.Contains(segs[0], " ") {
			v.add(p, "invalid type %q", typ)
		}
		if !apiVersionRE.MatchString(api) {
			v.add(p, "invalid apiVersion %q for %s", api, typ)
		}
		if name == "" {
			v.add(p, "resource %s has no name", typ)
		} else if !strings.HasPrefix(name, "[") && len(segs) >= 2 && len(strings.Split(name, "/")) != len(segs)-1 {
			v.add(p, "name %q does not fit type %s (%d segments expected)", name, typ, len(segs)-1)
		}
		if deps, ok := r["dependsOn"].([]any); ok {
			for j, d := range deps {
				ds, _ := d.(string)
				if !v.resolves(ds, rg) {
					v.add(fmt.Sprintf("%s.dependsOn[%d]", p, j), "%q names no resource of the template", ds)
				}
			}
		}
		if nt, nrg := nestedTemplate(r); nt != nil {
			props, _ := r["properties"].(map[string]any)
			if eo, _ := props["expressionEvaluationOptions"].(map[string]any); eo["scope"] != "inner" {
				v.add(p, "nested deployment without inner expression scope")
			}
			passed, _ := props["parameters"].(map[string]any)
			innerParams, _ := nt["parameters"].(map[string]any)
			for k := range passed {
				if _, ok := innerParams[k]; !ok {
					v.add(p+".properties.parameters", "passes %q, which the nested template does not declare", k)
				}
			}
			for k, decl := range innerParams {
				if dm, _ := decl.(map[string]any); dm["defaultValue"] == nil {
					if _, ok := passed[k]; !ok {
						v.add(p+".properties.parameters", "nested parameter %q is not passed and has no default", k)
					}
				}
			}
			// the outer template's expressions in this deployment are its parameters values only
			v.expressions(passed, params, rg, p+".properties.parameters")
			v.check(nt, nrg, p+".properties.template")
			continue
		}
		v.expressions(r, params, rg, p)
	}
}

// expressions checks every [expression] string under x.
func (v *validator) expressions(x any, params map[string]any, rg, path string) {
	switch t := x.(type) {
	case map[string]any:
		for k, y := range t {
			if k == "dependsOn" {
				continue
			}
			v.checkExpr(k, params, rg, path+"."+k)
			v.expressions(y, params, rg, path+"."+k)
		}
	case []any:
		for i, y := range t {
			v.expressions(y, params, rg, fmt.Sprintf("%s[%d]", path, i))
		}
	case string:
		v.checkExpr(t, params, rg, path)
	}
}

func (v *validator) checkExpr(s string, params map[string]any, rg, path string) {
	if !strings.HasPrefix(s, "[") || strings.HasPrefix(s, "[[") {
		return
	}
	if !strings.HasSuffix(s, "]") {
		v.add(path, "unterminated expression %q", s)
		return
	}
	if strings.Count(s, "(") != strings.Count(s, ")") {
		v.add(path, "unbalanced parentheses in %q", s)
	}
	for _, m := range paramRefRE.FindAllStringSubmatch(s, -1) {
		if _, ok := params[strings.ReplaceAll(m[1], "''", "'")]; !ok {
			v.add(path, "parameter %q is not declared", m[1])
		}
	}
	for _, loc := range idFuncRE.FindAllStringSubmatchIndex(s, -1) {
		call := s[loc[0]:]
		args, ok := callArgs(call[len(s[loc[2]:loc[3]])+1:])
		if !ok {
			continue // arguments are expressions: not checked statically
		}
		if !v.resolveCall(s[loc[2]:loc[3]], args, rg) {
			v.add(path, "%s names no resource of the templates", call[:strings.IndexByte(call, ')')+1])
		}
	}
}

// callArgs parses literal string arguments up to the closing parenthesis; ok is false when an
// argument is not a literal.
func callArgs(s string) ([]string, bool) {
	var args []string
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == ',') {
			i++
		}
		if i < len(s) && s[i] == ')' {
			return args, true
		}
		if i >= len(s) || s[i] != '\'' {
			return nil, false
		}
		i++
		var b strings.Builder
		for i < len(s) {
			if s[i] == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					b.WriteByte('\'')
					i += 2
					continue
				}
				break
			}
			b.WriteByte(s[i])
			i++
		}
		i++
		args = append(args, b.String())
	}
	return nil, false
}

func (v *validator) resolveCall(fn string, args []string, rg string) bool {
	if len(args) < 2 {
		return false
	}
	switch fn {
	case "subscriptionResourceId":
		return v.all[resKey{"", strings.ToLower(args[0]), strings.ToLower(strings.Join(args[1:], "/"))}]
	case "resourceId":
		if strings.Contains(args[0], "/") {
			return v.all[resKey{strings.ToLower(rg), strings.ToLower(args[0]), strings.ToLower(strings.Join(args[1:], "/"))}] ||
				(strings.EqualFold(args[0], "Microsoft.Resources/deployments") && v.all[resKey{"", "microsoft.resources/deployments", strings.ToLower(args[1])}])
		}
		if len(args) < 3 {
			return false
		}
		return v.all[resKey{strings.ToLower(args[0]), strings.ToLower(args[1]), strings.ToLower(strings.Join(args[2:], "/"))}]
	}
	return true
}

// resolves reports whether a dependsOn entry names a resource.
func (v *validator) resolves(d, rg string) bool {
	if !strings.HasPrefix(d, "[") {
		return false
	}
	loc := idFuncRE.FindStringSubmatchIndex(d) // the entry's first id function decides
	if loc == nil {
		return false
	}
	args, ok := callArgs(d[loc[1]:])
	if !ok {
		return true // computed: cannot be checked statically
	}
	return v.resolveCall(d[loc[2]:loc[3]], args, rg)
}

// cycles reports dependency cycles between the top-level resources (resource groups, nested
// deployments, subscription-level resources): ARM refuses a template with one.
func (v *validator) cycles(t map[string]any) {
	deps := map[string][]string{}
	for _, r := range resourcesOf(t) {
		typ, _ := r["type"].(string)
		name, _ := r["name"].(string)
		k := strings.ToLower(typ + "/" + name)
		ds, _ := r["dependsOn"].([]any)
		for _, d := range ds {
			s, _ := d.(string)
			for _, loc := range idFuncRE.FindAllStringSubmatchIndex(s, -1) {
				args, ok := callArgs(s[loc[1]:])
				if !ok || len(args) < 2 {
					continue
				}
				// the target's type/name: resourceId(type, name) or resourceId(rg, type, name)
				if !strings.Contains(args[0], "/") && len(args) > 2 {
					args = args[1:]
				}
				deps[k] = append(deps[k], strings.ToLower(args[0]+"/"+strings.Join(args[1:], "/")))
			}
		}
	}
	state := map[string]int{} // 0 new, 1 visiting, 2 done
	var visit func(k string, path []string) bool
	visit = func(k string, path []string) bool {
		switch state[k] {
		case 1:
			v.add("$.resources", "dependency cycle: %s", strings.Join(append(path, k), " -> "))
			return true
		case 2:
			return false
		}
		state[k] = 1
		for _, d := range deps[k] {
			if visit(d, append(path, k)) {
				state[k] = 2
				return true
			}
		}
		state[k] = 2
		return false
	}
	keys := make([]string, 0, len(deps))
	for k := range deps {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		visit(k, nil)
	}
}
