// Package terraform renders the IaC model as Terraform/OpenTofu configuration (HCL written with
// hclwrite): typed azurerm_* resources from a mapping table keyed by lower-cased ARM type, with
// resolvers for ambiguous types and association resources for property-like links, and
// azapi_resource as the fallback that every other type takes.
package terraform

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/atg-go/atg/engine/iac/model"
)

// Version constraints written to providers.tf.
const (
	AzurermConstraint = "~> 5.0"
	AzapiConstraint   = ">= 1.15"
)

// Options tune the output.
type Options struct {
	// Imports writes imports.tf with import blocks adopting the source resources.
	Imports bool
	// AzapiOnly emits every resource (resource groups too) as azapi_resource and declares only
	// the azapi provider: such a configuration can be planned without credentials, which checks
	// every body against Azure's embedded resource schemas.
	AzapiOnly bool
}

// Result is the emitted configuration.
type Result struct {
	Files   map[string][]byte
	Typed   int
	Generic int
	// Types maps each model key to the Terraform resource type it became.
	Types map[string]string
	// Mapping is the mapping report (mapping.json): per resource, what it became and why.
	Mapping []MappingEntry
}

type emitter struct {
	m       *model.Model
	idx     map[string]*model.Resource
	rgKeys  map[string]string // lower RG name -> key
	tfType  map[string]string // key -> terraform type
	current string
	body    *hclwrite.Body
	usedVar map[string]bool
	// subs maps a sub-resource (model key of its resource + "|" + lower-cased id suffix, e.g.
	// "lb|/backendaddresspools/be") to the address of the azurerm resource that declares it.
	subs    map[string]string
	subUsed map[string]bool // addresses taken by sub-resources
	// within maps the key of a resource that a typed parent declares inline (an AKS cluster's
	// default node pool) to that parent's key: it gets no block of its own.
	within   map[string]string
	children map[string][]*model.Resource // parent key -> child resources, in model order
	// notes explain per key why a resource is not typed or was emitted differently (mapping.json)
	notes map[string][]string
	// apiVersions is the api-version each azapi_resource is emitted with (see AzapiVersion)
	apiVersions map[string]string
	unchecked   map[string]bool            // azapi_resource keys whose body azapi cannot check
	byID        map[string]*model.Resource // lower-cased ARM id -> resource (built on first use)
	// forced sends resources to azapi whose typed block broke an azurerm argument constraint
	// in an earlier pass (key -> reason); violations collects the ones found in this pass.
	forced, violations map[string]string
	// subIDs: the import of each sub-resource address (addSub); subImports: those of the blocks
	// emitted besides model resources' own, in emission order (imports.go)
	subIDs     map[string]subImport
	subImports []subImport
}

// resourceByID finds the model resource with this ARM id (case-insensitive; the last one when
// several share it), in O(1) after one pass over the model.
func (e *emitter) resourceByID(id string) *model.Resource {
	if e.byID == nil {
		e.byID = make(map[string]*model.Resource, len(e.m.Resources))
		for _, r := range e.m.Resources {
			e.byID[strings.ToLower(r.ID)] = r
		}
	}
	return e.byID[strings.ToLower(id)]
}

func newEmitter(m *model.Model, azapiOnly bool, forced ...map[string]string) *emitter {
	e := &emitter{m: m, idx: m.Index(), rgKeys: map[string]string{}, tfType: map[string]string{}, usedVar: map[string]bool{},
		subs: map[string]string{}, subUsed: map[string]bool{}, within: map[string]string{}, children: map[string][]*model.Resource{},
		notes: map[string][]string{}, apiVersions: map[string]string{}, unchecked: map[string]bool{}, forced: map[string]string{},
		violations: map[string]string{}, subIDs: map[string]subImport{}}
	if len(forced) > 0 && forced[0] != nil {
		e.forced = forced[0]
	}
	for _, r := range m.Resources {
		if r.IsResourceGroup() {
			e.rgKeys[strings.ToLower(r.Name)] = r.Key
		}
		if r.Parent != "" {
			e.children[r.Parent] = append(e.children[r.Parent], r)
		}
		var why string
		e.tfType[r.Key], why = resolveTypeWhy(r)
		if broken, ok := e.forced[r.Key]; ok && !azapiOnly {
			e.tfType[r.Key] = "azapi_resource"
			e.notes[r.Key] = append(e.notes[r.Key], broken+": azapi keeps all of it")
		} else if why != "" && !azapiOnly {
			e.notes[r.Key] = append(e.notes[r.Key], why)
		}
		if azapiOnly {
			e.tfType[r.Key] = "azapi_resource"
		}
		if e.tfType[r.Key] == "azapi_resource" {
			e.tfType[r.Key] = azapiBlockType(r)
		}
	}
	// sub-resources and inline children get their names before anything is written, in model
	// order, so references to them resolve wherever they are
	for _, r := range m.Resources {
		if t, ok := Table[r.LowerType()]; ok && t.Prepare != nil && !isAzapi(e.tfType[r.Key]) {
			t.Prepare(e, r, e.tfType[r.Key])
		}
	}
	return e
}

// emitOne writes r (with its associations and sub-resources) into a fresh body.
func (e *emitter) emitOne(r *model.Resource) ([]byte, bool, error) {
	f := hclwrite.NewEmptyFile()
	e.body = f.Body()
	e.current = r.Key
	typ := e.tfType[r.Key]
	var err error
	typed := false
	if p, ok := e.within[r.Key]; ok {
		e.body.AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment,
			Bytes: []byte("# " + r.Type + " " + r.Name + " is declared inline by " + e.address(e.idx[p]) + "\n")}})
		typed = true
	} else if t, ok := Table[r.LowerType()]; ok && !isAzapi(typ) {
		err = t.Emit(e, r, typ)
		typed = true
		if why := constraintViolation(typ, blockOf(e.body, typ, r.Key)); why != "" {
			e.violations[r.Key] = why
		}
	} else {
		err = e.azapi(r)
	}
	return f.Bytes(), typed, err
}

// Emit renders the model.
func Emit(m *model.Model, opts Options) (Result, error) {
	// A typed block that breaks an argument constraint (required-with, conflicts-with,
	// exactly-one-of) sends its resource to azapi; references to it change with it, so the
	// whole configuration is emitted again (only when that happens).
	forced := map[string]string{}
	for pass := 0; ; pass++ {
		res, e, err := emitPass(m, opts, forced)
		if err != nil || len(e.violations) == 0 || pass == 3 {
			return res, err
		}
		for k, why := range e.violations {
			forced[k] = why
		}
	}
}

func emitPass(m *model.Model, opts Options, forced map[string]string) (Result, *emitter, error) {
	e := newEmitter(m, opts.AzapiOnly, forced)
	res := Result{Files: map[string][]byte{}, Types: e.tfType}
	// each resource (with its associations) is its own file while it is written, so that
	// formatting, the costly part, runs per block and in parallel
	blocks := make([][]byte, len(m.Resources))
	for i, r := range m.Resources {
		b, typed, err := e.emitOne(r)
		if err != nil {
			return Result{}, e, fmt.Errorf("terraform: %s (%s): %w", r.Key, r.Type, err)
		}
		if typed {
			res.Typed++
		} else {
			res.Generic++
		}
		blocks[i] = b
	}
	if len(e.violations) > 0 && len(e.forced) < len(m.Resources) {
		return res, e, nil // another pass follows: no formatting
	}
	res.Mapping = e.mapping()
	if !opts.AzapiOnly {
		blocks = append(blocks, e.managementGroupBlocks()...)
		res.Mapping = append(res.Mapping, e.managementGroupMapping()...)
	}
	res.Files["main.tf"] = formatBlocks(blocks)
	res.Files["providers.tf"] = providers(opts.AzapiOnly)
	res.Files["variables.tf"] = e.variables()
	res.Files["outputs.tf"] = e.outputs()
	if opts.Imports {
		res.Files["imports.tf"] = e.imports(!opts.AzapiOnly)
	}
	return res, e, nil
}

// resolveTypeWhy is resolveType with the reason a type of the table falls back to azapi.
func resolveTypeWhy(r *model.Resource) (string, string) {
	t, ok := Table[r.LowerType()]
	if !ok {
		return "azapi_resource", ""
	}
	if !plainName(r.LastName()) {
		// azurerm validates names; unusual ones go through azapi as they are
		return "azapi_resource", "name " + r.LastName() + " is outside what " + t.Types[0] + " accepts"
	}
	if t.Resolve != nil {
		if typ := t.Resolve(r); typ != "" {
			if why := nameViolation(typ, r, nil); why != "" {
				return "azapi_resource", why
			}
			return typ, ""
		}
		if t.Explain != nil {
			if why := t.Explain(r); why != "" {
				return "azapi_resource", why + ": azapi keeps all of it"
			}
		}
		return "azapi_resource", strings.Join(t.Types, "/") + " cannot express this resource's properties (kind, settings or shape): azapi keeps all of them"
	}
	if why := nameViolation(t.Types[0], r, nil); why != "" {
		return "azapi_resource", why
	}
	return t.Types[0], ""
}

func (e *emitter) address(r *model.Resource) string { return e.tfType[r.Key] + "." + r.Key }

// rgRef returns the RG resource of r, or nil.
func (e *emitter) rg(r *model.Resource) *model.Resource {
	if k, ok := e.rgKeys[strings.ToLower(r.ResourceGroup)]; ok {
		return e.idx[k]
	}
	return nil
}

// base returns the expression of the id that r's ARM path starts from: its resource group, its
// scope or the subscription.
func (e *emitter) base(r *model.Resource) string {
	if r.Scope != nil {
		return e.expr(r.Scope)
	}
	if r.Level == model.LevelSubscription {
		return `"/subscriptions/${var.subscription_id}"`
	}
	if rg := e.rg(r); rg != nil {
		return e.address(rg) + ".id"
	}
	return `"/subscriptions/${var.subscription_id}/resourceGroups/` + templ(r.ResourceGroup) + `"`
}

// parentExpr is the azapi parent_id of r.
func (e *emitter) parentExpr(r *model.Resource) string {
	if r.IsResourceGroup() {
		return `"/subscriptions/${var.subscription_id}"`
	}
	if p := e.idx[r.Parent]; p != nil && r.Parent != "" {
		return e.idOf(p)
	}
	ts := r.TypeSegments()
	if len(ts) == 1 {
		return e.base(r)
	}
	// a child whose parent is not generated: its id spelt out under the resource group
	ns := strings.SplitN(r.Type, "/", 2)[0]
	names := r.NameSegments()
	rel := "/providers/" + ns
	for i := 0; i < len(ts)-1 && i < len(names); i++ {
		rel += "/" + ts[i] + "/" + names[i]
	}
	return joinExpr(e.base(r), rel)
}

func joinExpr(base, rel string) string {
	if strings.HasPrefix(base, `"`) {
		return base[:len(base)-1] + templ(rel) + `"`
	}
	return `"${` + base + `}` + templ(rel) + `"`
}

// set writes attribute name = v unless v is nil or an empty string/list/map.
func (e *emitter) set(b *hclwrite.Body, name string, v any) {
	switch t := v.(type) {
	case nil:
		return
	case string:
		if t == "" {
			return
		}
	case []any:
		if len(t) == 0 {
			return
		}
	case map[string]any:
		if len(t) == 0 {
			return
		}
	case map[string]string:
		if len(t) == 0 {
			return
		}
	}
	b.SetAttributeRaw(name, raw(e.value(v, "")))
}

func (e *emitter) setExpr(b *hclwrite.Body, name, expr string) { b.SetAttributeRaw(name, raw(expr)) }

func (e *emitter) azapi(r *model.Resource) error {
	update := e.tfType[r.Key] == "azapi_update_resource" // a settings singleton: no location, identity or tags of its own
	blk := e.body.AppendNewBlock("resource", []string{e.tfType[r.Key], r.Key})
	b := blk.Body()
	version, schema := e.azapiVersion(r)
	e.set(b, "type", r.Type+"@"+version)
	e.set(b, "name", r.LastName())
	if r.IsResourceGroup() {
		e.set(b, "name", r.Name)
	}
	e.setExpr(b, "parent_id", e.parentExpr(r))
	if r.Location != "" && !update && e.azapiTakes(r, "location") {
		e.set(b, "location", r.Location)
	}
	body := map[string]any{}
	if len(r.Body) > 0 {
		body["properties"] = r.Body
	}
	if len(r.SKU) > 0 {
		body["sku"] = r.SKU
	}
	if r.Kind != "" {
		body["kind"] = r.Kind
	}
	if len(r.Plan) > 0 {
		body["plan"] = r.Plan
	}
	if len(r.Zones) > 0 {
		z := make([]any, len(r.Zones))
		for i, s := range r.Zones {
			z[i] = s
		}
		body["zones"] = z
	}
	withIdentity := true
	body, withIdentity = e.fitAzapiBody(r, version, body)
	if withIdentity && !update {
		e.identity(b, r, true)
	}
	if len(body) > 0 {
		e.setExpr(b, "body", e.value(body, ""))
	}
	if len(r.Tags) > 0 && !update && e.azapiTakes(r, "tags") {
		e.tags(b, r)
	}
	if !schema && !update {
		e.set(b, "schema_validation_enabled", false)
	}
	e.dependsOn(b, r)
	return nil
}

// dependsOn adds explicit dependencies that no expression carries (none are needed when a
// reference already names the target).
func (e *emitter) dependsOn(b *hclwrite.Body, r *model.Resource) {}

func (e *emitter) tags(b *hclwrite.Body, r *model.Resource) {
	if len(r.Tags) > 0 {
		e.set(b, "tags", r.Tags)
	}
}

// identity writes an identity block. azapi takes type + identity_ids; azurerm the same names.
func (e *emitter) identity(b *hclwrite.Body, r *model.Resource, azapi bool) {
	if r.Identity == nil {
		return
	}
	t := normalizeIdentityType(r.Identity.Type)
	switch t {
	case "SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned":
	default:
		// neither provider takes it (a placeholder, a retired kind): reported, not written
		e.notes[r.Key] = appendNote(e.notes[r.Key], "identity type "+r.Identity.Type+" is not one the providers take: identity left out")
		return
	}
	ib := b.AppendNewBlock("identity", nil).Body()
	e.set(ib, "type", t)
	if len(r.Identity.UserAssigned) > 0 {
		e.set(ib, "identity_ids", r.Identity.UserAssigned)
	}
}

func normalizeIdentityType(t string) string {
	l := strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(t, " ", ""), ",", ""))
	switch l {
	case "systemassigned":
		return "SystemAssigned"
	case "userassigned":
		return "UserAssigned"
	case "systemassigneduserassigned":
		return "SystemAssigned, UserAssigned"
	}
	return t
}

// providerSource is a required_providers entry: { source = "…", version = "…" }.
func providerSource(source, version string) hclwrite.Tokens {
	return hclwrite.TokensForObject([]hclwrite.ObjectAttrTokens{
		{Name: hclwrite.TokensForIdentifier("source"), Value: hclwrite.TokensForValue(cty.StringVal(source))},
		{Name: hclwrite.TokensForIdentifier("version"), Value: hclwrite.TokensForValue(cty.StringVal(version))},
	})
}

// varRef is the traversal var.<name>.
func varRef(name string) hcl.Traversal {
	return hcl.Traversal{hcl.TraverseRoot{Name: "var"}, hcl.TraverseAttr{Name: name}}
}

// addressTraversal is a resource's address as a traversal (<type>.<key>).
func (e *emitter) addressTraversal(r *model.Resource) hcl.Traversal {
	return hcl.Traversal{hcl.TraverseRoot{Name: e.tfType[r.Key]}, hcl.TraverseAttr{Name: r.Key}}
}

func providers(azapiOnly bool) []byte {
	f := hclwrite.NewEmptyFile()
	b := f.Body()
	tb := b.AppendNewBlock("terraform", nil).Body()
	rp := tb.AppendNewBlock("required_providers", nil).Body()
	if !azapiOnly {
		rp.SetAttributeRaw("azurerm", providerSource("hashicorp/azurerm", AzurermConstraint))
	}
	rp.SetAttributeRaw("azapi", providerSource("azure/azapi", AzapiConstraint))
	b.AppendNewline()
	if !azapiOnly {
		pb := b.AppendNewBlock("provider", []string{"azurerm"}).Body()
		pb.AppendNewBlock("features", nil)
		pb.SetAttributeTraversal("subscription_id", varRef("subscription_id"))
		b.AppendNewline()
	}
	ab := b.AppendNewBlock("provider", []string{"azapi"}).Body()
	ab.SetAttributeTraversal("subscription_id", varRef("subscription_id"))
	return hclwrite.Format(f.Bytes())
}

func (e *emitter) variables() []byte {
	f := hclwrite.NewEmptyFile()
	b := f.Body()
	for i, v := range e.m.Variables {
		if i > 0 {
			b.AppendNewline()
		}
		vb := b.AppendNewBlock("variable", []string{v.Name}).Body()
		vb.SetAttributeRaw("type", hclwrite.TokensForIdentifier("string"))
		vb.SetAttributeValue("description", cty.StringVal(v.Description))
		if v.Sensitive {
			vb.SetAttributeValue("sensitive", cty.True)
		}
		if v.Default != nil && !v.Sensitive {
			vb.SetAttributeValue("default", cty.StringVal(*v.Default))
		}
	}
	return hclwrite.Format(f.Bytes())
}

func (e *emitter) outputs() []byte {
	f := hclwrite.NewEmptyFile()
	b := f.Body()
	first := true
	for _, r := range e.m.Resources {
		if !r.IsResourceGroup() {
			continue
		}
		if !first {
			b.AppendNewline()
		}
		first = false
		ob := b.AppendNewBlock("output", []string{"resource_group_" + r.Key + "_id"}).Body()
		ob.SetAttributeTraversal("value", append(e.addressTraversal(r), hcl.TraverseAttr{Name: "id"}))
	}
	return hclwrite.Format(f.Bytes())
}

// imports writes import blocks that adopt the existing (source) resources.
func (e *emitter) imports(groups bool) []byte {
	f := hclwrite.NewEmptyFile()
	b := f.Body()
	keys := make([]string, 0, len(e.m.Resources))
	for _, r := range e.m.Resources {
		keys = append(keys, r.Key)
	}
	sort.Strings(keys)
	subs := map[string][]subImport{}
	for _, si := range e.subImports {
		subs[si.owner] = append(subs[si.owner], si)
	}
	first := true
	for _, k := range keys {
		r := e.idx[k]
		if _, ok := e.within[k]; ok {
			continue // adopted with the resource that declares it
		}
		if e.tfType[k] == "azapi_update_resource" {
			continue // a settings singleton: nothing to adopt, applying it rewrites its settings
		}
		if !first {
			b.AppendNewline()
		}
		first = false
		ib := b.AppendNewBlock("import", nil).Body()
		ib.SetAttributeTraversal("to", e.addressTraversal(r))
		id := importID(e.tfType[k], r)
		if e.tfType[k] == "azapi_resource" {
			v, _ := e.azapiVersion(r)
			id = r.ID + "?api-version=" + v
		}
		ib.SetAttributeValue("id", cty.StringVal(id))
		for _, si := range subs[k] {
			b.AppendNewline()
			sb := b.AppendNewBlock("import", nil).Body()
			sb.SetAttributeRaw("to", raw(si.addr))
			sb.SetAttributeValue("id", cty.StringVal(si.id))
		}
	}
	if groups {
		e.importManagementGroups(b, first)
	}
	return hclwrite.Format(f.Bytes())
}

// rawBlocks renders each resource as unformatted HCL (tests compare the formatters on it).
func rawBlocks(m *model.Model) ([][]byte, error) {
	e := newEmitter(m, false)
	var out [][]byte
	for _, r := range m.Resources {
		b, _, err := e.emitOne(r)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// formatBlocks formats each block (like terraform fmt) on all CPUs and joins them with blank lines.
func formatBlocks(blocks [][]byte) []byte {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				blocks[i] = fastFormat(blocks[i])
			}
		}()
	}
	for i := range blocks {
		next <- i
	}
	close(next)
	wg.Wait()
	size := 0
	for _, b := range blocks {
		size += len(b) + 1
	}
	out := make([]byte, 0, size)
	for i, b := range blocks {
		if i > 0 {
			out = append(out, '\n')
		}
		out = append(out, b...)
	}
	return out
}

// plainName reports whether a name uses only the characters azurerm's name validations accept
// everywhere (letters, digits, '.', '-', '_').
func plainName(n string) bool {
	if n == "" {
		return false
	}
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
