package scan

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/engine/graph/neo4jstore"
	"github.com/atg-go/atg/sim"
	"github.com/atg-go/atg/sim/simtest"
)

// truth is the simulator's ground truth (GET /_sim/truth).
type truth struct {
	Tenants []struct {
		TenantID        string         `json:"tenant_id"`
		Subscriptions   []string       `json:"subscriptions"`
		Resources       int            `json:"resources"`
		ByType          map[string]int `json:"by_type"`
		ResourceIDs     []string       `json:"resource_ids"`
		Identities      map[string]int `json:"identities"`
		RoleAssignments int            `json:"role_assignments"`
		Edges           []struct {
			From string `json:"from"`
			To   string `json:"to"`
			Type string `json:"type"`
		} `json:"edges"`
	} `json:"tenants"`
}

type simEnv struct {
	sim    *sim.Simulator
	srv    *sim.Server
	tenant string
	store  graph.Store
	logger *slog.Logger
}

func testLogger(t testing.TB) *slog.Logger {
	if os.Getenv("ATG_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

func startSim(t testing.TB, opts sim.Options) *simEnv {
	t.Helper()
	opts.Logger = testLogger(t)
	s, srv := simtest.Start(t, opts)
	return &simEnv{sim: s, srv: srv, tenant: srv.TenantIDs[0], store: tempStore(t), logger: opts.Logger}
}

// tempStore opens an initialized embedded graph in a test directory, closed at cleanup.
func tempStore(t testing.TB) *boltstore.Store {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "graph.db"), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	if err := st.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// useNeo4j points the environment at the shared Neo4j server (opened and initialized, closed at
// cleanup) with this tenant's graph emptied before and after the test.
func (e *simEnv) useNeo4j(t testing.TB, uri, user, password string) {
	t.Helper()
	ctx := context.Background()
	st, err := neo4jstore.Open(ctx, neo4jstore.Options{URI: uri, User: user, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	if err := st.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteTenant(ctx, e.tenant); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.DeleteTenant(context.Background(), e.tenant) })
	e.store = st
}

// fullRescan scans the tenant fully with eng into a fresh embedded graph (the reference an
// incremental scan's graph must equal) and returns that graph and the scan's result; the scan
// must be full and without failures.
func (e *simEnv) fullRescan(t testing.TB, eng *Engine) (*boltstore.Store, Result) {
	t.Helper()
	ref := tempStore(t)
	res, err := eng.withStore(ref).Run(context.Background(), fullRequest(e.tenant))
	if err != nil {
		t.Fatal(err)
	}
	if res.Mode != ModeFull || len(res.Failures) > 0 {
		t.Fatalf("reference scan: mode %q failures %+v", res.Mode, res.Failures)
	}
	return ref, res
}

func (e *simEnv) engine(t testing.TB) *Engine {
	t.Helper()
	c, err := azure.NewClients(azure.Options{Endpoints: azure.Endpoints{ARM: e.srv.ARMEndpoint, MSGraph: e.srv.MSGraphEndpoint},
		TenantID: e.tenant, Logger: e.logger,
		Throttle: azure.ThrottleOptions{BaseDelay: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	// A small odd chunk: Finalize streams the graph in many chunks, so edges across chunk
	// boundaries (and their deduplication) are exercised.
	return &Engine{Store: e.store, Azure: c, Logger: e.logger, Concurrency: 16, FinalizeChunk: 97}
}

func (e *simEnv) truth(t testing.TB) truth {
	t.Helper()
	resp, err := http.Get(e.srv.ARMEndpoint + "/_sim/truth")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tr truth
	if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil {
		t.Fatal(err)
	}
	return tr
}

func fullRequest(tenant string) Request {
	return Request{TenantID: tenant, IncludeIdentities: true, IncludeRBAC: true}
}

// snapshot returns every node key (with last-seen-independent content) and edge key of a tenant.
func snapshot(t testing.TB, st graph.Store, tenant string) (nodes map[string]string, edges map[string]bool) {
	t.Helper()
	ctx := context.Background()
	nodes, edges = map[string]string{}, map[string]bool{}
	if err := st.Nodes(ctx, tenant, graph.NodeQuery{}, func(n graph.Node) error {
		if n.Label == graph.LabelScanState {
			return nil // bookkeeping: differs between scans by design
		}
		b, _ := json.Marshal(n.Props)
		nodes[string(n.Label)+"|"+n.ID] = string(b)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.Edges(ctx, tenant, graph.EdgeQuery{}, func(e graph.Edge) error {
		edges[e.Key()] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return nodes, edges
}

func diffKeys[V any](a, b map[string]V) (onlyA, onlyB []string) {
	for k := range a {
		if _, ok := b[k]; !ok {
			onlyA = append(onlyA, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			onlyB = append(onlyB, k)
		}
	}
	sort.Strings(onlyA)
	sort.Strings(onlyB)
	return onlyA, onlyB
}

func head(s []string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.Join(s, "\n  ")
}
