package tenant

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/fidelity"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/engine/scan"
	"github.com/atg-go/atg/sim"
)

// env is a running simulator with a generated tenant A (scanned into the store) and an empty
// tenant B.
type env struct {
	sim        *sim.Simulator
	srv        *sim.Server
	src, dst   string
	dstSubs    []string
	store      graph.Store
	log        *slog.Logger
	throttle   azure.ThrottleOptions
	scanResult scan.Result
}

func testLogger() *slog.Logger {
	if os.Getenv("ATG_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

func newEnv(t testing.TB, resources, subs int) *env {
	t.Helper()
	log := testLogger()
	s, err := sim.New(sim.Options{Resources: resources, Subscriptions: subs, Seed: 11, Tenants: 2, Throttle: "fast", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close(context.Background()) })
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "graph.db"), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	e := &env{sim: s, srv: srv, src: srv.TenantIDs[0], dst: srv.TenantIDs[1], store: st, log: log,
		throttle: azure.ThrottleOptions{BaseDelay: 20 * time.Millisecond, Throttled: 50 * time.Millisecond}}
	e.dstSubs = s.SubscriptionIDs(e.dst)
	e.scanResult = e.scan(t, e.src)
	return e
}

func (e *env) clients(t testing.TB, tenant string) *azure.Clients {
	t.Helper()
	c, err := azure.NewClients(azure.Options{Endpoints: azure.Endpoints{ARM: e.srv.ARMEndpoint, MSGraph: e.srv.MSGraphEndpoint},
		TenantID: tenant, Logger: e.log, Throttle: e.throttle})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) scan(t testing.TB, tenant string) scan.Result {
	t.Helper()
	eng := &scan.Engine{Store: e.store, Azure: e.clients(t, tenant), Logger: e.log, Concurrency: 16}
	res, err := eng.Run(context.Background(), scan.Request{TenantID: tenant, IncludeIdentities: true, IncludeRBAC: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) > 0 {
		t.Fatalf("scan of %s failed: %+v", tenant, res.Failures[:min(3, len(res.Failures))])
	}
	return res
}

func (e *env) plan(t testing.TB, mut func(*Input)) *Plan {
	t.Helper()
	in := Input{Store: e.store, SourceTenantID: e.src, TargetTenantID: e.dst, TargetSubscriptions: e.dstSubs}
	if mut != nil {
		mut(&in)
	}
	p, err := MakePlan(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *env) deploy(t testing.TB, ctx context.Context, p *Plan, mut func(*Options)) (*Report, error) {
	t.Helper()
	o := Options{Azure: e.clients(t, e.dst), Concurrency: 8, PollFrequency: time.Second, Logger: e.log}
	if mut != nil {
		mut(&o)
	}
	return Deploy(ctx, p, o)
}

func logFailures(t testing.TB, r *Report, n int) {
	t.Helper()
	shown := 0
	for _, x := range r.Results {
		if (x.Action == ActionFail || x.Action == ActionBlocked) && shown < n {
			t.Logf("  %s %s %s: %s %s", x.Action, x.Type, x.TargetID, x.Code, x.Message+x.Reason)
			shown++
		}
	}
}

// TestRoundTrip is the acceptance round trip on a smaller tenant (see
// TestRoundTrip2000 for the 2,000-resource one): generate A, scan A, create-tenant A -> B,
// scan B, fidelity >= 98% of resources and >= 95% of writable properties; a second run is a
// no-op.
func TestRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("integration")
	}
	roundTrip(t, 300, 2)
}

// TestRoundTrip2000 is the acceptance size (2,000 resources, 2 subscriptions).
func TestRoundTrip2000(t *testing.T) {
	if testing.Short() || os.Getenv("ATG_BIG") == "" {
		t.Skip("set ATG_BIG=1 for the 2,000-resource round trip")
	}
	roundTrip(t, 2000, 2)
}

func roundTrip(t *testing.T, n, subs int) {
	e := newEnv(t, n, subs)
	ctx := context.Background()
	p := e.plan(t, nil)
	t.Logf("plan: %d items, %d levels, %d not deployed", len(p.Items), p.Levels, len(p.Skipped))
	start := time.Now()
	rep, err := e.deploy(t, ctx, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("deploy: created %d updated %d unchanged %d failed %d blocked %d in %s, calls %v throttled %d",
		rep.Created, rep.Updated, rep.Unchanged, rep.Failed, rep.Blocked, time.Since(start).Round(time.Millisecond), rep.APICalls, rep.Throttled)
	if rep.Failed+rep.Blocked > 0 {
		logFailures(t, rep, 10)
		t.Errorf("%d failed, %d blocked", rep.Failed, rep.Blocked)
	}
	if rep.Created != len(p.Items) {
		t.Errorf("created %d of %d", rep.Created, len(p.Items))
	}
	e.scan(t, e.dst)
	fr, err := fidelity.Compare(ctx, e.store, fidelity.Options{SourceTenantID: e.src, TargetTenantID: e.dst, MapName: p.MapName()})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fidelity: %d source, %d target, matched %d, count %.4f, properties %.4f (%d/%d), misses %d",
		fr.SourceResources, fr.TargetResources, fr.Matched, fr.CountFidelity, fr.PropertyFidelity, fr.PropertiesEqual, fr.PropertiesTotal, len(fr.Misses))
	for i, m := range fr.Misses {
		if i == 15 {
			break
		}
		t.Logf("  miss %s %s: %s", m.Type, m.ID, m.Reason)
	}
	if fr.CountFidelity < 0.98 {
		t.Errorf("count fidelity %.4f < 0.98", fr.CountFidelity)
	}
	if fr.PropertyFidelity < 0.95 {
		t.Errorf("property fidelity %.4f < 0.95", fr.PropertyFidelity)
	}
	// second run: a no-op
	rep2, err := e.deploy(t, ctx, e.plan(t, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep2.Unchanged != len(p.Items) || rep2.Created+rep2.Updated+rep2.Failed+rep2.Blocked != 0 {
		for _, x := range rep2.Results {
			if x.Action != ActionSkip {
				t.Logf("  second run: %s %s %v %s", x.Action, x.TargetID, x.Diff, x.Message)
				break
			}
		}
		t.Errorf("second run: created %d updated %d unchanged %d failed %d blocked %d; want all %d unchanged",
			rep2.Created, rep2.Updated, rep2.Unchanged, rep2.Failed, rep2.Blocked, len(p.Items))
	}
	if rep2.APICalls["arm"] == 0 {
		t.Error("second run made no ARM calls: it cannot have checked the target")
	}
}
