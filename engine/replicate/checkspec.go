package replicate

import (
	"context"
	"errors"
	"fmt"

	"github.com/atg-go/atg/engine/spec"
	"github.com/atg-go/atg/errs"
)

// CheckSpec is what runs when a spec is submitted, before any job or request exists: the spec
// validator (engine/spec.Validate: schema, limits, cycles), then a plan against the target
// (MakePlan makes no request for a spec) so a spec that would write outside the target
// subscriptions, or that the planner cannot order, is refused up front. The error is a
// *spec.ValidationError with the JSON path of the first problem (relative to the spec).
func CheckSpec(ctx context.Context, data []byte, targetTenantID string, targetSubscriptions []string) (*spec.Spec, error) {
	s, err := spec.Validate(data)
	if err != nil {
		return nil, err
	}
	if targetTenantID == "" || len(targetSubscriptions) == 0 {
		return s, nil
	}
	// plan a copy: translation rewrites the model in place
	c, err := spec.Parse(data)
	if err != nil {
		return nil, &spec.ValidationError{Message: err.Error()}
	}
	_, err = MakePlan(ctx, Input{Model: c.Model, SourceTenantID: c.Tenant.ID, TargetTenantID: targetTenantID, TargetSubscriptions: targetSubscriptions})
	if err == nil {
		return s, nil
	}
	path := "model"
	var re *ResourceError
	if errors.As(err, &re) {
		for i, r := range s.Model.Resources {
			if r != nil && r.Key == re.Key {
				path = fmt.Sprintf("model.resources[%d]", i)
				if re.Field != "" {
					path += "." + re.Field
				}
				break
			}
		}
	}
	return nil, &spec.ValidationError{Path: path, Message: err.Error()}
}

// ResourceError names the resource (and its field) a plan failed on.
type ResourceError struct {
	Key   string
	Field string
	Err   error
}

func (e *ResourceError) Error() string { return e.Err.Error() }
func (e *ResourceError) Unwrap() error { return e.Err }

// ErrorCode is the cause's code when it has one, else invalid: the resource cannot be planned
// as written.
func (e *ResourceError) ErrorCode() errs.Code {
	if c := errs.CodeOf(e.Err); c != errs.Internal {
		return c
	}
	return errs.Invalid
}
