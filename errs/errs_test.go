package errs_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/atg-go/atg/errs"
)

type apiErr struct{ code string }

func (a apiErr) Error() string        { return a.code }
func (a apiErr) ErrorCode() errs.Code { return errs.Code(a.code) }

func TestCodeOf(t *testing.T) {
	base := errs.Errorf(errs.NotFound, "tenant %s has no graph", "t1")
	cases := []struct {
		name string
		err  error
		want errs.Code
	}{
		{"nil", nil, ""},
		{"plain", errors.New("boom"), errs.Internal},
		{"coded", base, errs.NotFound},
		{"wrapped once", fmt.Errorf("posture: %w", base), errs.NotFound},
		{"wrapped twice", fmt.Errorf("job: %w", fmt.Errorf("posture: %w", base)), errs.NotFound},
		{"joined", errors.Join(errors.New("x"), errs.Wrap(errs.Unavailable, os.ErrClosed, "store down")), errs.Unavailable},
		{"outermost wins", errs.Wrap(errs.Failed, fmt.Errorf("inner: %w", base), "generate"), errs.Failed},
		{"canceled", fmt.Errorf("scan: %w", context.Canceled), errs.Canceled},
		{"deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), errs.Unavailable},
		{"code beats context", errs.Wrap(errs.Conflict, context.Canceled, "x"), errs.Conflict},
		{"coder interface", fmt.Errorf("remote: %w", apiErr{"rate_limited"}), errs.RateLimited},
		{"empty coder falls through", apiErr{""}, errs.Internal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := errs.CodeOf(c.err); got != c.want {
				t.Errorf("CodeOf(%v) = %q, want %q", c.err, got, c.want)
			}
		})
	}
}

func TestRetryable(t *testing.T) {
	want := map[errs.Code]bool{errs.Internal: true, errs.Unavailable: true, errs.RateLimited: true}
	for _, c := range errs.Codes {
		err := fmt.Errorf("wrapped: %w", errs.Errorf(c, "x"))
		if got := errs.Retryable(err); got != want[c] {
			t.Errorf("Retryable(%s) = %v, want %v", c, got, want[c])
		}
	}
	if !errs.Retryable(errors.New("uncoded")) {
		t.Error("an uncoded error is internal, hence retryable")
	}
	if errs.Retryable(context.Canceled) {
		t.Error("a cancelled operation must not be retried")
	}
	if !errs.Retryable(context.DeadlineExceeded) {
		t.Error("a timeout is unavailable, hence retryable")
	}
}

func TestErrorfWrapsAndMessages(t *testing.T) {
	cause := os.ErrNotExist
	e := errs.Errorf(errs.Invalid, "reading spec: %w", cause)
	if !errors.Is(e, os.ErrNotExist) {
		t.Error("Errorf with %w must keep the cause in the chain")
	}
	if got, want := e.Error(), "reading spec: "+cause.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	w := errs.Wrap(errs.Unavailable, cause, "graph store unavailable")
	if got, want := w.Error(), "graph store unavailable: "+cause.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got := errs.New(errs.NotFound, "graph: not found").Error(); got != "graph: not found" {
		t.Errorf("a sentinel reads as its message, got %q", got)
	}
	if errs.Wrap(errs.Internal, nil, "x") != nil {
		t.Error("Wrap(nil) must be nil")
	}
	if got := errs.MessageOf(fmt.Errorf("outer: %w", w)); got != "graph store unavailable" {
		t.Errorf("MessageOf = %q", got)
	}
	if got := errs.MessageOf(errors.New("plain")); got != "plain" {
		t.Errorf("MessageOf(plain) = %q", got)
	}
	f := errs.InvalidFields(map[string]string{"tenant_id": "required"})
	if f.Code != errs.Invalid || f.Details["fields"].(map[string]any)["tenant_id"] != "required" {
		t.Errorf("InvalidFields = %+v", f)
	}
}

func TestCodesAreDistinct(t *testing.T) {
	seen := map[errs.Code]bool{}
	for _, c := range errs.Codes {
		if c == "" || seen[c] {
			t.Errorf("code %q empty or repeated", c)
		}
		seen[c] = true
	}
}
