package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Template export and template deployments at resource group scope.
//
// POST …/resourcegroups/{rg}/exportTemplate renders the group's resources as an ARM template.
// PUT …/resourcegroups/{rg}/providers/Microsoft.Resources/deployments/{name} deploys a template
// through the simulator's own ARM handler (each resource a PUT with the caller's token, so every
// validation applies), in order, after evaluating the expressions the simulator knows:
// [parameters('p')], [variables('v')], [resourceGroup().location], [resourceGroup().name],
// [subscription().subscriptionId] and [resourceId('Type', 'name'…)] (whole-string). Any other
// expression fails the deployment with InvalidTemplate rather than deploying something else.

var reExpr = regexp.MustCompile(`^\[(.*)\]$`)

type deployCtx struct {
	params, vars map[string]any
	rg           *resourceGroup
	sub          string
}

func (d *deployCtx) eval(v any) (any, error) {
	switch x := v.(type) {
	case string:
		m := reExpr.FindStringSubmatch(x)
		if m == nil || strings.HasPrefix(x, "[[") {
			return x, nil
		}
		return d.expr(strings.TrimSpace(m[1]))
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			r, err := d.eval(e)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			r, err := d.eval(e)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

var reCall = regexp.MustCompile(`^(\w+)\((.*)\)(\.\w+)?$`)

func (d *deployCtx) expr(e string) (any, error) {
	m := reCall.FindStringSubmatch(e)
	if m == nil {
		return nil, fmt.Errorf("the template expression '[%s]' is not supported by the simulator", e)
	}
	var args []string
	for _, a := range splitTopLevel(m[2]) {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		s, ok := unquote(a)
		if !ok {
			return nil, fmt.Errorf("the template expression '[%s]' is not supported by the simulator (arguments must be string literals)", e)
		}
		args = append(args, s)
	}
	switch fn, prop := strings.ToLower(m[1]), strings.ToLower(strings.TrimPrefix(m[3], ".")); {
	case fn == "parameters" && len(args) == 1 && prop == "":
		v, ok := d.params[args[0]]
		if !ok {
			return nil, fmt.Errorf("the template parameter '%s' is not found", args[0])
		}
		return v, nil
	case fn == "variables" && len(args) == 1 && prop == "":
		v, ok := d.vars[args[0]]
		if !ok {
			return nil, fmt.Errorf("the template variable '%s' is not found", args[0])
		}
		return d.eval(v)
	case fn == "resourcegroup" && len(args) == 0 && (prop == "location" || prop == "name" || prop == "id"):
		return map[string]string{"location": d.rg.location, "name": d.rg.name, "id": d.rg.id}[prop], nil
	case fn == "subscription" && len(args) == 0 && prop == "subscriptionid":
		return d.sub, nil
	case fn == "resourceid" && len(args) >= 2 && prop == "":
		typ, names := args[0], args[1:]
		parts := strings.Split(typ, "/")
		if len(parts)-1 != len(names) {
			return nil, fmt.Errorf("resourceId('%s', …) needs %d names", typ, len(parts)-1)
		}
		id := d.rg.id + "/providers/" + parts[0]
		for i, n := range names {
			id += "/" + parts[i+1] + "/" + n
		}
		return id, nil
	}
	return nil, fmt.Errorf("the template expression '[%s]' is not supported by the simulator", e)
}

// deployment is one stored deployment.
type deploymentRec struct {
	body map[string]any
}

// deploy serves PUT/GET/DELETE …/providers/Microsoft.Resources/deployments/{name} and the list.
func (s *Simulator) serveDeployment(c *call, sub *subscription, p armPath, method string) {
	rg := p.rg
	s.st.mu.RLock()
	g := sub.rgs[strings.ToLower(rg)]
	s.st.mu.RUnlock()
	if g == nil {
		armErr(c.w, http.StatusNotFound, "ResourceGroupNotFound", fmt.Sprintf("Resource group '%s' could not be found.", rg))
		return
	}
	key := strings.ToLower(p.raw)
	if p.collection {
		s.st.mu.RLock()
		var value []any
		prefix := strings.ToLower(g.id) + "/providers/microsoft.resources/deployments/"
		var keys []string
		for k := range s.st.deployments {
			if strings.HasPrefix(k, prefix) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			value = append(value, s.st.deployments[k].body)
		}
		s.st.mu.RUnlock()
		if value == nil {
			value = []any{}
		}
		writeJSON(c.w, http.StatusOK, map[string]any{"value": value})
		return
	}
	switch method {
	case http.MethodGet:
		s.st.mu.RLock()
		d := s.st.deployments[key]
		s.st.mu.RUnlock()
		if d == nil {
			armErr(c.w, http.StatusNotFound, "DeploymentNotFound", fmt.Sprintf("Deployment '%s' could not be found.", p.names[0]))
			return
		}
		if c.r.Method == http.MethodHead {
			c.w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(c.w, http.StatusOK, d.body)
	case http.MethodDelete:
		s.st.mu.Lock()
		_, ok := s.st.deployments[key]
		delete(s.st.deployments, key)
		s.st.mu.Unlock()
		c.w.WriteHeader(ifInt(ok, http.StatusOK, http.StatusNoContent))
	case http.MethodPut:
		var in struct {
			Properties struct {
				Mode       string         `json:"mode"`
				Template   map[string]any `json:"template"`
				Parameters map[string]any `json:"parameters"`
			} `json:"properties"`
		}
		if !readJSON(c, &in) {
			return
		}
		if in.Properties.Template == nil {
			armErr(c.w, http.StatusBadRequest, "InvalidTemplate", "The deployment has no template (templateLink is not supported by the simulator).")
			return
		}
		if m := in.Properties.Mode; m != "" && !strings.EqualFold(m, "Incremental") {
			armErr(c.w, http.StatusBadRequest, "InvalidDeploymentMode", fmt.Sprintf("The simulator deploys in Incremental mode only, not '%s'.", m))
			return
		}
		outRes, err := s.runTemplate(c, sub, g, in.Properties.Template, in.Properties.Parameters)
		if err != nil {
			armErr(c.w, http.StatusBadRequest, "InvalidTemplateDeployment", err.Error())
			return
		}
		now := time.Now().UTC().Format(time.RFC3339Nano)
		body := map[string]any{"id": p.raw, "name": p.names[0], "type": "Microsoft.Resources/deployments",
			"properties": map[string]any{"provisioningState": "Succeeded", "mode": "Incremental", "timestamp": now,
				"outputResources": outRes, "outputs": map[string]any{}, "correlationId": c.w.Header().Get("x-ms-request-id")}}
		s.st.mu.Lock()
		_, existed := s.st.deployments[key]
		s.st.deployments[key] = &deploymentRec{body: body}
		s.st.mu.Unlock()
		writeJSON(c.w, ifInt(existed, http.StatusOK, http.StatusCreated), body)
	default:
		armErr(c.w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested method is not allowed.")
	}
}

func ifInt(c bool, a, b int) int {
	if c {
		return a
	}
	return b
}

// runTemplate evaluates and PUTs a template's resources in order through the simulator's own
// handler with the caller's token; the first failure stops the deployment.
func (s *Simulator) runTemplate(c *call, sub *subscription, g *resourceGroup, tmpl, params map[string]any) ([]any, error) {
	d := &deployCtx{params: map[string]any{}, vars: map[string]any{}, rg: g, sub: sub.id}
	if ps, ok := tmpl["parameters"].(map[string]any); ok {
		for k, v := range ps {
			if def, ok := v.(map[string]any)["defaultValue"]; ok {
				dv, err := d.eval(def)
				if err != nil {
					return nil, err
				}
				d.params[k] = dv
			}
		}
	}
	for k, v := range params {
		if m, ok := v.(map[string]any); ok {
			d.params[k] = m["value"]
		}
	}
	if vs, ok := tmpl["variables"].(map[string]any); ok {
		d.vars = vs
	}
	list, _ := tmpl["resources"].([]any)
	var out []any
	for i, x := range list {
		r, ok := x.(map[string]any)
		if !ok {
			return out, fmt.Errorf("resources[%d] is not an object", i)
		}
		ev, err := d.eval(r)
		if err != nil {
			return out, fmt.Errorf("resources[%d]: %w", i, err)
		}
		res := ev.(map[string]any)
		typ, _ := res["type"].(string)
		name, _ := res["name"].(string)
		apiVersion, _ := res["apiVersion"].(string)
		parts := strings.Split(typ, "/")
		names := strings.Split(name, "/")
		if len(parts) < 2 || len(parts)-1 != len(names) || apiVersion == "" {
			return out, fmt.Errorf("resources[%d]: type '%s', name '%s' and apiVersion '%s' do not make a resource id", i, typ, name, apiVersion)
		}
		id := g.id + "/providers/" + parts[0]
		for j, n := range names {
			id += "/" + parts[j+1] + "/" + n
		}
		body := map[string]any{}
		for k, v := range res {
			switch k {
			case "type", "apiVersion", "name", "dependsOn", "condition", "comments", "copy":
				continue
			}
			body[k] = v
		}
		b, _ := json.Marshal(body)
		req := httptest.NewRequest(http.MethodPut, id+"?api-version="+apiVersion, bytes.NewReader(b))
		req.Host = c.r.Host
		req.Header.Set("Authorization", c.r.Header.Get("Authorization"))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.serveARM(&call{w: rec, r: req, t: c.t, principal: c.principal, base: c.base, api: "arm"})
		if rec.Code >= 300 {
			return out, fmt.Errorf("resources[%d] %s: %d %s", i, id, rec.Code, strings.TrimSpace(rec.Body.String()))
		}
		out = append(out, map[string]any{"id": id})
	}
	return out, nil
}

// exportTemplate renders a resource group's top-level resources and children as a template.
func (s *Simulator) exportTemplate(c *call, sub *subscription, rgName string) {
	s.st.mu.Lock()
	s.st.ensureSorted(sub)
	s.st.mu.Unlock()
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	g := sub.rgs[strings.ToLower(rgName)]
	if g == nil {
		armErr(c.w, http.StatusNotFound, "ResourceGroupNotFound", fmt.Sprintf("Resource group '%s' could not be found.", rgName))
		return
	}
	prefix := strings.ToLower(g.id) + "/providers/"
	resources := []any{}
	for _, k := range sub.keys {
		r := s.st.res[k]
		if r == nil || !strings.HasPrefix(k, prefix) || r.ltyp == "microsoft.authorization/roleassignments" || strings.Count(strings.TrimPrefix(k, prefix), "/providers/") > 0 {
			continue
		}
		p, _ := parsePath(r.id)
		info := s.st.types[r.ltyp]
		av := ""
		if info != nil && len(info.APIVersions) > 0 {
			av = info.APIVersions[len(info.APIVersions)-1]
		}
		t := map[string]any{"type": r.typ, "apiVersion": av, "name": strings.Join(p.names, "/")}
		for _, f := range []string{"location", "tags", "sku", "kind", "identity", "zones", "properties"} {
			if v, ok := r.body[f]; ok && v != nil {
				t[f] = v
			}
		}
		if r.parent != "" {
			if pr := s.st.res[r.parent]; pr != nil {
				t["dependsOn"] = []any{pr.id}
			}
		}
		resources = append(resources, t)
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"template": map[string]any{
		"$schema":        "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
		"contentVersion": "1.0.0.0", "parameters": map[string]any{}, "variables": map[string]any{}, "resources": resources}})
}
