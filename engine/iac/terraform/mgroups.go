package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
)

// The management group hierarchy (below the tenant root group) as azurerm_management_group:
// the parent by reference to its block, subscriptions by id. A source subscription the model
// generates is deployed into var.subscription_id, so the first group that holds one of them
// takes var.subscription_id (a subscription sits in one group); other subscriptions keep
// their source ids.

const tfManagementGroup = "azurerm_management_group"

// managementGroupBlocks renders the model's groups, parents first.
func (e *emitter) managementGroupBlocks() [][]byte {
	generated := map[string]bool{}
	for _, s := range e.m.Subscriptions {
		generated[strings.ToLower(s)] = true
	}
	targetTaken := false
	var out [][]byte
	for _, g := range e.m.ManagementGroups {
		f := hclwrite.NewEmptyFile()
		b := f.Body().AppendNewBlock("resource", []string{tfManagementGroup, g.Key}).Body()
		e.set(b, "name", g.Name)
		e.set(b, "display_name", g.DisplayName)
		if g.Parent != "" {
			e.setExpr(b, "parent_management_group_id", tfManagementGroup+"."+g.Parent+".id")
		}
		var subs []string
		for _, s := range g.Subscriptions {
			switch {
			case !generated[strings.ToLower(s)]:
				subs = append(subs, quote(s))
			case !targetTaken:
				subs = append(subs, "var.subscription_id")
				targetTaken = true
			}
		}
		if len(subs) > 0 {
			e.setExpr(b, "subscription_ids", "["+strings.Join(subs, ", ")+"]")
		}
		out = append(out, f.Bytes())
	}
	return out
}

// managementGroupMapping is the mapping report's rows for the groups.
func (e *emitter) managementGroupMapping() []MappingEntry {
	out := make([]MappingEntry, 0, len(e.m.ManagementGroups))
	for _, g := range e.m.ManagementGroups {
		out = append(out, MappingEntry{Key: g.Key, ARMType: model.TypeManagementGroup, Terraform: tfManagementGroup})
	}
	return out
}

// importManagementGroups appends import blocks adopting the source groups.
func (e *emitter) importManagementGroups(b *hclwrite.Body, first bool) {
	for _, g := range e.m.ManagementGroups {
		if !first {
			b.AppendNewline()
		}
		first = false
		ib := b.AppendNewBlock("import", nil).Body()
		ib.SetAttributeRaw("to", raw(tfManagementGroup+"."+g.Key))
		ib.SetAttributeRaw("id", raw(quote(g.ID)))
	}
}
