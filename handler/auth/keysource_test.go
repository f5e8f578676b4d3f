package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

const unresolved = "@Microsoft.KeyVault(VaultName=kv-atg-dev-abc123;SecretName=atg-api-keys)"

func newKey(t *testing.T, name string, role Role) (string, Entry) {
	t.Helper()
	k, e, err := NewKey("dev", name, role)
	if err != nil {
		t.Fatal(err)
	}
	return k, e
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// An unresolved Key Vault reference is "no keys yet": no error, every key refused, and a state
// that turns /health degraded and says why.
func TestUnresolvedReferenceMeansNoKeys(t *testing.T) {
	for _, v := range []string{unresolved, "  " + unresolved, "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/atg-api-keys/)"} {
		k, err := NewKeys(context.Background(), KeysOptions{Environment: "dev", Initial: v})
		if err != nil {
			t.Fatalf("NewKeys(%q): %v", v, err)
		}
		st := k.State()
		if st.Status != "unresolved_reference" || !st.Degraded() || !strings.Contains(st.Reason, "unresolved Key Vault reference") || st.Entries != 0 {
			t.Errorf("state for %q = %+v", v, st)
		}
		key, _ := newKey(t, "alice", RoleUser)
		if _, err := k.Authenticate(key); !errors.Is(err, ErrUnknownKey) {
			t.Errorf("Authenticate with no keys: %v, want ErrUnknownKey", err)
		}
	}
	// Malformed entries typed by hand are still an error.
	if _, err := NewKeys(context.Background(), KeysOptions{Environment: "dev", Initial: "alice:user:nothex"}); err == nil {
		t.Error("NewKeys accepted a malformed entry")
	}
	// Empty is "none": not degraded (a new environment before its first key).
	k, err := NewKeys(context.Background(), KeysOptions{Environment: "dev", Initial: ","})
	if err != nil || k.State().Status != "none" || k.State().Degraded() {
		t.Errorf("empty entries: %v %+v", err, k.State())
	}
}

// Entries are re-read from the source after the TTL: an added key works and a removed key is
// refused without a restart; a source that breaks (typo, missing) keeps the last good entries.
func TestKeysReloadAfterTTL(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys")
	alice, ae := newKey(t, "alice", RoleUser)
	bob, be := newKey(t, "bob", RoleAdmin)
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(ae.String())
	src, err := NewSource("file:"+path, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	k, err := NewKeys(context.Background(), KeysOptions{Environment: "dev", Initial: unresolved, Source: src, TTL: time.Minute, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	if st := k.State(); st.Status != "ok" || st.Entries != 1 {
		t.Fatalf("after the first read: %+v", st)
	}
	if p, err := k.Authenticate(alice); err != nil || p.Name != "alice" {
		t.Fatalf("alice: %v %v", p, err)
	}

	// Rotate: bob added, alice revoked. Before the TTL nothing changes.
	write(be.String())
	c.add(30 * time.Second)
	if _, err := k.Authenticate(alice); err != nil {
		t.Errorf("alice refused before the TTL passed: %v", err)
	}
	c.add(31 * time.Second)
	// The TTL passed: the next request starts a re-read in the background.
	_, _ = k.Authenticate(bob)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := k.Authenticate(bob); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("bob's key never accepted after the TTL")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := k.Authenticate(alice); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("revoked alice: %v, want ErrUnknownKey", err)
	}
	if p, _ := k.Authenticate(bob); p.Role != RoleAdmin {
		t.Errorf("bob's role = %q", p.Role)
	}

	// A typo in the source keeps bob working and says so.
	write(be.String() + ",carol:user:zz")
	c.add(time.Minute)
	if err := k.Refresh(context.Background()); err == nil {
		t.Fatal("Refresh accepted malformed entries")
	}
	st := k.State()
	if st.Status != "stale" || !st.Degraded() || st.Entries != 1 || strings.Contains(st.Reason, be.String()) {
		t.Errorf("after a bad re-read: %+v", st)
	}
	if _, err := k.Authenticate(bob); err != nil {
		t.Errorf("bob refused after a bad re-read: %v", err)
	}
	// Fixed again: ok.
	write(be.String() + "," + ae.String())
	if err := k.Refresh(context.Background()); err != nil || k.State().Status != "ok" || k.State().Entries != 2 {
		t.Errorf("after the fix: %v %+v", err, k.State())
	}
	if got := k.Entries(); len(got) != 2 {
		t.Errorf("Entries() = %d entries", len(got))
	}
}

// A missing secret behind the source keeps an unresolved reference degraded; once the
// workflow creates the empty secret the state is "none" (not degraded).
func TestMissingSecretThenEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys")
	src, _ := NewSource("file:"+path, nil, nil)
	c := &clock{t: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	k, err := NewKeys(context.Background(), KeysOptions{Environment: "dev", Initial: unresolved, Source: src, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	if st := k.State(); st.Status != "unresolved_reference" || !strings.Contains(st.Reason, "does not exist yet") || !strings.Contains(st.Reason, "unresolved Key Vault reference") {
		t.Errorf("missing secret: %+v", st)
	}
	if err := os.WriteFile(path, []byte(","), 0o600); err != nil {
		t.Fatal(err)
	}
	// Polling the state alone (health, no key) picks the secret up once the TTL passed.
	c.add(2 * time.Minute)
	deadline := time.Now().Add(5 * time.Second)
	for k.State().Status != "none" {
		if time.Now().After(deadline) {
			t.Fatalf("state never saw the empty secret: %+v", k.State())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if st := k.State(); st.Degraded() {
		t.Errorf("empty secret: %+v", st)
	}
}

type staticCred struct{ token string }

func (s staticCred) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if len(o.Scopes) != 1 || o.Scopes[0] != "https://vault.azure.net/.default" {
		return azcore.AccessToken{}, errors.New("wrong scope")
	}
	return azcore.AccessToken{Token: s.token, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// The Key Vault source speaks the secrets REST API: GET /secrets/<name>?api-version, bearer
// token for vault.azure.net, 404 = not there yet, other failures named without the body.
func TestKeyVaultSource(t *testing.T) {
	_, ae := newKey(t, "alice", RoleUser)
	var mu sync.Mutex
	value := ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, `{"error":{"code":"Unauthorized"}}`, http.StatusUnauthorized)
			return
		}
		if r.URL.Path != "/secrets/atg-api-keys" || r.URL.Query().Get("api-version") == "" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if value == "" {
			http.Error(w, `{"error":{"code":"SecretNotFound"}}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"value":"` + value + `","id":"x"}`))
	}))
	defer srv.Close()
	src, err := NewSource(srv.URL+"/secrets/atg-api-keys", staticCred{"tok"}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Load(context.Background()); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("missing secret: %v", err)
	}
	mu.Lock()
	value = ae.String()
	mu.Unlock()
	got, err := src.Load(context.Background())
	if err != nil || got != ae.String() {
		t.Errorf("Load = %q, %v", got, err)
	}
	bad, _ := NewSource(srv.URL+"/secrets/atg-api-keys", staticCred{"wrong"}, srv.Client())
	if _, err := bad.Load(context.Background()); err == nil || !strings.Contains(err.Error(), "HTTP 401") {
		t.Errorf("unauthorized: %v", err)
	}
	for _, spec := range []string{"", "ftp://x", "https://kv.vault.azure.net/keys/x", "file:"} {
		if _, err := NewSource(spec, staticCred{"tok"}, nil); err == nil {
			t.Errorf("NewSource(%q) accepted", spec)
		}
	}
}
