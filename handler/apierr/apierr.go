// Package apierr is the service's one application error type, its codes, the status map
// and the single renderer of the API.md error body. The CLI's remote client maps responses
// back with CodeForStatus / Decode, so local and remote runs fail alike.
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
)

// Code is a stable, snake_case error code (API.md "Errors").
type Code string

// Error codes.
const (
	InvalidRequest       Code = "invalid_request"
	Unauthorized         Code = "unauthorized"
	Forbidden            Code = "forbidden"
	NotFound             Code = "not_found"
	MethodNotAllowed     Code = "method_not_allowed"
	Conflict             Code = "conflict"
	JobNotFinished       Code = "job_not_finished"
	PayloadTooLarge      Code = "payload_too_large"
	UnsupportedMediaType Code = "unsupported_media_type"
	LengthRequired       Code = "length_required"
	RateLimited          Code = "rate_limited"
	Internal             Code = "internal"
	NotImplemented       Code = "not_implemented"
	Unavailable          Code = "unavailable"
)

// Status maps each code to its HTTP status. It is the only status map of the service.
var Status = map[Code]int{
	InvalidRequest:       http.StatusBadRequest,
	Unauthorized:         http.StatusUnauthorized,
	Forbidden:            http.StatusForbidden,
	NotFound:             http.StatusNotFound,
	MethodNotAllowed:     http.StatusMethodNotAllowed,
	Conflict:             http.StatusConflict,
	JobNotFinished:       http.StatusConflict,
	PayloadTooLarge:      http.StatusRequestEntityTooLarge,
	UnsupportedMediaType: http.StatusUnsupportedMediaType,
	LengthRequired:       http.StatusLengthRequired,
	RateLimited:          http.StatusTooManyRequests,
	Internal:             http.StatusInternalServerError,
	NotImplemented:       http.StatusNotImplemented,
	Unavailable:          http.StatusServiceUnavailable,
}

// Error is an application error: a code, a message safe to show to clients, optional
// details (field-level validation errors, ids) and an optional Retry-After.
type Error struct {
	Code       Code
	Message    string
	Details    map[string]any
	RetryAfter time.Duration // > 0: sent as Retry-After (429, 503)
	Err        error         // wrapped cause; never rendered
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, a ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, a...)}
}

// Wrap returns an *Error with cause err (kept for errors.Is/As and logs, never rendered).
func Wrap(code Code, err error, msg string) *Error { return &Error{Code: code, Message: msg, Err: err} }

// WithDetails returns e with details set.
func (e *Error) WithDetails(d map[string]any) *Error { e.Details = d; return e }

// Invalid returns an invalid_request error with field-level details: field -> problem.
func Invalid(fields map[string]string) *Error {
	d := map[string]any{}
	for k, v := range fields {
		d[k] = v
	}
	return &Error{Code: InvalidRequest, Message: "request validation failed", Details: map[string]any{"fields": d}}
}

// CodeOf returns the code of err: the code of an *Error in its chain, else internal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }

// StatusOf returns the HTTP status for err.
func StatusOf(err error) int {
	if s, ok := Status[CodeOf(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// CodeForStatus maps an HTTP status back to a code (for clients when the body is not
// an error document, e.g. a proxy's 502).
func CodeForStatus(status int) Code {
	switch status {
	case http.StatusConflict:
		return Conflict
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return Unavailable
	}
	for c, s := range Status {
		if s == status && c != JobNotFinished {
			return c
		}
	}
	if status >= 500 {
		return Internal
	}
	return InvalidRequest
}

// Body is the wire form: {"error": {"code", "message", "details"}} (api.ErrorBody).
type Body = api.ErrorBody

// BodyError is the inner object of Body (api.ErrorDetail).
type BodyError = api.ErrorDetail

// Write renders err as the API error body. Internal (and unknown) errors are logged with
// requestID and the client sees only a generic message and the request id.
func Write(w http.ResponseWriter, log *slog.Logger, requestID string, err error) {
	var ae *Error
	if !errors.As(err, &ae) {
		ae = &Error{Code: Internal, Err: err}
	}
	status, ok := Status[ae.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	body := BodyError{Code: string(ae.Code), Message: ae.Message, Details: ae.Details}
	if status >= 500 && ae.Code != NotImplemented {
		if log != nil {
			log.Error("request failed", "request_id", requestID, "code", string(ae.Code), "err", err)
		}
		if ae.Code == Internal || body.Message == "" {
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

// Decode turns an error response back into an *Error (for the remote client).
func Decode(resp *http.Response) *Error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var body Body
	if err := json.Unmarshal(b, &body); err == nil && body.Error.Code != "" {
		e := &Error{Code: Code(body.Error.Code), Message: body.Error.Message, Details: body.Error.Details}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
			e.RetryAfter = time.Duration(s) * time.Second
		}
		return e
	}
	return &Error{Code: CodeForStatus(resp.StatusCode), Message: fmt.Sprintf("HTTP %d", resp.StatusCode)}
}
