package executors

import (
	"context"
	"errors"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/engine/replicate"
	"github.com/atg-go/atg/engine/spec"
	"github.com/atg-go/atg/errs"
)

// CheckSpec (httpapi.Deps.CheckSpec) runs the engine's submit-time spec check (schema, limits, cycles, and a plan
// against the target: nothing may be written outside the target subscription) on a
// create-tenant request, before any job exists. A bad spec is a 400 naming the JSON path of
// its first problem (spec.model.resources[3].scope).
func CheckSpec(ctx context.Context, req *api.CreateTenantRequest) error {
	if len(req.Spec) == 0 || req.Target == nil {
		return nil
	}
	_, err := replicate.CheckSpec(ctx, req.Spec, req.Target.TenantID, []string{req.Target.SubscriptionID})
	if err == nil {
		return nil
	}
	return specError(err)
}

// specError renders a spec validation failure as the API's 400.
func specError(err error) error {
	var ve *spec.ValidationError
	if !errors.As(err, &ve) {
		return errs.Wrap(errs.Invalid, err, "spec: "+err.Error())
	}
	path := "spec"
	if ve.Path != "" {
		path += "." + ve.Path
	}
	return (&errs.Error{Code: errs.Invalid, Message: path + ": " + ve.Message, Err: err}).
		WithDetails(map[string]any{"path": path, "fields": map[string]any{path: ve.Message}})
}
