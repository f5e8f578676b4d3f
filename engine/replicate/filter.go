package replicate

import (
	"strings"

	"github.com/atg-go/atg/engine/iac/model"
)

// FilterModel keeps the resources of m that match f (resource group names, types, ids; empty
// fields match everything) plus everything they depend on, as model.Build does for a graph. It is
// used for a spec, whose model was built before the filter was known. m is changed in place.
func FilterModel(m *model.Model, f model.Filter) {
	if len(f.ResourceGroups) == 0 && len(f.Types) == 0 && len(f.IDs) == 0 {
		return
	}
	match := func(vals []string, v string) bool {
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
	idx := m.Index()
	keep := map[string]bool{}
	var queue []*model.Resource
	for _, r := range m.Resources {
		if match(f.ResourceGroups, r.ResourceGroup) && match(f.Types, r.Type) && match(f.IDs, r.ID) {
			keep[r.Key] = true
			queue = append(queue, r)
		}
	}
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		deps := map[string]bool{}
		for _, d := range r.DependsOn {
			deps[d] = true
		}
		if r.Parent != "" {
			deps[r.Parent] = true
		}
		collectRefs(r.Body, deps)
		collectRefs(r.Scope, deps)
		for _, rg := range m.ResourceGroups() {
			if strings.EqualFold(rg.Name, r.ResourceGroup) && strings.EqualFold(rg.Subscription, r.Subscription) {
				deps[rg.Key] = true
			}
		}
		for d := range deps {
			if t := idx[d]; t != nil && !keep[d] {
				keep[d] = true
				queue = append(queue, t)
			}
		}
	}
	out := m.Resources[:0]
	for _, r := range m.Resources {
		if keep[r.Key] {
			out = append(out, r)
		}
	}
	m.Resources = out
}
