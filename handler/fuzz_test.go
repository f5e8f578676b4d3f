package handler

import (
	"bytes"
	"encoding/json"
	"github.com/atg-go/atg/handler/worker"
	"net/http/httptest"
	"testing"

	"github.com/atg-go/atg/handler/httpapi"
	"github.com/atg-go/atg/handler/jobs"
)

var fuzzPaths = []string{"/api/v1/scan", "/api/v1/generate-iac", "/api/v1/create-tenant", "/api/v1/posture", "/api/v1/jobs/x/cancel"}

// FuzzSubmitBodies: no request body, on any submit endpoint, yields a 5xx or a response that
// is not the API's JSON. Corpus: testdata/fuzz/FuzzSubmitBodies (run with -fuzz to extend).
func FuzzSubmitBodies(f *testing.F) {
	for _, s := range []string{`{"tenant_id":"11111111-2222-3333-4444-555555555555"}`, `{}`, `null`, `[]`, `"x"`, ``,
		`{"tenant_id":"11111111-2222-3333-4444-555555555555","format":"arm","target":{"subscription_id":"11111111-2222-3333-4444-555555555555"}}`,
		`{"spec":{"a":[1,2,{"b":null}]},"target":{"subscription_id":"11111111-2222-3333-4444-555555555555"},"dry_run":true}`,
		`{"tenant_id":"11111111-2222-3333-4444-555555555555","subscription_ids":["a",1,null]}`, `{"tenant_id":1e999}`, "{\"tenant_id\":\"\xff\"}"} {
		for i := range fuzzPaths {
			f.Add([]byte(s), uint8(i))
		}
	}
	fx := newFixture(f, func(d *httpapi.Deps) {
		d.Executors.(*worker.Registry).RegisterRunner(jobs.TypeGenerateIaC, fakeRunner{})
		d.Executors.(*worker.Registry).RegisterRunner(jobs.TypeCreateTenant, fakeRunner{})
		d.Executors.(*worker.Registry).RegisterRunner(jobs.TypePosture, fakeRunner{})
	})
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		req := httptest.NewRequest("POST", fuzzPaths[int(which)%len(fuzzPaths)], bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+fx.keys["alice"])
		rec := httptest.NewRecorder()
		fx.h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s answered %d: %s", req.URL.Path, rec.Code, rec.Body)
		}
		var m map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
			t.Fatalf("non-JSON %d response: %q", rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			e, _ := m["error"].(map[string]any)
			if e == nil || e["code"] == "" || e["message"] == nil {
				t.Fatalf("%d without the error shape: %s", rec.Code, rec.Body)
			}
		} else if rec.Code != 202 || m["id"] == nil {
			t.Fatalf("unexpected success %d: %s", rec.Code, rec.Body)
		}
	})
}
