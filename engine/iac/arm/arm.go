// Package arm renders the IaC model as an ARM template: a subscription-scope template that
// creates the resource groups and deploys one nested template per resource group
// (Microsoft.Resources/deployments, inner expression scope), with resourceId() references,
// dependsOn and parameters for secrets and out-of-scope ids.
package arm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/atg-go/atg/engine/iac/model"
)

const (
	subscriptionSchema = "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#"
	rgSchema           = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
	deploymentsAPI     = "2022-09-01"
	// FileName is the template's file name in the output folder.
	FileName = "azuredeploy.json"
)

// Obj is a JSON object that keeps its key order.
type Obj []KV

// KV is one member of an Obj.
type KV struct {
	K string
	V any
}

// MarshalJSON writes the members in order.
func (o Obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshal(kv.K)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := marshal(kv.V)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", kv.K, err)
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// Result is what Emit produced.
type Result struct {
	Template []byte
	Emitted  int
}

type emitter struct {
	m     *model.Model
	idx   map[string]*model.Resource
	waves map[string]int
}

// Emit renders the model as one subscription-scope ARM template.
func Emit(m *model.Model) (Result, error) {
	e := &emitter{m: m, idx: m.Index(), waves: model.Waves(m)}
	tmpl := e.template()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(tmpl); err != nil {
		return Result{}, fmt.Errorf("encode ARM template: %w", err)
	}
	return Result{Template: buf.Bytes(), Emitted: len(m.Resources)}, nil
}

func q(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// ResourceIDExpr is the ARM expression (without brackets) for the id of a model resource.
func ResourceIDExpr(r *model.Resource) string {
	if r.IsResourceGroup() {
		return "subscriptionResourceId('Microsoft.Resources/resourceGroups', " + q(r.Name) + ")"
	}
	args := []string{q(r.Type)}
	for _, n := range r.NameSegments() {
		args = append(args, q(n))
	}
	if r.Level == model.LevelSubscription || r.ResourceGroup == "" {
		return "subscriptionResourceId(" + strings.Join(args, ", ") + ")"
	}
	return "resourceId(" + q(r.ResourceGroup) + ", " + strings.Join(args, ", ") + ")"
}

// relativeName is Namespace/type1/name1/type2/name2, the form ARM's scope property takes for a
// resource of the same resource group.
func relativeName(r *model.Resource) string {
	parts := strings.Split(r.Type, "/")
	names := r.NameSegments()
	var b strings.Builder
	b.WriteString(parts[0])
	for i, t := range parts[1:] {
		b.WriteString("/" + t)
		if i < len(names) {
			b.WriteString("/" + names[i])
		}
	}
	return b.String()
}

func (e *emitter) expr(v any) (string, bool) {
	switch t := v.(type) {
	case model.Ref:
		target := e.idx[t.Target]
		if target == nil {
			return q(t.Target), true
		}
		base := e.idOf(target)
		if t.Property != "" {
			base = "reference(" + base + ", " + q(target.APIVersion) + ")." + t.Property
			return base, true
		}
		if t.Suffix != "" {
			return "concat(" + base + ", " + q(t.Suffix) + ")", true
		}
		return base, true
	case model.Var:
		return "parameters(" + q(t.Name) + ")", true
	case model.SubRel:
		if t.Path == "" {
			return "subscription().id", true
		}
		return "concat(subscription().id, " + q(t.Path) + ")", true
	}
	return "", false
}

// idOf returns the id expression of a target; extension resources are addressed by their scope.
func (e *emitter) idOf(r *model.Resource) string {
	if r.Scope != nil {
		if s, ok := e.expr(r.Scope); ok {
			args := []string{s, q(r.Type)}
			for _, n := range r.NameSegments() {
				args = append(args, q(n))
			}
			return "extensionResourceId(" + strings.Join(args, ", ") + ")"
		}
	}
	return ResourceIDExpr(r)
}

// value renders a body value: symbolic values become expressions, literal strings starting with
// '[' are escaped.
func (e *emitter) value(v any) any {
	if x, ok := e.expr(v); ok {
		return "[" + x + "]"
	}
	switch t := v.(type) {
	case map[string]any:
		o := make(Obj, 0, len(t))
		for _, k := range model.SortedKeys(t) {
			o = append(o, KV{escape(k), e.value(t[k])})
		}
		return o
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = e.value(x)
		}
		return out
	case string:
		return escape(t)
	case float64:
		return json.Number(strconv.FormatFloat(t, 'f', -1, 64))
	default:
		return v
	}
}

func escape(s string) string {
	if strings.HasPrefix(s, "[") && !strings.HasPrefix(s, "[[") {
		return "[" + s
	}
	return s
}

// resource renders one resource; rg is "" at subscription scope.
func (e *emitter) resource(r *model.Resource, inner bool) Obj {
	o := Obj{{"type", r.Type}, {"apiVersion", r.APIVersion}, {"name", escape(r.Name)}}
	if r.Scope != nil {
		if ref, ok := r.Scope.(model.Ref); ok && e.idx[ref.Target] != nil && e.idx[ref.Target].Scope == nil &&
			strings.EqualFold(e.idx[ref.Target].ResourceGroup, r.ResourceGroup) && ref.Suffix == "" {
			o = append(o, KV{"scope", relativeName(e.idx[ref.Target])})
		} else if x, ok := e.expr(r.Scope); ok {
			o = append(o, KV{"scope", "[" + x + "]"})
		}
	}
	if r.Location != "" {
		o = append(o, KV{"location", r.Location})
	}
	if r.Kind != "" {
		o = append(o, KV{"kind", r.Kind})
	}
	if len(r.SKU) > 0 {
		o = append(o, KV{"sku", e.value(r.SKU)})
	}
	if len(r.Plan) > 0 {
		o = append(o, KV{"plan", e.value(r.Plan)})
	}
	if r.Identity != nil {
		id := Obj{{"type", r.Identity.Type}}
		if len(r.Identity.UserAssigned) > 0 {
			ua := Obj{}
			for _, u := range r.Identity.UserAssigned {
				k, _ := e.value(u).(string)
				ua = append(ua, KV{k, Obj{}})
			}
			id = append(id, KV{"userAssignedIdentities", ua})
		}
		o = append(o, KV{"identity", id})
	}
	if len(r.Zones) > 0 {
		o = append(o, KV{"zones", r.Zones})
	}
	if len(r.Tags) > 0 {
		t := Obj{}
		for _, k := range model.SortedKeys(r.Tags) {
			t = append(t, KV{escape(k), e.value(r.Tags[k])})
		}
		o = append(o, KV{"tags", t})
	}
	if r.Body != nil && !r.IsResourceGroup() {
		o = append(o, KV{"properties", e.value(r.Body)})
	}
	var deps []string
	for _, d := range r.DependsOn {
		t := e.idx[d]
		if t == nil || t.IsResourceGroup() {
			continue
		}
		if inner && t.Level == model.LevelResourceGroup && strings.EqualFold(t.ResourceGroup, r.ResourceGroup) && e.waves[t.Key] == e.waves[r.Key] {
			deps = append(deps, "["+e.idOf(t)+"]")
		}
		if !inner && t.Level == model.LevelSubscription {
			deps = append(deps, "["+e.idOf(t)+"]")
		}
	}
	if !inner {
		for _, d := range e.crossDeps(r) {
			deps = append(deps, "[resourceId('Microsoft.Resources/deployments', "+q(d)+")]")
		}
	}
	if len(deps) > 0 {
		sort.Strings(deps)
		o = append(o, KV{"dependsOn", dedupe(deps)})
	}
	return o
}

// crossDeps returns the names of the deployments (other than r's own) that r depends on.
func (e *emitter) crossDeps(r *model.Resource) []string {
	set := map[string]bool{}
	for _, d := range r.DependsOn {
		t := e.idx[d]
		if t == nil || t.Level != model.LevelResourceGroup {
			continue
		}
		if r.Level == model.LevelResourceGroup && strings.EqualFold(t.ResourceGroup, r.ResourceGroup) && e.waves[t.Key] == e.waves[r.Key] {
			continue
		}
		set[WaveDeploymentName(t.ResourceGroup, e.waves[t.Key])] = true
	}
	return model.SortedKeys(set)
}

// WaveDeploymentName names the nested deployment of a resource group's wave (wave 0 is
// DeploymentName(rg)).
func WaveDeploymentName(rg string, wave int) string {
	if wave == 0 {
		return DeploymentName(rg)
	}
	suffix := "-" + strconv.Itoa(wave+1)
	n := "atg-" + rg + suffix
	if len(n) > 64 {
		n = n[:57-len(suffix)] + "-" + model.ShortHash(rg) + suffix
	}
	return n
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// DeploymentName is the nested deployment name for a resource group (max 64 characters).
func DeploymentName(rg string) string {
	n := "atg-" + rg
	if len(n) > 64 {
		n = n[:57] + "-" + model.ShortHash(rg)
	}
	return n
}

func (e *emitter) params(names map[string]bool) Obj {
	o := Obj{}
	for _, v := range e.m.Variables {
		if names != nil && !names[v.Name] {
			continue
		}
		typ := "string"
		if v.Sensitive {
			typ = "securestring"
		}
		p := Obj{{"type", typ}}
		if v.Default != nil && !v.Sensitive {
			p = append(p, KV{"defaultValue", escape(*v.Default)})
		}
		p = append(p, KV{"metadata", Obj{{"description", v.Description}}})
		o = append(o, KV{v.Name, p})
	}
	return o
}

func (e *emitter) template() Obj {
	byRG := map[string][]*model.Resource{}
	var subLevel []*model.Resource
	var rgs []*model.Resource
	for _, r := range e.m.Resources {
		switch {
		case r.IsResourceGroup():
			rgs = append(rgs, r)
		case r.Level == model.LevelSubscription:
			subLevel = append(subLevel, r)
		default:
			byRG[strings.ToLower(r.ResourceGroup)] = append(byRG[strings.ToLower(r.ResourceGroup)], r)
		}
	}
	used := model.VarsUsed(e.m.Resources)
	var resources []any
	for _, rg := range rgs {
		resources = append(resources, e.resource(rg, false))
	}
	for _, r := range subLevel {
		resources = append(resources, e.resource(r, false))
	}
	for _, rg := range rgs {
		byWave := map[int][]*model.Resource{}
		maxWave := 0
		for _, r := range byRG[strings.ToLower(rg.Name)] {
			w := e.waves[r.Key]
			byWave[w] = append(byWave[w], r)
			if w > maxWave {
				maxWave = w
			}
		}
		for w := 0; w <= maxWave; w++ {
			members := byWave[w]
			if len(members) == 0 {
				continue
			}
			resources = append(resources, e.deployment(rg, w, members))
		}
	}
	if resources == nil {
		resources = []any{}
	}
	return Obj{{"$schema", subscriptionSchema}, {"contentVersion", "1.0.0.0"},
		{"metadata", Obj{{"generator", "atg generate-iac"}}},
		{"parameters", e.params(used)}, {"resources", resources}}
}

// deployment renders the nested deployment of one resource group's wave.
func (e *emitter) deployment(rg *model.Resource, wave int, members []*model.Resource) Obj {
	innerUsed := model.VarsUsed(members)
	inner := Obj{{"$schema", rgSchema}, {"contentVersion", "1.0.0.0"}}
	if len(innerUsed) > 0 {
		inner = append(inner, KV{"parameters", e.params(innerUsed)})
	}
	var rs []any
	deps := map[string]bool{}
	subDeps := map[string]bool{}
	for _, r := range members {
		rs = append(rs, e.resource(r, true))
		for _, x := range e.crossDeps(r) {
			deps[x] = true
		}
		for _, d := range r.DependsOn {
			if t := e.idx[d]; t != nil && t.Level == model.LevelSubscription && !t.IsResourceGroup() {
				subDeps["["+e.idOf(t)+"]"] = true
			}
		}
	}
	inner = append(inner, KV{"resources", rs})
	props := Obj{{"mode", "Incremental"}, {"expressionEvaluationOptions", Obj{{"scope", "inner"}}}}
	if len(innerUsed) > 0 {
		po := Obj{}
		for _, k := range model.SortedKeys(innerUsed) {
			po = append(po, KV{k, Obj{{"value", "[parameters(" + q(k) + ")]"}}})
		}
		props = append(props, KV{"parameters", po})
	}
	props = append(props, KV{"template", inner})
	dependsOn := []string{"[" + ResourceIDExpr(rg) + "]"}
	for _, x := range model.SortedKeys(deps) {
		dependsOn = append(dependsOn, "[resourceId('Microsoft.Resources/deployments', "+q(x)+")]")
	}
	dependsOn = append(dependsOn, model.SortedKeys(subDeps)...)
	return Obj{{"type", "Microsoft.Resources/deployments"}, {"apiVersion", deploymentsAPI},
		{"name", WaveDeploymentName(rg.Name, wave)}, {"resourceGroup", rg.Name}, {"dependsOn", dependsOn}, {"properties", props}}
}
