package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atg-go/atg/cli/remote"
	"github.com/atg-go/atg/sim"
)

const unresolvedRef = "@Microsoft.KeyVault(VaultName=kv-atg-dev-abc123;SecretName=atg-api-keys)"

func (e *Env) adminArgs() []string {
	return []string{"--service-url", e.ServiceURL, "--api-key-file", e.AdminKeyFile}
}

// health answers GET /health once the graph store has opened (the service opens it in the
// background, retrying with backoff; until it is open health is 503 with checks.graph
// "connecting" or "unavailable").
func health(t *testing.T, e *Env) map[string]any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(e.ServiceURL + "/api/v1/health")
		if err != nil {
			t.Fatal(err)
		}
		var h map[string]any
		derr := json.NewDecoder(resp.Body).Decode(&h)
		resp.Body.Close()
		checks, _ := h["checks"].(map[string]any)
		if derr == nil && resp.StatusCode == 200 {
			return h
		}
		if g := checks["graph"]; derr != nil || (g != "connecting" && g != "unavailable") || time.Now().After(deadline) {
			t.Fatalf("health: %d %v %v", resp.StatusCode, derr, h)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func statusOf(err error) int {
	var ae *remote.APIError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

// `atg serve` whose ATG_API_KEYS is an unresolved Key Vault reference (the first deployment,
// before the secret exists) starts, /health answers degraded saying why, and API calls get 401.
// Once entries appear in the key source they work without a restart, and removing one revokes
// it within the TTL. `atg admin keys` lists names, roles and fingerprints, never keys.
func TestServeUnresolvedKeyVaultReference(t *testing.T) {
	src := filepath.Join(t.TempDir(), "atg-api-keys")
	e := Start(t, Options{AdminKey: true, APIKeys: unresolvedRef,
		ServiceSettings: map[string]string{"api_keys_source": "file:" + src, "api_keys_ttl": "1"}})
	ctx := t.Context()

	h := health(t, e)
	checks, _ := h["checks"].(map[string]any)
	if h["status"] != "degraded" || checks["api_keys"] != "unresolved_reference" || !strings.Contains(strings.Join(strs(h["warnings"]), " "), "unresolved Key Vault reference") {
		t.Fatalf("health with an unresolved reference: %v", h)
	}
	user := e.Client()
	if _, err := user.ListJobs(ctx, remote.ListOptions{}); statusOf(err) != 401 {
		t.Fatalf("ListJobs before keys exist: %v, want 401", err)
	}
	if strings.Contains(e.ServiceLog(), "@Microsoft.KeyVault") {
		t.Error("the service logged the reference text")
	}

	// The secret gets its entries: accepted within the TTL, no restart.
	if err := os.WriteFile(src, []byte(e.Entries), 0o600); err != nil {
		t.Fatal(err)
	}
	// Health alone (no key, like the deploy smoke test) sees them too.
	eventually(t, "health ok after the entries appeared", func() bool {
		h := health(t, e)
		return h["status"] == "ok" && h["checks"].(map[string]any)["api_keys"] == "ok"
	})
	eventually(t, "user key accepted after the entries appeared", func() bool {
		_, err := user.ListJobs(ctx, remote.ListOptions{})
		return err == nil
	})

	r := e.Run(ctx, append([]string{"admin", "keys", "-o", "json"}, e.adminArgs()...)...)
	if r.Code != 0 {
		t.Fatalf("atg admin keys: %s", r)
	}
	var kl remote.KeyList
	if err := json.Unmarshal([]byte(r.Stdout), &kl); err != nil || len(kl.Keys) != 2 || kl.Status != "ok" {
		t.Fatalf("atg admin keys: %v %s", err, r.Stdout)
	}
	for _, k := range kl.Keys {
		if (k.Name != "e2e-user" || k.Role != "user") && (k.Name != "e2e-admin" || k.Role != "admin") || len(k.Fingerprint) != 12 {
			t.Errorf("key entry %+v", k)
		}
	}
	for _, secret := range []string{e.APIKey, e.AdminKey, strings.Split(strings.Split(e.Entries, ",")[0], ":")[2]} {
		if strings.Contains(r.Stdout+r.Stderr, secret) {
			t.Error("atg admin keys printed a key or a full hash")
		}
	}
	if r := e.Run(ctx, append([]string{"admin", "keys"}, e.ServiceArgs()...)...); r.Code == 0 || !strings.Contains(r.Stderr, "admin") {
		t.Errorf("atg admin keys with a user key: %s", r)
	}

	// Revoke the user key: refused within the TTL, the admin key still works.
	if err := os.WriteFile(src, []byte(strings.Split(e.Entries, ",")[1]), 0o600); err != nil {
		t.Fatal(err)
	}
	eventually(t, "user key refused after its entry was removed", func() bool {
		_, err := user.ListJobs(ctx, remote.ListOptions{})
		return statusOf(err) == 401
	})
	admin := remote.NewClient(e.ServiceURL, e.AdminKey)
	if _, err := admin.ListKeys(ctx); err != nil {
		t.Errorf("admin after revoking the user: %v", err)
	}
}

func strs(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 15s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// The operators' backup commands against `atg serve`: create, list, download (sha256 checked),
// restore (skipped on a non-empty tenant, exact with --replace); user keys get 403.
func TestAdminBackups(t *testing.T) {
	e := Start(t, Options{AdminKey: true, Sim: sim.Options{Resources: 60, Subscriptions: 1, Seed: 3}})
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	if r := e.Run(ctx, append([]string{"scan", "--tenant-id", e.TenantID, "-o", "json"}, e.RemoteArgs()...)...); r.Code != 0 {
		t.Fatalf("remote scan: %s", r)
	}
	r := e.Run(ctx, append([]string{"admin", "backups", "create", "--wait", "-o", "json"}, e.adminArgs()...)...)
	if r.Code != 0 || !strings.Contains(r.Stdout, `"succeeded"`) {
		t.Fatalf("backups create: %s", r)
	}
	r = e.Run(ctx, append([]string{"admin", "backups", "list", "--tenant-id", e.TenantID, "-o", "json"}, e.adminArgs()...)...)
	var l remote.BackupList
	if r.Code != 0 || json.Unmarshal([]byte(r.Stdout), &l) != nil || len(l.Backups) != 1 || l.Backups[0].Nodes == 0 {
		t.Fatalf("backups list: %s", r)
	}
	b := l.Backups[0]
	out := filepath.Join(e.Dir, "backup.json.gz")
	r = e.Run(ctx, append([]string{"admin", "backups", "download", b.Name, "--output-file", out}, e.adminArgs()...)...)
	if r.Code != 0 || !strings.Contains(r.Stdout, b.SHA256) {
		t.Fatalf("backups download: %s (want sha256 %s)", r, b.SHA256)
	}
	if fi, err := os.Stat(out); err != nil || fi.Size() != b.Size {
		t.Fatalf("downloaded file: %v (want %d bytes)", err, b.Size)
	}

	// Restore everything: the tenant has a graph, so it is skipped, not overwritten.
	r = e.Run(ctx, append([]string{"admin", "backups", "restore", "--all", "--wait", "-o", "json"}, e.adminArgs()...)...)
	if r.Code != 0 || !strings.Contains(r.Stdout, "already has a graph") {
		t.Fatalf("restore --all on a full store: %s", r)
	}
	// --replace: the tenant comes back exactly as backed up.
	r = e.Run(ctx, append([]string{"admin", "backups", "restore", "--tenant-id", e.TenantID, "--replace", "--wait", "-o", "json"}, e.adminArgs()...)...)
	if r.Code != 0 {
		t.Fatalf("restore --replace: %s", r)
	}
	var raw struct {
		Result struct {
			Tenants []map[string]any `json:"tenants"`
		} `json:"result"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &raw); err != nil || len(raw.Result.Tenants) != 1 {
		t.Fatalf("restore result: %v %s", err, r.Stdout)
	}
	rt := raw.Result.Tenants[0]
	if rt["nodes"] != rt["expected_nodes"] || rt["edges"] != rt["expected_edges"] || rt["nodes"] == float64(0) {
		t.Errorf("restored %v", rt)
	}

	// Usage and permission errors.
	if r := e.Run(ctx, append([]string{"admin", "backups", "restore"}, e.adminArgs()...)...); r.Code == 0 {
		t.Errorf("restore without a selection: %s", r)
	}
	if r := e.Run(ctx, append([]string{"admin", "backups", "list"}, e.ServiceArgs()...)...); r.Code == 0 || !strings.Contains(r.Stderr, "admin") {
		t.Errorf("backups list with a user key: %s", r)
	}
}
