package scan

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph/graphtest"
	"github.com/atg-go/atg/internal/testenv"
	"github.com/atg-go/atg/sim"
)

// fakeClock is the shared clock of the simulator and the engine.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func simCalls(s *sim.Simulator) int64 {
	var n int64
	for _, v := range s.Stats().Requests {
		n += v
	}
	return n
}

func incrementalRequest(tenant string) Request {
	r := fullRequest(tenant)
	r.Incremental = true
	return r
}

// TestIncrementalMatchesFullRescan: scan a tenant fully, change 1% of it in the simulator
// (resources created, updated, deleted; a resource group created, retagged, deleted; role
// assignments; users, groups, memberships, service principals), scan incrementally: the graph
// equals a full re-scan into a fresh store key by key, with at most 5% of its API calls.
func TestIncrementalMatchesFullRescan(t *testing.T) {
	testenv.Integration(t)
	for _, sz := range []struct{ resources, subs int }{{2000, 4}, {10000, 20}} {
		t.Run(fmt.Sprintf("%dresources", sz.resources), func(t *testing.T) {
			incrementalVsFull(t, sz.resources, sz.subs, 21, nil)
		})
	}
}

// TestIncrementalMatchesFullRescanNeo4j is the same on Neo4j (the reference full re-scan goes
// to the embedded store: the stores pass one conformance suite).
func TestIncrementalMatchesFullRescanNeo4j(t *testing.T) {
	testenv.Integration(t)
	uri, user, password := testenv.RequireNeo4j(t)
	incrementalVsFull(t, 2000, 4, 2113, func(env *simEnv) { env.useNeo4j(t, uri, user, password) }) // a seed of its own: the Neo4j server is shared
}

// incrementalVsFull runs the test on a simulated tenant; useStore, if not nil, points the
// environment at another store than its embedded one.
func incrementalVsFull(t *testing.T, resources, subs int, seed int64, useStore func(*simEnv)) {
	clk := newFakeClock()
	env := startSim(t, sim.Options{Resources: resources, Subscriptions: subs, Seed: seed, Throttle: "off", Now: clk.Now})
	ctx := context.Background()
	if useStore != nil {
		useStore(env)
	}
	eng := func() *Engine { e := env.engine(t); e.Now = clk.Now; return e }

	first, err := eng().Run(ctx, incrementalRequest(env.tenant))
	if err != nil {
		t.Fatal(err)
	}
	if first.Mode != ModeFull || !strings.Contains(first.ModeReason, "no previous") {
		t.Fatalf("first scan: mode %q (%s), want full for want of a previous scan", first.Mode, first.ModeReason)
	}
	clk.Add(time.Hour)
	m, err := env.sim.Mutate(env.tenant, sim.MutateOptions{Fraction: 0.01, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Created) == 0 || len(m.Updated) == 0 || len(m.Deleted) == 0 || len(m.RoleAssignmentsCreated) == 0 ||
		len(m.UsersDeleted) == 0 || len(m.MembershipsChanged) == 0 || len(m.ServicePrincipalsUpdated) == 0 {
		t.Fatalf("mutation changed too little: %+v", m)
	}
	clk.Add(time.Hour)

	before := simCalls(env.sim)
	start := time.Now()
	inc, err := eng().Run(ctx, incrementalRequest(env.tenant))
	if err != nil {
		t.Fatal(err)
	}
	incTime := time.Since(start)
	incCalls := simCalls(env.sim) - before
	if inc.Mode != ModeIncremental || inc.ModeReason != "" {
		t.Fatalf("second scan: mode %q (%s), want incremental", inc.Mode, inc.ModeReason)
	}
	if len(inc.Failures) > 0 {
		t.Fatalf("incremental failures: %+v", inc.Failures)
	}

	// the reference: a full scan of the changed tenant into a fresh store
	before = simCalls(env.sim)
	start = time.Now()
	ref, full := env.fullRescan(t, eng())
	fullTime := time.Since(start)
	fullCalls := simCalls(env.sim) - before
	graphtest.RequireEqual(t, "full re-scan vs incremental", graphtest.MustSnapshot(t, ref, env.tenant), graphtest.MustSnapshot(t, env.store, env.tenant))
	t.Logf("%d resources, %d subscriptions: incremental %d calls in %v, full %d calls in %v (%.1f%%); changed: %d created, %d updated, %d deleted, %d RGs deleted, removed %d nodes",
		resources, subs, incCalls, incTime.Round(time.Millisecond), fullCalls, fullTime.Round(time.Millisecond), 100*float64(incCalls)/float64(fullCalls),
		len(m.Created), len(m.Updated), len(m.Deleted), len(m.ResourceGroupsDeleted), inc.Removed.Nodes)
	t.Logf("incremental calls by api %v, full %v", inc.APICalls, full.APICalls)
	if incCalls*20 > fullCalls {
		t.Errorf("incremental made %d calls, more than 5%% of a full scan's %d", incCalls, fullCalls)
	}
}

// TestIncrementalFallsBack: after a gap over the 14-day change retention an incremental scan
// is full and says so; --full forces a full scan; nothing changed means an incremental scan
// changes nothing.
func TestIncrementalFallsBack(t *testing.T) {
	testenv.Integration(t)
	clk := newFakeClock()
	env := startSim(t, sim.Options{Resources: 300, Subscriptions: 2, Seed: 4, Throttle: "off", Now: clk.Now})
	ctx := context.Background()
	eng := func() *Engine { e := env.engine(t); e.Now = clk.Now; return e }
	if _, err := eng().Run(ctx, incrementalRequest(env.tenant)); err != nil {
		t.Fatal(err)
	}
	snap := graphtest.MustSnapshot(t, env.store, env.tenant)
	clk.Add(time.Hour)
	same, err := eng().Run(ctx, incrementalRequest(env.tenant))
	if err != nil {
		t.Fatal(err)
	}
	if same.Mode != ModeIncremental || same.Removed.Nodes != 0 {
		t.Fatalf("unchanged tenant: mode %q removed %+v", same.Mode, same.Removed)
	}
	graphtest.RequireEqual(t, "unchanged tenant", snap, graphtest.MustSnapshot(t, env.store, env.tenant))

	forced := incrementalRequest(env.tenant)
	forced.Full = true
	res, err := eng().Run(ctx, forced)
	if err != nil {
		t.Fatal(err)
	}
	if res.Mode != ModeFull {
		t.Fatalf("--full: mode %q", res.Mode)
	}

	clk.Add(15 * 24 * time.Hour)
	if _, err := env.sim.Mutate(env.tenant, sim.MutateOptions{Fraction: 0.05, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	res, err = eng().Run(ctx, incrementalRequest(env.tenant))
	if err != nil {
		t.Fatal(err)
	}
	if res.Mode != ModeFull || !strings.Contains(res.ModeReason, "14-day") {
		t.Fatalf("after 15 days: mode %q (%s), want full beyond the 14-day retention", res.Mode, res.ModeReason)
	}
	st, err := ReadScanState(ctx, env.store, env.tenant)
	if err != nil || st == nil || st.ScanID != res.ScanID || len(st.DeltaLinks) != 3 {
		t.Fatalf("scan state after the full scan: %+v, %v", st, err)
	}
}

// feedFailing fails Resource Graph queries of the change tables and MS Graph delta queries
// with 400 BadRequest, and passes the rest on.
type feedFailing struct{ next http.RoundTripper }

func (f feedFailing) Do(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	if strings.Contains(string(body), "changes |") || strings.HasSuffix(r.URL.Path, "/delta") {
		msg := `{"error":{"code":"BadRequest","message":"change tracking is not available"}}`
		return &http.Response{StatusCode: http.StatusBadRequest, Status: "400 Bad Request", Request: r,
			Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(msg))}, nil
	}
	return f.next.RoundTrip(r)
}

// TestIncrementalFallsBackWhenFeedsFail: when the change tables and delta queries fail, each
// shard lists fully, the result says so, and the graph still equals a full re-scan.
func TestIncrementalFallsBackWhenFeedsFail(t *testing.T) {
	testenv.Integration(t)
	clk := newFakeClock()
	env := startSim(t, sim.Options{Resources: 400, Subscriptions: 2, Seed: 17, Throttle: "off", Now: clk.Now})
	ctx := context.Background()
	eng := func() *Engine { e := env.engine(t); e.Now = clk.Now; return e }
	if _, err := eng().Run(ctx, incrementalRequest(env.tenant)); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Hour)
	if _, err := env.sim.Mutate(env.tenant, sim.MutateOptions{Fraction: 0.03, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	c, err := azure.NewClients(azure.Options{Endpoints: azure.Endpoints{ARM: env.srv.ARMEndpoint, MSGraph: env.srv.MSGraphEndpoint},
		TenantID: env.tenant, Transport: feedFailing{next: http.DefaultTransport}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := (&Engine{Store: env.store, Azure: c, Now: clk.Now}).Run(ctx, incrementalRequest(env.tenant))
	if err != nil {
		t.Fatal(err)
	}
	if res.Mode != ModeFull || !strings.Contains(res.ModeReason, "shard entra ran fully") || !strings.Contains(res.ModeReason, "resourcechanges") {
		t.Fatalf("mode %q (%s), want full with the shards' reasons", res.Mode, res.ModeReason)
	}
	ref, _ := env.fullRescan(t, eng())
	graphtest.RequireEqual(t, "full re-scan vs fallen-back incremental", graphtest.MustSnapshot(t, ref, env.tenant), graphtest.MustSnapshot(t, env.store, env.tenant))
	// the delta links could not be taken: the next incremental scan says why it is full
	next, err := eng().Run(ctx, incrementalRequest(env.tenant))
	if err != nil {
		t.Fatal(err)
	}
	if next.Mode != ModeFull || !strings.Contains(next.ModeReason, "delta links") {
		t.Fatalf("after a scan without delta links: mode %q (%s)", next.Mode, next.ModeReason)
	}
}

// TestIncrementalChained: incremental scans continue from each other's state (change window,
// delta links, Resource Graph types): after three rounds of 10% changes in a tenant with rich
// children and platform resources the graph still equals a full re-scan. (Not with
// Options.Governance: incremental scans leave policy and locks to full scans, and the
// simulator derives those from the current resources without recording changes.)
func TestIncrementalChained(t *testing.T) {
	testenv.Integration(t)
	clk := newFakeClock()
	env := startSim(t, sim.Options{Resources: 600, Subscriptions: 3, Seed: 31, Throttle: "off", Now: clk.Now, RichChildren: true, PlatformResources: true})
	ctx := context.Background()
	eng := func() *Engine { e := env.engine(t); e.Now = clk.Now; e.ShardSubscriptions = 2; return e }
	if _, err := eng().Run(ctx, incrementalRequest(env.tenant)); err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		clk.Add(6 * time.Hour)
		if _, err := env.sim.Mutate(env.tenant, sim.MutateOptions{Fraction: 0.1, Seed: int64(round + 3)}); err != nil {
			t.Fatal(err)
		}
		clk.Add(time.Hour)
		res, err := eng().Run(ctx, incrementalRequest(env.tenant))
		if err != nil {
			t.Fatal(err)
		}
		if res.Mode != ModeIncremental || len(res.Failures) > 0 {
			t.Fatalf("round %d: mode %q (%s), failures %+v", round, res.Mode, res.ModeReason, res.Failures)
		}
	}
	ref, _ := env.fullRescan(t, eng())
	graphtest.RequireEqual(t, "full re-scan vs three incremental scans", graphtest.MustSnapshot(t, ref, env.tenant), graphtest.MustSnapshot(t, env.store, env.tenant))
}
