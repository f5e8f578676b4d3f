package model

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/graph"
)

// Filter selects part of the graph. Empty fields match everything; within a field any value
// matches, across fields all must. What the selection references is pulled in.
type Filter struct {
	ResourceGroups []string `json:"resource_groups,omitempty"` // names, case-insensitive
	Types          []string `json:"types,omitempty"`           // ARM types, case-insensitive
	IDs            []string `json:"ids,omitempty"`             // ARM ids, case-insensitive
}

func (f Filter) empty() bool {
	return len(f.ResourceGroups) == 0 && len(f.Types) == 0 && len(f.IDs) == 0
}

// BuildLabels are the node labels the model reads.
var BuildLabels = []graph.Label{graph.LabelSubscription, graph.LabelResourceGroup, graph.LabelResource,
	graph.LabelRoleAssignment, graph.LabelRoleDefinition, graph.LabelManagementGroup}

// Build reads a tenant's graph and returns the model of the selected resources.
func Build(ctx context.Context, store graph.Store, tenantID string, f Filter) (*Model, error) {
	var nodes []graph.Node
	err := store.Nodes(ctx, tenantID, graph.NodeQuery{Labels: BuildLabels}, func(n graph.Node) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		nodes = append(nodes, n)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read graph of tenant %s: %w", tenantID, err)
	}
	return BuildFromNodes(tenantID, nodes, f)
}

// defaultAPIVersions is used when a node carries no api_version.
var defaultAPIVersions = map[string]string{
	"microsoft.resources/resourcegroups":      "2022-09-01",
	"microsoft.authorization/roleassignments": "2022-04-01",
	"microsoft.authorization/roledefinitions": "2022-04-01",
}

// dataPlaneTypes are objects whose contents live in a data plane and are never copied.
var dataPlaneTypes = map[string]string{
	"microsoft.keyvault/vaults/secrets":      "Key Vault secret: data-plane object, value never copied",
	"microsoft.keyvault/vaults/keys":         "Key Vault key: data-plane object, key material never copied",
	"microsoft.keyvault/vaults/certificates": "Key Vault certificate: data-plane object, never copied",
	"microsoft.resources/deployments":        "deployment history: derived, not a resource to recreate",
	"microsoft.resources/subscriptions":      "subscription: the deployment target, not generated",
	"microsoft.resources/tags":               "tags resource: tags are emitted on each resource",
	"microsoft.security/pricings":            "Defender plan: subscription setting, not generated",
	"microsoft.insights/eventtypes":          "activity log: read-only",
	"microsoft.advisor/recommendations":      "Advisor recommendation: read-only",
}

// rec is one graph object on its way into the model.
type rec struct {
	id, lower, typ, ltype, api, name, location, rg, sub, kind, managedBy string
	sku, plan, identity, props                                           map[string]any
	zones                                                                []string
	tags                                                                 map[string]any
	parsed                                                               armid.ID
	builtin                                                              bool
	key                                                                  string
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func obj(m map[string]any, k string) map[string]any {
	o, _ := m[k].(map[string]any)
	return o
}

func recFromNode(n graph.Node) (*rec, string) {
	p := n.Props
	if p == nil {
		p = map[string]any{}
	}
	if b, _ := p[graph.PropOutOfScope].(bool); b {
		return nil, ""
	}
	r := &rec{id: str(p, graph.PropID)}
	if r.id == "" {
		r.id = n.ID
	}
	r.lower = graph.NormalizeID(r.id)
	var ok bool
	r.parsed, ok = armid.Parse(r.id)
	if !ok {
		return nil, "id is not an ARM resource id"
	}
	r.name = r.parsed.Name()
	r.sub = str(p, graph.PropSubscription)
	if r.sub == "" {
		r.sub = r.parsed.Subscription
	}
	r.rg = r.parsed.ResourceGroup
	r.location = NormalizeLocation(str(p, graph.PropLocation))
	r.tags = map[string]any{}
	if t, ok := p[graph.PropTags].(map[string]any); ok {
		for k, v := range t {
			r.tags[k] = fmt.Sprint(v)
		}
	} else if t, ok := p[graph.PropTags].(map[string]string); ok {
		for k, v := range t {
			r.tags[k] = v
		}
	}
	r.props = obj(p, graph.PropProperties)
	switch n.Label {
	case graph.LabelResourceGroup:
		r.typ = TypeResourceGroup
		r.managedBy = str(p, graph.PropManagedBy)
		r.props = nil
	case graph.LabelRoleAssignment:
		r.typ = "Microsoft.Authorization/roleAssignments"
		if r.props == nil {
			r.props = map[string]any{}
			for k, pk := range map[string]string{"principalId": "principal_id", "principalType": "principal_type",
				"roleDefinitionId": "role_definition_id", "scope": "scope", "condition": "condition"} {
				if v := str(p, pk); v != "" {
					r.props[k] = v
				}
			}
		}
	case graph.LabelRoleDefinition:
		r.typ = "Microsoft.Authorization/roleDefinitions"
		if str(p, "role_type") == "BuiltInRole" || str(r.props, "type") == "BuiltInRole" {
			r.builtin = true
		}
		if r.props == nil {
			r.props = map[string]any{"roleName": str(p, "role_name"), "description": str(p, "description"),
				"type": "CustomRole"}
			if v, ok := p["permissions"]; ok {
				r.props["permissions"] = v
			}
			if v, ok := p["assignable_scopes"]; ok {
				r.props["assignableScopes"] = v
			}
		}
	default:
		r.typ = str(p, graph.PropTypeDisplay)
		if r.typ == "" {
			r.typ = r.parsed.Type()
		}
		r.kind = str(p, graph.PropKind)
		r.sku = obj(p, graph.PropSKU)
		r.plan = obj(p, graph.PropPlan)
		r.identity = obj(p, graph.PropIdentity)
		r.managedBy = str(p, graph.PropManagedBy)
		if z, ok := p[graph.PropZones].([]any); ok {
			for _, x := range z {
				r.zones = append(r.zones, fmt.Sprint(x))
			}
		} else if z, ok := p[graph.PropZones].([]string); ok {
			r.zones = append(r.zones, z...)
		}
	}
	r.ltype = strings.ToLower(r.typ)
	if r.ltype == "microsoft.resources/resourcegroups" {
		r.typ = TypeResourceGroup
		r.props = nil
	}
	r.api = str(p, graph.PropAPIVersion)
	if r.api == "" {
		r.api = defaultAPIVersions[r.ltype]
	}
	if r.props == nil && r.ltype != "microsoft.resources/resourcegroups" {
		r.props = map[string]any{}
	}
	return r, ""
}

// builder carries the state of one BuildFromNodes call.
type builder struct {
	m       *Model
	recs    map[string]*rec // lower id -> rec (every usable node)
	skipped map[string]Skipped
}

// BuildFromNodes builds the model from graph nodes (any order; nodes of other labels are ignored).
func BuildFromNodes(tenantID string, nodes []graph.Node, f Filter) (*Model, error) {
	b := &builder{m: &Model{TenantID: tenantID}, recs: map[string]*rec{}, skipped: map[string]Skipped{}}
	subs := map[string]bool{}
	for _, n := range nodes {
		switch n.Label {
		case graph.LabelResourceGroup, graph.LabelResource, graph.LabelRoleAssignment, graph.LabelRoleDefinition:
		default:
			continue
		}
		r, why := recFromNode(n)
		if r == nil {
			if why != "" {
				b.skip(n.ID, str(n.Props, graph.PropTypeDisplay), why)
			}
			continue
		}
		if prev, dup := b.recs[r.lower]; dup && prev.id <= r.id {
			continue
		}
		b.recs[r.lower] = r
	}
	selected := b.selectRecs(f)
	// skip rules
	var keep []*rec
	for _, r := range selected {
		if why := b.skipReason(r, selected); why != "" {
			b.skip(r.id, r.typ, why)
			continue
		}
		keep = append(keep, r)
	}
	keep = b.resourceGroups(keep)
	for _, r := range keep {
		if r.sub != "" {
			subs[strings.ToLower(r.sub)] = true
		}
	}
	b.m.Subscriptions = sortedKeys(subs)
	if err := b.assemble(keep); err != nil {
		return nil, err
	}
	if f.empty() {
		taken := make(map[string]bool, len(b.m.Resources))
		for _, r := range b.m.Resources {
			taken[r.Key] = true
		}
		b.managementGroups(nodes, taken)
	}
	for _, s := range b.skipped {
		b.m.Skipped = append(b.m.Skipped, s)
	}
	sort.Slice(b.m.Skipped, func(i, j int) bool { return strings.ToLower(b.m.Skipped[i].ID) < strings.ToLower(b.m.Skipped[j].ID) })
	return b.m, nil
}

func (b *builder) skip(id, typ, reason string) {
	if typ == "" {
		if p, ok := armid.Parse(id); ok {
			typ = p.Type()
		}
	}
	b.skipped[strings.ToLower(id)] = Skipped{ID: id, Type: typ, Reason: reason}
}

// findRec resolves an id string to a known rec: exactly, or the nearest ancestor that is not a
// resource group (a sub-resource of a known resource).
func (b *builder) findRec(s string) *rec {
	l := graph.NormalizeID(s)
	if r := b.recs[l]; r != nil {
		return r
	}
	for {
		i := strings.LastIndexByte(l, '/')
		if i <= 0 {
			return nil
		}
		l = l[:i]
		if r := b.recs[l]; r != nil {
			if r.ltype == "microsoft.resources/resourcegroups" {
				return nil
			}
			return r
		}
	}
}

// deps lists the recs r depends on: ancestors, its scope, its resource group and every id in its JSON.
func (b *builder) deps(r *rec) []*rec {
	var out []*rec
	add := func(x *rec) {
		if x != nil && x != r {
			out = append(out, x)
		}
	}
	for pid := r.parsed.ParentID(); pid != ""; {
		add(b.recs[graph.NormalizeID(pid)])
		p, ok := armid.Parse(pid)
		if !ok {
			break
		}
		pid = p.ParentID()
	}
	if r.parsed.Scope != "" {
		add(b.findRec(r.parsed.Scope))
		add(b.recs[graph.NormalizeID(r.parsed.Scope)])
	}
	if rg := r.parsed.ResourceGroupID(); rg != "" {
		add(b.recs[graph.NormalizeID(rg)])
	}
	walkStrings(r.props, func(s string) {
		if armid.LooksLike(s) {
			add(b.findRec(s))
		}
	})
	if ua := obj(r.identity, "userAssignedIdentities"); ua != nil {
		for k := range ua {
			add(b.findRec(k))
		}
	}
	return out
}

func walkStrings(v any, fn func(string)) {
	switch t := v.(type) {
	case string:
		fn(t)
	case map[string]any:
		for _, x := range t {
			walkStrings(x, fn)
		}
	case []any:
		for _, x := range t {
			walkStrings(x, fn)
		}
	}
}

func (b *builder) selectRecs(f Filter) []*rec {
	in := map[string]bool{}
	var queue []*rec
	matchAny := func(vals []string, v string) bool {
		if len(vals) == 0 {
			return true
		}
		for _, x := range vals {
			if strings.EqualFold(strings.TrimSuffix(x, "/"), v) {
				return true
			}
		}
		return false
	}
	for _, l := range sortedKeys(b.recs) {
		r := b.recs[l]
		if !f.empty() {
			rgName := r.rg
			if r.ltype == "microsoft.resources/resourcegroups" {
				rgName = r.name
			}
			if !matchAny(f.ResourceGroups, rgName) || !matchAny(f.Types, r.typ) || !matchAny(f.IDs, r.id) {
				continue
			}
		}
		in[l] = true
		queue = append(queue, r)
	}
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		for _, d := range b.deps(r) {
			if !in[d.lower] {
				in[d.lower] = true
				queue = append(queue, d)
			}
		}
	}
	out := make([]*rec, 0, len(in))
	for _, l := range sortedKeys(in) {
		out = append(out, b.recs[l])
	}
	return out
}

// skipReason says why r is not emitted, or "".
func (b *builder) skipReason(r *rec, selected []*rec) string {
	if r.builtin {
		return "built-in role definition: exists in every tenant"
	}
	if why, ok := dataPlaneTypes[r.ltype]; ok {
		return why
	}
	if r.api == "" {
		return "no api-version recorded for this resource"
	}
	if r.parsed.Subscription == "" && r.ltype != "microsoft.authorization/roledefinitions" {
		return "tenant or management-group scope: not generated"
	}
	if r.ltype == "microsoft.resources/resourcegroups" && r.managedBy != "" {
		return "resource group managed by " + r.managedBy + ": recreated by its owner"
	}
	if r.rg != "" {
		if rg := b.recs[graph.NormalizeID(r.parsed.ResourceGroupID())]; rg != nil && rg.managedBy != "" {
			return "in resource group " + rg.name + " managed by " + rg.managedBy + ": recreated by its owner"
		}
	}
	if r.ltype == "microsoft.compute/disks" {
		for _, vm := range selected {
			if vm.ltype != "microsoft.compute/virtualmachines" {
				continue
			}
			sp := obj(vm.props, "storageProfile")
			disks := []map[string]any{obj(sp, "osDisk")}
			if dd, ok := sp["dataDisks"].([]any); ok {
				for _, d := range dd {
					if m, ok := d.(map[string]any); ok {
						disks = append(disks, m)
					}
				}
			}
			for _, d := range disks {
				if graph.NormalizeID(str(obj(d, "managedDisk"), "id")) == r.lower && !strings.EqualFold(str(d, "createOption"), "Attach") {
					return "created by virtual machine " + vm.name + " (createOption " + str(d, "createOption") + ")"
				}
			}
		}
	}
	return ""
}

// resourceGroups makes sure every resource's group is present (synthesised from the resources when
// the graph has no node for it) and merges same-named groups of different subscriptions.
func (b *builder) resourceGroups(keep []*rec) []*rec {
	rgByName := map[string]*rec{}
	var out []*rec
	// existing RG recs first, in id order
	for _, r := range keep {
		if r.ltype != "microsoft.resources/resourcegroups" {
			continue
		}
		ln := strings.ToLower(r.name)
		if prev := rgByName[ln]; prev != nil {
			b.skip(r.id, r.typ, "merged into resource group "+prev.name+" (same name in another subscription)")
			b.recs[r.lower] = prev
			continue
		}
		rgByName[ln] = r
		out = append(out, r)
	}
	type nameKey struct{ rg, typ, name string }
	seen := map[nameKey]*rec{}
	for _, r := range keep {
		if r.ltype == "microsoft.resources/resourcegroups" {
			continue
		}
		if r.rg != "" {
			ln := strings.ToLower(r.rg)
			rg := rgByName[ln]
			if rg == nil {
				rgID := r.parsed.ResourceGroupID()
				rg = &rec{id: rgID, lower: graph.NormalizeID(rgID), typ: TypeResourceGroup, ltype: "microsoft.resources/resourcegroups",
					api: defaultAPIVersions["microsoft.resources/resourcegroups"], name: r.rg, sub: r.sub, tags: map[string]any{}}
				rg.parsed, _ = armid.Parse(rgID)
				rgByName[ln] = rg
				out = append(out, rg)
				b.recs[rg.lower] = rg
			} else if rgl := graph.NormalizeID(r.parsed.ResourceGroupID()); b.recs[rgl] == nil {
				b.recs[rgl] = rg
			}
			if rg.location == "" && r.location != "" && r.location != "global" {
				rg.location = r.location
			}
			r.rg = rg.name
		}
		k := nameKey{strings.ToLower(r.rg), r.ltype, strings.ToLower(r.name)}
		if r.parsed.Scope != "" {
			k.name = strings.ToLower(r.parsed.Scope) + "|" + k.name
		}
		if prev := seen[k]; prev != nil {
			b.skip(r.id, r.typ, "duplicate of "+prev.id+" in the target resource group")
			continue
		}
		seen[k] = r
		out = append(out, r)
	}
	for _, rg := range rgByName {
		if rg.location == "" {
			rg.location = "eastus"
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].lower < out[j].lower })
	return out
}

// assemble turns the kept recs into model resources.
func (b *builder) assemble(keep []*rec) error {
	ids := make([]string, 0, len(keep))
	byLower := make(map[string]*rec, len(keep))
	for _, r := range keep {
		ids = append(ids, r.lower)
		byLower[r.lower] = r
	}
	keys := uniqueNames(ids, func(l string) []string {
		r := byLower[l]
		base := Sanitize(r.name)
		if r.parsed.Scope != "" {
			if sp, ok := armid.Parse(r.parsed.Scope); ok {
				base = Sanitize(sp.Names[len(sp.Names)-1] + "_" + r.name)
			}
		}
		ts := r.parsed.Types
		typeSeg := "r"
		if len(ts) > 0 {
			typeSeg = Sanitize(ts[len(ts)-1])
		}
		return []string{base, base + "_" + typeSeg, base + "_" + typeSeg + "_" + Sanitize(r.rg)}
	})
	index := map[string]string{} // lower id -> key (including merged aliases)
	for _, r := range keep {
		r.key = keys[r.lower]
		index[r.lower] = r.key
	}
	for l, r := range b.recs {
		if r.key != "" {
			index[l] = r.key
		}
	}
	res := &resolver{index: index, vars: map[string]*Variable{}, varIDs: map[string]string{}}
	for _, r := range keep {
		res.rgKeys = nil
		out := &Resource{Key: r.key, ID: r.id, Type: r.typ, APIVersion: r.api, Name: r.name, Location: r.location,
			ResourceGroup: r.rg, Subscription: r.sub, Kind: r.kind, Zones: r.zones}
		if len(r.tags) > 0 {
			out.Tags = make(map[string]any, len(r.tags))
			for k, v := range r.tags {
				out.Tags[k] = v
			}
		}
		if r.sku != nil {
			out.SKU, _ = deepCopy(r.sku).(map[string]any)
			for _, k := range ReadOnlySKUFields(r.ltype) {
				delete(out.SKU, k)
			}
		}
		if r.plan != nil {
			out.Plan, _ = deepCopy(r.plan).(map[string]any)
		}
		switch {
		case r.ltype == "microsoft.resources/resourcegroups":
			out.Level = LevelSubscription
			out.ResourceGroup = r.name
		case r.parsed.Scope != "":
			sp, _ := armid.Parse(r.parsed.Scope)
			switch {
			case sp.ResourceGroup == "" && len(sp.Types) == 1 && sp.Types[0] == "subscriptions":
				out.Level = LevelSubscription
			case len(sp.Types) == 1 && sp.Types[0] == "resourceGroups":
				out.Level = LevelResourceGroup
			default:
				out.Level = LevelResourceGroup
				if t := byLower[graph.NormalizeID(r.parsed.Scope)]; t != nil {
					out.ResourceGroup = t.rg
				}
			}
		case r.rg == "":
			out.Level = LevelSubscription
		default:
			out.Level = LevelResourceGroup
		}
		if pid := r.parsed.ParentID(); pid != "" {
			out.Parent = index[graph.NormalizeID(pid)]
		}
		b.m.Resources = append(b.m.Resources, out)
	}
	// children declared separately are removed from their parent's inline collections
	children := map[string]map[string]bool{} // parent key -> lower child collection names
	for _, r := range b.m.Resources {
		if r.Parent != "" {
			ts := r.TypeSegments()
			if children[r.Parent] == nil {
				children[r.Parent] = map[string]bool{}
			}
			children[r.Parent][strings.ToLower(ts[len(ts)-1])] = true
		}
	}
	uaiPrincipals := map[string]string{} // source principal id -> UAI key
	for _, r := range keep {
		if r.ltype == "microsoft.managedidentity/userassignedidentities" {
			if p := str(r.props, "principalId"); p != "" {
				uaiPrincipals[strings.ToLower(p)] = r.key
			}
		}
	}
	sv := newSecretVars(res)
	for _, out := range b.m.Resources {
		sv.tags(out)
	}
	for i, r := range keep {
		out := b.m.Resources[i]
		if r.props == nil {
			continue
		}
		c := &cleaner{selfLower: r.lower, typ: r.ltype, key: r.key}
		body := c.cleanProperties(r.props)
		for k := range body {
			if children[r.key][strings.ToLower(k)] {
				delete(body, k)
			}
		}
		b.m.Dropped = append(b.m.Dropped, c.dropped...)
		body = sv.body(out, body)
		b.requiredSecrets(out, body, res)
		if r.ltype == "microsoft.authorization/roleassignments" {
			if k, ok := uaiPrincipals[strings.ToLower(str(body, "principalId"))]; ok {
				body["principalId"] = Ref{Target: k, Property: "principalId"}
			}
		}
		res.self, res.selfLower, res.refs = r.key, r.lower, nil
		out.Body, _ = res.value(body, "properties").(map[string]any)
		if r.identity != nil {
			out.Identity = res.identity(r.identity)
		}
		if r.parsed.Scope != "" && out.Level == LevelResourceGroup {
			if sp, _ := armid.Parse(r.parsed.Scope); !(len(sp.Types) == 1 && sp.Types[0] == "resourceGroups") {
				out.Scope = res.resolveID(r.parsed.Scope, "scope")
			}
		}
		out.References = res.refs
	}
	res.finish(b.m)
	// dependencies
	idx := b.m.Index()
	for _, r := range b.m.Resources {
		deps := map[string]bool{}
		if r.Parent != "" {
			deps[r.Parent] = true
		}
		if ref, ok := r.Scope.(Ref); ok {
			deps[ref.Target] = true
		}
		for _, ref := range r.References {
			if ref.TargetKey != "" {
				deps[ref.TargetKey] = true
			}
		}
		delete(deps, r.Key)
		for k := range deps {
			if t := idx[k]; t == nil || t.IsResourceGroup() {
				delete(deps, k)
			}
		}
		if len(deps) > 0 {
			r.DependsOn = sortedKeys(deps)
		}
		sort.Slice(r.References, func(i, j int) bool { return r.References[i].Path < r.References[j].Path })
	}
	BreakCycles(b.m)
	sort.SliceStable(b.m.Dropped, func(i, j int) bool {
		if b.m.Dropped[i].Key != b.m.Dropped[j].Key {
			return b.m.Dropped[i].Key < b.m.Dropped[j].Key
		}
		return b.m.Dropped[i].Path < b.m.Dropped[j].Path
	})
	sv.finish(b.m)
	return nil
}

// requiredSecrets puts sensitive variables where a resource needs a secret the source never gives.
func (b *builder) requiredSecrets(r *Resource, body map[string]any, res *resolver) {
	secret := func(suffix, desc string) Var {
		name := r.Key + "_" + suffix
		res.addVar(Variable{Name: name, Kind: VarSecret, Sensitive: true, Description: desc})
		return Var{Name: name}
	}
	osProfile := func(op map[string]any, what string) {
		if op == nil {
			return
		}
		lc := obj(op, "linuxConfiguration")
		if lc == nil || lc["disablePasswordAuthentication"] != true {
			op["adminPassword"] = secret("admin_password", "Admin password of "+what+" "+r.Name+" (never copied from the source)")
		}
		if ssh := obj(lc, "ssh"); ssh != nil {
			if keys, ok := ssh["publicKeys"].([]any); ok {
				for i, k := range keys {
					km, ok := k.(map[string]any)
					if !ok {
						continue
					}
					suffix := "ssh_public_key"
					if i > 0 {
						suffix += "_" + strconv.Itoa(i+1)
					}
					name := r.Key + "_" + suffix
					res.addVar(Variable{Name: name, Kind: VarPublicKey, Sensitive: true,
						Description: "SSH public key for " + str(km, "path") + " on " + what + " " + r.Name})
					km["keyData"] = Var{Name: name}
				}
			}
		}
	}
	switch r.LowerType() {
	case "microsoft.compute/virtualmachines":
		sp := obj(body, "storageProfile")
		if od := obj(sp, "osDisk"); od != nil {
			if !strings.EqualFold(str(od, "createOption"), "Attach") {
				if md := obj(od, "managedDisk"); md != nil {
					delete(md, "id")
				}
			} else {
				delete(body, "osProfile")
			}
		}
		if dd, ok := sp["dataDisks"].([]any); ok {
			for _, d := range dd {
				if m, ok := d.(map[string]any); ok && !strings.EqualFold(str(m, "createOption"), "Attach") {
					if md := obj(m, "managedDisk"); md != nil {
						delete(md, "id")
					}
				}
			}
		}
		osProfile(obj(body, "osProfile"), "virtual machine")
	case "microsoft.compute/virtualmachinescalesets":
		osProfile(obj(obj(body, "virtualMachineProfile"), "osProfile"), "scale set")
	case "microsoft.sql/servers", "microsoft.dbforpostgresql/flexibleservers", "microsoft.dbformysql/flexibleservers",
		"microsoft.sql/managedinstances", "microsoft.synapse/workspaces":
		if str(body, "administratorLogin") != "" {
			body["administratorLoginPassword"] = secret("administrator_login_password",
				"Administrator password of "+r.Type+" "+r.Name+" (never copied from the source)")
		}
	}
}
