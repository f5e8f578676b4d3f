package handler

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/atg-go/atg/handler/worker"
)

// A chunked body (no Content-Length) is refused with 411 in the API error shape, by the
// API router (`atg serve`) and through the Functions handler alike; the same body with a
// Content-Length is accepted.
func TestChunkedBodyIs411(t *testing.T) {
	f := newFixture(t)
	w := &worker.Worker{Backend: f.b, Executors: f.deps.Executors.(*worker.Registry), Logger: f.deps.Logger}
	for name, h := range map[string]http.Handler{"serve": f.h, "handler": NewFunctionsHandler(f.h, w, f.deps.Logger)} {
		srv := httptest.NewServer(h)
		body := `{"tenant_id":"` + tenant + `"}`
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/scan", io.MultiReader(strings.NewReader(body))) // unknown length: chunked
		req.Header.Set("Authorization", "Bearer "+f.keys["alice"])
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != 411 || e.Error.Code != "length_required" || resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: chunked body: %d %+v", name, resp.StatusCode, e)
		}
		req, _ = http.NewRequest("POST", srv.URL+"/api/v1/scan", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+f.keys["alice"])
		req.Header.Set("Content-Type", "application/json")
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 202 {
			t.Errorf("%s: with Content-Length: %d", name, resp.StatusCode)
		}
		srv.Close()
	}
}

// The Functions host merges repeated query keys into one comma-joined value; both hostings
// refuse a repeated key instead of reading one of the values.
func TestRepeatedQueryKeysRefused(t *testing.T) {
	f := newFixture(t)
	r := f.do("GET", "/api/v1/jobs?status=running&status=queued", f.keys["alice"], "")
	if r.code != 400 || !strings.Contains(string(r.body), "must be given once") {
		t.Fatalf("repeated status: %d %s", r.code, r.body)
	}
	r = f.do("GET", "/api/v1/jobs?status=running,queued", f.keys["alice"], "") // what the host forwards
	if r.code != 400 {
		t.Fatalf("merged status: %d %s", r.code, r.body)
	}
	if r := f.do("GET", "/api/v1/jobs?status=running&limit=5", f.keys["alice"], ""); r.code != 200 {
		t.Fatalf("single keys: %d %s", r.code, r.body)
	}
}
