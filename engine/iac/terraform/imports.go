package terraform

import (
	"strings"

	"github.com/atg-go/atg/engine/armspec"

	"github.com/atg-go/atg/engine/iac/model"
)

// Import ids. imports.tf adopts every emitted block, not only those of model resources: the
// blocks azurerm models apart from their ARM resource (load balancer pools, probes and rules;
// association resources such as a subnet's NSG link) are imported by the id azurerm's importer
// parses — an ARM sub-resource id, the subnet's id, or aztfexport's pseudo ids joining two ids
// with "|". Some importers also want their own spelling of a type segment where ARM returns
// another (Microsoft.Web/serverfarms ids are parsed as serverFarms).

// subImport is the import of a block emitted for a model resource (its owner).
type subImport struct{ owner, addr, id string }

// importIDFormats turns a model resource's ARM id into the id azurerm's importer takes, by type.
var importIDFormats = map[string]func(id string) string{
	// {resourceId}|{name}
	"azurerm_monitor_diagnostic_setting": func(id string) string {
		if i := strings.LastIndex(strings.ToLower(id), "/providers/microsoft.insights/diagnosticsettings/"); i > 0 {
			return id[:i] + "|" + id[strings.LastIndexByte(id, '/')+1:]
		}
		return id
	},
}

// importSegments are type segments azurerm's id parsers spell differently from the ids ARM returns
// (lower-cased ARM spelling -> azurerm's); parsers compare static segments case-sensitively.
var importSegments = map[string]string{
	"resourcegroups": "resourceGroups",
	"serverfarms":    "serverFarms",
}

// canonicalImportID rewrites the type segments of id that azurerm parses with another spelling:
// first every all-lower-case provider namespace and type segment to the REST specs' spelling (ids
// in Azure's answers are not always canonical — "microsoft.insights/metricalerts" — and azurerm's
// parsers compare static segments case-sensitively), then importSegments.
func canonicalImportID(id string) string {
	parts := strings.Split(id, "/")
	specCasing(parts)
	for i, p := range parts {
		// type segments sit at even positions from the start (/subscriptions/{s}/resourceGroups/{rg}/…)
		if i%2 == 1 {
			if c, ok := importSegments[strings.ToLower(p)]; ok {
				parts[i] = c
			}
		}
	}
	return strings.Join(parts, "/")
}

// importID is the id imports.tf gives the block of model resource r emitted as tfType.
func importID(tfType string, r *model.Resource) string {
	id := canonicalImportID(r.ID)
	if f := importIDFormats[tfType]; f != nil {
		id = f(id)
	}
	return id
}

// armID is the ARM id a reference value stands for (a model reference resolved to its target's
// id and suffix, or a literal id); "" when it is neither.
func (e *emitter) armID(v any) string {
	switch x := v.(type) {
	case model.Ref:
		if t := e.idx[x.Target]; t != nil && x.Property == "" {
			return t.ID + x.Suffix
		}
	case string:
		return x
	}
	return ""
}

// importSub records the import of a block emitted for r at addr ("type.local"); id "" records
// nothing (a block whose id cannot be known, e.g. a reference to a variable).
func (e *emitter) importSub(r *model.Resource, addr, id string) {
	if id == "" {
		return
	}
	e.subImports = append(e.subImports, subImport{owner: r.Key, addr: addr, id: canonicalImportID(id)})
}

// pipeID joins two ids as azurerm's association importers take them; "" when either is unknown.
func pipeID(a, b string) string {
	if a == "" || b == "" {
		return ""
	}
	return a + "|" + b
}

// specCasing respells, in place, the namespace and type segments after each "providers" segment
// of an id split on "/" as the specs spell the longest type they describe.
func specCasing(parts []string) {
	for i := 0; i < len(parts)-2; i++ {
		if !strings.EqualFold(parts[i], "providers") {
			continue
		}
		ns := i + 1
		// type segments at ns+1, ns+3, …; names between them
		var typ strings.Builder
		typ.WriteString(parts[ns])
		var best *armspec.Entry
		bestEnd := 0
		for j := ns + 1; j < len(parts) && !strings.EqualFold(parts[j], "providers"); j += 2 {
			typ.WriteString("/" + parts[j])
			if e, ok := armspec.Lookup(typ.String()); ok {
				best, bestEnd = e, j
			}
		}
		if best == nil {
			continue
		}
		segs := strings.Split(best.Type, "/") // namespace, type, child type, …
		if len(segs) != 1+(bestEnd-ns+1)/2 {
			continue
		}
		upgrade := func(cur, spec string) string {
			// only an all-lower-case segment is respelled: the specs spell some types in lower
			// case (trafficmanagerprofiles) where azurerm wants the camel case ids carry
			if cur == strings.ToLower(cur) {
				return spec
			}
			return cur
		}
		parts[ns] = upgrade(parts[ns], segs[0])
		for k, j := 1, ns+1; j <= bestEnd; k, j = k+1, j+2 {
			parts[j] = upgrade(parts[j], segs[k])
		}
		i = bestEnd
	}
}
