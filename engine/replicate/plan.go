// Package replicate recreates a tenant in target subscriptions: it turns a source (a scanned tenant in
// the graph, or a spec) into the IaC model, translates it with the same code generate-iac uses
// (engine/iac/translate), orders it by the model's dependency graph and deploys it through ARM
// (resource groups first, then dependency levels, parallel within a level). Deploy is idempotent
// and resumable: every resource is read before it is written and left alone when it already
// exists with the desired writable properties.
//
// Secrets the target needs (VM and SQL admin passwords) are generated with crypto/rand at deploy
// time, sent only in the PUT body and never stored, logged, printed or written to a report.
package replicate

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/iac/translate"
	"github.com/atg-go/atg/engine/jsonpath"
	"github.com/atg-go/atg/errs"
)

// Input says what to recreate and where.
type Input struct {
	// Source: either a scanned tenant in Store (SourceTenantID) or a ready model (Model, e.g.
	// parsed from a spec).
	Store          graph.Store
	SourceTenantID string
	Model          *model.Model

	TargetTenantID string
	// TargetSubscriptions receive the source subscriptions in order (sorted source ids); when
	// there are fewer targets than sources the last target takes the rest. An entry
	// "SOURCE=TARGET" maps one source subscription explicitly.
	TargetSubscriptions []string
	TargetLocation      string
	NameSuffix          string
	// IdentityMap maps source principal object ids to target ones (lower-cased keys).
	IdentityMap map[string]string
	Filter      model.Filter
	// SSHPublicKey is used for VMs whose source public key is unknown (a spec); without it a
	// fresh key is generated and its private half discarded.
	SSHPublicKey string
}

// Item is one resource of the plan.
type Item struct {
	Key        string   `json:"key"`
	SourceID   string   `json:"source_id"`
	TargetID   string   `json:"target_id"`
	Type       string   `json:"type"`
	APIVersion string   `json:"api_version"`
	Level      int      `json:"level"` // 0: resource groups; 1..n: dependency levels
	DependsOn  []string `json:"depends_on,omitempty"`

	res *model.Resource
	tid armid.ID // TargetID parsed and checked (checkTarget)
}

// Unmapped is a principal a role assignment names that has no target identity.
type Unmapped struct {
	PrincipalID string `json:"principal_id"`
	Resource    string `json:"resource"`
}

// Plan is an ordered deployment.
type Plan struct {
	SourceTenantID string `json:"source_tenant_id,omitempty"`
	TargetTenantID string `json:"target_tenant_id"`
	// Subscriptions maps source subscription ids to target subscription ids.
	Subscriptions map[string]string `json:"subscriptions"`
	// RenamedResourceGroups lists groups renamed to keep same-named groups of different source
	// subscriptions apart in one target subscription: "sub/rg" -> new name.
	RenamedResourceGroups map[string]string `json:"renamed_resource_groups,omitempty"`
	Levels                int               `json:"levels"`
	Items                 []*Item           `json:"items"`
	Skipped               []model.Skipped   `json:"skipped"`
	// BrokenReferences lists read-only back-references left out because they would make a
	// dependency cycle (one such pair must never block the rest of the tenant).
	BrokenReferences []model.Dropped     `json:"broken_references,omitempty"`
	Rewrites         []translate.Rewrite `json:"rewrites,omitempty"`
	SSHPublicKey     string              `json:"-"`

	model     *model.Model
	byKey     map[string]*Item
	sourceSub map[string]string // resource key -> source subscription
	// sysPrincipals maps a source system-assigned principal id to the key of the resource that
	// owns it; role assignments for it follow the deployed resource's new principal.
	sysPrincipals map[string]string
	// publicKeys are SSH public keys from the source (not secrets), by variable name.
	publicKeys  map[string]string
	varDefaults map[string]string // variable name -> source default (before translation)
	targets     map[string]bool   // lower target subscription ids
	// defaultTarget is the first target subscription: where resources without a (mapped)
	// source subscription go.
	defaultTarget string
	sources       map[string]bool // lower source subscription ids
}

// Model returns the translated model the plan deploys.
func (p *Plan) Model() *model.Model { return p.model }

// buildLabels are the labels the model reads.
var buildLabels = model.BuildLabels

// MakePlan builds the model, translates it for the target (engine/iac/translate) and orders it
// by dependency level.
func MakePlan(ctx context.Context, in Input) (*Plan, error) {
	if in.TargetTenantID == "" {
		return nil, errs.New(errs.Invalid, "create-tenant: target tenant id is required")
	}
	if len(in.TargetSubscriptions) == 0 {
		return nil, errs.New(errs.Invalid, "create-tenant: at least one target subscription is required")
	}
	p := &Plan{SourceTenantID: in.SourceTenantID, TargetTenantID: in.TargetTenantID, SSHPublicKey: strings.TrimSpace(in.SSHPublicKey), sysPrincipals: map[string]string{},
		publicKeys: map[string]string{}, varDefaults: map[string]string{}, targets: map[string]bool{}, sources: map[string]bool{}}
	var m *model.Model
	var nodes []graph.Node
	switch {
	case in.Model != nil:
		m = in.Model
		if err := checkModel(m); err != nil {
			return nil, fmt.Errorf("create-tenant: %w", err)
		}
		FilterModel(m, in.Filter)
		if p.SourceTenantID == "" {
			p.SourceTenantID = m.TenantID
		}
	case in.Store != nil && in.SourceTenantID != "":
		err := in.Store.Nodes(ctx, in.SourceTenantID, graph.NodeQuery{Labels: buildLabels}, func(n graph.Node) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			nodes = append(nodes, n)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read graph of tenant %s: %w", in.SourceTenantID, err)
		}
		if len(nodes) == 0 {
			return nil, errs.Errorf(errs.NotFound, "tenant %s has nothing in the graph: scan it first", in.SourceTenantID)
		}
		subs, err := subscriptionMap(sourceSubscriptions(nodes), in.TargetSubscriptions)
		if err != nil {
			return nil, err
		}
		p.Subscriptions = subs
		nodes, p.RenamedResourceGroups = separateResourceGroups(nodes, subs)
		if m, err = model.BuildFromNodes(in.SourceTenantID, nodes, in.Filter); err != nil {
			return nil, fmt.Errorf("build model: %w", err)
		}
	default:
		return nil, errors.New("create-tenant: a source tenant (with a graph store) or a spec is required")
	}
	if p.Subscriptions == nil {
		subs, err := subscriptionMap(m.Subscriptions, in.TargetSubscriptions)
		if err != nil {
			return nil, err
		}
		p.Subscriptions = subs
	}
	for s, t := range p.Subscriptions {
		p.sources[s] = true
		p.targets[strings.ToLower(t)] = true
	}
	p.sourceSub = map[string]string{}
	for _, r := range m.Resources {
		p.sourceSub[r.Key] = strings.ToLower(r.Subscription)
	}
	for _, v := range m.Variables {
		if v.Default != nil {
			p.varDefaults[v.Name] = *v.Default
		}
	}
	if nodes != nil {
		p.fromSourceNodes(m, nodes)
	}
	idmap := map[string]string{}
	for k, v := range in.IdentityMap {
		idmap[strings.ToLower(k)] = v
	}
	first := in.TargetSubscriptions[0]
	if _, t, ok := strings.Cut(first, "="); ok {
		first = t
	}
	first = strings.TrimPrefix(strings.TrimSpace(first), "/subscriptions/")
	p.defaultTarget = first
	p.targets[strings.ToLower(first)] = true
	rep, err := translate.Apply(m, translate.Options{TargetTenantID: in.TargetTenantID, TargetSubscription: first,
		TargetLocation: in.TargetLocation, NameSuffix: in.NameSuffix, IdentityMap: idmap, UniqueNames: true})
	if err != nil {
		return nil, fmt.Errorf("translate: %w", err)
	}
	p.Rewrites = rep.Rewrites
	for _, r := range m.Resources {
		// An extension resource keeps its own name: translate's "parent renamed" rule matches it
		// by id prefix (its scope is the renamed resource) and would overwrite it with the
		// scope's name. Its scope follows the rename through the Ref.
		if r.Scope != nil {
			if id, ok := armid.Parse(r.ID); ok && id.Name() != r.Name {
				r.Name = id.Name()
			}
		}
		if src, ok := p.sourceSub[r.Key]; ok && src != "" {
			r.Subscription = p.Subscriptions[src]
		}
	}
	p.model = m
	p.splitMergedResourceGroups()
	p.Skipped = append([]model.Skipped(nil), m.Skipped...)
	p.Skipped = append(p.Skipped, m.ManagementGroupsSkipped("management group: create-tenant writes only under the target subscriptions")...)
	if p.Skipped == nil {
		p.Skipped = []model.Skipped{}
	}
	if err := p.order(); err != nil {
		return nil, err
	}
	return p, nil
}

// sourceSubscriptions lists the subscriptions of the nodes, sorted and lower-cased.
func sourceSubscriptions(nodes []graph.Node) []string {
	set := map[string]bool{}
	for _, n := range nodes {
		if n.Label == graph.LabelSubscription {
			continue
		}
		if id, ok := armid.Parse(n.ID); ok && id.Subscription != "" {
			set[strings.ToLower(id.Subscription)] = true
		}
	}
	return model.SortedKeys(set)
}

// subscriptionMap maps source subscriptions onto targets: explicit SOURCE=TARGET entries first,
// then the remaining sources in order onto the remaining plain targets, the last target taking
// the rest.
func subscriptionMap(sources, targets []string) (map[string]string, error) {
	out := map[string]string{}
	var plain []string
	for _, t := range targets {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if s, d, ok := strings.Cut(t, "="); ok {
			if s == "" || d == "" {
				return nil, fmt.Errorf("target subscription %q: want SOURCE=TARGET", t)
			}
			out[strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "/subscriptions/"))] = strings.TrimPrefix(strings.TrimSpace(d), "/subscriptions/")
			continue
		}
		plain = append(plain, strings.TrimPrefix(t, "/subscriptions/"))
	}
	i := 0
	for _, s := range sources {
		s = strings.ToLower(s)
		if _, ok := out[s]; ok {
			continue
		}
		if len(plain) == 0 {
			return nil, fmt.Errorf("source subscription %s has no target subscription", s)
		}
		out[s] = plain[min(i, len(plain)-1)]
		i++
	}
	return out, nil
}

// separateResourceGroups renames resource groups that would collide in a target subscription
// (same name in two source subscriptions mapped onto one target): every group after the first
// gets the suffix "-<first 8 characters of its source subscription>". Ids and every id inside the
// nodes' JSON are rewritten, so references follow.
func separateResourceGroups(nodes []graph.Node, subs map[string]string) ([]graph.Node, map[string]string) {
	type rgKey struct{ target, name string }
	owner := map[rgKey]string{}    // -> first source subscription
	renames := map[string]string{} // lower "/subscriptions/s/resourcegroups/rg" -> new name
	var srcs []string
	for s := range subs {
		srcs = append(srcs, s)
	}
	sort.Strings(srcs)
	rgs := map[string]map[string]string{} // sub -> lower name -> name
	for _, n := range nodes {
		id, ok := armid.Parse(n.ID)
		if !ok || id.ResourceGroup == "" {
			continue
		}
		s := strings.ToLower(id.Subscription)
		if rgs[s] == nil {
			rgs[s] = map[string]string{}
		}
		rgs[s][strings.ToLower(id.ResourceGroup)] = id.ResourceGroup
	}
	report := map[string]string{}
	for _, s := range srcs {
		for _, ln := range model.SortedKeys(rgs[s]) {
			k := rgKey{strings.ToLower(subs[s]), ln}
			if prev, taken := owner[k]; taken && prev != s {
				to := rgs[s][ln] + "-" + s[:min(8, len(s))]
				renames["/subscriptions/"+s+"/resourcegroups/"+ln] = to
				report[s+"/"+rgs[s][ln]] = to
				continue
			}
			owner[k] = s
		}
	}
	if len(renames) == 0 {
		return nodes, nil
	}
	rewrite := func(v string) string {
		lv := strings.ToLower(v)
		if !strings.HasPrefix(lv, "/subscriptions/") {
			return v
		}
		for prefix, to := range renames {
			if strings.HasPrefix(lv, prefix) && (len(lv) == len(prefix) || lv[len(prefix)] == '/') {
				i := len("/subscriptions/") + strings.Index(lv[len("/subscriptions/"):], "/resourcegroups/") + len("/resourcegroups/")
				return v[:i] + to + v[len(prefix):]
			}
		}
		return v
	}
	out := make([]graph.Node, len(nodes))
	for i, n := range nodes {
		nn := n
		nn.ID = graph.NormalizeID(rewrite(n.ID))
		if props, ok := model.Rewrite(n.Props, func(v any) any {
			if s, ok := v.(string); ok {
				return rewrite(s)
			}
			return v
		}).(map[string]any); ok {
			nn.Props = props
			if id, ok := armid.Parse(str(props, graph.PropID)); ok && id.ResourceGroup != "" {
				nn.Props[graph.PropResourceGroup] = id.ResourceGroup
			}
			if n.Label == graph.LabelResourceGroup {
				if id, ok := armid.Parse(str(props, graph.PropID)); ok {
					nn.Props[graph.PropName] = id.ResourceGroup
				}
			}
		}
		out[i] = nn
	}
	return out, report
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }

// fromSourceNodes records what the graph knows beyond the model: which resource owns each
// system-assigned principal, and the SSH public keys the model replaced with variables.
func (p *Plan) fromSourceNodes(m *model.Model, nodes []graph.Node) {
	byID := map[string]graph.Node{}
	for _, n := range nodes {
		byID[graph.NormalizeID(str(n.Props, graph.PropID))] = n
		byID[n.ID] = n
	}
	for _, r := range m.Resources {
		n, ok := byID[graph.NormalizeID(r.ID)]
		if !ok {
			continue
		}
		if id, ok := n.Props[graph.PropIdentity].(map[string]any); ok {
			if pid := str(id, "principalId"); pid != "" {
				p.sysPrincipals[strings.ToLower(pid)] = r.Key
			}
		}
		props, _ := n.Props[graph.PropProperties].(map[string]any)
		walkVars(r.Body, "", func(v model.Var, path string) {
			if strings.Contains(v.Name, "ssh_public_key") {
				if s, ok := jsonpath.Get(props, path).(string); ok && s != "" {
					p.publicKeys[v.Name] = s
				}
			}
		})
	}
	// role assignments naming a system-assigned principal follow the deployed resource
	for _, r := range m.Resources {
		if r.LowerType() != "microsoft.authorization/roleassignments" {
			continue
		}
		if pid, ok := r.Body["principalId"].(string); ok {
			if k, ok := p.sysPrincipals[strings.ToLower(pid)]; ok {
				r.Body["principalId"] = model.Ref{Target: k, Property: "identity.principalId"}
				r.DependsOn = appendUnique(r.DependsOn, k)
			}
		}
	}
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	s = append(s, v)
	sort.Strings(s)
	return s
}

// walkVars calls fn for every Var in v with its path (a.b[0].c, relative to the body).
func walkVars(v any, path string, fn func(model.Var, string)) {
	switch t := v.(type) {
	case model.Var:
		fn(t, path)
	case map[string]any:
		for k, x := range t {
			walkVars(x, jsonpath.Join(path, k), fn)
		}
	case []any:
		for i, x := range t {
			walkVars(x, jsonpath.Index(path, i), fn)
		}
	}
}

// order computes target ids and dependency levels. A cycle is an error.
func (p *Plan) order() error {
	m := p.model
	// The model is acyclic when built; filtering and translation keep it so, but a cycle here
	// must never refuse the whole tenant: break it and report it.
	model.BreakCycles(m)
	p.BrokenReferences = nil
	for _, d := range m.Dropped {
		if model.IsCycleBreak(d) {
			p.BrokenReferences = append(p.BrokenReferences, d)
		}
	}
	idx := m.Index()
	p.byKey = map[string]*Item{}
	for _, r := range m.Resources {
		it := &Item{Key: r.Key, SourceID: r.ID, Type: r.Type, APIVersion: r.APIVersion, res: r}
		p.byKey[r.Key] = it
		p.Items = append(p.Items, it)
	}
	for _, it := range p.Items {
		deps := map[string]bool{}
		for _, d := range it.res.DependsOn {
			deps[d] = true
		}
		if it.res.Parent != "" {
			deps[it.res.Parent] = true
		}
		collectRefs(it.res.Body, deps)
		collectRefs(it.res.Scope, deps)
		if it.res.Identity != nil {
			for _, u := range it.res.Identity.UserAssigned {
				collectRefs(u, deps)
			}
		}
		delete(deps, it.Key)
		for d := range deps {
			if t := idx[d]; t == nil || t.IsResourceGroup() {
				delete(deps, d)
			}
		}
		it.DependsOn = model.SortedKeys(deps)
	}
	// levels: resource groups 0, others 1 + max(dependency level)
	state := map[string]int{} // 0 unvisited, 1 visiting, 2 done
	var visit func(it *Item, stack []string) error
	visit = func(it *Item, stack []string) error {
		if len(stack) > MaxDependencyDepth {
			return &ResourceError{Key: it.Key, Err: fmt.Errorf("%w: dependency chain longer than %d at resource %s", ErrPlanLimit, MaxDependencyDepth, it.Key)}
		}
		switch state[it.Key] {
		case 1:
			return &ResourceError{Key: it.Key, Err: fmt.Errorf("dependency cycle: %s", strings.Join(append(stack, it.Key), " -> "))}
		case 2:
			return nil
		}
		state[it.Key] = 1
		lvl := 1
		if it.res.IsResourceGroup() {
			lvl = 0
		}
		for _, d := range it.DependsOn {
			dep := p.byKey[d]
			if err := visit(dep, append(stack, it.Key)); err != nil {
				return err
			}
			lvl = max(lvl, dep.Level+1)
		}
		it.Level = lvl
		state[it.Key] = 2
		return nil
	}
	for _, it := range p.Items {
		if err := visit(it, nil); err != nil {
			return err
		}
	}
	// target ids (parents and scopes first: they are lower levels)
	sort.SliceStable(p.Items, func(i, j int) bool {
		if p.Items[i].Level != p.Items[j].Level {
			return p.Items[i].Level < p.Items[j].Level
		}
		return p.Items[i].Key < p.Items[j].Key
	})
	for _, it := range p.Items {
		id, err := p.targetID(it.res, 0)
		if err != nil {
			return err
		}
		it.TargetID = id
		if err := p.checkTarget(it); err != nil {
			return err
		}
		p.Levels = max(p.Levels, it.Level)
	}
	return nil
}

func collectRefs(v any, into map[string]bool) {
	switch t := v.(type) {
	case model.Ref:
		into[t.Target] = true
	case map[string]any:
		for _, x := range t {
			collectRefs(x, into)
		}
	case []any:
		for _, x := range t {
			collectRefs(x, into)
		}
	}
}

// targetID is the ARM id r gets in the target. depth counts the scopes followed to get here
// (bounded by MaxScopeDepth: a scope chain never recurses without end).
func (p *Plan) targetID(r *model.Resource, depth int) (string, error) {
	if depth > MaxScopeDepth {
		return "", &ResourceError{Key: r.Key, Field: "scope", Err: fmt.Errorf("%w: resource %s: scope chain deeper than %d", ErrPlanLimit, r.Key, MaxScopeDepth)}
	}
	sub := p.subscriptionOf(r)
	if r.IsResourceGroup() {
		return "/subscriptions/" + sub + "/resourceGroups/" + r.Name, nil
	}
	tail, err := providerPath(r)
	if err != nil {
		return "", err
	}
	if r.Scope != nil {
		scope, err := p.scopeID(r, r.Scope, depth)
		if err != nil {
			return "", err
		}
		return strings.TrimSuffix(scope, "/") + tail, nil
	}
	if r.Level == model.LevelSubscription || r.ResourceGroup == "" {
		return "/subscriptions/" + sub + tail, nil
	}
	return "/subscriptions/" + sub + "/resourceGroups/" + r.ResourceGroup + tail, nil
}

// subscriptionOf is r's target subscription; a resource of no (or an unmapped) source
// subscription goes to the first target.
func (p *Plan) subscriptionOf(r *model.Resource) string {
	if r.Subscription != "" {
		return r.Subscription
	}
	return p.defaultTarget
}

// providerPath is /providers/NS/type1/name1[/type2/name2…].
func providerPath(r *model.Resource) (string, error) {
	ts := r.TypeSegments()
	ns := strings.Split(r.Type, "/")[0]
	names := r.NameSegments()
	if len(ts) == 0 || len(ts) != len(names) {
		return "", fmt.Errorf("resource %s: type %s does not fit name %s", r.Key, r.Type, r.Name)
	}
	var b strings.Builder
	b.WriteString("/providers/" + ns)
	for i := range ts {
		b.WriteString("/" + ts[i] + "/" + names[i])
	}
	return b.String(), nil
}

// scopeID resolves an extension resource's scope.
func (p *Plan) scopeID(r *model.Resource, v any, depth int) (string, error) {
	switch s := v.(type) {
	case model.Ref:
		if s.Target == r.Key {
			return "", &ResourceError{Key: r.Key, Field: "scope", Err: fmt.Errorf("%w: resource %s: scope refers to the resource itself", ErrPlanLimit, r.Key)}
		}
		t := p.byKey[s.Target]
		if t == nil {
			return "", fmt.Errorf("resource %s: scope %s is not in the plan", r.Key, s.Target)
		}
		if t.TargetID == "" {
			id, err := p.targetID(t.res, depth+1)
			if err != nil {
				return "", err
			}
			t.TargetID = id
		}
		return t.TargetID + s.Suffix, nil
	case model.Var:
		return p.variable(s.Name, r), nil
	case model.SubRel:
		return "/subscriptions/" + p.subscriptionOf(r) + s.Path, nil
	case string:
		return s, nil
	}
	return "", fmt.Errorf("resource %s: unsupported scope %T", r.Key, v)
}

// variable returns a non-secret variable's value for resource r.
func (p *Plan) variable(name string, r *model.Resource) string {
	v := p.model.Variable(name)
	if v == nil {
		return ""
	}
	switch v.Kind {
	case model.VarTenant:
		return p.TargetTenantID
	case model.VarSubscription:
		return p.subscriptionOf(r)
	case model.VarReference:
		src := p.varDefaults[name]
		if id, ok := armid.Parse(src); ok && id.Subscription != "" {
			if t, ok := p.Subscriptions[strings.ToLower(id.Subscription)]; ok {
				return "/subscriptions/" + t + src[len("/subscriptions/")+len(id.Subscription):]
			}
		}
		return src
	case model.VarPublicKey:
		return p.publicKeys[name]
	}
	if v.Default != nil {
		return *v.Default
	}
	return ""
}

// MapName returns the name translation the plan applied (globally unique names), for
// engine/fidelity's Options.MapName: source type and last name segment in, target name out.
func (p *Plan) MapName() func(armType, name string) string {
	m := map[string]string{}
	for _, it := range p.Items {
		src, ok := armid.Parse(it.SourceID)
		if !ok || len(src.Names) == 0 {
			continue
		}
		from := src.Names[len(src.Names)-1]
		to := it.res.LastName()
		if from != to {
			m[strings.ToLower(it.Type)+"|"+strings.ToLower(from)] = to
		}
	}
	return func(t, name string) string {
		if to, ok := m[strings.ToLower(t)+"|"+strings.ToLower(name)]; ok {
			return to
		}
		return name
	}
}

// splitMergedResourceGroups gives every target subscription its own copy of a resource group the
// model merged (same name in several source subscriptions) when those subscriptions land in
// different targets: the model keeps one group, but each target subscription needs it.
func (p *Plan) splitMergedResourceGroups() {
	m := p.model
	have := map[string]bool{} // lower sub|rg
	byName := map[string]*model.Resource{}
	for _, r := range m.Resources {
		if r.IsResourceGroup() {
			have[strings.ToLower(r.Subscription+"|"+r.Name)] = true
			byName[strings.ToLower(r.Name)] = r
		}
	}
	var added []*model.Resource
	for _, r := range m.Resources {
		if r.IsResourceGroup() || r.ResourceGroup == "" || r.Level != model.LevelResourceGroup {
			continue
		}
		k := strings.ToLower(r.Subscription + "|" + r.ResourceGroup)
		rg := byName[strings.ToLower(r.ResourceGroup)]
		if have[k] || rg == nil {
			continue
		}
		have[k] = true
		c := *rg
		c.Key = rg.Key + "_" + model.ShortHash(r.Subscription)
		c.Subscription = r.Subscription
		c.ID = "/subscriptions/" + p.sourceSub[r.Key] + "/resourceGroups/" + rg.Name
		added = append(added, &c)
	}
	if len(added) == 0 {
		return
	}
	m.Resources = append(m.Resources, added...)
	recreated := map[string]bool{}
	for _, c := range added {
		recreated[strings.ToLower(c.ID)] = true
	}
	kept := m.Skipped[:0]
	for _, s := range m.Skipped {
		if !(recreated[strings.ToLower(s.ID)] && strings.HasPrefix(s.Reason, "merged into resource group")) {
			kept = append(kept, s)
		}
	}
	m.Skipped = kept
}
