package remote

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// The service redirects artifact downloads to a short-lived storage URL: the client follows
// it without sending the API key there, and still verifies the listed sha256.
func TestDownloadFollowsRedirectWithoutKey(t *testing.T) {
	body := []byte(`{"resources": 42}`)
	sum := sha256.Sum256(body)
	listed := hex.EncodeToString(sum[:])
	storage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the API key reached storage")
			w.WriteHeader(http.StatusForbidden)
			return
		}
		if r.URL.Query().Get("sig") != "s1" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		_, _ = w.Write(body)
	}))
	defer storage.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/jobs/job_1/artifacts", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"artifacts": []Artifact{{Name: "iac-terraform.zip", Size: int64(len(body)), SHA256: listed}}})
	})
	mux.HandleFunc("GET /api/v1/jobs/job_1/artifacts/iac-terraform.zip", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer atg_dev_k" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("X-Content-SHA256", listed)
		http.Redirect(w, r, storage.URL+"/atg-artifacts/job_1/iac-terraform.zip?sp=r&sig=s1", http.StatusFound)
	})
	api := httptest.NewServer(mux)
	defer api.Close()
	c := NewClient(api.URL, "atg_dev_k")
	c.Sleep = noSleep
	dir := t.TempDir()
	dl, err := DownloadAll(context.Background(), c, "job_1", dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "iac-terraform.zip"))
	if err != nil || !bytes.Equal(got, body) || len(dl) != 1 || dl[0].SHA256 != listed {
		t.Fatalf("download %q %+v %v", got, dl, err)
	}
}
