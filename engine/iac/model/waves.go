package model

import "strings"

// Waves assigns every resource-group-level resource a deployment wave so that per-resource-group
// deployments (ARM nested deployments, Bicep modules) never depend on each other in a cycle:
// a resource's wave is the largest of its same-group dependencies' waves and its other-group
// dependencies' waves plus one. Two groups that point at each other (VNet peerings both ways)
// therefore deploy as group A wave 0, group B wave 0, then the peerings in wave 1.
// Subscription-level resources and resource groups are wave 0.
func Waves(m *Model) map[string]int {
	idx := m.Index()
	waves := make(map[string]int, len(m.Resources))
	state := map[string]int{} // 1 visiting, 2 done
	var wave func(r *Resource) int
	wave = func(r *Resource) int {
		if state[r.Key] == 2 {
			return waves[r.Key]
		}
		if state[r.Key] == 1 || r.Level != LevelResourceGroup {
			return 0 // a cycle between resources (not expected) or a top-level resource
		}
		state[r.Key] = 1
		w := 0
		for _, d := range r.DependsOn {
			t := idx[d]
			if t == nil || t.Level != LevelResourceGroup {
				continue
			}
			dw := wave(t)
			if !strings.EqualFold(t.ResourceGroup, r.ResourceGroup) {
				dw++
			}
			if dw > w {
				w = dw
			}
		}
		waves[r.Key] = w
		state[r.Key] = 2
		return w
	}
	for _, r := range m.Resources {
		wave(r)
	}
	return waves
}
