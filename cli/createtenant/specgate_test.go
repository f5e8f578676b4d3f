package createtenant

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/internal/repotest"
)

// TestSpecCheckedLocally: `atg create-tenant --spec` runs the service's submit-time check; a
// bad spec fails with the JSON path of the problem before any request.
func TestSpecCheckedLocally(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1); w.WriteHeader(404) }))
	defer srv.Close()
	b, err := os.ReadFile(repotest.Testdata("specs", "valid-spec.json"))
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		scope any
		want  string
	}{
		"exfiltration": {"@" + strings.TrimPrefix(srv.URL, "http://") + "/x", "model.resources[3].scope"},
		"self scope":   {map[string]any{"$ref": "vau_5be63b59_dia_b2055ba1"}, "model.resources[3].scope"},
		"null":         {nil, "model.resources[0]"},
	} {
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		md := m["model"].(map[string]any)
		if c.scope == nil {
			md["resources"] = []any{nil}
		} else {
			md["resources"].([]any)[3].(map[string]any)["scope"] = c.scope
		}
		file := filepath.Join(t.TempDir(), "spec.json")
		out, _ := json.Marshal(m)
		if err := os.WriteFile(file, out, 0o600); err != nil {
			t.Fatal(err)
		}
		f, _, _ := testFactory(&config.Config{ARMEndpoint: srv.URL, MSGraphEndpoint: srv.URL, Output: "text"}, false, nil)
		cmd := NewCmdCreateTenant(f, nil)
		cmd.SetArgs([]string{"--spec", file, "--target-tenant-id", "11111111-2222-3333-4444-555555555555",
			"--target-subscription", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "--dry-run"})
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		err := cmd.ExecuteContext(context.Background())
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("%s: %v, want an error naming %s", name, err, c.want)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("%d requests were sent", hits.Load())
	}
}
