package scan

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/internal/testenv"
	"github.com/atg-go/atg/sim"
)

// TestDeleteThenRescan: delete 10 resources in the simulator, re-scan: exactly those 10 nodes
// are gone, no other node changes, and only edges touching them disappear. Then a filtered
// re-scan of one resource group never deletes anything outside it, and pulls in what it
// references, marked out_of_scope.
func TestDeleteThenRescan(t *testing.T) {
	testenv.Integration(t)
	env := startSim(t, sim.Options{Resources: 600, Subscriptions: 2, Seed: 11, Throttle: "fast", Faults: 0.02})
	ctx := context.Background()
	if _, err := env.engine(t).Run(ctx, fullRequest(env.tenant)); err != nil {
		t.Fatal(err)
	}
	n1, e1 := snapshot(t, env.store, env.tenant)

	// 10 web sites and storage containers: leaves, nothing nests under them
	tt := env.truth(t).Tenants[0]
	var victims []string
	for _, id := range tt.ResourceIDs {
		l := strings.ToLower(id)
		if (strings.Contains(l, "/microsoft.web/sites/") || strings.Contains(l, "/containers/")) && len(victims) < 10 {
			victims = append(victims, l)
		}
	}
	if len(victims) != 10 {
		t.Fatalf("found %d victims", len(victims))
	}
	for _, id := range victims {
		if err := env.sim.DeleteResource(id); err != nil {
			t.Fatal(err)
		}
	}
	res, err := env.engine(t).Run(ctx, fullRequest(env.tenant))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) > 0 {
		t.Fatalf("failures: %+v", res.Failures)
	}
	n2, e2 := snapshot(t, env.store, env.tenant)
	gone, added := diffKeys(n1, n2)
	want := make([]string, 0, 10)
	for _, v := range victims {
		want = append(want, "Resource|"+graph.NormalizeID(v))
	}
	slices.Sort(want)
	if !slices.Equal(gone, want) || len(added) > 0 {
		t.Errorf("nodes gone = %v\nwant %v\nadded %v", gone, want, added)
	}
	for k, v := range n2 {
		if n1[k] != v {
			t.Errorf("node %s changed", k)
		}
	}
	goneEdges, addedEdges := diffKeys(e1, e2)
	if len(addedEdges) > 0 {
		t.Errorf("edges added: %v", head(addedEdges, 5))
	}
	for _, k := range goneEdges {
		parts := strings.Split(k, "|")
		if !slices.Contains(victims, parts[1]) && !slices.Contains(victims, parts[2]) {
			t.Errorf("edge %s removed but touches no deleted resource", k)
		}
	}
	if res.Removed.Nodes != 10 {
		t.Errorf("removed = %+v", res.Removed)
	}

	// filtered re-scan: one spoke resource group of the first subscription
	sub := tt.Subscriptions[0]
	rg := ""
	for _, id := range tt.ResourceIDs {
		if a, ok := armid.Parse(id); ok && strings.EqualFold(a.Subscription, strings.TrimPrefix(sub, "/subscriptions/")) &&
			!strings.Contains(strings.ToLower(a.ResourceGroup), "hub") && strings.Contains(strings.ToLower(a.Type()), "virtualnetworks") {
			rg = a.ResourceGroup
			break
		}
	}
	if rg == "" {
		t.Fatal("no spoke resource group")
	}
	// delete something outside the filter: a filtered scan must not remove it
	var outside string
	for _, id := range tt.ResourceIDs {
		if a, ok := armid.Parse(id); ok && !strings.EqualFold(a.ResourceGroup, rg) && !slices.Contains(victims, strings.ToLower(id)) &&
			strings.Contains(strings.ToLower(id), "/microsoft.web/sites/") {
			outside = graph.NormalizeID(id)
			break
		}
	}
	if err := env.sim.DeleteResource(outside); err != nil {
		t.Fatal(err)
	}
	subID := strings.TrimPrefix(strings.ToLower(sub), "/subscriptions/")
	req := Request{TenantID: env.tenant, Subscriptions: []string{subID}, ResourceGroups: []string{strings.ToUpper(rg)}, IncludeRBAC: true}
	fres, err := env.engine(t).Run(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(fres.Failures) > 0 {
		t.Fatalf("failures: %+v", fres.Failures)
	}
	n3, _ := snapshot(t, env.store, env.tenant)
	gone, _ = diffKeys(n2, n3)
	if len(gone) > 0 {
		t.Errorf("filtered re-scan removed %d nodes, e.g. %v", len(gone), head(gone, 5))
	}
	if fres.Resources == 0 || fres.Resources >= res.Resources {
		t.Errorf("filtered scan found %d resources (full %d)", fres.Resources, res.Resources)
	}

	// the same filtered scan into an empty graph: everything is in the RG or marked out_of_scope
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "f.db"), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	if err := st.Init(ctx); err != nil {
		t.Fatal(err)
	}
	eng := env.engine(t)
	eng.Store = st
	if _, err := eng.Run(ctx, req); err != nil {
		t.Fatal(err)
	}
	pulled := 0
	if err := st.Nodes(ctx, env.tenant, graph.NodeQuery{Labels: []graph.Label{graph.LabelResource}}, func(n graph.Node) error {
		oos, _ := n.Props[graph.PropOutOfScope].(bool)
		inRG := strings.EqualFold(n.Props[graph.PropResourceGroup].(string), rg)
		switch {
		case oos && inRG:
			t.Errorf("%s is in the filter but marked out_of_scope", n.ID)
		case !oos && !inRG:
			t.Errorf("%s is outside the filter and not marked out_of_scope", n.ID)
		case oos:
			pulled++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if pulled == 0 {
		t.Errorf("no referenced out-of-filter resource was pulled in (spoke VNets peer with the hub)")
	}
}

// TestShardsTwiceIdentical runs the scan as the service does (plan, shards as separate steps
// with JSON between them), every shard twice, and compares with a plain Run.
func TestShardsTwiceIdentical(t *testing.T) {
	testenv.Integration(t)
	env := startSim(t, sim.Options{Resources: 400, Subscriptions: 3, Seed: 5, Throttle: "fast"})
	ctx := context.Background()
	if _, err := env.engine(t).Run(ctx, fullRequest(env.tenant)); err != nil {
		t.Fatal(err)
	}
	want, wantEdges := snapshot(t, env.store, env.tenant)

	st, err := boltstore.Open(filepath.Join(t.TempDir(), "twice.db"), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	if err := st.Init(ctx); err != nil {
		t.Fatal(err)
	}
	eng := env.engine(t)
	eng.Store = st
	eng.ShardSubscriptions = 1
	plan, err := eng.Plan(ctx, fullRequest(env.tenant))
	if err != nil {
		t.Fatal(err)
	}
	var p2 Plan
	roundTrip(t, plan, &p2)
	if len(p2.Shards) != 4 {
		t.Fatalf("shards = %+v", p2.Shards)
	}
	var results []ShardResult
	for _, s := range p2.Shards {
		for range 2 {
			r, err := env.engine(t).withStore(st).RunShard(ctx, p2, s)
			if err != nil {
				t.Fatal(err)
			}
			var r2 ShardResult
			roundTrip(t, r, &r2)
			results = append(results, r2)
		}
	}
	res, err := eng.Finalize(ctx, p2, results)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) > 0 {
		t.Fatalf("failures %+v", res.Failures)
	}
	tt := env.truth(t).Tenants[0]
	if res.Resources != tt.Resources {
		t.Errorf("resources = %d, truth %d (shards counted twice?)", res.Resources, tt.Resources)
	}
	got, gotEdges := snapshot(t, st, env.tenant)
	a, b := diffKeys(want, got)
	if len(a)+len(b) > 0 {
		t.Errorf("nodes differ: only in Run %v; only in shards %v", head(a, 5), head(b, 5))
	}
	for k, v := range want {
		if got[k] != v && !strings.HasPrefix(k, "Tenant|") {
			t.Errorf("node %s differs", k)
		}
	}
	a, b = diffKeys(wantEdges, gotEdges)
	if len(a)+len(b) > 0 {
		t.Errorf("edges differ: only in Run %v; only in shards %v", head(a, 5), head(b, 5))
	}
}

func (e *Engine) withStore(st graph.Store) *Engine { e.Store = st; return e }

func roundTrip(t *testing.T, in, out any) {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
}

// failingTransport answers 403 for URLs containing match, and passes the rest on.
type failingTransport struct {
	match string
	next  http.RoundTripper
}

func (f failingTransport) Do(r *http.Request) (*http.Response, error) {
	if strings.Contains(r.URL.Path, f.match) {
		body := `{"error":{"code":"AuthorizationFailed","message":"no read permission"}}`
		return &http.Response{StatusCode: http.StatusForbidden, Status: "403 Forbidden", Request: r,
			Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body))}, nil
	}
	return f.next.RoundTrip(r)
}

// TestPermanentFailureIsReportedAndNotCleanedUp: a collection the identity may not read is a
// failure in the result (never silently lost), and the re-scan does not delete what it could
// not see.
func TestPermanentFailureIsReportedAndNotCleanedUp(t *testing.T) {
	testenv.Integration(t)
	env := startSim(t, sim.Options{Resources: 300, Subscriptions: 2, Seed: 9, Throttle: "fast"})
	ctx := context.Background()
	if _, err := env.engine(t).Run(ctx, fullRequest(env.tenant)); err != nil {
		t.Fatal(err)
	}
	before, _ := snapshot(t, env.store, env.tenant)
	c, err := azure.NewClients(azure.Options{Endpoints: azure.Endpoints{ARM: env.srv.ARMEndpoint, MSGraph: env.srv.MSGraphEndpoint},
		TenantID: env.tenant, Transport: failingTransport{match: "/extensions", next: http.DefaultTransport}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := (&Engine{Store: env.store, Azure: c}).Run(ctx, fullRequest(env.tenant))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) == 0 {
		t.Fatal("no failures reported for unreadable VM extensions")
	}
	for _, f := range res.Failures {
		if f.Code != "AuthorizationFailed" || !strings.HasSuffix(f.ID, "/extensions") || f.Scope == "" {
			t.Errorf("failure %+v", f)
		}
	}
	after, _ := snapshot(t, env.store, env.tenant)
	if gone, _ := diffKeys(before, after); len(gone) > 0 {
		t.Errorf("a scan with failures removed %d nodes, e.g. %v", len(gone), head(gone, 3))
	}
}
