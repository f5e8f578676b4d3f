package backup

import (
	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/errs"
)

// fieldsErr turns collected field problems into the API's 400 (nil when there are none).
func fieldsErr(f api.FieldErrors) error {
	if len(f) == 0 {
		return nil
	}
	return errs.InvalidFields(f)
}
