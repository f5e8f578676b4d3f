package httpapi

import (
	"errors"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/errs"
)

// The request bodies of the submit endpoints are the shared wire types of package api; they
// are stored on the job in their validated, normalised form.
type (
	ScanRequest         = api.ScanRequest
	Target              = api.Target
	GenerateIaCRequest  = api.GenerateIaCRequest
	CreateTenantRequest = api.CreateTenantRequest
	PostureRequest      = api.PostureRequest
)

// IaCFormats are the accepted generate-iac formats.
var IaCFormats = api.IaCFormats

// validate runs a request's validation and turns field errors into the API's 400 shape.
func validate(v interface{ Validate() error }) error {
	err := v.Validate()
	var fe api.FieldErrors
	if errors.As(err, &fe) {
		return errs.InvalidFields(fe)
	}
	return err
}

// fieldErrors collects field-level validation failures of handler-only requests.
type fieldErrors map[string]string

func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return errs.InvalidFields(f)
}
