package replicate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/spec"
	"github.com/atg-go/atg/errs"
)

// Bounds of a plan: a spec or graph that exceeds them fails the plan (ErrPlanLimit) instead of
// recursing without end.
const (
	// MaxScopeDepth bounds the chain of extension-resource scopes followed to compute one id.
	MaxScopeDepth = spec.MaxReferenceDepth
	// MaxDependencyDepth bounds the longest dependency chain (levels of the deployment).
	MaxDependencyDepth = spec.MaxDependencyDepth
)

// ErrPlanLimit marks a plan refused because a bound was exceeded or a scope refers to itself.
var ErrPlanLimit = errs.New(errs.Invalid, "create-tenant plan limit")

// ErrOutsideTarget marks a plan that would write outside the target subscriptions.
var ErrOutsideTarget = errs.New(errs.Invalid, "create-tenant writes only under the target subscriptions")

// checkTarget refuses an item whose target id is not a clean ARM id under one of the target
// subscriptions (a scope string, a variable default or a translated id pointing elsewhere).
func (p *Plan) checkTarget(it *Item) error {
	field := "name"
	if it.res.Scope != nil {
		field = "scope"
	}
	id, err := azure.CheckID(it.TargetID)
	if err != nil {
		return &ResourceError{Key: it.Key, Field: field, Err: fmt.Errorf("%w: resource %s: target id: %w", ErrOutsideTarget, it.Key, err)}
	}
	if id.Subscription == "" || !p.targets[strings.ToLower(id.Subscription)] {
		return &ResourceError{Key: it.Key, Field: field, Err: fmt.Errorf("%w: resource %s: target id %s is not under /subscriptions/%s",
			ErrOutsideTarget, it.Key, it.TargetID, strings.Join(p.targetList(), " or /subscriptions/"))}
	}
	if it.res.IsResourceGroup() && (len(id.Types) != 1 || !strings.EqualFold(id.Types[0], "resourceGroups")) {
		return &ResourceError{Key: it.Key, Field: field, Err: fmt.Errorf("%w: resource %s: resource group target id %s", ErrOutsideTarget, it.Key, it.TargetID)}
	}
	it.tid = id
	return nil
}

func (p *Plan) targetList() []string {
	out := make([]string, 0, len(p.targets))
	for t := range p.targets {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// checkModel refuses a model the planner cannot walk: nil resources, empty or duplicate keys.
func checkModel(m *model.Model) error {
	seen := map[string]bool{}
	for i, r := range m.Resources {
		if r == nil {
			return fmt.Errorf("model.resources[%d]: null resource", i)
		}
		if r.Key == "" {
			return fmt.Errorf("model.resources[%d]: key is required", i)
		}
		if seen[r.Key] {
			return fmt.Errorf("model.resources[%d]: duplicate key %s", i, r.Key)
		}
		seen[r.Key] = true
	}
	return nil
}
