package serve

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/handler"
	"github.com/atg-go/atg/internal/testenv"
)

// An instance that started while the graph store was down keeps retrying and installs a full
// service (health ok, scans offered) once the store opens, without a restart.
func TestReopenGraphAfterOutage(t *testing.T) {
	conn := testenv.RequireAzurite(t)
	cfg := &config.Config{Storage: conn, StoragePrefix: "reopen" + time.Now().UTC().Format("150405"), Environment: "dev", APIKeys: ","}
	var attempts atomic.Int32
	path := filepath.Join(t.TempDir(), "graph.db")
	o := &Options{GraphStore: func(ctx context.Context) (graph.Store, error) {
		if attempts.Add(1) <= 2 {
			return nil, errors.New("neo4j: connection refused")
		}
		s, err := boltstore.Open(path, boltstore.Options{})
		if err != nil {
			return nil, err
		}
		return s, s.Init(ctx)
	}}
	log := slog.New(slog.DiscardHandler)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	// The degraded start.
	app, closeStore, err := openApp(ctx, o, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore()
	var current atomic.Pointer[http.Handler]
	h := app.API
	current.Store(&h)
	health := func() int {
		rec := httptest.NewRecorder()
		(*current.Load()).ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/health", nil))
		return rec.Code
	}
	if got := health(); got != http.StatusServiceUnavailable {
		t.Fatalf("health during the outage = %d, want 503", got)
	}
	closeNew := reopenGraph(ctx, o, cfg, log, 10*time.Millisecond, 40*time.Millisecond, func(a *handler.App) {
		nh := a.API
		current.Store(&nh)
	})
	if closeNew == nil {
		t.Fatal("reopenGraph gave up")
	}
	defer closeNew()
	if got := health(); got != http.StatusOK {
		t.Errorf("health after the store opened = %d, want 200", got)
	}
	if n := attempts.Load(); n != 3 {
		t.Errorf("%d open attempts, want 3 (one at start, one failed retry, one success)", n)
	}

	// A cancelled context stops the retries.
	cctx, ccancel := context.WithCancel(t.Context())
	ccancel()
	never := &Options{GraphStore: func(context.Context) (graph.Store, error) { return nil, errors.New("down") }}
	if c := reopenGraph(cctx, never, cfg, log, time.Millisecond, time.Millisecond, func(*handler.App) { t.Error("installed") }); c != nil {
		t.Error("reopenGraph returned a store after cancellation")
	}
}
