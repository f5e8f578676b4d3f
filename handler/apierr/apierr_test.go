package apierr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/errs"
)

// The status of every code, rendered through Write: the one code -> status decision.
func TestStatusPerCode(t *testing.T) {
	want := map[errs.Code]int{
		errs.Invalid: 400, errs.Unauthorized: 401, errs.Forbidden: 403, errs.NotFound: 404,
		errs.Conflict: 409, errs.RateLimited: 429, errs.Unavailable: 503, errs.NotImplemented: 501,
		errs.Failed: 422, errs.Canceled: 503, errs.Internal: 500,
		MethodNotAllowed: 405, JobNotFinished: 409, PayloadTooLarge: 413, UnsupportedMediaType: 415,
		LengthRequired: 411,
	}
	for _, c := range errs.Codes {
		if _, ok := Status[c]; !ok {
			t.Errorf("code %s has no HTTP status", c)
		}
	}
	for code, status := range want {
		rec := httptest.NewRecorder()
		err := fmt.Errorf("handler: %w", fmt.Errorf("engine: %w", errs.Errorf(code, "it went %s", code)))
		Write(rec, nil, "req-1", err)
		if rec.Code != status {
			t.Errorf("%s: status %d, want %d", code, rec.Code, status)
		}
		var body api.ErrorBody
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code != string(code) {
			t.Errorf("%s: body %s (%v)", code, rec.Body, err)
		}
		if got := StatusOf(err); got != status {
			t.Errorf("%s: StatusOf %d, want %d", code, got, status)
		}
	}
	if len(want) != len(Status) {
		t.Errorf("Status has %d codes, this test %d: add the new code here", len(Status), len(want))
	}
}

func TestWriteUncodedAndContextErrors(t *testing.T) {
	rec := httptest.NewRecorder()
	Write(rec, nil, "req-2", errors.New("secret internals"))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret") || !strings.Contains(rec.Body.String(), "req-2") {
		t.Errorf("uncoded: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	Write(rec, nil, "req-3", fmt.Errorf("listing: %w", context.DeadlineExceeded))
	if rec.Code != 503 {
		t.Errorf("a timeout is unavailable: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	Write(rec, nil, "req-4", &errs.Error{Code: errs.RateLimited, Message: "slow down", RetryAfter: 1500 * time.Millisecond})
	if rec.Code != 429 || rec.Header().Get("Retry-After") != "2" || !strings.Contains(rec.Body.String(), "slow down") {
		t.Errorf("rate limited: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	for _, c := range errs.Codes {
		rec := httptest.NewRecorder()
		Write(rec, nil, "req", errs.Errorf(c, "m"))
		got := Decode(rec.Result())
		if got.Code != c {
			t.Errorf("%s: decoded %s", c, got.Code)
		}
	}
	resp := &http.Response{StatusCode: http.StatusBadGateway, Body: http.NoBody, Header: http.Header{}}
	if got := Decode(resp); got.Code != errs.Unavailable {
		t.Errorf("a proxy's 502 decodes as %s", got.Code)
	}
}
