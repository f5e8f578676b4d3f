// Package apierr renders coded errors (package errs) as the API.md error body: the one
// code -> HTTP status map, the single renderer, and the way back (Decode, CodeForStatus) for
// clients. It adds only the codes of conditions that exist in HTTP alone (411, 413, 415, ...).
package apierr

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/errs"
)

// HTTP-only codes: conditions of the request itself, which only the API produces. The codes of
// application errors (invalid_request, not_found, conflict, unavailable, ...) are errs.Code's.
const (
	MethodNotAllowed     errs.Code = "method_not_allowed"
	JobNotFinished       errs.Code = "job_not_finished"
	PayloadTooLarge      errs.Code = "payload_too_large"
	UnsupportedMediaType errs.Code = "unsupported_media_type"
	LengthRequired       errs.Code = "length_required"
)

// Status maps each code to its HTTP status. It is the only status map of the service; a code
// it does not list renders as 500.
var Status = map[errs.Code]int{
	errs.Invalid:         http.StatusBadRequest,
	errs.Unauthorized:    http.StatusUnauthorized,
	errs.Forbidden:       http.StatusForbidden,
	errs.NotFound:        http.StatusNotFound,
	errs.Conflict:        http.StatusConflict,
	errs.RateLimited:     http.StatusTooManyRequests,
	errs.Unavailable:     http.StatusServiceUnavailable,
	errs.NotImplemented:  http.StatusNotImplemented,
	errs.Failed:          http.StatusUnprocessableEntity,
	errs.Canceled:        http.StatusServiceUnavailable, // the request's own context ended: nobody reads the answer
	errs.Internal:        http.StatusInternalServerError,
	MethodNotAllowed:     http.StatusMethodNotAllowed,
	JobNotFinished:       http.StatusConflict,
	PayloadTooLarge:      http.StatusRequestEntityTooLarge,
	UnsupportedMediaType: http.StatusUnsupportedMediaType,
	LengthRequired:       http.StatusLengthRequired,
}

// StatusOf returns the HTTP status for err.
func StatusOf(err error) int {
	if s, ok := Status[errs.CodeOf(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// CodeForStatus maps an HTTP status back to a code (for clients when the body is not
// an error document, e.g. a proxy's 502).
func CodeForStatus(status int) errs.Code {
	switch status {
	case http.StatusConflict:
		return errs.Conflict
	case http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusGatewayTimeout:
		return errs.Unavailable
	case http.StatusInternalServerError:
		return errs.Internal
	}
	for c, s := range Status {
		if s == status && c != JobNotFinished && c != errs.Canceled {
			return c
		}
	}
	if status >= 500 {
		return errs.Internal
	}
	return errs.Invalid
}

// Body is the wire form: {"error": {"code", "message", "details"}} (api.ErrorBody).
type Body = api.ErrorBody

// BodyError is the inner object of Body (api.ErrorDetail).
type BodyError = api.ErrorDetail

// Write renders err as the API error body: the status is Status[errs.CodeOf(err)], the one
// code -> status decision of the service. Internal (and unknown) errors are logged with
// requestID and the client sees only a generic message and the request id.
func Write(w http.ResponseWriter, log *slog.Logger, requestID string, err error) {
	ae := &errs.Error{Code: errs.CodeOf(err), Err: err}
	var coded *errs.Error
	if errors.As(err, &coded) && coded.Code == ae.Code {
		ae = coded
	}
	status, ok := Status[ae.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	body := BodyError{Code: string(ae.Code), Message: ae.Message, Details: ae.Details}
	if status >= 500 && ae.Code != errs.NotImplemented {
		if log != nil {
			log.Error("request failed", "request_id", requestID, "code", string(ae.Code), "err", err)
		}
		if ae.Code == errs.Internal || body.Message == "" {
			body.Message = "internal error; quote the request id to find it in the service logs"
			body.Details = nil
		}
		if body.Details == nil {
			body.Details = map[string]any{}
		}
		body.Details["request_id"] = requestID
	}
	if ae.RetryAfter > 0 {
		secs := int((ae.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(Body{Error: body})
}

// Decode turns an error response back into an *errs.Error (for clients).
func Decode(resp *http.Response) *errs.Error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var body Body
	if err := json.Unmarshal(b, &body); err == nil && body.Error.Code != "" {
		e := &errs.Error{Code: errs.Code(body.Error.Code), Message: body.Error.Message, Details: body.Error.Details}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
			e.RetryAfter = time.Duration(s) * time.Second
		}
		return e
	}
	return &errs.Error{Code: CodeForStatus(resp.StatusCode), Message: fmt.Sprintf("HTTP %d", resp.StatusCode)}
}
