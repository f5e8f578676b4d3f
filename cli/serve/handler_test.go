package serve

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/handler/auth"
	"github.com/atg-go/atg/internal/testenv"
)

// `atg handler` whose ATG_API_KEYS is the literal, unresolved Key Vault reference (the app
// setting before the secret exists) starts: /health answers degraded and says why, API calls
// get 401 — it does not exit in a loop.
func TestHandlerStartsWithUnresolvedKeyVaultReference(t *testing.T) {
	conn := testenv.RequireAzurite(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	cfg := &config.Config{Storage: conn, StoragePrefix: "hkv" + strconv.FormatInt(time.Now().UnixNano()%1e9, 36), Environment: "dev",
		APIKeys: "@Microsoft.KeyVault(VaultName=kv-atg-dev-abc123;SecretName=atg-api-keys)", CustomHandlerPort: port}
	o := &Options{Config: func() (*config.Config, error) { return cfg, nil }, Logger: func() *slog.Logger { return slog.New(slog.DiscardHandler) }, Grace: time.Second}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- handlerRun(ctx, o) }()
	defer func() {
		cancel()
		// Stopped by its context (SIGTERM under the host): exit 143, so the host restarts it.
		if err := <-done; err != nil && cmdutil.ExitCodeFor(err) != 143 {
			t.Errorf("atg handler: %v", err)
		}
	}()

	base := "http://127.0.0.1:" + port
	var h map[string]any
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case err := <-done:
			t.Fatalf("atg handler exited: %v", err)
		default:
		}
		resp, err := http.Get(base + "/api/v1/health")
		if err == nil {
			_ = json.NewDecoder(resp.Body).Decode(&h)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no healthy answer within 20s: %v %v", err, h)
		}
		time.Sleep(100 * time.Millisecond)
	}
	checks, _ := h["checks"].(map[string]any)
	warnings, _ := h["warnings"].([]any)
	if h["status"] != "degraded" || checks["api_keys"] != "unresolved_reference" || len(warnings) == 0 ||
		!strings.Contains(warnings[0].(string), "unresolved Key Vault reference") {
		t.Errorf("health = %v", h)
	}
	key, _, err := auth.NewKey("dev", "alice", auth.RoleUser)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", base+"/api/v1/jobs", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/jobs with no keys configured: %d, want 401", resp.StatusCode)
	}
}
