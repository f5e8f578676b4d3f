package azure

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/atg-go/atg/errs"
)

// ARM answers leave the engine coded (errs.CodeOf), with the *azcore.ResponseError kept in the
// chain: a 403 fails a job at once, a 5xx or a request without an answer is retried.
func TestResponseErrorsAreCoded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/status/"))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"error":{"code":"Code` + strconv.Itoa(status) + `","message":"m"}}`))
	}))
	defer srv.Close()
	c, err := NewClients(Options{Endpoints: Endpoints{ARM: srv.URL, MSGraph: srv.URL}, TenantID: "11111111-2222-3333-4444-555555555555"})
	if err != nil {
		t.Fatal(err)
	}
	for status, want := range map[int]errs.Code{400: errs.Invalid, 401: errs.Unauthorized, 403: errs.Forbidden,
		404: errs.NotFound, 409: errs.Internal, 501: errs.Unavailable} {
		err := c.GetARM(context.Background(), "/status/"+strconv.Itoa(status), "2024-01-01", nil)
		if got := errs.CodeOf(err); got != want {
			t.Errorf("%d: code %s, want %s (%v)", status, got, want, err)
		}
		var re *azcore.ResponseError
		if !errors.As(err, &re) || re.StatusCode != status {
			t.Errorf("%d: the response error must stay in the chain: %v", status, err)
		}
		if st, code := ErrorCode(err); st != status || code != "Code"+strconv.Itoa(status) {
			t.Errorf("%d: ErrorCode = %d %s", status, st, code)
		}
	}
}
