// Package errs is ATG's one application error type, wtf-style: every layer returns errors
// that carry a Code, and the hosting layers only render them (the service's HTTP status in
// handler/apierr, the CLI's exit code in cli/cmdutil.ExitCodeFor, the worker's retry decision
// in Retryable). It imports only the standard library.
//
// A Code's value is the stable snake_case code of the REST API's error body (docs/design/API.md
// "Errors"), so an error reads the same in a log line, an API response and a job's error.
package errs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Code classifies an error by what the caller can do about it.
type Code string

// The codes. The engine returns Invalid, NotFound, Conflict and Unavailable at its boundary;
// anything without a code is Internal.
const (
	// Invalid: the input is wrong (bad spec, bad id, bad request); retrying cannot help.
	Invalid Code = "invalid_request"
	// NotFound: the thing asked for does not exist (a tenant without a graph, an unknown job).
	NotFound Code = "not_found"
	// Conflict: the request contradicts the current state (a tenant that already has a graph).
	Conflict Code = "conflict"
	// Unauthorized: no valid credentials.
	Unauthorized Code = "unauthorized"
	// Forbidden: valid credentials without the right.
	Forbidden Code = "forbidden"
	// RateLimited: too many requests; try again later.
	RateLimited Code = "rate_limited"
	// Unavailable: a dependency (the graph store, storage, Azure) is down or did not answer in
	// time; try again later.
	Unavailable Code = "unavailable"
	// NotImplemented: the operation exists in the contract but not in this build or setup.
	NotImplemented Code = "not_implemented"
	// Failed: the operation ran and failed in a way a retry would repeat (deterministic for its
	// input, e.g. an IaC generation or a deployment plan that cannot be made).
	Failed Code = "execution_failed"
	// Canceled: the caller gave up (context.Canceled, an interrupt).
	Canceled Code = "canceled"
	// Internal: a bug or an unclassified failure. The default for errors without a code.
	Internal Code = "internal"
)

// Codes lists every code of this package (tests and renderers check their tables against it).
var Codes = []Code{Invalid, NotFound, Conflict, Unauthorized, Forbidden, RateLimited, Unavailable,
	NotImplemented, Failed, Canceled, Internal}

// Error is an application error: a code, a message safe to show to callers, optional details
// (field-level validation errors, ids), an optional retry hint and the wrapped cause (kept for
// errors.Is/As and logs, never shown to API clients).
type Error struct {
	Code       Code
	Message    string
	Details    map[string]any
	RetryAfter time.Duration // > 0: a hint for when to try again (HTTP Retry-After)
	Err        error
}

// Error is the message and the cause; the code is metadata (CodeOf), so wrapping an error in a
// code never changes what a user reads.
func (e *Error) Error() string {
	switch {
	case e.Err == nil && e.Message == "":
		return string(e.Code)
	case e.Err == nil:
		return e.Message
	case e.Message == "" || strings.HasSuffix(e.Message, e.Err.Error()): // Errorf with %w has it already
		if e.Message == "" {
			return e.Err.Error()
		}
		return e.Message
	}
	return e.Message + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns e's code (the Coder interface).
func (e *Error) ErrorCode() Code { return e.Code }

// WithDetails sets e's details and returns e.
func (e *Error) WithDetails(d map[string]any) *Error { e.Details = d; return e }

// Coder is implemented by errors that carry a code without being an *Error (e.g. an API error
// decoded by a client).
type Coder interface {
	error
	ErrorCode() Code
}

// New returns an *Error with code and message: a coded sentinel (errors.Is compares identity).
func New(code Code, msg string) *Error { return &Error{Code: code, Message: msg} }

// Errorf returns an *Error with code and a formatted message. A %w verb wraps its operand as
// the cause.
func Errorf(code Code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	e := &Error{Code: code, Message: err.Error()}
	if errors.Unwrap(err) != nil {
		e.Err = errors.Unwrap(err)
	}
	return e
}

// Wrap returns an *Error with code, message msg and cause err; Wrap(code, nil, msg) is nil.
func Wrap(code Code, err error, msg string) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Message: msg, Err: err}
}

// InvalidFields returns an Invalid error with field-level details: field -> problem.
func InvalidFields(fields map[string]string) *Error {
	d := make(map[string]any, len(fields))
	for k, v := range fields {
		d[k] = v
	}
	return &Error{Code: Invalid, Message: "request validation failed", Details: map[string]any{"fields": d}}
}

// CodeOf returns the code of err: the code of the outermost Coder in its chain; else Canceled
// for context.Canceled and Unavailable for context.DeadlineExceeded (whatever did not answer in
// time may answer later); else Internal. CodeOf(nil) is "".
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var c Coder
	if errors.As(err, &c) {
		if code := c.ErrorCode(); code != "" {
			return code
		}
	}
	switch {
	case errors.Is(err, context.Canceled):
		return Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return Unavailable
	}
	return Internal
}

// MessageOf returns the message of the outermost *Error in err's chain, or err.Error().
func MessageOf(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return err.Error()
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }

// Retryable reports whether trying again may succeed: the code is Internal, Unavailable or
// RateLimited. Everything else (bad input, missing things, conflicts, deterministic failures,
// cancellation) fails the same way again.
func Retryable(err error) bool {
	switch CodeOf(err) {
	case Internal, Unavailable, RateLimited:
		return true
	}
	return false
}
