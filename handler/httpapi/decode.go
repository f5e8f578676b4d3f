package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/apierr"
)

// Body size limits (API.md): 1 MiB for requests, 10 MiB for create-tenant specs.
const (
	MaxBodyBytes = 1 << 20
	MaxSpecBytes = 10 << 20
)

// decodeJSON strictly decodes one JSON value from the body into dst: JSON content type
// (415 otherwise), at most limit bytes (413), no unknown fields, no trailing data.
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, dst any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return errs.Errorf(apierr.UnsupportedMediaType, "Content-Type must be application/json")
	}
	if r.ContentLength > limit {
		return tooLarge(limit)
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err, limit)
	}
	if err := dec.Decode(&struct{}{}); err != io.EOF {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge(limit)
		}
		return errs.Errorf(errs.Invalid, "request body must hold a single JSON object")
	}
	return nil
}

func tooLarge(limit int64) error {
	return errs.Errorf(apierr.PayloadTooLarge, "request body exceeds %d bytes", limit).
		WithDetails(map[string]any{"limit_bytes": limit})
}

func decodeError(err error, limit int64) error {
	var (
		mbe *http.MaxBytesError
		se  *json.SyntaxError
		te  *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &mbe):
		return tooLarge(limit)
	case errors.Is(err, io.EOF):
		return errs.Errorf(errs.Invalid, "request body is empty; a JSON object is required")
	case errors.As(err, &se):
		return errs.Errorf(errs.Invalid, "malformed JSON at byte %d", se.Offset).
			WithDetails(map[string]any{"offset": se.Offset})
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return errs.Errorf(errs.Invalid, "request body must be a JSON object")
		}
		return errs.InvalidFields(map[string]string{field: fmt.Sprintf("must be %s", jsonKind(te.Type.Kind().String()))})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return errs.InvalidFields(map[string]string{name: "unknown field"})
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.Errorf(errs.Invalid, "malformed JSON: unexpected end of body")
	default:
		return errs.Errorf(errs.Invalid, "malformed JSON request body")
	}
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	case "int", "int64", "float64", "int32":
		return "a number"
	}
	return "of another type"
}
